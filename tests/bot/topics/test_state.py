"""Topic state reads (``bot.topics.state``): what a brief's snapshot reads."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.errors import StoreUnavailable, TopicBusy
from bot.models import Entity, Event, Place
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
