"""Waiting for something that happens in another thread, process or server.

Tests poll for an outcome with ``wait_until`` rather than sleep a fixed time:
the limit is a ceiling, not a delay, so a quick machine goes on at once and a
slow one fails with a message that names what never happened::

    wait_until("the queue to empty", lambda: queue.depth() == 0, limit=20)
    job = wait_until("the job to come back", lambda: queue.claim(block_ms=50), limit=20)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import pytest

T = TypeVar("T")


def wait_until(
    what: str, check: Callable[[], T | None], *, limit: float = 30.0, every: float = 0.05
) -> T:
    """Call ``check`` every ``every`` seconds until it returns a true value; return that value.

    Fails the test, naming ``what`` and ``limit``, when ``check`` is still false
    ``limit`` seconds after the first call. ``check`` may do a step of the work
    itself (run one job, claim from a queue); ``every=0`` then polls without a pause.
    """
    deadline = time.monotonic() + limit
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {limit:g} s waiting for {what}")
        if every:
            time.sleep(every)
