"""Polling due feeds: claim, fetch conditionally, hand new items on, reschedule.

``FeedPoller.poll_due`` is safe to call from any number of replicas at once:
each feed's poll for one due time is claimed in Redis (``FeedSubscriptions.claim``)
and only the winner fetches it. Items go to ``submit`` oldest first, each once:
an item whose key was seen is skipped, and it is marked seen only after
``submit`` took it, so a crash in between hands it on again (the queue's dedup
marker and the pipeline's known-URL check then stop a second ingest).

``FeedScheduler`` runs ``poll_due`` every ``TICK_SECONDS`` in a background
thread (APScheduler 3), in ``serve`` and in ``worker`` processes alike.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from bot.errors import BriefbotError, IngestError
from bot.feeds.schedule import Outcome, next_interval
from bot.feeds.subscriptions import Feed, FeedSubscriptions
from bot.ingest.feeds import FeedItem, parse_feed
from bot.jobs.ticker import Ticker
from bot.models import Page

log = logging.getLogger(__name__)

TICK_SECONDS = 30.0
NOT_A_FEED = "not a feed (unreadable or empty)"

#: hands one new item on for ingest; False when it was already on its way
Submit = Callable[[Feed, FeedItem], bool]


class FeedFetcher(Protocol):
    def fetch_feed(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Page: ...


@dataclass
class PollResult:
    feed: str  # "team/id"
    # "new", "quiet" (304 or nothing new), "failed", "claimed_elsewhere", "removed"
    outcome: str
    new_items: int = 0
    error: str | None = None


class FeedPoller:
    """Polls the feeds that are due; one instance per process."""

    def __init__(
        self,
        feeds: FeedSubscriptions,
        fetcher: FeedFetcher,
        submit: Submit,
        *,
        base_interval: float,
        max_interval: float,
        teams: Callable[[], set[str] | None] = lambda: None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.feeds = feeds
        self.fetcher = fetcher
        self.submit = submit
        self.base = base_interval
        self.cap = max_interval
        self.teams = teams  # the workspaces this process serves (None: every one)
        self.clock = clock or (lambda: datetime.now(UTC))

    def poll_due(self, now: datetime | None = None) -> list[PollResult]:
        """Poll every feed due at ``now`` (default: the clock) that no other replica took."""
        now = now or self.clock()
        results = []
        for feed in self.feeds.due(now, self.teams()):
            try:
                results.append(self.poll(feed, now))
            except BriefbotError as exc:  # e.g. Redis went away: the next tick tries again
                log.warning("feed=%s not polled: %s", feed.key, exc)
        return results

    def poll(self, feed: Feed, now: datetime) -> PollResult:
        """Poll one feed if this replica wins its claim for the current due time."""
        if not self.feeds.claim(feed, feed.interval or self.base):
            return PollResult(feed.key, "claimed_elsewhere")
        feed.polls += 1
        feed.last_polled = now.isoformat()
        try:
            page = self.fetcher.fetch_feed(
                feed.url, etag=feed.etag, last_modified=feed.last_modified
            )
            new = self._take(feed, page, now)
        except IngestError as exc:
            return self._finish(feed, now, "failed", error=exc.reason)
        return self._finish(feed, now, "new" if new else "quiet", new=new)

    def _take(self, feed: Feed, page: Page, now: datetime) -> int:
        """Hand on the page's new items; returns how many. 304: none, validators kept."""
        if page.status == 304:
            feed.not_modified += 1
            return 0
        items = parse_feed(page.body, page.final_url)
        if items is None:
            raise IngestError(page.final_url, reason=NOT_A_FEED)
        feed.etag, feed.last_modified = page.etag, page.last_modified
        new = 0
        for item in reversed(items):  # feeds list newest first: file in the order published
            if self.feeds.is_seen(feed, item.key):
                continue
            if self.submit(feed, item):
                new += 1
            self.feeds.mark_seen(feed, item.key, now)
        return new

    def _finish(
        self, feed: Feed, now: datetime, outcome: Outcome, *, new: int = 0, error: str | None = None
    ) -> PollResult:
        if outcome == "failed":
            feed.failures += 1
            feed.last_error, feed.last_error_at = error, now.isoformat()
            log.warning("feed=%s poll failed (%d in a row): %s", feed.key, feed.failures, error)
        else:
            feed.failures = 0
            feed.last_success = now.isoformat()
            feed.items += new
        current = feed.interval or self.base
        feed.interval = next_interval(current, outcome, feed.failures, base=self.base, cap=self.cap)
        feed.next_due = now.timestamp() + feed.interval
        if not self.feeds.save(feed):
            return PollResult(feed.key, "removed", new, error)
        log.info("feed=%s polled: %s new=%d next in %.0f s", feed.key, outcome, new, feed.interval)
        return PollResult(feed.key, outcome, new, error)


class FeedScheduler(Ticker):
    """Runs ``poller.poll_due`` now and then every ``tick`` seconds, in a thread."""

    def __init__(self, poller: FeedPoller, tick: float | None = None) -> None:
        super().__init__("feed-poll", poller.poll_due, tick or TICK_SECONDS)
        self.poller = poller
