"""Dated events from an article's sentences, and one timeline entry per event.

``extract_events`` turns every sentence that names a day into an ``Event`` (the
rules for reading dates are in ``bot.text.dates``): up to two events per
sentence, one per distinct day, with the sentence as text (cut to about 200
characters at a word boundary) and a ``signature`` saying what happened.

Merging: two outlets report the same event when they give it the same day and
the same signature (``event_key``). The signature is the kind of event named
nearest to the date in the sentence ("ceasefire", "withdrawal", "talks"... see
``bot.text.events.EVENT_CLASSES``), so "the truce agreed on January 20" and "a
ceasefire reached on Tuesday, January 20" meet; failing a kind, the entity
named nearest to the date, else the first content word.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from bot.models import Event, TimelineEntry
from bot.text import dates as datephrases
from bot.text.events import event_classes, nearest_event_class
from bot.text.names import fold
from bot.text.terms import loose_terms, words

TEXT_MAX_CHARS = 200
MAX_EVENTS_PER_SENTENCE = 2


@dataclass
class SentenceInfo:
    """One sentence of an article with the canonical entities it names."""

    text: str
    actors: list[str] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)


def extract_events(
    sentences: list[SentenceInfo], published: datetime | None, source_url: str | None
) -> list[Event]:
    """Events in the order of the text, their days resolved against ``published``."""
    pub = published.date() if published is not None else None
    events: list[Event] = []
    history: datephrases.History = []
    since_dated = datephrases.ANCHOR_SENTENCES + 1
    for info in sentences:
        recent = history and since_dated <= datephrases.ANCHOR_SENTENCES
        anchor = history[-1][0] if recent else None
        found = datephrases.find_dates(info.text, pub, anchor, history)
        since_dated += 1
        if found:
            classes = frozenset(event_classes(info.text))
            history.extend((mention.when, classes) for mention in found)
            since_dated = 1
        events.extend(_events_of(info, found, source_url))
    return events


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
                text=trim_text(info.text),
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
