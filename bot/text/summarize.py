"""Extractive summaries: 2 to 4 sentences taken verbatim from an article body.

News puts its substance first, so the first sentences of the body are a strong
summary on their own (the "lead-3" baseline). We keep that prior and correct
its failures: captions, bylines, share prompts and split fragments that sit in
the lead are skipped, a sentence that repeats one already chosen is passed
over, and the score mixes position with how central a sentence is to the rest
of the article and how much it shares with the headline. The number of
sentences (2 up to ``max_sentences``) follows a word budget, so long lead
sentences give a 2-sentence summary and short ones a longer one.

Pure Python; a 1,000-word article takes a millisecond or two.
``bench/summaries.py`` measures the quality against lead-3 and an oracle.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass

from bot.text.sentences import cut_at_line_breaks
from bot.text.terms import INFLECTIONS, SUMMARY_STOPWORDS, stem

__all__ = [
    "DEFAULT_WEIGHTS",
    "Weights",
    "is_boilerplate",
    "summarize",
    "summarize_with",
]

MIN_WORDS = 6
MAX_WORDS = 80

_WS = re.compile(r"\s+")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def _alternation(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# Furniture recognised by how the sentence opens (matched at the start only).
_FURNITURE_START = _alternation(
    r"(reporting|additional reporting|writing|editing) by\b",
    # photo and video captions, credits, prompts to watch or click
    r"(photo|picture|image|video|graphic|illustration|file photo|pictured)"
    r"(\s+(credit|courtesy))?\s*[:|(]",
    r"(scroll down|click here|tap here|watch|listen)\b",
    r"(read|see) (more|also)\b",
    r"(related|advertisement|sponsored|trending|most (read|popular))\b",
    r"(more|related) (on|from|stories|coverage)\b",
    r"(we|this (site|website)) use[sd]? cookies\b",
)
# Furniture recognised anywhere in the sentence; searched only when one of the
# cheap keywords below occurs, since most sentences have none.
_FURNITURE_ANYWHERE = _alternation(
    r"\b(photo|image|picture)s?\s+(credit|courtesy)\b",
    r"\b(getty images|shutterstock|associated press|afp via getty|reuters/)\s*\)?\s*$",
    r"\bcc[ -]by(-[a-z]{2})*( \d\.\d)?\b",
    # share / follow / subscribe / newsletter prompts
    r"\b(share this (article|story|page|with)|share on (facebook|twitter|whatsapp|x)\b"
    r"|follow us\b|follow (him|her|them|me) on|subscribe (now|today|here)"
    r"|download our app|our newsletter)",
    r"\b(sign up|subscribe)\b.*\b(newsletter|alerts|updates)\b",
    # copyright and rights lines ("cafÃ©" in mojibake is not one)
    r"(?<!\w)©|\(c\)\s*\d{4}|\bcopyright\s+(\d{4}|©|\(c\))|\ball rights reserved\b",
    # prompts to the reader
    r"\b(let us know|tell us what you think|leave a comment|comments? below)\b",
)
_FURNITURE_KEYWORDS = (
    "credit", "courtesy", "getty", "shutterstock", "associated press", "reuters/", "cc", "share",
    "follow", "subscribe", "sign up", "download", "newsletter", "©", "(c)", "copyright",
    "reserved", "let us", "tell us", "comment",
)  # fmt: skip

# "By Jane Doe, Defence Correspondent", "BY JOHN SMITH AND ANNA LEE": two or more
# capitalised name words, so "By that stage, ..." or "By Monday, ..." stay.
_BYLINE = re.compile(
    r"^(By|BY)\s+[A-Z][\w.'’-]*(\s+(al|bin|de|der|van|von|[A-Z][\w.'’-]*)){1,4}"
    r"\s*(,|\||\band\b|\bfor\b|$)"
)
_URL = re.compile(r"(https?://|www\.)\S+|\b\S+\.(com|org|net|co\.uk)(/\S*)?\b", re.IGNORECASE)
_URL_KEYWORDS = ("http", "www.", ".com", ".org", ".net", ".co.uk")
# "Pictured: ...", "Bizarre lawsuit: ...": a caption label of one to three words.
_CAPTION_LABEL = re.compile(r"^[A-Z][\w'’-]*(\s+[\w'’-]+){0,2}:\s")
_READER_QUESTION = re.compile(r"\b(you|your)\b.*\?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Weights:
    """Weights of the sentence score; ``bench/summaries.py`` measured these."""

    position_decay: float = 1.5  # the position prior halves every this many sentences
    centrality: float = 0.6
    title: float = 0.1
    entities: float = 0.05  # taken off a sentence that names no recurring entity
    redundancy: float = 0.5  # how much overlap with a chosen sentence costs
    duplicate: float = 0.7  # overlap above which a sentence is never added
    budget_words: int = 75  # stop adding sentences once the summary has this many words


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class _Sentence:
    index: int  # position among the usable sentences
    start: int
    text: str
    words: int
    terms: Counter[str]


def is_boilerplate(sentence: str) -> bool:
    """Whether ``sentence`` is page furniture rather than reporting.

    True for captions and photo credits, bylines, share/follow/subscribe
    prompts, "Read more" links, copyright lines, sentences that are mostly a
    URL, questions put to the reader, and fragments under 6 or over 80 words.
    Datelines such as "(Reuters) -" or "(CNN)" at the start of a real sentence
    are not boilerplate: the sentence after them is the lead.
    """
    text = _WS.sub(" ", sentence).strip()
    words = _WORD.findall(text)
    if not MIN_WORDS <= len(words) <= MAX_WORDS:
        return True
    return _is_furniture(text, words)


def _is_furniture(text: str, words: list[str]) -> bool:
    if _BYLINE.match(text) or _FURNITURE_START.match(text):
        return True
    low = text.lower()
    if any(k in low for k in _FURNITURE_KEYWORDS) and _FURNITURE_ANYWHERE.search(text):
        return True
    if _CAPTION_LABEL.match(text) and not _looks_like_quote(text):
        return True
    if text.endswith("?") and _READER_QUESTION.search(text):
        return True
    if any(k in low for k in _URL_KEYWORDS):
        url_chars = sum(len(m.group()) for m in _URL.finditer(text))
        if url_chars * 2 >= len(text):
            return True
    return len(words) < 3


def _looks_like_quote(text: str) -> bool:
    # "Smith: 'We will...'" introduces a quotation; keep it.
    after = text.split(":", 1)[1].lstrip()
    return after[:1] in {"'", '"', "‘", "“"}


def summarize(
    text: str,
    sentences: list[tuple[int, int]],
    *,
    title: str = "",
    max_sentences: int = 3,
    entity_spans: list[tuple[int, int]] | None = None,
) -> list[str]:
    """An extractive summary of ``text``: 2 to ``max_sentences`` sentences in document order.

    ``sentences`` are character spans of ``text`` (spaCy's sentence boundaries,
    or ``bot.text.sentences.split_sentences``); a line break inside one ends
    it. Sentences come back verbatim with whitespace collapsed; captions,
    bylines and other boilerplate are never chosen.
    Fewer than 2 come back only when the text has fewer usable sentences, and
    an empty text gives ``[]``. ``entity_spans`` (named-entity character
    spans) favour sentences that name the article's recurring actors and places.
    ``max_sentences`` must be between 1 and 4.
    """
    if not 1 <= max_sentences <= 4:
        raise ValueError(f"max_sentences must be between 1 and 4, not {max_sentences}")
    return summarize_with(
        text, sentences, title=title, max_sentences=max_sentences, entity_spans=entity_spans
    )


def summarize_with(
    text: str,
    sentences: list[tuple[int, int]],
    *,
    title: str = "",
    max_sentences: int = 3,
    entity_spans: list[tuple[int, int]] | None = None,
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[str]:
    """:func:`summarize` with explicit weights (the benchmark's tuning hook)."""
    pool = _usable(text, sentences, title)
    if not pool:
        return []
    scores = _scores(pool, title, _entity_terms(text, entity_spans or []), weights)
    chosen = _select(pool, scores, max_sentences, weights)
    return [s.text for s in sorted(chosen, key=lambda s: s.start)]


def _usable(text: str, spans: list[tuple[int, int]], title: str) -> list[_Sentence]:
    """The sentences worth scoring; short non-furniture ones only when nothing else is.

    The headline is not body text, so a line that repeats it (or part of it) is
    skipped, and so is a line ending in a colon, which only introduces what follows.
    """
    good: list[tuple[int, str, list[str]]] = []
    short: list[tuple[int, str, list[str]]] = []
    headline = _WS.sub(" ", title).strip().lower()
    seen: set[str] = set()
    for start, end in _mend(text, cut_at_line_breaks(text, spans)):
        sentence = _WS.sub(" ", text[start:end]).strip()
        key = sentence.lower()
        if key in seen or _is_headline(key, headline):
            continue
        seen.add(key)
        words = _WORD.findall(sentence)
        if _is_fragment(sentence) or sentence.endswith(":") or _is_furniture(sentence, words):
            continue
        (good if MIN_WORDS <= len(words) <= MAX_WORDS else short).append((start, sentence, words))
    chosen = good or [item for item in short if len(item[2]) < MIN_WORDS]
    return [
        _Sentence(i, start, sentence, len(words), _terms(words))
        for i, (start, sentence, words) in enumerate(chosen)
    ]


def _is_headline(key: str, headline: str) -> bool:
    # The headline itself, or a piece of it cut off by the parser. A full sentence that
    # merely appears in it stays: callers may build a title from the first words of the body.
    if not headline:
        return False
    return key == headline or (key in headline and not key.endswith((".", "!", "?")))


def _mend(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans with split-off continuations ("... to retire" / "come the end of May") rejoined."""
    mended: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        piece = text[start:end].strip()
        if not piece:
            continue
        if mended and _is_fragment(piece) and mended[-1][1] <= start:
            mended[-1] = (mended[-1][0], end)
        else:
            mended.append((start, end))
    return mended


def _is_fragment(sentence: str) -> bool:
    # A bad split leaves pieces that open mid-sentence: ", Karo states", ": Manhart".
    first = sentence[0]
    return first.islower() or first in ",;:)]}-–—"


def _terms(words: list[str]) -> Counter[str]:
    return Counter(_stem(w) for w in (w.lower() for w in words) if w not in SUMMARY_STOPWORDS)


@functools.lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    # Just enough folding for overlap counts: the possessive off, then inflections.
    return stem(word.replace("’", "'").removesuffix("'s"), INFLECTIONS)


def _entity_terms(text: str, spans: list[tuple[int, int]]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for start, end in spans:
        counts.update(set(_terms(_WORD.findall(text[start:end]))))
    return counts


def _scores(
    pool: list[_Sentence], title: str, entities: Counter[str], weights: Weights
) -> list[float]:
    """Position prior + centrality + headline overlap, less a little for naming nobody."""
    doc: Counter[str] = Counter()
    for s in pool:
        doc.update(s.terms.keys())  # sentence frequency: one sentence repeating a word is not
    # the rest of the document, seen from any one sentence: counts less that sentence's own
    doc_norm = math.sqrt(sum((n - 1) ** 2 for n in doc.values())) or 1.0
    title_terms = set(_terms(_WORD.findall(title)))
    recurring = {t for t, n in entities.items() if n > 1}
    scores = []
    for s in pool:
        score = 0.5 ** (s.index / weights.position_decay)
        if s.terms:
            centrality = sum(doc[t] - 1 for t in s.terms) / (doc_norm * math.sqrt(len(s.terms)))
            score += weights.centrality * centrality
        if title_terms:
            score += weights.title * len(title_terms & s.terms.keys()) / len(title_terms)
        if recurring and not recurring & s.terms.keys():
            score -= weights.entities
        scores.append(score)
    return scores


def _overlap(a: _Sentence, b: _Sentence) -> float:
    small = min(len(a.terms), len(b.terms))
    return len(a.terms.keys() & b.terms.keys()) / small if small else 0.0


def _select(
    pool: list[_Sentence], scores: list[float], max_sentences: int, weights: Weights
) -> list[_Sentence]:
    """Greedy choice by score minus overlap with what is chosen, up to a word budget.

    A near-repeat of a chosen sentence is skipped, unless the summary would
    otherwise stay under two sentences.
    """
    chosen: list[_Sentence] = []
    words = 0
    left = dict(enumerate(pool))
    while left and len(chosen) < max_sentences:
        if len(chosen) >= 2 and words >= weights.budget_words:
            break
        ranked = sorted(
            (
                (scores[i] - weights.redundancy * overlap, overlap < weights.duplicate, -i)
                for i, overlap in ((i, _max_overlap(s, chosen)) for i, s in left.items())
            ),
            key=lambda v: (v[1], v[0], v[2]),
            reverse=True,
        )
        _, fresh, neg_i = ranked[0]
        if not fresh and len(chosen) >= 2:
            break
        chosen.append(left.pop(-neg_i))
        words += chosen[-1].words
    return chosen


def _max_overlap(sentence: _Sentence, chosen: list[_Sentence]) -> float:
    return max((_overlap(sentence, c) for c in chosen), default=0.0)
