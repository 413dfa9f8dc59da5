"""The feed poller against a real Redis and feeds served on loopback."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis

from bot.config import Settings
from bot.deps import Deps
from bot.feeds.poller import NOT_A_FEED, FeedPoller
from bot.feeds.submit import FEED_ITEM, queue_submit
from bot.feeds.subscriptions import Feed
from bot.ingest.feeds import FeedItem
from bot.ingest.fetch import Fetcher
from bot.render import feeds_text
from bot.store.keys import FeedKeys
from tests.support.deps import deps_on
from tests.support.pages import ArticleServer

BASE, CAP = 600.0, 6 * 3600.0
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def rss(*items: str) -> bytes:
    body = "".join(
        f"<item><title>Story {i}</title><link>https://news.example/{i}</link>"
        f"<guid>id-{i}</guid></item>"
        for i in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{body}</channel></rss>'.encode()


class Recorder:
    """The poller's ``submit``: what it was handed, in order."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def __call__(self, feed: Feed, item: FeedItem) -> bool:
        with self._lock:
            self.items.append((feed.key, item.link))
        return True


@pytest.fixture
def fetcher(article_site: ArticleServer) -> Iterator[Fetcher]:
    with Fetcher(Settings(fetch_allow_hosts=(article_site.allow_entry,), fetch_timeout=5)) as f:
        yield f


def poller(deps: Deps, fetcher: Fetcher, submit: Recorder) -> FeedPoller:
    return FeedPoller(deps.feeds, fetcher, submit, base_interval=BASE, max_interval=CAP)


def add(deps: Deps, url: str, team: str = "T1") -> Feed:
    return deps.feeds.add(Feed(id="", team=team, url=url), T0)


def test_new_items_are_handed_on_once_oldest_first(
    deps: Deps, fetcher: Fetcher, article_site: ArticleServer
) -> None:
    url = article_site.add("/rss", rss("3", "2", "1"), content_type="application/rss+xml")
    feed = add(deps, url)
    got = Recorder()
    p = poller(deps, fetcher, got)
    [first] = p.poll_due(T0)
    assert (first.outcome, first.new_items) == ("new", 3)
    assert [link for _, link in got.items] == [f"https://news.example/{i}" for i in "123"]
    assert p.poll_due(T0 + timedelta(seconds=BASE - 1)) == []  # not due yet
    [again] = p.poll_due(T0 + timedelta(seconds=BASE))
    assert (again.outcome, again.new_items) == ("quiet", 0)
    article_site.add("/rss", rss("4", "3", "2", "1"), content_type="application/rss+xml")
    later = T0 + timedelta(days=1)
    [third] = p.poll_due(later)
    assert (third.outcome, third.new_items) == ("new", 1)
    assert got.items[-1] == (feed.key, "https://news.example/4") and len(got.items) == 4
    stored = deps.feeds.get("T1", feed.id)
    assert stored is not None and stored.items == 4 and stored.last_success == later.isoformat()


def test_validators_go_back_and_a_304_is_respected(
    deps: Deps, fetcher: Fetcher, article_site: ArticleServer
) -> None:
    validators = {"ETag": '"v1"', "Last-Modified": "Mon, 02 Mar 2026 07:00:00 GMT"}
    url = article_site.add(
        "/atom", rss("1"), content_type="application/rss+xml", headers=validators
    )
    feed = add(deps, url)
    got = Recorder()
    p = poller(deps, fetcher, got)
    p.poll_due(T0)
    article_site.add("/atom", status=304, content_type=None, headers=validators)
    [quiet] = p.poll_due(T0 + timedelta(seconds=BASE))
    assert quiet.outcome == "quiet"
    sent = article_site.requests[-1].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Mon, 02 Mar 2026 07:00:00 GMT"
    stored = deps.feeds.get("T1", feed.id)
    assert stored is not None
    assert (stored.not_modified, stored.etag, stored.items) == (1, '"v1"', 1)
    assert stored.interval == BASE * 1.5  # quiet: it backs off
    assert len(got.items) == 1


def test_a_failing_feed_backs_off_and_reports_its_error(
    deps: Deps, fetcher: Fetcher, article_site: ArticleServer
) -> None:
    url = article_site.add("/broken", b"oops", status=500)
    feed = add(deps, url)
    p = poller(deps, fetcher, Recorder())
    now = T0
    waits = []
    for _ in range(3):
        [result] = p.poll_due(now)
        assert result.outcome == "failed"
        stored = deps.feeds.get("T1", feed.id)
        assert stored is not None
        waits.append(stored.interval)
        now = datetime.fromtimestamp(stored.next_due, UTC)
    assert waits == [BASE * 2, BASE * 4, BASE * 8]
    assert stored.last_error == "the site had an error (HTTP 500)" and stored.failures == 3
    assert "the site had an error (HTTP 500)" in feeds_text([stored])
    assert "last success never" in feeds_text([stored])
    # it recovers: failures reset, the error stays on record next to the success
    article_site.add("/broken", rss("1"), content_type="application/rss+xml")
    [ok] = p.poll_due(now)
    stored = deps.feeds.get("T1", feed.id)
    assert ok.outcome == "new" and stored is not None
    assert (stored.failures, stored.interval, stored.last_success) == (0, BASE, now.isoformat())


def test_a_page_that_is_no_feed_is_an_error(
    deps: Deps, fetcher: Fetcher, article_site: ArticleServer
) -> None:
    url = article_site.html("/page", "<html><body><p>Just a page.</p></body></html>")
    add(deps, url)
    [result] = poller(deps, fetcher, Recorder()).poll_due(T0)
    assert (result.outcome, result.error) == ("failed", NOT_A_FEED)


def test_a_private_address_is_refused_like_a_pasted_link(
    deps: Deps, article_site: ArticleServer
) -> None:
    add(deps, article_site.url("/rss"))
    with Fetcher(Settings()) as strict:  # no allow-list entry for the test server
        [result] = poller(deps, strict, Recorder()).poll_due(T0)
    assert result.outcome == "failed" and result.error is not None
    assert result.error.startswith("address not allowed")
    assert article_site.requests == []


def test_two_replicas_poll_a_due_feed_once(
    deps: Deps, fetcher: Fetcher, article_site: ArticleServer, redis_url: str, tmp_path: Path
) -> None:
    url = article_site.add("/rss", rss("2", "1"), content_type="application/rss+xml")
    add(deps, url)
    got = Recorder()
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def replica(folder: Path) -> None:
        with deps_on(redis_url, folder) as other:
            p = poller(other, fetcher, got)
            start.wait()
            outcomes.extend(r.outcome for r in p.poll_due(T0))

    threads = [threading.Thread(target=replica, args=(tmp_path / name,)) for name in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert article_site.route("/rss").hits == 1
    assert len(got.items) == 2
    assert sorted(outcomes) in (["claimed_elsewhere", "new"], ["new"])


def test_a_feed_another_replica_just_rescheduled_is_not_due_again(
    deps: Deps, fetcher: Fetcher, article_site: ArticleServer, redis_url: str
) -> None:
    # The interleaving that polled a feed twice under load: replica B read the due list,
    # replica A polled and saved the next due time, then B loaded A's record. Left as B
    # saw it: the list's old due time, the record's new one.
    url = article_site.add("/rss", rss("1"), content_type="application/rss+xml")
    feed = add(deps, url)
    [done] = poller(deps, fetcher, Recorder()).poll_due(T0)
    assert done.outcome == "new"
    client = redis.Redis.from_url(redis_url)
    client.zadd(FeedKeys.due, {feed.key: T0.timestamp()})  # the list as B read it
    client.close()
    assert poller(deps, fetcher, Recorder()).poll_due(T0) == []
    assert article_site.route("/rss").hits == 1


def test_a_removed_feed_is_not_polled_and_its_numbers_are_per_team(
    deps: Deps, fetcher: Fetcher, article_site: ArticleServer
) -> None:
    url = article_site.add("/rss", rss("1"), content_type="application/rss+xml")
    first = add(deps, url)
    other = add(deps, url, team="T2")
    assert (first.id, other.id) == ("1", "1")
    assert deps.feeds.remove("T1", first.id)
    results = poller(deps, fetcher, Recorder()).poll_due(T0)
    assert [r.feed for r in results] == ["T2/1"]
    assert [f.url for f in deps.feeds.for_team("T1")] == []


def test_the_same_url_twice_in_a_team_is_refused(deps: Deps) -> None:
    from bot.errors import InputError

    add(deps, "https://news.example/rss")
    with pytest.raises(InputError, match="already followed"):
        add(deps, "https://news.example/rss")


def test_queued_items_are_feed_item_jobs_and_a_link_is_queued_once(deps: Deps) -> None:
    feed = deps.feeds.add(Feed(id="", team="T1", url="https://n.example/rss", topic="syria"), T0)
    submit = queue_submit(lambda: deps.queue)
    item = FeedItem(key="id-1", link="https://news.example/1")
    assert submit(feed, item) is True
    assert submit(feed, item) is False  # the queue's dedup marker
    job = deps.queue.claim(block_ms=100)
    assert job is not None and job.kind == FEED_ITEM
    assert job.payload == {"url": "https://news.example/1", "feed": "1", "topic": "syria"}
