"""Actors and locations a newsroom can trust.

``EntityAnalyzer.analyze(title, text, language)`` runs spaCy once over the text
and returns an ``Analysis``: canonical actors and locations ordered by
salience, every mention with its character offsets, and the sentence spans
that the summariser and the timeline use.

What happens after spaCy, in one pass over its output:

1. **Junk out** (``bot.entities.junk``): photo credits, licences, URLs,
   bylines, share/follow prompts and author boxes produce no entities.
2. **Mentions** (``bot.entities.spans``): NER spans tidied (possessives split,
   "the" and punctuation trimmed, events dropped, spans grown over "air base" or
   "governorate"), then one token walk adds the mentions spaCy missed: further
   occurrences of names already found, curated actors, well-known places.
3. **Canonical entities** (``bot.entities.group``): mentions grouped by a
   transliteration-neutral key, curated aliases, acronyms and surnames; one
   kind per entity from the evidence of all its mentions and the gazetteer.
4. **Places** (``bot.gazetteer.index``) resolved to kind, ISO country and
   coordinates, ambiguous names by the countries the article is about.
5. **Salience**: mentions, position of the first one, title and lead.

Conventions: countries and cities are always locations, also when they act
("Moscow refused", "Damascus terminated a contract"); we do not record their
metonymic use as actors; a sports club named after its city, where a sentence or
article is about a match ("Liverpool beat Chelsea 2-1"), and a country's national side in
a match report ("England beat Moldova 5-0") are organisations (``bot.entities.sports``).
A news outlet only credited as the source of a report ("(AFP) —", "told Reuters") is no
actor (``bot.entities.credits``). Nationality
adjectives that only mark a state ("Russian troops") are not actors; the people
as a noun ("the Russians") are a group, and communities that are not states
(Kurds, Alawites, Druze) are groups in both forms. State bodies named by their
country ("the Syrian government", ``bot.entities.bodies``) are organisations, and
the country stays a place. A named street, square or stadium is a place of kind
facility, and so is a hospital or museum the text goes in, at or to
(``bot.entities.facilities``); a building that speaks for its institution ("the
Kremlin said", "Downing Street said") is an organisation.
Ids are stable across articles: places take the gazetteer's id
(``country:SY``, ``geo:<geonameid>``, ``facility:hmeimim-air-base``,
``region:SY-RA``); actors ``actor:<folded name>`` or their curated id.

Languages without a loaded model get sentence spans from a simple splitter, no
entities, and the note "not analysed (language: de)": the English model never
runs on them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

from spacy.language import Language
from spacy.tokens import Doc, Span

from bot.entities.bodies import state_bodies
from bot.entities.codes import untagged_codes
from bot.entities.group import Group, Grouper, acronym_pairs, context_of, scan_names
from bot.entities.headlines import tidy_headline_names, title_case_lines
from bot.entities.junk import junk_spans
from bot.entities.lexicon import Lexicon
from bot.entities.output import Mention, Title, build_output
from bot.entities.spans import (
    PLACE_LABELS,
    RawMention,
    Scanner,
    coordinated_regions,
    extend,
    make_mention,
    ner_mentions,
    place_trusted_for_scan,
    with_given_name,
)
from bot.entities.sports import mark_clubs
from bot.gazetteer.index import Gazetteer, trusted
from bot.models import NOT_ANALYSED, Entity, Place
from bot.text.sentences import ANY_SCRIPT, cut_at_line_breaks, split_sentences

_WORD_RE = re.compile(r"[A-Za-z']+")
_ENGLISH_STOPWORD_SHARE = 0.18
_MIN_WORDS_TO_JUDGE = 8


@dataclass
class Analysis:
    """What the entity stage found in one article."""

    language: str
    actors: list[Entity] = field(default_factory=list)  # canonical, by salience
    locations: list[Place] = field(default_factory=list)  # canonical, by salience
    sentences: list[tuple[int, int]] = field(default_factory=list)  # char spans in the text
    mentions: list[Mention] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class EntityAnalyzer:
    """Canonical actors and locations of articles, with one spaCy pipeline and a gazetteer."""

    def __init__(self, nlp: Language, gazetteer: Gazetteer, lexicon: Lexicon | None = None) -> None:
        self.nlp = nlp
        self.gazetteer = gazetteer
        self.lexicon = lexicon if lexicon is not None else Lexicon.load()
        self._stopwords = frozenset(nlp.Defaults.stop_words)
        # first words of every name the scanner can find, to skip other words fast
        self._first_words = gazetteer.first_words | self.lexicon.first_words

    def analyze(self, title: str, text: str, language: str | None = "en") -> Analysis:
        """Actors, locations, mentions and sentences of one article.

        ``language`` is the ISO 639-1 code from the extractor; ``None`` means
        unknown, and a cheap stopword test decides whether the text is English.
        """
        lang, note = self._language(text, language)
        if note is not None:
            sentences = split_sentences(text, ANY_SCRIPT)
            return Analysis(language=lang, sentences=sentences, notes=[note])
        return self.analyze_doc(title, text, self.nlp(with_title(title, text)), lang)

    def analyze_doc(self, title: str, text: str, doc: Doc, language: str = "en") -> Analysis:
        """The analysis of ``text`` from an already parsed ``doc``: of the text alone, or of
        ``with_title(title, text)``, the headline before it.

        Names in the headline count as the text's (a headline often gives the only full
        name, "Rob Jetten", of a person the body calls "Jetten"); mentions and sentences
        are returned with offsets in ``text`` and never point into the headline.
        """
        full = doc.text
        offset = len(full) - len(text) if full != text and full.endswith(text) else 0
        gaz, lex = self.gazetteer, self.lexicon
        junk = junk_spans(full)
        found = tidy_headline_names(
            doc,
            ner_mentions(doc, junk, gaz, lex),
            title_case_lines(full),
            self._known_name,
            lambda start, end, label: self._cut_name(doc, start, end, label),
        )
        found = _with_bodies(found, state_bodies(doc, found, junk, gaz, lex))
        acronyms = acronym_pairs(full)
        codes = untagged_codes(doc, found, junk, gaz, lex, set(acronyms))
        found = sorted(found + codes, key=lambda m: m.start) if codes else found
        found = mark_clubs(doc, found, gaz)
        grouper = Grouper(lex, gaz, acronyms)
        coordinated_regions(doc, found, gaz)
        groups, context = self._grouped(grouper, found)
        scanned = mark_clubs(doc, self._scan(doc, junk, found, groups, context), gaz)
        coordinated_regions(doc, found + scanned, gaz)
        groups, _ = self._grouped(grouper, found + scanned)
        sentences = [
            (start - offset, end - offset)
            for start, end in sentence_spans(doc, full)
            if start >= offset
        ]
        lead_end = offset + (sentences[1][1] if len(sentences) > 1 else len(text))
        actors, places, mentions = build_output(
            _without_unfounded_places([g for g in groups if g.kind != "drop"], full),
            full,
            Title(title, lex),
            lead_end,
        )
        _country_from_context(places, gaz, mentions, full)
        if offset:
            mentions = [
                Mention(m.start - offset, m.end - offset, m.entity_id, m.text)
                for m in mentions
                if m.start >= offset
            ]
        return Analysis(language, actors, places, sentences, mentions)

    def _cut_name(self, doc: Doc, start: int, end: int, label: str) -> RawMention | None:
        """A headline name cut to ``doc[start:end]``; a person's grown over the given
        name before it ("Ilse" + "Vandermeer", where the NER took "Vandermeer Wins")."""
        m = make_mention(doc, start, end, label)
        if m is None or label != "PERSON":
            return m
        return with_given_name(
            doc, m, self.gazetteer, self.lexicon, lambda i: doc[i].ent_type_ != ""
        )

    def _known_name(self, text: str, key: str) -> bool:
        """A curated actor, or a place the gazetteer trusts."""
        if self.lexicon.lookup(text, key) is not None:
            return True
        found = self.gazetteer.matches_key(key)
        return bool(found) and trusted(found[0])

    def _grouped(
        self, grouper: Grouper, mentions: list[RawMention]
    ) -> tuple[list[Group], Counter[str]]:
        """Groups with their kinds decided, and the article's country context."""
        groups = grouper.group(mentions)
        context = context_of(groups, self.gazetteer)
        grouper.decide(groups, context)
        return groups, context

    def _scan(
        self,
        doc: Doc,
        junk: list[tuple[int, int]],
        found: list[RawMention],
        groups: list[Group],
        context: Counter[str],
    ) -> list[RawMention]:
        covered = _covered(doc, junk, found)
        surface, person_words = scan_names(groups)
        place_ok = place_trusted_for_scan(self.gazetteer, context, person_words)
        lex = self.lexicon

        def lookup(text: str, key: str, span: Span) -> str | None:
            if key in surface:
                short = len(text) <= 3 and not text.isupper()
                return None if short else surface[key]
            if lex.lookup(text, key) is not None:
                return "KNOWN"
            return "PLACE" if place_ok(text, key, span) else None

        def grow(m: RawMention) -> RawMention:
            if m.label == "PERSON":
                m = with_given_name(doc, m, self.gazetteer, lex, lambda i: covered[i])
            return extend(doc, m, self.gazetteer, lex)

        article_words = frozenset(k.split()[0] for k in surface)
        return Scanner(doc, covered, lookup, (self._first_words, article_words), grow).scan()

    def _language(self, text: str, language: str | None) -> tuple[str, str | None]:
        model_lang = str(self.nlp.lang or "en")
        if language is None:
            if self._looks_english(text):
                return model_lang, None
            return "und", not_analysed_note("unknown")
        lang = language.strip().lower().replace("_", "-").split("-")[0] or "und"
        if lang != model_lang:
            return lang, not_analysed_note(lang)
        return lang, None

    def _looks_english(self, text: str) -> bool:
        words = [w.lower() for w in _WORD_RE.findall(text[:3000])]
        if len(words) < _MIN_WORDS_TO_JUDGE:
            return True  # too short to tell: unknown means English
        return sum(w in self._stopwords for w in words) / len(words) >= _ENGLISH_STOPWORD_SHARE


# On the tune half of bench.shared_entities a top country with 62% or more of the
# resolved place mentions gave 34 unknown places their right country out of 37; at 50-55%
# (an American family's story with a British past) it was wrong every time (0 of 4).
_DOMINANT_SHARE = 0.6


def _country_from_context(
    places: list[Place], gaz: Gazetteer, mentions: list[Mention], text: str
) -> None:
    """A place the gazetteer does not know ("Black River", "St. Elizabeth", a town hall)
    lies in the country of the place the text puts it in ("Rayne, Essex", "Melton in
    Leicestershire"), else of the place its name makes it part of ("Northern
    California"), else in the country the article is about, when one country has a clear
    majority (``_DOMINANT_SHARE``) of its resolved place mentions; it keeps no coordinates."""
    counts: Counter[str] = Counter()
    for p in places:
        if p.country:
            counts[p.country] += p.mentions
    top: str | None = None
    if counts:
        top, n = counts.most_common(1)[0]
        if n < _DOMINANT_SHARE * sum(counts.values()):
            top = None
    placed = _countries_by_apposition(places, mentions, text)
    for p in places:
        if p.country is None and p.id.startswith("place:"):
            p.country = placed.get(p.id) or _country_by_part(p.name, gaz) or top


# "Rayne, Essex", "Nottwil, Switzerland", "Melton in Leicestershire"
_APPOSITION_RE = re.compile(r",\s*|\s+in\s+")


def _countries_by_apposition(
    places: list[Place], mentions: list[Mention], text: str
) -> dict[str, str]:
    """Unknown places' ids -> the country of a known place written right after them."""
    known = {p.id: p.country for p in places if p.country and not p.id.startswith("place:")}
    unknown = {p.id for p in places if p.country is None and p.id.startswith("place:")}
    ordered = sorted(mentions, key=lambda m: m.start)
    out: dict[str, str] = {}
    for here, after in pairwise(ordered):
        country = known.get(after.entity_id)
        open_ = here.entity_id in unknown and here.entity_id not in out
        if open_ and country and _APPOSITION_RE.fullmatch(text[here.end : after.start]):
            out[here.entity_id] = country
    return out


# "Northern California", "East London", "southern Lebanon": a part of a known place
_PART_WORDS = frozenset(
    {"north", "south", "east", "west", "northern", "southern", "eastern", "western",
     "central", "greater", "upper", "lower", "inner", "outer", "north-east", "north-west",
     "south-east", "south-west", "northeast", "northwest", "southeast", "southwest",
     "northeastern", "northwestern", "southeastern", "southwestern"}
)  # fmt: skip


def _country_by_part(name: str, gaz: Gazetteer) -> str | None:
    """The country of the place a name is a part of ("Northern California" -> US), when
    that place is one the gazetteer trusts without context and lies in one country."""
    first, _, rest = name.partition(" ")
    if first.lower() not in _PART_WORDS or not rest:
        return None
    match = gaz.best(rest)
    if match is None or not trusted(match):
        return None
    return match.candidate.country


# between two items of a list of places: "Odesa, Chornomorsk and Pivdennyi"
_LIST_GAP_RE = re.compile(r"\s*(,|,?\s+(and|or))\s+$")


def _without_unfounded_places(groups: list[Group], text: str) -> list[Group]:
    """Groups less the places that only the NER's label makes places (``_unfounded``)."""
    located = sorted(
        ((m.start, m.end, g) for g in groups if g.kind == "location" for m in g.mentions),
        key=lambda item: item[0],
    )
    dropped: set[int] = set()
    previous: int | None = None  # where the last place kept ends
    for _start, end, g in located:
        if _unfounded(g, text, previous):
            dropped.add(id(g))
        else:
            previous = end
    return [g for g in groups if id(g) not in dropped]


def _unfounded(g: Group, text: str, previous: int | None) -> bool:
    """A one-word name the gazetteer does not know, said once, that only the NER's label
    makes a place: no locative word before it ("in Stocksbridge"), no place word after it,
    not listed after another place ("Odesa, Chornomorsk and Pivdennyi").

    On real news such a word is far more often a footballer, a company or a dish the
    small model tagged GPE ("Kramaric", "Zynga", "Ramen") than a village: on the tune half
    of bench.shared_entities 20 such names were actors or nothing and 1 a place. It is
    dropped rather than made an organisation, which most of them are not either."""
    if g.kind != "location" or g.match is not None or len(g.mentions) != 1:
        return False
    m = g.mentions[0]
    if " " in m.key or m.cue or m.place_hint:
        return False
    listed = previous is not None and _LIST_GAP_RE.fullmatch(text[previous : m.start])
    return not listed


def _with_bodies(found: list[RawMention], bodies: list[RawMention]) -> list[RawMention]:
    """NER mentions and state bodies; a name inside a body is dropped unless it is a
    place ("Syria" of "Syria's defence ministry" stays the country)."""
    if not bodies:
        return found
    kept = [
        m
        for m in found
        if m.label in PLACE_LABELS or not any(b.start <= m.start and m.end <= b.end for b in bodies)
    ]
    return sorted(kept + bodies, key=lambda m: m.start)


def with_title(title: str, text: str) -> str:
    """The string to parse for an article: its headline, a blank line, then its text.

    The text alone when there is no headline or the text already starts with it.
    """
    import os

    head = (title or "").strip()
    if os.environ.get("NOTITLE") or not head or text.lstrip().startswith(head):
        return text
    return f"{head}\n\n{text}"


def not_analysed_note(lang: str) -> str:
    """The note for a text in a language without a model: ``not analysed (language: de)``."""
    return f"{NOT_ANALYSED} (language: {lang})"


def _covered(doc: Doc, junk: list[tuple[int, int]], found: list[RawMention]) -> list[bool]:
    """Tokens the scanner must not touch: junk, and mentions already found."""
    covered = [False] * len(doc)
    for start, end in junk:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            covered[span.start : span.end] = [True] * len(span)
    for m in found:
        covered[m.tok_start : m.tok_end] = [True] * (m.tok_end - m.tok_start)
    return covered


def sentence_spans(doc: Doc, text: str) -> list[tuple[int, int]]:
    """Char spans of the sentences of ``doc`` (parsed from ``text``); a sentence never
    runs over a line break."""
    return cut_at_line_breaks(text, [(sent.start_char, sent.end_char) for sent in doc.sents])
