"""Link to reply: from a posted link's event to its threaded reply in the fake Slack.

A real ``briefbot serve`` process with its workers in threads (the default
``serve``, concurrency 1) gets signed ``message`` events over HTTP on
loopback; each names one article-extraction page on the local
``ArticleServer`` (distinct URLs, real pages). The clock starts before the
event is posted and stops when the fake Slack has received
``chat.postMessage`` in that message's thread. Links are posted one at a
time, each after the previous reply, so the figure is the latency of an idle
bot, not a queue. One link before the timed ones warms the extraction worker
process.

``/metrics`` of the same process then gives the mean time of each ingest
stage and of the whole job, so the rest (queueing, the reply call) shows.

    python -m bench.link_reply            # quick: 10 links
    python -m bench.link_reply --full     # 40 links
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
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
    percentile,
    scrape_stage_seconds,
    skip_message,
    verdict,
)

TARGET_P50 = 2.0
TIMED = "1700000000"  # thread ts of the timed links


def timed_link(slack: Any, poster: SignedPoster, url: str, ts: str) -> tuple[float, float]:
    """(seconds to the threaded reply, seconds to the HTTP ack) for one posted link."""
    from tests.fakeslack import event_body, message_event

    body = event_body(message_event(f"have a look <{url}>", team=TEAM, ts=ts))
    started = time.perf_counter()
    response = poster.post(body)
    acked = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"event refused: {response.status_code} {response.text[:200]}")

    def replied() -> bool:
        return any(c.params.get("thread_ts") == ts for c in slack.state.calls("chat.postMessage"))

    slack.state.wait(replied, timeout=60.0, what=f"the reply to {url}")
    return time.perf_counter() - started, acked


def reply_kinds(slack: Any, prefix: str) -> str:
    """How many replies in threads starting with ``prefix`` were summaries or refusals."""
    calls = slack.calls("chat.postMessage")
    texts = [str(c.params.get("text")) for c in calls if c.params["thread_ts"].startswith(prefix)]
    refused = sum(t.startswith("Couldn't summarise") for t in texts)
    return f"{len(texts) - refused} summaries, {refused} refusals"


def run(pages: list[EvalPage]) -> int:
    from tests.support.pages import ArticleServer

    with (
        tempfile.TemporaryDirectory(prefix="bench-link-") as tmp,
        fake_slack() as slack,
        ArticleServer() as site,
    ):
        redis_server = BenchRedis(Path(tmp) / "redis")
        port = free_port()
        env = bot_env(
            redis_server.url,
            Path(tmp) / "data",
            SLACK_API_URL=slack.base_url,
            BRIEFBOT_FETCH_ALLOW_HOSTS=site.allow_entry,
        )
        serve = BotProcess("link-serve", ["serve", "--port", str(port)], env, cwd=Path(tmp))
        try:
            serve.start()
            serve.wait_healthy(port)
            _measure(slack, site, SignedPoster(port), pages, port)
        finally:
            serve.stop()
            redis_server.close()
    return 0


def _measure(slack: Any, site: Any, poster: SignedPoster, pages: list[EvalPage], port: int) -> None:
    urls = [site.add(f"/l/{p.id}.html", p.html) for p in pages]
    timed_link(slack, poster, urls[-1], ts="1699999999.000001")  # warm-up, not counted
    warm = scrape_stage_seconds(port)
    latencies, acks = [], []
    for i, url in enumerate(urls[:-1]):
        latency, ack = timed_link(slack, poster, url, ts=f"{TIMED}.{i:06d}")
        latencies.append(latency)
        acks.append(ack)
    p50, p95 = percentile(latencies, 50), percentile(latencies, 95)
    kinds = reply_kinds(slack, TIMED)
    figure(
        "link",
        f"to reply ({len(latencies)} links, one at a time)",
        f"p50 {p50:.2f} s, p95 {p95:.2f} s, max {max(latencies):.2f} s",
        f"target p50 < {TARGET_P50:.0f} s: {verdict(p50 < TARGET_P50)}; {kinds}",
    )
    figure("link", "event ack", f"p50 {1000 * statistics.median(acks):.1f} ms")
    _stage_line(warm, scrape_stage_seconds(port), statistics.mean(latencies))


def _stage_line(
    before: dict[str, tuple[float, int]], after: dict[str, tuple[float, int]], mean: float
) -> None:
    """Mean seconds per link of each stage (timed links only), and what is left."""
    parts = []
    for stage, (total, count) in after.items():
        total0, count0 = before.get(stage, (0.0, 0))
        if count > count0:
            parts.append((stage, (total - total0) / (count - count0)))
    job = dict(parts).pop("job", None)
    text = ", ".join(f"{s} {1000 * v:.0f}" for s, v in parts if s != "job")
    extra = f"job {1000 * job:.0f} ms of {1000 * mean:.0f} ms mean latency" if job else ""
    figure("link", "mean stage ms per link", text, extra)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--full", action="store_true", help="40 links, not 10")
    parser.add_argument("--links", type=int, default=None, help="timed links")
    args = parser.parse_args(argv)
    count = args.links or (40 if args.full else 10)
    pages = extraction_pages(count + 1)
    if pages is None:
        print(skip_message("link"))
        return 0
    return run(pages)


if __name__ == "__main__":
    sys.exit(main())
