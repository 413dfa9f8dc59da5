"""Dated events from an article's sentences, and one timeline entry per event.

``extract_events`` turns every sentence that names a day into an ``Event`` (the
rules for reading dates are in ``bot.text.dates``): up to two events per
sentence, one per distinct day, with the clause that carries the event as text
(``clause_at``: the sentence itself when short, never more than 25 of its own
words, an ellipsis where it was cut) and a ``signature`` saying what happened.

Merging: two outlets report the same event when they give it the same day and
the same signature (``event_key``). The signature is the kind of event named
nearest to the date in the sentence ("ceasefire", "withdrawal", "talks"... see
``bot.text.events.EVENT_CLASSES``), so "the truce agreed on January 20" and "a
ceasefire reached on Tuesday, January 20" meet; failing a kind, the entity
named nearest to the date, else the first content word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from bot.models import Event, TimelineEntry
from bot.text import dates as datephrases
from bot.text.datelines import strip_dateline
from bot.text.events import event_classes, nearest_event_class
from bot.text.names import fold
from bot.text.terms import loose_terms, words

TEXT_MAX_CHARS = 200
# one happening in two outlets' words: shared content words (see same_happening)
SAME_MIN_SHARED = 2
SAME_MIN_SHARE = 0.4
# an event's line quotes the clause that carries it: words of that clause,
# grown over its neighbours up to CLAUSE_MIN_WORDS, never past CLAUSE_MAX_WORDS
CLAUSE_MIN_WORDS = 6
CLAUSE_MAX_WORDS = 25
# where a sentence breaks into clauses: semicolons, colons, dashes, brackets, and a
# comma before a lower-case word (not inside a list of names)
_CLAUSE_BREAK_RE = re.compile(r"\s*[;:()]\s*|\s+[—–-]\s+|,\s+(?=[a-z])")
MAX_EVENTS_PER_SENTENCE = 2


@dataclass
class SentenceInfo:
    """One sentence of an article with the canonical entities it names."""

    text: str
    actors: list[str] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)


def extract_events(
    sentences: list[SentenceInfo],
    published: datetime | None,
    source_url: str | None,
    ingested: datetime | None = None,
) -> list[Event]:
    """Events in the order of the text, their days resolved against ``published``.

    With no publication date, the latest full date the article names gives "January
    23" its year, else the day it was ``ingested`` does (a link is posted while it is
    news); either gives the year only: relative days ("on Monday") stay undated.
    """
    pub = published.date() if published is not None else None
    year_ref = None
    if pub is None:
        year_ref = _latest_full_date(sentences)
        if year_ref is None and ingested is not None:
            year_ref = ingested.date()
    events: list[Event] = []
    history: datephrases.History = []
    since_dated = datephrases.ANCHOR_SENTENCES + 1
    for info in sentences:
        recent = history and since_dated <= datephrases.ANCHOR_SENTENCES
        anchor = history[-1][0] if recent else None
        info = _without_stamp(info)
        found = datephrases.find_dates(info.text, pub, anchor, history, year_ref)
        since_dated += 1
        if found:
            classes = frozenset(event_classes(info.text))
            history.extend((mention.when, classes) for mention in found)
            since_dated = 1
        if not _only_a_date(info.text, found):
            events.extend(_events_of(info, found, source_url))
    return events


# a page's time stamp run into the line after it: "date 2026-01-27 On Monday the
# ferry workers…", "Updated 2026-02-24 10:08 Talks resumed…"
_STAMP_RE = re.compile(
    r"\s*(?:(?:date|published|updated|posted)\s*:?\s*)?\d{4}-\d\d-\d\d"
    r"(?:[ T]\d{1,2}:\d\d(?::\d\d)?)?\s+(?=\S)",
    re.IGNORECASE,
)


def _without_stamp(info: SentenceInfo) -> SentenceInfo:
    """The sentence without a time stamp or a dateline before its first word: they
    date the page, not what the sentence says happened."""
    m = _STAMP_RE.match(info.text)
    text = strip_dateline(info.text[m.end() :] if m else info.text)
    return info if text == info.text else replace(info, text=text)


def _latest_full_date(sentences: list[SentenceInfo]) -> date | None:
    days = [m.when for info in sentences for m in datephrases.find_dates(info.text, None)]
    return max(days, default=None)


_FURNITURE_WORDS = frozenset(
    {"published", "updated", "posted", "last", "modified", "am", "pm", "gmt", "utc", "est",
     "edt", "cet", "on", "at", "by", "date"}
)  # fmt: skip


def _only_a_date(text: str, found: list[datephrases.DateMention]) -> bool:
    """A dateline or a page's time stamp ("The Hague, Oct 30 (AP)", "Published January
    24, 2025", "2026-02-24 10:08"): a date with nothing that happened on it."""
    if not found:
        return False
    rest = text
    for m in sorted(found, key=lambda m: -m.start):
        rest = rest[: m.start] + " " + rest[m.end :]
    words = [w for w in re.findall(r"[^\W\d_]+", rest) if w.lower() not in _FURNITURE_WORDS]
    # a report has a verb, so lower-case words; a dateline has names and capitals only
    return not any(w[:1].islower() for w in words)


def _events_of(
    info: SentenceInfo, found: list[datephrases.DateMention], source_url: str | None
) -> list[Event]:
    out: list[Event] = []
    seen: set[date] = set()
    # "said on Monday, six days after a ceasefire": the ceasefire is not Monday's event
    others = [m.focus for m in found if m.focus != (m.start, m.end)]
    for mention in found:
        if mention.when in seen or len(seen) >= MAX_EVENTS_PER_SENTENCE:
            continue
        seen.add(mention.when)
        out.append(
            Event(
                date=mention.when,
                text=clause_at(info.text, (mention.start, mention.end)),
                actors=list(info.actors),
                locations=list(info.locations),
                sources=[source_url] if source_url else [],
                approximate=mention.approximate,
                signature=signature_at(
                    info, mention.focus, [f for f in others if f != mention.focus]
                ),
            )
        )
    return out


def signature_at(
    info: SentenceInfo, span: tuple[int, int], skip: list[tuple[int, int]] | None = None
) -> str:
    """What happened at ``span`` of the sentence: the nearest event class, else entity."""
    kind = nearest_event_class(info.text, span, skip)
    if kind is not None:
        return kind
    folded = fold(info.text)
    named = [(folded.find(fold(n)), n) for n in [*info.actors, *info.locations]]
    placed = [(abs(pos - span[0]), n) for pos, n in named if pos >= 0]
    if placed:
        return _slug(min(placed)[1])
    terms = loose_terms(info.text)
    return terms[0] if terms else "event"


def clause_at(sentence: str, span: tuple[int, int]) -> str:
    """The words of ``sentence`` that carry the event dated at ``span``, extractive.

    A short sentence is kept whole. A long one is cut into clauses; the clause
    holding the date grows over its neighbours (the one before first: it holds
    the subject) while under ``CLAUSE_MIN_WORDS`` words, and the sentence's first
    clause (its subject) goes before it when short. An ellipsis marks a cut.
    """
    text = " ".join(sentence.split())
    if len(sentence.split()) <= CLAUSE_MAX_WORDS:
        return trim_text(text)
    span = _collapsed_span(sentence, span)
    pieces = _clauses(text)
    i = next((k for k, (a, b) in enumerate(pieces) if a <= span[0] < b), 0)
    lo = hi = i

    def size(a: int, b: int) -> int:
        return len(text[pieces[a][0] : pieces[b][1]].split())

    while size(lo, hi) < CLAUSE_MIN_WORDS:
        grown = [(lo - 1, hi)] if lo > 0 else []
        grown += [(lo, hi + 1)] if hi + 1 < len(pieces) else []
        grown = [g for g in grown if size(*g) <= CLAUSE_MAX_WORDS]
        if not grown:
            break
        lo, hi = grown[0]
    start, end = pieces[lo][0], pieces[hi][1]
    if len(text[start:end].split()) > CLAUSE_MAX_WORDS:
        start, end = _window(text, span)
    quote = text[start:end].strip(" ,;:—–-")
    head = "…" if start > 0 else ""
    subject = text[pieces[0][0] : pieces[0][1]].strip(" ,;:—–-")
    if lo > 0 and len(subject.split()) + len(quote.split()) <= CLAUSE_MAX_WORDS:
        # "Dock workers, who ..., will vote on Friday": the subject, then the clause
        head = subject + (" … " if lo > 1 else " ")
    tail = "" if end >= len(text.rstrip()) else "…"
    return trim_text(head + quote + tail)


def _collapsed_span(sentence: str, span: tuple[int, int]) -> tuple[int, int]:
    """``span`` of ``sentence`` in the sentence with its whitespace collapsed."""
    before = " ".join(sentence[: span[0]].split())
    inner = " ".join(sentence[span[0] : span[1]].split())
    start = len(before) + (1 if before and sentence[: span[0]][-1:].isspace() else 0)
    return start, start + len(inner)


def _clauses(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = 0
    for m in _CLAUSE_BREAK_RE.finditer(text):
        if m.start() > start:
            out.append((start, m.start()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out or [(0, len(text))]


def _window(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """About ``CLAUSE_MAX_WORDS`` words around ``span``, at word boundaries."""
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    at = next((k for k, (a, b) in enumerate(words) if b > span[0]), 0)
    first = max(0, at - CLAUSE_MAX_WORDS // 2)
    last = min(len(words), first + CLAUSE_MAX_WORDS) - 1
    return words[first][0], words[last][1]


def trim_text(text: str, limit: int = TEXT_MAX_CHARS) -> str:
    """The sentence with whitespace collapsed, cut at a word boundary near ``limit``."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:-–— ") + "…"


# ---- merging the same event across outlets ------------------------------------------


def event_signature(event: Event) -> str:
    """The "what" half of an event key (computed from the text for events without one)."""
    if event.signature:
        return event.signature
    info = SentenceInfo(event.text, event.actors, event.locations)
    return signature_at(info, (0, 0))


def event_key(event: Event) -> str:
    """Key that two outlets' reports of the same event share: ``date|signature``."""
    approximate = "~" if event.approximate else ""  # "last week" never merges with a real day
    return f"{event.date.isoformat()}{approximate}|{event_signature(event)}"


def same_happening(entry: TimelineEntry, event: Event) -> bool:
    """Whether ``event`` (another outlet's words) reports the happening of ``entry``.

    Called for an entry of the same day whose key differs: the signature is one
    word and outlets choose different ones. They are one happening when neither
    names a different kind of event and they share most of the shorter one's
    content words (names included), at least ``SAME_MIN_SHARED`` of them.
    """
    if entry.date != event.date or entry.approximate != event.approximate:
        return False
    kinds_a, kinds_b = set(event_classes(entry.text)), set(event_classes(event.text))
    if kinds_a and kinds_b and not kinds_a & kinds_b:
        return False
    a, b = set(loose_terms(entry.text)), set(loose_terms(event.text))
    shared = len(a & b)
    return shared >= SAME_MIN_SHARED and shared >= SAME_MIN_SHARE * min(len(a), len(b))


def _slug(name: str) -> str:
    return "-".join(words(name)) or "event"


def entry_from_event(event: Event, now: datetime) -> TimelineEntry:
    """A new timeline entry holding one event."""
    return TimelineEntry(
        date=event.date,
        text=event.text,
        sources=list(dict.fromkeys(event.sources)),
        first_seen=now,
        updated_at=now,
        approximate=event.approximate,
    )


def merge_event(existing: TimelineEntry, event: Event, now: datetime) -> TimelineEntry:
    """``existing`` with ``event``'s sources added and the clearer of the two texts.

    Clearer means complete (not cut) and at least 40 characters, then shorter.
    ``updated_at`` moves only when a source or the text changed, so merging the
    same event twice is a no-op.
    """
    sources = list(dict.fromkeys([*existing.sources, *event.sources]))
    text = min((existing.text, event.text), key=_clarity)
    if sources == existing.sources and text == existing.text:
        return replace(existing, sources=list(existing.sources))
    return replace(
        existing,
        sources=sources,
        text=text,
        updated_at=now,
        approximate=existing.approximate and event.approximate,
    )


def _clarity(text: str) -> tuple[int, int, int]:
    cut = text.endswith("…")
    return (int(cut), int(len(text) < 40), len(text))
