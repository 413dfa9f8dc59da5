"""Places' countries: major subdivisions, places across borders, the article's country."""

from __future__ import annotations

import pytest

from bot.entities.analyzer import EntityAnalyzer
from bot.models import Place


def _places(analyzer: EntityAnalyzer, text: str) -> dict[str, Place]:
    return {p.name: p for p in analyzer.analyze("", text).locations}


@pytest.mark.parametrize(
    ("text", "name", "place_id", "country"),
    [
        (
            "Storms closed roads across Hertfordshire on Tuesday, and trains to Essex "
            "were cancelled for a second day.",
            "Essex",
            "region:GB-ESS",
            "GB",
        ),
        (
            "Storms closed roads across Hertfordshire on Tuesday, and trains to Essex "
            "were cancelled for a second day.",
            "Hertfordshire",
            "region:GB-HRT",
            "GB",
        ),
        (
            "The singer grew up in Kentucky and now lives on a ranch in Utah.",
            "Utah",
            "region:US-UT",
            "US",
        ),
        (
            "Unemployment fell in England but rose in Wales, the figures showed.",
            "Wales",
            "region:GB-WLS",
            "GB",
        ),
        (
            "The carmaker will build its new plant in Bavaria, the company said.",
            "Bavaria",
            "region:DE-BY",
            "DE",
        ),
    ],
)
def test_major_subdivisions_resolve_without_context(
    analyzer: EntityAnalyzer, text: str, name: str, place_id: str, country: str
) -> None:
    place = _places(analyzer, text)[name]
    assert (place.id, place.country) == (place_id, country)


def test_a_state_named_like_a_big_city_stays_the_city(analyzer: EntityAnalyzer) -> None:
    places = _places(analyzer, "The senator flew from Washington to New York on Monday.")
    assert {places["Washington"].kind, places["New York"].kind} == {"city"}


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Two fishermen were rescued from the North Sea after their trawler sank.", "North Sea"),
        ("The tour boat sailed down the Mekong past floating markets.", "Mekong"),
        ("She was born in the Soviet Union and moved to Canada in 1989.", "Soviet Union"),
    ],
)
def test_places_across_borders_have_no_country(
    analyzer: EntityAnalyzer, text: str, name: str
) -> None:
    assert _places(analyzer, text)[name].country is None


def test_an_unknown_place_gets_no_country_without_a_clear_majority(
    analyzer: EntityAnalyzer,
) -> None:
    # one American and one British city: half the mentions is no majority
    text = (
        "The family split their time between Boston and London, and the children went "
        "to school in Ashworth Vale."
    )
    assert _places(analyzer, text)["Ashworth Vale"].country is None


def test_an_unknown_place_takes_the_country_the_article_is_about(
    analyzer: EntityAnalyzer,
) -> None:
    text = (
        "Fire crews from Leeds and Bradford were called to a warehouse in Ashworth Vale "
        "on Sunday. Police in Leeds said nobody was hurt."
    )
    assert _places(analyzer, text)["Ashworth Vale"].country == "GB"


def test_a_month_is_no_town_of_the_articles_country(analyzer: EntityAnalyzer) -> None:
    text = (
        "Cambridgeshire County Council will vote on the plan in Ely. "
        "Work on the bypass in Cambridgeshire is due to start in March."
    )
    assert "March" not in _places(analyzer, text)


def test_an_unknown_word_said_once_without_place_evidence_is_no_place(
    analyzer: EntityAnalyzer,
) -> None:
    # the small model tags the dish GPE; nothing else says it is a place
    text = "The menu now offers Tofurama alongside the usual burgers."
    assert "Tofurama" not in _places(analyzer, text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("The army moved troops between Kharkiv, Izium and Balakliia.", "Balakliia"),
        ("Shares in Quizzly rose after the games maker reported strong sales.", "Quizzly"),
    ],
)
def test_an_unknown_word_listed_after_a_place_or_after_in_stays_a_place(
    analyzer: EntityAnalyzer, text: str, name: str
) -> None:
    assert name in _places(analyzer, text)


def test_a_part_of_a_known_place_takes_its_country(analyzer: EntityAnalyzer) -> None:
    # no country has a majority here: the name itself says where the place is
    text = "The band toured Japan and South Korea before settling in Northern California."
    assert _places(analyzer, text)["Northern California"].country == "US"


def test_central_america_spans_countries(analyzer: EntityAnalyzer) -> None:
    # "America" alone is the US; the part of the continent is no part of the US
    text = "Migrants from Central America crossed into Mexico."
    assert _places(analyzer, text)["Central America"].country is None


@pytest.mark.parametrize(
    "text",
    [
        "The couple, from Denver, bought a cottage in Ashworth Vale, Lancashire, and flats "
        "in Chicago and Seattle.",
        "The couple, from Denver, bought a cottage near Ashworth Vale in Lancashire, and "
        "flats in Chicago and Seattle.",
    ],
)
def test_an_unknown_place_takes_the_country_of_the_place_written_after_it(
    analyzer: EntityAnalyzer, text: str
) -> None:
    # three American cities to one English county: the text itself says where it is
    assert _places(analyzer, text)["Ashworth Vale"].country == "GB"
