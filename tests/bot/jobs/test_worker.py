"""Workers against a real Redis: outcomes, retries, shutdown, outages and killed processes."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from bot.errors import FetchTimeout, NotAnArticle, TopicBusy
from bot.jobs.queue import Job, JobQueue
from bot.jobs.worker import (
    INTERNAL_REASON,
    LOST_REASON,
    JobInterrupted,
    Worker,
    backoff_delay,
    run_workers,
)
from tests.support.paths import REPO
from tests.support.processes import briefbot_env
from tests.support.queues import make_queue
from tests.support.redis_proc import RedisProc
from tests.support.waiting import wait_until
from tests.support.worker_proc import DONE, GO, RUNS, STARTED, make_handler

ROOT = REPO
URL = "https://news.example.org/2026/01/story"


# ---- helpers ----------------------------------------------------------------------


class Recorder:
    """A handler and a dead-letter handler that remember what they saw."""

    def __init__(self, behaviour: Callable[[Job], None] | None = None) -> None:
        self.behaviour = behaviour
        self.calls: list[tuple[str, int]] = []
        self.dead: list[tuple[str, str]] = []

    def handle(self, job: Job) -> None:
        self.calls.append((job.id, job.attempts))
        if self.behaviour is not None:
            self.behaviour(job)

    def on_dead(self, job: Job, reason: str) -> None:
        self.dead.append((job.id, reason))


def drain(worker: Worker, until: Callable[[], bool], what: str, limit: float = 20.0) -> None:
    """Run the worker one job at a time until ``until()`` holds."""

    def ran_until() -> bool:
        if until():
            return True
        worker.run_one()
        return False

    wait_until(what, ran_until, limit=limit, every=0)


def count(client: redis.Redis, key: str) -> int:
    value = client.get(key)
    return int(value) if value is not None else 0


# ---- outcomes ---------------------------------------------------------------------


def test_backoff_grows_is_jittered_and_capped() -> None:
    for failures in range(1, 30):
        ceiling = min(30.0, 0.2 * 2 ** (failures - 1))
        delays = [backoff_delay(failures, 0.2, 30.0) for _ in range(20)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
    assert len({backoff_delay(5, 0.2, 30.0) for _ in range(20)}) > 1


def test_success_acks_after_the_handler_and_logs_one_line(
    redis_client: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    queue = make_queue(redis_client, "w1")
    seen_pending: list[int] = []
    rec = Recorder(lambda job: seen_pending.append(queue.pending()))
    outcomes: list[str] = []
    worker = Worker(
        queue,
        rec.handle,
        rec.on_dead,
        name="w1",
        block_ms=50,
        observe=lambda j, o, s: outcomes.append(o),
    )
    job_id = queue.enqueue("ingest_url", "T1", {"url": URL, "channel": "C1"})
    with caplog.at_level(logging.INFO, logger="bot.jobs.worker"):
        assert worker.run_one() is True
    assert rec.calls == [(job_id, 1)]
    assert seen_pending == [1]  # still unacknowledged while the handler ran
    assert (queue.depth(), queue.pending()) == (0, 0)
    assert outcomes == ["done"] and worker.stats.done == 1
    lines = [r for r in caplog.records if getattr(r, "job_id", None) == job_id]
    assert len(lines) == 1
    assert "team=T1" in lines[0].getMessage() and "outcome=done" in lines[0].getMessage()
    assert URL not in caplog.text  # payloads stay out of the logs
    assert worker.run_one() is False


def test_retryable_failure_retries_then_dead_letters_once(redis_client: redis.Redis) -> None:
    queue = make_queue(redis_client, "w1", idle_ms=200, attempts=3)

    def always_times_out(job: Job) -> None:
        raise FetchTimeout("read timed out")

    rec = Recorder(always_times_out)
    worker = Worker(queue, rec.handle, rec.on_dead, name="w1", block_ms=50)
    job_id = queue.enqueue("ingest_url", "T1", {"url": URL})
    drain(worker, lambda: queue.dead_count() == 1, "the job to be dead-lettered")
    assert rec.calls == [(job_id, 1), (job_id, 2), (job_id, 3)]
    assert rec.dead == [(job_id, "timed out")]
    assert (queue.depth(), queue.pending()) == (0, 0)
    assert queue.dead_letters()[0]["reason"] == "timed out"
    assert (worker.stats.retried, worker.stats.dead) == (2, 1)


def test_non_retryable_failure_goes_straight_to_dead(redis_client: redis.Redis) -> None:
    queue = make_queue(redis_client, "w1", idle_ms=200, attempts=3)

    def not_an_article(job: Job) -> None:
        raise NotAnArticle("home page")

    rec = Recorder(not_an_article)
    worker = Worker(queue, rec.handle, rec.on_dead, name="w1", block_ms=50)
    job_id = queue.enqueue("ingest_url", "T1", {"url": URL})
    assert worker.run_one() is True
    assert rec.calls == [(job_id, 1)]
    assert rec.dead == [(job_id, "not an article")]
    assert (queue.depth(), queue.dead_count()) == (0, 1)
    assert queue.dead_letters()[0]["attempts"] == "1"


def test_unexpected_exception_is_retried_and_then_succeeds(
    redis_client: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    queue = make_queue(redis_client, "w1", idle_ms=200, attempts=3)

    def flaky(job: Job) -> None:
        if job.attempts == 1:
            raise RuntimeError("bug on the first try")

    rec = Recorder(flaky)
    worker = Worker(queue, rec.handle, rec.on_dead, name="w1", block_ms=50)
    job_id = queue.enqueue("ingest_url", "T1", {"url": URL})
    assert job_id is not None
    with caplog.at_level(logging.INFO, logger="bot.jobs.worker"):
        assert worker.run_one() is True
        assert queue.last_failure(job_id) == INTERNAL_REASON
        drain(worker, lambda: queue.depth() == 0, "the retry to succeed")
    assert rec.calls == [(job_id, 1), (job_id, 2)]
    assert rec.dead == []
    assert "bug on the first try" in caplog.text  # the trace is logged for operators
    assert queue.last_failure(job_id) is None


def test_dead_letter_notice_failure_still_dead_letters(redis_client: redis.Redis) -> None:
    queue = make_queue(redis_client, "w1")

    def refuse(job: Job) -> None:
        raise NotAnArticle()

    def broken_notice(job: Job, reason: str) -> None:
        raise RuntimeError("slack is down")

    worker = Worker(queue, refuse, broken_notice, name="w1", block_ms=50)
    queue.enqueue("ingest_url", "T1", {"url": URL})
    assert worker.run_one() is True
    assert (queue.depth(), queue.dead_count()) == (0, 1)


def test_job_that_keeps_killing_workers_is_dead_lettered_unrun(redis_client: redis.Redis) -> None:
    job_id = make_queue(redis_client, "p").enqueue("ingest_url", "T1", {"url": URL})
    for n in range(3):  # three workers each take the job and die with it
        doomed = make_queue(redis_client, f"doomed-{n}", idle_ms=200)
        job = None
        while job is None:
            job = doomed.claim(block_ms=50)
        assert job.attempts == n + 1
    queue = make_queue(redis_client, "w1", idle_ms=200, attempts=3)
    rec = Recorder()
    worker = Worker(queue, rec.handle, rec.on_dead, name="w1", block_ms=50)
    drain(worker, lambda: queue.dead_count() == 1, "the crash-looping job to die")
    assert rec.calls == []
    assert rec.dead == [(job_id, LOST_REASON)]
    assert queue.dead_letters()[0]["attempts"] == "4"


def test_a_job_given_up_is_undone_before_its_dead_letter(redis_client: redis.Redis) -> None:
    queue = make_queue(redis_client, "w1", attempts=1)
    order: list[str] = []

    def refuse(job: Job) -> None:
        raise NotAnArticle("no", reason="not an article")

    def abandon(job: Job) -> None:
        order.append(f"abandon, dead letters {queue.dead_count()}")

    worker = Worker(
        queue,
        refuse,
        lambda job, reason: order.append(f"notice, dead letters {queue.dead_count()}"),
        name="w1",
        block_ms=50,
        abandon=abandon,
    )
    queue.enqueue("ingest_url", "T1", {"url": URL})
    worker.run_one()
    assert order == ["abandon, dead letters 0", "notice, dead letters 1"]


def test_undoing_a_job_when_redis_fails_gives_it_back_and_a_bug_does_not_keep_it(
    redis_client: redis.Redis,
) -> None:
    queue = make_queue(redis_client, "w1", attempts=1)
    trouble: list[BaseException] = [redis.ConnectionError("gone"), RuntimeError("a bug")]
    rec = Recorder(lambda job: (_ for _ in ()).throw(ValueError("always fails")))

    def abandon(job: Job) -> None:
        raise trouble.pop(0)

    worker = Worker(queue, rec.handle, rec.on_dead, name="w1", block_ms=50, abandon=abandon)
    queue.enqueue("ingest_url", "T1", {"url": URL})
    with pytest.raises(redis.ConnectionError):
        worker.run_one()
    assert queue.dead_count() == 0 and rec.dead == []
    worker.run_one()  # gives the job back (uncounted), then runs it again
    assert queue.dead_count() == 1 and [r for _, r in rec.dead] == [INTERNAL_REASON]
    assert trouble == []


# ---- shutdown -----------------------------------------------------------------------


def test_interrupted_handler_releases_the_job_uncounted(redis_client: redis.Redis) -> None:
    queue = make_queue(redis_client, "w1")

    def interrupted(job: Job) -> None:
        raise JobInterrupted("shutting down between stages")

    rec = Recorder(interrupted)
    worker = Worker(queue, rec.handle, rec.on_dead, name="w1", block_ms=50)
    job_id = queue.enqueue("ingest_url", "T1", {"url": URL})
    assert worker.run_one() is True
    assert worker.stats.released == 1 and rec.dead == []
    # another consumer with a 60 s claim_idle gets it at once, attempt not counted
    again = make_queue(redis_client, "w2").claim(block_ms=10)
    assert again is not None and (again.id, again.attempts) == (job_id, 1)


def test_a_busy_topic_gives_the_job_back_uncounted(redis_client: redis.Redis) -> None:
    queue = make_queue(redis_client, "w1")

    def busy_once(job: Job) -> None:
        if len(rec.calls) == 1:
            raise TopicBusy("syria")

    rec = Recorder(busy_once)
    worker = Worker(queue, rec.handle, rec.on_dead, name="w1", block_ms=50)
    job_id = queue.enqueue("ingest_url", "T1", {"url": URL})
    with pytest.raises(TopicBusy):  # run() backs off on it; run_one lets it through
        worker.run_one()
    drain(worker, lambda: worker.stats.done == 1, "the job to be done after the busy topic")
    # delivered twice, counted once: contention never pushes a job towards dead-letter
    assert rec.calls == [(job_id, 1), (job_id, 1)]
    assert rec.dead == [] and worker.stats.retried == 0


def test_stop_finishes_the_current_job_and_takes_no_new_one(redis_client: redis.Redis) -> None:
    queue = make_queue(redis_client, "w1")
    stop = threading.Event()
    rec = Recorder(lambda job: stop.set())  # the stop arrives during the first job
    first = queue.enqueue("ingest_url", "T1", {"url": URL + "/1"})
    queue.enqueue("ingest_url", "T1", {"url": URL + "/2"})
    Worker(queue, rec.handle, rec.on_dead, name="w1", block_ms=50).run(stop)
    assert rec.calls == [(first, 1)]
    assert (queue.depth(), queue.pending()) == (1, 0)  # first acked, second untouched


def test_run_workers_processes_each_job_once(redis_client: redis.Redis) -> None:
    ids = {
        make_queue(redis_client, "p").enqueue("ingest_url", "T1", {"url": f"{URL}/{n}"})
        for n in range(8)
    }
    rec = Recorder()
    lock = threading.Lock()

    def handle(job: Job) -> None:
        with lock:
            rec.handle(job)

    stop = threading.Event()
    threads = run_workers(
        lambda name: JobQueue(redis_client, consumer=name, claim_idle_ms=60_000, max_attempts=3),
        handle,
        rec.on_dead,
        concurrency=2,
        stop=stop,
        prefix="pool",
    )
    try:
        wait_until("all jobs to be handled", lambda: len(rec.calls) >= len(ids), limit=20)
        wait_until("the queue to empty", lambda: redis_client.xlen("bb:{q}:ingest") == 0, limit=20)
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)
    assert not any(t.is_alive() for t in threads)
    assert sorted(job_id for job_id, _ in rec.calls) == sorted(str(i) for i in ids)
    names = {c["name"].decode() for c in redis_client.xinfo_consumers("bb:{q}:ingest", "workers")}
    assert names <= {"pool-0", "pool-1"}


def test_heartbeat_keeps_a_long_job_from_being_reclaimed(redis_client: redis.Redis) -> None:
    queue = make_queue(redis_client, "slow", idle_ms=1000)
    gate = threading.Event()
    entered = threading.Event()

    def long_job(job: Job) -> None:
        entered.set()
        gate.wait(30)

    worker = Worker(queue, long_job, Recorder().on_dead, name="slow", block_ms=50)
    queue.enqueue("ingest_url", "T1", {"url": URL})
    thread = threading.Thread(target=worker.run_one)
    thread.start()
    try:
        assert entered.wait(10)
        rival = make_queue(redis_client, "rival", idle_ms=1000)

        def outlived_claim_idle() -> bool:
            assert rival.claim(block_ms=0) is None, "a live worker's job was reclaimed"
            age = queue.oldest_age_seconds()  # by Redis' clock, since the job was queued
            return age is not None and age > 2.5  # claim_idle (1 s) passed twice over

        wait_until("the job to outlive claim_idle", outlived_claim_idle, limit=30)
    finally:
        gate.set()
        thread.join(10)
    assert (queue.depth(), queue.pending()) == (0, 0)


# ---- Redis going away ---------------------------------------------------------------


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisProc]:
    server = RedisProc(tmp_path)  # skips the test when there is no redis-server binary
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_worker_rides_out_a_redis_outage_mid_job(redis_server: RedisProc) -> None:
    client = redis.Redis.from_url(redis_server.url)
    queue = make_queue(redis.Redis.from_url(redis_server.url), "w1", idle_ms=200)
    first = queue.enqueue("ingest_url", "T1", {"url": URL})
    assert first is not None
    entered, gate = threading.Event(), threading.Event()
    runs: list[tuple[str, int]] = []

    def handle(job: Job) -> None:
        runs.append((job.id, job.attempts))
        if not entered.is_set():
            entered.set()
            gate.wait(30)  # Redis goes down while we are here
        client.incr(DONE.format(job.id))  # the job's result, stored in Redis

    worker = Worker(queue, handle, Recorder().on_dead, name="w1", block_ms=100)
    worker.backoff_base, worker.backoff_cap = 0.05, 0.5
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,))
    thread.start()
    try:
        assert entered.wait(10), "the worker never started the job"
        redis_server.stop()
        gate.set()
        wait_until("the worker to hit the outage", lambda: worker.stats.redis_errors >= 2, limit=20)
        assert thread.is_alive()
        redis_server.start()
        second = make_queue(client, "producer").enqueue("ingest_url", "T1", {"url": URL + "/2"})
        assert second is not None
        wait_until(
            "both jobs to finish after the restart",
            lambda: bool(count(client, DONE.format(first)) and count(client, DONE.format(second))),
            limit=20,
        )
        wait_until("the queue to empty", lambda: queue.depth() == 0, limit=20)
    finally:
        stop.set()
        thread.join(15)
    assert not thread.is_alive()
    assert count(client, DONE.format(first)) == 1
    assert count(client, DONE.format(second)) == 1
    assert (queue.pending(), queue.dead_count()) == (0, 0)
    # the interrupted run was given back uncounted: the rerun is still attempt 1
    assert runs[:2] == [(first, 1), (first, 1)]
    assert worker.stats.interrupted == 1
    client.close()


def test_worker_starts_while_redis_is_down(redis_server: RedisProc) -> None:
    client = redis.Redis.from_url(redis_server.url)
    make_queue(client, "p").enqueue("ingest_url", "T1", {"url": URL})
    redis_server.stop()
    rec = Recorder()
    queue = JobQueue(
        redis.Redis.from_url(redis_server.url), consumer="w1", claim_idle_ms=200, max_attempts=3
    )
    worker = Worker(queue, rec.handle, rec.on_dead, name="w1", block_ms=100)
    worker.backoff_base, worker.backoff_cap = 0.05, 0.5
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,))
    thread.start()
    try:
        wait_until(
            "the worker to notice Redis is down", lambda: worker.stats.redis_errors >= 1, limit=20
        )
        redis_server.start()
        wait_until("the queued job to run", lambda: len(rec.calls) == 1, limit=20)
        wait_until("the queue to empty", lambda: queue.depth() == 0, limit=20)
    finally:
        stop.set()
        thread.join(15)
    assert len(rec.calls) == 1
    client.close()


def test_redis_restart_with_aof_loses_no_job(redis_server: RedisProc) -> None:
    before = redis.Redis.from_url(redis_server.url)
    queue = make_queue(before, "gone", idle_ms=200)
    ids = [queue.enqueue("ingest_url", "T1", {"url": f"{URL}/{n}"}) for n in range(4)]
    assert queue.claim(block_ms=10) is not None  # one job in hand when everything stops
    before.close()
    redis_server.stop()
    redis_server.start()

    client = redis.Redis.from_url(redis_server.url)
    fresh = make_queue(client, "fresh", idle_ms=200)
    worker = Worker(fresh, make_handler(client, wait_for_go=False), Recorder().on_dead, name="f")
    worker.block_ms = 50
    drain(worker, lambda: fresh.depth() == 0, "the restored jobs to run")
    assert [count(client, DONE.format(job_id)) for job_id in ids] == [1, 1, 1, 1]
    assert (fresh.pending(), fresh.dead_count()) == (0, 0)
    client.close()


# ---- real processes -----------------------------------------------------------------


def spawn_worker(redis_url: str, consumer: str, idle_ms: int) -> subprocess.Popen[bytes]:
    script = ROOT / "tests" / "support" / "worker_proc.py"
    return subprocess.Popen(
        [sys.executable, str(script), redis_url, consumer, str(idle_ms)], env=briefbot_env()
    )


def test_sigkill_mid_job_another_worker_completes_it_once(
    redis_url: str, redis_client: redis.Redis
) -> None:
    queue = make_queue(redis_client, "survivor", idle_ms=200)
    job_id = queue.enqueue("ingest_url", "T1", {"url": URL})
    assert job_id is not None
    proc = spawn_worker(redis_url, "victim", 200)
    try:
        wait_until(
            "the child worker to start the job",
            lambda: bool(redis_client.exists(STARTED.format(job_id))),
            limit=20,
        )
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(20) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(20)
    assert redis_client.get(STARTED.format(job_id)) == f"{proc.pid}:1".encode()
    worker = Worker(
        queue, make_handler(redis_client, wait_for_go=False), Recorder().on_dead, name="s"
    )
    worker.block_ms = 50
    drain(worker, lambda: queue.depth() == 0, "the survivor to finish the job")
    assert count(redis_client, DONE.format(job_id)) == 1
    [run] = redis_client.lrange(RUNS, 0, -1)
    assert run == f"{job_id}:2:{os.getpid()}".encode()
    assert (queue.pending(), queue.dead_count()) == (0, 0)


def test_sigterm_drains_the_job_in_hand(redis_url: str, redis_client: redis.Redis) -> None:
    queue = make_queue(redis_client, "producer")
    first = queue.enqueue("ingest_url", "T1", {"url": URL + "/1"})
    queue.enqueue("ingest_url", "T1", {"url": URL + "/2"})
    assert first is not None
    proc = spawn_worker(redis_url, "drainer", 60_000)
    try:
        wait_until(
            "the child worker to start the job",
            lambda: bool(redis_client.exists(STARTED.format(first))),
            limit=20,
        )
        proc.send_signal(signal.SIGTERM)
        redis_client.set(GO.format(first), "1")  # only now may the job finish
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(20)
    assert count(redis_client, DONE.format(first)) == 1
    assert (queue.depth(), queue.pending()) == (1, 0)  # the second job was never taken
