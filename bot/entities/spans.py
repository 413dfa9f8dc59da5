"""Mentions: NER spans tidied, junk dropped, and the mentions spaCy missed.

``ner_mentions`` turns ``doc.ents`` into ``RawMention``s: possessives split
("Sharaa’s Hayat Tahrir al Sham" -> "Sharaa" + "Hayat Tahrir al Sham"), leading
articles and trailing punctuation trimmed, events ("Syrian Civil War") and junk
(credits, URLs, bylines) dropped, and spans extended over a facility or region
word the NER left out ("Hmeimim" + "air base", "Raqqa" + "governorate").

``Scanner`` then walks the tokens once to add mentions spaCy did not tag:
further occurrences of names already found in the article, curated actors, and
well-known places (strict gazetteer matches only).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from bot.entities.credits import credits
from bot.entities.junk import EVENT_TAILS, is_junk_name, never_a_name, overlaps
from bot.entities.junk import Span as CharSpan
from bot.entities.lexicon import Lexicon, NameWords
from bot.gazetteer.index import REGION_WORDS, Gazetteer, trusted
from bot.text.names import clean_surface, name_key
from bot.text.terms import STOPWORDS

WANTED_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE", "LOC", "FAC"})
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# words that make a name an event, not an actor or a place
_EVENT_WORDS = frozenset(
    {"war", "wars", "revolution", "uprising", "crisis", "conflict", "ceasefire", "truce",
     "agreement", "accords", "treaty", "summit", "conference", "talks", "fire", "offensive"}
)  # fmt: skip
_LOCATIVE = frozenset(
    {"in", "at", "from", "to", "near", "into", "outside", "inside", "across", "around",
     "toward", "towards", "through", "via", "between", "reach", "reached", "entered"}
)  # fmt: skip
_NOUN_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "conj", "appos", "ROOT", "attr"})
_CONNECTORS = frozenset({"al", "el", "ez", "es", "ed", "ad", "ar", "as", "az", "ash", "at", "an",
                         "of", "for", "and", "the", "de", "bin", "ibn", "bint", "abu", "-", "’s",
                         "'s"})  # fmt: skip
# lower-case words a name may hold inside: particles of personal names and places' names
# ("Ludwig van Beethoven", "Newcastle upon Tyne", "Frankfurt am Main")
_NAME_PARTICLES = _CONNECTORS | frozenset(
    {"da", "di", "du", "dos", "das", "del", "della", "der", "den", "des", "van", "von", "ter",
     "le", "la", "y", "e", "upon", "on", "am", "im", "in", "sur", "en", "zu", "ben", "bint",
     "st", "ul", "ud", "din", "al-", "a"}
)  # fmt: skip
_STORM_WORDS = frozenset({"hurricane", "storm", "typhoon", "cyclone"})
_STORM_NOT_NAMES = frozenset(
    {"center", "centre", "season", "watch", "warning", "hunter", "hunters", "category"}
)
_CODE_NAME_RE = re.compile(r"[A-Z]{1,4}-?\d{1,3}")
# "People's Party", "Workers' Party": a people names its party, it does not own it
_COLLECTIVES = frozenset(
    {"people", "peoples", "workers", "women", "farmers", "citizens", "patriots", "toilers",
     "nation", "nations", "socialists", "democrats", "labour", "labor"}
)  # fmt: skip
# plural common nouns for people: before a possessive inside a name they name those the
# body serves, never a second name ("Children's Fund", "Veterans' Trust")
_PEOPLE_NOUNS = frozenset(
    {"children", "men", "women", "girls", "boys", "veterans", "soldiers", "sailors", "seamen",
     "servicemen", "miners", "pensioners", "students", "teachers", "nurses", "doctors",
     "parents", "families", "taxpayers", "consumers", "journalists", "writers", "artists",
     "musicians", "players", "cricketers", "footballers", "lawyers", "victims", "magistrates",
     "correspondents"}
)  # fmt: skip
_PARTY_WORDS = frozenset(
    {"party", "front", "movement", "union", "alliance", "congress", "league", "army",
     "liberation", "republic", "assembly", "council", "bloc", "coalition"}
)  # fmt: skip
# "PVV 6.3 percent", "Arsenal 3–2": a figure after a name is no part of it
# and a rank: "Perez 15th"
_FIGURE_RE = re.compile(r"\d+(?:[.,]\d+)?%?|\d+[–-]\d+|\d+(?:st|nd|rd|th)|percent|per|cent|%")
# "United fourth": a place in a table, in words (lower case: "First Minister" is a title)
_ORDINAL_WORDS = frozenset(
    {"first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
     "tenth", "last", "bottom", "top"}
)  # fmt: skip
_DASHES = frozenset({"-", "–", "—"})
_LEADING_DROP = frozenset({"the", "a", "an"})
# "In October Okafor met…": a month or a weekday before a name is no part of it
_DAY_WORDS = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
     "february", "march", "april", "june", "july", "august", "september", "october",
     "november", "december"}
)  # fmt: skip
# courtesy titles are no part of a name: "Mr Medinsky", "Dr. Webster"
_HONORIFICS = frozenset({"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "prof", "prof."})
# words before a name that say it is a person's: "negotiator Rustem Umerov",
# "Secretary Rustem Umerov", "Admiral Igor Kostyukov"
ROLE_WORDS = frozenset(
    {"president", "minister", "secretary", "negotiator", "envoy", "ambassador", "admiral",
     "general", "commander", "chief", "head", "director", "spokesman", "spokeswoman",
     "spokesperson", "chairman", "chairwoman", "chair", "leader", "mayor", "governor", "senator",
     "sen.", "rep.", "representative", "lawmaker", "deputy", "adviser", "advisor", "aide",
     "official", "officer", "colonel", "captain", "lieutenant", "major", "sergeant", "judge",
     "justice", "prosecutor", "lawyer", "barrister", "attorney", "ceo", "founder", "king",
     "queen", "prince", "princess", "pope", "cardinal", "bishop", "pastor", "sheikh", "emir",
     "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "professor", "prof.", "coach",
     "manager", "striker", "midfielder", "defender", "goalkeeper", "resident", "survivor",
     "candidate", "premier", "chancellor", "economist", "analyst", "researcher", "scientist"}
)  # fmt: skip
_NOT_NAME_TAGS = frozenset(
    {"RB", "RBR", "RBS", "IN", "CC", "DT", "PRP", "PRP$", "VB", "VBD", "VBG", "VBN", "VBP",
     "VBZ", "WDT", "WP", "WRB", "TO", "MD", "UH", "EX", "PDT"}
)  # fmt: skip
_MAX_EXTENSION = 4
_MAX_SCAN = 5


@dataclass
class RawMention:
    """One mention before grouping: where it is, what it says, what NER thought."""

    start: int  # char offsets in the text
    end: int
    text: str  # cleaned surface form
    key: str  # folded key of ``text``
    label: str  # spaCy label; scanned: the label of the entity it repeats, "KNOWN", "PLACE"
    tok_start: int
    tok_end: int
    cue: bool = False  # a locative word before it ("in Quneitra")
    place_hint: bool = False  # extended by a facility or region word
    noun: bool = True  # used as a noun, not as an adjective ("Russians" vs "Russian troops")
    credit: bool = False  # credits a report: "told Reuters", "(AFP)", "TASS reported"
    role: bool = False  # a full name after a person's title: "negotiator Rustem Umerov"
    # qualifies people as a demonym would: "US envoy", "US delegation", "US-brokered"
    qualifies: bool = False
    club: bool = False  # stands where a sports club does: "Liverpool beat Chelsea 2-1"
    player: bool = False  # a name in a team's line-up: "Squad: Myhill, Fletcher, King"


def ner_mentions(doc: Doc, junk: list[CharSpan], gaz: Gazetteer, lex: Lexicon) -> list[RawMention]:
    """The NER entities of ``doc`` as tidy mentions, junk removed."""
    out: list[RawMention] = []
    claimed = 0  # tokens before this belong to a mention grown past its entity
    for ent in _joined_ents(doc, gaz):
        parts = [
            part
            for line_start, line_end in _split_lines(doc, ent.start, ent.end)
            for start, end in _split_possessive(doc[line_start:line_end])
            for dashed in _split_dashes(doc, start, end)
            for listed in _split_list(doc, *dashed, ent.label_, gaz, lex)
            for titled in _split_titles(doc, *listed)
            for part in _split_people_list(doc, *titled)
        ]
        for first, end, label in parts:
            start = max(first, claimed)  # "Office of the President of" took "Ukraine"
            span = _trim(doc, start, end, label, lex, gaz) if start < end else None
            if span is None:
                continue
            start, end = span
            end, country = _name_end(doc, start, end, label, gaz)
            if label == "PERSON" and _past_title(doc, end) > end:
                end = _past_title(doc, end)
                if _nationality_word(doc[start].text, lex):
                    start += 1  # "Dutch King Willem-Alexander", as in _trim
            mention = _make(doc, start, _hyphen_joined(doc, end), label)
            if mention is None or overlaps(junk, mention.start, mention.end):
                continue
            if _common_word(doc, mention, gaz, lex) or _names_an_event(doc, mention, gaz, lex):
                continue
            code = _CODE_NAME_RE.fullmatch(mention.text) is not None
            if code and mention.label in PLACE_LABELS and not gaz.matches_key(mention.key):
                mention.label = "ORG"  # "D66", "JA21": a party, never a place we do not know
            if mention.label == "PERSON":
                mention = with_given_name(doc, mention, gaz, lex, lambda i: doc[i].ent_type_ != "")
            found = _split_places(doc, extend(doc, mention, gaz, lex), gaz, lex)
            found += [country] if country is not None else []
            claimed = max([claimed, *(m.tok_end for m in found)])
            out.extend(found)
    return _without_storms(doc, _split_run_ins(doc, out, gaz.place_words))


def _split_run_ins(
    doc: Doc, mentions: list[RawMention], place_words: Collection[str]
) -> list[RawMention]:
    """ "McLaren Fernando Alonso", "the Crucible Marteel": two names the NER ran together
    where a caption or a results line lost its full stop. Split when the whole, of three
    words or more, is said once and each part is a name the article uses on its own (the
    second part may be a surname of one of its people)."""
    said = Counter(m.key for m in mentions)
    labels = {m.key: m.label for m in mentions}
    surnames = {m.key.split()[-1] for m in mentions if m.label == "PERSON" and " " in m.key}
    out: list[RawMention] = []
    for m in mentions:
        # two words are too often a given name and a surname each said alone
        alone = said[m.key] == 1 and m.tok_end - m.tok_start > 2
        parts = _run_in_parts(doc, m, said, labels, surnames, place_words) if alone else None
        out.extend(parts or [m])
    return out


def _run_in_parts(
    doc: Doc,
    m: RawMention,
    said: Counter[str],
    labels: dict[str, str],
    surnames: set[str],
    place_words: Collection[str],
) -> list[RawMention] | None:
    for k in range(m.tok_start + 1, m.tok_end):
        if name_key(doc[k].text) in place_words:
            continue
        left = name_key(clean_surface(doc[m.tok_start : k].text))
        right = name_key(clean_surface(doc[k : m.tok_end].text))
        if left not in said or not (right in said or right in surnames):
            continue
        parts = [
            _make(doc, m.tok_start, k, labels[left]),
            _make(doc, k, m.tok_end, labels.get(right, "PERSON")),
        ]
        return [p for p in parts if p is not None]
    return None


def _split_lines(doc: Doc, start: int, end: int) -> Iterator[tuple[int, int]]:
    """ "Leiden\n\nVandermeer": a name never runs over a line break; each line's part is
    a name of its own (a headline's last word and the body's first)."""
    part = start
    for i in range(start, end):
        if "\n" in doc[i].text or doc[i].is_space:
            if part < i:
                yield part, i
            part = i + 1
    if part < end:
        yield part, end


def with_given_name(
    doc: Doc, m: RawMention, gaz: Gazetteer, lex: Lexicon, taken: Callable[[int], bool]
) -> RawMention:
    """ "Kyrylo" + "Budanov": a one-word person's name grown over the given name before it.

    The word before must be a capitalised proper noun that nothing else claims
    (``taken``), no title ("Admiral"), no known actor, nationality or place.
    """
    i = m.tok_start - 1
    if m.tok_end - m.tok_start != 1 or i < 0 or taken(i):
        return m
    tok = doc[i]
    if tok.tag_ != "NNP" or not tok.is_alpha or not tok.is_title or tok.is_stop:
        return m
    if tok.lower_ in STOPWORDS:  # "in October Sharaa met…": a month is nobody's given name
        return m
    if tok.lower_ in ROLE_WORDS or tok.lower_ in _HONORIFICS or never_a_name(tok.text):
        return m
    if lex.lookup(tok.text) is not None or _trusted_place(gaz, name_key(tok.text)):
        return m
    grown = _make(doc, i, m.tok_end, m.label)
    if grown is None:
        return m
    grown.cue, grown.role = m.cue, m.role
    return grown


# the last word of a state body's name: "… of the Russian Armed Forces"
_BODY_TAILS = frozenset(
    {"forces", "ministry", "council", "staff", "service", "army", "navy", "guard", "government",
     "federation", "republic", "command", "office", "parliament", "assembly", "agency"}
)  # fmt: skip


def _of_tail(doc: Doc, end: int, gaz: Gazetteer) -> int:
    """Where an organisation's name the NER cut after "of" really ends: "Office of the
    President of" + "Ukraine" (a known place), "Main Directorate of the General Staff" +
    "of the Russian Armed Forces" (capitalised words ending as a body's name does)."""
    if doc[end - 1].lower_ == "of":
        for stop in range(min(len(doc), end + 3), end, -1):
            run = doc[end:stop]
            if all(t.is_title for t in run) and _trusted_place(gaz, name_key(run.text)):
                return stop
        return end
    i = end
    if i < len(doc) and doc[i].lower_ == "of":
        i += 1 + (i + 1 < len(doc) and doc[i + 1].lower_ == "the")
        stop = i
        while stop < len(doc) and stop - i < 4 and doc[stop].is_title and not doc[stop].is_space:
            stop += 1
        if stop > i and doc[stop - 1].lower_ in _BODY_TAILS:
            return stop
    return end


def _name_end(
    doc: Doc, start: int, end: int, label: str, gaz: Gazetteer
) -> tuple[int, RawMention | None]:
    """Where a name the NER cut short really ends, and the country an organisation's
    name ends on (``_organisation_end``); an "and" nothing named follows is dropped."""
    country: RawMention | None = None
    if label == "ORG":
        end, country = _organisation_end(doc, start, end, gaz)
    elif doc[end - 1].lower_ == "and":
        end = _and_tail(doc, start, end, gaz)
    while end - start > 1 and doc[end - 1].lower_ == "and":
        end -= 1
    return end, country


def _organisation_end(
    doc: Doc, start: int, end: int, gaz: Gazetteer
) -> tuple[int, RawMention | None]:
    """Where the organisation's name at ``doc[start:end]`` really ends (``_of_tail``,
    ``_and_tail``), and the country it names at its end, which stays a place of its own
    ("Office of the President of" + "Ukraine")."""
    country: RawMention | None = None
    tail = _of_tail(doc, end, gaz)
    if tail > end and doc[end - 1].lower_ == "of":  # as in a state body, the place stays
        country = _make(doc, end, tail, "GPE")
    return _and_tail(doc, start, tail, gaz), country


def _and_tail(doc: Doc, start: int, end: int, gaz: Gazetteer) -> int:
    """Where a name the NER cut at "and" really ends: "Royal Academy of Music" + "and
    Drama" (an organisation's "<body> of/for <field>"), "Clarence Dam and" + "Reservoir"
    (any name the NER ended on "and").

    The capitalised words after "and" join when no person's name or known place is among
    them ("the Ministry of Defence and Russia" are two names)."""
    i = end if end < len(doc) and doc[end].lower_ == "and" else end - 1
    cut_at_and = i == end - 1  # "Clarence Dam and" + "Reservoir": the NER took the "and"
    if not cut_at_and and not any(t.lower_ in ("of", "for") for t in doc[start + 1 : end - 1]):
        return end
    if doc[i].lower_ != "and" or i + 1 >= len(doc):
        return end
    stop = i + 1
    while stop < len(doc) and stop - i <= 3 and doc[stop].is_title and doc[stop].is_alpha:
        stop += 1
    run = doc[i + 1 : stop]
    if not run or any(t.ent_type_ == "PERSON" for t in run):
        return end
    if stop < len(doc) and doc[stop].ent_iob_ == "I":
        return end  # "and Ludwig van Beethoven": the start of a name of its own
    if _trusted_place(gaz, name_key(run.text)) or doc[stop - 1].tag_ not in ("NNP", "NNPS"):
        return end
    return stop


def _past_title(doc: Doc, end: int) -> int:
    """ "Dutch King" + "Willem-Alexander": a person's span the NER ended on a title runs
    on over the untagged capitalised name after it."""
    if end >= len(doc) or doc[end - 1].lower_ not in ROLE_WORDS:
        return end
    stop = end
    while (
        stop < len(doc)
        and stop - end < 3
        and doc[stop].tag_ == "NNP"
        and doc[stop].is_title
        and not doc[stop].ent_type_
        and doc[stop].lower_ not in ROLE_WORDS
    ):
        stop += 1
    return stop


def _hyphen_joined(doc: Doc, end: int) -> int:
    """ "GroenLinks" + "-PvdA": a name the NER cut at a hyphen between two capitals."""
    while (
        end + 1 < len(doc)
        and doc[end].text == "-"
        and not doc[end - 1].whitespace_
        and not doc[end].whitespace_
        and doc[end + 1].text[:1].isupper()
    ):
        end += 2
    return end


def _without_storms(doc: Doc, mentions: list[RawMention]) -> list[RawMention]:
    """ "Hurricane Melissa", and every later "Melissa": a storm is no actor or place."""
    storms = storm_names(doc)
    if not storms:
        return mentions
    return [m for m in mentions if not {m.key, m.key.split()[-1]} & storms]


def storm_names(doc: Doc) -> set[str]:
    """Folded names of the storms of ``doc``: "Melissa" of "Hurricane Melissa" and of
    "Tropical Storm Melissa", not "Center" of "the National Hurricane Center"."""
    out: set[str] = set()
    for i in range(len(doc) - 1):
        word, name = doc[i], doc[i + 1]
        if word.lower_ not in _STORM_WORDS or name.tag_ != "NNP" or not name.is_alpha:
            continue
        before = doc[i - 1] if i > 0 else None
        if word.lower_ == "storm" and (before is None or before.lower_ != "tropical"):
            continue
        named = before is not None and before.text[:1].isupper() and before.lower_ != "tropical"
        if named and not word.is_sent_start:
            continue  # "National Hurricane Center": an organisation's name
        if name.lower_ in _STORM_NOT_NAMES:
            continue
        out.add(name_key(name.text))
    return out


def _names_an_event(doc: Doc, m: RawMention, gaz: Gazetteer, lex: Lexicon) -> bool:
    """ "the Canyon Ridge fire", "the Super Bowl": the name of an event, unless it is a
    known place or actor."""
    after = doc[m.tok_end].lower_ if m.tok_end < len(doc) else ""
    if after not in _EVENT_WORDS and doc[m.tok_end - 1].lower_ not in EVENT_TAILS:
        return False
    return lex.lookup(m.text, m.key) is None and not gaz.matches_key(m.key)


def _split_dashes(doc: Doc, start: int, end: int) -> list[tuple[int, int]]:
    """ "Kurdistan Region - Syria": a spaced dash separates two names (a dateline's);
    a bracket too: "Party for Freedom (PVV" is a name and its short form."""
    out: list[tuple[int, int]] = []
    for i in range(start, end):
        spaced_dash = doc[i].text in _DASHES and doc[i - 1].whitespace_ and doc[i].whitespace_
        if (spaced_dash and start < i < end - 1) or doc[i].text in ("(", ")"):
            if i > start:
                out.append((start, i))
            start = i + 1
    if start < end:
        out.append((start, end))
    return out


def _split_list(
    doc: Doc, start: int, end: int, label: str, gaz: Gazetteer, lex: Lexicon
) -> list[tuple[int, int, str]]:
    """ "Hasakah, Qamishli and Amouda": a list of places the NER took for one name.

    Split when two or more items are places the gazetteer knows and one of them
    is a trusted match; every item is then a place. A name that is itself known
    ("Bosnia and Herzegovina", "Ministry of Justice and Security") stays whole.
    """
    words = doc[start:end]
    if not any(t.text in (",", "&") or t.lower_ == "and" for t in words):
        return [(start, end, label)]
    whole = clean_surface(words.text)
    if lex.lookup(whole) is not None or gaz.matches_key(name_key(whole)):
        return [(start, end, label)]
    items: list[tuple[int, int]] = []
    first = start
    for tok in words:
        if tok.text in (",", "&") or tok.lower_ == "and":
            if tok.i > first:
                items.append((first, tok.i))
            first = tok.i + 1
    if first < end:
        items.append((first, end))
    keys = [name_key(clean_surface(doc[a:b].text)) for a, b in items]
    places = [gaz.matches_key(k) for k in keys]
    if len(items) < 2 or sum(bool(p) for p in places) < 2:
        return [(start, end, label)]
    if not any(p and trusted(p[0]) for p in places):
        return [(start, end, label)]
    return [(a, b, "PLACE") for a, b in items]


def _split_people_list(
    doc: Doc, start: int, end: int, label: str
) -> Iterator[tuple[int, int, str]]:
    """ "Schmeichel, Schwarzer": a list of people (a squad, a cast) the NER took for one
    person; no person's name holds a comma but before a suffix ("Sammy Davis, Jr.")."""
    if label != "PERSON":
        yield start, end, label
        return
    words = NameWords.load()
    first = start
    for i in range(start + 1, end - 1):
        if doc[i].text == "," and not words.is_generational(doc[i + 1].text):
            yield first, i, label
            first = i + 1
    yield first, end, label


def _split_titles(doc: Doc, start: int, end: int, label: str) -> Iterator[tuple[int, int, str]]:
    """ "Cottonwood Police Sgt Jane Roe": a body and a person the NER ran together, cut at
    the title between them; "Dame Jane Roe", which the NER may call an organisation, is
    a person. An honorific ("Sgt", "Dame") cuts any organisation's or person's span; a
    title in full words ("Justice") only when a full name follows it ("Supreme Court
    Justice Jane Roe", never "Ministry of Justice")."""
    if label not in ("PERSON", "ORG"):
        yield start, end, label
        return
    words = NameWords.load()
    for k in range(start, end - 1):
        word = doc[k].text
        after = doc[k + 1 : end]
        if not all(t.text[:1].isupper() or t.text == "-" for t in after):
            continue
        honorific = words.is_honorific(word)
        if not (honorific or (words.is_title(word) and len(after) > 1 and k > start)):
            continue
        if word[:1].islower():
            continue
        if k == start and label == "ORG" and word.isupper():
            continue  # "DC Comics", "PC World": an organisation's own name
        if k > start and not all(words.is_role(t.text) for t in doc[start:k]):
            yield start, k, "ORG" if label == "PERSON" else label
        yield k + 1, end, "PERSON"
        return
    yield start, end, label


def _split_places(doc: Doc, m: RawMention, gaz: Gazetteer, lex: Lexicon) -> list[RawMention]:
    """ "gave Damascus Raqqa": two places the NER ran together into one name.

    A name the NER calls a person ("Ahmed Ali") is never split, even when each
    word is also a town somewhere.
    """
    if m.tok_end - m.tok_start != 2 or m.place_hint or m.label == "PERSON":
        return [m]
    if lex.lookup(m.text, m.key):
        return [m]
    if gaz.matches_key(m.key):
        return [m]
    parts = [_make(doc, i, i + 1, "PLACE") for i in (m.tok_start, m.tok_start + 1)]
    if all(p is not None and _trusted_place(gaz, p.key) for p in parts):
        return [p for p in parts if p is not None]
    return [m]


def _trusted_place(gaz: Gazetteer, key: str) -> bool:
    found = gaz.matches_key(key)
    return bool(found) and trusted(found[0])


def _joined_ents(doc: Doc, gaz: Gazetteer) -> list[Span]:
    """The wanted entities, with neighbours joined when together they name a place.

    The NER sometimes cuts a name in two: "San Luis" + "Obispo County".
    """
    ents = [e for e in doc.ents if e.label_ in WANTED_LABELS]
    out: list[Span] = []
    for ent in ents:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.end == ent.start
            and prev.label_ == ent.label_ == "PERSON"
            and len(ent) == 1
            and prev[-1].whitespace_ != ""
        ):
            # "Dana Morris" + "Dixon": one person's name the NER cut in two
            out[-1] = Span(doc, prev.start, ent.end, label="PERSON")
            continue
        if (
            prev is not None
            and prev.end + 1 == ent.start
            and doc[prev.end].text == "-"
            and not prev[-1].whitespace_
            and not doc[prev.end].whitespace_
        ):
            # "Noord" + "-" + "Limburg": one hyphenated name the NER cut in two
            out[-1] = Span(doc, prev.start, ent.end, label=prev.label_)
            continue
        if prev is not None and prev.end == ent.start and prev.label_ in PLACE_LABELS:
            joined = doc[prev.start : ent.end]
            if gaz.matches_key(name_key(joined.text)):
                out[-1] = Span(doc, prev.start, ent.end, label=prev.label_)
                continue
        out.append(ent)
    return out


def _common_word(doc: Doc, m: RawMention, gaz: Gazetteer, lex: Lexicon) -> bool:
    """A lone common noun the NER took for a name ("Ships continue to use...")."""
    if m.tok_end - m.tok_start > 1 or m.label == "NORP":
        return False
    tok = doc[m.tok_start]
    if tok.tag_ in ("NNP", "NNPS") or tok.text.isupper():
        return False
    return lex.lookup(m.text, m.key) is None and not gaz.matches_key(m.key)


def _split_possessive(ent: Span) -> Iterator[tuple[int, int]]:
    """ "Sharaa’s Hayat Tahrir al Sham", "Wilders’ Party for Freedom": two names, not one.

    A people's own party keeps its name: "People's Party for Freedom and Democracy",
    "Workers' Party".
    """
    doc = ent.doc
    start = ent.start
    for tok in ent:
        if tok.i <= start:
            continue
        last = tok.i + 1 >= ent.end
        bare = tok.text in ("'", "’") and doc[tok.i - 1].lower_.endswith("s") and not last
        if not (tok.lower_ in ("'s", "’s") or bare):
            continue
        after = "" if last else doc[tok.i + 1].lower_
        if doc[tok.i - 1].lower_ in _COLLECTIVES and after in _PARTY_WORDS:
            continue
        if doc[tok.i - 1].lower_ in _PEOPLE_NOUNS:
            continue  # "United Nations Children's Fund": a people noun owns no name
        yield start, tok.i
        start = tok.i + 1
    if start < ent.end:
        yield start, ent.end


def _trim(
    doc: Doc, start: int, end: int, label: str, lex: Lexicon, gaz: Gazetteer
) -> tuple[int, int] | None:
    # "the Kremlin", "Besides Hmeimim": words before the name are not the name
    while start < end and (
        doc[start].lower_ in _LEADING_DROP
        or doc[start].tag_ in _NOT_NAME_TAGS
        or (doc[start].lower_ in _HONORIFICS and end - start > 1)
        or (doc[start].lower_ in _DAY_WORDS and end - start > 1)
    ):
        start += 1
    start, end = _without_common_words(doc, start, end)
    if label == "PERSON":
        start = _past_person_words(doc, start, end, lex)
    for i in range(start, end):  # a name never runs over a line break
        if "\n" in doc[i].text or doc[i].is_space:
            end = i
            break
    # "Super Bowl MVP": a title after the name is no part of it; nor is a figure
    while end > start and _trailing_drop(doc, start, end, label, lex, gaz):
        end -= 1
    if end <= start:
        return None
    if label == "NORP" and end - start > 1:
        # "Russian Il-76": keep the people's name, drop what it qualifies
        first = doc[start].text
        whole = doc[start:end].text
        if lex.lookup(first) is not None and lex.lookup(whole) is None:
            end = start + 1
    return start, end


def _without_common_words(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """A name holds no lower-case word but its particles ("van", "of", "upon"): before
    one, words describe the name after it ("Steel union Community"); after one, words
    run on past the name's end ("Augusta National of seven months")."""
    for i in range(start + 1, end - 1):
        tok = doc[i]
        if not tok.is_alpha or not tok.is_lower or tok.lower_ in _NAME_PARTICLES:
            continue
        if not doc[i - 1].whitespace_ or not tok.whitespace_:
            continue  # "Stoke-on-Trent", "Saint-Denis"
        if any(t.text[:1].isupper() for t in doc[i + 1 : end]):
            start = i + 1
            continue
        end = i
        while end > start + 1 and doc[end - 1].lower_ in _NAME_PARTICLES:
            end -= 1
        break
    return start, end


def _past_person_words(doc: Doc, start: int, end: int, lex: Lexicon) -> int:
    """Where a person's name starts past the words that describe the person: "Dutch King
    Willem-Alexander", "Colombian Ana Ruiz" (a nationality before a full name), "Cleaner
    Ana Ruiz", "Defender Upson", "Capt Ana Ruiz" (a title, occupation or position)."""
    words = NameWords.load()
    while end - start > 1:
        word = doc[start].text
        nationality = _nationality_word(word, lex) or words.is_demonym(word)
        described = nationality and end - start > 2  # a full name follows, not "Dutch King"
        if not (described or (words.is_role(word) and doc[start + 1].text[:1].isupper())):
            break
        start += 1
    return start


def _trailing_drop(
    doc: Doc, start: int, end: int, label: str, lex: Lexicon, gaz: Gazetteer
) -> bool:
    """Whether the last word of ``doc[start:end]`` is no part of the name: punctuation, an
    abbreviation that is never a name ("MVP"), a figure or a rank ("Sergio Perez 15th"), a
    post-nominal ("Jane Roe QC"), a title or a list's next heading ("Referee: Jane Roe
    Managers:"), or a person's name said twice ("Jane Roe Roe", a caption run into the
    text). A generational suffix stays: "Ray Parker Jr."."""
    last = doc[end - 1]
    words = NameWords.load()
    if end - start > 1 and words.is_generational(last.text) and last.text[:1].isupper():
        return False
    if not last.text[-1:].isalnum() or _never_a_name_here(doc, start, end, lex, gaz):
        return True
    if end - 1 > start and _FIGURE_RE.fullmatch(last.lower_) is not None:
        return True
    if end - 1 == start:
        return False
    verb = last.tag_.startswith("VB") and last.is_lower
    if verb or (last.tag_ == "DT" and not last.is_lower) or last.text in _ORDINAL_WORDS:
        return True  # "Spiegel Online quoted", "says Thompson A family...": the next words
    honour = words.is_honorific(last.text) or words.is_post_nominal(last.text)
    if honour and not last.text.islower():
        return label in ("PERSON", "ORG")
    if label != "PERSON":
        return False
    # "Jane Roe Roe", not "Chan Chan" (a place's name may say a word twice)
    repeated = end - start > 2 and last.text == doc[end - 2].text
    return words.is_plural_role(last.text) or repeated


# capitalised common words ``never_a_name`` drops that do end an organisation's name when
# a proper noun stands before them: "Liverpool Crown Court", "Metropolitan Police"
_NAME_HEADS = frozenset({"Court", "Police", "Government", "Ministry", "Parliament", "Army"})


def _never_a_name_here(doc: Doc, start: int, end: int, lex: Lexicon, gaz: Gazetteer) -> bool:
    """Whether the last word is a common word that is no part of this name: "MVP", and
    "Government" after a nationality or a country ("Syrian Government": the state body is
    found apart, ``bot.entities.bodies``), not "Local Government" or "Liverpool Crown Court"."""
    last = doc[end - 1].text
    if not never_a_name(last):
        return False
    if last not in _NAME_HEADS or end - start < 2:
        return True
    if end - start > 2 or last in ("Court", "Police"):
        return False
    before = doc[end - 2].text
    return _nationality_word(before, lex) or _trusted_place(gaz, name_key(before))


def _locative_before(doc: Doc, i: int) -> bool:
    """ "at the Royal Liverpool Hospital", "in the Netherlands": the word before "the"."""
    return i > 0 and doc[i - 1].lower_ in _LOCATIVE


def make_mention(doc: Doc, start: int, end: int, label: str) -> RawMention | None:
    """A mention of the tokens ``doc[start:end]``, or None when they are no name."""
    return _make(doc, start, end, label)


def _nationality_word(word: str, lex: Lexicon) -> bool:
    known = lex.lookup(word)
    return known is not None and known.nationality


def _make(doc: Doc, start: int, end: int, label: str) -> RawMention | None:
    text = clean_surface(doc[start:end].text)
    if is_junk_name(text):
        return None
    if doc[end - 1].lower_ in _EVENT_WORDS:
        return None
    key = name_key(text)
    if not key:
        return None
    first, last = doc[start], doc[end - 1]
    before = doc[start - 1].lower_ if start > 0 else ""
    return RawMention(
        start=first.idx,
        end=last.idx + len(last.text),
        text=text,
        key=key,
        label=label,
        tok_start=start,
        tok_end=end,
        cue=before in _LOCATIVE or (before == "the" and _locative_before(doc, start - 1)),
        noun=end - start > 1 or _is_noun(first),
        credit=credits(doc, start, end),
        role=(before in ROLE_WORDS or NameWords.load().is_role(before)) and end - start > 1,
        qualifies=_qualifies_people(doc, end),
    )


# people a country's name qualifies as a demonym does ("US envoy" = "the American envoy")
_PEOPLE_AFTER = ROLE_WORDS | frozenset(
    {"delegation", "delegations", "officials", "representatives", "team", "negotiators",
     "envoys", "diplomats", "participation", "mediators", "counterpart", "counterparts",
     "forecaster", "forecasters"}
)  # fmt: skip
# "US-brokered talks": the country qualifies what its people do
_PEOPLE_DEEDS = frozenset({"brokered", "mediated", "led", "backed", "sponsored", "hosted"})


def _qualifies_people(doc: Doc, end: int) -> bool:
    """Whether the name ending at ``end`` qualifies people or their deed, as a demonym
    does: "US envoy", "US special envoy", "US delegation", "US-brokered talks"; or it
    starts the name of a body of that state the NER tagged apart ("US" + "National
    Weather Office")."""
    if end >= len(doc):
        return False
    if not doc[end - 1].whitespace_:  # "US-brokered", never "US - brokered"
        return doc[end].text == "-" and end + 1 < len(doc) and doc[end + 1].lower_ in _PEOPLE_DEEDS
    nxt = doc[end]
    if nxt.ent_iob_ == "B" and nxt.ent_type_ == "ORG":
        return True  # "US National Weather Office": the name of a body of that state
    if nxt.tag_ == "JJ" and end + 1 < len(doc):
        nxt = doc[end + 1]  # "US special envoy", "US senior officials"
    return nxt.lower_ in _PEOPLE_AFTER


def _is_noun(tok: Token) -> bool:
    # "the Russians", "the Druze say": a people;
    # "Russian troops", "Russian-controlled": an adjective
    if tok.tag_ in ("NNS", "NNPS"):
        return True
    if tok.i + 1 < len(tok.doc) and tok.nbor(1).lower_ in ("'s", "’s", "'", "’"):
        return True  # "Europe's deadliest war": a possessive names its owner
    hyphen = tok.i + 1 < len(tok.doc) and tok.nbor(1).text == "-"
    return tok.tag_ in ("NNP", "NN") and tok.dep_ in _NOUN_DEPS and not hyphen


def extend(doc: Doc, m: RawMention, gaz: Gazetteer, lex: Lexicon) -> RawMention:
    """Extend ``m`` over the following words when that names a known place or actor.

    "Hmeimim" + "air base", "Raqqa" + "governorate", "Deir" + "al-Zor".
    """
    words = gaz.place_words
    limit = min(len(doc), m.tok_end + _MAX_EXTENSION)
    best: tuple[int, bool] | None = None
    for j in range(m.tok_end + 1, limit + 1):
        tok = doc[j - 1]
        if "\n" in tok.text:
            break
        suffix = name_key(tok.text) in words
        if not (tok.text[:1].isupper() or suffix or tok.lower_ in _CONNECTORS):
            break
        if not (tok.text[:1].isupper() or suffix):
            continue  # a name does not end on "al" or "of"
        text = clean_surface(doc[m.tok_start : j].text)
        key = name_key(text)
        if lex.lookup(text, key) is not None:
            best = (j, False)
            continue
        sources = {x.candidate.source for x in gaz.matches_key(key)}
        if sources & {"facility", "region"} or (sources and not suffix):
            best = (j, bool(sources & {"facility", "region"}))
    if best is None:
        return m
    j, place = best
    grown = _make(doc, m.tok_start, j, m.label)
    if grown is None:
        return m
    grown.cue, grown.place_hint = m.cue, place
    return grown


def coordinated_regions(doc: Doc, mentions: list[RawMention], gaz: Gazetteer) -> None:
    """Both names of "the Raqqa and Deir al-Zor governorates" are governorates."""
    mentions = sorted(mentions, key=lambda m: m.start)
    for prev, cur in itertools.pairwise(mentions):
        if cur.tok_start - prev.tok_end > 2:
            continue
        between = doc[prev.tok_end : cur.tok_start].text.strip().lower()
        last = cur.key.rsplit(" ", 1)[-1]
        if between in ("and", ",", ", and") and last in REGION_WORDS and " " in cur.key:
            key = f"{prev.key} {last}"
            if any(x.candidate.source in ("region", "subdivision") for x in gaz.matches_key(key)):
                prev.key, prev.place_hint = key, True


class Scanner:
    """One walk over the tokens, adding mentions of names the NER did not tag."""

    def __init__(
        self,
        doc: Doc,
        covered: list[bool],
        lookup: Callable[[str, str, Span], str | None],
        first_words: tuple[frozenset[str], ...],
        grow: Callable[[RawMention], RawMention],
    ) -> None:
        self.doc = doc
        self.covered = covered
        self.lookup = lookup  # (surface, key, span) -> label, or None
        self.first_words = first_words
        self.grow = grow  # extends a mention over "air base", "governorate"...

    def scan(self) -> list[RawMention]:
        """New mentions, in text order; covered tokens are marked as they are found."""
        out: list[RawMention] = []
        doc, covered = self.doc, self.covered
        i = 0
        while i < len(doc):
            tok = doc[i]
            if covered[i] or not tok.text[:1].isupper() or not self._may_start(tok.text):
                i += 1
                continue
            found = self._longest(i)
            if found is None:
                i += 1
                continue
            grown = self.grow(found)
            if not any(covered[grown.tok_start : grown.tok_end]):
                found = grown  # else it grew into a name found before: keep it short
            out.append(found)
            for k in range(found.tok_start, found.tok_end):
                covered[k] = True
            i = found.tok_end
        return out

    def _may_start(self, word: str) -> bool:
        key = name_key(word)
        if not key:
            return True
        first = key.split()[0]
        return any(first in words for words in self.first_words)

    def _longest(self, i: int) -> RawMention | None:
        doc = self.doc
        limit = min(len(doc), i + _MAX_SCAN)
        end = i
        while end < limit and not self.covered[end] and "\n" not in doc[end].text:
            end += 1
        for j in range(end, i, -1):
            if not _name_like(doc[i:j]):
                continue
            span = doc[i:j]
            text = clean_surface(span.text)
            key = name_key(text)
            label = self.lookup(text, key, span) if key else None
            if label is not None:
                return _make(doc, i, j, label)
        return None


def _name_like(span: Span) -> bool:
    """Capitalised at both ends; inside, only capitalised words and name connectors."""
    last = span[-1].text
    if not (last[:1].isupper() or last[:1].isdigit()):
        return False
    return all(t.text[:1].isupper() or t.lower_ in _CONNECTORS for t in span[1:-1])


def place_trusted_for_scan(
    gaz: Gazetteer, context: Counter[str], person_words: set[str]
) -> Callable[[str, str, Span], bool]:
    """A predicate: may an untagged span be added as a place?"""

    def ok(text: str, key: str, span: Span) -> bool:
        # a proper noun, not a capitalised common word ("Police said...")
        if key in person_words or not any(t.tag_ in ("NNP", "NNPS") for t in span):
            return False
        if len(span) == 1 and len(text) <= 3 and not text.isupper():
            return False
        match = gaz.matches_key(key, context)
        return bool(match) and trusted(match[0], context)

    return ok
