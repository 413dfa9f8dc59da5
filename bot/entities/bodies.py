"""State bodies named by their country: "the Syrian government", "Syria's defence ministry".

spaCy tags the country ("Syria", GPE) or the nationality ("Syrian", NORP) and
leaves the body word out, so the government itself is lost: the nationality
adjective is dropped (it only marks the state) and the country stays a place.
``state_bodies`` finds the phrase around such a name:

    <country | nationality | capital> ['s] [<modifier>] <body word>

("Syrian government", "Syria's defence ministry", "the Damascus government",
"French authorities", "Dutch parliament") and returns one mention of the whole
phrase with the label ``GOV``. The country, when named as a noun, stays a
place of its own: the body is a separate actor.

Mentions of one country's same body join whatever the spelling ("Syrian
government", "Syria's government", "the Damascus government"): their key is
the country code and the body, not the words.

The extraction JSON's actor kinds are ``person``, ``organization`` and
``group`` (shared/INTERFACE.md): a state body is an ``organization``.
"""

from __future__ import annotations

from spacy.tokens import Doc

from bot.entities.junk import Span as CharSpan
from bot.entities.junk import overlaps
from bot.entities.lexicon import Lexicon
from bot.entities.spans import RawMention
from bot.gazetteer.index import Gazetteer
from bot.text.names import clean_surface, name_key

GOV_LABEL = "GOV"
# the body a country's name qualifies
_BODY_WORDS = frozenset(
    {"government", "administration", "authorities", "parliament", "cabinet", "presidency",
     "ministry", "army", "navy", "junta", "regime"}
)  # fmt: skip
# two-word bodies: "armed forces", "air force", "foreign office"
_BODY_PAIRS = frozenset({("armed", "forces"), ("air", "force"), ("foreign", "office")})
# words between the country and "ministry"/"office": "defence ministry", "foreign ministry"
_MODIFIERS = frozenset(
    {"defence", "defense", "foreign", "interior", "health", "finance", "justice", "economy",
     "energy", "education", "transport", "agriculture", "trade", "culture", "information",
     "emergencies", "emergency", "environment", "labour", "labor", "war", "home", "military"}
)  # fmt: skip
_POSSESSIVE = frozenset({"'s", "’s"})


def state_bodies(
    doc: Doc, found: list[RawMention], junk: list[CharSpan], gaz: Gazetteer, lex: Lexicon
) -> list[RawMention]:
    """Mentions of state bodies named by their country, in text order."""
    out: list[RawMention] = []
    i = 0
    while i < len(doc):
        hit = _body_at(doc, i, gaz, lex)
        if hit is None:
            i += 1
            continue
        start, body_start, end, country = hit
        first, last = doc[start], doc[end - 1]
        span = (first.idx, last.idx + len(last.text))
        if overlaps(junk, *span) or _inside_longer_name(found, span):
            i = end
            continue
        text = clean_surface(doc[start:end].text)
        body = doc[body_start:end].text
        out.append(
            RawMention(
                start=span[0],
                end=span[1],
                text=text,
                key=f"{country.lower()} state {name_key(body)}",
                label=GOV_LABEL,
                tok_start=start,
                tok_end=end,
            )
        )
        i = end
    return out


def _inside_longer_name(found: list[RawMention], span: tuple[int, int]) -> bool:
    """An NER name that covers more than the phrase ("Syria's Ministry of Defence of ...")."""
    return any(
        m.start <= span[0] and span[1] <= m.end and (m.end - m.start) > (span[1] - span[0])
        for m in found
    )


def _body_at(doc: Doc, i: int, gaz: Gazetteer, lex: Lexicon) -> tuple[int, int, int, str] | None:
    """(start, start of the body words, end, country code) of a phrase at token ``i``."""
    tok = doc[i]
    if not tok.text[:1].isupper():
        return None
    for width in (3, 2, 1):  # "United Arab Emirates", "United States", "Syria"
        if i + width > len(doc):
            continue
        name = doc[i : i + width]
        if any(not t.text[:1].isupper() for t in name):
            continue
        country = _country_of(name.text, gaz, lex)
        if country is None:
            continue
        j = i + width
        if j < len(doc) and doc[j].lower_ in _POSSESSIVE:
            j += 1
        end = _body_end(doc, j)
        if end is not None:
            return i, j, end, country
    return None


def _body_end(doc: Doc, j: int) -> int | None:
    """End of the body words starting at token ``j``, or None when there are none."""
    if j >= len(doc):
        return None
    word = doc[j].lower_
    nxt = doc[j + 1].lower_ if j + 1 < len(doc) else ""
    if (word, nxt) in _BODY_PAIRS:
        return j + 2
    if word in _MODIFIERS and nxt in ("ministry", "office"):
        return j + 2
    if word in _BODY_WORDS:
        return j + 1
    return None


def _country_of(text: str, gaz: Gazetteer, lex: Lexicon) -> str | None:
    """The country a name stands for: a country, its nationality or its capital."""
    known = lex.lookup(text)
    if known is not None:
        return known.country if known.nationality else None
    found = gaz.matches_key(name_key(text))
    if not found:
        return None
    cand = found[0].candidate
    if cand.source == "country":
        return cand.country
    if cand.source == "city" and cand.country:
        state = gaz.country(cand.country)
        # the country's coordinates are its capital's: "the Damascus government"
        if state is not None and (state.lat, state.lon) == (cand.lat, cand.lon):
            return cand.country
    return None
