"""The offline gazetteer: names, transliterations, context, curated tables."""

from __future__ import annotations

import gc
import marshal
from collections import Counter
from importlib import resources
from pathlib import Path

import pycountry
import pytest
import yaml

from bot.gazetteer.index import Gazetteer, trusted


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def test_load_builds_the_index_once(gaz: Gazetteer) -> None:
    again = Gazetteer.load()
    assert again._t is gaz._t


@pytest.mark.parametrize(
    ("name", "place_id", "kind", "country"),
    [
        ("Tartous", "geo:163345", "city", "SY"),
        ("Kamishli", "geo:173377", "city", "SY"),
        ("Khmeimim", "facility:hmeimim-air-base", "facility", "SY"),
        ("Hmeimim air base", "facility:hmeimim-air-base", "facility", "SY"),
        ("Tartus naval base", "facility:tartus-naval-base", "facility", "SY"),
        ("Qamishli airport", "facility:qamishli-airport", "facility", "SY"),
        ("Deir al-Zor", "geo:170794", "city", "SY"),
        ("Raqqa governorate", "region:SY-RA", "region", "SY"),
        ("Idlib province", "region:SY-ID", "region", "SY"),
        ("Golan Heights", "region:golan-heights", "region", "SY"),
        ("US", "country:US", "country", "US"),
        ("Britain", "country:GB", "country", "GB"),
        ("Syrian Arab Republic", "country:SY", "country", "SY"),
        ("Black Sea", "region:black-sea", "other", None),
        ("Santa Barbara County", "region:US-06083", "region", "US"),
    ],
)
def test_resolves_names(
    gaz: Gazetteer, name: str, place_id: str, kind: str, country: str | None
) -> None:
    place = gaz.resolve(name)
    assert place is not None
    assert (place.id, place.kind, place.country) == (place_id, kind, country)


def test_places_have_coordinates(gaz: Gazetteer) -> None:
    qamishli = gaz.resolve("Qamishli")
    assert qamishli is not None and qamishli.lat is not None and qamishli.lon is not None
    assert 36.5 < qamishli.lat < 37.5 and 40.5 < qamishli.lon < 42.0
    syria = gaz.resolve("Syria")
    assert syria is not None and syria.lat is not None  # the capital's coordinates


def test_context_disambiguates(gaz: Gazetteer) -> None:
    damascus = gaz.resolve("Damascus", Counter({"SY": 4}))
    assert damascus is not None and damascus.country == "SY"
    assert {m.candidate.country for m in gaz.matches("Damascus")} >= {"SY", "US"}
    tripoli = gaz.resolve("Tripoli")
    assert tripoli is not None and tripoli.country == "LY"  # the bigger one by default
    in_lebanon = gaz.resolve("Tripoli", Counter({"LB": 5}))
    assert in_lebanon is not None and in_lebanon.country == "LB"


def test_unknown_names(gaz: Gazetteer) -> None:
    assert gaz.resolve("Kommersant") is None
    assert gaz.resolve("Syrian Democratic Forces") is None
    assert gaz.resolve("") is None


def test_trust_depends_on_size_and_context(gaz: Gazetteer) -> None:
    big = gaz.best("Aleppo")
    assert big is not None and trusted(big)
    small = gaz.best("Quneitra")
    assert small is not None and small.candidate.population < 100_000
    assert not trusted(small)
    assert trusted(small, Counter({"SY": 2}))


def test_curated_facilities_are_sound() -> None:
    text = resources.files("bot.data").joinpath("facilities.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    rows = data["facilities"]
    assert len(rows) >= 30
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        assert pycountry.countries.get(alpha_2=row["country"]) is not None, row["id"]
        assert -90 <= row["lat"] <= 90 and -180 <= row["lon"] <= 180, row["id"]
        assert row["type"] in data["suffixes"], row["id"]
        assert row["stems"], row["id"]


def test_disk_copy_reads_back_the_same_index(gaz: Gazetteer, tmp_path: Path) -> None:
    from bot.gazetteer.cache import _encode, cached_tables, fingerprint

    path = tmp_path / f"gazetteer-{fingerprint()}.bin"
    path.write_bytes(marshal.dumps(_encode(gaz._t)))
    copy = cached_tables(tmp_path)  # read, not rebuilt: the file is there
    assert copy.names == gaz._t.names
    assert copy.region_stems == gaz._t.region_stems
    assert copy.countries == gaz._t.countries
    assert copy.first_words == gaz._t.first_words
    assert Gazetteer(copy).resolve("Khmeimim") == gaz.resolve("Khmeimim")


def test_disk_copy_name_changes_with_its_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.gazetteer import cache as gazetteer_cache

    before = gazetteer_cache.fingerprint()
    assert gazetteer_cache.fingerprint() == before
    monkeypatch.setattr(gazetteer_cache, "FORMAT_VERSION", gazetteer_cache.FORMAT_VERSION + 1)
    assert gazetteer_cache.fingerprint() != before


def test_the_loaded_tables_are_kept_out_of_the_garbage_collectors_sight() -> None:
    Gazetteer.load()
    # the tables are frozen at their first load (millions of objects a full collection
    # would otherwise walk every time)
    assert gc.get_freeze_count() > 100_000


@pytest.mark.parametrize(
    ("name", "place_id", "country"),
    [
        ("Utah", "region:US-UT", "US"),
        ("England", "region:GB-ENG", "GB"),
        ("Wales", "region:GB-WLS", "GB"),  # pycountry: "Wales [Cymru GB-CYM]"
        ("Essex", "region:GB-ESS", "GB"),  # not Essex, Vermont (39,000 people)
        ("Ontario", "region:CA-ON", "CA"),  # not Ontario, California
        ("Bavaria", "region:DE-BY", "DE"),  # pycountry: "Bayern"
        ("County Durham", "region:GB-DUR", "GB"),  # pycountry: "Durham, County"
        ("Catalonia", "region:ES-CT", "ES"),  # pycountry: "Catalunya [Cataluña]"
        ("Sicily", "region:IT-82", "IT"),
        ("Tibet", "region:CN-XZ", "CN"),
        ("Yorkshire", "region:gb-yorkshire", "GB"),  # no ISO code: curated
    ],
)
def test_major_subdivisions_are_trusted_without_context(
    gaz: Gazetteer, name: str, place_id: str, country: str
) -> None:
    match = gaz.best(name)
    assert match is not None
    assert (match.candidate.id, match.candidate.country) == (place_id, country)
    assert trusted(match)


@pytest.mark.parametrize(
    ("name", "city_country"),
    [("Washington", "US"), ("New York", "US"), ("Quebec", "CA"), ("Madrid", "ES")],
)
def test_a_big_city_of_its_own_country_keeps_a_subdivisions_name(
    gaz: Gazetteer, name: str, city_country: str
) -> None:
    match = gaz.best(name)
    assert match is not None
    assert (match.candidate.kind, match.candidate.country) == ("city", city_country)


def test_the_articles_country_picks_a_foreign_namesake_of_a_county(gaz: Gazetteer) -> None:
    assert gaz.resolve("Norfolk") == gaz.resolve("Norfolk", Counter({"GB": 3}))
    in_us = gaz.resolve("Norfolk", Counter({"US": 3}))
    assert in_us is not None and (in_us.kind, in_us.country) == ("city", "US")


def test_small_subdivisions_still_need_context(gaz: Gazetteer) -> None:
    # a Japanese prefecture (Japan has no major subdivisions): trusted only in context
    match = gaz.best("Aichi")
    assert match is not None and match.candidate.source == "subdivision"
    assert not trusted(match) and trusted(match, Counter({"JP": 1}))


def test_a_town_named_like_a_month_is_not_trusted_from_context(gaz: Gazetteer) -> None:
    match = gaz.best("March", Counter({"GB": 2}))
    assert match is not None and match.candidate.country == "GB"
    assert not trusted(match, Counter({"GB": 2}))


@pytest.mark.parametrize(
    "name", ["North Sea", "Mekong", "Mount Everest", "Soviet Union", "Kashmir"]
)
def test_places_across_borders_have_no_country(gaz: Gazetteer, name: str) -> None:
    place = gaz.resolve(name)
    assert place is not None and place.country is None


@pytest.mark.parametrize(
    ("name", "is_trusted"),
    [("Bombay", True), ("Peking", True), ("Tory", False), ("Twickenham", False)],
)
def test_an_alternate_name_is_trusted_alone_only_for_a_city_of_millions(
    gaz: Gazetteer, name: str, is_trusted: bool
) -> None:
    # geonames files "Tory" under Turin and "Twickenham" under Huntsville, Alabama
    match = gaz.best(name)
    assert match is not None and not match.primary
    assert trusted(match) is is_trusted
