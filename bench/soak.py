"""Soak: a steady stream of ``/brief`` commands and pasted links for minutes, on loopback.

A real ``briefbot serve`` process (HTTP, workers in threads) runs against the
fake Slack and a private Redis; the project's seed articles are served by the
local ``ArticleServer``, each link under its own path with one sentence of its
own appended, so every link is a new article that goes through the whole
pipeline (no duplicate short cut). An open-loop sender posts signed requests
at fixed rates, whatever the app's answer times, bounded both in time
(``--seconds``) and in count (``--max-commands``, ``--max-links``); a few
events are sent twice, as Slack's retries are, to check that none gets a
second reply. After the sending window the run waits (``--drain``) for the
queue to empty.

Printed, one figure per line: throughput, ack latency percentiles (commands
and events apart), errors, replies received against links posted, duplicate
replies, jobs left, Redis ``used_memory`` and the serve process's RSS (with
its extraction child processes) at the start and the end, and the drain time.

    python -m bench.soak                  # 3 minutes
    python -m bench.soak --seconds 30     # a quick look
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from bench.common import (
    OUT,
    TEAM,
    BenchRedis,
    BotProcess,
    SignedPoster,
    bot_env,
    fake_slack,
    figure,
    free_port,
    machine,
    percentile,
)

COMMANDS = ["syria", "topics", "help", "ukraine", "qamishli", "follow syria", "no-such-topic"]
RETRY_EVERY = 10  # every 10th link event is delivered twice, like a Slack retry


@dataclass
class Tally:
    """What the sender saw; appended to from several threads (list.append is atomic)."""

    command_ms: list[float] = field(default_factory=list)
    event_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    link_threads: list[str] = field(default_factory=list)
    retries: int = 0


def seed_pages() -> list[tuple[str, str]]:
    """(file name, HTML) of every seed article shipped with the package."""
    folder = Path(str(resources.files("bot.seeds").joinpath("articles")))
    return [(p.name, p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.html"))]


def unique_page(html: str, n: int) -> str:
    """The page with one sentence of its own, so its text (and hash) is new."""
    extra = f"<p>Editor's note {n}: this copy was filed for the load test as number {n}.</p>"
    return re.sub(r"</article>|</body>", lambda m: extra + m.group(0), html, count=1)


def send(poster: SignedPoster, body: str, into: list[float], tally: Tally) -> None:
    started = time.perf_counter()
    try:
        response = poster.post(body)
    except Exception as exc:  # a timeout or a refused connection is an error to report
        tally.errors.append(type(exc).__name__)
        return
    into.append(1000 * (time.perf_counter() - started))
    if response.status_code != 200:
        tally.errors.append(f"HTTP {response.status_code}")


def run_sender(args: argparse.Namespace, poster: SignedPoster, site: Any, tally: Tally) -> float:
    """Post at fixed rates until time or counts run out; returns the seconds spent."""
    from tests.fakeslack import command_body, event_body, message_event, slash_command

    pages = seed_pages()
    counts = {"command": 0, "link": 0}
    period = {"command": 1 / args.command_rate, "link": 1 / args.link_rate}
    due = {"command": 0.0, "link": 0.0}
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        while (elapsed := time.monotonic() - started) < args.seconds:
            kind = min(due, key=lambda k: due[k])
            if counts[kind] >= (args.max_commands if kind == "command" else args.max_links):
                due[kind] = float("inf")
                if all(v == float("inf") for v in due.values()):
                    break
                continue
            time.sleep(max(0.0, due[kind] - elapsed))
            n = counts[kind]
            counts[kind] += 1
            due[kind] += period[kind]
            if kind == "command":
                text = COMMANDS[n % len(COMMANDS)]
                body = command_body(slash_command(text, team=TEAM, user=f"U{n % 50}"))
                pool.submit(send, poster, body, tally.command_ms, tally)
                continue
            name, html = pages[n % len(pages)]
            url = site.html(f"/soak/{n}/{name}", unique_page(html, n))
            ts = f"1700100000.{n:06d}"
            tally.link_threads.append(ts)
            body = event_body(message_event(f"new: <{url}>", team=TEAM, ts=ts))
            pool.submit(send, poster, body, tally.event_ms, tally)
            if n % RETRY_EVERY == 0:
                tally.retries += 1
                pool.submit(send, poster, body, tally.event_ms, tally)
    return time.monotonic() - started


def replies_by_thread(slack: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for call in slack.calls("chat.postMessage"):
        thread = str(call.params.get("thread_ts"))
        out[thread] = out.get(thread, 0) + 1
    return out


def wait_drained(slack: Any, redis: BenchRedis, tally: Tally, limit: float) -> float:
    """Seconds until every link has its reply and the queue is empty (or ``limit``)."""
    started = time.monotonic()
    client = redis.client()
    try:
        while time.monotonic() - started < limit:
            answered = replies_by_thread(slack)
            if all(t in answered for t in tally.link_threads) and not client.xlen("bb:{q}:ingest"):
                break
            time.sleep(0.5)
    finally:
        client.close()
    return time.monotonic() - started


class MemoryWatch:
    """Samples the serve process's RSS (own + children) every few seconds."""

    def __init__(self, serve: BotProcess, every: float = 5.0) -> None:
        self.serve, self.every = serve, every
        self.samples: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            own, children = self.serve.rss_mb()
            self.samples.append(own + children)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def report(
    args: argparse.Namespace,
    tally: Tally,
    sent_s: float,
    drain_s: float,
    answered: dict[str, int],
    memory: dict[str, tuple[float, float]],
) -> None:
    requests = len(tally.command_ms) + len(tally.event_ms) + len(tally.errors)
    figure("soak", "sending window", f"{sent_s:.0f} s", f"target {args.seconds:.0f} s")
    figure("soak", "requests sent", str(requests), f"{requests / sent_s:.1f} per second")
    for what, values in (("command ack", tally.command_ms), ("event ack", tally.event_ms)):
        p50, p95, p99 = (percentile(values, q) for q in (50, 95, 99))
        figure(
            "soak",
            what,
            f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms, max {max(values):.1f} ms",
            f"{len(values)} answered",
        )
    errors = ", ".join(f"{k} x{tally.errors.count(k)}" for k in sorted(set(tally.errors)))
    figure("soak", "errors", str(len(tally.errors)), errors or "none")
    got = sum(1 for t in tally.link_threads if t in answered)
    figure("soak", "links posted", str(len(tally.link_threads)), f"{tally.retries} sent twice")
    figure("soak", "links answered", str(got), f"lost {len(tally.link_threads) - got}")
    dupes = sum(n - 1 for n in answered.values() if n > 1)
    figure("soak", "duplicate replies", str(dupes))
    figure(
        "soak",
        "links answered per second",
        f"{got / (sent_s + drain_s):.2f}",
        "over sending + drain",
    )
    figure("soak", "drain after sending", f"{drain_s:.1f} s")
    for what, (start, end) in memory.items():
        figure("soak", what, f"{start:.1f} MiB -> {end:.1f} MiB", f"growth {end - start:+.1f} MiB")


def run(args: argparse.Namespace) -> int:
    from tests.support.pages import ArticleServer

    print(f"soak: {machine()}", flush=True)
    with (
        tempfile.TemporaryDirectory(prefix="bench-soak-") as tmp,
        fake_slack() as slack,
        ArticleServer() as site,
    ):
        redis = BenchRedis(Path(tmp) / "redis")
        port = free_port()
        env = bot_env(
            redis.url,
            Path(tmp) / "data",
            SLACK_API_URL=slack.base_url,
            BRIEFBOT_FETCH_ALLOW_HOSTS=site.allow_entry,
            BRIEFBOT_WORKER_CONCURRENCY=str(args.workers),
        )
        serve = BotProcess("soak-serve", ["serve", "--port", str(port)], env, cwd=Path(tmp))
        poster = SignedPoster(port)
        try:
            serve.start()
            serve.wait_healthy(port)
            warm_up(slack, site, poster)
            rss0, redis0 = sum(serve.rss_mb()), redis.used_memory() / 2**20
            tally = Tally()
            with MemoryWatch(serve) as watch:
                sent_s = run_sender(args, poster, site, tally)
                drain_s = wait_drained(slack, redis, tally, args.drain)
            rss1, redis1 = sum(serve.rss_mb()), redis.used_memory() / 2**20
            memory = {"redis used_memory": (redis0, redis1), "serve RSS": (rss0, rss1)}
            report(args, tally, sent_s, drain_s, replies_by_thread(slack), memory)
            peak = max(watch.samples or [rss1])
            figure("soak", "serve RSS peak", f"{peak:.1f} MiB", f"{len(watch.samples)} samples")
            log_errors = (OUT / "soak-serve.log").read_text(errors="replace").count(" ERROR ")
            figure("soak", "ERROR lines in the serve log", str(log_errors))
        finally:
            poster.close()
            serve.stop()
            redis.close()
    return 0


def warm_up(slack: Any, site: Any, poster: SignedPoster) -> None:
    """One link end to end (extraction process, model warm), not counted."""
    from tests.fakeslack import event_body, message_event

    name, html = seed_pages()[0]
    url = site.html(f"/warm/{name}", html)
    poster.post(event_body(message_event(f"<{url}>", team=TEAM, ts="1700099999.000001")))
    slack.wait_for("chat.postMessage", timeout=120)
    slack.reset()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=180.0, help="sending window")
    parser.add_argument("--command-rate", type=float, default=5.0, help="/brief per second")
    parser.add_argument("--link-rate", type=float, default=0.5, help="pasted links per second")
    parser.add_argument("--max-commands", type=int, default=5000)
    parser.add_argument("--max-links", type=int, default=500)
    parser.add_argument("--workers", type=int, default=1, help="ingest worker threads")
    parser.add_argument("--drain", type=float, default=300.0, help="max wait for the backlog")
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
