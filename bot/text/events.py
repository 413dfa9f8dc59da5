"""Kinds of events: the vocabulary that says what happened in a sentence.

Outlets name one happening in different words ("truce", "ceasefire"; "pull out",
"withdraw"); each class here gathers those words, so that the timeline can key an
event by its class and a date phrase ("two days after the truce") can find the
earlier sentence that dated the same kind of event.
"""

from __future__ import annotations

import re

# On a tie in distance (``nearest_event_class``), the earlier class in this list wins.
EVENT_CLASSES: list[tuple[str, re.Pattern[str]]] = [
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in [
        (
            "ceasefire",
            r"\b(?:cease-?fires?|truces?|armistice|(?:stop|halt)\w*\s+(?:the\s+)?fighting"
            r"|fighting\s+(?:stopped|ended|halted|ceased))\b",
        ),
        (
            "withdrawal",
            r"\b(?:withdr\w+|pull\w*\s+(?:\w+\s+){0,3}?(?:out|back)|pull(?:out|back)s?|evacuat\w+|redeploy\w*"
            r"|vacat(?:e|es|ed|ing)|leav(?:e|es|ing)|quit(?:s|ting)?|exit(?:s|ed|ing)?"
            r"|depart(?:s|ed|ing|ures?)?|draw\w*\s+down|drawdown"
            r"|reduc\w+|load(?:ed|ing)?|fly\s+home|flown\s+out)\b",
        ),
        (
            "talks",
            r"\b(?:talks?|met|meet(?:s|ing|ings)?|visit\w*|summits?|host(?:s|ed|ing)?"
            r"|receiv(?:e|es|ed)|sat\s+down|negotiat\w+|trip|came\s+to|travel\w*|flew\s+to)\b",
        ),
        ("landing", r"\b(?:land(?:ed|ing)|touch\w*\s+down|airlift\w*)\b"),
        (
            "attack",
            r"\b(?:attack\w*|strikes?|airstrikes?|shell\w*|bomb\w*|kill\w*|clash\w*|offensive|"
            r"fighting|fought)\b",
        ),
        ("capture", r"\b(?:seiz\w+|captur\w+|takeover|t[ao]ok\s+control|take\s+over)\b"),
        ("election", r"\b(?:elect(?:s|ed|ions?)?|vot(?:e|es|ed|ing)|ballots?|referend\w+)\b"),
        ("arrest", r"\b(?:arrest\w*|detain\w*|detention)\b"),
    ]
]


def event_class_spans(text: str) -> list[tuple[int, int, str]]:
    """Every event-class word in ``text``: ``(start, end, class)`` in text order."""
    spans = [
        (m.start(), m.end(), name)
        for name, pattern in EVENT_CLASSES
        for m in pattern.finditer(text)
    ]
    return sorted(spans)


def event_classes(text: str) -> list[str]:
    """The event classes ``text`` names, in the order of ``EVENT_CLASSES``."""
    return [name for name, pattern in EVENT_CLASSES if pattern.search(text)]


def nearest_event_class(
    text: str, span: tuple[int, int], skip: list[tuple[int, int]] | None = None
) -> str | None:
    """The class of the event word closest to ``span`` (0 when inside it), if any.

    Words inside a ``skip`` span are ignored: they describe another event of the
    sentence ("said on Monday, six days after a ceasefire").
    """
    order = {name: i for i, (name, _) in enumerate(EVENT_CLASSES)}
    best: tuple[int, int, str] | None = None
    for start, end, name in event_class_spans(text):
        if any(a <= start < b for a, b in skip or []):
            continue
        gap = max(span[0] - end, start - span[1], 0)
        key = (gap, order[name], name)
        if best is None or key < best:
            best = key
    return None if best is None else best[2]
