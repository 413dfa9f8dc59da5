"""The digest scheduler with a controllable clock (``tick(now)``; no real waiting):
time zones and daylight saving, chosen days, two replicas on one Redis, restarts
inside and outside the grace period, failed sends, a replica that dies holding
a claim, and what the digests contain. Slack is the recording ``Outbox``."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.deps import Deps
from bot.digests.claims import SlotClaims
from bot.digests.pacing import ChannelPacer
from bot.digests.scheduler import DigestScheduler, TickResult
from bot.digests.state import DigestState
from bot.digests.subscriptions import Subscription, Subscriptions
from tests.support.deps import deps_on
from tests.support.digests import Outbox, add, utc
from tests.support.subscriptions import add_subscription
from tests.support.waiting import wait_until

GRACE = 3600.0
LONG_AGO = "2025-12-01T00:00:00+00:00"


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


def scheduler_for(deps: Deps, outbox: Outbox, **kw: float) -> DigestScheduler:
    pacer = ChannelPacer(deps.redis, sleep=lambda seconds: None)  # pacing: see tests/e2e
    return DigestScheduler(deps, outbox, grace_seconds=GRACE, pacer=pacer, **kw)


@pytest.fixture
def scheduler(deps: Deps, outbox: Outbox) -> DigestScheduler:
    return scheduler_for(deps, outbox)


def subscribe(deps: Deps, tz: str = "UTC", days: str = "daily", **kw: object) -> Subscription:
    fields = {"created_at": LONG_AGO, **kw}
    return add_subscription(deps.redis, timezone=tz, days=days, **fields)


def outcomes(results: list[TickResult]) -> list[str]:
    return [r.outcome for r in results]


# ---- when digests go out -------------------------------------------------------------------


def test_each_zone_gets_its_digest_at_seven_local(
    deps: Deps, scheduler: DigestScheduler, outbox: Outbox
) -> None:
    zones = ["Asia/Tokyo", "Europe/Berlin", "America/New_York", "Australia/Sydney"]
    created = "2026-01-13T21:00:00+00:00"  # so the day before has no slot to miss
    subs = {
        tz: subscribe(deps, tz, channel=f"C{i}", created_at=created) for i, tz in enumerate(zones)
    }
    # 07:00 local on 14 January (Sydney: the 15th), in UTC, in the order they come
    moments = [
        utc(2026, 1, 13, 22),
        utc(2026, 1, 14, 6),
        utc(2026, 1, 14, 12),
        utc(2026, 1, 14, 20),
    ]
    for tz, moment in zip(zones, moments, strict=True):
        assert outcomes(scheduler.tick(moment - timedelta(seconds=30))) == []
        assert outcomes(scheduler.tick(moment + timedelta(seconds=1))) == ["sent"]
        assert outbox.sent[-1][0].key == subs[tz].key
        assert outcomes(scheduler.tick(moment + timedelta(minutes=1))) == []
    assert len(outbox.sent) == 4


@pytest.mark.parametrize(
    ("tz", "before", "after"),
    [
        ("Europe/Berlin", utc(2026, 3, 28, 6), utc(2026, 3, 29, 5)),
        ("America/New_York", utc(2026, 3, 7, 12), utc(2026, 3, 8, 11)),
        ("Europe/Berlin", utc(2026, 10, 24, 5), utc(2026, 10, 25, 6)),
        ("Australia/Sydney", utc(2026, 4, 3, 20), utc(2026, 4, 4, 21)),
    ],
)
def test_seven_local_on_both_sides_of_a_dst_change(
    deps: Deps,
    scheduler: DigestScheduler,
    outbox: Outbox,
    tz: str,
    before: datetime,
    after: datetime,
) -> None:
    subscribe(deps, tz)
    assert outcomes(scheduler.tick(before + timedelta(seconds=1))) == ["sent"]
    # the UTC time of yesterday's digest, one day on, is not 07:00 local any more
    wrong = before + timedelta(days=1)
    assert outcomes(scheduler.tick(min(wrong, after) - timedelta(seconds=1))) == []
    assert outcomes(scheduler.tick(after + timedelta(seconds=1))) == ["sent"]
    assert outcomes(scheduler.tick(max(wrong, after) + timedelta(minutes=1))) == []
    assert len(outbox.sent) == 2


@pytest.mark.parametrize(("days", "expected"), [("weekdays", 5), ("mon,wed,fri", 3), ("daily", 7)])
def test_chosen_days(
    deps: Deps, scheduler: DigestScheduler, outbox: Outbox, days: str, expected: int
) -> None:
    subscribe(deps, "Europe/Berlin", days=days)
    sent_on = []
    for day in range(12, 19):  # Monday 12 to Sunday 18 January 2026, 07:00:10 in Berlin
        if outcomes(scheduler.tick(utc(2026, 1, day, 6, 0, 10))) == ["sent"]:
            sent_on.append(day)
    assert len(sent_on) == expected
    if days == "mon,wed,fri":
        assert sent_on == [12, 14, 16]


def test_a_subscription_starts_with_the_next_slot(
    deps: Deps, scheduler: DigestScheduler, outbox: Outbox
) -> None:
    subscribe(deps, created_at="2026-01-14T07:30:00+00:00")
    assert outcomes(scheduler.tick(utc(2026, 1, 14, 7, 31))) == []
    assert outcomes(scheduler.tick(utc(2026, 1, 15, 7, 0, 1))) == ["sent"]


def test_a_removed_subscription_sends_nothing(
    deps: Deps, scheduler: DigestScheduler, outbox: Outbox
) -> None:
    sub = subscribe(deps)
    assert Subscriptions(deps.redis).remove("T1", sub.id)
    assert scheduler.tick(utc(2026, 1, 14, 7, 0, 1)) == []


# ---- exactly once ----------------------------------------------------------------------------


def test_two_replicas_ticking_together_send_once(
    deps: Deps, outbox: Outbox, redis_url: str, tmp_path: Path
) -> None:
    for i in range(4):
        subscribe(deps, channel=f"C{i}")
    now = utc(2026, 1, 14, 7, 0, 1)
    with deps_on(redis_url, tmp_path) as other:
        replicas = [scheduler_for(deps, outbox), scheduler_for(other, outbox)]
        start = threading.Barrier(2)
        results: list[list[TickResult]] = [[], []]

        def run(i: int) -> None:
            start.wait()
            results[i] = replicas[i].tick(now)

        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        again = replicas[1].tick(now + timedelta(minutes=1))
    assert sorted(s.key for s, _ in outbox.sent) == [f"T1/{i}" for i in range(1, 5)]
    everything = outcomes(results[0]) + outcomes(results[1])
    assert everything.count("sent") == 4
    assert set(everything) <= {"sent", "claimed_elsewhere"}
    assert again == []


def test_restart_inside_the_grace_period_sends_the_missed_digest_once(
    deps: Deps, outbox: Outbox
) -> None:
    subscribe(deps)
    # the process was down at 07:00 and comes back at 07:40
    restarted = scheduler_for(deps, outbox)
    assert outcomes(restarted.tick(utc(2026, 1, 14, 7, 40))) == ["sent"]
    assert outcomes(restarted.tick(utc(2026, 1, 14, 7, 41))) == []
    assert len(outbox.sent) == 1


def test_restart_outside_the_grace_period_does_not_send(
    deps: Deps, outbox: Outbox, redis_url: str, tmp_path: Path
) -> None:
    sub = subscribe(deps)
    restarted = scheduler_for(deps, outbox)
    assert outcomes(restarted.tick(utc(2026, 1, 14, 8, 30))) == ["missed"]
    with deps_on(redis_url, tmp_path) as other:  # told once, by whichever replica sees it first
        assert outcomes(scheduler_for(other, outbox).tick(utc(2026, 1, 14, 8, 31))) == [
            "claimed_elsewhere"
        ]
    assert outbox.sent == []
    assert deps.slot_claims.slot_state(sub, utc(2026, 1, 14, 7)) == "missed"
    assert restarted.tick(utc(2026, 1, 14, 8, 32)) == []  # not asked about again
    # the next morning is on time again
    assert outcomes(restarted.tick(utc(2026, 1, 15, 7, 0, 1))) == ["sent"]


def test_a_failed_send_keeps_the_watermark_and_is_retried(
    deps: Deps, scheduler: DigestScheduler, outbox: Outbox
) -> None:
    sub = subscribe(deps)
    dev = add(deps, "quake", 1, utc(2026, 1, 14, 5))
    state = DigestState(deps.redis)
    outbox.fail = 1  # e.g. channel_not_found for a moment
    assert outcomes(scheduler.tick(utc(2026, 1, 14, 7, 0, 1))) == ["failed"]
    assert state.watermark("T1", "syria", sub.scope) is None
    assert deps.slot_claims.slot_state(sub, utc(2026, 1, 14, 7)) is None
    assert outcomes(scheduler.tick(utc(2026, 1, 14, 7, 1, 1))) == ["sent"]
    assert [d.id for d in outbox.sent[0][1].briefs[0].developments] == [dev.id]
    assert state.watermark("T1", "syria", sub.scope) == utc(2026, 1, 14, 7, 1, 1)


def test_a_claim_left_by_a_dead_replica_lapses(deps: Deps, outbox: Outbox) -> None:
    sub = subscribe(deps)
    due, now = utc(2026, 1, 14, 7), utc(2026, 1, 14, 7, 0, 1)
    assert deps.slot_claims.claim(sub, due, now, 60) is not None  # then it died
    scheduler = scheduler_for(deps, outbox, claim_seconds=60)
    assert outcomes(scheduler.tick(now + timedelta(seconds=30))) == ["claimed_elsewhere"]
    assert outcomes(scheduler.tick(now + timedelta(seconds=61))) == ["sent"]
    assert len(outbox.sent) == 1


def test_a_claim_that_lapses_before_the_post_is_not_used(
    deps: Deps, outbox: Outbox, redis_url: str, tmp_path: Path
) -> None:
    sub = subscribe(deps)
    due, now = utc(2026, 1, 14, 7), utc(2026, 1, 14, 7, 0, 1)
    other_replica = SlotClaims(deps.redis)

    def slow_turn(seconds: float) -> None:
        # while we wait for the channel, our claim lapses and another replica takes the slot
        assert other_replica.claim(sub, due, now + timedelta(seconds=120), 60) is not None

    pacer = ChannelPacer(deps.redis, sleep=slow_turn)
    pacer.reserve(sub.channel)  # the channel is busy: our post has to wait its turn
    scheduler = DigestScheduler(deps, outbox, grace_seconds=GRACE, pacer=pacer, claim_seconds=60)
    assert outcomes(scheduler.tick(now)) == ["lost_claim"]
    assert outbox.sent == []


# ---- what goes out -------------------------------------------------------------------------


def test_digests_carry_exactly_what_changed_since_the_previous_one(
    deps: Deps, scheduler: DigestScheduler, outbox: Outbox
) -> None:
    sub = subscribe(deps, "Europe/Berlin")
    quake = add(deps, "quake", 1, utc(2026, 1, 13, 20))
    port = add(deps, "port", 1, utc(2026, 1, 13, 21))
    scheduler.tick(utc(2026, 1, 14, 6, 0, 1))
    quake2 = add(deps, "quake", 2, utc(2026, 1, 14, 9))
    dam = add(deps, "dam", 1, utc(2026, 1, 14, 15))
    scheduler.tick(utc(2026, 1, 15, 6, 0, 1))
    scheduler.tick(utc(2026, 1, 16, 6, 0, 1))
    first, second, third = (d.briefs[0] for d in outbox.for_sub(sub.id))
    assert {d.id for d in first.developments} == {quake.id, port.id}
    assert quake2.id == quake.id
    assert {d.id for d in second.developments} == {quake.id, dam.id}
    assert third.quiet and third.developments == [] and third.timeline == []


def test_many_subscriptions_due_together_are_all_sent_alternating_channels(
    deps: Deps, scheduler: DigestScheduler, outbox: Outbox
) -> None:
    for i in range(12):
        subscribe(deps, channel=["CA", "CA", "CB", "CC"][i % 4])
    results = scheduler.tick(utc(2026, 1, 14, 7, 0, 1))
    assert outcomes(results) == ["sent"] * 12
    channels = [s.channel for s, _ in outbox.sent]
    assert sorted(channels) == ["CA"] * 6 + ["CB"] * 3 + ["CC"] * 3
    assert channels[:6] == ["CA", "CB", "CC"] * 2  # no channel waits behind a busy one


def test_titles_follow_the_local_time(
    deps: Deps, scheduler: DigestScheduler, outbox: Outbox
) -> None:
    subscribe(deps, hour=18)
    scheduler.tick(utc(2026, 1, 14, 18, 0, 1))
    assert outbox.sent[0][1].title == "Evening digest"


def test_start_ticks_at_once_and_shutdown_stops(deps: Deps, outbox: Outbox) -> None:
    # the start-up tick is the catch-up after a restart: a slot within grace goes out
    subscribe(deps, "UTC", hour=datetime.now(UTC).hour, minute=0)
    scheduler = scheduler_for(deps, outbox)
    scheduler.start()
    try:
        wait_until("the start-up tick to send the digest", lambda: len(outbox.sent) == 1, limit=10)
    finally:
        scheduler.shutdown()
    assert len(outbox.sent) == 1
