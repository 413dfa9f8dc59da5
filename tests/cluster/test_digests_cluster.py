"""Digest subscriptions and the scheduler's send guard, on standalone Redis and the cluster.

Two replicas of briefbot (two ``Deps``, two Redis clients) tick at the same
moment; exactly one of them sends each due digest. On the cluster the
subscriptions and the guards live under ``{sched}`` while the digest reads
the topic's slot and the team's slot: three slots, usually three nodes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.deps import Deps
from bot.digests.claims import SlotClaims
from bot.digests.scheduler import DigestScheduler, TickResult
from bot.digests.subscriptions import Subscription, Subscriptions
from bot.models import Digest
from bot.store.connect import client_for
from tests.support.articles import troops
from tests.support.deps import deps_on
from tests.support.subscriptions import subscription

# 07:00:30 in Paris: the daily 07:00 digest is due
NOW = datetime(2026, 1, 27, 6, 0, 30, tzinfo=UTC)
DUE = datetime(2026, 1, 27, 7, 0, tzinfo=ZoneInfo("Europe/Paris"))  # as the trigger gives it


def morning_digest(team: str = "T1", channel: str = "C1") -> Subscription:
    return subscription(
        team=team,
        channel=channel,
        timezone="Europe/Paris",
        created_by="U1",
        created_at="2026-01-01T00:00:00+00:00",
    )


@pytest.fixture
def replicas(backend_url: str, tmp_path: Path) -> Iterator[list[Deps]]:
    """Two briefbot processes' worth of dependencies on the same store."""
    with (
        deps_on(backend_url, tmp_path / "r0") as first,
        deps_on(backend_url, tmp_path / "r1") as second,
    ):
        yield [first, second]


def test_subscriptions_round_trip_per_team(redis_backend: Any) -> None:
    subs = Subscriptions(redis_backend)
    first = subs.add(morning_digest())
    other = subs.add(morning_digest(team="T2", channel="C9"))
    assert (first.id, other.id) == ("1", "2")
    assert subs.get("T1", "1") == first
    assert subs.get("T2", "1") is None
    assert [s.key for s in subs.for_team("T1")] == ["T1/1"]
    assert subs.remove("T1", "1") and not subs.remove("T1", "1")
    assert [s.key for s in subs.all()] == ["T2/2"]


def test_a_slot_is_claimed_once_across_clients(redis_backend: Any, backend_url: str) -> None:
    sub = Subscriptions(redis_backend).add(morning_digest())
    other = client_for(backend_url)
    try:
        mine, theirs = SlotClaims(redis_backend), SlotClaims(other)
        token = mine.claim(sub, DUE, NOW, claim_seconds=60)
        assert token is not None
        assert theirs.claim(sub, DUE, NOW, claim_seconds=60) is None
        mine.release(sub, DUE, token)  # a failed send gives the slot back
        assert theirs.claim(sub, DUE, NOW, claim_seconds=60) is not None
        # a claimer that went silent: its claim lapses and another replica takes over
        later = NOW + timedelta(seconds=61)
        assert mine.claim(sub, DUE, later, claim_seconds=60) is not None
        mine.confirm(sub, DUE)
        assert theirs.claim(sub, DUE, later + timedelta(hours=1), claim_seconds=60) is None
        assert theirs.slot_state(sub, DUE) == "sent"
        stored = Subscriptions(other).get("T1", sub.id)
        assert stored is not None and stored.last_sent_for is not None
        assert datetime.fromisoformat(stored.last_sent_for) == DUE
    finally:
        other.close()


def test_two_replicas_send_a_due_digest_once(replicas: list[Deps]) -> None:
    deps_a, deps_b = replicas
    deps_a.topic_state.add_article("T1", "syria", troops(), NOW)
    sub = Subscriptions(deps_a.redis).add(morning_digest())
    sent: list[tuple[str, Digest]] = []
    lock = threading.Lock()

    def send(subscription: Subscription, digest: Digest) -> bool:
        with lock:
            sent.append((subscription.key, digest))
        return True

    results: list[list[TickResult]] = []
    start = threading.Barrier(2)

    def tick(deps: Deps) -> None:
        scheduler = DigestScheduler(deps, send, grace_seconds=3600, clock=lambda: NOW)
        start.wait(timeout=10)
        results.append(scheduler.tick())

    threads = [threading.Thread(target=tick, args=(d,)) for d in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(results) == 2, "a replica's tick raised (see the thread's traceback)"
    outcomes = sorted(r.outcome for ticks in results for r in ticks)
    # the other replica saw the claim, or read the subscription after it was confirmed
    assert outcomes in (["claimed_elsewhere", "sent"], ["sent"])
    [(key, digest)] = sent
    assert key == sub.key
    [brief] = digest.briefs
    assert brief.topic == "syria" and brief.article_count == 1
    assert brief.developments  # the one development, new to this digest
    # the watermark moved on the topic's slot, the guard on {sched}
    assert sub.scope in deps_b.topic_state.snapshot("T1", "syria").watermarks
    assert deps_b.slot_claims.slot_state(sub, DUE) == "sent"
    # and the next tick, on either replica, has nothing left to send
    again = DigestScheduler(deps_b, send, grace_seconds=3600, clock=lambda: NOW).tick()
    assert [r.outcome for r in again] in ([], ["claimed_elsewhere"])
    assert len(sent) == 1
