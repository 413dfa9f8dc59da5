"""A feed burst: 100 new items at once, drained by 1 and then 2 ``briefbot worker``
processes (real processes, a private Redis, the fake Slack for ``auth.test``).

The benchmark follows a feed on the local article server, polls it once with
the real ``FeedPoller`` (items go on the workspace's ingest stream as
``feed_item`` jobs, as in ``serve``) and times until the last item is stored.
The pipeline's throughput is what the same workers report in ``/metrics``
(mean seconds per job): the ideal drain time is 100 x that mean / processes,
and the target is a drain within 1.3 times the ideal. Each run checks that every
item was stored once and that no message was posted to Slack (items are filed
silently).

    python -m bench.feed_burst            # 100 items, 1 and 2 workers
    python -m bench.feed_burst --items 30 # a smoke run
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.common import (
    TEAM,
    BenchRedis,
    BotProcess,
    bot_env,
    fake_slack,
    figure,
    free_port,
    scrape_stage_seconds,
    verdict,
)
from bot.config import Settings
from bot.deps import build_deps
from bot.feeds.poller import FeedPoller
from bot.feeds.submit import queue_submit
from bot.feeds.subscriptions import Feed
from bot.ingest.fetch import Fetcher
from tests.support.pages import ArticleServer

TARGET_RATIO = 1.3
WORDS = [
    "council",
    "harbour",
    "budget",
    "convoy",
    "ministry",
    "river",
    "bridge",
    "election",
    "court",
    "drought",
    "farmers",
    "factory",
    "strike",
    "ceasefire",
    "governor",
    "airport",
    "railway",
    "hospital",
    "school",
    "border",
]
CITIES = ["Aleppo", "Homs", "Latakia", "Tartus", "Raqqa", "Deir ez-Zor", "Idlib", "Hama"]


def _page(n: int) -> str:
    """An article of its own (no two alike), about 250 words."""
    sentences = []
    for i in range(14):
        a, b, c = (WORDS[(n * 7 + i * k) % len(WORDS)] for k in (1, 3, 5))
        city = CITIES[(n + i) % len(CITIES)]
        sentences.append(
            f"Officials in {city} said on Monday that the {a} plan for the {b} would change "
            f"the {c} rules by the end of the year, item {n}-{i}."
        )
    body = "".join(f"<p>{s}</p>" for s in sentences)
    title = f"Report {n}: {WORDS[n % len(WORDS)]} plan in {CITIES[n % len(CITIES)]}"
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"{body}</article></body></html>"
    )


def run(
    processes: int, items: int, site: ArticleServer, tmp: Path, fake: object
) -> dict[str, float]:
    store = BenchRedis(tmp / f"redis-{processes}")
    env = bot_env(
        store.url, tmp / f"data-{processes}",
        SLACK_API_URL=fake.base_url,
        BRIEFBOT_FETCH_ALLOW_HOSTS=site.allow_entry,
    )  # fmt: skip
    workers = []
    ports = []
    try:
        for i in range(processes):
            port = free_port()
            ports.append(port)
            workers.append(
                BotProcess(
                    f"feed-burst-{processes}p-{i}", ["worker", "--port", str(port)], env, tmp
                ).start()
            )
        for worker, port in zip(workers, ports, strict=True):
            worker.wait_healthy(port)
        deps = build_deps(Settings(redis_url=store.url, data_dir=tmp / f"bench-{processes}"))
        deps.queue_scope = TEAM  # the workers' stream: they serve the token's workspace
        links = "".join(
            f"<item><guid>b{processes}-{n}</guid><link>{site.url(f'/b{processes}/{n}')}</link></item>"
            for n in range(items)
        )
        rss = f"<rss version='2.0'><channel>{links}</channel></rss>".encode()
        feed_url = site.add(f"/b{processes}.rss", rss, content_type="application/rss+xml")
        deps.feeds.add(Feed(id="", team=TEAM, url=feed_url), datetime.now(UTC))
        with Fetcher(Settings(fetch_allow_hosts=(site.allow_entry,))) as fetcher:
            poller = FeedPoller(deps.feeds, fetcher, queue_submit(lambda: deps.queue),
                                base_interval=900, max_interval=21600)  # fmt: skip
            started = time.perf_counter()
            # the workers poll on their own too: whoever wins the claim queues the burst now
            [result] = poller.poll_due()
            assert result.outcome in {"new", "claimed_elsewhere"}, result
            while deps.store.article_count(TEAM) < items:
                if time.perf_counter() - started > 900:
                    raise RuntimeError("the burst did not drain in 15 minutes")
                time.sleep(0.05)
            drained = time.perf_counter() - started
        jobs = [scrape_stage_seconds(port).get("job", (0.0, 0)) for port in ports]
        total, count = sum(s for s, _ in jobs), sum(n for _, n in jobs)
        mean_job = total / count if count else float("nan")
        deps.close()
    finally:
        for worker in workers:
            worker.stop()
        store.close()
    ideal = items * mean_job / processes
    return {"drained": drained, "mean_job": mean_job, "ideal": ideal, "jobs": float(count)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100)
    args = parser.parse_args(argv)
    ok = True
    with tempfile.TemporaryDirectory() as tmp, ArticleServer() as site, fake_slack() as fake:
        for processes in (1, 2):
            for n in range(args.items):
                site.html(f"/b{processes}/{n}", _page(n + 1000 * processes))
            got = run(processes, args.items, site, Path(tmp), fake)
            ratio = got["drained"] / got["ideal"]
            met = ratio <= TARGET_RATIO
            ok = ok and met
            figure("feed-burst", f"{args.items} items, {processes} worker process(es)",
                   f"drained in {got['drained']:.1f} s",
                   f"mean job {got['mean_job'] * 1000:.0f} ms, ideal {got['ideal']:.1f} s, "
                   f"ratio {ratio:.2f}: {verdict(met)} target <= {TARGET_RATIO}")  # fmt: skip
        posted = len(fake.calls("chat.postMessage"))
        figure("feed-burst", "messages posted to Slack", str(posted), "items are filed silently")
        ok = ok and posted == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
