"""Alerts: a channel asks to hear when a topic moves (``subscriptions``); a
checker on ``serve``'s scheduler finds new developments and volume spikes
(``spike``) and posts each alert once (``checker``)."""
