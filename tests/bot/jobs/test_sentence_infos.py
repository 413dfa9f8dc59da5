"""The sentences the timeline reads: the body's, and the headline before them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.entities.analyzer import Analysis
from bot.entities.output import Mention
from bot.jobs.pipeline import sentence_infos
from bot.models import Entity, Place
from bot.topics.timeline import extract_events

TEXT = "Mediator Anna Kovacs met both unions in Porto. She called the talks useful."
KOVACS = Entity(id="person:anna-kovacs", name="Anna Kovacs", kind="person", aliases=["Kovacs"])
PORTO = Place(id="geo:1", name="Porto", kind="city", country="PT")


def analysis() -> Analysis:
    return Analysis(
        language="en",
        actors=[KOVACS],
        locations=[PORTO],
        sentences=[(0, 46), (47, len(TEXT))],
        mentions=[Mention(9, 20, KOVACS.id, "Anna Kovacs"), Mention(40, 45, PORTO.id, "Porto")],
    )


def test_the_headline_comes_first_with_the_entities_it_spells() -> None:
    title = "Kovacs says Porto ferry strike ends on Monday"
    infos = sentence_infos(TEXT, analysis(), title)
    assert [i.text for i in infos] == [title, TEXT[:46], TEXT[47:]]
    assert infos[0].actors == ["Anna Kovacs"] and infos[0].locations == ["Porto"]
    assert infos[1].actors == ["Anna Kovacs"] and infos[2].actors == []


def test_a_headline_the_text_starts_with_is_read_once() -> None:
    infos = sentence_infos(TEXT, analysis(), TEXT[:46])
    assert [i.text for i in infos] == [TEXT[:46], TEXT[47:]]
    assert [i.text for i in sentence_infos(TEXT, analysis())] == [TEXT[:46], TEXT[47:]]


def test_a_day_in_the_headline_dates_an_event() -> None:
    published = datetime(2026, 1, 28, 9, 0, tzinfo=UTC)  # a Wednesday
    title = "Porto ferry strike ended on Monday, mediator says"
    events = extract_events(sentence_infos(TEXT, analysis(), title), published, None)
    assert [(e.date, e.locations) for e in events] == [(date(2026, 1, 26), ["Porto"])]
