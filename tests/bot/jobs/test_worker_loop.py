"""The worker's loop against a real Redis: how it backs off, pauses when Redis is
full, gives back a job claimed after the stop, and reports each job.

The loop pauses by waiting on its stop event, so the tests hand it a ``Pauses``
event: every pause it asks for is recorded and returns at once. Time plays no
part: what is checked is the length of each pause the worker chose.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import pytest
import redis

from bot.errors import NotAnArticle, StoreFull, StoreUnavailable
from bot.jobs.queue import Job
from bot.jobs.worker import Worker, backoff_delay, run_workers
from bot.store.keys import QueueKeys
from tests.support.queues import make_queue
from tests.support.waiting import wait_until

URL = "https://news.example.org/2026/01/story"
BASE = 0.2  # backoff_base of the workers here


class Pauses(threading.Event):
    """A worker's stop event that records the pauses asked of it instead of waiting."""

    def __init__(self, stop_after: int | None = None) -> None:
        super().__init__()
        self.asked: list[float] = []
        self.stop_after = stop_after

    def wait(self, timeout: float | None = None) -> bool:
        assert timeout is not None, "the worker paused with no end: stop would be its only way out"
        self.asked.append(timeout)
        if self.stop_after is not None and len(self.asked) >= self.stop_after:
            self.set()
        return self.is_set()


class Script:
    """A job handler that plays one step per delivery: raise the given error, or finish."""

    def __init__(self, steps: list[BaseException | None], done: Callable[[], None]) -> None:
        self.steps = steps
        self.done = done
        self.calls: list[tuple[str, int]] = []

    def __call__(self, job: Job) -> None:
        self.calls.append((job.id, job.attempts))
        step = self.steps[len(self.calls) - 1]
        if step is not None:
            raise step
        if len(self.calls) == len(self.steps):
            self.done()


def worker_for(
    client: redis.Redis, handle: Callable[[Job], None], outcomes: list[str], **kw: float
) -> Worker:
    return Worker(
        make_queue(client, "w1"),
        handle,
        lambda job, reason: None,
        name="w1",
        block_ms=50,
        backoff_base=BASE,
        observe=lambda job, outcome, seconds: outcomes.append(outcome),
        **kw,  # type: ignore[arg-type]
    )


def between(low: float, delay: float, high: float) -> bool:
    return low <= delay <= high


# ---- pauses ----------------------------------------------------------------------------


def test_pauses_double_with_each_failure_in_a_row_and_start_over_after_a_success(
    redis_client: redis.Redis,
) -> None:
    stop = Pauses()
    outage = StoreUnavailable("Redis unavailable: connection refused")
    handle = Script([outage, outage, None, outage, None], done=stop.set)
    outcomes: list[str] = []
    worker = worker_for(redis_client, handle, outcomes)
    first = make_queue(redis_client, "producer").enqueue("ingest_url", "T1", {"url": URL})
    second = make_queue(redis_client, "producer").enqueue("ingest_url", "T1", {"url": URL + "/2"})
    worker.run(stop)
    one, two, three = stop.asked
    assert between(BASE / 2, one, BASE)  # first failure: up to the base
    assert between(BASE, two, 2 * BASE)  # second in a row: twice that
    assert between(BASE / 2, three, BASE)  # after a success, from the start again
    # each delivery given back uncounted: the retries are not attempts
    assert handle.calls == [(first, 1), (first, 1), (first, 1), (second, 1), (second, 1)]
    assert outcomes == ["interrupted", "interrupted", "done", "interrupted", "done"]
    assert worker.stats.redis_errors == 3 and worker.stats.done == 2


def test_a_full_redis_pauses_claiming_for_the_full_pause(redis_client: redis.Redis) -> None:
    stop = Pauses()
    full = StoreFull("Redis is out of memory")
    handle = Script([full, full, None], done=stop.set)
    outcomes: list[str] = []
    worker = worker_for(redis_client, handle, outcomes, full_pause=7.0)
    job_id = make_queue(redis_client, "producer").enqueue("ingest_url", "T1", {"url": URL})
    worker.run(stop)
    assert stop.asked == [7.0, 7.0]  # not the 0.1-0.4 s of a first and second failure
    assert handle.calls == [(job_id, 1)] * 3  # given back uncounted, then done
    assert outcomes == ["store_full", "store_full", "done"]
    stats = worker.stats
    assert (stats.store_full, stats.full_pauses, stats.redis_errors) == (2, 2, 0)


def test_an_unexpected_error_backs_off_and_is_counted(redis_client: redis.Redis) -> None:
    stop = Pauses(stop_after=3)
    worker = worker_for(redis_client, Script([], done=stop.set), [])
    redis_client.delete(QueueKeys.ingest)
    redis_client.set(QueueKeys.ingest, "not a stream")  # every call now fails (WRONGTYPE)
    worker.run(stop)
    assert len(stop.asked) == 3 and between(2 * BASE, stop.asked[2], 4 * BASE)
    assert (worker.stats.errors, worker.stats.redis_errors) == (3, 0)


def test_jitter_spreads_over_the_upper_half_of_each_pause() -> None:
    delays = [backoff_delay(3, BASE, 30.0) for _ in range(400)]  # ceiling 0.8 s
    assert all(0.4 <= d <= 0.8 for d in delays)
    assert min(delays) < 0.45 and max(delays) > 0.75  # the whole half is used


# ---- stopping ----------------------------------------------------------------------------


def blocked_reader(client: redis.Redis) -> bool:
    """Whether a client of this test's database waits in XREADGROUP ... BLOCK."""
    db = str(client.connection_pool.connection_kwargs.get("db", 0))
    return any(
        c.get("cmd") == "xreadgroup" and "b" in c.get("flags", "") and c.get("db") == db
        for c in client.client_list()
    )


def test_a_job_that_arrives_after_the_stop_is_given_back_untouched(
    redis_client: redis.Redis,
) -> None:
    stop = threading.Event()
    calls: list[Job] = []
    outcomes: list[str] = []
    worker = Worker(
        make_queue(redis_client, "w1"),
        calls.append,
        lambda job, reason: None,
        name="w1",
        block_ms=30_000,
        observe=lambda job, outcome, seconds: outcomes.append(outcome),
    )
    thread = threading.Thread(target=worker.run, args=(stop,))
    thread.start()
    try:
        wait_until("the worker to wait for a job", lambda: blocked_reader(redis_client))
        stop.set()
        job_id = make_queue(redis_client, "producer").enqueue("ingest_url", "T1", {"url": URL})
    finally:
        stop.set()
        thread.join(40)
    assert not thread.is_alive()
    assert calls == [] and outcomes == ["released"] and worker.stats.released == 1
    again = make_queue(redis_client, "w2").claim(block_ms=10)
    assert again is not None and (again.id, again.attempts) == (job_id, 1)  # at once, uncounted


# ---- reporting ----------------------------------------------------------------------------


def test_each_job_is_reported_with_its_fields_and_its_own_duration(
    redis_client: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[tuple[Job, str, float]] = []
    queue = make_queue(redis_client, "w1")
    worker = Worker(
        queue,
        lambda job: None,
        lambda job, reason: None,
        name="w1",
        block_ms=50,
        observe=lambda job, outcome, seconds: seen.append((job, outcome, seconds)),
    )
    job_id = queue.enqueue("unfurl", "T7", {"url": URL})
    before = time.monotonic()
    with caplog.at_level(logging.INFO, logger="bot.jobs.worker"):
        assert worker.run_one()
    took = time.monotonic() - before
    [(job, outcome, seconds)] = seen
    assert (job.id, job.team, outcome) == (job_id, "T7", "done")
    assert 0 <= seconds <= took  # the job's own time, within the call's
    [line] = [r for r in caplog.records if getattr(r, "outcome", None)]
    fields = {k: getattr(line, k) for k in ("job_id", "team", "kind", "attempts", "worker")}
    assert fields == {
        "job_id": job_id,
        "team": "T7",
        "kind": "unfurl",
        "attempts": 1,
        "worker": "w1",
    }


def test_run_workers_starts_named_workers_that_report_and_give_notice(
    redis_client: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    dead: list[tuple[str, str]] = []
    outcomes: list[str] = []

    def refuse(job: Job) -> None:
        raise NotAnArticle(job.payload["url"], reason="not an article (image/png)")

    job_id = make_queue(redis_client, "producer").enqueue("ingest_url", "T1", {"url": URL})
    stop = threading.Event()
    with caplog.at_level(logging.INFO, logger="bot.jobs.worker"):
        threads = run_workers(
            lambda name: make_queue(redis_client, name),
            refuse,
            lambda job, reason: dead.append((job.id, reason)),
            concurrency=0,  # at least one, whatever the setting says
            stop=stop,
            prefix="pool",
            observe=lambda job, outcome, seconds: outcomes.append(outcome),
        )
        try:
            wait_until("the notice of the dead job", lambda: dead)
        finally:
            stop.set()
            for thread in threads:
                thread.join(20)
    assert [t.name for t in threads] == ["worker-pool-0"]
    assert dead == [(job_id, "not an article (image/png)")] and outcomes == ["dead"]
    workers = {getattr(r, "worker", None) for r in caplog.records if getattr(r, "outcome", None)}
    assert workers == {"pool-0"}
