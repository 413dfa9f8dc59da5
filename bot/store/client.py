"""The one Redis client type, and what "Redis cannot serve us right now" means.

Every module that talks to Redis takes a ``RedisClient`` (built once by
``bot.store.connect``) and wraps its public methods in ``unavailable_on_error``
(a whole class at once: ``unavailable_on_errors``), so that callers see
``StoreUnavailable`` and can answer "temporarily unavailable".
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeAlias, TypeVar

import redis
from redis.cluster import RedisCluster

from bot.errors import StoreFull, StoreUnavailable

P = ParamSpec("P")
R = TypeVar("R")
C = TypeVar("C", bound=type)

#: the one client type: a single Redis or a Redis Cluster (same command surface
#: for everything briefbot does; cluster keys carry hash tags, see ``keys``)
RedisClient: TypeAlias = "redis.Redis | RedisCluster"

# What "Redis cannot serve us right now" looks like. On a cluster that includes a
# cluster that lost a master (CLUSTERDOWN from the surviving nodes) and a slot the
# client's map has no node for: neither is a ConnectionError.
UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (
    redis.ConnectionError,
    redis.TimeoutError,
    redis.BusyLoadingError,
    redis.exceptions.ClusterDownError,
    redis.exceptions.SlotNotCoveredError,
)


#: Redis at ``maxmemory`` under ``noeviction`` (an "OOM command not allowed" reply)
FULL_ERRORS: tuple[type[Exception], ...] = (redis.exceptions.OutOfMemoryError,)


def unavailable_on_error(func: Callable[P, R]) -> Callable[P, R]:
    """Turn Redis connection trouble into ``StoreUnavailable``, and a full Redis
    into ``StoreFull`` (a kind of it: callers that only know "try later" are right)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except FULL_ERRORS as exc:
            raise StoreFull(f"Redis is out of memory: {exc}") from exc
        except UNAVAILABLE_ERRORS as exc:
            raise StoreUnavailable(f"Redis unavailable: {exc}") from exc

    return wrapper


def unavailable_on_errors(cls: C) -> C:
    """``unavailable_on_error`` on every public method of ``cls``, for a class that
    is all Redis calls. (``make mutate`` reaches methods decorated this way; mutmut
    leaves a function with a decorator of its own unmutated.)"""
    for name, member in list(vars(cls).items()):
        if callable(member) and not name.startswith("_"):
            setattr(cls, name, unavailable_on_error(member))
    return cls


def text(raw: bytes | str) -> str:
    """A Redis reply as text: our clients return bytes (no ``decode_responses``)."""
    return raw.decode() if isinstance(raw, bytes) else raw


def blob(raw: bytes | str) -> bytes:
    """A Redis reply as bytes (compressed records are stored as bytes)."""
    return raw if isinstance(raw, bytes) else raw.encode()
