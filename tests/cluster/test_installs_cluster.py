"""``tests/bot/store/test_installs.py`` and ``tests/bot/jobs/test_fair.py`` again,
against the 3-master cluster: installs, uninstall purges (which scan every node)
and turns over several workspaces' streams, each on its own slot."""

from __future__ import annotations

from redis.cluster import RedisCluster

from bot.store.installs import Installations
from tests.bot.jobs import test_fair as fair_base
from tests.bot.store import test_installs as base
from tests.bot.store.test_installs import installs
from tests.cluster.reuse import redis_tests

__all__ = ["installs"]  # the fixture the re-collected tests ask for

REUSED = {
    **redis_tests(base, uses={"redis_client", "installs"}, exclude={}),
    **redis_tests(fair_base, uses={"redis_client"}, exclude={}),
}
globals().update(REUSED)


def test_the_install_tests_were_picked_up() -> None:
    assert "test_uninstall_removes_tokens_at_once_and_data_after_the_grace" in REUSED
    assert "test_a_busy_workspace_does_not_starve_a_quiet_one" in REUSED
    assert len(REUSED) >= 8


def test_the_fixtures_here_talk_to_the_cluster(installs: Installations) -> None:
    assert isinstance(installs.redis, RedisCluster)
