from __future__ import annotations

from datetime import date, timedelta

from bot.alerts.spike import MIN_ARTICLES, threshold, volume_today

TODAY = date(2026, 3, 15)


def daily(counts: list[int], today_count: int) -> dict[str, int]:
    """``counts`` for the days before today, oldest first, then today's."""
    out = {(TODAY - timedelta(days=len(counts) - i)).isoformat(): n for i, n in enumerate(counts)}
    out[TODAY.isoformat()] = today_count
    return out


def test_threshold_is_twice_the_mean_or_four_poisson_spreads() -> None:
    assert threshold([10] * 14) == 23  # 10 + 4 * sqrt(10), rounded up
    assert threshold([100] * 14) == 200  # big topics: twice their usual day
    assert threshold([0] * 14) == MIN_ARTICLES  # a quiet topic needs a handful at least
    assert threshold([0, 20] * 7) > threshold([10] * 14)  # a jumpy topic needs more


def test_a_normal_day_is_no_spike_and_a_burst_is() -> None:
    history = [8, 12, 10, 9, 11, 13, 7, 10, 12, 9, 8, 11, 10, 12]
    assert not volume_today(daily(history, 14), TODAY).spike  # type: ignore[union-attr]
    burst = volume_today(daily(history, 30), TODAY)
    assert burst is not None and burst.spike and round(burst.mean) == 10


def test_no_baseline_without_three_days_of_history() -> None:
    assert volume_today(daily([1, 1], 50), TODAY) is None
    assert volume_today({}, TODAY) is None
    assert volume_today({"junk": 3}, TODAY) is None
    young = volume_today(daily([2, 2, 2], 50), TODAY)
    assert young is not None and young.spike
