"""JSON round trips of the domain dataclasses (``bot.store.serde``)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.models import (
    Article,
    ArticleRef,
    Development,
    DevelopmentFeatures,
    Entity,
    Event,
    Place,
    TimelineEntry,
)
from bot.store import serde

WHEN = datetime(2026, 1, 20, 9, 30, tzinfo=UTC)


def _article() -> Article:
    return Article(
        id="a1",
        url="https://example.org/a1",
        canonical_url="https://example.org/a1",
        title="Talks resume",
        text="Talks resumed on Monday.",
        content_hash="h1",
        published=WHEN,
        summary=["Talks resumed on Monday."],
        actors=[Entity(id="person:x", name="X", kind="person", aliases=["Mr X"], salience=0.5)],
        locations=[Place(id="geo:1", name="Raqqa", kind="city", country="SY", lat=35.9)],
        events=[Event(date=date(2026, 1, 19), text="Talks resumed.", sources=["u"])],
        topics=["syria"],
    )


def test_an_article_survives_a_compressed_round_trip() -> None:
    article = _article()
    back = serde.unpack(Article, serde.pack(article))
    assert back == article
    assert isinstance(back.actors[0], Entity)
    assert back.events[0].date == date(2026, 1, 19)
    assert back.published == WHEN


def test_a_development_keeps_its_refs_copies_and_typed_features() -> None:
    dev = Development(
        id="d-1",
        topic="syria",
        title="t",
        summary="s",
        first_seen=WHEN,
        last_seen=WHEN,
        updated_at=WHEN,
        created_at=WHEN,
        articles=[
            ArticleRef(
                id="a1",
                url=None,
                title="t",
                outlet=None,
                published=None,
                copies=[{"url": "u2", "outlet": "o2"}],
            )
        ],
        features=DevelopmentFeatures(
            terms={"talks": 0.5},
            signatures=[("a1", [1, 2, 3])],
            names={"geo:1": ("Raqqa", "place")},
            sentences=[("a1", "Talks resumed.")],
        ),
    )
    back = serde.loads(Development, serde.dumps(dev))
    assert back == dev
    assert isinstance(back.articles[0], ArticleRef)
    assert back.articles[0].published is None
    assert back.features.names["geo:1"] == ("Raqqa", "place")


# A development as the code before typed features wrote it (bot.topics.state), cut
# to two members: the store holds records like this one, which must keep loading and
# be written back in the same shape.
STORED_DEVELOPMENT = (
    '{"id":"d-7d50760cff","topic":"syria","title":"Russian troops leave Qamishli airport base",'
    '"summary":"Russian troops have begun leaving their base at the airport in Qamishli.",'
    '"first_seen":"2026-01-26T08:00:00+00:00","last_seen":"2026-01-26T09:00:00+00:00",'
    '"updated_at":"2026-01-26T09:00:00+00:00","created_at":"2026-01-26T08:00:00+00:00",'
    '"articles":[{"id":"w2","url":"https://eurasiamonitor.example/w2",'
    '"title":"Kremlin silent as its soldiers quit Kamishli","outlet":"Eurasia Monitor",'
    '"published":"2026-01-26T09:00:00+00:00","copies":[]},'
    '{"id":"w1","url":"https://gulfwire.example/w1",'
    '"title":"Russian troops leave Qamishli airport base","outlet":"Gulf Wire",'
    '"published":"2026-01-26T08:00:00+00:00",'
    '"copies":[{"url":"https://levantledger.example/w1","outlet":"Levant Ledger"}]}],'
    '"article_count":2,"outlets":["Gulf Wire","Eurasia Monitor","Levant Ledger"],'
    '"actors":["SDF"],"locations":["Qamishli"],'
    '"features":{"entities":{"geo:173377":0.8775,"n:kamashla":0.8775,"actor:sdf":0.0475,'
    '"n:sdf":0.0475},"terms":{"airport":0.124784,"troop":0.124784,"kamashla":0.262136,'
    '"leave":0.096546,"soldier":0.131352},'
    '"signatures":[["w1",[3771888229,1417208856,217408834,3780653822]],'
    '["w2",[12,3780653822,99,1]]],'
    '"names":{"actor:sdf":["SDF","actor"],"geo:173377":["Qamishli","place"]},'
    '"sentences":[["w1","Russian troops have begun leaving their base at the airport in '
    'Qamishli."],["w2","Moscow has said nothing about the departure of its soldiers from '
    'Kamishli."]],"summary_sources":["w1"]},"is_new":false,"is_updated":false}'
)


def test_a_stored_development_loads_and_is_written_back_identically() -> None:
    dev = serde.loads(Development, STORED_DEVELOPMENT)
    feats = dev.features
    assert feats.signatures[1] == ("w2", [12, 3780653822, 99, 1])
    assert feats.names["geo:173377"] == ("Qamishli", "place")
    assert feats.sentences[0][0] == "w1" and feats.summary_sources == ["w1"]
    assert feats.entities["n:sdf"] == 0.0475
    assert dev.articles[1].copies == [
        {"url": "https://levantledger.example/w1", "outlet": "Levant Ledger"}
    ]
    assert serde.dumps(dev) == STORED_DEVELOPMENT


def test_fields_missing_from_an_older_record_take_their_defaults() -> None:
    raw = '{"date": "2026-01-19", "text": "Talks resumed."}'
    entry = serde.loads(TimelineEntry, raw)
    assert entry.sources == []
    assert entry.approximate is False
    assert entry.first_seen is None


def test_reading_many_records_plans_each_type_once() -> None:
    raw = serde.dumps(_article())
    serde.loads(Article, raw)
    before = serde._converter.cache_info().misses
    for _ in range(50):
        serde.loads(Article, raw)
    assert serde._converter.cache_info().misses == before


def test_none_survives_at_every_level() -> None:
    ref = serde.from_jsonable(
        ArticleRef, {"id": "a", "url": None, "title": "t", "outlet": None, "published": None}
    )
    assert ref == ArticleRef(id="a", url=None, title="t", outlet=None, published=None)
    assert serde.from_jsonable(Development, None) is None
    assert serde.from_jsonable(list[Entity], None) is None


def test_lists_and_dicts_are_copies_not_the_parsed_objects() -> None:
    data = {"id": "d", "name": "n", "kind": "person", "aliases": ["x"]}
    entity = serde.from_jsonable(Entity, data)
    entity.aliases.append("y")
    assert data["aliases"] == ["x"]


def test_tuples_are_json_arrays_and_come_back_as_tuples() -> None:
    pair = serde.from_jsonable(tuple[str, list[int]], ["a1", [1, 2]])
    assert pair == ("a1", [1, 2])
    assert serde.from_jsonable(tuple[date, ...], ["2026-01-19", "2026-01-20"]) == (
        date(2026, 1, 19),
        date(2026, 1, 20),
    )
    assert serde.to_jsonable(("a1", (date(2026, 1, 19),))) == ["a1", ["2026-01-19"]]


def test_a_fixed_length_tuple_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="expected 2 items, got 3"):
        serde.from_jsonable(tuple[str, str], ["a", "b", "c"])
