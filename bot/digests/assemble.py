"""Assembling a ``Digest``: for each topic, what changed since the last digest.

Per topic: the developments new or updated since the scope's watermark (each
with its sources), the timeline entries first seen since then, and the actors
and places whose mentions rose the most (``bot.digests.state``). "New" and
"Update" marks follow the briefs' rule (``bot.topics.brief.mark_changes``) with
the digest's watermark. A topic with nothing new is ``quiet`` and carries
nothing else, so it renders as one line.

A story that several of the digest's topics have is shown once, under the
topic it belongs to most (``bot.digests.stories``).

A scope's first digest, and a preview without a scope (``briefbot digest``),
cover the last ``FIRST_WINDOW``. The watermark moves only through
``mark_sent``, which the scheduler calls after Slack confirmed the post.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.digests import stories
from bot.digests.state import DigestState
from bot.models import Brief, Digest
from bot.topics import corrections
from bot.topics import developments as devs
from bot.topics.brief import TopicStores, mark_changes, resolve_topic, unknown_topic


class DigestStores(TopicStores, Protocol):
    """What a digest reads: the topics' state and the digest watermarks and name bases."""

    @property
    def digest_state(self) -> DigestState: ...


FIRST_WINDOW = timedelta(days=1)


def digest_for(
    deps: DigestStores,
    team: str,
    topics: list[str],
    *,
    scope: str | None = None,
    now: datetime | None = None,
    mark_seen: bool = False,
    title: str | None = None,
) -> Digest:
    """The digest of ``topics`` (no topics: every topic of the team with articles).

    With a ``scope`` (``digest:<id>``) "new" means since that scope's last digest,
    and the current name counts are kept aside for ``mark_sent``; ``mark_seen``
    marks it sent at once (for callers that do not wait for a confirmation).
    """
    now = now or datetime.now(UTC)
    if not topics:
        topics = [t.name for t, count in deps.store.topics_with_counts(team) if count]
    briefs: list[Brief] = []
    for query in topics:
        brief = _digest_brief(deps, team, query, scope, now)
        if all(b.topic != brief.topic for b in briefs):  # "syria, Syria" is one topic
            briefs.append(brief)
    if len(briefs) > 1:  # one story, several of the digest's topics: shown once

        def filed(topic: str, ids: list[str]) -> set[str]:
            return deps.topic_state.filed(team, topic, ids)

        briefs = stories.show_once(briefs, filed)
    digest = Digest(team=team, generated_at=now, briefs=briefs)
    if title:
        digest.title = title
    if mark_seen and scope is not None:
        mark_sent(deps, scope, digest)
    return digest


def mark_sent(deps: DigestStores, scope: str, digest: Digest) -> None:
    """The digest went out: its topics' next digests count from ``digest.generated_at``."""
    for brief in digest.briefs:
        if brief.known_topic:
            deps.digest_state.commit(digest.team, brief.topic, scope, digest.generated_at)


def _digest_brief(
    deps: DigestStores, team: str, query: str, scope: str | None, now: datetime
) -> Brief:
    topic = resolve_topic(deps, team, query)
    if topic is None:
        return unknown_topic(query, team, now)
    state = deps.digest_state
    since = state.watermark(team, topic.name, scope) if scope else None
    since = since or now - FIRST_WINDOW
    changes = state.changes(team, topic.name, since, scope)
    developments = sorted(changes.developments, key=lambda d: devs.rank_score(d, now), reverse=True)
    developments = corrections.retitled(deps.store.redis, team, topic.name, developments)
    quiet = not developments
    # a quiet topic is one line: no names or timeline to pad it
    timeline = [] if quiet else changes.timeline
    return Brief(
        topic=topic.name,
        team=team,
        generated_at=now,
        article_count=changes.article_count,
        source_count=changes.source_count,
        developments=developments,
        actors=[] if quiet else changes.actors,
        locations=[] if quiet else changes.places,
        timeline=timeline,
        since=since,
        quiet=quiet,
        marks=mark_changes(developments, timeline, since),
    )
