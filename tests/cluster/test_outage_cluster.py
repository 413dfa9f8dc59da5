"""A cluster that loses a master: the store says "unavailable", for every team.

With no replica to take over, the surviving masters stop serving once they
agree the dead one failed (CLUSTERDOWN): that must read as ``StoreUnavailable``
like a refused connection does, not as an unexpected error. This test starts
its own cluster with a short node timeout, since it breaks it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from bot.errors import StoreUnavailable
from bot.store.connect import client_for
from bot.store.keys import TeamKeys
from bot.store.team import Store
from tests.cluster.launcher import LocalCluster
from tests.support.waiting import wait_until


@pytest.fixture
def fragile_cluster(redis_server_binary: str, tmp_path: Path) -> Iterator[LocalCluster]:
    # 500 ms: the survivors declare a silent master failed within about a second
    cluster = LocalCluster(redis_server_binary, tmp_path, options=("--cluster-node-timeout", "500"))
    cluster.start()
    yield cluster
    cluster.stop()


def test_a_lost_master_makes_the_store_unavailable(fragile_cluster: LocalCluster) -> None:
    client = client_for(fragile_cluster.url)
    store = Store(client, [])
    dead_team, live_team = "T1", "TA"
    dead_port = client.get_node_from_key(TeamKeys(dead_team).articles).port
    assert client.get_node_from_key(TeamKeys(live_team).articles).port != dead_port
    store.follow(live_team, "U1", "syria")

    fragile_cluster.kill(dead_port)
    with pytest.raises(StoreUnavailable):
        store.article_count(dead_team)  # its node refuses connections at once
    # the other nodes answer until they agree the master failed, then refuse everyone
    refused = wait_until(
        f"the store to refuse {live_team} after a master died",
        lambda: _unavailable(store, live_team),
        limit=30.0,
        every=0.1,
    )
    assert isinstance(refused.__cause__, redis.exceptions.ClusterDownError)
    client.close()


def _unavailable(store: Store, team: str) -> StoreUnavailable | None:
    """The error the store raises for ``team``; None while it still answers."""
    try:
        assert store.followed(team, "U1") == ["syria"]
    except StoreUnavailable as exc:
        return exc
    return None
