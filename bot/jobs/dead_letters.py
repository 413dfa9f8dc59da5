"""Dead-lettered ingest jobs, for the operator: list, retry, drop.

A job lands in a stream's dead-letter stream after ``BRIEFBOT_JOB_MAX_ATTEMPTS``
failed deliveries (``JobQueue.fail``), with the reason of its last failure. The
operator can list them across every stream (the shared one and each
workspace's), put one back on its queue as a new job (its attempts start from
zero, its reply still goes to the original thread), or drop it.

A dead letter is named ``SCOPE/ENTRY``: the workspace whose stream holds it
(``shared`` for the shared stream) and its entry id in the dead-letter stream, so a
name is unique across streams and says where the job will be retried.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import redis

from bot.errors import InputError
from bot.store.client import RedisClient, text
from bot.store.keys import QueueKeys

SHARED = "shared"  # the shared stream's scope in a dead letter's name (Slack ids are upper-case)


@dataclass(frozen=True)
class DeadLetter:
    scope: str | None  # workspace whose stream holds it; None: the shared stream
    entry: str  # entry id in the dead-letter stream
    kind: str
    team: str
    payload: dict[str, str]
    reason: str
    attempts: int
    failed_at: float  # epoch seconds

    @property
    def name(self) -> str:
        return f"{self.scope or SHARED}/{self.entry}"

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "team": self.team,
            "kind": self.kind,
            "url": self.payload.get("url"),
            "channel": self.payload.get("channel"),
            "reason": self.reason,
            "attempts": self.attempts,
            "failed_at": self.failed_at,
        }


def parse_name(name: str) -> tuple[str | None, str]:
    """``SCOPE/ENTRY`` -> (scope or None, entry); ``InputError`` when malformed."""
    scope, sep, entry = name.partition("/")
    if not sep or not scope or not _is_entry_id(entry):
        raise InputError(f"not a dead letter's name: {name!r} (expected SCOPE/ENTRY, e.g. T1/1-0)")
    if scope != SHARED:
        QueueKeys(scope)  # validates the workspace id (ValueError)
    return (None if scope == SHARED else scope), entry


def _entry_order(entry: str) -> tuple[int, int]:
    ms, _, seq = entry.partition("-")
    return int(ms), int(seq or 0)


def _is_entry_id(entry: str) -> bool:
    ms, sep, seq = entry.partition("-")
    return bool(sep) and ms.isdigit() and seq.isdigit()


def list_dead(client: RedisClient, scopes: Iterable[str | None], limit: int) -> list[DeadLetter]:
    """The newest ``limit`` dead letters of each scope's stream, newest first overall."""
    found: list[DeadLetter] = []
    for scope in scopes:
        rows = client.xrevrange(QueueKeys(scope).dead, "+", "-", count=limit) or []
        found.extend(_letter(scope, text(entry or ""), fields) for entry, fields in rows)
    # ties (same clock reading) fall back to the entry id, the Redis server's own clock
    found.sort(key=lambda d: (d.failed_at, _entry_order(d.entry)), reverse=True)
    return found


def retry(client: RedisClient, scope: str | None, entry: str) -> str | None:
    """Queue the dead job again as a new job and remove the dead letter, in one transaction.

    Returns the new job's id, or None when no such dead letter exists (already
    retried or dropped by someone else: the WATCH makes two retries queue once).
    """
    keys = QueueKeys(scope)
    with client.pipeline(transaction=True) as pipe:
        for _ in range(10):
            try:
                pipe.watch(keys.dead)
                rows = pipe.xrange(keys.dead, entry, entry)
                if not rows:
                    return None
                letter = _letter(scope, entry, rows[0][1])
                fields = {
                    "kind": letter.kind,
                    "team": letter.team,
                    "payload": json.dumps(letter.payload, sort_keys=True),
                }
                pipe.multi()
                pipe.xadd(keys.ingest, fields)  # type: ignore[arg-type]
                pipe.xdel(keys.dead, entry)
                job_id, _ = pipe.execute()
                return text(job_id)
            except redis.WatchError:
                continue
    raise RuntimeError(f"could not retry {scope or SHARED}/{entry}: too much contention")


def drop(client: RedisClient, scope: str | None, entry: str) -> bool:
    """Delete one dead letter; False when it was not there."""
    return bool(client.xdel(QueueKeys(scope).dead, entry))


def _letter(scope: str | None, entry: str, raw: Any) -> DeadLetter:
    fields = {text(k): text(v) for k, v in (raw or {}).items()}
    try:
        payload = {str(k): str(v) for k, v in json.loads(fields.get("payload") or "{}").items()}
    except (ValueError, AttributeError):
        payload = {}
    return DeadLetter(
        scope=scope,
        entry=entry,
        kind=fields.get("kind", ""),
        team=fields.get("team", ""),
        payload=payload,
        reason=fields.get("reason", ""),
        attempts=_int(fields.get("attempts")),
        failed_at=_float(fields.get("failed_at")),
    )


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


def _float(value: str | None) -> float:
    try:
        return float(value or 0)
    except ValueError:
        return 0.0
