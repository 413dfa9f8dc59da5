"""A digest of several topics shows each story once.

Topics overlap (syria, russia, kremlin...), and an article is filed into every
topic it matches, so one story is a development in each of them. In a digest
it is shown once, under the topic it belongs to most, with the other topics
named ("also in kremlin, russia").

*The same story*: two developments of different topics of the digest are the
same story when more than half of the smaller one's articles are in the other,
or when both are labelled from the same article (``features.label_source``: the
same title and summary). Stories are the connected groups of that relation.

*Belongs most*: the topic under which the largest share of the story's
articles (all its developments' articles together) is filed; ties go to the
topic named first in the digest (the subscription's order). Under that topic
the story shows as that topic's developments of the group; every other topic
of the group drops its developments of it, and names where they are.

Timeline lines repeat the same way (one event, the same line in each topic):
a line is kept under the first topic that shows a development it came from,
else under the first topic that has it.

Pure apart from ``filed``, the question "which of these articles are filed
under that topic?", which the caller answers from the store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.models import Brief, Development, Marks, TimelineEntry

Filed = Callable[[str, list[str]], set[str]]  # (topic, article ids) -> those filed under it


@dataclass(frozen=True)
class _Shown:
    topic: int  # position of the topic in the digest
    dev: Development

    @property
    def members(self) -> frozenset[str]:
        return frozenset(ref.id for ref in self.dev.articles)


def show_once(briefs: list[Brief], filed: Filed) -> list[Brief]:
    """``briefs`` (one per topic, in the digest's order) with each story kept under
    one topic only, and each timeline line once; see the module docstring."""
    shown = [
        _Shown(t, dev)
        for t, brief in enumerate(briefs)
        if brief.known_topic and not brief.quiet
        for dev in brief.developments
    ]
    drop: dict[int, dict[str, str]] = {}  # topic position -> dev id -> topic it shows under
    also: dict[int, dict[str, list[str]]] = {}  # topic position -> dev id -> other topics
    for group in _stories(shown):
        topics = sorted({s.topic for s in group})
        if len(topics) < 2:
            continue
        home = _home(group, topics, briefs, filed)
        others = [briefs[t].topic for t in topics if t != home]
        for s in group:
            if s.topic == home:
                also.setdefault(home, {})[s.dev.id] = others
            else:
                drop.setdefault(s.topic, {})[s.dev.id] = briefs[home].topic
    placed = [_placed(b, drop.get(t, {}), also.get(t, {})) for t, b in enumerate(briefs)]
    return _timeline_once(placed)


def same_story(a: Development, b: Development) -> bool:
    """More than half of the smaller one's articles are in the other, or one lead article."""
    if a.features.label_source and a.features.label_source == b.features.label_source:
        return True
    mine, theirs = {r.id for r in a.articles}, {r.id for r in b.articles}
    smaller = min(len(mine), len(theirs))
    return smaller > 0 and 2 * len(mine & theirs) > smaller


def _stories(shown: list[_Shown]) -> list[list[_Shown]]:
    """Connected groups of ``same_story`` across topics (union-find over positions)."""
    parent = list(range(len(shown)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(shown):
        for j in range(i + 1, len(shown)):
            b = shown[j]
            if a.topic != b.topic and same_story(a.dev, b.dev):
                parent[root(j)] = root(i)
    groups: dict[int, list[_Shown]] = {}
    for i, s in enumerate(shown):
        groups.setdefault(root(i), []).append(s)
    return list(groups.values())


def _home(group: list[_Shown], topics: list[int], briefs: list[Brief], filed: Filed) -> int:
    """The topic (position) under which the largest share of the story's articles is
    filed; the first such topic in the digest's order on a tie."""
    articles = sorted(set().union(*(s.members for s in group)))
    shares = {t: len(filed(briefs[t].topic, articles)) for t in topics}
    return max(topics, key=lambda t: (shares[t], -t))


def _placed(brief: Brief, drop: dict[str, str], also: dict[str, list[str]]) -> Brief:
    if not drop and not also:
        return brief
    kept = [d for d in brief.developments if d.id not in drop]
    marks = {k: v for k, v in brief.marks.developments.items() if k not in drop}
    return replace(
        brief,
        developments=kept,
        marks=replace(brief.marks, developments=marks),
        also_in={d.id: also[d.id] for d in kept if d.id in also},
        shown_under=drop,
    )


def _timeline_once(briefs: list[Brief]) -> list[Brief]:
    """Each (day, text) timeline line under one topic: the first whose shown
    developments it came from, else the first that has it."""
    urls = [_shown_urls(b) for b in briefs]
    owner: dict[tuple[str, str], int] = {}
    for t, brief in enumerate(briefs):
        for entry in brief.timeline:
            key = _line(entry)
            if key not in owner or (_from(entry, urls[t]) and not _from(entry, urls[owner[key]])):
                owner[key] = t
    return [_keep_lines(b, t, owner) for t, b in enumerate(briefs)]


def _keep_lines(brief: Brief, t: int, owner: dict[tuple[str, str], int]) -> Brief:
    keep = [i for i, e in enumerate(brief.timeline) if owner[_line(e)] == t]
    if len(keep) == len(brief.timeline):
        return brief
    new_events = frozenset(n for n, i in enumerate(keep) if i in brief.marks.new_events)
    return replace(
        brief,
        timeline=[brief.timeline[i] for i in keep],
        marks=Marks(developments=brief.marks.developments, new_events=new_events),
    )


def _line(entry: TimelineEntry) -> tuple[str, str]:
    return (entry.date.isoformat(), " ".join(entry.text.split()).casefold())


def _shown_urls(brief: Brief) -> set[str]:
    urls = set()
    for dev in brief.developments:
        for ref in dev.articles:
            urls.update([ref.url or "", *(c.get("url", "") for c in ref.copies)])
    return urls - {""}


def _from(entry: TimelineEntry, urls: set[str]) -> bool:
    return any(u in urls for u in entry.sources)
