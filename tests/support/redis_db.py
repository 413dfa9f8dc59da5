"""A client on a test's Redis database, emptied before the test and after it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import redis


@contextmanager
def empty_db(url: str) -> Iterator[redis.Redis]:
    """A standalone client on ``url`` whose database is flushed on entry and on exit."""
    client = redis.Redis.from_url(url)
    client.flushdb()
    try:
        yield client
    finally:
        client.flushdb()
        client.close()
