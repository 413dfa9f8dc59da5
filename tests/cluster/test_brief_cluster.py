"""``tests/bot/test_brief.py`` again, with ``Deps`` on the cluster."""

from __future__ import annotations

from redis.cluster import RedisCluster

from bot.deps import Deps
from tests.bot.topics import test_brief as base
from tests.cluster.reuse import cluster_as_redis_url, redis_tests
from tests.support.deps import deps

__all__ = ["cluster_as_redis_url", "deps"]  # fixtures: redis_url is the cluster's here

REUSED = redis_tests(base, uses={"deps", "redis_client"}, exclude={})
globals().update(REUSED)


def test_the_brief_tests_were_picked_up() -> None:
    assert len(REUSED) >= 5


def test_the_fixtures_here_talk_to_the_cluster(deps: Deps) -> None:
    assert isinstance(deps.redis, RedisCluster)
