"""Brief latency: ``/brief syria`` through the real HTTP app at 1k, 10k and 100k articles.

A real ``briefbot serve --no-workers`` process (bolt on waitress, signed
requests checked, a private Redis, a fake Slack for ``auth.test``) answers
slash commands on loopback. The client sends signed requests from 4 threads
at once (fixed concurrency) and times each one from the start of the request
to the end of the answer; the brief is in the ack, so that is the whole cost.
The floor is ``/brief help`` in the same run: signature check, bolt routing,
middleware and rendering of a static answer, no topic reads.

The topic: synthetic articles (``bench.synthetic``). The first 1,000 go
through the real ``TopicState.add_article`` (candidates, near-duplicates,
locks, one transaction each); the rest are written by
``bench.topic_loader.BulkLoader`` with the same keys and records, and a shape
check compares the key families, types and record fields with those the real
path wrote. Every request comes from a new
user, so every answer is a full brief (no "nothing new" shortcut); the
watermarks hash is emptied before each phase. Floor and brief alternate in
halves (floor, brief, floor, brief) so that both see the same machine.

    python -m bench.brief_latency            # quick: 1k and 10k articles, 200 requests each
    python -m bench.brief_latency --full     # 1k, 10k and 100k, 1,000 requests each
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.common import (
    TEAM,
    BenchRedis,
    BotProcess,
    SignedPoster,
    bot_env,
    fake_slack,
    figure,
    free_port,
    percentile,
    verdict,
)
from bench.synthetic import ArticleFactory
from bench.topic_loader import BulkLoader, key_shape

TOPIC = "syria"
CONCURRENCY = 4
REAL_PATH = 1_000
WARMUP = 20
P99_TARGET_MS = 150.0
FLOOR_FACTOR = 3.0


def load_real(client: Any, factory: ArticleFactory, count: int) -> float:
    """``count`` articles through ``TopicState.add_article``; returns ms per article."""
    from bot.topics.state import TopicState

    state = TopicState(client)
    started = time.perf_counter()
    for _ in range(count):
        article, _story = factory.next()
        now: datetime = article.ingested_at  # type: ignore[assignment]
        state.add_article(TEAM, TOPIC, article, now)
    return 1000 * (time.perf_counter() - started) / count


def timed_requests(poster: SignedPoster, texts: Callable[[int], str], count: int) -> list[float]:
    """Latencies (ms) of ``count`` commands sent from ``CONCURRENCY`` threads."""
    from tests.fakeslack import command_body, slash_command

    counter = itertools.count()
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client() -> None:
        while (n := next(counter)) < count:
            body = command_body(slash_command(texts(n), team=TEAM, user=f"U{n:07d}"))
            started = time.perf_counter()
            response = poster.post(body)
            elapsed = 1000 * (time.perf_counter() - started)
            with lock:
                latencies.append(elapsed)
                if response.status_code != 200 or '"blocks"' not in response.text:
                    failures.append(f"{response.status_code} {response.text[:200]}")
        poster.close()

    threads = [threading.Thread(target=client) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"{len(failures)} bad answers, e.g. {failures[0]}")
    return latencies


def _phase(poster: SignedPoster, client: Any, text: str, count: int) -> list[float]:
    from bot.store.keys import TopicKeys

    client.delete(TopicKeys(TEAM, TOPIC).watermarks)
    return timed_requests(poster, lambda n: text, count)


def _check_answer(poster: SignedPoster, size: int) -> None:
    """The brief really is the big topic's: its answer names the article count."""
    from tests.fakeslack import command_body, slash_command

    answer = poster.post(command_body(slash_command(TOPIC, team=TEAM, user="UCHECK"))).text
    if f"{size:,} articles" not in answer and f"{size} articles" not in answer:
        raise RuntimeError(f"the brief does not say {size:,} articles: {answer[:300]}")


def measure_size(poster: SignedPoster, client: Any, size: int, count: int) -> dict[str, float]:
    """Floor and brief in alternating halves (A B A B), after a warm-up of each."""
    _check_answer(poster, size)
    _phase(poster, client, "help", WARMUP)
    _phase(poster, client, TOPIC, WARMUP)
    floor: list[float] = []
    brief: list[float] = []
    for _ in range(2):
        floor += _phase(poster, client, "help", count // 2)
        brief += _phase(poster, client, TOPIC, count // 2)
    out = {}
    for name, values in (("floor", floor), ("brief", brief)):
        for pct in (50, 95, 99):
            out[f"{name} p{pct}"] = percentile(values, pct)
    return out


def report(size: int, stats: dict[str, float], count: int) -> None:
    floor = ", ".join(f"p{p} {stats[f'floor p{p}']:.1f}" for p in (50, 95, 99))
    brief = ", ".join(f"p{p} {stats[f'brief p{p}']:.1f}" for p in (50, 95, 99))
    figure("brief", f"{size:,} articles floor (/brief help)", f"{floor} ms", f"{count} requests")
    r50 = stats["brief p50"] / stats["floor p50"]
    r99 = stats["brief p99"] / stats["floor p99"]
    p99_ok = stats["brief p99"] < P99_TARGET_MS
    floor_ok = max(r50, r99) <= FLOOR_FACTOR
    figure(
        "brief",
        f"{size:,} articles /brief {TOPIC}",
        f"{brief} ms",
        f"ratio to floor p50 {r50:.2f}, p99 {r99:.2f}; p99 < {P99_TARGET_MS:.0f} ms: "
        f"{verdict(p99_ok)}, <= {FLOOR_FACTOR:.0f}x floor: {verdict(floor_ok)}",
    )


def run(sizes: list[int], count: int) -> int:
    with tempfile.TemporaryDirectory(prefix="bench-brief-") as tmp, fake_slack() as slack:
        redis_server = BenchRedis(Path(tmp) / "redis")
        port = free_port()
        env = bot_env(redis_server.url, Path(tmp) / "data", SLACK_API_URL=slack.base_url)
        args = ["serve", "--no-workers", "--port", str(port)]
        serve = BotProcess("brief-serve", args, env, cwd=Path(tmp))
        client = redis_server.client()
        try:
            serve.start()
            _measure_all(serve, port, client, sizes, count)
        finally:
            serve.stop()
            client.close()
            redis_server.close()
    return 0


def _measure_all(serve: BotProcess, port: int, client: Any, sizes: list[int], count: int) -> None:
    factory = ArticleFactory(topic=TOPIC)
    empty = int(client.info("memory")["used_memory"])
    per_article = load_real(client, factory, min(REAL_PATH, sizes[0]))
    figure("brief", "real add_article", f"{per_article:.1f} ms/article", f"first {factory.made:,}")
    reference = key_shape(client, TEAM, TOPIC)
    serve.wait_healthy(port)
    poster = SignedPoster(port)
    results: dict[int, dict[str, float]] = {}
    for size in sizes:
        started = time.perf_counter()
        BulkLoader(client, TEAM, TOPIC).load(factory, size)
        loaded = time.perf_counter() - started
        shape = key_shape(client, TEAM, TOPIC)
        same = "same" if shape == reference else f"DIFFERENT: {sorted(shape ^ reference)}"
        used = (int(client.info("memory")["used_memory"]) - empty) / size
        figure(
            "brief",
            f"{size:,} articles loaded",
            f"bulk {loaded:.1f} s",
            f"shape {same} as the real path; topic state {used / 1024:.2f} KiB/article in Redis",
        )
        results[size] = measure_size(poster, client, size, count)
        report(size, results[size], count)
    first, last = results[sizes[0]], results[sizes[-1]]
    growth = last["brief p50"] / first["brief p50"]
    figure(
        "brief",
        f"flatness p50 {sizes[-1]:,} / {sizes[0]:,}",
        f"{growth:.2f}",
        f"p99 {last['brief p99'] / first['brief p99']:.2f}",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--full", action="store_true", help="1k, 10k and 100k articles")
    parser.add_argument("--requests", type=int, default=None, help="requests per phase")
    parser.add_argument("--sizes", default=None, help="topic sizes, e.g. 1000,5000")
    args = parser.parse_args(argv)
    sizes = [1_000, 10_000, 100_000] if args.full else [1_000, 10_000]
    if args.sizes:
        sizes = [int(s) for s in args.sizes.split(",")]
    return run(sizes, args.requests or (1_000 if args.full else 200))


if __name__ == "__main__":
    sys.exit(main())
