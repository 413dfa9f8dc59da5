"""Topic state reads (``bot.topics.state``): what a brief's snapshot reads."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.errors import StoreUnavailable, TopicBusy
from bot.models import Entity, Event, Place
from bot.store.fence import Fence, FencedWrite
from bot.store.keys import TopicKeys
from bot.topics import state as topic_state
from bot.topics.state import TopicState, ranked_names
from tests.support.articles import keyed_article, story_article

WHEN = datetime(2026, 1, 20, 9, 30, tzinfo=UTC)


def test_a_scoped_snapshot_reads_only_that_watermark(redis_client: Any) -> None:
    state = TopicState(redis_client)
    others = {f"user:U{i}": "2026-01-01T00:00:00+00:00" for i in range(500)}
    redis_client.hset(TopicKeys("T1", "syria").watermarks, mapping=others)
    state.set_watermark("T1", "syria", "user:ME", WHEN)
    assert state.snapshot("T1", "syria", scope="user:ME").watermarks == {"user:ME": WHEN}
    assert state.snapshot("T1", "syria", scope="user:NEW").watermarks == {}
    assert len(state.snapshot("T1", "syria").watermarks) == 501


def test_a_held_topic_lock_is_topic_busy_not_an_outage(
    redis_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(topic_state, "LOCK_MS", 200)
    state = TopicState(redis_client)
    holder = redis_client.lock(TopicKeys("T1", "syria").lock, timeout=30)
    assert holder.acquire(blocking=False)
    try:
        with pytest.raises(TopicBusy, match="syria") as caught:
            state.add_article("T1", "syria", story_article("quake", 1), WHEN)
        assert not isinstance(caught.value, StoreUnavailable)
        assert not state.contains("T1", "syria", story_article("quake", 1).id)
    finally:
        holder.release()


def test_a_join_takes_and_gives_back_the_topic_lock(redis_client: Any) -> None:
    state = TopicState(redis_client)
    lock_key = TopicKeys("T1", "syria").lock
    for n in (1, 2):
        state.add_article("T1", "syria", story_article("quake", n), WHEN)
        assert not redis_client.exists(lock_key)
    assert state.snapshot("T1", "syria").article_count == 2


def test_actor_and_place_records_keep_their_stored_shape(redis_client: Any) -> None:
    article = keyed_article(
        "https://example.org/a1",
        "Vladimir Putin spoke about Raqqa.",
        title="Talks in Raqqa",
        published=WHEN,
        actors=[Entity(id="person:putin", name="Vladimir Putin", kind="person", mentions=2)],
        locations=[Place(id="geo:r", name="Raqqa", kind="city", country="SY")],
        topics=["syria"],
    )
    TopicState(redis_client).add_article("T1", "syria", article, WHEN)
    k = TopicKeys("T1", "syria")
    assert redis_client.hget(k.actor_names, "person:putin") == (
        b'{"name":"Vladimir Putin","kind":"person"}'
    )
    assert redis_client.hget(k.place_names, "geo:r") == (
        b'{"name":"Raqqa","kind":"city","country":"SY"}'
    )
    rows = [(b"person:putin", 2.0), (b"gone", 1.0)]
    (putin,) = ranked_names(redis_client, k.actor_names, rows)
    assert (putin.name, putin.kind, putin.mentions, putin.country) == (
        "Vladimir Putin",
        "person",
        2,
        None,
    )
    (raqqa,) = ranked_names(redis_client, k.place_names, [(b"geo:r", 1.0)])
    assert (raqqa.kind, raqqa.country) == ("city", "SY")


def _letters(value: int) -> str:
    """``value`` spelt in letters (fingerprints skip digits): a word of its own."""
    out = ""
    while True:
        value, digit = divmod(value, 26)
        out += chr(97 + digit)
        if not value:
            return "q" + out


def _distinct(n: int) -> Any:
    """Article ``n`` with words no other article shares: never a near-duplicate."""
    words = " ".join(_letters(n * 100 + i) for i in range(40))
    return keyed_article(
        f"https://wire.example/distinct/{n}",
        f"Report {n}: {words}.",
        title=f"Report {n}",
        outlet="Wire",
        published=WHEN + timedelta(minutes=n),
        topics=["syria"],
    )


def test_fingerprints_stay_at_their_cap_far_past_it(
    redis_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a small cap keeps the test quick; 10x past it is where a wrong trim count shows
    monkeypatch.setattr(topic_state, "RECENT_FINGERPRINTS", 12)
    state = TopicState(redis_client)
    k = TopicKeys("T1", "syria")
    for n in range(1, 121):
        state.add_article("T1", "syria", _distinct(n), WHEN)
    assert redis_client.hlen(k.fingerprints) == 12
    newest = {_distinct(n).id.encode() for n in range(109, 121)}
    assert set(redis_client.hkeys(k.fingerprints)) == newest
    assert state.snapshot("T1", "syria").article_count == 120


def test_an_oversized_fingerprint_hash_shrinks_back_to_its_cap(
    redis_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a store written by an older briefbot, whose trim let the hash grow
    monkeypatch.setattr(topic_state, "RECENT_FINGERPRINTS", 1000)
    state = TopicState(redis_client)
    for n in range(1, 31):
        state.add_article("T1", "syria", _distinct(n), WHEN)
    assert redis_client.hlen(TopicKeys("T1", "syria").fingerprints) == 30
    monkeypatch.setattr(topic_state, "RECENT_FINGERPRINTS", 5)
    state.add_article("T1", "syria", _distinct(31), WHEN)
    assert redis_client.hlen(TopicKeys("T1", "syria").fingerprints) == 5


def _consistent_counts(redis_client: Any, state: TopicState, topic: str) -> tuple[int, int]:
    """(articles the developments count, articles filed whose development lists them)."""
    k = TopicKeys("T1", topic)
    dev_ids = [d.decode() for d in redis_client.zrange(k.developments, 0, -1)]
    devs_by_id = {d.id: d for d in state._load_developments(k, dev_ids)}
    counted = sum(d.article_count for d in devs_by_id.values())
    listed = 0
    for article_id, dev_id in redis_client.hgetall(k.article_development).items():
        dev = devs_by_id.get(dev_id.decode())
        if dev is not None and any(ref.id == article_id.decode() for ref in dev.articles):
            listed += 1
    return counted, listed


def test_a_join_that_stalls_past_its_lock_never_overwrites_newer_state(
    redis_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the lock's short life is what a stall outlives; nothing here waits on a clock
    monkeypatch.setattr(topic_state, "LOCK_MS", 300)
    state = TopicState(redis_client)
    state.add_article("T1", "syria", story_article("quake", 1), WHEN)
    decided, newer_written = threading.Event(), threading.Event()
    real_decide = TopicState._decide
    stalls = []

    def decide(self: TopicState, *args: Any) -> Any:
        out = real_decide(self, *args)
        if threading.current_thread().name == "stalled" and not stalls:
            stalls.append(1)
            decided.set()
            # stalled (a GC pause, SIGSTOP) until another worker took the expired lock and wrote
            assert newer_written.wait(30)
        return out

    monkeypatch.setattr(TopicState, "_decide", decide)
    errors: list[BaseException] = []

    def stalled() -> None:
        try:
            state.add_article("T1", "syria", story_article("quake", 2), WHEN)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    thread = threading.Thread(target=stalled, name="stalled")
    thread.start()
    assert decided.wait(30)
    state.add_article("T1", "syria", story_article("quake", 3), WHEN)  # waits out the lock
    newer_written.set()
    thread.join(30)
    assert not thread.is_alive() and not errors
    assert stalls == [1]
    assert state.snapshot("T1", "syria").article_count == 3
    assert _consistent_counts(redis_client, state, "syria") == (3, 3)


def test_a_waiter_outlives_a_holder_that_died_with_the_lock(
    redis_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(topic_state, "LOCK_MS", 300)
    k = TopicKeys("T1", "syria")
    # a worker killed while holding the lock: it is never released, only expires
    assert redis_client.set(k.lock, "dead-worker", nx=True, px=300)
    state = TopicState(redis_client)
    state.add_article("T1", "syria", story_article("quake", 1), WHEN)
    assert state.contains("T1", "syria", story_article("quake", 1).id)
    assert topic_state.WAIT_LOCKS > 1  # the wait is longer than the life of the lock


def test_a_stale_writer_cannot_release_the_next_owners_lock(redis_client: Any) -> None:
    fence = Fence(redis_client)
    lock = TopicKeys("T1", "syria").lock
    old = fence.acquire(lock, 60_000, 0)
    assert old is not None
    redis_client.delete(lock)  # its life ran out
    new = fence.acquire(lock, 60_000, 0)
    assert new is not None
    write = FencedWrite()
    write.call("SET", TopicKeys("T1", "syria").meta + ":probe", "stale")
    assert not fence.commit(lock, old, write)
    assert not fence.release(lock, old)
    assert redis_client.get(lock) == new.encode()
    assert not redis_client.exists(TopicKeys("T1", "syria").meta + ":probe")
    assert fence.commit(lock, new, write) and fence.release(lock, new)


def test_a_brief_reads_one_state_even_when_a_join_lands_between_its_reads(
    redis_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = TopicState(redis_client)
    state.add_article("T1", "syria", story_article("quake", 1), WHEN)
    real_records = TopicState._read_records
    landed: list[int] = []

    def records_after_a_join(self: TopicState, *args: Any) -> Any:
        if not landed:  # another worker's join lands between the two round trips
            landed.append(1)
            TopicState(redis_client).add_article("T1", "syria", story_article("quake", 2), WHEN)
        return real_records(self, *args)

    monkeypatch.setattr(TopicState, "_read_records", records_after_a_join)
    snap = state.snapshot("T1", "syria")
    assert landed == [1]
    assert snap.article_count == 2
    assert sum(d.article_count for d in snap.developments) == snap.article_count


def test_one_happening_in_two_outlets_words_is_one_timeline_line(redis_client: Any) -> None:
    day = date(2026, 3, 2)
    reports = [
        (
            "https://harbour-herald.example/a",
            "Dock workers at Harbourside port walked out over pay on Monday.",
        ),
        (
            "https://coast-courier.example/b",
            "Harbourside dock workers began a walkout over pay on Monday, the union said.",
        ),
    ]
    state = TopicState(redis_client)
    for n, (url, sentence) in enumerate(reports):
        event = Event(date=day, text=sentence, sources=[url], signature=f"other-words-{n}")
        other = Event(
            date=day,
            text="The regional council approved a new budget for schools on Monday.",
            sources=[url],
            signature="council",
        )
        article = keyed_article(
            url,
            f"{sentence} The regional council approved a new budget for schools on Monday.",
            title=f"Report {n}",
            published=WHEN,
            events=[event, other] if n else [event],
        )
        state.add_article("T1", "harbour", article, WHEN)
    lines = state.snapshot("T1", "harbour").timeline
    counts = sorted((len(e.sources), e.text[:16]) for e in lines)
    assert counts == [(1, "The regional cou"), (2, "Dock workers at ")]


def test_another_language_never_joins_an_english_development(redis_client: Any) -> None:
    state = TopicState(redis_client)
    english = story_article("quake", 1)
    first = state.add_article("T1", "syria", english, WHEN)
    german = replace(
        story_article("quake", 2),  # its names and terms as if they were evidence
        id="de-1",
        url="https://zeitung.example/beben",
        text="Das Beben traf am Montag die Küste. Die Behörden meldeten viele Schäden.",
        language="de",
        notes=["not analysed (language: de)"],
    )
    joined = state.add_article("T1", "syria", german, WHEN)
    assert joined.id != first.id
    assert joined.summary == "not analysed (language: de)"
    # and an English report of the same story still joins the English development
    later = state.add_article("T1", "syria", story_article("quake", 3), WHEN)
    assert later.id == first.id
