"""FairQueue on a real Redis: workspaces take turns, and each job settles on its
own workspace's stream."""

from __future__ import annotations

import redis

from bot.jobs.fair import FairQueue
from bot.jobs.queue import JobQueue


def queue_of(client: redis.Redis, consumer: str = "w1"):
    def make(scope: str) -> JobQueue:
        return JobQueue(
            client, consumer=consumer, claim_idle_ms=60_000, max_attempts=3, scope=scope
        )

    return make


def test_a_busy_workspace_does_not_starve_a_quiet_one(redis_client: redis.Redis) -> None:
    make = queue_of(redis_client)
    for n in range(5):
        make("TBUSY").enqueue("ingest_url", "TBUSY", {"url": f"https://a.example/{n}"})
    make("TQUIET").enqueue("ingest_url", "TQUIET", {"url": "https://b.example/1"})
    fair = FairQueue(lambda: ["TBUSY", "TQUIET"], make, claim_idle_ms=60_000, max_attempts=3)
    fair.ensure_group()
    order = []
    for _ in range(3):
        job = fair.claim(block_ms=10)
        assert job is not None
        order.append(job.team)
        fair.ack(job)
    assert order == ["TBUSY", "TQUIET", "TBUSY"]
    assert make("TQUIET").depth() == 0 and make("TBUSY").depth() == 3


def test_jobs_settle_on_their_own_stream(redis_client: redis.Redis) -> None:
    make = queue_of(redis_client)
    make("TB").enqueue("ingest_url", "TB", {"url": "https://b.example/1"})
    fair = FairQueue(lambda: ["TA", "TB"], make, claim_idle_ms=60_000, max_attempts=3)
    fair.ensure_group()
    job = fair.claim(block_ms=10)
    assert job is not None and job.team == "TB"
    fair.dead_letter(job, "not an article")
    assert make("TB").dead_count() == 1 and make("TA").dead_count() == 0
    assert fair.claim(block_ms=10) is None
