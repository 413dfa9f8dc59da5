"""Posting a digest to Slack: the ``DigestSender`` that ``briefbot serve`` uses.

Pacing per channel happens before (``bot.digests.pacing``, in the scheduler); 429s
are retried here by the Web client after ``Retry-After`` (``bot.slack.client``).
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError

from bot import render
from bot.digests.subscriptions import Subscription
from bot.errors import NotInstalled
from bot.metrics import Metrics
from bot.models import Digest
from bot.slack.client import SlackClients

log = logging.getLogger(__name__)


class SlackDigestSender:
    """Posts a digest to its subscription's channel, with the subscription's
    workspace's bot token; True once Slack confirmed it."""

    def __init__(self, clients: SlackClients, metrics: Metrics) -> None:
        self.clients = clients
        self.metrics = metrics

    def __call__(self, sub: Subscription, digest: Digest) -> bool:
        try:
            client = self.clients.for_team(sub.team)
        except NotInstalled as exc:
            log.info("digest sub=%s not sent: %s", sub.key, exc)
            return False
        try:
            answer = client.chat_postMessage(
                channel=sub.channel,
                blocks=render.digest_blocks(digest),
                text=render.digest_fallback(digest),
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error"))
            self.metrics.slack_errors.labels(method="chat.postMessage", error=error).inc()
            log.warning("digest post failed sub=%s channel=%s: %s", sub.key, sub.channel, error)
            return False
        except OSError as exc:  # the connection kept failing after the client's retries
            log.warning("digest post failed sub=%s channel=%s: %s", sub.key, sub.channel, exc)
            return False
        return bool(answer.get("ok"))
