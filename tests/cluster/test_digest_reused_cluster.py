"""``tests/bot/test_digest.py`` again, with ``Deps`` and the CLI on the cluster."""

from __future__ import annotations

from redis.cluster import RedisCluster

from bot.deps import Deps
from tests.bot.digests import test_assemble as base
from tests.cluster.reuse import cluster_as_redis_url, redis_tests
from tests.support.deps import deps

__all__ = ["cluster_as_redis_url", "deps"]  # fixtures: redis_url is the cluster's here

REUSED = redis_tests(
    base,
    uses={"deps", "redis_client"},
    exclude={
        # KEYS through a cluster client asks one node only: the check would be partial
        "test_a_preview_writes_nothing": "KEYS reads one node",
    },
)
globals().update(REUSED)


def test_the_digest_tests_were_picked_up() -> None:
    assert "test_busy_topic_lists_exactly_what_changed_since_the_last_digest" in REUSED
    assert "test_cli_digest_prints_what_a_subscription_would_send" in REUSED
    assert len(REUSED) >= 6


def test_the_fixtures_here_talk_to_the_cluster(deps: Deps) -> None:
    assert isinstance(deps.redis, RedisCluster)
