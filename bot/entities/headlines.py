"""Names in Title Case lines: headlines and subheads, where every word is capitalised.

The NER reads capitals as names, so in "Vandermeer and Okafor Head to Brussels"
or "Mayor Urges Talks to Break Budget Deadlock" it tags "Okafor Head" and
"Break Budget Deadlock". A name found in such a line is kept only when the
prose of the article (the lines that are not Title Case) knows it:

- its folded key is the key of a name found in prose, or a curated actor or a
  place the gazetteer knows: kept as it is;
- else the longest run of its first or last words that prose knows (or the
  surname of a person named in prose): kept, cut to that run ("Okafor Head" ->
  "Okafor"); a person's full name ending with a surname prose knows ("Rob
  Jetten" in the headline, "Jetten" in the body) is kept whole;
- else dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from spacy.tokens import Doc

from bot.entities.spans import RawMention
from bot.text.names import clean_surface, name_key

Span = tuple[int, int]

_WORD_RE = re.compile(r"[^\W\d_][\w'’-]*")
# words a Title Case headline leaves in lower case
_SMALL_WORDS = frozenset(
    {"a", "an", "the", "and", "or", "but", "nor", "of", "to", "in", "on", "at", "by", "for",
     "with", "from", "as", "vs", "via", "into", "over", "after", "amid", "per", "up", "off"}
)  # fmt: skip
_MIN_WORDS = 3
_CAPITALISED_SHARE = 0.8


def title_case_lines(text: str) -> list[Span]:
    """Char spans of the lines of ``text`` written in Title Case: at least three words
    besides the small ones ("to", "of", "and"), and most of them capitalised. A list
    item ("• Steve Witkoff and Jared Kushner for the United States,") is prose."""
    out: list[Span] = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and not stripped.startswith(("•", "-", "*")) and stripped[-1] not in ",;:":
            words = [w for w in _WORD_RE.findall(stripped) if w.lower() not in _SMALL_WORDS]
            capitalised = sum(1 for w in words if w[0].isupper())
            if len(words) >= _MIN_WORDS and capitalised >= _CAPITALISED_SHARE * len(words):
                out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def tidy_headline_names(
    doc: Doc,
    mentions: list[RawMention],
    lines: list[Span],
    known: Callable[[str, str], bool],
    make: Callable[[int, int, str], RawMention | None],
) -> list[RawMention]:
    """``mentions`` with those in Title Case ``lines`` kept, cut or dropped (module doc).

    ``known(text, key)`` says whether a name is a curated actor or a known place;
    ``make(tok_start, tok_end, label)`` builds a mention of a shorter run.
    """
    if not lines:
        return mentions
    inside = [_in_lines(m, lines) for m in mentions]
    prose = {m.key for m, head in zip(mentions, inside, strict=True) if not head}
    surnames = {
        m.key.split()[-1]
        for m, head in zip(mentions, inside, strict=True)
        if not head and m.label == "PERSON"
    }
    out: list[RawMention] = []
    for m, head in zip(mentions, inside, strict=True):
        if not head or m.key in prose or known(m.text, m.key):
            out.append(m)
            continue
        if m.label == "PERSON" and " " in m.key and m.key.split()[-1] in prose | surnames:
            out.append(m)  # "Rob Jetten" in the headline, "Jetten" in the body
            continue
        cut = _known_run(
            doc, m, lambda text, key: key in prose or key in surnames or known(text, key)
        )
        if cut is not None:
            shorter = make(cut[0], cut[1], m.label)
            if shorter is not None:
                out.append(shorter)
    return out


def _known_run(doc: Doc, m: RawMention, ok: Callable[[str, str], bool]) -> tuple[int, int] | None:
    """The longest run of the first or the last words of ``m`` that ``ok`` accepts."""
    width = m.tok_end - m.tok_start
    for size in range(width - 1, 0, -1):
        for start in (m.tok_start, m.tok_end - size):
            text = clean_surface(doc[start : start + size].text)
            key = name_key(text)
            if key and ok(text, key):
                return start, start + size
    return None


def _in_lines(m: RawMention, lines: list[Span]) -> bool:
    return any(start <= m.start and m.end <= end for start, end in lines)
