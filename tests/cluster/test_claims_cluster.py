"""``tests/bot/digests/test_claims.py`` again, against the 3-master cluster: a
digest slot is claimed once across replicas on a cluster too."""

from __future__ import annotations

from redis.cluster import RedisCluster

from bot.digests.claims import SlotClaims
from tests.bot.digests import test_claims as base
from tests.bot.digests.test_claims import claims, daily, subs
from tests.cluster.reuse import redis_tests

__all__ = ["claims", "daily", "subs"]  # the fixtures the re-collected tests ask for

REUSED = redis_tests(base, uses={"redis_client", "subs", "claims", "daily"}, exclude={})
globals().update(REUSED)


def test_the_claim_tests_were_picked_up() -> None:
    assert "test_one_claim_per_slot_and_confirm_records_it" in REUSED
    assert "test_a_lapsed_claim_can_be_taken_over" in REUSED
    assert len(REUSED) >= 8


def test_the_fixtures_here_talk_to_the_cluster(claims: SlotClaims) -> None:
    assert isinstance(claims.redis, RedisCluster)
