"""``briefbot status``: what an operator needs at a glance."""

from __future__ import annotations

import platform
from importlib import metadata
from typing import TYPE_CHECKING, Any

from bot import __version__
from bot.store.memory import eviction_policy, evicts

if TYPE_CHECKING:
    from bot.deps import Deps

_PACKAGES = ("slack-bolt", "slack-sdk", "spacy", "redis", "trafilatura", "apscheduler")


def collect_status(deps: Deps) -> dict[str, Any]:
    """Store, counts, queue, model and versions, as plain data."""
    info = deps.redis.info("server")
    memory = deps.redis.info("memory")
    status: dict[str, Any] = {
        "briefbot": __version__,
        "python": platform.python_version(),
        "store": {
            "kind": "embedded" if deps.embedded else "external",
            "address": deps.store_address,
            "redis_version": info.get("redis_version"),
            "used_memory": memory.get("used_memory_human"),
            "maxmemory_policy": eviction_policy(deps.redis),
        },
        "counts": deps.store.counts(),
        "queue": _queue(deps),
        "workspaces": _workspaces(deps),
        "digests": {"last_tick": deps.subscriptions.last_tick()},
        "model": {"name": deps.settings.spacy_model, "version": _model_version(deps)},
        "packages": {name: _version(name) for name in _PACKAGES},
    }
    return status


def _queue(deps: Deps) -> dict[str, Any]:
    """Totals over the shared stream and every workspace's own stream."""
    totals: dict[str, Any] = {"queued": 0, "pending": 0, "dead_letters": 0}
    ages: list[float] = []
    for scope in [None, *deps.store.team_ids()]:
        q = deps.queue_of(scope, "status")
        totals["queued"] += q.depth()
        totals["pending"] += q.pending()
        totals["dead_letters"] += q.dead_count()
        age = q.oldest_age_seconds()
        if age is not None:
            ages.append(age)
    totals["oldest_age_seconds"] = max(ages) if ages else None
    return totals


def _workspaces(deps: Deps) -> dict[str, dict[str, Any]]:
    """Each job stream's own figures: queued, in progress, dead, oldest job's age.

    ``shared`` is the stream of CLI and token-less runs; the others are workspaces.
    """
    out: dict[str, dict[str, Any]] = {}
    for scope in [None, *deps.store.team_ids()]:
        q = deps.queue_of(scope, "status")
        out[scope or "shared"] = {
            "queued": q.depth(),
            "pending": q.pending(),
            "dead_letters": q.dead_count(),
            "oldest_age_seconds": q.oldest_age_seconds(),
        }
    return out


def _policy_line(policy: str | None) -> str:
    if policy is None:
        return "memory:  maxmemory-policy unknown"
    if evicts(policy):
        return f"memory:  maxmemory-policy {policy}: MAY EVICT QUEUED JOBS (use noeviction)"
    return f"memory:  maxmemory-policy {policy}"


def _model_version(deps: Deps) -> str | None:
    return _version(deps.settings.spacy_model.replace("_", "-"))


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def status_text(status: dict[str, Any]) -> str:
    store, counts, queue = status["store"], status["counts"], status["queue"]
    lines = [
        f"briefbot {status['briefbot']} (Python {status['python']})",
        f"store:   {store['kind']} Redis {store['redis_version']} at {store['address']}"
        f" ({store['used_memory']} used)",
        _policy_line(store.get("maxmemory_policy")),
        f"data:    {counts['teams']} teams, {counts['topics']} topics, "
        f"{counts['articles']} articles",
    ]
    if queue:
        age = queue["oldest_age_seconds"]
        lines.append(
            f"queue:   {queue['queued']} queued, {queue['pending']} in progress, "
            f"{queue['dead_letters']} dead letters"
            + (f", oldest {age:.0f}s" if age is not None else "")
        )
    for scope, q in (status.get("workspaces") or {}).items():
        if q["queued"] or q["dead_letters"]:
            age = q["oldest_age_seconds"]
            lines.append(
                f"  {scope}: {q['queued']} queued, {q['pending']} in progress, "
                f"{q['dead_letters']} dead" + (f", oldest {age:.0f}s" if age is not None else "")
            )
    tick = (status.get("digests") or {}).get("last_tick")
    lines.append(
        f"digests: last run {tick['at']}: {tick['due']} due, {tick['sent']} sent, "
        f"{tick['failed']} failed"
        if tick
        else "digests: the scheduler has not run yet"
    )
    model = status["model"]
    lines.append(f"model:   {model['name']} {model['version'] or '(not installed)'}")
    lines.append("versions: " + ", ".join(f"{k} {v}" for k, v in status["packages"].items() if v))
    return "\n".join(lines)
