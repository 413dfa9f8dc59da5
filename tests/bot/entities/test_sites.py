"""Named streets, stadiums and hospitals are places of kind facility; everyday
abbreviations, a player notice and a minister's portfolio are no entities (issue 13,
fifth round). Our own invented sentences."""

from __future__ import annotations

from bot.entities.analyzer import Analysis, EntityAnalyzer
from bot.entities.facilities import names_a_site, site_head
from bot.text.names import name_key
from tests.bot.entities.forms import forms


def actors(a: Analysis) -> set[str]:
    return set(forms(a.actors))


def places(a: Analysis) -> dict[str, str]:
    return forms(a.locations)


def test_a_street_and_a_square_are_places_not_people(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "Police sealed off Marlowe Street after the fire. Hundreds gathered in Trafalgar "
        "Square on Sunday evening to remember the victims.",
    )
    assert places(a).get("Marlowe Street") == "facility"
    assert places(a).get("Trafalgar Square") == "facility"
    assert not {"Marlowe Street", "Trafalgar Square"} & actors(a)


def test_a_hospital_one_is_taken_to_is_a_place(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "The driver was taken to Northgate General Hospital with leg injuries, and a "
        "passenger was treated at the scene.",
    )
    assert places(a).get("Northgate General Hospital") == "facility"
    assert "Northgate General Hospital" not in actors(a)


def test_a_hospital_that_only_speaks_stays_an_organisation() -> None:
    class Said:
        def __init__(self, key: str, cue: bool = False, label: str = "ORG") -> None:
            self.key, self.cue, self.label = key, cue, label

    # "Northgate General Hospital said it had reviewed its rota."
    assert not names_a_site([Said(name_key("Northgate General Hospital"))])
    assert names_a_site([Said(name_key("Northgate General Hospital"), cue=True)])
    assert names_a_site([Said(name_key("Marlowe Street"))])  # a street wherever it is named
    assert not site_head(name_key("Street"))  # a bare word names nothing


def test_downing_street_speaks_for_the_government(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "", "Downing Street said on Monday that the review would be published in spring."
    )
    assert "Downing Street" in actors(a) and "Downing Street" not in places(a)


def test_everyday_abbreviations_are_no_actors(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "CCTV footage showed the van leaving at dawn. Doctors say SPF 30 cream blocks most "
        "UVB rays, and the singer, an R&B star, was taken to A&E.",
    )
    assert not {"CCTV", "SPF", "UVB", "R&B", "A&E"} & (actors(a) | set(places(a)))


def test_a_player_notice_and_a_portfolio_name_no_body(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "",
        "Media playback is not supported on this device. The Justice Secretary and the "
        "Schools Minister will visit Leeds on Friday.",
    )
    assert not {"Media", "Justice", "Schools"} & (actors(a) | set(places(a)))
    assert "Leeds" in places(a)


def test_at_the_hospital_is_a_locative_word_too(analyzer: EntityAnalyzer) -> None:
    a = analyzer.analyze(
        "", "She stayed with her mother at the Royal Hallamshire Hospital overnight."
    )
    assert places(a).get("Royal Hallamshire Hospital") == "facility"
