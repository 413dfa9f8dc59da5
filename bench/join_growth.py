"""Per-article ingest cost as one topic grows: the real join at 1k, 10k and 100k articles.

The join timed here is ``TopicState.add_article``, the function a worker's
ingest calls to file an article into a topic (``bot.jobs.pipeline._file``):
the topic's fenced lock, the near-duplicate check against the kept
fingerprints, candidate developments, the timeline merge, one fenced write,
and every ``regroup.RECLUSTER_EVERY`` joins a re-clustering of the newest
articles. The topic is preloaded to each size with ``bench.topic_loader.BulkLoader``
(same keys and records, written in batches), then ``--joins`` more articles of
the same synthetic storylines (``bench.synthetic``) go through the real join,
one at a time, each timed on its own. Figures per size: the median and p95 of
those joins (wall time), the same for the CPU time this process spent in each
(``time.process_time``) and the Redis server's own time per join (``INFO
commandstats``), which a busy shared machine disturbs far less than wall time,
and the Redis memory of the topic's keys (``MEMORY USAGE`` of each, summed)
with the largest key family.

    python -m bench.join_growth            # quick: 1k and 10k articles, 20 joins each
    python -m bench.join_growth --full     # 1k, 10k and 100k, 30 joins each
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.common import TEAM, BenchRedis, figure, percentile, verdict
from bench.synthetic import ArticleFactory
from bench.topic_loader import BulkLoader

TOPIC = "syria"
WARMUP = 3  # joins before the timed ones at each size (script load, first reads)
FLAT_FACTOR = 1.5  # p50 at the largest size within this factor of the smallest's


def timed_joins(
    client: Any, factory: ArticleFactory, count: int
) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of each of ``count`` real joins of the factory's next articles."""
    from bot.topics.state import TopicState

    state = TopicState(client)
    wall, cpu = [], []
    for _ in range(count):
        article, _story = factory.next()
        started, used = time.perf_counter(), time.process_time()
        state.add_article(TEAM, TOPIC, article, article.ingested_at)  # type: ignore[arg-type]
        wall.append(1000 * (time.perf_counter() - started))
        cpu.append(1000 * (time.process_time() - used))
    return wall, cpu


def redis_work(client: Any) -> tuple[int, int, int]:
    """Microseconds the Redis server has spent running commands, how many it ran
    (``INFO commandstats``), and the bytes it has sent to clients (``INFO stats``)."""
    stats = client.info("commandstats").values()
    sent = int(client.info("stats")["total_net_output_bytes"])
    return sum(int(v["usec"]) for v in stats), sum(int(v["calls"]) for v in stats), sent


def topic_memory(client: Any) -> tuple[int, int, list[tuple[str, int]]]:
    """Bytes of the topic's keys, how many keys, and the bytes of each key family
    (development records counted together as ``dev:*``), largest first."""
    from bot.store.keys import TopicKeys

    base = TopicKeys(TEAM, TOPIC).base
    keys = list(client.scan_iter(match=f"{base}:*", count=1000))
    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.memory_usage(key, samples=0)  # samples=0: every element of a hash or set
    sizes = pipe.execute()
    families: Counter[str] = Counter()
    for key, size in zip(keys, sizes, strict=True):
        name = key.decode()[len(base) + 1 :]
        families["dev:*" if name.startswith("dev:") else name] += int(size or 0)
    return sum(families.values()), len(keys), families.most_common()


def measure(client: Any, factory: ArticleFactory, size: int, joins: int) -> dict[str, float]:
    started = time.perf_counter()
    BulkLoader(client, TEAM, TOPIC).load(factory, size)
    loaded = time.perf_counter() - started
    timed_joins(client, factory, WARMUP)
    gc.collect()  # the bulk loader's garbage is not the join's to collect
    before = redis_work(client)
    times, cpu = timed_joins(client, factory, joins)
    usec, calls, sent = (b - a for a, b in zip(before, redis_work(client), strict=True))
    server_ms = usec / 1000 / joins
    used, keys, families = topic_memory(client)
    p50, p95 = percentile(times, 50), percentile(times, 95)
    figure(
        "join",
        f"{size:,} articles",
        f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(times):.1f} ms",
        f"{joins} real joins after {WARMUP} warm-up; bulk load {loaded:.1f} s",
    )
    cpu50 = percentile(cpu, 50)
    figure(
        "join",
        f"{size:,} articles CPU",
        f"p50 {cpu50:.1f} ms, p95 {percentile(cpu, 95):.1f} ms in this process",
        f"Redis server {server_ms:.2f} ms, {calls / joins:.0f} commands and "
        f"{sent / joins / 1024:.0f} KiB read per join",
    )
    top = ", ".join(f"{name} {nbytes / 2**20:.2f} MiB" for name, nbytes in families[:4])
    fingerprints = dict(families).get("fps", 0)
    figure(
        "join",
        f"{size:,} articles topic keys",
        f"{used / 2**20:.1f} MiB in {keys:,} keys",
        f"{used / size / 1024:.2f} KiB/article; fingerprints {fingerprints / 2**20:.2f} MiB; "
        f"largest: {top}",
    )
    return {"p50": p50, "p95": p95, "cpu": cpu50, "server": server_ms}


def run(sizes: list[int], joins: int) -> int:
    with tempfile.TemporaryDirectory(prefix="bench-join-") as tmp:
        server = BenchRedis(Path(tmp) / "redis")
        client = server.client()
        try:
            factory = ArticleFactory(topic=TOPIC)
            results = {size: measure(client, factory, size, joins) for size in sizes}
        finally:
            client.close()
            server.close()
    first, last = results[sizes[0]], results[sizes[-1]]
    growth = last["p50"] / first["p50"]
    cpu_growth = last["cpu"] / first["cpu"]
    figure(
        "join",
        f"flatness {sizes[-1]:,} / {sizes[0]:,}",
        f"wall p50 {growth:.2f}, p95 {last['p95'] / first['p95']:.2f}",
        f"CPU p50 {cpu_growth:.2f}, Redis server {last['server'] / first['server']:.2f}; "
        f"CPU within {FLAT_FACTOR}x: {verdict(cpu_growth <= FLAT_FACTOR)}",
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--full", action="store_true", help="1k, 10k and 100k articles")
    parser.add_argument("--joins", type=int, default=0, help="timed joins per size")
    args = parser.parse_args(argv)
    sizes = [1_000, 10_000, 100_000] if args.full else [1_000, 10_000]
    joins = args.joins or (30 if args.full else 20)
    return run(sizes, joins)


if __name__ == "__main__":
    sys.exit(main())
