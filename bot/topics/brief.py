"""Assembling a ``Brief`` from a topic's precomputed state.

A brief reads the top of the topic's sorted sets (``TopicState.snapshot``),
so it costs the same for 10 articles or 100,000. "New" and "Update" marks are
relative to a watermark: the asker's last brief of that topic (per user, or per
channel without a user), or an explicit ``since``. ``mark_changes`` computes
them, for digests too (``bot.digests.assemble``, against the last digest).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from bot.errors import StoreFull, TopicNameError
from bot.models import Brief, Development, DevelopmentMark, Marks, TimelineEntry, Topic
from bot.topics import corrections
from bot.topics import definitions as topic_defs
from bot.topics.fingerprints import aware
from bot.topics.search import matching_articles, search_brief
from bot.topics.state import TopicSnapshot

if TYPE_CHECKING:
    from bot.store.team import Store
    from bot.topics.state import TopicState


class TopicStores(Protocol):
    """What briefs read and write: the team's records and its topics' state.

    ``bot.deps.Deps`` has both; taking this instead keeps ``bot.topics`` from
    importing the composition root above it.
    """

    @property
    def store(self) -> Store: ...

    @property
    def topic_state(self) -> TopicState: ...


log = logging.getLogger(__name__)

BACKFILL_LIMIT = 500  # articles filed into a topic created after they arrived
QUIET_DEVELOPMENTS = 3  # what a brief with nothing new still shows


def scope_for(user: str | None, channel: str | None) -> str | None:
    if user:
        return f"user:{user}"
    if channel:
        return f"channel:{channel}"
    return None


def resolve_topic(deps: TopicStores, team: str, query: str) -> Topic | None:
    """The topic ``query`` names (by slug or alias), or None: asking creates nothing."""
    query = query.strip()
    if not query:
        raise TopicNameError("which topic? try `/brief syria`")
    return topic_defs.resolve(query, deps.store.topics(team))


def ensure_topic(deps: TopicStores, team: str, query: str) -> Topic:
    """The topic ``query`` names, defined now when it is none: following it or
    subscribing a digest to it is what makes a word a topic."""
    return resolve_topic(deps, team, query) or add_topic(deps, team, query, [])


def backfill(deps: TopicStores, team: str, topic: Topic) -> int:
    """File the team's existing matching articles into ``topic``; returns how many match."""
    articles = matching_articles(deps.store, team, topic, BACKFILL_LIMIT)
    articles.sort(key=lambda a: a.published or a.ingested_at or datetime.min.replace(tzinfo=UTC))
    for article in articles:
        if not deps.topic_state.contains(team, topic.name, article.id):
            deps.topic_state.add_article(team, topic.name, article, datetime.now(UTC))
    return len(articles)


def unknown_topic(topic: str, team: str, now: datetime) -> Brief:
    """The answer for a term that is no topic and matches no article."""
    return Brief(
        topic=topic,
        team=team,
        generated_at=now,
        article_count=0,
        source_count=0,
        known_topic=False,
        quiet=True,
    )


def brief_for(
    deps: TopicStores,
    team: str,
    query: str,
    *,
    user: str | None = None,
    channel: str | None = None,
    since: datetime | None = None,
    mark_seen: bool = True,
) -> Brief:
    """The brief for ``query`` (a topic name, alias or free term) in ``team``.

    "New" marks are relative to ``since`` when given, else to the user's (or,
    without a user, the channel's) watermark for that topic; ``mark_seen`` moves
    that watermark to now. An unknown term is answered as a search of the team's
    articles (``bot.topics.search``) and creates no topic. Raises
    ``TopicNameError`` for unusable names.
    """
    now = datetime.now(UTC)
    topic = resolve_topic(deps, team, query)
    if topic is None:
        found = search_brief(deps.store, team, query, now)
        return found if found.article_count else unknown_topic(found.topic, team, now)
    scope = scope_for(user, channel)
    snapshot = deps.topic_state.snapshot(team, topic.name, scope=scope)
    if since is None and scope is not None:
        since = snapshot.watermarks.get(scope)
    snapshot.developments = corrections.retitled(
        deps.store.redis, team, topic.name, snapshot.developments
    )
    brief = assemble(topic.name, team, snapshot, since, now)
    if mark_seen and scope is not None:
        try:
            deps.topic_state.set_watermark(team, topic.name, scope, now)
        except StoreFull as exc:
            # a full Redis refuses writes, not reads: the brief is still right; only
            # the asker's next one marks as new what this one already showed
            log.warning("topic %s: brief answered, seen mark not saved: %s", topic.name, exc)
    return brief


def assemble(
    topic: str, team: str, snapshot: TopicSnapshot, since: datetime | None, now: datetime
) -> Brief:
    """Mark what is new since ``since`` and trim a quiet topic to its essentials."""
    developments = snapshot.developments
    marks = mark_changes(developments, snapshot.timeline, since)
    quiet = since is not None and not marks.developments
    if quiet:
        developments = developments[:QUIET_DEVELOPMENTS]
    return Brief(
        topic=topic,
        team=team,
        generated_at=now,
        article_count=snapshot.article_count,
        source_count=snapshot.source_count,
        developments=developments,
        actors=snapshot.actors,
        locations=snapshot.locations,
        timeline=snapshot.timeline,
        since=since,
        quiet=quiet,
        marks=marks,
    )


def mark_changes(
    developments: list[Development], timeline: list[TimelineEntry], since: datetime | None
) -> Marks:
    """What changed since the watermark ``since``: the one rule of briefs and digests.

    A development is new when it was created after ``since`` and updated when it
    existed before but changed after it (``updated_at``: an article joined or a
    copy's outlet was folded in); a timeline entry is new when first seen after
    ``since``. Without a watermark every development is new and no entry is.
    Briefs and digests differ only in the watermark they pass.
    """
    marked: dict[str, DevelopmentMark] = {}
    for dev in developments:
        if since is None or dev.created_at > since:
            marked[dev.id] = "new"
        elif dev.updated_at > since:
            marked[dev.id] = "updated"
    new_events = frozenset(
        i
        for i, entry in enumerate(timeline)
        if since is not None and entry.first_seen is not None and entry.first_seen > since
    )
    return Marks(developments=marked, new_events=new_events)


def published_since(brief: Brief, since: datetime) -> Brief:
    """``brief`` cut to what was *published* since ``since`` (the CLI's ``--since``).

    A development stays when one of its articles was published since then; it
    is new when all were, updated otherwise. Timeline entries stay when their
    day is on or after ``since``'s. Ingest times (what watermarks compare) do not
    count here: a backlog ingested today is not news from today.
    """
    since = aware(since)
    # a development of undated articles only has no publication time: it is not kept
    kept = [d for d in brief.developments if d.last_seen and aware(d.last_seen) >= since]
    marks: dict[str, DevelopmentMark] = {
        d.id: "new" if d.first_seen and aware(d.first_seen) >= since else "updated" for d in kept
    }
    entries = [e for e in brief.timeline if e.date >= since.date()]
    return replace(
        brief,
        developments=kept,
        timeline=entries,
        since=since,
        quiet=not kept,
        marks=Marks(developments=marks, new_events=frozenset(range(len(entries)))),
    )


def add_topic(deps: TopicStores, team: str, name: str, aliases: list[str]) -> Topic:
    """Define (or redefine) a topic for the team, and file existing matching articles."""
    slug = topic_defs.slugify(name)
    base = topic_defs.resolve(slug, deps.store.topics(team)) or topic_defs.auto_topic(name)
    clean = [topic_defs.normalise(a) for a in aliases if topic_defs.normalise(a)]
    topic = Topic(
        name=slug,
        aliases=sorted(set(base.aliases) | set(clean)),
        countries=base.countries,
        description=base.description,
        defined_by="user",
    )
    deps.store.save_topic(team, topic)
    backfill(deps, team, topic)
    return topic


def follow(deps: TopicStores, team: str, user: str, query: str) -> Topic:
    topic = ensure_topic(deps, team, query)
    deps.store.follow(team, user, topic.name)
    return topic


def unfollow(deps: TopicStores, team: str, user: str, query: str) -> bool:
    topic = resolve_topic(deps, team, query)
    slug = topic.name if topic else topic_defs.slugify(query)
    return deps.store.unfollow(team, user, slug)


def followed_briefs(deps: TopicStores, team: str, user: str, limit: int = 5) -> list[Brief]:
    out = []
    for slug in deps.store.followed(team, user)[:limit]:
        out.append(brief_for(deps, team, slug, user=user, mark_seen=False))
    return out
