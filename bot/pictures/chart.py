"""The chart of a topic's articles per day over the last weeks, its developments
marked where they started. Pure: counts and marks in, PNG bytes out."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

DAYS = 28
MAX_MARKS = 6
BAR = "#3b6ea5"
MARK = "#c0392b"


@dataclass(frozen=True)
class Mark:
    """A development drawn on the chart: the day it started and its title."""

    day: date
    label: str


def series(daily: dict[str, int], end: date, days: int = DAYS) -> list[tuple[date, int]]:
    """(day, articles) for the ``days`` days ending with ``end``, missing days as 0."""
    start = end - timedelta(days=days - 1)
    return [
        (d, int(daily.get(d.isoformat(), 0))) for d in (start + timedelta(n) for n in range(days))
    ]


def volume_chart_png(
    daily: dict[str, int], marks: list[Mark], *, end: date, title: str, days: int = DAYS
) -> bytes:
    """A bar chart of articles per day with the developments' start days marked."""
    points = series(daily, end, days)
    fig = Figure(figsize=(8, 3.2), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    # x is the day's index; ticks name a day a week, ending today
    ax.bar(range(len(points)), [n for _, n in points], color=BAR, width=0.8)
    ticks = list(range(len(points) - 1, -1, -7))[::-1]
    ax.set_xticks(ticks, [points[i][0].strftime("%d %b") for i in ticks])
    top = max([n for _, n in points] + [1])
    shown = [m for m in marks if points[0][0] <= m.day <= end][-MAX_MARKS:]
    for i, mark in enumerate(shown):
        x = (mark.day - points[0][0]).days
        ax.axvline(x, color=MARK, linewidth=1, linestyle="--")
        label = mark.label if len(mark.label) <= 40 else mark.label[:39] + "…"
        ax.annotate(
            label,
            (x, top * (1.02 + 0.09 * (i % 3))),
            fontsize=7,
            color=MARK,
            annotation_clip=False,
        )
    ax.set_ylim(0, top * 1.35)
    ax.set_title(title, fontsize=10, loc="left")
    ax.set_ylabel("articles per day")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


def chart_alt(
    topic: str, daily: dict[str, int], marks: list[Mark], end: date, days: int = DAYS
) -> str:
    """What the chart shows, in words (the alt text)."""
    points = series(daily, end, days)
    total = sum(n for _, n in points)
    busiest = max(points, key=lambda p: p[1])
    text = f"Bar chart of {topic}: {total} articles over the {days} days to {end.isoformat()}"
    if total:
        text += f", busiest {busiest[0].isoformat()} with {busiest[1]}"
    shown = [m for m in marks if points[0][0] <= m.day <= end]
    if shown:
        text += f"; {len(shown)} development(s) marked where they started"
    return text + "."
