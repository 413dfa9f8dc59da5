"""The per-slot guard against a real Redis: one claim per slot, lapsing, renewing,
giving back, confirming and missing, on a clock the test sets."""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from bot.digests.claims import SlotClaims
from bot.digests.subscriptions import Subscription, Subscriptions
from bot.errors import StoreUnavailable
from bot.store.keys import SchedKeys
from tests.support.digests import utc
from tests.support.redis_proc import free_port
from tests.support.subscriptions import subscription

DUE = utc(2026, 1, 14, 7)
DAY = 24 * 3600


@pytest.fixture
def subs(redis_client: redis.Redis) -> Subscriptions:
    return Subscriptions(redis_client)


@pytest.fixture
def claims(redis_client: redis.Redis) -> SlotClaims:
    return SlotClaims(redis_client)


@pytest.fixture
def daily(subs: Subscriptions) -> Subscription:
    return subs.add(subscription(id="1"))


def test_one_claim_per_slot_and_confirm_records_it(
    subs: Subscriptions, claims: SlotClaims, daily: Subscription
) -> None:
    now = DUE + timedelta(seconds=5)
    token = claims.claim(daily, DUE, now, 60)
    assert token is not None
    assert claims.claim(daily, DUE, now, 60) is None
    assert claims.claim(daily, DUE + timedelta(days=1), now, 60) is not None  # another slot
    claims.confirm(daily, DUE)
    assert claims.slot_state(daily, DUE) == "sent"
    assert claims.claim(daily, DUE, now + timedelta(hours=1), 60) is None  # sent is final
    stored = subs.get("T1", daily.id)
    assert stored is not None and stored.last_sent_for == DUE.isoformat()


def test_a_lapsed_claim_can_be_taken_over(claims: SlotClaims, daily: Subscription) -> None:
    now = DUE + timedelta(seconds=1)
    first = claims.claim(daily, DUE, now, 60)
    assert first is not None
    assert claims.claim(daily, DUE, now + timedelta(seconds=59), 60) is None
    second = claims.claim(daily, DUE, now + timedelta(seconds=61), 60)
    assert second is not None and second != first
    # the first claimer can neither renew nor release what is no longer its own
    assert not claims.renew(daily, DUE, first, now + timedelta(seconds=62), 60)
    claims.release(daily, DUE, first)
    assert claims.slot_state(daily, DUE) is not None
    assert claims.renew(daily, DUE, second, now + timedelta(seconds=62), 60)
    claims.release(daily, DUE, second)
    assert claims.slot_state(daily, DUE) is None


def test_a_renewed_claim_lasts_from_the_renewal(claims: SlotClaims, daily: Subscription) -> None:
    token = claims.claim(daily, DUE, DUE, 60)
    assert token is not None
    assert claims.renew(daily, DUE, token, DUE + timedelta(seconds=50), 60)  # until 110 s
    assert claims.claim(daily, DUE, DUE + timedelta(seconds=100), 60) is None  # past the first 60
    assert claims.claim(daily, DUE, DUE + timedelta(seconds=109), 60) is None
    assert claims.claim(daily, DUE, DUE + timedelta(seconds=111), 60) is not None


def test_a_claim_holds_for_its_own_length(claims: SlotClaims, daily: Subscription) -> None:
    assert claims.claim(daily, DUE, DUE, 300) is not None
    assert claims.claim(daily, DUE, DUE + timedelta(seconds=299), 60) is None
    assert claims.claim(daily, DUE, DUE + timedelta(seconds=301), 60) is not None


def test_missed_is_recorded_once_and_is_final(claims: SlotClaims, daily: Subscription) -> None:
    late = DUE + timedelta(hours=2)
    assert claims.mark_missed(daily, DUE, late)
    assert not claims.mark_missed(daily, DUE, late)
    assert claims.slot_state(daily, DUE) == "missed"
    assert claims.claim(daily, DUE, late + timedelta(days=1), 60) is None


def test_a_live_claim_is_not_marked_missed_but_a_lapsed_one_is(
    claims: SlotClaims, daily: Subscription
) -> None:
    assert claims.claim(daily, DUE, DUE, 60) is not None
    assert not claims.mark_missed(daily, DUE, DUE + timedelta(seconds=30))
    assert claims.mark_missed(daily, DUE, DUE + timedelta(seconds=61))
    assert claims.slot_state(daily, DUE) == "missed"


def test_every_slot_state_expires_after_outliving_the_grace_period(
    claims: SlotClaims, daily: Subscription, redis_client: redis.Redis
) -> None:
    slots = [DUE, DUE + timedelta(days=1), DUE + timedelta(days=2)]
    claims.claim(daily, slots[0], DUE, 60)
    claims.confirm(daily, slots[1])
    claims.mark_missed(daily, slots[2], slots[2] + timedelta(hours=2))
    for slot in slots:
        ttl = redis_client.ttl(SchedKeys.sent(daily.key, daily.slot_id(slot)))
        assert DAY < ttl <= 7 * DAY  # past any grace period, then gone


def test_a_renewal_keeps_the_expiry(
    claims: SlotClaims, daily: Subscription, redis_client: redis.Redis
) -> None:
    token = claims.claim(daily, DUE, DUE, 60)
    assert token is not None and claims.renew(daily, DUE, token, DUE, 60)
    assert redis_client.ttl(SchedKeys.sent(daily.key, daily.slot_id(DUE))) > DAY


def test_confirm_after_remove_does_not_bring_it_back(
    subs: Subscriptions, claims: SlotClaims, daily: Subscription
) -> None:
    assert claims.claim(daily, DUE, DUE, 60)
    assert subs.remove("T1", daily.id)
    claims.confirm(daily, DUE)
    assert subs.all() == []
    assert subs.get("T1", daily.id) is None
    assert claims.slot_state(daily, DUE) == "sent"


def test_slots_of_two_subscriptions_are_apart(claims: SlotClaims, subs: Subscriptions) -> None:
    one, two = subs.add(subscription()), subs.add(subscription(team="T2"))
    assert claims.claim(one, DUE, DUE, 60) is not None
    assert claims.claim(two, DUE, DUE, 60) is not None
    claims.confirm(one, DUE)
    assert claims.slot_state(one, DUE) == "sent"
    assert (claims.slot_state(two, DUE) or "").startswith("claim|")  # still the other's claim


def test_redis_down_is_store_unavailable_for_every_step(daily: Subscription) -> None:
    down = SlotClaims(redis.Redis(port=free_port(), retry=Retry(NoBackoff(), 0)))
    steps = [
        lambda: down.claim(daily, DUE, DUE, 60),
        lambda: down.renew(daily, DUE, "t", DUE, 60),
        lambda: down.release(daily, DUE, "t"),
        lambda: down.confirm(daily, DUE),
        lambda: down.mark_missed(daily, DUE, DUE),
        lambda: down.slot_state(daily, DUE),
    ]
    for step in steps:
        with pytest.raises(StoreUnavailable):
            step()
