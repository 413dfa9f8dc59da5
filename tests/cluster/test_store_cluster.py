"""``tests/bot/test_store.py`` again, against the 3-master cluster."""

from __future__ import annotations

from redis.cluster import RedisCluster

from bot.store.team import Store
from tests.bot.store import test_team as base
from tests.bot.store.test_team import store
from tests.cluster.reuse import redis_tests

__all__ = ["store"]  # the fixture the re-collected tests ask for

REUSED = redis_tests(base, uses={"redis_client", "store"}, exclude={})
globals().update(REUSED)


def test_the_store_tests_were_picked_up() -> None:
    # guards against a silent empty module if the base tests are renamed or reshaped
    assert "test_round_trip_keeps_every_field" in REUSED
    assert "test_teams_never_see_each_other" in REUSED
    assert len(REUSED) >= 8


def test_the_fixtures_here_talk_to_the_cluster(store: Store) -> None:
    assert isinstance(store.redis, RedisCluster)
