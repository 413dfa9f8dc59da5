"""Workers: claim a job, run its handler, and settle the job in Redis.

Settling rules (see ``bot.jobs.queue`` for the states)::

    handler returned                  -> ack
    non-retryable IngestError         -> dead-letter, then on_dead
    retryable IngestError, any other  -> fail (retried later), or dead-letter + on_dead
      exception                          on the last attempt
    JobInterrupted (shutdown)         -> release (not counted as an attempt)
    Redis unreachable, topic busy,    -> back off and retry; the job stays pending
      another delivery replying
    Redis out of memory (StoreFull)   -> release uncounted, log ERROR, and stop claiming
                                         for ``full_pause`` seconds: back-pressure, so
                                         nobody is told their link failed

The dead letter is written before its user is told (``on_dead``): a crash or an
outage between the two can lose a notice but never send it twice. Before it,
``abandon`` undoes what the job left half-done (an article stored but not filed
in all its topics, by a process killed between the two): a job given up on
ends whole or cleanly undone, never half-stored.

A job is never acknowledged before its handler returned. When Redis goes away
in the middle, the worker remembers what it still owes Redis for the job (ack,
release, fail or dead-letter) and settles it as soon as Redis answers again,
so a finished job is not run twice and an interrupted one is not counted.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal, Protocol

from bot.errors import (
    AnswerInFlight,
    BriefbotError,
    IngestError,
    StoreFull,
    StoreUnavailable,
    TopicBusy,
)
from bot.jobs.queue import Job
from bot.store.client import FULL_ERRORS, UNAVAILABLE_ERRORS

logger = logging.getLogger(__name__)

#: errors that mean "Redis cannot be reached right now", not "this job is bad"
REDIS_ERRORS: tuple[type[Exception], ...] = (*UNAVAILABLE_ERRORS, *FULL_ERRORS, StoreUnavailable)
#: errors after which the job is given back uncounted and retried after a pause
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (*REDIS_ERRORS, TopicBusy, AnswerInFlight)
INTERNAL_REASON = "an internal error"
LOST_REASON = "it was interrupted too many times"

Action = Literal["ack", "release", "fail", "dead"]


class JobInterrupted(BriefbotError):
    """Raised by a handler that stopped early for a shutdown: the job is given back."""


class JobHandler(Protocol):
    """Runs one job; raises ``IngestError`` (retryable or not) or anything else on failure.

    Must be idempotent: a job may be delivered again after a crash.
    """

    def __call__(self, job: Job, /) -> None: ...


class DeadLetterHandler(Protocol):
    """Called once a job is given up on, e.g. to tell its user in Slack."""

    def __call__(self, job: Job, reason: str, /) -> None: ...


class AbandonHandler(Protocol):
    """Called before a job is dead-lettered: undo what it left half-done.

    Must be idempotent and must not redo the job's work (what killed the job
    may kill this too); it may raise Redis errors, and runs again on the next try.
    """

    def __call__(self, job: Job, /) -> None: ...


class WorkQueue(Protocol):
    """What a worker uses of its queue: a ``JobQueue``, or a ``FairQueue`` over many."""

    claim_idle_ms: int
    max_attempts: int

    def ensure_group(self) -> None: ...
    def prune_consumers(self, min_idle_ms: int = ...) -> int: ...
    def claim(self, block_ms: int = ...) -> Job | None: ...
    def ack(self, job: Job) -> None: ...
    def release(self, job: Job) -> bool: ...
    def touch(self, job: Job) -> bool: ...
    def fail(self, job: Job, reason: str) -> bool: ...
    def dead_letter(self, job: Job, reason: str) -> None: ...


#: called after each job with (job, outcome, seconds), e.g. to feed metrics
Observer = Callable[[Job, str, float], None]


@dataclass
class WorkerStats:
    """Counters of one worker: jobs by outcome, then the loop's own troubles."""

    done: int = 0
    retried: int = 0
    dead: int = 0
    released: int = 0
    interrupted: int = 0  # given back uncounted: Redis unavailable or the topic busy
    store_full: int = 0  # given back uncounted: Redis out of memory
    redis_errors: int = 0  # pauses because Redis was unavailable
    full_pauses: int = 0  # pauses because Redis was out of memory
    errors: int = 0  # pauses after an unexpected error


@dataclass
class _Owed:
    """What the worker still has to tell Redis about a job."""

    job: Job
    action: Action
    reason: str = ""


def backoff_delay(failures: int, base: float, cap: float) -> float:
    """Seconds to wait after ``failures`` failures in a row: exponential, jittered.

    Half the delay is fixed and half random ("equal jitter"), so workers that
    lost Redis together do not all come back in the same instant, and none
    retries in a tight loop.
    """
    ceiling = min(cap, base * 2.0 ** max(0, failures - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


class Worker:
    """Runs jobs from one ``JobQueue`` (one consumer) until told to stop."""

    def __init__(
        self,
        queue: WorkQueue,
        handle: JobHandler,
        on_dead: DeadLetterHandler,
        *,
        name: str,
        block_ms: int = 1000,
        backoff_base: float = 0.2,
        backoff_cap: float = 30.0,
        full_pause: float = 5.0,
        observe: Observer | None = None,
        abandon: AbandonHandler | None = None,
    ) -> None:
        self.queue = queue
        self.handle = handle
        self.on_dead = on_dead
        self.abandon = abandon
        self.name = name
        self.block_ms = block_ms
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.full_pause = full_pause
        self.observe = observe
        self.stats = WorkerStats()
        self._owed: _Owed | None = None

    def run(self, stop: threading.Event) -> None:
        """Process jobs until ``stop`` is set; never raises.

        On stop, the job in hand is finished (or released by a handler raising
        ``JobInterrupted``); a job claimed after the stop is released untouched.
        """
        logger.info("worker %s started", self.name)
        ready = False
        failures = 0
        while not stop.is_set():
            try:
                if not ready:
                    self._prepare()
                    ready = True
                self._step(stop)
                failures = 0
            except Exception as exc:
                failures += 1
                delay = backoff_delay(failures, self.backoff_base, self.backoff_cap)
                if _is_full(exc):
                    # claiming more would only fail again: let memory free first
                    delay = max(delay, self.full_pause)
                self._log_trouble(exc, delay)
                stop.wait(delay)
        self._shutdown()

    def run_one(self) -> bool:
        """Claim and process at most one job; True if there was one. Raises Redis errors."""
        return self._step(None)

    # ---- one iteration ----------------------------------------------------------

    def _prepare(self) -> None:
        self.queue.ensure_group()
        removed = self.queue.prune_consumers()
        if removed:
            logger.info("worker %s: forgot %d idle consumers", self.name, removed)

    def _step(self, stop: threading.Event | None) -> bool:
        self._settle()
        job = self.queue.claim(self.block_ms)
        if job is None:
            return False
        if stop is not None and stop.is_set():
            started = time.monotonic()
            self._settle_now(job, "release")
            self._finish(job, "released", started)
            return True
        self._process(job)
        return True

    def _process(self, job: Job) -> None:
        started = time.monotonic()
        try:
            if job.attempts > self.queue.max_attempts:
                # earlier deliveries never reported back: the job kills or hangs workers
                outcome = self._give_up(job, LOST_REASON)
            else:
                outcome = self._execute(job)
        except TRANSIENT_ERRORS as exc:
            self._finish(job, "store_full" if _is_full(exc) else "interrupted", started)
            raise
        self._finish(job, outcome, started)

    def _execute(self, job: Job) -> str:
        try:
            with self._heartbeat(job):
                self.handle(job)
        except JobInterrupted:
            self._settle_now(job, "release")
            return "released"
        except TRANSIENT_ERRORS:
            # not the job's fault: give it back uncounted once Redis is back (or the topic free)
            self._owed = _Owed(job, "release")
            raise
        except IngestError as exc:
            return self._failed(job, exc.reason, final=not exc.retryable)
        except Exception:
            logger.exception("job %s: handler raised", job.id, extra=_fields(job))
            return self._failed(job, INTERNAL_REASON, final=False)
        self._settle_now(job, "ack")
        return "done"

    def _failed(self, job: Job, reason: str, *, final: bool) -> str:
        if final or job.attempts >= self.queue.max_attempts:
            return self._give_up(job, reason)
        self._settle_now(job, "fail", reason)
        return "retry"

    def _give_up(self, job: Job, reason: str) -> str:
        self._abandon(job)
        # the notice follows the dead letter (in ``_settle``), even a deferred one
        self._settle_now(job, "dead", reason)
        return "dead"

    def _abandon(self, job: Job) -> None:
        if self.abandon is None:
            return
        try:
            self.abandon(job)
        except TRANSIENT_ERRORS:
            # the store's trouble: give the job back uncounted and give up on it later
            self._owed = _Owed(job, "release")
            raise
        except Exception:
            # a bug here must not keep the job alive for ever: it is dead-lettered anyway
            logger.exception("job %s: undoing its work failed", job.id, extra=_fields(job))

    def _notify_dead(self, job: Job, reason: str) -> None:
        try:
            self.on_dead(job, reason)
        except Exception:
            logger.exception("job %s: dead-letter notice failed", job.id, extra=_fields(job))

    # ---- settling with Redis ----------------------------------------------------

    def _settle_now(self, job: Job, action: Action, reason: str = "") -> None:
        self._owed = _Owed(job, action, reason)
        self._settle()

    def _settle(self) -> None:
        owed = self._owed
        if owed is None:
            return
        if owed.action == "ack":
            self.queue.ack(owed.job)
        elif owed.action == "release":
            self.queue.release(owed.job)
        elif owed.action == "fail":
            self.queue.fail(owed.job, owed.reason)
        else:
            self.queue.dead_letter(owed.job, owed.reason)
            self._owed = None
            self._notify_dead(owed.job, owed.reason)
        self._owed = None

    def _shutdown(self) -> None:
        try:
            self._settle()
        except Exception as exc:
            owed = self._owed
            logger.warning(
                "worker %s: could not settle job %s on exit (%s); it stays pending",
                self.name,
                owed.job.id if owed else "-",
                type(exc).__name__,
            )
        logger.info("worker %s stopped", self.name)

    @contextmanager
    def _heartbeat(self, job: Job) -> Iterator[None]:
        """Keep a long job ours: touch it well within ``claim_idle_ms``."""
        done = threading.Event()
        beat = threading.Thread(
            target=self._beat, args=(job, done), name=f"{self.name}-heartbeat", daemon=True
        )
        beat.start()
        try:
            yield
        finally:
            done.set()
            beat.join()

    def _beat(self, job: Job, done: threading.Event) -> None:
        interval = self.queue.claim_idle_ms / 4000
        while not done.wait(interval):
            try:
                if not self.queue.touch(job):
                    logger.warning("job %s: reclaimed by another worker", job.id)
                    return
            except Exception as exc:  # a missed beat only risks a duplicate run
                logger.debug("job %s: heartbeat failed (%s)", job.id, type(exc).__name__)

    # ---- reporting --------------------------------------------------------------

    def _finish(self, job: Job, outcome: str, started: float) -> None:
        seconds = time.monotonic() - started
        counter = {"retry": "retried"}.get(outcome, outcome)  # the others are their names
        if hasattr(self.stats, counter):
            setattr(self.stats, counter, getattr(self.stats, counter) + 1)
        logger.info(
            "job %s team=%s kind=%s outcome=%s attempts=%d seconds=%.3f",
            job.id,
            job.team,
            job.kind,
            outcome,
            job.attempts,
            seconds,
            extra={**_fields(job), "outcome": outcome, "worker": self.name},
        )
        if self.observe is not None:
            try:
                self.observe(job, outcome, seconds)
            except Exception:
                logger.exception("worker %s: observer failed", self.name)

    def _log_trouble(self, exc: Exception, delay: float) -> None:
        if isinstance(exc, TopicBusy):
            logger.warning("worker %s: %s; retrying in %.1f s", self.name, exc, delay)
        elif _is_full(exc):
            self.stats.full_pauses += 1
            logger.error(
                "worker %s: Redis is out of memory (maxmemory reached); jobs stay queued "
                "and claiming pauses %.1f s. Raise maxmemory or free memory: %s",
                self.name,
                delay,
                exc,
            )
        elif isinstance(exc, REDIS_ERRORS):
            self.stats.redis_errors += 1
            logger.warning(
                "worker %s: Redis unavailable (%s: %s); retrying in %.1f s",
                self.name,
                type(exc).__name__,
                exc,
                delay,
            )
        else:
            self.stats.errors += 1
            logger.exception("worker %s: unexpected error; retrying in %.1f s", self.name, delay)


def _is_full(exc: BaseException) -> bool:
    return isinstance(exc, (StoreFull, *FULL_ERRORS))


def _fields(job: Job) -> dict[str, object]:
    return {"job_id": job.id, "team": job.team, "kind": job.kind, "attempts": job.attempts}


def consumer_prefix() -> str:
    """A consumer name prefix unique to this process: ``host-pid``."""
    return f"{socket.gethostname()}-{os.getpid()}"


def run_workers(
    queue_factory: Callable[[str], WorkQueue],
    handle: JobHandler,
    on_dead: DeadLetterHandler,
    *,
    concurrency: int,
    stop: threading.Event,
    prefix: str | None = None,
    observe: Observer | None = None,
    abandon: AbandonHandler | None = None,
) -> list[threading.Thread]:
    """Start ``concurrency`` worker threads, each with its own consumer; return them.

    ``queue_factory(name)`` builds the ``JobQueue`` of the consumer ``name``. The
    threads are not daemons: set ``stop`` and join them to drain on shutdown.
    """
    base = prefix or consumer_prefix()
    threads = []
    for index in range(max(1, concurrency)):
        name = f"{base}-{index}"
        worker = Worker(
            queue_factory(name), handle, on_dead, name=name, observe=observe, abandon=abandon
        )
        thread = threading.Thread(target=worker.run, args=(stop,), name=f"worker-{name}")
        thread.start()
        threads.append(thread)
    return threads
