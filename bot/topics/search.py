"""``/brief WORD`` for a word that is no topic: a search that creates nothing.

The team's matching articles (found through the term index, checked with the
topic rules an automatic topic would use) are grouped into developments in
memory with the same pure functions a topic uses, and their names and dated
events are counted the same way; nothing is written. A word becomes a topic
only when someone defines it, follows it or subscribes a digest to it.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING

from bot.models import Article, Brief, Development, RankedName, TimelineEntry, Topic
from bot.topics import definitions as topic_defs
from bot.topics import developments as devs
from bot.topics import timeline
from bot.topics.fingerprints import EPOCH, aware

if TYPE_CHECKING:
    from bot.store.team import Store

SEARCH_LIMIT = 100  # most recent matching articles a search groups
DEVELOPMENTS = 8
NAMES = 8
EVENTS = 12


def search_terms(topic: Topic) -> list[str]:
    """The term-index entries under which a topic's articles are found."""
    terms = [*list(topic.aliases), topic.name.replace("-", " ")]
    return terms + [f"country:{c}" for c in topic.countries]


def matching_articles(store: Store, team: str, topic: Topic, limit: int) -> list[Article]:
    """The team's articles that ``topic`` would hold, oldest first."""
    ids = store.articles_for_terms(team, search_terms(topic), limit)
    found = [a for a in store.get_articles(team, ids) if topic_defs.matches(a, topic)]
    return sorted(found, key=lambda a: aware(a.published or a.ingested_at or EPOCH))


def search_brief(store: Store, team: str, query: str, now: datetime) -> Brief:
    """What the team's articles say about ``query``, as a brief that is no topic."""
    candidate = topic_defs.auto_topic(query)
    articles = matching_articles(store, team, candidate, SEARCH_LIMIT)
    grouped = _group(candidate.name, articles, now)
    ranked = sorted(grouped, key=lambda d: devs.rank_score(d, now), reverse=True)
    return Brief(
        topic=candidate.name,
        team=team,
        generated_at=now,
        article_count=len(articles),
        source_count=len({a.outlet for a in articles if a.outlet}),
        developments=ranked[:DEVELOPMENTS],
        actors=_names(
            [(e.id, e.name, e.kind, e.mentions, None) for a in articles for e in a.actors]
        ),
        locations=_names(
            [(p.id, p.name, p.kind, p.mentions, p.country) for a in articles for p in a.locations]
        ),
        timeline=_timeline(articles, now),
        known_topic=False,
    )


def _group(topic: str, articles: list[Article], now: datetime) -> list[Development]:
    found: list[Development] = []
    for article in articles:
        fp = devs.fingerprint(article)
        chosen = devs.choose_development(article, fp, found)
        if chosen is None:
            found.append(devs.start_development(topic, article, fp, now))
        else:
            found[found.index(chosen)] = devs.join_development(chosen, article, fp, now)
    return found


def _names(rows: list[tuple[str, str, str, int, str | None]]) -> list[RankedName]:
    counts: Counter[str] = Counter()
    meta: dict[str, tuple[str, str, str | None]] = {}
    for ident, name, kind, mentions, country in rows:
        counts[ident] += mentions
        meta[ident] = (name, kind, country)
    return [
        RankedName(name=meta[i][0], kind=meta[i][1], mentions=n, country=meta[i][2])
        for i, n in counts.most_common(NAMES)
    ]


def _timeline(articles: list[Article], now: datetime) -> list[TimelineEntry]:
    merged: dict[str, TimelineEntry] = {}
    for article in articles:
        for event in article.events:
            key = timeline.event_key(event)
            old = merged.get(key)
            merged[key] = (
                timeline.entry_from_event(event, now)
                if old is None
                else timeline.merge_event(old, event, now)
            )
    best = sorted(merged.values(), key=lambda e: (len(e.sources), e.date), reverse=True)[:EVENTS]
    return sorted(best, key=lambda e: e.date)
