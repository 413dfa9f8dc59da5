"""Briefs from precomputed topic state: watermarks, "new" marks, automatic
topics, team isolation and the brief JSON — on hand-built articles, no NLP."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.deps import Deps
from bot.errors import TopicNameError
from bot.jobs.pipeline import store_article
from bot.models import Article, Development, Entity, Event, Marks, Place, TimelineEntry
from bot.render.jsonout import brief_json
from bot.topics import brief as briefs
from bot.topics import topic_copy
from bot.topics.definitions import assign
from tests.support.articles import keyed_article

QAMISHLI = Place(id="geo:q", name="Qamishli", kind="city", country="SY", mentions=4)
HMEIMIM = Place(id="facility:h", name="Hmeimim Air Base", kind="facility", country="SY", mentions=3)
ODESA = Place(id="geo:o", name="Port of Chornomorsk", kind="facility", country="UA", mentions=3)
PUTIN = Entity(id="person:putin", name="Vladimir Putin", kind="person", mentions=3)
SDF = Entity(id="org:sdf", name="Syrian Democratic Forces", kind="organization", mentions=4)


def make(
    deps: Deps,
    team: str,
    url: str,
    title: str,
    text: str,
    day: int,
    places: list[Place],
    actors: list[Entity],
    events: list[Event] | None = None,
) -> Article:
    article = keyed_article(
        url,
        text,
        title=title,
        outlet=url.split("/")[2],
        published=datetime(2026, 1, day, 9, tzinfo=UTC),
        summary=[text.split(". ")[0] + "."],
        actors=actors,
        locations=places,
        ingested_at=datetime.now(UTC),
    )
    article.events = [replace(e, sources=[url]) for e in events or []]
    article.topics = assign(article, deps.store.topics(team))
    assert store_article(deps, team, article, url).status == "ingested"
    return article


def withdrawal(deps: Deps, n: int, team: str = "T1") -> Article:
    return make(
        deps,
        team,
        f"https://outlet{n}.example/qamishli-{n}",
        f"Russian troops leave Qamishli airport ({n})",
        "Russian troops left the airport in Qamishli and flew to the Hmeimim air base. "
        f"Residents watched the convoys leave the base on the road north, report {n}. "
        "Transport aircraft took equipment from Qamishli to Hmeimim over several days.",
        22 + n % 3,
        [QAMISHLI, HMEIMIM],
        [PUTIN],
    )


def ceasefire(deps: Deps, n: int) -> Article:
    return make(
        deps,
        "T1",
        f"https://wire{n}.example/ceasefire-{n}",
        f"Government and SDF agree ceasefire in the east ({n})",
        "The Syrian government and the Syrian Democratic Forces agreed a ceasefire in Raqqa. "
        f"The truce hands Deir ez-Zor and Raqqa governorates to Damascus, account {n}. "
        "Negotiators left the status of Hasakah for later talks between the two sides.",
        20,
        [Place(id="geo:r", name="Raqqa", kind="city", country="SY", mentions=3)],
        [SDF],
    )


def at(hours: float) -> datetime:
    return datetime(2026, 1, 26, 8, tzinfo=UTC) + timedelta(hours=hours)


def stored_dev(ident: str, created: float, updated: float) -> Development:
    return Development(
        id=ident, topic="syria", title=ident, summary="", first_seen=at(0), last_seen=at(0),
        created_at=at(created), updated_at=at(updated),
    )  # fmt: skip


def test_marks_are_relative_to_the_watermark() -> None:
    developments = [stored_dev("old", 0, 1), stored_dev("moved", 0, 5), stored_dev("fresh", 4, 6)]
    timeline = [
        TimelineEntry(date(2026, 1, 20), "before", first_seen=at(1)),
        TimelineEntry(date(2026, 1, 21), "after", first_seen=at(5)),
        TimelineEntry(date(2026, 1, 22), "from an older record"),  # no first_seen
    ]
    marks = briefs.mark_changes(developments, timeline, at(3))
    assert marks == Marks({"moved": "updated", "fresh": "new"}, frozenset({1}))
    # strictly after the watermark: "moved" changed at 5 exactly
    later = briefs.mark_changes(developments, timeline, at(5))
    assert later == Marks({"fresh": "updated"}, frozenset())
    # no watermark (a first brief): everything is new, and no timeline entry is marked
    first = briefs.mark_changes(developments, timeline, None)
    assert first == Marks({"old": "new", "moved": "new", "fresh": "new"}, frozenset())


def test_briefing_twice_marks_nothing_new_the_second_time(deps: Deps) -> None:
    for n in range(3):
        withdrawal(deps, n)
    first = briefs.brief_for(deps, "T1", "syria", user="U1")
    assert first.article_count == 3 and first.developments
    assert [first.marks.developments[d.id] for d in first.developments] == ["new"] * len(
        first.developments
    )
    assert not first.quiet
    second = briefs.brief_for(deps, "T1", "syria", user="U1")
    assert second.since is not None and second.quiet
    assert second.marks.developments == {} and second.marks.new_events == frozenset()


def test_one_new_article_marks_exactly_its_development(deps: Deps) -> None:
    for n in range(3):
        withdrawal(deps, n)
    ceasefire(deps, 0)
    briefs.brief_for(deps, "T1", "syria", user="U1")
    ceasefire(deps, 1)
    after = briefs.brief_for(deps, "T1", "syria", user="U1")
    changed = [d for d in after.developments if d.id in after.marks.developments]
    assert len(changed) == 1
    assert "ceasefire" in changed[0].title.lower()
    assert after.marks.developments == {changed[0].id: "updated"}
    assert not after.quiet


def test_watermarks_are_per_user_and_per_channel(deps: Deps) -> None:
    withdrawal(deps, 0)
    briefs.brief_for(deps, "T1", "syria", user="U1")
    assert briefs.brief_for(deps, "T1", "syria", user="U1").quiet
    assert not briefs.brief_for(deps, "T1", "syria", user="U2").quiet
    assert not briefs.brief_for(deps, "T1", "syria", channel="C1").quiet


def test_since_overrides_the_watermark(deps: Deps) -> None:
    withdrawal(deps, 0)
    future = datetime.now(UTC) + timedelta(hours=1)
    assert briefs.brief_for(deps, "T1", "syria", since=future, mark_seen=False).quiet
    past = datetime.now(UTC) - timedelta(hours=1)
    assert not briefs.brief_for(deps, "T1", "syria", since=past, mark_seen=False).quiet


def test_an_undefined_word_is_a_search_until_someone_follows_it(deps: Deps) -> None:
    withdrawal(deps, 0)
    make(
        deps,
        "T1",
        "https://k.example/grain",
        "Grain ships leave Chornomorsk",
        "Grain ships left Chornomorsk under escort. Exports rose. Chornomorsk port was busy.",
        23,
        [ODESA],
        [],
    )
    odesa = briefs.brief_for(deps, "T1", "Chornomorsk", mark_seen=False)
    assert not odesa.known_topic and odesa.article_count == 1
    assert odesa.developments[0].title == "Grain ships leave Chornomorsk"
    assert "chornomorsk" not in [t.name for t in deps.store.topics("T1")]
    assert topic_copy.state_keys(deps.redis, "T1", "chornomorsk") == []
    # following it makes it a topic, and later articles are filed into it as they arrive
    briefs.follow(deps, "T1", "U1", "Chornomorsk")
    make(
        deps,
        "T1",
        "https://k.example/grain2",
        "Chornomorsk port attacked",
        "Drones hit Chornomorsk port overnight. Officials in Chornomorsk said ships were hit.",
        24,
        [ODESA],
        [],
    )
    kept = briefs.brief_for(deps, "T1", "chornomorsk", mark_seen=False)
    assert kept.known_topic and kept.article_count == 2


def test_an_unknown_term_creates_nothing(deps: Deps) -> None:
    result = briefs.brief_for(deps, "T1", "zanzibar", mark_seen=False)
    assert not result.known_topic and result.article_count == 0
    assert "zanzibar" not in [t.name for t in deps.store.topics("T1")]
    with pytest.raises(TopicNameError):
        briefs.brief_for(deps, "T1", "   ")


def test_teams_get_only_their_own_briefs(deps: Deps) -> None:
    withdrawal(deps, 0, team="TA")
    assert briefs.brief_for(deps, "TA", "syria", mark_seen=False).article_count == 1
    other = briefs.brief_for(deps, "TB", "syria", mark_seen=False)
    assert other.article_count == 0 and other.developments == []


def test_brief_json_has_the_interface_fields(deps: Deps) -> None:
    for n in range(2):
        withdrawal(deps, n)
    data = brief_json(briefs.brief_for(deps, "T1", "syria", mark_seen=False))
    assert {
        "topic",
        "team",
        "generated_at",
        "article_count",
        "source_count",
        "developments",
        "actors",
        "locations",
        "timeline",
    } <= set(data)
    dev = data["developments"][0]
    assert {
        "id",
        "title",
        "summary",
        "is_new",
        "first_seen",
        "last_seen",
        "articles",
        "actors",
        "locations",
    } <= set(dev)
    assert {"url", "title", "outlet", "published"} <= set(dev["articles"][0])
    assert data["locations"][0]["country"] == "SY"


def test_add_topic_files_existing_articles_and_follow(deps: Deps) -> None:
    withdrawal(deps, 0)
    topic = briefs.add_topic(deps, "T1", "bases", ["hmeimim"])
    assert topic.defined_by == "user" and "hmeimim" in topic.aliases
    assert briefs.brief_for(deps, "T1", "bases", mark_seen=False).article_count == 1
    assert briefs.follow(deps, "T1", "U1", "bases").name == "bases"
    assert deps.store.followed("T1", "U1") == ["bases"]
    assert briefs.unfollow(deps, "T1", "U1", "bases")
    assert not briefs.unfollow(deps, "T1", "U1", "bases")


def test_the_brief_reads_a_bounded_slice(deps: Deps) -> None:
    for n in range(12):
        withdrawal(deps, n)
    brief = briefs.brief_for(deps, "T1", "syria", mark_seen=False)
    assert brief.article_count == 12
    assert len(brief.developments) <= 8 and len(brief.timeline) <= 12


def test_an_ingest_cut_between_store_and_topics_is_completed_on_retry(deps: Deps) -> None:
    from bot.store.keys import TopicKeys

    article = withdrawal(deps, 0)
    # as if the worker died after storing the article, before filing it in its topic
    k = TopicKeys("T1", "syria")
    deps.redis.delete(k.articles, k.article_development, k.developments, k.fingerprints)
    assert not deps.topic_state.contains("T1", "syria", article.id)
    again = store_article(deps, "T1", article, article.url or "")
    assert again.status == "duplicate"
    assert deps.topic_state.contains("T1", "syria", article.id)
    assert briefs.brief_for(deps, "T1", "syria", mark_seen=False).article_count == 1


def test_the_timeline_keeps_well_attested_events_over_later_one_source_ones(deps: Deps) -> None:
    import hashlib
    from datetime import date

    from bot.models import Event

    def with_events(n: int, events: list[Event]) -> None:
        # distinct texts (letters only: similarity ignores digits), so none is a copy
        words = [hashlib.sha256(f"{n}-{i}".encode()).hexdigest() for i in range(120)]
        text = " ".join("".join(c for c in w if c.isalpha()) for w in words) + "."
        make(deps, "T1", f"https://e{n}.example/x", f"Syrian report {n}", text, 25,
             [QAMISHLI], [PUTIN], events=events)  # fmt: skip

    ceasefire_day = Event(date(2026, 1, 20), "The ceasefire was agreed.", signature="ceasefire")
    for n in range(3):  # three outlets report the ceasefire
        with_events(n, [ceasefire_day])
    later = [Event(date(2026, 2, 1 + i), f"Colour {i}.", signature=f"c{i}") for i in range(12)]
    with_events(9, later)
    timeline = briefs.brief_for(deps, "T1", "syria", mark_seen=False).timeline
    assert len(timeline) == 12
    assert timeline[0].date == date(2026, 1, 20) and len(timeline[0].sources) == 3
    assert [e.date for e in timeline] == sorted(e.date for e in timeline)
