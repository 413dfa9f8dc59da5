"""Connecting to the store: the embedded Redis, a Redis URL or a Redis Cluster URL.

``connect_redis`` is called once per process (by ``bot.deps``); everything else
receives the client it returns.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import redis

from bot.config import Settings, redact_url
from bot.errors import ConfigError, StoreUnavailable
from bot.store.client import RedisClient
from bot.store.embedded import EmbeddedRedis

log = logging.getLogger(__name__)

CLUSTER_SCHEMES = ("redis+cluster://", "rediss+cluster://")


def connect_redis(settings: Settings) -> tuple[RedisClient, EmbeddedRedis | None, str]:
    """A Redis client for the configured store, the embedded server (if any) and
    a printable address. Cluster URLs: see ``parse_cluster_url``."""
    url = settings.redis_url
    embedded = None
    if not url:
        embedded = EmbeddedRedis(settings.data_dir)
        url = embedded.start()
        address = f"embedded ({embedded.address})"
    else:
        address = redact_url(url)
        log.info("store: external Redis at %s", address)
    try:
        client = client_for(url)
        client.ping()
    except (redis.RedisError, OSError) as exc:
        if embedded:
            embedded.close()
        raise StoreUnavailable(f"cannot reach Redis at {address}: {exc}") from exc
    return client, embedded, address


def client_for(url: str) -> RedisClient:
    options: dict[str, Any] = {
        "socket_timeout": 10,
        "socket_connect_timeout": 5,
        "health_check_interval": 30,
        "retry_on_timeout": True,
    }
    if url.startswith(CLUSTER_SCHEMES):
        # the cluster client retries timeouts by itself and warns about the flag
        del options["retry_on_timeout"]
        return _cluster_client(parse_cluster_url(url), options)
    return redis.Redis.from_url(url, **options)


def _cluster_client(target: ClusterTarget, options: dict[str, Any]) -> RedisClient:
    from redis.cluster import ClusterNode, RedisCluster

    try:
        # the client connects here already, to read the slot map
        return RedisCluster(
            startup_nodes=[
                ClusterNode(host, port)  # type: ignore[no-untyped-call]
                for host, port in target.nodes
            ],
            username=target.username,
            password=target.password,
            ssl=target.ssl,
            **options,
        )
    except redis.exceptions.RedisClusterException as exc:
        # not a RedisError: make "no node answers" look like any unreachable Redis
        raise redis.ConnectionError(str(exc)) from exc


@dataclass(frozen=True)
class ClusterTarget:
    """Where a Redis Cluster is and how to log in, from a cluster URL."""

    nodes: tuple[tuple[str, int], ...]  # seed nodes; the client discovers the rest
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ssl: bool = False


def parse_cluster_url(url: str) -> ClusterTarget:
    """Read ``redis+cluster://[user:password@]host:port[,host:port...][/0]``.

    ``rediss+cluster://`` is the same over TLS. User name and password are
    percent-decoded (write ``@`` as ``%40``, ``:`` as ``%3A``); a password with
    no user name is ``:password@``. A missing port means 6379; IPv6 hosts go in
    brackets. A cluster has database 0 only, so ``/0`` is the only path allowed.
    Raises ``ConfigError`` on anything else.
    """
    scheme, sep, rest = url.partition("://")
    if not sep or f"{scheme}://" not in CLUSTER_SCHEMES:
        raise ConfigError("a cluster URL starts with redis+cluster:// or rediss+cluster://")
    # the password may contain '/', '?' or ',' unencoded: split it off first
    creds, at, location = rest.rpartition("@")
    hosts, _, path = location.partition("/")
    if "?" in location or "#" in location:
        raise ConfigError("cluster URLs take no query options")
    if path not in ("", "0"):
        raise ConfigError("a Redis Cluster has database 0 only: end the URL with /0 or nothing")
    username, password = _credentials(creds) if at else (None, None)
    return ClusterTarget(
        nodes=tuple(_host_port(entry) for entry in hosts.split(",")),
        username=username,
        password=password,
        ssl=scheme == "rediss+cluster",
    )


def _credentials(creds: str) -> tuple[str | None, str | None]:
    user, colon, password = creds.partition(":")
    if not colon:  # "user@host": a user name alone
        return unquote(user) or None, None
    return unquote(user) or None, unquote(password) or None


def _host_port(entry: str) -> tuple[str, int]:
    entry = entry.strip()
    if entry.startswith("["):  # [IPv6]:port
        host, _, tail = entry[1:].partition("]")
        port = tail.removeprefix(":")
    else:
        host, _, port = entry.partition(":")
    if not host:
        raise ConfigError(f"cluster URL: node {entry!r} has no host")
    if not port:
        return host, 6379
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"cluster URL: node {entry!r} has no valid port")
    return host, int(port)
