"""A year of a busy newsroom, with and without retention: Redis memory at the end.

Synthetic analysed articles (``bench.synthetic``: storylines, actors, places,
events; bodies padded to about 4,500 characters of made-up words, the size of a
real news body) go through the real path that a worker takes after analysis:
``pipeline.store_article`` (the article record, its indexes, the topic's
developments, counts and timeline). The clock is simulated: each day's articles
are ingested at that day's time, and with retention on, the day's sweep
(``bot.edits.retention.sweep``) runs after them with the default settings
(text 90 days, articles 365 days). ``used_memory`` of a Redis of our own is read
at the end of each month.

Storing a year at 500 articles a day through the real path takes hours, so the
quick run stores ``--per-day`` articles (default 6; ``--full`` 40) for 540 days
and the figure for 500 a day is extrapolated from the measured bytes per
article: linear without retention; with retention, the store holds at most 365
days of articles, of which the last 90 with their text.

    python -m bench.retention_year            # 540 days x 6 articles, twice
    python -m bench.retention_year --full     # 540 days x 40 articles, twice
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import BenchRedis, figure
from bench.synthetic import ArticleFactory

TEAM = "T_YEAR"
DAYS = 540  # a year and a half: articles start to expire after the first year
BODY_CHARS = 4500
NEWSROOM_PER_DAY = 500
START = datetime(2025, 1, 1, 6, tzinfo=UTC)


def _padded(article: Any, factory: ArticleFactory) -> Any:
    words = [article.text]
    size = len(article.text)
    while size < BODY_CHARS:
        word = factory.rng.choice(factory.vocab)
        words.append(word)
        size += len(word) + 1
    return replace(article, text=" ".join(words))


def run_year(
    folder: Path, per_day: int, retain: bool, days: int = DAYS
) -> list[tuple[int, int, int]]:
    """(day, stored articles, used_memory) at the end of each month."""
    from bot.config import Settings
    from bot.deps import build_deps
    from bot.edits.retention import sweep
    from bot.jobs import pipeline

    server = BenchRedis(folder)
    settings = Settings(
        redis_url=server.url,
        data_dir=folder / "data",
        retain_text_days=90 if retain else 0,
        retain_article_days=365 if retain else 0,
    )
    deps = build_deps(settings)
    factory = ArticleFactory(start=START)
    points: list[tuple[int, int, int]] = []
    try:
        for day in range(days):
            clock = START + timedelta(days=day)
            for n in range(per_day):
                article, _ = factory.next()
                when = clock + timedelta(minutes=n * 10)
                article = replace(
                    _padded(article, factory), published=when, ingested_at=when, topics=["syria"]
                )
                pipeline.store_article(deps, TEAM, article, article.id)
            if retain:
                sweep(deps, clock + timedelta(hours=23))
            if (day + 1) % 30 == 0 or day == days - 1:
                points.append((day + 1, deps.store.article_count(TEAM), server.used_memory()))
    finally:
        deps.close()
        server.close()
    return points


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="40 articles a day instead of 6")
    parser.add_argument("--per-day", type=int, default=None)
    parser.add_argument("--days", type=int, default=DAYS)
    args = parser.parse_args(argv)
    per_day = args.per_day or (40 if args.full else 6)
    results: dict[bool, list[tuple[int, int, int]]] = {}
    for retain in (False, True):
        started = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="bb-year-") as tmp:
            results[retain] = run_year(Path(tmp), per_day, retain, args.days)
        label = "with retention" if retain else "without retention"
        day, stored, used = results[retain][-1]
        figure(
            "retention year",
            f"{label}, {per_day}/day",
            f"{used / 2**20:.1f} MiB after {day} days, {stored} articles stored",
            f"wall {time.perf_counter() - started:.0f} s",
        )
    _report(results, per_day)
    return 0


def _slope(points: list[tuple[int, int, int]], first: int, last: int) -> float:
    """Bytes per article stored between two month-end points (by day)."""
    at = {day: (n, m) for day, n, m in points}
    (n0, m0), (n1, m1) = at[first], at[last]
    return (m1 - m0) / max(n1 - n0, 1)


def _report(results: dict[bool, list[tuple[int, int, int]]], per_day: int) -> None:
    print("\n| day | articles (no retention) | MiB | articles (retention) | MiB |")
    print("|---|---|---|---|---|")
    for (day, n0, m0), (_, n1, m1) in zip(results[False], results[True], strict=True):
        print(f"| {day} | {n0} | {m0 / 2**20:.1f} | {n1} | {m1 / 2**20:.1f} |")
    days = [d for d, _, _ in results[True]]
    if 360 not in days or days[-1] < 390:
        return  # too short to see both effects: no extrapolation
    # each article adds this much without retention; with it, between day 120 and 360 each
    # new article adds its record while one of 90 days earlier loses its text
    full = _slope(results[False], 30, 360)
    stripped = _slope(results[True], 120, 360)
    at = {day: m for day, _, m in results[True]}
    figure(
        "retention year",
        "Redis bytes per article",
        f"{full / 1024:.1f} KiB with its text, {stripped / 1024:.1f} KiB once its text is dropped",
        f"with retention, day 390 to {days[-1]}: {at[390] / 2**20:.1f} -> "
        f"{at[days[-1]] / 2**20:.1f} MiB",
    )
    n = NEWSROOM_PER_DAY
    without = 365 * n * full
    with_retention = 90 * n * full + 275 * n * stripped
    figure(
        "retention year",
        f"extrapolated to {n} articles a day",
        f"after a year {without / 2**30:.2f} GiB without retention, "
        f"{with_retention / 2**30:.2f} GiB with the defaults",
        "with retention that is also the size in every later year; without, it grows by "
        f"{without / 2**30:.2f} GiB a year",
    )


if __name__ == "__main__":
    raise SystemExit(main())
