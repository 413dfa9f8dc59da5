from __future__ import annotations

from itertools import pairwise

from bot.feeds.schedule import MIN_INTERVAL, next_interval

BASE, CAP = 600.0, 6 * 3600.0


def test_news_brings_the_interval_back_to_the_base() -> None:
    assert next_interval(5000.0, "new", 0, base=BASE, cap=CAP) == BASE


def test_a_quiet_feed_waits_longer_each_time_up_to_the_cap() -> None:
    waits = [BASE]
    for _ in range(20):
        waits.append(next_interval(waits[-1], "quiet", 0, base=BASE, cap=CAP))
    assert waits[1] == BASE * 1.5
    assert all(b >= a for a, b in pairwise(waits))
    assert waits[-1] == CAP


def test_a_failing_feed_doubles_per_failure_up_to_the_cap() -> None:
    waits = [next_interval(BASE, "failed", n, base=BASE, cap=CAP) for n in range(1, 8)]
    assert waits[:3] == [BASE * 2, BASE * 4, BASE * 8]
    assert waits[-1] == CAP


def test_no_setting_makes_it_hammer_a_site() -> None:
    assert next_interval(1.0, "new", 0, base=1.0, cap=1.0) == MIN_INTERVAL
