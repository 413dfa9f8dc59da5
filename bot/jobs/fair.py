"""Workers of a multi-workspace deployment: one worker takes turns over every
installed workspace's job stream, so a busy newsroom cannot starve a quiet one.

``FairQueue`` has the surface ``Worker`` uses of a ``JobQueue``. Each claim
starts at the next workspace in turn and looks at each stream without blocking
(Redis Cluster cannot block on streams of different slots in one call); when
none has a job, it waits a short while before the next round. A job goes back
(ack, release, fail, dead letter, heartbeat) to the stream it came from, which
is its team's: jobs are queued on the stream of the team they belong to.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from bot.jobs.queue import Job, JobQueue

IDLE_POLL_MS = 200  # pause after a round that found nothing (bounded by the claim's block)


class FairQueue:
    """Round-robin over the job streams of ``scopes()``, as one consumer ``consumer``."""

    def __init__(
        self,
        scopes: Callable[[], list[str]],
        queue_of: Callable[[str], JobQueue],
        *,
        claim_idle_ms: int,
        max_attempts: int,
    ) -> None:
        self._scopes = scopes
        self._queue_of = queue_of
        self._queues: dict[str, JobQueue] = {}
        self._turn = 0
        self._idle = threading.Event()  # never set: an interruptible pause
        self.claim_idle_ms = claim_idle_ms
        self.max_attempts = max_attempts

    def _queue(self, scope: str) -> JobQueue:
        queue = self._queues.get(scope)
        if queue is None:
            queue = self._queues[scope] = self._queue_of(scope)
            queue.ensure_group()
        return queue

    # ---- what Worker calls ------------------------------------------------------

    def ensure_group(self) -> None:
        for scope in self._scopes():
            self._queue(scope)

    def prune_consumers(self, min_idle_ms: int = 24 * 3600 * 1000) -> int:
        return sum(self._queue(s).prune_consumers(min_idle_ms) for s in self._scopes())

    def claim(self, block_ms: int = 1000) -> Job | None:
        """The next job, taking the workspaces in turn; None after a round with none."""
        scopes = self._scopes()
        for offset in range(len(scopes)):
            scope = scopes[(self._turn + offset) % len(scopes)]
            job = self._queue(scope).claim(0)
            if job is not None:
                # the next claim starts after this workspace: one job each in turn
                self._turn = (self._turn + offset + 1) % len(scopes)
                return job
        self._idle.wait(min(block_ms, IDLE_POLL_MS) / 1000)
        return None

    def ack(self, job: Job) -> None:
        self._queue(job.team).ack(job)

    def release(self, job: Job) -> bool:
        return self._queue(job.team).release(job)

    def touch(self, job: Job) -> bool:
        return self._queue(job.team).touch(job)

    def fail(self, job: Job, reason: str) -> bool:
        return self._queue(job.team).fail(job, reason)

    def dead_letter(self, job: Job, reason: str) -> None:
        self._queue(job.team).dead_letter(job, reason)
