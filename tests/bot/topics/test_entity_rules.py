"""Editors' entity rules applied to an article (``bot.topics.entity_rules``): pure."""

from __future__ import annotations

from copy import copy
from datetime import date

from bot.models import Article, Entity, Event, Place
from bot.store.edits import EntityRule
from bot.topics.entity_rules import apply_rules, rule_key
from tests.support.articles import keyed_article

QAMISHLI = Place(id="geo:1", name="Qamishli", kind="city", country="SY", mentions=3)
AL_QAMISHLI = Place(id="geo:2", name="Al Qamishli", kind="city", country="SY", mentions=2)
AHMAD = Entity(id="actor:ahmad", name="Ahmad", kind="person", mentions=4)
REUTERS = Entity(id="actor:reuters", name="Reuters", kind="organization")


def article() -> Article:
    event = Event(date=date(2026, 1, 2), text="e", actors=["Reuters"], locations=["Al Qamishli"])
    return keyed_article(
        "https://x.example/a", "text", title="t",
        actors=[copy(AHMAD), copy(REUTERS)], locations=[copy(QAMISHLI), copy(AL_QAMISHLI)],
        events=[event],
    )  # fmt: skip


def rule(action: str, name: str, target: str = "", target_id: str = "") -> EntityRule:
    return EntityRule(action, rule_key(name), name, target, target_id)


def test_reject_drops_the_entity_and_its_event_mentions() -> None:
    out = apply_rules(article(), [rule("reject", "reuters")])
    assert [a.name for a in out.actors] == ["Ahmad"]
    assert out.events[0].actors == []


def test_merge_folds_into_the_target_of_the_same_article() -> None:
    out = apply_rules(article(), [rule("merge", "al-Qamishli", "Qamishli")])
    assert [(p.name, p.mentions) for p in out.locations] == [("Qamishli", 5)]
    assert "Al Qamishli" in out.locations[0].aliases
    assert out.events[0].locations == ["Qamishli"]


def test_merge_without_the_target_takes_its_id_and_rename_keeps_the_id() -> None:
    a = article()
    a.locations = [AL_QAMISHLI]
    out = apply_rules(a, [rule("merge", "Al Qamishli", "Qamishli", "geo:1")])
    assert [(p.id, p.name) for p in out.locations] == [("geo:1", "Qamishli")]
    out = apply_rules(article(), [rule("rename", "Ahmad", "Ahmad al-Sharaa")])
    assert (out.actors[0].id, out.actors[0].name) == ("actor:ahmad", "Ahmad al-Sharaa")


def test_no_rules_change_nothing() -> None:
    a = article()
    assert apply_rules(a, []) is a
