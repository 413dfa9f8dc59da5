"""The test session's Redis database, and a client on it emptied around each test.

Two pytest sessions on one database flush each other's keys in the middle of
their tests. ``make mutate`` runs two sessions at once (one per mutant), and
several checkouts on one machine may test against the same server, so a session
given ``REDIS_URL`` takes a database no other session on this machine holds:
the one the URL names when it is free, else the next free one up, else the
nearest free one below that holds no keys. ``make test`` runs two sessions at
once (pytest-xdist workers), and CI names the last database (15), so the second
worker needs one below; a database below is taken only when it is empty, since
the tests flush what they hold and a developer's data usually lives low (0).
Holding is an exclusive lock on a file named after the server and database; the
operating system drops it when the session ends, even when it is killed.
"""

from __future__ import annotations

import fcntl
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit, urlunsplit

import redis

DATABASES = 16  # Redis' default `databases`


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


def holds_no_keys(url: str) -> bool:
    client = redis.Redis.from_url(url)
    try:
        return int(client.dbsize()) == 0
    finally:
        client.close()


@contextmanager
def own_database(
    url: str, lock_dir: Path | None = None, is_empty: Callable[[str], bool] = holds_no_keys
) -> Iterator[str]:
    """``url`` on a database that no other holder of this lock has, while inside.

    Only ``redis://`` and ``rediss://`` URLs move to another database; any other
    URL (a unix socket, a cluster) is held as it is, or refused when taken.
    """
    folder = lock_dir or Path(tempfile.gettempdir())
    up, below = _candidates(url)
    for candidate in [*up, *below]:
        lock = open(folder / _lock_name(candidate), "a+")  # noqa: SIM115 - held while inside
        try:
            if _try_lock(lock) and (candidate in up or is_empty(candidate)):
                yield candidate
                return
        finally:
            lock.close()  # closing the file drops the lock
    raise RuntimeError(
        f"every Redis database from {url} up is held by another test session, "
        "and every one below is held or holds keys"
    )


def _candidates(url: str) -> tuple[list[str], list[str]]:
    """The databases from the URL's up, and those below it nearest first."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        return [url], []
    first = int(parts.path.strip("/") or 0)

    def at(db: int) -> str:
        return urlunsplit(parts._replace(path=f"/{db}"))

    return [at(db) for db in range(first, DATABASES)], [at(db) for db in range(first - 1, -1, -1)]


def _lock_name(url: str) -> str:
    parts = urlsplit(url)
    where = f"{parts.hostname}-{parts.port}{parts.path}" if parts.hostname else url
    safe = "".join(c if c.isalnum() else "-" for c in where)
    return f"briefbot-test-redis-{safe}.lock"


def _try_lock(file: IO[str]) -> bool:
    try:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
