"""Posting an alert to Slack: the ``AlertSender`` that ``briefbot serve`` uses.

Alerts are few (a handful per channel and hour at most, see ``bot.alerts``), so
they share the channel pacing of digests only through Slack's own 429s, which
the Web client honours (``bot.slack.client``).
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot import render
from bot.alerts.checker import Alert
from bot.errors import NotInstalled
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
        try:
            client = self.clients.for_team(alert.team)
        except NotInstalled as exc:
            log.info("alert channel=%s not sent: %s", alert.channel, exc)
            return False
        try:
            answer = client.chat_postMessage(
                channel=alert.channel,
                blocks=render.alert_blocks(alert),
                text=render.alert_fallback(alert),
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error"))
            self.metrics.slack_errors.labels(method="chat.postMessage", error=error).inc()
            log.warning("alert post failed channel=%s: %s", alert.channel, error)
            return False
        except OSError as exc:  # the connection kept failing after the client's retries
            log.warning("alert post failed channel=%s: %s", alert.channel, exc)
            return False
        return bool(answer.get("ok"))
