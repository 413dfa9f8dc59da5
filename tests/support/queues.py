"""Job queues on a test Redis, each as one named consumer would hold it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.jobs.queue import JobQueue, RedisClient
from bot.slack.client import SlackClients
from bot.slack.jobs import SlackJobHandler

if TYPE_CHECKING:
    from bot.deps import Deps


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


def slack_job_handler(deps: Deps) -> SlackJobHandler:
    """The worker's handler for Slack link jobs, answering with the test's bot token."""
    return SlackJobHandler(deps, SlackClients(deps.settings, deps.metrics, deps.bot_token))


def enqueue_link(deps: Deps, url: str, ts: str, *, team: str = "T1") -> None:
    """Queue ``url`` as if posted in channel C1 at ``ts`` by U1."""
    payload = {"url": url, "channel": "C1", "ts": ts, "user": "U1"}
    assert deps.queue.enqueue("ingest_url", team, payload) is not None
