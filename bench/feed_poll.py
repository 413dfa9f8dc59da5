"""Feed polling cost: 500 feeds on the local article server, nothing changed.

Every feed is polled once with a 200 and an ETag (its items handed to a
counting ``submit``), then the server answers 304 to every feed and all 500
are polled ``ROUNDS`` more times through the real ``FeedPoller`` (claims,
conditional requests through the real ``Fetcher``, the record and schedule
written back). The cost of a quiet poll is the CPU time of the polling thread
(``time.thread_time``) plus the Redis server's CPU (``INFO cpu``), divided by
the polls; the article server, which stands in for the news sites, is not
counted. Per hour, at the base interval (``BRIEFBOT_FEED_INTERVAL``, no
back-off at all: the worst case) and with quiet feeds backed off to
``BRIEFBOT_FEED_MAX_INTERVAL``. Target: under one core-minute per hour.

    python -m bench.feed_poll             # 500 feeds, 3 quiet rounds
    python -m bench.feed_poll --full      # 500 feeds, 10 quiet rounds
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import BenchRedis, figure, verdict
from bot.config import Settings
from bot.deps import build_deps
from bot.feeds.poller import FeedPoller
from bot.feeds.subscriptions import Feed
from bot.ingest.feeds import FeedItem
from bot.ingest.fetch import Fetcher
from tests.support.pages import ArticleServer

FEEDS = 500
ITEMS = 20
TARGET_CORE_SECONDS_PER_HOUR = 60.0
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def _rss(feed: int) -> bytes:
    items = "".join(
        f"<item><guid>f{feed}-{i}</guid><link>https://news.example/{feed}/{i}</link>"
        f"<title>Story {i} of feed {feed}</title></item>"
        for i in range(ITEMS)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()


def _redis_cpu(client: Any) -> float:
    info = client.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args(argv)
    rounds = 10 if args.full else 3
    settings = Settings()
    with tempfile.TemporaryDirectory() as tmp, ArticleServer() as site:
        store = BenchRedis(Path(tmp) / "redis")
        deps = build_deps(Settings(redis_url=store.url, data_dir=Path(tmp) / "data"))
        handed: list[str] = []

        def submit(feed: Feed, item: FeedItem) -> bool:
            handed.append(item.link)
            return True

        fetch_settings = Settings(fetch_allow_hosts=(site.allow_entry,))
        try:
            with Fetcher(fetch_settings) as fetcher:
                for n in range(FEEDS):
                    url = site.add(f"/feed/{n}", _rss(n), content_type="application/rss+xml",
                                   headers={"ETag": f'"v{n}"'})  # fmt: skip
                    # five workspaces of 100 feeds (a workspace may follow 200)
                    deps.feeds.add(Feed(id="", team=f"T{n % 5}", url=url), T0)
                poller = FeedPoller(
                    deps.feeds, fetcher, submit,
                    base_interval=settings.feed_interval, max_interval=settings.feed_max_interval,
                )  # fmt: skip
                first = poller.poll_due(T0)
                assert len(first) == FEEDS and len(handed) == FEEDS * ITEMS, "first poll"
                for n in range(FEEDS):
                    site.add(f"/feed/{n}", status=304, content_type=None,
                             headers={"ETag": f'"v{n}"'})  # fmt: skip
                redis = store.client()
                cpu0, redis0, wall0 = time.thread_time(), _redis_cpu(redis), time.perf_counter()
                polls = 0
                now = T0
                for _ in range(rounds):
                    now += timedelta(seconds=settings.feed_max_interval)
                    results = poller.poll_due(now)
                    assert all(r.outcome == "quiet" for r in results), "a quiet round"
                    polls += len(results)
                cpu = time.thread_time() - cpu0
                redis_cpu = _redis_cpu(redis) - redis0
                wall = time.perf_counter() - wall0
                redis.close()
        finally:
            deps.close()
            store.close()
    assert len(handed) == FEEDS * ITEMS, "a 304 handed items on"
    per_poll = (cpu + redis_cpu) / polls
    worst = FEEDS * 3600 / settings.feed_interval * per_poll
    settled = FEEDS * 3600 / settings.feed_max_interval * per_poll
    figure(
        "feed-poll",
        "quiet polls",
        f"{polls} in {wall:.1f} s",
        f"{FEEDS} feeds x {rounds} rounds, all 304",
    )
    figure("feed-poll", "cpu per quiet poll", f"{per_poll * 1000:.2f} ms",
           f"poller thread {cpu:.2f} s + Redis {redis_cpu:.2f} s")  # fmt: skip
    met = verdict(worst < TARGET_CORE_SECONDS_PER_HOUR)
    figure("feed-poll", "core-seconds per hour, 500 feeds at the base interval",
           f"{worst:.1f}", f"{met} target < 60")  # fmt: skip
    figure("feed-poll", "core-seconds per hour, 500 quiet feeds backed off", f"{settled:.1f}")
    return 0 if worst < TARGET_CORE_SECONDS_PER_HOUR else 1


if __name__ == "__main__":
    sys.exit(main())
