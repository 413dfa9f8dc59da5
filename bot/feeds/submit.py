"""Where a feed's new items go: the ingest queue (``serve`` / ``worker``), or the
pipeline at once (``briefbot feed poll`` in a terminal, where no worker runs).

Either way the item's link goes through the same fetcher (hostile-link checks)
and the same pipeline as a pasted link. Queued items are jobs of kind
``feed_item``: the worker files them without a reply in Slack.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.feeds.poller import Submit
from bot.feeds.subscriptions import Feed
from bot.ingest.feeds import FeedItem
from bot.jobs import pipeline
from bot.jobs.queue import JobQueue

log = logging.getLogger(__name__)

FEED_ITEM = "feed_item"


def queue_submit(queue: Callable[[], JobQueue]) -> Submit:
    """Queue each item as a ``feed_item`` job; a link queued in the last day is not."""

    def submit(feed: Feed, item: FeedItem) -> bool:
        payload = {"url": item.link, "feed": feed.id, "topic": feed.topic or ""}
        key = f"feed:{feed.team}:{item.link}"
        return queue().enqueue(FEED_ITEM, feed.team, payload, dedup_key=key) is not None

    return submit


def inline_submit(deps: pipeline.IngestDeps) -> Submit:
    """Ingest each item now, in this process."""

    def submit(feed: Feed, item: FeedItem) -> bool:
        also = [feed.topic] if feed.topic else []
        for result in pipeline.ingest_url(deps, feed.team, item.link, also=also):
            log.info("feed=%s item %s: %s", feed.key, item.link, result.reason or result.status)
        return True

    return submit
