"""Posting an alert to Slack: the ``AlertSender`` that ``briefbot serve`` uses.

Alerts are few (a handful per channel and hour at most, see ``bot.alerts``), so
they share the channel pacing of digests only through Slack's own 429s, which
the Web client honours (``bot.slack.client``).
"""

from __future__ import annotations

import logging

from bot import render
from bot.alerts.checker import Alert
from bot.metrics import Metrics
from bot.slack.client import SlackClients

log = logging.getLogger(__name__)


class SlackAlertSender:
    """Posts an alert to its channel with its workspace's bot token; True once Slack
    confirmed it."""

    def __init__(self, clients: SlackClients, metrics: Metrics) -> None:
        self.clients = clients
        self.metrics = metrics

    def __call__(self, alert: Alert) -> bool:
        blocks, text = render.alert_blocks(alert), render.alert_fallback(alert)
        posted = self.clients.post(alert.team, alert.channel, blocks, text, "alert")
        return posted is not None and bool(posted[1].get("ok"))
