"""``make bench``: every benchmark, quick by default, full with ``--full``.

Each benchmark runs in its own process (``python -m bench.<name>``), so one
cannot skew another's memory or warm caches. Its whole output goes to
``bench/out/run-<name>.log``; this prints one line per figure: the
benchmark's own figure lines where it prints them (``<bench> <what>: ...``),
else one line per row of its tables, with the ratio of briefbot's row to the
baseline row where the table has both. A benchmark whose data is missing says
so and counts as done.

    python -m bench.run                  # quick, < 10 minutes on 2 cores
    python -m bench.run --full           # full sizes (about half an hour)
    python -m bench.run --only ingest,memory
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from bench.common import OUT, REPO, machine


@dataclass(frozen=True)
class Bench:
    name: str  # module under bench/
    prefix: str  # first word of its figure lines
    quick: tuple[str, ...] = ()
    full: tuple[str, ...] = ("--full",)


BENCHES = (
    Bench("summaries", "summary"),
    Bench("extraction", "extraction", quick=("--quick",), full=()),
    Bench("article_shape", "shape", full=()),
    Bench("entities", "entities", full=()),
    Bench("developments", "developments", full=()),
    Bench("realnews", "realnews", full=()),
    Bench("shared_entities", "shared-entities", full=()),
    Bench("ingest", "ingest"),
    Bench("brief_latency", "brief"),
    Bench("join_growth", "join"),
    Bench("memory", "memory"),
    Bench("link_reply", "link"),
    Bench("feed_poll", "feed-poll"),
    Bench("fanout", "fanout", quick=("--small",), full=()),
    Bench("feed_burst", "feed-burst", quick=("--items", "30"), full=()),
    Bench("retention_year", "retention", quick=("--per-day", "1", "--days", "400"), full=()),
)
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _cells(line: str) -> list[str]:
    return [c.strip().strip("*") for c in line.strip().strip("|").split("|")]


def table_lines(prefix: str, rows: list[list[str]]) -> list[str]:
    """A markdown table (header first, separator dropped) as one line per row."""
    header, body = rows[0], rows[1:]
    base = body[0] if body and "briefbot" not in body[0][0].lower() else None
    out = []
    for row in body:
        if len(header) == 2:
            out.append(f"{prefix} {row[0]}: {row[1]}")
            continue
        text = ", ".join(f"{h} {v}" for h, v in zip(header[1:], row[1:], strict=False))
        ratios = _ratios(header, row, base) if base is not None and row is not base else ""
        out.append(f"{prefix} {row[0]}: {text}{ratios}")
    return out


def _ratios(header: list[str], row: list[str], base: list[str]) -> str:
    """briefbot / baseline for each numeric F1 column (the figures with a target)."""
    if "briefbot" not in row[0].lower():
        return ""
    parts = []
    for h, v, b in zip(header, row, base, strict=False):
        if "F1" in h and _NUMBER.match(v) and _NUMBER.match(b) and float(b):
            parts.append(f"{h} {float(v) / float(b):.2f}")
    return f" (ratio to {base[0]}: {', '.join(parts)})" if parts else ""


def figure_lines(bench: Bench, output: str) -> list[str]:
    """The benchmark's figure lines, or its tables and notes turned into lines."""
    lines = output.splitlines()
    own = [ln for ln in lines if ln.startswith(f"{bench.prefix} ")]
    if own:
        return own
    out: list[str] = []
    table: list[list[str]] = []
    for line in [*lines, ""]:
        if line.startswith("|"):
            if not set(line) <= set("|-: "):
                table.append(_cells(line))
            continue
        if table:
            out += table_lines(bench.prefix, table)
            table = []
        if line.strip():
            out.append(f"{bench.prefix} note: {line.strip()}")
    return out


def run_one(bench: Bench, full: bool) -> bool:
    """Run one benchmark and print its figure lines; False when it crashed.

    A benchmark may exit 1 to say that a target was missed (``bench.extraction``
    does): that is reported, and only a traceback counts as a crash.
    """
    if not (REPO / "bench" / f"{bench.name}.py").is_file():
        print(f"{bench.prefix}: bench/{bench.name}.py is not there, skipped", flush=True)
        return True
    args = bench.full if full else bench.quick
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", f"bench.{bench.name}", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    OUT.mkdir(parents=True, exist_ok=True)
    log = OUT / f"run-{bench.name}.log"
    log.write_text(done.stdout + "\n--- stderr ---\n" + done.stderr, encoding="utf-8")
    for line in figure_lines(bench, done.stdout):
        print(line, flush=True)
    crashed = done.returncode != 0 and "Traceback (most recent call last)" in done.stderr
    status = "ok" if done.returncode == 0 else f"exit {done.returncode} (see {log})"
    if crashed:
        status = f"CRASHED (see {log})"
    print(f"== {bench.name}: {status}, {seconds:.0f} s", flush=True)
    return not crashed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--full", action="store_true", help="full sizes")
    parser.add_argument("--only", default="", help="comma-separated benchmark names")
    args = parser.parse_args(argv)
    chosen = [b for b in BENCHES if not args.only or b.name in args.only.split(",")]
    mode = "full" if args.full else "quick"
    print(f"bench {mode} run, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine()}", flush=True)
    started = time.perf_counter()
    crashed = [bench.name for bench in chosen if not run_one(bench, args.full)]
    total = time.perf_counter() - started
    print(f"== all {len(chosen)} benchmarks in {total / 60:.1f} min ({mode})", flush=True)
    if crashed:
        print(f"== crashed: {', '.join(crashed)}", flush=True)
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
