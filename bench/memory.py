"""Memory: Redis bytes per stored article, and the RSS of ``serve`` and ``worker``.

The deployment's shape, with real processes: ``briefbot serve --no-workers``
takes signed Slack events over HTTP and queues their links; one
``briefbot worker`` (concurrency 1) ingests them from the queue and replies in
a fake Slack. Links point at the article-extraction pages on the local
``ArticleServer``: the 181 article-extraction pages alternating with the 501
news articles of the summaries set (CNN/DailyMail and XSum text as minimal
HTML pages), 682 distinct articles; past those, each page comes back as a copy
with " (copy N)" added to the end of every paragraph, so its text, content
hash and URL are new and it is stored as a new article (it shares its
original's terms, and in a topic it may be folded as a near-duplicate). The
Redis figure is given after the distinct articles and again after all.

Redis: ``INFO memory`` used_memory after the processes started and after the
last reply, divided by the articles stored; the article record holds the full
text and analysis as zlib-compressed JSON. ``MEMORY USAGE`` of every key,
grouped by family, says where the bytes are. RSS (psutil): each process on its
own, and the worker's extraction child process separately.

    python -m bench.memory            # quick: 150 articles
    python -m bench.memory --full     # 1,000 articles (682 distinct, then copies)
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.common import (
    TEAM,
    BenchRedis,
    BotProcess,
    EvalPage,
    SignedPoster,
    bot_env,
    extraction_pages,
    fake_slack,
    figure,
    free_port,
    skip_message,
    summary_set_pages,
    verdict,
)

TARGET_BYTES = 10 * 1024
FAMILIES = (
    ("article records", re.compile(r"\{t:[^:}]+\}:article:")),
    ("term index", re.compile(r"\{t:[^:}]+\}:term:")),
    ("event/reply markers", re.compile(r"\{t:[^:}]+\}:seen:")),
    ("team indexes", re.compile(r"\{t:[^:}]+\}:")),
    ("topic state", re.compile(r"\{t:[^:}]+:[^}]+\}:")),
    ("queue", re.compile(r"\{q[:}]")),
)


def variant(page: EvalPage, copy: int) -> bytes:
    """The page itself, or a copy whose every paragraph ends with " (copy N)"."""
    if copy == 0:
        return page.html
    return page.html.replace(b"</p>", f" (copy {copy})</p>".encode())


def post_link(poster: SignedPoster, url: str, ts: str) -> None:
    from tests.fakeslack import event_body, message_event

    response = poster.post(event_body(message_event(f"<{url}>", team=TEAM, ts=ts)))
    if response.status_code != 200:
        raise RuntimeError(f"event refused: {response.status_code} {response.text[:200]}")


def family_bytes(client: Any) -> tuple[Counter[str], int]:
    """``MEMORY USAGE`` summed per key family, and the number of keys."""
    sizes: Counter[str] = Counter()
    keys = 0
    for key in client.scan_iter(count=1000):
        name = key.decode()
        family = next((label for label, rx in FAMILIES if rx.search(name)), "other")
        sizes[family] += int(client.memory_usage(key, samples=0) or 0)
        keys += 1
    return sizes, keys


def record_sizes(client: Any) -> tuple[int, float, float]:
    """Stored articles, mean compressed record bytes, mean raw text bytes (UTF-8)."""
    from bot.models import Article
    from bot.store import serde
    from bot.store.keys import TeamKeys

    k = TeamKeys(TEAM)
    ids = [i.decode() for i in client.zrange(k.articles, 0, -1)]
    raws = [r for r in client.mget([k.article(i) for i in ids]) if r] if ids else []
    if not raws:
        return 0, 0.0, 0.0
    texts = [len(serde.unpack(Article, r).text.encode()) for r in raws]
    return len(raws), sum(map(len, raws)) / len(raws), sum(texts) / len(texts)


class Deployment:
    """serve (no workers) + one worker process, a fake Slack and the article site."""

    def __init__(self, tmp: Path, redis_url: str, slack: Any, allow: str) -> None:
        env = bot_env(
            redis_url,
            tmp / "data",
            SLACK_API_URL=slack.base_url,
            BRIEFBOT_FETCH_ALLOW_HOSTS=allow,
        )
        self.serve_port, self.worker_port = free_port(), free_port()
        serve_args = ["serve", "--no-workers", "--port", str(self.serve_port)]
        worker_args = ["worker", "--concurrency", "1", "--port", str(self.worker_port)]
        self.serve = BotProcess("memory-serve", serve_args, env, cwd=tmp)
        self.worker = BotProcess("memory-worker", worker_args, env, cwd=tmp)

    def start(self) -> float:
        self.serve.start()
        self.worker.start()
        return max(
            self.serve.wait_healthy(self.serve_port), self.worker.wait_healthy(self.worker_port)
        )

    def rss_line(self, when: str) -> None:
        serve, serve_children = self.serve.rss_mb()
        worker, extract = self.worker.rss_mb()
        figure(
            "memory",
            f"RSS {when}",
            f"serve {serve:.0f} MiB, worker {worker:.0f} MiB",
            f"worker's extraction child {extract:.0f} MiB; serve children {serve_children:.0f}",
        )

    def stop(self) -> None:
        self.serve.stop()
        self.worker.stop()


def ingest_links(
    site: Any, slack: Any, poster: SignedPoster, pages: list[EvalPage], start: int, stop: int
) -> float:
    """Post links ``start`` to ``stop`` and wait for all replies so far; returns seconds."""
    started = time.perf_counter()
    for i in range(start, stop):
        page, copy = pages[i % len(pages)], i // len(pages)
        url = site.add(f"/m/{copy}/{page.id}.html", variant(page, copy))
        post_link(poster, url, ts=f"1700000000.{i:06d}")
    slack.wait_for("chat.postMessage", count=stop, timeout=60 + 15 * (stop - start))
    return time.perf_counter() - started


def distinct_pages() -> list[EvalPage] | None:
    """Extraction pages and summary-set articles, alternating; None without the first."""
    extraction = extraction_pages()
    if extraction is None:
        return None
    news = summary_set_pages()
    mixed: list[EvalPage] = []
    for i in range(max(len(extraction), len(news))):
        mixed += [p[i] for p in (extraction, news) if i < len(p)]
    return mixed


def run(count: int) -> int:
    pages = distinct_pages()
    if pages is None:
        print(skip_message("memory"))
        return 0
    from tests.support.pages import ArticleServer

    with (
        tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp,
        fake_slack() as slack,
        ArticleServer() as site,
    ):
        redis_server = BenchRedis(Path(tmp) / "redis")
        deployment = Deployment(Path(tmp), redis_server.url, slack, site.allow_entry)
        client = redis_server.client()
        try:
            ready = deployment.start()
            figure("memory", "serve and worker ready (model loaded)", f"{ready:.1f} s")
            deployment.rss_line("after loading the model")
            _ingest_and_measure(deployment, redis_server, site, slack, pages, count)
        finally:
            deployment.stop()
            client.close()
            redis_server.close()
    return 0


def _ingest_and_measure(
    deployment: Deployment,
    redis_server: BenchRedis,
    site: Any,
    slack: Any,
    pages: list[Any],
    count: int,
) -> None:
    client = redis_server.client()
    before = redis_server.used_memory()
    poster = SignedPoster(deployment.serve_port)
    distinct = min(count, len(pages))
    took = ingest_links(site, slack, poster, pages, 0, distinct)
    figure("memory", f"{distinct} distinct links ingested and answered", f"{took:.0f} s")
    _redis_lines(client, redis_server.used_memory() - before, "distinct articles")
    if count > distinct:
        took = ingest_links(site, slack, poster, pages, distinct, count)
        figure("memory", f"{count - distinct} more links (copies) answered", f"{took:.0f} s")
        _redis_lines(client, redis_server.used_memory() - before, "all articles")
    deployment.rss_line(f"after {count} articles")
    client.close()


def _redis_lines(client: Any, delta: int, label: str) -> None:
    stored, record, text = record_sizes(client)
    if not stored:
        figure("memory", "Redis per article", "no article stored")
        return
    per = delta / stored
    figure(
        "memory",
        f"Redis per stored article, {label}",
        f"{per / 1024:.1f} KiB",
        f"used_memory +{delta / 2**20:.1f} MiB / {stored} articles; "
        f"target < 10 KiB: {verdict(per < TARGET_BYTES)}",
    )
    figure(
        "memory",
        f"article record (zlib JSON, full text), {label}",
        f"{record / 1024:.1f} KiB",
        f"text alone {text / 1024:.1f} KiB uncompressed",
    )
    sizes, keys = family_bytes(client)
    shares = ", ".join(f"{name} {size / stored / 1024:.2f}" for name, size in sizes.most_common())
    figure("memory", f"MEMORY USAGE per article by family, {label} (KiB)", shares, f"{keys} keys")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--full", action="store_true", help="1,000 articles, not 150")
    parser.add_argument("--articles", type=int, default=None, help="links to ingest")
    args = parser.parse_args(argv)
    return run(args.articles or (1_000 if args.full else 150))


if __name__ == "__main__":
    sys.exit(main())
