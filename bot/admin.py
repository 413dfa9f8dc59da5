"""The operator's toolbox behind ``briefbot admin``: dead-lettered jobs, subscriptions.

Each function takes the composition root and returns plain data; ``bot.cli``
prints it. Scopes are the job streams: the shared one (CLI and token-less
runs) and one per workspace with data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.digests.subscriptions import Subscription
from bot.errors import InputError
from bot.jobs import dead_letters
from bot.jobs.dead_letters import DeadLetter
from bot.store.installs import Installations, Workspace

if TYPE_CHECKING:
    from bot.deps import Deps


@dataclass
class DeadOutcome:
    done: list[str] = field(default_factory=list)  # names retried or dropped
    missing: list[str] = field(default_factory=list)  # names not found (gone already)
    new_jobs: list[str] = field(default_factory=list)  # retry: the queued jobs' ids


def scopes(deps: Deps, team: str | None = None) -> list[str | None]:
    """Every job stream, or only ``team``'s."""
    if team is not None:
        return [team]
    return [None, *deps.store.team_ids()]


def list_dead(deps: Deps, team: str | None = None, limit: int = 50) -> list[DeadLetter]:
    return dead_letters.list_dead(deps.redis, scopes(deps, team), limit)[:limit]


def retry_dead(
    deps: Deps, names: list[str], *, every: bool = False, team: str | None = None
) -> DeadOutcome:
    """Queue dead jobs again (the named ones, or ``every`` one of ``team`` or all)."""
    outcome = DeadOutcome()
    for scope, entry in _targets(deps, names, every, team):
        job = dead_letters.retry(deps.redis, scope, entry)
        name = f"{scope or dead_letters.SHARED}/{entry}"
        if job is None:
            outcome.missing.append(name)
        else:
            outcome.done.append(name)
            outcome.new_jobs.append(job)
    return outcome


def drop_dead(
    deps: Deps, names: list[str], *, every: bool = False, team: str | None = None
) -> DeadOutcome:
    """Delete dead letters (the named ones, or ``every`` one of ``team`` or all)."""
    outcome = DeadOutcome()
    for scope, entry in _targets(deps, names, every, team):
        name = f"{scope or dead_letters.SHARED}/{entry}"
        (outcome.done if dead_letters.drop(deps.redis, scope, entry) else outcome.missing).append(
            name
        )
    return outcome


def _targets(
    deps: Deps, names: list[str], every: bool, team: str | None
) -> list[tuple[str | None, str]]:
    if every == bool(names):
        raise InputError("name the dead letters (SCOPE/ENTRY, from `admin dead list`) or --all")
    if every:
        return [
            (d.scope, d.entry)
            for d in dead_letters.list_dead(deps.redis, scopes(deps, team), 10_000)
        ]
    try:
        return [dead_letters.parse_name(name) for name in names]
    except ValueError as exc:  # a scope that is no workspace id
        raise InputError(str(exc)) from None


def subscriptions(deps: Deps, team: str | None = None) -> list[Subscription]:
    """Digest subscriptions of every workspace (or ``team``'s), by workspace and id."""
    subs = deps.subscriptions.for_team(team) if team else deps.subscriptions.all()
    return sorted(subs, key=lambda s: (s.team, int(s.id) if s.id.isdigit() else 0))


def workspaces(deps: Deps) -> list[Workspace]:
    """Installed workspaces (OAuth mode), and those pending deletion after an uninstall.

    Reads only the non-secret index, so it works without ``BRIEFBOT_TOKEN_KEY``.
    """
    return (deps.installs or Installations(deps.redis, None)).workspaces()
