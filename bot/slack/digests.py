"""Posting a digest to Slack: the ``DigestSender`` that ``briefbot serve`` uses.

Pacing per channel happens before (``bot.digests.pacing``, in the scheduler); 429s
are retried here by the Web client after ``Retry-After`` (``bot.slack.client``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient

from bot import render
from bot.digests.subscriptions import Subscription
from bot.metrics import Metrics
from bot.models import Digest
from bot.pictures.picture import Picture
from bot.slack.client import SlackClients
from bot.slack.pictures import upload_picture

log = logging.getLogger(__name__)


#: ``Subscription.extra`` key: "on" when the digest comes with pictures in its thread
PICTURES = "pictures"

#: the pictures of a digest (a chart and a map per topic), drawn by the caller's core
DigestPictures = Callable[[Subscription, Digest], list[Picture]]


class SlackDigestSender:
    """Posts a digest to its subscription's channel, with the subscription's
    workspace's bot token; True once Slack confirmed it.

    A subscription with pictures on gets them in the digest's thread once the
    digest is posted; a picture that fails is logged and never fails the digest.
    """

    def __init__(
        self, clients: SlackClients, metrics: Metrics, pictures: DigestPictures | None = None
    ) -> None:
        self.clients = clients
        self.metrics = metrics
        self.pictures = pictures

    def __call__(self, sub: Subscription, digest: Digest) -> bool:
        blocks, text = render.digest_blocks(digest), render.digest_fallback(digest)
        posted = self.clients.post(sub.team, sub.channel, blocks, text, f"digest sub={sub.key}")
        if posted is None:
            return False
        client, answer = posted
        if answer.get("ok") and answer.get("ts") and sub.extra.get(PICTURES) == "on":
            self._share_pictures(client, sub, digest, str(answer["ts"]))
        return bool(answer.get("ok"))

    def _share_pictures(
        self, client: WebClient, sub: Subscription, digest: Digest, ts: str
    ) -> None:
        if self.pictures is None:
            return
        try:
            for picture in self.pictures(sub, digest):
                upload_picture(client, picture, sub.channel, thread_ts=ts)
        except Exception:  # the digest is out; its pictures are a bonus
            log.exception("digest sub=%s: pictures not shared", sub.key)
