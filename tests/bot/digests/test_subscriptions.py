"""Subscriptions: due times in their own time zones (with DST), storage in Redis and
team isolation, against a real Redis. The per-slot guard is ``test_claims.py``."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
import redis

from bot.digests.subscriptions import MAX_PER_TEAM, Subscription, Subscriptions, valid_timezone
from bot.errors import InputError
from bot.store.keys import SchedKeys
from tests.support.digests import utc
from tests.support.subscriptions import subscription


def sub(
    tz: str = "UTC", days: str = "daily", hour: int = 7, minute: int = 0, **kw: str
) -> Subscription:
    fields = {"id": "1", **kw}
    return subscription(timezone=tz, days=days, hour=hour, minute=minute, **fields)


# ---- due times ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tz", "expected"),
    [
        ("America/New_York", utc(2026, 1, 14, 12)),  # EST, UTC-5
        ("Europe/Berlin", utc(2026, 1, 14, 6)),  # CET, UTC+1
        ("Asia/Tokyo", utc(2026, 1, 13, 22)),  # JST, UTC+9: 07:00 on the 14th
        ("Australia/Sydney", utc(2026, 1, 13, 20)),  # AEDT, UTC+11 in January
    ],
)
def test_seven_local_in_four_zones(tz: str, expected: datetime) -> None:
    s = sub(tz)
    assert s.next_due(expected - timedelta(hours=1)) == expected
    assert s.last_due(expected) == expected
    assert s.last_due(expected + timedelta(minutes=59)) == expected
    assert s.last_due(expected - timedelta(seconds=1)) == expected - timedelta(days=1)
    assert s.slot_id(expected) == "2026-01-14T07:00"


@pytest.mark.parametrize(
    ("tz", "before", "after"),
    [
        # spring: the clocks go forward between the two mornings
        ("Europe/Berlin", utc(2026, 3, 28, 6), utc(2026, 3, 29, 5)),
        ("America/New_York", utc(2026, 3, 7, 12), utc(2026, 3, 8, 11)),
        ("Australia/Sydney", utc(2026, 10, 2, 21), utc(2026, 10, 3, 20)),
        # autumn: the clocks go back
        ("Europe/Berlin", utc(2026, 10, 24, 5), utc(2026, 10, 25, 6)),
        ("America/New_York", utc(2026, 10, 31, 11), utc(2026, 11, 1, 12)),
        ("Australia/Sydney", utc(2026, 4, 3, 20), utc(2026, 4, 4, 21)),
    ],
)
def test_dst_keeps_seven_local(tz: str, before: datetime, after: datetime) -> None:
    s = sub(tz)
    assert s.fires(before - timedelta(hours=1), after + timedelta(hours=1)) == [before, after]
    assert s.slot_id(before)[11:] == s.slot_id(after)[11:] == "07:00"
    assert after - before != timedelta(days=1)  # the same local time is a different UTC gap


def test_ambiguous_autumn_hour_is_one_slot() -> None:
    # 02:30 happens twice in Berlin on 25 October 2026: one digest, at the first
    s = sub("Europe/Berlin", hour=2, minute=30)
    fires = s.fires(utc(2026, 10, 24), utc(2026, 10, 26))
    assert fires == [utc(2026, 10, 24, 0, 30), utc(2026, 10, 25, 0, 30)]
    assert s.last_due(utc(2026, 10, 25, 1, 45)) == utc(2026, 10, 25, 0, 30)


def test_missing_spring_hour_still_fires_once() -> None:
    # 02:30 does not exist in Berlin on 29 March 2026: the digest goes out once that day
    s = sub("Europe/Berlin", hour=2, minute=30)
    fires = s.fires(utc(2026, 3, 28, 12), utc(2026, 3, 29, 12))
    assert len(fires) == 1 and s.slot_id(fires[0])[:10] == "2026-03-29"


def test_weekdays_and_chosen_days() -> None:
    week = (utc(2026, 1, 12), utc(2026, 1, 19, 12))  # Monday 12 to Monday 19 January
    weekdays = [d.day for d in sub(days="weekdays").fires(*week)]
    assert weekdays == [12, 13, 14, 15, 16, 19]
    chosen = [d.day for d in sub(days="mon,wed,fri").fires(*week)]
    assert chosen == [12, 14, 16, 19]
    # on Sunday, the latest weekday slot is Friday's
    assert sub(days="weekdays").last_due(utc(2026, 1, 18, 12)) == utc(2026, 1, 16, 7)
    assert sub(days="weekdays").next_due(utc(2026, 1, 17, 12)) == utc(2026, 1, 19, 7)


@pytest.fixture
def machine_in_tokyo(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's local time zone set to Asia/Tokyo (UTC+9), then put back."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("machine_in_tokyo")
def test_due_times_are_in_utc_whatever_the_machines_zone() -> None:
    week = sub("Europe/Berlin").fires(utc(2026, 1, 12), utc(2026, 1, 18, 12))
    assert week == [utc(2026, 1, d, 6) for d in range(12, 19)]  # 07:00 in Berlin
    # stored as last_sent_for and compared across replicas: one spelling everywhere
    assert {d.isoformat()[-6:] for d in week} == {"+00:00"}


def test_the_next_slot_is_strictly_after_now_and_the_last_at_or_before() -> None:
    daily = sub("Europe/Berlin")  # 07:00 in Berlin is 06:00 UTC in January
    at_seven = utc(2026, 1, 14, 6)
    assert daily.next_due(at_seven) == utc(2026, 1, 15, 6)  # at 07:00 sharp: tomorrow's
    assert daily.next_due(at_seven - timedelta(seconds=1)) == at_seven  # a second before
    assert daily.last_due(at_seven) == at_seven
    assert daily.last_due(at_seven - timedelta(seconds=1)) == utc(2026, 1, 13, 6)


def test_describe_and_timezone_fallback() -> None:
    assert sub("Asia/Tokyo", days="weekdays").describe() == "syria at 07:00 weekdays (Asia/Tokyo)"
    two = subscription(topics=["syria", "bridge vote"], hour=18, minute=5, days="mon,fri")
    assert two.describe() == "syria, bridge vote at 18:05 mon,fri (UTC)"
    assert valid_timezone("Asia/Tokyo", "UTC") == "Asia/Tokyo"
    assert valid_timezone("Mars/Olympus", "Europe/Berlin") == "Europe/Berlin"
    assert valid_timezone("", "UTC") == "UTC"


# ---- storage ---------------------------------------------------------------------------


@pytest.fixture
def subs(redis_client: redis.Redis) -> Subscriptions:
    return Subscriptions(redis_client)


def test_add_list_remove_and_team_isolation(subs: Subscriptions) -> None:
    a = subs.add(sub("Europe/Berlin", team="TA", channel="CA"))
    b = subs.add(sub("Asia/Tokyo", team="TB", channel="CB"))
    assert a.id != b.id
    assert [s.channel for s in subs.for_team("TA")] == ["CA"]
    assert [s.channel for s in subs.for_team("TB")] == ["CB"]
    assert not subs.remove("TA", b.id)  # team A cannot remove team B's digest
    assert subs.get("TA", b.id) is None
    assert subs.get("TB", b.id) == b
    assert subs.remove("TB", b.id)
    assert [s.key for s in subs.all()] == [a.key]


def test_subscriptions_survive_a_new_client(redis_url: str, subs: Subscriptions) -> None:
    added = subs.add(sub("Australia/Sydney", days="mon,wed,fri"))
    other = redis.Redis.from_url(redis_url)
    try:
        assert Subscriptions(other).all() == [added]
    finally:
        other.close()


def test_a_team_has_at_most_fifty(subs: Subscriptions) -> None:
    for _ in range(MAX_PER_TEAM):
        subs.add(sub())
    with pytest.raises(InputError):
        subs.add(sub())
    assert len(subs.add(sub(team="T2")).id) > 0  # other teams are not affected


def test_an_unreadable_entry_is_skipped(subs: Subscriptions, redis_client: redis.Redis) -> None:
    good = subs.add(sub())
    redis_client.hset(SchedKeys.subscriptions, "T1/999", "{not json")
    assert subs.all() == [good]


# A subscription as the code before serde stored it (json.dumps of its fields but
# last_sent_for, which lives under SchedKeys.last_sent).
STORED = (
    '{"id": "7", "team": "T1", "channel": "C1", "topics": ["syria", "sudan"], "hour": 7, '
    '"minute": 30, "days": "weekdays", "timezone": "Europe/Berlin", "created_by": "U1", '
    '"created_at": "2026-01-14T06:00:00+00:00", "extra": {"title": "Morgenlage"}}'
)


def test_a_stored_subscription_loads_and_is_stored_in_the_same_shape(
    subs: Subscriptions, redis_client: redis.Redis
) -> None:
    redis_client.hset(SchedKeys.subscriptions, "T1/7", STORED)
    redis_client.hset(SchedKeys.last_sent, "T1/7", "2026-01-14T06:30:00+00:00")
    loaded = subs.get("T1", "7")
    assert loaded == Subscription(
        id="7",
        team="T1",
        channel="C1",
        topics=["syria", "sudan"],
        hour=7,
        minute=30,
        days="weekdays",
        timezone="Europe/Berlin",
        created_by="U1",
        created_at="2026-01-14T06:00:00+00:00",
        last_sent_for="2026-01-14T06:30:00+00:00",
        extra={"title": "Morgenlage"},
    )
    subs.save(loaded)
    raw = redis_client.hget(SchedKeys.subscriptions, "T1/7")
    assert raw is not None and json.loads(raw) == json.loads(STORED)  # no last_sent_for


def test_fields_an_older_subscription_lacks_take_their_defaults(
    subs: Subscriptions, redis_client: redis.Redis
) -> None:
    old = {"id": "8", "team": "T1", "channel": "C1", "topics": ["syria"], "hour": 7,
           "minute": 0, "days": "daily", "timezone": "UTC", "retired": True}  # fmt: skip
    redis_client.hset(SchedKeys.subscriptions, "T1/8", json.dumps(old))
    loaded = subs.get("T1", "8")
    assert loaded is not None and loaded.created_by == "" and loaded.extra == {}
