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
    # slot claims moved to tests/bot/digests/test_claims.py (test_claims_cluster.py)
    assert "test_add_list_remove_and_team_isolation" in REUSED
    assert "test_a_team_has_at_most_fifty" in REUSED
    assert len(REUSED) >= 5


def test_the_fixtures_here_talk_to_the_cluster(subs: Subscriptions) -> None:
    assert isinstance(subs.redis, RedisCluster)
