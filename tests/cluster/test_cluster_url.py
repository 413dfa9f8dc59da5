"""Cluster URLs: parsing, and logging in to a real cluster with a user and password."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from bot.config import Settings, redact_url
from bot.deps import build_deps
from bot.errors import ConfigError, StoreUnavailable
from bot.store.connect import ClusterTarget, client_for, parse_cluster_url
from bot.store.team import Store
from tests.cluster.launcher import LocalCluster, command, free_ports

USER = "briefbot"
PASSWORD = "s3cr@t:/,x"  # every character a URL parser could trip over
ENCODED = "s3cr%40t%3A%2F%2Cx"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "redis+cluster://10.0.0.1:7000,10.0.0.2:7001",
            ClusterTarget(nodes=(("10.0.0.1", 7000), ("10.0.0.2", 7001))),
        ),
        (
            f"rediss+cluster://{USER}:{ENCODED}@redis-a:6380,redis-b:6380/0",
            ClusterTarget(
                nodes=(("redis-a", 6380), ("redis-b", 6380)),
                username=USER,
                password=PASSWORD,
                ssl=True,
            ),
        ),
        (
            "redis+cluster://:hunter2@node.internal",
            ClusterTarget(nodes=(("node.internal", 6379),), password="hunter2"),
        ),
        (
            "redis+cluster://reader@[::1]:7000, [fd00::2]:7001/",
            ClusterTarget(nodes=(("::1", 7000), ("fd00::2", 7001)), username="reader"),
        ),
        (  # an unencoded '@' or '/' in the password still splits at the last '@'
            "redis+cluster://u:p@ss/w@h:1",
            ClusterTarget(nodes=(("h", 1),), username="u", password="p@ss/w"),
        ),
    ],
)
def test_cluster_urls_are_parsed(url: str, expected: ClusterTarget) -> None:
    assert parse_cluster_url(url) == expected


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("redis://h:1", "starts with"),
        ("redis+cluster://h:1/3", "database 0 only"),
        ("redis+cluster://h:1?ssl_cert_reqs=none", "no query"),
        ("redis+cluster://h:1,,h:2", "no host"),
        ("redis+cluster://:pw@:7000", "no host"),
        ("redis+cluster://h:port", "no valid port"),
        ("redis+cluster://h:70000", "no valid port"),
    ],
)
def test_malformed_cluster_urls_are_config_errors(url: str, problem: str) -> None:
    with pytest.raises(ConfigError, match=problem):
        parse_cluster_url(url)


def test_the_password_stays_out_of_repr_and_logs() -> None:
    url = f"redis+cluster://{USER}:{ENCODED}@h1:7000,h2:7000"
    assert PASSWORD not in repr(parse_cluster_url(url))
    assert ENCODED not in redact_url(url) and "h1:7000,h2:7000" in redact_url(url)


@pytest.fixture
def cluster_user(redis_cluster: LocalCluster) -> Iterator[str]:
    """An ACL user with a password on every node; the URL that logs in as it."""
    nodes = [redis_cluster.node(port) for port in redis_cluster.ports]
    for node in nodes:  # ACLs are per node: a cluster does not propagate them
        command(node, "ACL", "SETUSER", USER, "reset", "on", f">{PASSWORD}", "~*", "+@all")
    hosts = ",".join(f"127.0.0.1:{port}" for port in redis_cluster.ports)
    yield f"redis+cluster://{USER}:{ENCODED}@{hosts}/0"
    for node in nodes:
        command(node, "ACL", "DELUSER", USER)
        node.close()


def test_a_user_and_password_log_in_to_the_cluster(
    cluster_user: str, cluster_client: Any, tmp_path: Path
) -> None:
    deps = build_deps(Settings(redis_url=cluster_user, data_dir=tmp_path))
    try:
        assert isinstance(deps.store, Store) and deps.store.ping()
        deps.store.follow("T1", "U1", "syria")
        whoami = deps.redis.acl_whoami()
        assert (whoami.decode() if isinstance(whoami, bytes) else whoami) == USER
        assert cluster_client.smembers("bb:{t:T1}:follows:U1") == {b"syria"}
        assert "***" in deps.store_address and ENCODED not in deps.store_address
    finally:
        deps.close()


def test_a_wrong_password_is_store_unavailable(cluster_user: str, tmp_path: Path) -> None:
    wrong = cluster_user.replace(ENCODED, "n0pe")
    with pytest.raises(StoreUnavailable, match=r"\*\*\*") as caught:
        build_deps(Settings(redis_url=wrong, data_dir=tmp_path))
    assert "n0pe" not in str(caught.value)


def test_no_reachable_node_is_store_unavailable(tmp_path: Path) -> None:
    nobody = ",".join(f"127.0.0.1:{port}" for port in free_ports(2))
    with pytest.raises(StoreUnavailable, match="cannot reach"):
        build_deps(Settings(redis_url=f"redis+cluster://{nobody}", data_dir=tmp_path))


def test_cluster_clients_are_cluster_clients(redis_cluster: LocalCluster) -> None:
    client = client_for(redis_cluster.url)
    try:
        assert not isinstance(client, redis.Redis)
        assert len(client.get_primaries()) == 3
    finally:
        client.close()
