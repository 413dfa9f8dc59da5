from __future__ import annotations

import pytest

from bot.errors import TopicNameError
from bot.models import Article, Entity, Place, Topic
from bot.topics.definitions import (
    assign,
    auto_topic,
    index_terms,
    load_seed_topics,
    matches,
    resolve,
    slugify,
)

SYRIA = Topic(name="syria", aliases=["syrian", "damascus"], countries=["SY"])


def article(**kw: object) -> Article:
    base: dict[str, object] = dict(
        id="a", url=None, canonical_url=None, title="", text="", content_hash="h"
    )
    base.update(kw)
    return Article(**base)  # type: ignore[arg-type]


def test_seed_topics_ship_in_the_package() -> None:
    topics = {t.name: t for t in load_seed_topics()}
    assert "syria" in topics and topics["syria"].countries == ["SY"]


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Syria", "syria"),
        ("  Local Council! ", "local-council"),
        ("Côte d'Ivoire", "cote-d-ivoire"),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug


@pytest.mark.parametrize("bad", ["", "!!!", "😀😀", "x" * 200])
def test_unusable_names(bad: str) -> None:
    with pytest.raises(TopicNameError):
        slugify(bad)


def test_resolve_by_slug_then_alias() -> None:
    assert resolve("SYRIA", [SYRIA]) is SYRIA
    assert resolve("Damascus", [SYRIA]) is SYRIA
    assert resolve("ukraine", [SYRIA]) is None


def test_country_match_needs_a_salient_place() -> None:
    place = Place(id="geo:1", name="Qamishli", kind="city", country="SY", mentions=3)
    assert matches(article(locations=[place]), SYRIA)
    minor = [Place(id=f"p{i}", name=f"P{i}", kind="city", country="FR") for i in range(5)]
    passing = Place(id="geo:2", name="Aleppo", kind="city", country="SY", mentions=1)
    assert not matches(article(locations=[*minor, passing]), SYRIA)


def test_term_match_in_title_entities_or_repeated_in_text() -> None:
    assert matches(article(title="Syrian forces advance"), SYRIA)
    actor = Entity(id="org:x", name="Damascus Chamber", kind="organization", aliases=["damascus"])
    assert matches(article(actors=[actor]), SYRIA)
    assert not matches(article(text="A trip to Damascus once."), SYRIA)
    assert matches(article(text="Damascus said. Later Damascus denied."), SYRIA)


def test_assign_keeps_definition_order() -> None:
    other = Topic(name="bases", aliases=["hmeimim"])
    a = article(title="Syrian talks on Hmeimim")
    assert assign(a, [SYRIA, other]) == ["syria", "bases"]


def test_auto_topic_for_a_country_and_a_word() -> None:
    ukraine = auto_topic("Ukraine")
    assert ukraine.countries == ["UA"] and ukraine.defined_by == "auto"
    grain = auto_topic("grain exports")
    assert grain.name == "grain-exports" and grain.countries == []
    assert grain.aliases == ["grain exports"]


def test_index_terms_cover_entities_countries_and_title() -> None:
    a = article(
        title="Grain shipments resume",
        actors=[Entity(id="p", name="Volodymyr Zelensky", kind="person")],
        locations=[Place(id="g", name="Odesa", kind="city", country="UA")],
    )
    terms = index_terms(a)
    assert {"volodymyr zelensky", "zelensky", "odesa", "country:UA", "grain", "shipments"} <= terms
