"""When a feed is polled next: its interval shrinks back to the base when a poll
brings new items, and grows when the feed is quiet or failing. Pure functions.

* new items      -> the base interval (``BRIEFBOT_FEED_INTERVAL``)
* quiet (304, or nothing new) -> the interval times ``QUIET_FACTOR``
* failed         -> the base times 2 ** consecutive failures
each capped at ``BRIEFBOT_FEED_MAX_INTERVAL``. A feed that posts every hour
then settles near an hour; one that is down is tried less and less often.
"""

from __future__ import annotations

from typing import Literal

Outcome = Literal["new", "quiet", "failed"]

QUIET_FACTOR = 1.5
MIN_INTERVAL = 30.0  # seconds: no setting makes us hammer a site


def next_interval(
    current: float, outcome: Outcome, failures: int, *, base: float, cap: float
) -> float:
    """Seconds until the next poll after a poll that ended in ``outcome``.

    ``failures`` counts the consecutive failed polls, this one included.
    """
    base = max(MIN_INTERVAL, base)
    cap = max(base, cap)
    if outcome == "new":
        return base
    if outcome == "quiet":
        return min(cap, max(base, current) * QUIET_FACTOR)
    return min(cap, base * 2.0 ** max(1, failures))
