"""Titles and summaries of developments, chosen from what their articles say.

Both are extractive: the title is the member headline most central to the
development (trimmed of datelines and outlet suffixes, and shortened), the summary the one or
two member summary sentences most central to it. "Central" means closest, by
term cosine, to the development's term weights, plus a bonus for naming its
main actors and places. Nothing is generated, so nothing can be invented.
"""

from __future__ import annotations

import re
from collections import Counter

from bot.models import Development
from bot.text import similarity
from bot.text.datelines import strip_dateline
from bot.text.names import fold
from bot.text.terms import loose_terms, words

TITLE_MAX_CHARS = 90
SUMMARY_MAX_CHARS = 320
_SUFFIX_RE = re.compile(r"\s+[|\-–—:]\s+([^|\-–—:]{2,40})$")


def title_for(dev: Development) -> str:
    """A short, specific title: the most central member headline, shortened.

    With no usable headline, a template over the top actors and places.
    """
    titles = list(dict.fromkeys(ref.title.strip() for ref in dev.articles if ref.title.strip()))
    if not titles:
        return _template_title(dev)
    outlets = {fold(o) for o in dev.outlets}
    # "MOSCOW: ..." or "KYIV (Reuters) - ...": a headline that is really a lead
    cleaned = [_strip_outlet(strip_dateline(t), outlets) for t in titles]
    best = max(cleaned, key=lambda t: (_centrality(dev, t) - _length_penalty(t), t))
    return shorten(best, TITLE_MAX_CHARS)


def summary_for(dev: Development, candidates: list[str]) -> str:
    """One or two sentences from ``candidates`` most central to the development.

    The second sentence is added only when the first is short and the second
    says something else (less than half of its terms shared).
    """
    picked = pick_sentences(dev, candidates)
    return " ".join(strip_dateline(candidates[i].strip()) for i in picked)


def pick_sentences(dev: Development, candidates: list[str]) -> list[int]:
    """Indices into ``candidates`` of the summary sentences, best first."""
    usable = [i for i, s in enumerate(candidates) if 30 <= len(s.strip()) <= 400]
    if not usable:
        usable = [i for i, s in enumerate(candidates) if s.strip()]
    if not usable:
        return []
    ranked = sorted(usable, key=lambda i: (-_centrality(dev, candidates[i]), i))
    first = ranked[0]
    picked = [first]
    if len(candidates[first]) < SUMMARY_MAX_CHARS // 2:
        for i in ranked[1:]:
            fits = len(candidates[first]) + len(candidates[i]) <= SUMMARY_MAX_CHARS
            if fits and _overlap(candidates[first], candidates[i]) < 0.5:
                picked.append(i)
                break
    return picked


def relabel(dev: Development) -> None:
    """Recompute ``dev.title`` and ``dev.summary`` in place from its features."""
    dev.title = title_for(dev)
    pool = dev.features.sentences
    picked = pick_sentences(dev, [s for _, s in pool])
    dev.summary = " ".join(strip_dateline(pool[i][1].strip()) for i in picked)
    dev.features.summary_sources = list(dict.fromkeys(pool[i][0] for i in picked))


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to at most ``limit`` characters (with an ellipsis)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:-–— ")
    return cut + "…"


def _strip_outlet(title: str, outlets: set[str]) -> str:
    # "Russia pulls out of Qamishli - Al-Monitor": the outlet is not the story
    match = _SUFFIX_RE.search(title)
    if match and (fold(match.group(1).strip()) in outlets or len(match.group(1)) < 25):
        short = title[: match.start()].strip()
        if len(short.split()) >= 3:
            return short
    return title


def _centrality(dev: Development, text: str) -> float:
    terms = dict(Counter(loose_terms(text)))
    score = similarity.cosine(terms, dev.features.terms)
    folded = fold(text)
    names = [*dev.actors[:3], *dev.locations[:2]]
    named = sum(1 for n in names if _name_in(n, folded))
    return score + 0.1 * named


def _name_in(name: str, folded_text: str) -> bool:
    # "Ahmed al-Sharaa" counts when the text says "Sharaa": match the last name part
    parts = [p for p in words(name) if len(p) > 2]
    return bool(parts) and parts[-1] in folded_text


def _length_penalty(title: str) -> float:
    return 0.004 * max(0, len(title) - 70)


def _overlap(a: str, b: str) -> float:
    ta, tb = set(loose_terms(a)), set(loose_terms(b))
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / min(len(ta), len(tb))


def _template_title(dev: Development) -> str:
    actors = dev.actors[:2]
    who = " and ".join(actors)
    where = dev.locations[0] if dev.locations else ""
    if who and where:
        return shorten(f"{who} in {where}", TITLE_MAX_CHARS)
    return shorten(who or where or "Untitled development", TITLE_MAX_CHARS)
