"""Posting digests to Slack at a pace the channel allows (about 1 per second)."""

from __future__ import annotations

import logging
import threading
import time

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import render
from bot.metrics import Metrics
from bot.models import Digest
from bot.subscriptions import Subscription

log = logging.getLogger(__name__)

CHANNEL_INTERVAL = 1.1  # seconds between two posts to one channel


class SlackDigestSender:
    """A ``DigestSender``: True once Slack confirmed the post."""

    def __init__(self, client: WebClient, metrics: Metrics) -> None:
        self.client = client
        self.metrics = metrics
        self._last_post: dict[str, float] = {}
        self._lock = threading.Lock()

    def __call__(self, sub: Subscription, digest: Digest) -> bool:
        self._pace(sub.channel)
        try:
            answer = self.client.chat_postMessage(
                channel=sub.channel,
                blocks=render.digest_blocks(digest),
                text=render.digest_fallback(digest),
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error"))
            self.metrics.slack_errors.labels(method="chat.postMessage", error=error).inc()
            log.warning("digest post failed sub=%s channel=%s: %s", sub.key, sub.channel, error)
            return False
        return bool(answer.get("ok"))

    def _pace(self, channel: str) -> None:
        with self._lock:
            wait = self._last_post.get(channel, 0.0) + CHANNEL_INTERVAL - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._last_post[channel] = time.monotonic()
