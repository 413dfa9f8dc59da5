"""JSON round trips of the domain dataclasses (``bot.store.serde``)."""

from __future__ import annotations

import enum
import types
import typing
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal, Union

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.digests.subscriptions import Subscription
from bot.models import (
    Article,
    ArticleRef,
    Development,
    DevelopmentFeatures,
    Entity,
    Event,
    Place,
    TimelineEntry,
    Topic,
)
from bot.store import serde
from bot.store.team import ReplyLocation
from bot.topics.fingerprints import Fingerprint
from bot.topics.state import ActorMeta, PlaceMeta

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
# be written back in the same shape, less the display flags it carried then (always
# false in the store: briefs set them on copies they never wrote).
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
DISPLAY_FLAGS = ',"is_new":false,"is_updated":false'


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
    written = serde.dumps(dev)
    # a record written before the headline-and-lead vector and the label's source
    # article existed gains them, empty
    expected = (
        STORED_DEVELOPMENT.replace(DISPLAY_FLAGS, "")
        .replace(',"signatures":', ',"lead":{},"signatures":', 1)
        .replace('"summary_sources":["w1"]}', '"summary_sources":["w1"],"label_source":""}', 1)
    )
    assert written == expected
    assert serde.dumps(serde.loads(Development, written)) == written


def test_a_stored_timeline_entry_loads_without_its_display_flag() -> None:
    stored = (
        '{"date":"2026-01-20","text":"Ceasefire agreed.","sources":["https://a.example/1"],'
        '"first_seen":"2026-01-21T08:00:00+00:00","updated_at":"2026-01-21T08:00:00+00:00",'
        '"is_new":false,"approximate":true}'
    )
    entry = serde.loads(TimelineEntry, stored)
    assert entry.approximate and entry.sources == ["https://a.example/1"]
    assert serde.dumps(entry) == stored.replace('"is_new":false,', "")


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


# ---- every stored record survives a round trip ------------------------------------------

STORED = [
    Article,
    Development,
    TimelineEntry,
    Topic,
    Fingerprint,
    Subscription,
    ReplyLocation,
    ActorMeta,
    PlaceMeta,
]
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)  # Redis takes UTF-8
SCALARS: dict[Any, st.SearchStrategy[Any]] = {
    str: TEXT,
    int: st.integers(),
    float: st.floats(allow_nan=False, allow_infinity=False),
    bool: st.booleans(),
    date: st.dates(),
    datetime: st.datetimes(timezones=st.none() | st.just(UTC)),
}


def values(tp: Any) -> st.SearchStrategy[Any]:
    """Any value of a type that serde supports, built from the type hints as serde reads them."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (Union, types.UnionType):
        (inner,) = [a for a in args if a is not type(None)]
        return st.none() | values(inner)
    if origin is Literal:
        return st.sampled_from(args)
    if origin is list:
        return st.lists(values(args[0]), max_size=3)
    if origin is dict:
        return st.dictionaries(TEXT, values(args[1]), max_size=3)
    if origin is tuple and args[-1] is Ellipsis:
        return st.lists(values(args[0]), max_size=3).map(tuple)
    if origin is tuple:
        return st.tuples(*(values(a) for a in args))
    if is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        stored = [f for f in fields(tp) if f.metadata != serde.NOT_STORED]
        return st.builds(tp, **{f.name: values(hints[f.name]) for f in stored})
    return SCALARS[tp]


@pytest.mark.parametrize("cls", STORED, ids=lambda c: c.__name__)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_stored_record_round_trips(cls: type, data: st.DataObject) -> None:
    record = data.draw(values(cls))
    raw = serde.dumps(record)
    back = serde.loads(cls, raw)
    assert back == record
    assert serde.dumps(back) == raw


# ---- what serde cannot type, it refuses -------------------------------------------------


class Colour(enum.Enum):
    RED = "red"


@dataclass
class TwoTypes:
    value: int | str


@dataclass
class HoldsTwoTypes:
    inner: TwoTypes | None = None


@dataclass
class Kept:
    x: int
    note: str | None = field(default=None, metadata=serde.NOT_STORED)


@dataclass
class KeptWithoutDefault:
    note: str = field(metadata=serde.NOT_STORED)


def test_a_union_of_two_real_types_is_refused_naming_the_field_and_the_type() -> None:
    message = r"TwoTypes\.value: serde cannot rebuild int \| str from JSON: a union of int and str"
    with pytest.raises(TypeError, match=message):
        serde.loads(TwoTypes, '{"value": 1}')
    with pytest.raises(TypeError, match=message):  # nor written: it could not be read back
        serde.dumps(TwoTypes(value=1))
    with pytest.raises(TypeError, match=r"HoldsTwoTypes\.inner: TwoTypes\.value: .* int and str"):
        serde.loads(HoldsTwoTypes, "{}")


@pytest.mark.parametrize(
    ("tp", "message"),
    [
        (Union[int, str], "a union of int and str"),  # noqa: UP007  # the older spelling
        (int | str | None, "a union of int and str"),
        (set[str], "a set has no JSON form"),
        (frozenset[int], "a set has no JSON form"),
        (list, "say what it holds"),
        (dict, "say what it holds"),
        (tuple, "say what it holds"),
        (dict[int, str], "JSON object keys are str"),
        (Any, "Any does not say what to rebuild"),
        (list[Any], "Any does not say what to rebuild"),
        (bytes, "not a supported type"),
        (Literal[Colour.RED], "values must be scalars"),
    ],
    ids=str,
)
def test_annotations_serde_cannot_rebuild_are_refused(tp: Any, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        serde.from_jsonable(tp, None)


def test_not_stored_fields_are_neither_written_nor_read() -> None:
    assert serde.dumps(Kept(x=1, note="in memory")) == '{"x":1}'
    assert serde.loads(Kept, '{"x":1,"note":"old"}') == Kept(x=1)
    with pytest.raises(TypeError, match="a NOT_STORED field needs a default"):
        serde.loads(KeptWithoutDefault, "{}")
