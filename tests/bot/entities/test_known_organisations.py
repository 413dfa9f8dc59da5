"""Organisations English news names daily, from the curated table (bot/data/actors.yaml):
parties by their short forms, clubs whose names are no place's, companies, public bodies
and unions, found as organisations where the NER tags nothing or calls them something
else. Our own invented sentences."""

from __future__ import annotations

import pytest

from bot.entities.analyzer import Analysis, EntityAnalyzer
from tests.bot.entities.forms import forms


def organisations(a: Analysis) -> set[str]:
    return set(forms(e for e in a.actors if e.kind == "organization"))


def places(a: Analysis) -> set[str]:
    return set(forms(a.locations))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Ukip and the Conservatives both lost ground in the council elections in Kent.",
            {"UK Independence Party", "Conservative Party"},
        ),
        (
            "Arsenal made an offer for the winger on Thursday, and Crystal Palace matched it.",
            {"Arsenal", "Crystal Palace"},
        ),
        (
            "The RMT and Aslef said their members would strike over pay next month.",
            {"National Union of Rail, Maritime and Transport Workers", "Aslef"},
        ),
        (
            "Ofcom said it would fine the broadcaster, and Ofsted closed the nursery in Leeds.",
            {"Ofcom", "Ofsted"},
        ),
        (
            "The DWP and the MoJ said the figures were wrong, and Border Force agreed.",
            {"Department for Work and Pensions", "Ministry of Justice", "Border Force"},
        ),
    ],
)
def test_a_curated_organisation_is_found_as_one(
    analyzer: EntityAnalyzer, text: str, expected: set[str]
) -> None:
    a = analyzer.analyze("", text)
    assert expected <= organisations(a)
    assert not expected & places(a)


def test_a_party_s_short_forms_are_one_actor(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "The Tories promised lower taxes. A Conservative Party spokesman said the Tory "
        "party would publish its plans in Leeds on Monday.",
    )
    party = [e for e in a.actors if e.name == "Conservative Party"]
    assert len(party) == 1 and party[0].kind == "organization"
    assert {"Tories"} <= set(party[0].aliases)
