"""Titles and summaries of developments, taken together from one member article.

Both are extractive, and both come from the same article, the development's
*lead*: its headline (trimmed of datelines and outlet suffixes, and shortened)
is the title, one or two of its summary sentences the summary. A title over a
summary from another article would read as one report when it is two.

The lead is the member most central to the others: among the ``LEAD_POOL``
newest-published members, the one whose headline and summary share the most
terms (cosine, leave-one-out) with the other members' headlines and summaries.
The choice depends only on *which* articles are members, not on the order they
arrived in nor on the topic, so the same articles filed in several topics (or
re-filed by a backfill or an editor's rebuild) give the same title and summary
everywhere. Nothing is generated, so nothing can be invented.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from bot.models import ArticleRef, Development
from bot.text import similarity
from bot.text.datelines import strip_dateline
from bot.text.names import fold
from bot.text.terms import loose_terms, words

TITLE_MAX_CHARS = 90
SUMMARY_MAX_CHARS = 320
LEAD_POOL = 10  # the newest-published members that may lead (their sentences are kept)
_SUFFIX_RE = re.compile(r"\s+[|\-–—:]\s+([^|\-–—:]{2,40})$")


def relabel(dev: Development) -> None:
    """Recompute ``dev.title`` and ``dev.summary`` in place, both from its lead article."""
    said = _said(dev)
    lead = lead_of(dev, said)
    dev.features.label_source = lead.id if lead else ""
    if lead is None:
        dev.title, dev.summary = _template_title(dev), ""
        dev.features.summary_sources = []
        return
    dev.title = _headline(dev, lead) or _template_title(dev)
    sentences = said.get(lead.id, [])
    picked = _lead_sentences(sentences)
    dev.summary = " ".join(strip_dateline(sentences[i].strip()) for i in picked)
    dev.features.summary_sources = [lead.id] if picked else []


def title_for(dev: Development) -> str:
    """The title ``relabel`` gives: the lead's headline, shortened (with no usable
    headline, a template over the top actors and places)."""
    lead = lead_of(dev, _said(dev))
    return (_headline(dev, lead) if lead else "") or _template_title(dev)


def lead_of(dev: Development, said: dict[str, list[str]] | None = None) -> ArticleRef | None:
    """The member whose headline and summary label the development (see the module
    docstring); one with a summary sentence when any member has one. Ties go to the
    newest-published member, so the result never depends on arrival order."""
    said = _said(dev) if said is None else said
    pool = [r for r in dev.articles[:LEAD_POOL] if r.title.strip() or said.get(r.id)]
    if not pool:
        return None
    vectors = [_unit(Counter(loose_terms(_label_text(r, said)))) for r in pool]
    total: dict[str, float] = {}
    for vec in vectors:  # summed in publication order: the same floats for any arrival order
        for key, weight in vec.items():
            total[key] = total.get(key, 0.0) + weight
    scored = []
    for position, (ref, vec) in enumerate(zip(pool, vectors, strict=True)):
        others = {k: w - vec.get(k, 0.0) for k, w in total.items()}
        score = similarity.cosine(vec, {k: w for k, w in others.items() if w > 1e-12})
        penalty = _length_penalty(_headline(dev, ref))
        scored.append((bool(said.get(ref.id)), round(score - penalty, 9), -position, ref))
    return max(scored, key=lambda s: s[:3])[3]


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
    return _with_second(candidates, ranked)


def _lead_sentences(sentences: list[str]) -> list[int]:
    """The lead article's summary: its sentences in the summariser's order, the
    first usable one, and a second when it adds something."""
    usable = [i for i, s in enumerate(sentences) if 30 <= len(s.strip()) <= 400]
    if not usable:
        usable = [i for i, s in enumerate(sentences) if s.strip()]
    return _with_second(sentences, usable) if usable else []


def _with_second(candidates: list[str], ranked: list[int]) -> list[int]:
    first = ranked[0]
    picked = [first]
    if len(candidates[first]) < SUMMARY_MAX_CHARS // 2:
        for i in ranked[1:]:
            fits = len(candidates[first]) + len(candidates[i]) <= SUMMARY_MAX_CHARS
            if fits and _overlap(candidates[first], candidates[i]) < 0.5:
                picked.append(i)
                break
    return picked


def _said(dev: Development) -> dict[str, list[str]]:
    """Member id -> its summary candidates, in the article's own order."""
    out: dict[str, list[str]] = {}
    for ident, sentence in dev.features.sentences:
        out.setdefault(ident, []).append(sentence)
    return out


def _label_text(ref: ArticleRef, said: dict[str, list[str]]) -> str:
    return " ".join([ref.title, *said.get(ref.id, [])])


def _unit(counts: Counter[str]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in counts.values()))
    return {k: v / norm for k, v in counts.items()} if norm else {}


def _headline(dev: Development, ref: ArticleRef) -> str:
    """``ref``'s headline as a title: no dateline, no outlet suffix, shortened."""
    title = ref.title.strip()
    if not title:
        return ""
    outlets = {fold(o) for o in dev.outlets}
    # "MOSCOW: ..." or "KYIV (Reuters) - ...": a headline that is really a lead
    return shorten(_strip_outlet(strip_dateline(title), outlets), TITLE_MAX_CHARS)


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
