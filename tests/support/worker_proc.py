"""One briefbot worker in its own process, for the SIGKILL and SIGTERM tests.

Usage: ``python tests/support/worker_proc.py REDIS_URL CONSUMER CLAIM_IDLE_MS``

Its handler marks the job started, then waits until the test writes the job's
"go" key, then records one completion. A test can therefore kill the process
while the handler is certainly in the middle of a job, or send SIGTERM and check
that the job in hand is finished before the process exits.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script from anywhere

from bot.jobs.queue import Job, JobQueue
from bot.jobs.worker import Worker

STARTED = "test:started:{}"  # job id -> "pid:attempts" of the last run that began
GO = "test:go:{}"  # set by the test: the handler may finish
DONE = "test:done:{}"  # job id -> number of completed runs
RUNS = "test:runs"  # list of "job id:attempts:pid", one per completed run


def make_handler(
    client: redis.Redis, *, wait_for_go: bool, limit: float = 60.0
) -> Callable[[Job], None]:
    """The handler both the child process and the tests' own workers run."""

    def handle(job: Job) -> None:
        client.set(STARTED.format(job.id), f"{os.getpid()}:{job.attempts}")
        deadline = time.monotonic() + limit
        while wait_for_go and not client.exists(GO.format(job.id)):
            if time.monotonic() > deadline:
                raise RuntimeError("the test never let this job finish")
            time.sleep(0.02)
        client.incr(DONE.format(job.id))
        client.rpush(RUNS, f"{job.id}:{job.attempts}:{os.getpid()}")

    return handle


def main(argv: list[str]) -> int:
    url, consumer, idle_ms = argv[1], argv[2], int(argv[3])
    client = redis.Redis.from_url(url)
    queue = JobQueue(client, consumer=consumer, claim_idle_ms=idle_ms, max_attempts=3)
    stop = threading.Event()

    def on_term(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_term)
    worker = Worker(
        queue,
        make_handler(client, wait_for_go=True),
        lambda job, reason: None,
        name=consumer,
        block_ms=100,
    )
    worker.run(stop)
    client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
