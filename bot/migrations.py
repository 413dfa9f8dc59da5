"""Schema upgrades of the store, one numbered step at a time.

``SCHEMA_VERSION`` (``bot.store.keys``) is the layout this briefbot writes. A
store of an older version is upgraded on start-up (``build_deps``) or by
``briefbot migrate``: step ``n`` turns a version-``n`` store into version
``n + 1``, and the version is written after each step, so an upgrade cut short
resumes at the step it was in. Steps are idempotent for that reason. One process
upgrades at a time (a lock with an owner token); the others wait for the version
to arrive, and a store newer than this code is refused (``SchemaTooNew``).

Steps:

1 → 2  Near-duplicate fingerprints bounded: stores written before the trimming
       fix hold more than ``RECENT_FINGERPRINTS`` per topic (every ingest reads
       them all under the topic's lock); keep the newest ones.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from bot.errors import SchemaTooNew, StoreUnavailable
from bot.store import keys
from bot.store.client import RedisClient, text, unavailable_on_error
from bot.topics.state import RECENT_FINGERPRINTS

log = logging.getLogger(__name__)

LOCK_MS = 10 * 60 * 1000  # a step on a large store can take minutes
WAIT_S = 15 * 60.0  # how long a second process waits for another's upgrade

Step = Callable[[RedisClient], int]


@dataclass(frozen=True)
class Upgrade:
    found: int  # the store's version before
    now: int  # after
    steps: list[str]  # what was done, one line per step


def _bound_fingerprints(client: RedisClient) -> int:
    """Keep each topic's newest ``RECENT_FINGERPRINTS`` fingerprints; returns how many went."""
    removed = 0
    for raw in client.scan_iter(match=f"{keys.PREFIX}:{{t:*}}:fps", count=1000):
        fps = text(raw)
        ids = [text(f) for f in client.hkeys(fps)]
        if len(ids) <= RECENT_FINGERPRINTS:
            continue
        articles = fps.removesuffix(":fps") + ":articles"  # same topic, same slot
        scores = client.zmscore(articles, ids)
        # newest by publication time first; a fingerprint of a forgotten article goes first
        ranked = sorted(zip(ids, scores, strict=True), key=lambda p: p[1] or 0.0, reverse=True)
        stale = [i for i, _ in ranked[RECENT_FINGERPRINTS:]]
        for start in range(0, len(stale), 500):
            removed += int(client.hdel(fps, *stale[start : start + 500]))
    return removed


STEPS: dict[int, tuple[str, Step]] = {
    1: ("fingerprints bounded to the newest {RECENT_FINGERPRINTS} per topic", _bound_fingerprints),
}


def current(client: RedisClient) -> int:
    return int(client.get(keys.schema()) or keys.SCHEMA_VERSION)


@unavailable_on_error
def upgrade(client: RedisClient, wait_s: float = WAIT_S) -> Upgrade:
    """Bring the store to ``SCHEMA_VERSION``; a no-op on a current store."""
    found = current(client)
    if found > keys.SCHEMA_VERSION:
        raise SchemaTooNew(found, keys.SCHEMA_VERSION)
    if found == keys.SCHEMA_VERSION:
        return Upgrade(found, found, [])
    token = uuid.uuid4().hex
    deadline = time.monotonic() + wait_s
    while not client.set(keys.migrate_lock(), token, nx=True, px=LOCK_MS):
        if current(client) >= keys.SCHEMA_VERSION:
            return Upgrade(found, current(client), [])  # another process did it
        if time.monotonic() > deadline:
            raise StoreUnavailable(
                f"the store's schema upgrade by another process did not finish in {wait_s:.0f} s"
            )
        time.sleep(0.5)
    try:
        return _run_steps(client, token)
    finally:
        _release(client, token)


def _run_steps(client: RedisClient, token: str) -> Upgrade:
    found = version = current(client)  # re-read under the lock
    done: list[str] = []
    while version < keys.SCHEMA_VERSION:
        what, step = STEPS[version]
        what = what.format(RECENT_FINGERPRINTS=RECENT_FINGERPRINTS)
        started = time.monotonic()
        changed = step(client)
        if text(client.get(keys.migrate_lock()) or b"") != token:
            # our lock expired mid-step: someone else may be upgrading now; steps are
            # idempotent, so stop here and let the version on record say where it is
            raise StoreUnavailable("schema upgrade: lost the migration lock mid-step")
        client.set(keys.schema(), version + 1)
        line = f"{version} -> {version + 1}: {what} ({changed} changed)"
        log.warning("store: schema upgraded %s in %.1f s", line, time.monotonic() - started)
        done.append(line)
        version += 1
    return Upgrade(found, version, done)


_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def _release(client: RedisClient, token: str) -> None:
    client.eval(_RELEASE, 1, keys.migrate_lock(), token)
