"""Is a topic's volume today a spike against its own recent days? Pure.

The baseline is the topic's daily article counts (``TopicKeys.volume``, by
ingest day, UTC) over the ``BASELINE_DAYS`` days before today, counting only
days since the topic's first article, with days without articles as 0. With
``mean`` and standard deviation ``sd`` of those days, today's count (so far) is
a spike when it reaches the threshold::

    max(MIN_ARTICLES, ceil(FACTOR * mean), ceil(mean + SIGMAS * max(sd, sqrt(mean), 1)))

``sqrt(mean)`` is the spread of a Poisson stream of that mean: a topic whose
daily counts happen to be flat is not alerted on a little noise. Topics with
fewer than ``MIN_HISTORY_DAYS`` days of history have no baseline and no spikes.
Today is partial, so a spike is seen as soon as today's count crosses the
threshold: within one checker tick of the article that crosses it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean, pstdev

BASELINE_DAYS = 14
MIN_HISTORY_DAYS = 3
MIN_ARTICLES = 5
FACTOR = 2.0
SIGMAS = 4.0


@dataclass(frozen=True)
class Volume:
    today: int
    mean: float  # articles a day over the baseline
    threshold: int

    @property
    def spike(self) -> bool:
        return self.today >= self.threshold


def threshold(history: list[int]) -> int:
    """The count that makes a day a spike, given the baseline days' counts."""
    mean = fmean(history)
    spread = max(pstdev(history), math.sqrt(mean), 1.0)
    return max(MIN_ARTICLES, math.ceil(FACTOR * mean), math.ceil(mean + SIGMAS * spread))


def volume_today(daily: dict[str, int], today: date) -> Volume | None:
    """Today's count against its baseline; None without enough history."""
    days = sorted(d for d in daily if _is_day(d))
    if not days:
        return None
    first = date.fromisoformat(days[0])
    span = min(BASELINE_DAYS, (today - first).days)
    if span < MIN_HISTORY_DAYS:
        return None
    history = [daily.get((today - timedelta(days=i)).isoformat(), 0) for i in range(1, span + 1)]
    return Volume(
        today=daily.get(today.isoformat(), 0), mean=fmean(history), threshold=threshold(history)
    )


def _is_day(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True
