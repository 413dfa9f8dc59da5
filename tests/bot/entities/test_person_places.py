"""A person named in full and then by one name that is also a place's stays a person
(issue 13, fifth round). Our own invented sentences."""

from __future__ import annotations

from bot.entities.analyzer import Analysis, EntityAnalyzer
from tests.bot.entities.forms import forms


def people(a: Analysis) -> dict[str, set[str]]:
    return {e.name: {e.name, *e.aliases} for e in a.actors if e.kind == "person"}


def place_names(a: Analysis) -> set[str]:
    return set(forms(a.locations))


def test_a_surname_after_a_locative_word_is_still_the_person(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "Lewis Hamilton took pole in Monaco on Saturday. Nobody came closer to Hamilton "
        "than his team-mate, and Hamilton said the car felt perfect.",
    )
    assert "Hamilton" not in place_names(a) and "Lewis Hamilton" not in place_names(a)
    assert any("Hamilton" in names for names in people(a).values())
    assert "Monaco" in place_names(a)


def test_a_full_name_is_no_place_for_its_surname(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "Prosecutor Daniel Evans told the court in Atlanta that the money was never repaid. "
        "Evans said the scheme ran from Georgia for two years.",
    )
    assert not {"Evans", "Daniel Evans"} & place_names(a)  # not Evans, Georgia
    assert "Atlanta" in place_names(a)


def test_a_first_name_that_is_also_a_city_is_the_person(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "Charlotte Greaves, 31, was hit by a van while cycling to work. Charlotte spent "
        "six weeks in hospital. Charlotte now coaches a cycling club in Bristol.",
    )
    assert "Charlotte" not in place_names(a)
    assert people(a).get("Charlotte Greaves", set()) >= {"Charlotte"}
    assert "Bristol" in place_names(a)


def test_a_first_name_after_a_locative_word_stays_the_place(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "Florence Hart opened her first bakery last year. This spring she moved it to "
        "Florence, where she had studied.",
    )
    assert "Florence" in place_names(a)


def test_a_two_word_surname_is_the_person_named_in_full(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        'Louis van Gaal praised his midfield after the draw. "He was composed," Van Gaal '
        "said on Sunday.",
    )
    assert people(a).get("Louis van Gaal", set()) >= {"Van Gaal"}
    assert "Van Gaal" not in people(a)
