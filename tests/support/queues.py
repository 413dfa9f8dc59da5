"""Job queues on a test Redis, each as one named consumer would hold it."""

from __future__ import annotations

from bot.jobs.queue import JobQueue, RedisClient


def make_queue(
    client: RedisClient, consumer: str = "c1", *, idle_ms: int = 60_000, attempts: int = 3
) -> JobQueue:
    """A ``JobQueue`` for ``consumer`` whose consumer group exists, as a worker's does.

    ``idle_ms`` is how long a job may sit with a silent consumer before another
    reclaims it; ``attempts`` is how many deliveries it gets before it is dead.
    """
    queue = JobQueue(client, consumer=consumer, claim_idle_ms=idle_ms, max_attempts=attempts)
    queue.ensure_group()
    return queue
