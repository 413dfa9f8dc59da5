"""A court's, a police force's or a government's name keeps its last word (issue 13,
fifth round). Our own invented sentences."""

from __future__ import annotations

from bot.entities.analyzer import EntityAnalyzer


def test_courts_and_police_forces_keep_their_head_word(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "The case was heard at Exeter Crown Court on Tuesday. A spokesman for Thames Valley "
        "Police said two men had been charged, and the Supreme Court will not hear an appeal.",
    )
    names = {n for e in a.actors for n in [e.name, *e.aliases]}
    assert {"Exeter Crown Court", "Thames Valley Police", "Supreme Court"} <= names
    assert not {"Exeter Crown", "Thames Valley", "Supreme"} & names


def test_a_police_force_tagged_as_a_place_is_an_organisation(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "The report criticised the conduct of both South Yorkshire Police and Greater "
        "Manchester Police.",
    )
    actors = {n for e in a.actors for n in [e.name, *e.aliases]}
    assert "South Yorkshire Police" in actors
    assert "South Yorkshire Police" not in {p.name for p in a.locations}
