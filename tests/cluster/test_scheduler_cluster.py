"""``tests/bot/test_scheduler.py`` again: digest ticks, replicas and claims on the cluster."""

from __future__ import annotations

from redis.cluster import RedisCluster

from bot.deps import Deps
from tests.bot.digests import test_scheduler as base
from tests.bot.digests.test_scheduler import outbox, scheduler
from tests.cluster.reuse import cluster_as_redis_url, redis_tests
from tests.support.deps import deps

__all__ = ["cluster_as_redis_url", "deps", "outbox", "scheduler"]  # redis_url: the cluster's

REUSED = redis_tests(base, uses={"deps", "scheduler", "redis_client"}, exclude={})
globals().update(REUSED)


def test_the_scheduler_tests_were_picked_up() -> None:
    assert "test_two_replicas_ticking_together_send_once" in REUSED
    assert "test_a_claim_left_by_a_dead_replica_lapses" in REUSED
    assert len(REUSED) >= 10


def test_the_fixtures_here_talk_to_the_cluster(deps: Deps) -> None:
    assert isinstance(deps.redis, RedisCluster)
