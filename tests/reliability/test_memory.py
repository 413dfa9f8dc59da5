"""Redis memory: an evicting policy is refused at start-up, and a full Redis
(``noeviction`` at ``maxmemory``) is back-pressure, not failed links.

Each test runs its own redis-server (``RedisProc``): they change its memory
settings, which the session's shared Redis must never see.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis

from bot import render
from bot.config import Settings
from bot.deps import build_deps
from bot.errors import EvictingStore, StoreFull
from bot.jobs.queue import Job, JobQueue
from bot.jobs.worker import Worker
from bot.store.client import unavailable_on_error
from handlers.commands import FULL, UNAVAILABLE, answer
from tests.fakeslack import slash_command
from tests.support.articles import story_article
from tests.support.deps import deps_on
from tests.support.paths import REPO
from tests.support.redis_proc import RedisProc
from tests.support.waiting import wait_until


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisProc]:
    proc = RedisProc(tmp_path)
    proc.start()
    try:
        yield proc
    finally:
        proc.stop()


def _run_briefbot(
    args: list[str], env: dict[str, str], cwd: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**os.environ, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_worker_refuses_an_evicting_redis_in_one_line(
    own_redis: RedisProc, tmp_path: Path
) -> None:
    client = own_redis.client()
    client.config_set("maxmemory-policy", "allkeys-lru")
    env = {"REDIS_URL": own_redis.url, "PYTHONPATH": str(REPO), "BRIEFBOT_DATA_DIR": str(tmp_path)}
    done = _run_briefbot(["worker"], env, tmp_path)
    assert done.returncode == 2
    # log lines may come first (connecting); the refusal is one line, no traceback
    lines = [line for line in done.stderr.splitlines() if line.startswith("briefbot:")]
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert "maxmemory-policy is allkeys-lru" in lines[0] and "noeviction" in lines[0]
    assert "BRIEFBOT_ALLOW_EVICTION" in lines[0]


def test_the_operator_may_allow_eviction_and_status_shows_the_policy(
    own_redis: RedisProc, tmp_path: Path
) -> None:
    client = own_redis.client()
    client.config_set("maxmemory-policy", "volatile-lru")
    settings = Settings(redis_url=own_redis.url, data_dir=tmp_path)
    with pytest.raises(EvictingStore, match="volatile-lru"):
        build_deps(settings, wait_for_store=True, refuse_eviction=True)
    allowed = Settings(redis_url=own_redis.url, data_dir=tmp_path, allow_eviction=True)
    deps = build_deps(allowed, wait_for_store=True, refuse_eviction=True)
    deps.close()
    env = {"REDIS_URL": own_redis.url, "PYTHONPATH": str(REPO), "BRIEFBOT_DATA_DIR": str(tmp_path)}
    shown = _run_briefbot(["status"], env, tmp_path)  # the CLI does not refuse: it reports
    assert shown.returncode == 0, shown.stderr
    assert "maxmemory-policy volatile-lru: MAY EVICT" in shown.stdout


def test_a_full_redis_is_back_pressure_and_the_backlog_drains(
    own_redis: RedisProc,
) -> None:
    client = own_redis.client()
    client.config_set("maxmemory-policy", "noeviction")
    queue = JobQueue(client, consumer="w1", claim_idle_ms=60_000, max_attempts=2)
    queue.ensure_group()
    urls = [f"https://news.example/{n}" for n in range(6)]
    for url in urls:
        queue.enqueue("ingest_url", "T1", {"url": url, "channel": "C1", "ts": "1.0"})

    @unavailable_on_error
    def store_article(job: Job) -> None:
        # what an ingest does once it has the article: a write that needs memory
        client.set(f"stored:{job.payload['url']}", "x" * 2000)

    dead: list[tuple[str, str]] = []
    worker = Worker(
        queue,
        store_article,
        lambda job, reason: dead.append((job.id, reason)),
        name="w1",
        block_ms=50,
        backoff_base=0.01,
        backoff_cap=0.05,
        full_pause=0.05,
    )
    # memory runs out: every write is refused from here on
    used = int(client.info("memory")["used_memory"])
    client.config_set("maxmemory", str(used))
    with pytest.raises(StoreFull):
        store_article(Job("0-1", "ingest_url", "T1", {"url": "probe"}, 1))
    stop = threading.Event()
    thread = threading.Thread(target=worker.run, args=(stop,))
    thread.start()
    try:
        # far more refusals than max_attempts: were they counted, the jobs would be dead
        wait_until("the worker to meet a full Redis often", lambda: worker.stats.full_pauses >= 6)
        assert dead == [] and queue.dead_count() == 0
        assert queue.depth() == len(urls)
        assert not any(client.exists(f"stored:{url}") for url in urls)
        client.config_set("maxmemory", "0")  # the operator raises the limit
        wait_until("the backlog to drain", lambda: queue.depth() == 0)
    finally:
        stop.set()
        thread.join(30)
    assert all(client.exists(f"stored:{url}") for url in urls)
    assert dead == [] and queue.dead_count() == 0
    assert worker.stats.done == len(urls)


def test_a_dead_letter_is_written_before_its_notice(own_redis: RedisProc) -> None:
    client = own_redis.client()
    queue = JobQueue(client, consumer="w1", claim_idle_ms=60_000, max_attempts=1)
    queue.ensure_group()
    queue.enqueue("ingest_url", "T1", {"url": "https://news.example/bad"})
    seen_at_notice: list[int] = []

    def refuse(job: Job) -> None:
        raise ValueError("this job always fails")

    def notice(job: Job, reason: str) -> None:
        seen_at_notice.append(queue.dead_count())

    Worker(queue, refuse, notice, name="w1", block_ms=50).run_one()
    assert seen_at_notice == [1]  # the dead letter existed when the user was told


def test_a_dead_letter_write_that_fails_sends_no_notice_yet(own_redis: RedisProc) -> None:
    client = own_redis.client()
    queue = JobQueue(client, consumer="w1", claim_idle_ms=60_000, max_attempts=1)
    queue.ensure_group()
    queue.enqueue("ingest_url", "T1", {"url": "https://news.example/bad"})
    notices: list[str] = []

    def refuse(job: Job) -> None:
        # the job fails and memory runs out before its dead letter can be written
        client.config_set("maxmemory-policy", "noeviction")
        client.config_set("maxmemory", str(int(client.info("memory")["used_memory"])))
        raise ValueError("this job always fails")

    worker = Worker(queue, refuse, lambda job, reason: notices.append(reason), name="w1")
    with pytest.raises(redis.exceptions.OutOfMemoryError):
        worker.run_one()
    assert notices == [] and queue.dead_count() == 0
    client.config_set("maxmemory", "0")
    worker.run_one()  # settles what it owes first: the dead letter, then the notice
    assert queue.dead_count() == 1 and len(notices) == 1


def test_commands_on_a_full_redis_say_full_not_unreachable_and_briefs_still_read(
    own_redis: RedisProc, tmp_path: Path
) -> None:
    client = own_redis.client()
    client.config_set("maxmemory-policy", "noeviction")
    with deps_on(own_redis.url, tmp_path) as deps:
        for n in (1, 2):
            article = story_article("quake", n)
            deps.store.save_article("T1", article)
            deps.store.index_terms("T1", article.id, ["earthquake"], float(n))
            deps.topic_state.add_article("T1", "syria", article, datetime.now(UTC))
        # memory runs out (the limit well under what is used, so that no freed buffer
        # makes room): every write is refused from here on, reads still answer
        client.config_set("maxmemory", str(int(client.info("memory")["used_memory"]) // 2))
        with pytest.raises(redis.exceptions.OutOfMemoryError):
            client.set("probe", "x" * 2000)

        def ask(text: str) -> str:
            return str(render.blocks_to_dicts(answer(deps, slash_command(text))[1]))

        brief = ask("syria")  # a read; the asker's "seen" mark cannot be saved, and need not be
        assert "Earthquake shakes Aleppo" in brief and "2 articles" in brief
        assert "Earthquake shakes Aleppo" in ask("earthquake")  # a search writes nothing
        assert "syria" in ask("topics")
        for write in ("follow syria", "topic add quakes earthquake", "alerts syria"):
            said = ask(write)
            assert FULL in said and UNAVAILABLE not in said, (write, said)
        assert deps.store.followed("T1", "U1") == []
        client.config_set("maxmemory", "0")  # room again: the same command goes through
        assert "You now follow *syria*" in ask("follow syria")
