"""Where sentences end: spans for texts without a parse, line breaks, the lead.

One boundary finder serves three rule sets. What differs between them is data
(``SentenceRules``), and the notes below say why each caller needs its own:

* ``ENGLISH`` (the default), for English text without a parse: ``.``, ``!``,
  ``?`` or an ellipsis, closing quotes or brackets (they stay with the
  sentence), whitespace, then a capital or a digit. Common abbreviations and
  initials ("Gov.", "J.", "U.S.") do not end a sentence.
* ``ANY_SCRIPT``: the splitter for languages without a spaCy model. Capitals of
  the Latin, Cyrillic and Greek scripts and the CJK full stop count; the
  abbreviation list is English, so it is not used. A closing quote after the
  stop falls between the two sentences, as it always has for these languages.
* ``LEAD``: where the lead of an article ends, for term weights
  (``term_counts``, fingerprints) and development titles. Any whitespace after
  a stop ends a sentence, whatever follows ("U.S. troops" too), and a line
  break ends one only after a stop. Fingerprints stored in developments were
  weighted with these leads, and new ones must stay comparable to them: the
  ``ENGLISH`` rules give the same ``bench/developments.py`` figures but another
  lead in about one article in eight, so moving to them is a change of its own.

``split_sentences`` and ``cut_at_line_breaks`` also end a sentence at every
line break: extracted text has one paragraph per line. ``ends_a_sentence``
asks the same of a whole line, in any script.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_LINE = re.compile(r"[^\n]+")


@dataclass(frozen=True)
class SentenceRules:
    """What ends a sentence.

    ``boundary`` matches the gap between two sentences; its group 1 holds the
    closing marks that stay with the sentence before, and what the match takes
    after that group belongs to neither sentence. A boundary right after one of
    ``abbreviations`` or a single initial ends nothing; with ``None`` every
    boundary counts.
    """

    boundary: re.Pattern[str]
    abbreviations: frozenset[str] | None = None


# Words whose trailing full stop does not end an English sentence.
_ENGLISH_ABBREVIATIONS = """mr mrs ms dr prof sen rep gov gen col lt sgt capt cmdr adm st mt ft
    jr sr inc ltd co corp vs etc no nos approx dept est fig jan feb mar apr jun jul
    aug sep sept oct nov dec u.s u.k u.n e.g i.e a.m p.m"""

ENGLISH = SentenceRules(
    re.compile(r"""(?<=[.!?…])(["'”’)\]]*)\s+(?=["'“‘(\[]?[A-Z0-9])"""),
    frozenset(_ENGLISH_ABBREVIATIONS.split()),
)
ANY_SCRIPT = SentenceRules(
    # the empty group: a closing quote or bracket after the stop is in neither sentence
    re.compile(r"(?<=[.!?…。])()[\"”»)]?\s+(?=[\"“«(]?[A-ZÀ-ÖØ-ÞА-ЯΑ-Ω0-9¿¡])"),
)
LEAD = SentenceRules(re.compile(r"[.!?]([\"'”’)]?)\s"))

# A line that reads as prose ends with a stop of any script (fullwidth ones too)
# or a closing quote or bracket: pages in every language reach the extractor.
_LINE_END = re.compile(r"[.!?…。！？\"'”’»)]\s*$")


def split_sentences(text: str, rules: SentenceRules = ENGLISH) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text``, for texts without an NLP parse.

    Line breaks always end a sentence; inside a line, ``rules`` say where one
    ends. Leading and trailing whitespace is left out of every span.
    """
    spans: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        cut = line.start()
        for end, next_start in _boundaries(text, rules, line.start(), line.end()):
            _add_trimmed(spans, text, cut, end)
            cut = next_start
        _add_trimmed(spans, text, cut, line.end())
    return spans


def cut_at_line_breaks(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` (a parser's sentences) cut at every line break inside them, whitespace trimmed.

    spaCy's small models run a headline without a full stop into the first
    sentence; extracted text has one paragraph per line, so a line break is a
    safer boundary than anything the parser guessed across it.
    """
    out: list[tuple[int, int]] = []
    for start, end in spans:
        for line in _LINE.finditer(text, start, end):
            _add_trimmed(out, text, line.start(), line.end())
    return out


def lead_end_of(text: str, sentences: int = 2, max_chars: int = 900) -> int:
    """Offset where the lead (first ``sentences`` sentences, capped) of ``text`` ends.

    The offset is past the whitespace after the last stop; a text with fewer
    sentences is all lead. Boundaries follow the ``LEAD`` rules.
    """
    end = 0
    boundaries = _boundaries(text, LEAD, 0, len(text))
    for _ in range(sentences):
        found = next(boundaries, None)
        if found is None:
            return min(len(text), max_chars)
        end = found[1]
    return min(end, max_chars)


def ends_a_sentence(line: str) -> bool:
    """Whether ``line`` ends as prose does; many lines that do not make a list of links."""
    return _LINE_END.search(line) is not None


def _boundaries(text: str, rules: SentenceRules, start: int, end: int) -> Iterator[tuple[int, int]]:
    """``(end of a sentence, start of the next)`` for each boundary in ``text[start:end]``."""
    cut = start
    for match in rules.boundary.finditer(text, start, end):
        if rules.abbreviations is not None and _ends_with_abbreviation(
            text[cut : match.end(1)], rules.abbreviations
        ):
            continue
        yield match.end(1), match.end()
        cut = match.end()


def _ends_with_abbreviation(chunk: str, abbreviations: frozenset[str]) -> bool:
    last = chunk.rsplit(None, 1)[-1] if chunk.strip() else ""
    if not last.endswith("."):
        return False
    word = last.rstrip(".").lstrip("\"'“‘(").lower()
    # single initials ("J. Smith") and known abbreviations ("Gov. Brownback")
    return (len(word) == 1 and word.isalpha()) or word in abbreviations


def _add_trimmed(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
