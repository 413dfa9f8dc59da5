"""Outlets credited as the source of a report are no actors; an outlet the story is
about stays one (issue 13). Our own invented sentences."""

from __future__ import annotations

from bot.entities.analyzer import Analysis, EntityAnalyzer
from tests.bot.entities.forms import forms


def names(a: Analysis) -> set[str]:
    return set(forms([*a.actors, *a.locations]))


def test_a_dateline_credit_is_no_actor(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "", "OSLO (AFP) — The harbour authority in Bergen closed the port on Monday."
    )
    assert "Agence France-Presse" not in names(a) and "AFP" not in names(a)
    assert "Bergen" in names(a)


def test_an_agency_behind_an_analysis_or_a_projection_is_no_actor(
    analyzer: EntityAnalyzer,
) -> None:
    a = analyzer.analyze(
        "",
        "The Greens came first in Zwolle, according to an analysis by the data desk of "
        "Dutch news agency ANP. ANP's latest projection gives them 14 seats.",
    )
    assert "ANP" not in names(a)


def test_every_outlet_of_a_credited_list_is_no_actor(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "The budget plan will be presented on Friday, sources confirmed to NOS, ANP, and "
        "RTL Nieuws. The mayor of Delft welcomed it.",
    )
    assert not {"NOS", "ANP", "RTL Nieuws"} & names(a)


def test_an_outlet_that_says_or_is_labelled_the_source_is_no_actor(
    analyzer: EntityAnalyzer,
) -> None:
    a = analyzer.analyze(
        "",
        "Agence France-Presse and local officials said the bridge near Tromso had collapsed. "
        "Rescue teams reached the valley on Tuesday.\n(source: Reuters)",
    )
    assert not {"Agence France-Presse", "Reuters"} & names(a)


def test_an_unknown_outlet_in_a_dateline_or_a_masthead_line_is_no_actor(
    analyzer: EntityAnalyzer,
) -> None:
    a = analyzer.analyze(
        "",
        "· The Harbour Gazette\n\n(The Northside Post News)– Mayor Anna Berg has asked "
        "Pieter Smit to lead the talks on a new council in Bergen.",
    )
    assert "Anna Berg" in names(a)
    assert not {"Harbour Gazette", "Northside Post News", "Post News"} & names(a)


def test_a_photographer_credited_with_an_agency_is_junk(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "Voters queued outside a school in Utrecht on Wednesday.\nPhoto MARIEKE DE GROOT/ANP\n"
        "Turnout was high across the province.",
    )
    assert not {"ANP", "MARIEKE DE GROOT"} & names(a)


def test_a_particle_in_capitals_finds_the_curated_outlet(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze("", "Shelling resumed near Kharkiv overnight, AL Jazeera reports.")
    assert not {"AL Jazeera", "Al Jazeera"} & names(a)


def test_an_outlet_the_story_is_about_stays_an_actor(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "A court in Paris fined Agence France-Presse on Monday over an unpaid contract. "
        "Police in Minsk arrested a photographer working for Reuters.",
    )
    found = names(a)
    assert "Agence France-Presse" in found and "Reuters" in found


def test_a_credited_channel_of_a_known_outlet_is_no_actor(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "Town manager Gary Holt told BBC Radio Leeds that the squad was tired. The club "
        "plays in Halifax on Saturday.",
    )
    assert not {n for n in names(a) if n.startswith("BBC")}
    assert "Gary Holt" in names(a)
