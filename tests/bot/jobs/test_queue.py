"""The job queue against a real Redis: round trips, dedup, retries, reclaim, release."""

from __future__ import annotations

import time

import pytest
import redis

from bot.jobs.queue import DEAD_MAXLEN, DEDUP_TTL_SECONDS, Job, JobQueue
from bot.store.keys import QueueKeys
from tests.support.queues import make_queue
from tests.support.waiting import wait_until

URL = "https://news.example.org/2026/01/story"


def owner(client: redis.Redis, job_id: str) -> str | None:
    rows = client.xpending_range(QueueKeys.ingest, QueueKeys.group, job_id, job_id, 1)
    if not rows:
        return None
    name = rows[0]["consumer"]
    return name.decode() if isinstance(name, bytes) else str(name)


def idle_ms(client: redis.Redis, job_id: str) -> int:
    """How long, by Redis' clock, ``job_id`` has been pending without a touch."""
    [row] = client.xpending_range(QueueKeys.ingest, QueueKeys.group, job_id, job_id, 1)
    return int(row["time_since_delivered"])


def test_enqueue_claim_ack_round_trip(redis_client: redis.Redis) -> None:
    queue = make_queue(redis_client)
    payload = {"url": URL, "channel": "C1", "ts": "1700000000.000100", "user": "U1"}
    job_id = queue.enqueue("ingest_url", "T1", payload)
    assert job_id is not None
    assert (queue.depth(), queue.pending()) == (1, 0)

    job = queue.claim(block_ms=10)
    assert job == Job(id=job_id, kind="ingest_url", team="T1", payload=payload, attempts=1)
    assert (queue.depth(), queue.pending()) == (1, 1)
    assert owner(redis_client, job_id) == "c1"

    queue.ack(job)
    assert (queue.depth(), queue.pending()) == (0, 0)
    assert queue.claim(block_ms=10) is None


def test_claim_creates_a_missing_group_and_sees_earlier_jobs(redis_client: redis.Redis) -> None:
    producer = JobQueue(redis_client, consumer="p", claim_idle_ms=1000, max_attempts=3)
    job_id = producer.enqueue("ingest_url", "T1", {"url": URL})  # stream exists, group not yet
    consumer = JobQueue(redis_client, consumer="c", claim_idle_ms=1000, max_attempts=3)
    job = consumer.claim(block_ms=10)
    assert job is not None and job.id == job_id
    redis_client.delete(QueueKeys.ingest)  # as after a restart without persistence
    assert consumer.claim(block_ms=0) is None
    assert consumer.pending() == 0


def test_ensure_group_is_idempotent(redis_client: redis.Redis) -> None:
    queue = make_queue(redis_client)
    queue.ensure_group()
    groups = redis_client.xinfo_groups(QueueKeys.ingest)
    assert [g["name"].decode() for g in groups] == [QueueKeys.group]


def test_payload_must_be_strings_and_team_valid(redis_client: redis.Redis) -> None:
    queue = make_queue(redis_client)
    with pytest.raises(TypeError, match="strings"):
        queue.enqueue("ingest_url", "T1", {"url": URL, "n": 3})  # type: ignore[dict-item]
    with pytest.raises(ValueError, match="team"):
        queue.enqueue("ingest_url", "T1:{x}", {"url": URL})
    assert queue.depth() == 0


def test_dedup_key_refuses_a_second_job_for_a_day(redis_client: redis.Redis) -> None:
    queue = make_queue(redis_client)
    first = queue.enqueue("ingest_url", "T1", {"url": URL}, dedup_key=f"T1|{URL}")
    again = queue.enqueue("ingest_url", "T1", {"url": URL}, dedup_key=f"T1|{URL}")
    other = queue.enqueue("ingest_url", "T2", {"url": URL}, dedup_key=f"T2|{URL}")
    assert first is not None and other is not None and first != other
    assert again is None
    assert queue.depth() == 2
    ttl = redis_client.ttl(QueueKeys().dedup(f"T1|{URL}"))
    assert 0 < ttl <= DEDUP_TTL_SECONDS
    assert QueueKeys().dedup("x").startswith("bb:{q}:")  # same slot as the stream


def test_dead_letter_clears_the_dedup_marker(redis_client: redis.Redis) -> None:
    queue = make_queue(redis_client)
    queue.enqueue("ingest_url", "T1", {"url": URL}, dedup_key=URL)
    job = queue.claim(block_ms=10)
    assert job is not None and job.dedup == QueueKeys().dedup(URL)
    queue.dead_letter(job, "not an article")
    assert queue.enqueue("ingest_url", "T1", {"url": URL}, dedup_key=URL) is not None


def test_fail_retries_until_max_attempts_then_dead_letters(redis_client: redis.Redis) -> None:
    queue = make_queue(redis_client, "a", idle_ms=200, attempts=3)
    job_id = queue.enqueue("ingest_url", "T1", {"url": URL, "channel": "C1"})
    job = queue.claim(block_ms=10)
    assert job is not None
    seen = []
    while True:
        seen.append(job.attempts)
        if queue.fail(job, f"timed out ({job.attempts})"):
            break
        assert queue.last_failure(job.id) == f"timed out ({job.attempts})"
        assert queue.pending() == 1
        job = wait_until("the failed job to come back", lambda: queue.claim(block_ms=50), limit=20)
        assert job.id == job_id
    assert seen == [1, 2, 3]
    assert (queue.depth(), queue.pending(), queue.dead_count()) == (0, 0, 1)
    assert queue.last_failure(job.id) is None
    [dead] = queue.dead_letters()
    assert dead["job_id"] == job_id
    assert dead["reason"] == "timed out (3)"
    assert dead["attempts"] == "3"
    assert dead["team"] == "T1" and dead["kind"] == "ingest_url"
    assert URL in dead["payload"]


def test_failed_job_is_not_retried_before_claim_idle(redis_client: redis.Redis) -> None:
    queue = make_queue(redis_client, "a", idle_ms=60_000)
    queue.enqueue("ingest_url", "T1", {"url": URL})
    job = queue.claim(block_ms=10)
    assert job is not None
    assert queue.fail(job, "timed out") is False
    assert make_queue(redis_client, "b", idle_ms=60_000).claim(block_ms=10) is None


def test_job_of_a_vanished_consumer_is_reclaimed(redis_client: redis.Redis) -> None:
    queue_a = make_queue(redis_client, "a", idle_ms=200)
    job_id = queue_a.enqueue("ingest_url", "T1", {"url": URL})
    assert queue_a.claim(block_ms=10) is not None  # ... and consumer a is never heard of again
    patient = make_queue(redis_client, "b", idle_ms=60_000)
    assert patient.claim(block_ms=10) is None  # not idle long enough for b's setting
    queue_c = make_queue(redis_client, "c", idle_ms=200)
    job = wait_until("consumer c to reclaim", lambda: queue_c.claim(block_ms=50), limit=20)
    assert (job.id, job.attempts) == (job_id, 2)
    assert owner(redis_client, job.id) == "c"
    queue_c.ack(job)
    assert (queue_c.depth(), queue_c.pending()) == (0, 0)


def test_reclaim_looks_past_fresh_pending_jobs(redis_client: redis.Redis) -> None:
    busy = make_queue(redis_client, "busy", idle_ms=200)
    for n in range(25):
        busy.enqueue("ingest_url", "T1", {"url": f"{URL}/{n}"})
    crashed = make_queue(redis_client, "crashed", idle_ms=200)
    stale_id = crashed.enqueue("ingest_url", "T1", {"url": URL})
    claimed = [busy.claim(block_ms=10) for _ in range(25)]
    stale = crashed.claim(block_ms=10)
    assert stale is not None and stale.id == stale_id and all(claimed)
    # by Redis' clock every job is now idle past 200 ms (the stale one was delivered
    # last); then busy's 25 jobs are kept fresh and only the stale one may be reclaimed
    wait_until("the jobs to go idle", lambda: idle_ms(redis_client, stale_id) > 200, limit=10)
    for job in claimed:
        assert job is not None and busy.touch(job)
    rescuer = make_queue(redis_client, "rescuer", idle_ms=200)
    job = rescuer.claim(block_ms=0)
    assert job is not None and job.id == stale_id


def test_release_gives_the_job_back_uncounted(redis_client: redis.Redis) -> None:
    queue_a = make_queue(redis_client, "a")
    job_id = queue_a.enqueue("ingest_url", "T1", {"url": URL})
    job = queue_a.claim(block_ms=10)
    assert job is not None
    assert queue_a.release(job) is True
    queue_b = make_queue(redis_client, "b")  # claim_idle 60 s: no waiting involved
    again = queue_b.claim(block_ms=10)
    assert again is not None and (again.id, again.attempts) == (job_id, 1)
    assert queue_a.release(job) is False  # no longer a's to give back
    assert queue_a.touch(job) is False
    assert owner(redis_client, again.id) == "b"


def test_touch_only_works_on_own_pending_jobs(redis_client: redis.Redis) -> None:
    queue = make_queue(redis_client)
    queue.enqueue("ingest_url", "T1", {"url": URL})
    job = queue.claim(block_ms=10)
    assert job is not None
    assert queue.touch(job) is True
    assert queue.pending() == 1
    queue.ack(job)
    assert queue.touch(job) is False


def test_inspection_counts_and_oldest_age(redis_client: redis.Redis) -> None:
    queue = make_queue(redis_client)
    assert queue.oldest_age_seconds() is None
    assert (queue.depth(), queue.pending(), queue.dead_count()) == (0, 0, 0)
    # an entry stamped in 1970 is certainly the oldest, and very old
    redis_client.xadd(
        QueueKeys.ingest, {"kind": "ingest_url", "team": "T1", "payload": "{}"}, "1000-0"
    )
    queue.enqueue("ingest_url", "T1", {"url": URL})
    age = queue.oldest_age_seconds()
    assert age is not None and age > 1_000_000_000
    assert queue.depth() == 2
    assert queue.pending() == 0


def test_dead_letters_newest_first(redis_client: redis.Redis) -> None:
    queue = make_queue(redis_client)
    for n in range(3):
        queue.enqueue("ingest_url", "T1", {"url": f"{URL}/{n}"})
        job = queue.claim(block_ms=10)
        assert job is not None
        queue.dead_letter(job, f"reason {n}")
    assert [d["reason"] for d in queue.dead_letters()] == ["reason 2", "reason 1", "reason 0"]
    assert [d["reason"] for d in queue.dead_letters(count=1)] == ["reason 2"]
    assert queue.dead_count() == 3


def test_no_job_lost_when_queue_objects_are_rebuilt(redis_url: str) -> None:
    first = redis.Redis.from_url(redis_url)
    first.flushdb()
    queue = make_queue(first, "old", idle_ms=200)
    ids = {queue.enqueue("ingest_url", "T1", {"url": f"{URL}/{n}"}) for n in range(6)}
    assert queue.claim(block_ms=10) is not None and queue.claim(block_ms=10) is not None
    first.close()  # the process holding two jobs is gone
    del queue

    finished: set[str] = set()
    client = redis.Redis.from_url(redis_url)
    queues = [make_queue(client, name, idle_ms=200) for name in ("new-1", "new-2")]

    def claim_round() -> bool:
        for queue in queues:
            job = queue.claim(block_ms=20)
            if job is not None:
                assert job.id not in finished, "a job was delivered after its ack"
                finished.add(job.id)
                queue.ack(job)
        return len(finished) >= len(ids)

    wait_until("the new consumers to finish every job", claim_round, limit=20, every=0)
    assert finished == ids
    assert (queues[0].depth(), queues[0].pending()) == (0, 0)
    client.close()


def test_prune_consumers_forgets_idle_ones_without_pending(redis_client: redis.Redis) -> None:
    old = make_queue(redis_client, "old")
    holder = make_queue(redis_client, "holder")
    old.enqueue("ingest_url", "T1", {"url": URL})
    holder.enqueue("ingest_url", "T1", {"url": URL + "/2"})
    job = old.claim(block_ms=10)
    assert job is not None
    old.ack(job)
    assert holder.claim(block_ms=10) is not None  # holder keeps one pending
    me = make_queue(redis_client, "me")
    assert me.prune_consumers(min_idle_ms=0) == 1
    names = {c["name"].decode() for c in redis_client.xinfo_consumers(QueueKeys.ingest, "workers")}
    assert names == {"holder"}


def test_works_with_resp3_and_decoded_responses(redis_url: str, redis_client: redis.Redis) -> None:
    client = redis.Redis.from_url(redis_url, protocol=3, decode_responses=True)
    queue = make_queue(client)
    job_id = queue.enqueue("ingest_url", "T1", {"url": URL}, dedup_key=URL)
    job = queue.claim(block_ms=10)
    assert job is not None and (job.id, job.payload) == (job_id, {"url": URL})
    queue.release(job)
    again = make_queue(client, "c2").claim(block_ms=10)
    assert again is not None and again.id == job_id
    queue.dead_letter(again, "gone")
    assert queue.dead_letters()[0]["reason"] == "gone"
    client.close()


# ---- settlement details and inspection, pinned at their edges ----------------------------


def test_a_released_job_keeps_the_attempts_it_had_used(redis_client: redis.Redis) -> None:
    first = make_queue(redis_client, "first")
    job_id = first.enqueue("ingest_url", "T1", {"url": URL})
    job = first.claim(block_ms=10)
    assert job is not None and job.attempts == 1
    assert first.fail(job, "timed out") is False  # retried after claim_idle
    second = make_queue(redis_client, "second", idle_ms=1)
    retry = wait_until("the retry", lambda: second.claim(block_ms=0), limit=20, every=0.01)
    assert (retry.id, retry.attempts) == (job_id, 2)
    assert second.release(retry) is True  # e.g. the worker shuts down mid-job
    third = make_queue(redis_client, "third")
    again = third.claim(block_ms=10)
    assert again is not None and (again.id, again.attempts) == (job_id, 2)  # not 3, not 1


def test_a_dead_letter_records_the_job_and_who_gave_up(redis_client: redis.Redis) -> None:
    queue = make_queue(redis_client, "giver-upper")
    payload = {"url": URL, "channel": "C1", "ts": "1.0"}  # keys not in sorted order
    queue.enqueue("ingest_url", "T1", payload)
    job = queue.claim(block_ms=10)
    assert job is not None
    before = time.time()
    queue.dead_letter(job, "blocked by the site")
    after = time.time()
    [letter] = queue.dead_letters()
    [(entry_id, _)] = redis_client.xrange(QueueKeys.dead)
    assert letter.pop("id") == entry_id.decode()
    assert before <= float(letter.pop("failed_at")) <= after
    assert letter == {
        "job_id": job.id,
        "kind": "ingest_url",
        "team": "T1",
        "payload": '{"channel": "C1", "ts": "1.0", "url": "' + URL + '"}',  # one spelling
        "reason": "blocked by the site",
        "attempts": "1",
        "consumer": "giver-upper",
    }
    assert (queue.depth(), queue.pending(), queue.last_failure(job.id)) == (0, 0, None)


def test_the_dead_letter_stream_keeps_about_the_newest_ten_thousand(
    redis_client: redis.Redis,
) -> None:
    with redis_client.pipeline(transaction=False) as pipe:
        for n in range(DEAD_MAXLEN + 100):
            pipe.xadd(QueueKeys.dead, {"reason": f"old {n}"})
        pipe.execute()
    [(oldest, _)] = redis_client.xrange(QueueKeys.dead, count=1)
    queue = make_queue(redis_client)
    queue.enqueue("ingest_url", "T1", {"url": URL})
    job = queue.claim(block_ms=10)
    assert job is not None
    queue.dead_letter(job, "newest")
    # trimmed by whole blocks of entries (MAXLEN ~): the oldest go, the newest stay
    assert DEAD_MAXLEN <= queue.dead_count() < DEAD_MAXLEN + 101
    assert redis_client.xrange(QueueKeys.dead, count=1)[0][0] != oldest
    assert queue.dead_letters(count=1)[0]["reason"] == "newest"


def test_pending_is_zero_before_the_queue_exists_and_other_errors_are_raised(
    redis_client: redis.Redis,
) -> None:
    fresh = JobQueue(redis_client, consumer="c", claim_idle_ms=1000, max_attempts=3)
    assert fresh.pending() == 0  # e.g. `briefbot status` on a new install
    redis_client.set(QueueKeys.ingest, "not a stream")
    with pytest.raises(redis.ResponseError, match="WRONGTYPE"):
        fresh.pending()


def test_the_oldest_job_age_is_read_on_the_redis_clock(redis_client: redis.Redis) -> None:
    queue = make_queue(redis_client)
    seconds, micros = redis_client.time()
    now_ms = seconds * 1000 + micros // 1000
    redis_client.xadd(QueueKeys.ingest, {"kind": "k", "team": "T1"}, f"{now_ms - 90_000}-0")
    age = queue.oldest_age_seconds()
    assert age is not None and 90.0 <= age < 90.0 + 60  # queued 90 s ago by Redis' clock


def test_a_job_stamped_ahead_of_the_clock_is_zero_seconds_old(redis_client: redis.Redis) -> None:
    queue = make_queue(redis_client)
    seconds, _ = redis_client.time()
    redis_client.xadd(QueueKeys.ingest, {"kind": "k", "team": "T1"}, f"{(seconds + 60) * 1000}-0")
    assert queue.oldest_age_seconds() == 0.0  # the clock was set back: never negative


def test_prune_counts_every_consumer_it_forgets(redis_client: redis.Redis) -> None:
    for name in ("gone-1", "gone-2", "gone-3"):  # each did one job and went away
        gone = make_queue(redis_client, name)
        gone.enqueue("ingest_url", "T1", {"url": f"{URL}/{name}"})
        job = gone.claim(block_ms=10)
        assert job is not None
        gone.ack(job)
    assert make_queue(redis_client, "me").prune_consumers(min_idle_ms=0) == 3
    assert redis_client.xinfo_consumers(QueueKeys.ingest, "workers") == []


@pytest.mark.parametrize(("idle", "attempts"), [(0, 3), (60_000, 0), (-1, -1)])
def test_a_queue_needs_a_positive_idle_time_and_attempts(
    redis_client: redis.Redis, idle: int, attempts: int
) -> None:
    with pytest.raises(ValueError, match="must be positive"):
        JobQueue(redis_client, consumer="c", claim_idle_ms=idle, max_attempts=attempts)
    one_try = JobQueue(redis_client, consumer="c", claim_idle_ms=1, max_attempts=1)
    assert one_try.max_attempts == 1  # one delivery and no retry is a valid choice


def test_a_job_needs_a_kind(redis_client: redis.Redis) -> None:
    with pytest.raises(ValueError, match="needs a kind"):
        make_queue(redis_client).enqueue("", "T1", {"url": URL})


def test_reclaiming_takes_one_stale_job_and_leaves_the_others_to_other_workers(
    redis_client: redis.Redis,
) -> None:
    crashed = make_queue(redis_client, "crashed")
    ids = [crashed.enqueue("ingest_url", "T1", {"url": f"{URL}/{n}"}) for n in range(3)]
    assert all(crashed.claim(block_ms=10) for _ in ids)
    for job_id in ids:  # ... and it has not been heard of for an hour (by Redis' clock)
        redis_client.xclaim(
            QueueKeys.ingest, QueueKeys.group, "crashed", 0, [job_id], idle=3_600_000, justid=True
        )
    first, second = make_queue(redis_client, "b"), make_queue(redis_client, "c")
    taken = first.claim(block_ms=0)
    # b took one job; the other two are still the crashed consumer's, free for c at once
    assert taken is not None and taken.id == ids[0]
    assert [owner(redis_client, job_id) for job_id in ids] == ["b", "crashed", "crashed"]
    other = second.claim(block_ms=0)
    assert other is not None and other.id == ids[1]


def test_an_entry_missing_its_fields_is_delivered_as_an_empty_job(
    redis_client: redis.Redis,
) -> None:
    # written by hand or by another version: the worker dead-letters an unknown kind
    entry_id = redis_client.xadd(QueueKeys.ingest, {"note": "no kind, team or payload"})
    job = make_queue(redis_client).claim(block_ms=10)
    assert job == Job(id=entry_id.decode(), kind="", team="", payload={}, attempts=1)
