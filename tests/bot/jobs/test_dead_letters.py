"""Dead letters: listed across streams, retried as new jobs once, dropped."""

from __future__ import annotations

import threading

import pytest
import redis

from bot.errors import InputError
from bot.jobs import dead_letters
from bot.jobs.dead_letters import parse_name
from bot.jobs.queue import JobQueue
from tests.support.queues import make_queue

PAYLOAD = {"url": "https://news.example/a", "channel": "C1", "ts": "1.0", "thread_ts": "1.0"}


def _dead(queue: JobQueue, team: str, reason: str, url: str = PAYLOAD["url"]) -> None:
    queue.enqueue("ingest_url", team, {**PAYLOAD, "url": url}, dedup_key=url)
    job = queue.claim(block_ms=10)
    assert job is not None
    queue.dead_letter(job, reason)


def _team_queue(client: redis.Redis, team: str) -> JobQueue:
    queue = JobQueue(client, consumer="c1", claim_idle_ms=60_000, max_attempts=3, scope=team)
    queue.ensure_group()
    return queue


def test_dead_letters_of_every_stream_are_listed_newest_first(
    redis_client: redis.Redis,
) -> None:
    shared, t1 = make_queue(redis_client), _team_queue(redis_client, "T1")
    _dead(shared, "T_LOCAL", "timed out", "https://a.example/1")
    _dead(t1, "T1", "not an article (no text)", "https://b.example/2")
    letters = dead_letters.list_dead(redis_client, [None, "T1"], limit=10)
    assert [(d.scope, d.team, d.reason) for d in letters] == [
        ("T1", "T1", "not an article (no text)"),
        (None, "T_LOCAL", "timed out"),
    ]
    assert letters[1].name.startswith("shared/") and letters[0].name.startswith("T1/")
    assert letters[0].payload["url"] == "https://b.example/2"
    assert letters[0].attempts == 1


def test_a_retried_job_is_queued_again_once_with_its_thread_and_fresh_attempts(
    redis_client: redis.Redis,
) -> None:
    queue = _team_queue(redis_client, "T1")
    _dead(queue, "T1", "blocked by site")
    (letter,) = dead_letters.list_dead(redis_client, ["T1"], limit=10)
    results: list[str | None] = []
    # two operators retrying at once: one new job, not two
    threads = [
        threading.Thread(
            target=lambda: results.append(dead_letters.retry(redis_client, "T1", letter.entry))
        )
        for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r is None for r in results) == [False, True]
    assert queue.dead_count() == 0
    job = queue.claim(block_ms=10)
    assert job is not None and job.attempts == 1
    assert job.payload == PAYLOAD and job.team == "T1"
    assert queue.claim(block_ms=10) is None


def test_drop_deletes_only_the_named_letter(redis_client: redis.Redis) -> None:
    queue = make_queue(redis_client)
    _dead(queue, "T_LOCAL", "one", "https://a.example/1")
    _dead(queue, "T_LOCAL", "two", "https://a.example/2")
    first, second = dead_letters.list_dead(redis_client, [None], limit=10)
    assert dead_letters.drop(redis_client, None, first.entry) is True
    assert dead_letters.drop(redis_client, None, first.entry) is False
    assert [d.entry for d in dead_letters.list_dead(redis_client, [None], 10)] == [second.entry]


@pytest.mark.parametrize("name", ["1-0", "T1/", "T1/abc", "/1-0", "bad team!/1-0", "T1/1-x"])
def test_malformed_names_are_refused(name: str) -> None:
    with pytest.raises((InputError, ValueError)):
        parse_name(name)


def test_names_round_trip() -> None:
    assert parse_name("shared/17-3") == (None, "17-3")
    assert parse_name("T1/17-3") == ("T1", "17-3")
