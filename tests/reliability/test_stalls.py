"""Writers stalled past their topic lock's life, in real processes on a real Redis.

Three processes join articles of one story to one topic while this test
SIGSTOPs whichever holds the topic's lock and lets it go (SIGCONT) only once
its lock has lapsed, so another writer may have taken the topic meanwhile.
Every article must end filed once: developments, mentions, outlets and volume
add up exactly (before fencing a stalled writer erased the newer writer's work).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from bot.models import Development
from bot.store import serde
from bot.store.keys import TopicKeys
from tests.reliability.stall_joiner import MENTIONS
from tests.support.redis_proc import RedisProc
from tests.support.waiting import wait_until

JOINER = Path(__file__).with_name("stall_joiner.py")
KEYS = TopicKeys("T1", "syria")


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisProc]:
    proc = RedisProc(tmp_path)
    proc.start()
    try:
        yield proc
    finally:
        proc.stop()


@dataclass
class Outcome:
    articles: int
    filed: int
    developments_count: int
    mentions: int
    outlets: int
    volume: int
    stalls: int
    refused: int
    busy: int


def run_stalls(
    url: str, *, writers: int, per_writer: int, lock_ms: int, stalls: int, fenced: bool = True
) -> Outcome:
    """Run the writers, stall lock holders ``stalls`` times, and read the topic back."""
    client = redis.Redis.from_url(url)
    extra = [] if fenced else ["unfenced"]
    procs = [
        subprocess.Popen(
            [sys.executable, str(JOINER), url, str(lock_ms), *_range(i, per_writer), *extra],
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(writers)
    ]
    pids = {p.pid for p in procs}
    done = 0
    try:
        while done < stalls and any(p.poll() is None for p in procs):
            holder = _holder(client)
            if holder is None or holder[0] not in pids:
                continue  # nobody holds the lock this instant: look again
            os.kill(holder[0], signal.SIGSTOP)
            # a stall past the lock's life: the lock lapses (and others may take it)
            wait_until("the stalled writer's lock to lapse", _lapsed(client, holder))
            os.kill(holder[0], signal.SIGCONT)
            done += 1
        outputs = [p.communicate(timeout=300)[0] for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                os.kill(p.pid, signal.SIGCONT)
                p.kill()
                p.wait()
    assert all(p.returncode == 0 for p in procs), outputs
    counts = [dict(part.split("=") for part in out.split()) for out in outputs]
    return Outcome(
        articles=writers * per_writer,
        filed=int(client.hlen(KEYS.article_development)),
        developments_count=sum(d.article_count for d in _developments(client)),
        mentions=int(client.zscore(KEYS.actors, "org:council") or 0),
        outlets=int(sum(score for _, score in client.zrange(KEYS.outlets, 0, -1, withscores=True))),
        volume=sum(int(v) for v in client.hvals(KEYS.volume)),
        stalls=done,
        refused=sum(int(c["refused"]) for c in counts),
        busy=sum(int(c["busy"]) for c in counts),
    )


def _lapsed(client: redis.Redis, holder: tuple[int, bytes]) -> Callable[[], bool]:
    return lambda: _holder(client) != holder


def _range(writer: int, per_writer: int) -> list[str]:
    return [str(writer * per_writer + 1), str(per_writer)]


def _holder(client: redis.Redis) -> tuple[int, bytes] | None:
    raw = client.get(KEYS.lock)
    if raw is None:
        return None
    pid = raw.split(b":", 1)[0]
    return (int(pid), raw) if pid.isdigit() else None


def _developments(client: redis.Redis) -> list[Development]:
    ids = [d.decode() for d in client.zrange(KEYS.developments, 0, -1)]
    return [serde.loads(Development, client.get(KEYS.development(i))) for i in ids]


def test_writers_stalled_past_their_lock_leave_every_count_exact(own_redis: RedisProc) -> None:
    out = run_stalls(own_redis.url, writers=3, per_writer=20, lock_ms=300, stalls=6)
    assert out.stalls == 6
    n = out.articles
    assert (out.filed, out.developments_count, out.outlets, out.volume) == (n, n, n, n)
    assert out.mentions == n * MENTIONS
