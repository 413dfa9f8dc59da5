"""Deleting an uninstalled workspace's data once its grace period is over.

Every replica may run ``purge_due`` on a timer: ``Installations.claim_due``
gives each due workspace to one of them. The state an export would hold goes
(every key under its hash tags, its job stream and dead letters, its
subscriptions), its place in the set of teams with data, and last its
installation record.
Deleting is idempotent, so a replica that dies midway leaves a claim that
lapses and another replica finishes the job.
"""

from __future__ import annotations

import logging

from bot.store import backup, keys
from bot.store.client import RedisClient, text, unavailable_on_error
from bot.store.installs import Installations
from bot.store.keys import QueueKeys, TeamKeys

log = logging.getLogger(__name__)


@unavailable_on_error
def purge_team(client: RedisClient, team: str) -> None:
    """Delete everything briefbot holds for ``team``.

    Every key under the team's hash tags goes, markers and locks included (an
    export leaves those out), then its fields in the shared scheduler hashes.
    """
    base = TeamKeys(team).base  # validates the id
    patterns = [f"{base}:*", base.replace("}", ":*}") + ":*", f"{QueueKeys(team).base}:*"]
    for pattern in patterns:
        for name in [text(k) for k in client.scan_iter(match=pattern, count=1000)]:
            client.delete(name)
    backup.delete_teams(client, [team])  # its subscriptions and their last slots
    client.srem(keys.teams(), team)


def purge_due(client: RedisClient, installs: Installations, now: float | None = None) -> list[str]:
    """Purge the workspaces whose grace period is over and that this caller claimed."""
    done = []
    for team in installs.claim_due(now):
        purge_team(client, team)
        installs.remove_tokens(team)  # a token saved meanwhile goes with the data
        installs.purged(team)
        log.info("workspace team=%s: data deleted after its uninstall grace period", team)
        done.append(team)
    return done
