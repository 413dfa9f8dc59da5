"""``tests/bot/test_subscriptions.py`` again, against the 3-master cluster."""

from __future__ import annotations

from redis.cluster import RedisCluster

from bot.digests.subscriptions import Subscriptions
from tests.bot.digests import test_subscriptions as base
from tests.bot.digests.test_subscriptions import subs
from tests.cluster.reuse import redis_tests

__all__ = ["subs"]  # the fixture the re-collected tests ask for

REUSED = redis_tests(
    base,
    uses={"redis_client", "subs"},
    exclude={
        # builds a plain redis.Redis client from a redis:// URL itself
        "test_subscriptions_survive_a_new_client": "standalone client by URL",
    },
)
globals().update(REUSED)


def test_the_subscription_tests_were_picked_up() -> None:
    assert "test_one_claim_per_slot_and_confirm_records_it" in REUSED
    assert "test_a_lapsed_claim_can_be_taken_over" in REUSED
    assert len(REUSED) >= 5


def test_the_fixtures_here_talk_to_the_cluster(subs: Subscriptions) -> None:
    assert isinstance(subs.redis, RedisCluster)
