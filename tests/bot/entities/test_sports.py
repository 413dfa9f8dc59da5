"""Sports clubs named after their city are organisations when the sentence is about a
match; the city in other uses stays a place (issue 13). Our own invented sentences."""

from __future__ import annotations

from bot.entities.analyzer import Analysis, EntityAnalyzer


def actors(a: Analysis) -> dict[str, str]:
    return {n: e.kind for e in a.actors for n in [e.name, *e.aliases]}


def places(a: Analysis) -> set[str]:
    return {n for p in a.locations for n in [p.name, *p.aliases]}


def test_clubs_that_beat_or_draw_are_organisations(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "Leicester beat Norwich 2-1 on Saturday. Groningen drew with Utrecht, and Sheffield "
        "lost to Bristol in the last minute.",
    )
    found = actors(a)
    for club in ("Leicester", "Norwich", "Groningen", "Utrecht", "Sheffield", "Bristol"):
        assert found.get(club) == "organization", club
    assert not {"Leicester", "Norwich", "Groningen", "Utrecht"} & places(a)


def test_a_club_named_with_its_first_word_or_by_its_coach_is_an_organisation(
    analyzer: EntityAnalyzer,
) -> None:
    a = analyzer.analyze(
        "",
        "Sporting Lisbon 0-3 Club Brugge\n\nThe visitors scored twice before the break. "
        "Southampton head coach Tom Reed praised his side after a 3-1 win over Crystal Palace.",
    )
    found = actors(a)
    assert found.get("Sporting Lisbon") == "organization"
    assert found.get("Club Brugge") == "organization"
    assert found.get("Southampton") == "organization"
    assert found.get("Crystal Palace") == "organization"
    assert not {"Lisbon", "Brugge", "Southampton", "Crystal Palace"} & places(a)


def test_the_city_in_other_uses_stays_a_place(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "Floods hit Leicester on Monday. Liverpool hosted the climate talks, and the council "
        "in Sheffield opened two shelters.",
    )
    assert {"Leicester", "Liverpool", "Sheffield"} <= places(a)
    assert not {"Leicester", "Liverpool", "Sheffield"} & set(actors(a))


def test_a_country_that_wins_a_match_stays_a_place(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze("", "France beat Spain 2-1 in the final in Berlin on Sunday.")
    assert {"France", "Spain", "Berlin"} <= places(a)
