"""The ingest job queue: a Redis Stream read through a consumer group.

Life of a job::

    enqueue ──XADD──> stream ──XREADGROUP──> pending (owned by one consumer)
                                               │
          ack: XACK+XDEL <── handler returned ─┤
          fail: stays pending, retried by whoever reclaims it after ``claim_idle_ms``
          dead_letter: XADD to the dead stream + XACK+XDEL, in one transaction
          consumer gone: XAUTOCLAIM by another consumer after ``claim_idle_ms``

Delivery is at least once: a job is acknowledged only after its handler
returned, so a crash between the two runs the handler again. Handlers are
idempotent, which makes the effect exactly once.

``Job.attempts`` is Redis' own delivery counter for the entry. ``release``
gives a job back without counting the delivery, so a graceful shutdown does not
push jobs towards the dead-letter stream. Every key lives under the ``{q}`` hash
tag, so the transactions below stay legal on Redis Cluster.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import redis

from bot.store.client import RedisClient
from bot.store.keys import QueueKeys, TeamKeys

DEDUP_TTL_SECONDS = 24 * 3600
DEAD_MAXLEN = 10_000  # dead letters are for inspection; keep the newest ones
_RELEASED_IDLE_MS = 30 * 24 * 3600 * 1000  # "idle for ages": any consumer may take it now
_RECLAIM_PAGES = 10  # XAUTOCLAIM pages scanned per claim (each scans up to 10 entries)

# Re-stamp a job we still own: set its idle time and shift its delivery counter.
# Checking ownership and claiming in one script keeps a slow worker from taking a
# job back from the consumer that reclaimed it in the meantime.
_OWN_SCRIPT = """
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1, ARGV[2])
if #p == 0 then return 0 end
local count = tonumber(p[1][4]) + tonumber(ARGV[5])
if count < 0 then count = 0 end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3],
           'IDLE', ARGV[4], 'RETRYCOUNT', count, 'JUSTID')
return 1
"""


@dataclass
class Job:
    """One delivery of a queued job."""

    id: str  # stream entry id
    kind: str  # "ingest_url" (others later)
    team: str
    payload: dict[str, str]  # url, channel, ts, thread_ts, user, ... (strings only)
    attempts: int  # deliveries so far, this one included
    dedup: str | None = None  # name of the dedup marker, cleared when the job dies


class JobQueue:
    """Enqueue, claim, acknowledge, retry and dead-letter jobs of one consumer."""

    def __init__(
        self,
        redis: RedisClient,
        *,
        consumer: str,
        claim_idle_ms: int,
        max_attempts: int,
        scope: str | None = None,
    ) -> None:
        if claim_idle_ms < 1 or max_attempts < 1:
            raise ValueError("claim_idle_ms and max_attempts must be positive")
        self.keys = QueueKeys(scope)  # one workspace's stream, or the shared one
        self.redis = redis
        self.consumer = consumer
        self.claim_idle_ms = claim_idle_ms
        self.max_attempts = max_attempts
        self._own = redis.register_script(_OWN_SCRIPT)

    # ---- set-up and producing ---------------------------------------------------

    def ensure_group(self) -> None:
        """Create the stream and its consumer group if missing (idempotent)."""
        try:
            self.redis.xgroup_create(self.keys.ingest, self.keys.group, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def enqueue(
        self,
        kind: str,
        team: str,
        payload: Mapping[str, str],
        *,
        dedup_key: str | None = None,
    ) -> str | None:
        """Queue a job and return its id.

        With ``dedup_key``, return ``None`` instead when a job with the same key
        was queued in the last 24 hours. The marker and the entry are written in
        one transaction (WATCH/MULTI), so a crash never leaves one without the other.
        """
        TeamKeys(team)  # validates the team id
        marker = self.keys.dedup(dedup_key) if dedup_key is not None else None
        fields = _entry_fields(kind, team, payload, marker)
        if marker is None:
            return _text(self.redis.xadd(self.keys.ingest, fields))  # type: ignore[arg-type]
        return self._enqueue_once(marker, fields)

    def _enqueue_once(self, marker: str, fields: dict[str, str]) -> str | None:
        with self.redis.pipeline(transaction=True) as pipe:
            for _ in range(10):
                try:
                    pipe.watch(marker)
                    if pipe.exists(marker):
                        return None
                    pipe.multi()
                    pipe.set(marker, "1", ex=DEDUP_TTL_SECONDS)
                    pipe.xadd(self.keys.ingest, fields)  # type: ignore[arg-type]
                    _, job_id = pipe.execute()
                    return _text(job_id)
                except redis.WatchError:
                    continue  # another producer touched the marker: look again
        raise RuntimeError(f"could not enqueue under {marker}: too much contention")

    # ---- consuming --------------------------------------------------------------

    def claim(self, block_ms: int = 1000) -> Job | None:
        """The next job for this consumer, or ``None`` after ``block_ms``.

        Jobs of consumers that went silent for ``claim_idle_ms`` come first, so a
        crashed worker's job does not wait behind the backlog.
        """
        try:
            return self._reclaim() or self._read_new(block_ms)
        except redis.ResponseError as exc:
            if "NOGROUP" not in str(exc):
                raise
            # the stream vanished (flushed or restarted without persistence)
            self.ensure_group()
            return self._reclaim() or self._read_new(block_ms)

    def _reclaim(self) -> Job | None:
        start = "0-0"
        for _ in range(_RECLAIM_PAGES):
            reply = self.redis.xautoclaim(
                self.keys.ingest,
                self.keys.group,
                self.consumer,
                self.claim_idle_ms,
                start_id=start,
                count=1,
            )
            start = _text(reply[0])
            for entry_id, fields in reply[1]:
                if entry_id is None or fields is None:
                    continue  # entry deleted under us (Redis 6.2 reports it as nil)
                attempts = self._delivery_count(_text(entry_id))
                if attempts:
                    return _job(_text(entry_id), fields, attempts)
            if start == "0-0":
                return None
        return None

    def _delivery_count(self, entry_id: str) -> int:
        rows = self.redis.xpending_range(
            self.keys.ingest, self.keys.group, min=entry_id, max=entry_id, count=1
        )
        return int(rows[0]["times_delivered"]) if rows else 0

    def _read_new(self, block_ms: int) -> Job | None:
        reply = self.redis.xreadgroup(
            self.keys.group,
            self.consumer,
            {self.keys.ingest: ">"},
            count=1,
            block=block_ms if block_ms > 0 else None,  # BLOCK 0 would wait forever
        )
        for entry_id, fields in _stream_entries(reply):
            return _job(_text(entry_id), fields, 1)
        return None

    def ack(self, job: Job) -> None:
        """Mark a job done: acknowledge and delete it in one transaction."""
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.xack(self.keys.ingest, self.keys.group, job.id)
            pipe.xdel(self.keys.ingest, job.id)
            pipe.hdel(self.keys.failures, job.id)
            pipe.execute()

    def release(self, job: Job) -> bool:
        """Give a job back unfinished, claimable by any consumer at once.

        The delivery is not counted. Returns False when the job is no longer
        ours (another consumer reclaimed it, or it was acknowledged).
        """
        return self._restamp(job, idle_ms=_RELEASED_IDLE_MS, count_delta=-1)

    def touch(self, job: Job) -> bool:
        """Heartbeat of a long job: reset its idle time so nobody reclaims it.

        Returns False when the job is no longer ours.
        """
        return self._restamp(job, idle_ms=0, count_delta=0)

    def _restamp(self, job: Job, *, idle_ms: int, count_delta: int) -> bool:
        args: list[str | int] = [self.keys.group, self.consumer, job.id, idle_ms, count_delta]
        return bool(self._own(keys=[self.keys.ingest], args=args))

    def fail(self, job: Job, reason: str) -> bool:
        """Record a failed attempt; dead-letter the job if it has no attempts left.

        A job that may still be retried stays pending and is picked up again by
        any consumer ``claim_idle_ms`` after this call. Returns True when the job
        was dead-lettered.
        """
        if job.attempts >= self.max_attempts:
            self.dead_letter(job, reason)
            return True
        self.redis.hset(self.keys.failures, job.id, reason)
        self.touch(job)  # restart the idle clock: the retry waits claim_idle_ms from now
        return False

    def dead_letter(self, job: Job, reason: str) -> None:
        """Move a job to the dead-letter stream, whatever its attempts, and ack it.

        Its dedup marker is cleared, so the user may post the link again.
        """
        record = {
            "job_id": job.id,
            "kind": job.kind,
            "team": job.team,
            "payload": json.dumps(job.payload, sort_keys=True),
            "reason": reason,
            "attempts": str(job.attempts),
            "consumer": self.consumer,
            "failed_at": f"{time.time():.6f}",  # microseconds: two failures rarely tie
        }
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.xadd(self.keys.dead, record, maxlen=DEAD_MAXLEN, approximate=True)  # type: ignore[arg-type]
            pipe.xack(self.keys.ingest, self.keys.group, job.id)
            pipe.xdel(self.keys.ingest, job.id)
            pipe.hdel(self.keys.failures, job.id)
            if job.dedup:
                pipe.delete(job.dedup)
            pipe.execute()

    # ---- inspection -------------------------------------------------------------

    def depth(self) -> int:
        """Jobs not finished yet: waiting ones plus those being worked on."""
        return int(self.redis.xlen(self.keys.ingest))

    def pending(self) -> int:
        """Jobs delivered to a consumer and not acknowledged yet."""
        try:
            summary = self.redis.xpending(self.keys.ingest, self.keys.group)
        except redis.ResponseError as exc:
            if "NOGROUP" in str(exc):
                return 0
            raise
        return int(summary["pending"])

    def oldest_age_seconds(self) -> float | None:
        """Age of the oldest unfinished job, by the Redis server's clock."""
        first = self.redis.xrange(self.keys.ingest, "-", "+", count=1)
        if not first:
            return None
        millis = int(_text(first[0][0]).split("-", 1)[0])
        seconds, micros = self.redis.time()
        return max(0.0, seconds + micros / 1e6 - millis / 1000)

    def dead_count(self) -> int:
        """Jobs in the dead-letter stream."""
        return int(self.redis.xlen(self.keys.dead))

    def last_failure(self, job_id: str) -> str | None:
        """Reason of the last failed attempt of a job still in the queue."""
        value = self.redis.hget(self.keys.failures, job_id)
        return None if value is None else _text(value)

    def dead_letters(self, count: int = 50) -> list[dict[str, str]]:
        """The newest dead letters, newest first, each with its entry ``id``."""
        rows = self.redis.xrevrange(self.keys.dead, "+", "-", count=count)
        return [{"id": _text(entry_id), **_decode(fields or {})} for entry_id, fields in rows or []]

    def prune_consumers(self, min_idle_ms: int = 24 * 3600 * 1000) -> int:
        """Forget consumers idle that long with nothing pending; returns how many.

        Each worker process registers a consumer name; without this the group's
        consumer list grows with every restart.
        """
        removed = 0
        for info in self.redis.xinfo_consumers(self.keys.ingest, self.keys.group):
            name = _text(info["name"])
            if name != self.consumer and not info["pending"] and info["idle"] >= min_idle_ms:
                self.redis.xgroup_delconsumer(self.keys.ingest, self.keys.group, name)
                removed += 1
        return removed


# ---- encoding ---------------------------------------------------------------------


def _entry_fields(
    kind: str, team: str, payload: Mapping[str, str], marker: str | None
) -> dict[str, str]:
    if not kind:
        raise ValueError("a job needs a kind")
    bad = [key for key, value in payload.items() if not isinstance(value, str)]
    if bad:
        raise TypeError(f"job payload values must be strings: {sorted(bad)}")
    fields = {"kind": kind, "team": team, "payload": json.dumps(dict(payload), sort_keys=True)}
    if marker:
        fields["dedup"] = marker
    return fields


def _job(entry_id: str, raw: Mapping[Any, Any], attempts: int) -> Job:
    fields = _decode(raw)
    payload = json.loads(fields.get("payload", "{}"))
    return Job(
        id=entry_id,
        kind=fields.get("kind", ""),
        team=fields.get("team", ""),
        payload={str(k): str(v) for k, v in payload.items()},
        attempts=attempts,
        dedup=fields.get("dedup") or None,
    )


def _stream_entries(reply: Any) -> list[tuple[Any, Any]]:
    """Entries of the one stream we read, from a RESP2 list or a RESP3 map."""
    if not reply:
        return []
    entries = next(iter(reply.values())) if isinstance(reply, dict) else reply[0][1]
    if entries and isinstance(entries[0], list):
        entries = entries[0]  # the RESP3 parser wraps the entries in one more list
    return list(entries or [])


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _decode(fields: Mapping[Any, Any]) -> dict[str, str]:
    return {_text(key): _text(value) for key, value in fields.items()}
