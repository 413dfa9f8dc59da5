"""``tests/bot/test_queue.py`` again, against the 3-master cluster."""

from __future__ import annotations

import threading
from typing import Any

from redis.cluster import RedisCluster

from bot.jobs.queue import JobQueue
from bot.store.connect import client_for
from bot.store.keys import QueueKeys
from tests.bot.jobs import test_queue as base
from tests.cluster.reuse import redis_tests
from tests.support.queues import make_queue

REUSED = redis_tests(
    base,
    uses={"redis_client"},
    exclude={
        # both build plain redis.Redis clients from a redis:// URL themselves
        "test_no_job_lost_when_queue_objects_are_rebuilt": "standalone client by URL",
        "test_works_with_resp3_and_decoded_responses": "standalone client by URL",
        # its 25 touches must all land within claim_idle (200 ms) of each other; on a
        # loaded machine the cluster client's slower round trips overran that once
        "test_reclaim_looks_past_fresh_pending_jobs": "timing-sensitive under load",
    },
)
globals().update(REUSED)


def test_the_queue_tests_were_picked_up() -> None:
    for name in ("enqueue_claim_ack_round_trip", "dedup_key_refuses_a_second_job_for_a_day"):
        assert f"test_{name}" in REUSED
    assert "test_dead_letter_clears_the_dedup_marker" in REUSED
    assert "test_job_of_a_vanished_consumer_is_reclaimed" in REUSED
    assert len(REUSED) >= 12


def test_racing_producers_enqueue_a_link_once(redis_backend: Any, backend_url: str) -> None:
    """WATCH/MULTI on the dedup marker holds with one client per producer, at once.

    On the cluster this is redis-py's transactional ``ClusterPipeline``: WATCH and
    the EXISTS check go to the marker's node on one connection, then MULTI/EXEC.
    """
    clients = [client_for(backend_url) for _ in range(4)]
    start = threading.Barrier(len(clients))
    ids: list[str | None] = []
    errors: list[BaseException] = []

    def produce(client: Any) -> None:
        queue = JobQueue(client, consumer="p", claim_idle_ms=60_000, max_attempts=3)
        try:
            start.wait(timeout=10)
            ids.append(queue.enqueue("ingest_url", "T1", {"url": base.URL}, dedup_key=base.URL))
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=produce, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for client in clients:
        client.close()
    assert errors == []
    assert len(ids) == 4 and len([i for i in ids if i is not None]) == 1
    assert redis_backend.xlen(QueueKeys.ingest) == 1


def test_the_fixtures_here_talk_to_the_cluster(redis_client: Any) -> None:
    assert isinstance(redis_client, RedisCluster)


def test_reclaim_pages_past_fresh_jobs_without_timing(redis_backend: Any) -> None:
    """The XAUTOCLAIM paging of ``test_reclaim_looks_past_fresh_pending_jobs``, untimed.

    The stale job is made idle for ages with ``release`` instead of by sleeping,
    so the 25 fresh jobs stay far inside a 60 s ``claim_idle`` however slow the
    machine is.
    """
    busy = make_queue(redis_backend, "busy", idle_ms=60_000)
    for n in range(25):
        busy.enqueue("ingest_url", "T1", {"url": f"{base.URL}/{n}"})
    crashed = make_queue(redis_backend, "crashed", idle_ms=60_000)
    stale_id = crashed.enqueue("ingest_url", "T1", {"url": base.URL})
    assert all(busy.claim(block_ms=10) for _ in range(25))
    stale = crashed.claim(block_ms=10)
    assert stale is not None and stale.id == stale_id
    assert crashed.release(stale)  # behind 25 fresh pending jobs in the stream
    rescuer = make_queue(redis_backend, "rescuer", idle_ms=60_000)
    job = rescuer.claim(block_ms=0)
    assert job is not None and (job.id, job.attempts) == (stale_id, 1)
    assert base.owner(redis_backend, stale_id) == "rescuer"
