"""Redis' memory policy: whether it may evict briefbot's keys.

A job queue must not be evicted: under ``allkeys-lru`` a small ``maxmemory``
drops queued jobs (the stream is evicted and silently re-created) and the
developments a brief points at. Only ``noeviction`` makes a full Redis refuse
writes instead, which briefbot treats as back-pressure (``StoreFull``).
Sidekiq and Celery give the same advice.
"""

from __future__ import annotations

from typing import Any

from bot.store.client import RedisClient, unavailable_on_error

SAFE_POLICY = "noeviction"


@unavailable_on_error
def eviction_policy(client: RedisClient) -> str:
    """``maxmemory-policy`` as INFO reports it (managed services often disable
    CONFIG); on a cluster, the first evicting policy among the nodes, if any."""
    info: Any = client.info("memory")
    policies = _policies(info)
    evicting = [p for p in policies if p != SAFE_POLICY]
    if evicting:
        return evicting[0]
    return policies[0] if policies else "unknown"


def evicts(policy: str) -> bool:
    """Whether Redis may drop keys under this policy ("unknown" counts as safe:
    a server that hides its policy is not refused on a guess)."""
    return policy not in (SAFE_POLICY, "unknown")


def _policies(info: Any) -> list[str]:
    if not isinstance(info, dict):
        return []
    if "maxmemory_policy" in info:
        return [str(info["maxmemory_policy"])]
    # a cluster client answers per node: {node: {...}}
    return [
        str(node["maxmemory_policy"])
        for node in info.values()
        if isinstance(node, dict) and "maxmemory_policy" in node
    ]
