"""Assembling a ``Digest``: for each topic, what changed since the last digest.

A digest reuses the brief's snapshot but keeps only developments new or
updated since the scope's watermark, and a topic with nothing new says so in
one line (its brief is ``quiet`` with no developments).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.brief import assemble, resolve_topic
from bot.models import Brief, Digest

if TYPE_CHECKING:
    from bot.deps import Deps


def digest_for(
    deps: Deps, team: str, topics: list[str], *, scope: str | None = None, mark_seen: bool = False
) -> Digest:
    """See ``bot.service.digest_for``. No topics: every topic of the team with articles."""
    now = datetime.now(UTC)
    if not topics:
        topics = [t.name for t, count in deps.store.topics_with_counts(team) if count]
    briefs = [_digest_brief(deps, team, query, scope, now) for query in topics]
    if mark_seen and scope is not None:
        for brief in briefs:
            if brief.known_topic:
                deps.topic_state.set_watermark(team, brief.topic, scope, now)
    return Digest(team=team, generated_at=now, briefs=briefs)


def _digest_brief(deps: Deps, team: str, query: str, scope: str | None, now: datetime) -> Brief:
    topic = resolve_topic(deps, team, query)
    if topic is None:
        return Brief(
            topic=query,
            team=team,
            generated_at=now,
            article_count=0,
            source_count=0,
            known_topic=False,
            quiet=True,
        )
    snapshot = deps.topic_state.snapshot(team, topic.name)
    since = snapshot.watermarks.get(scope) if scope else None
    brief = assemble(topic.name, team, snapshot, since, now)
    brief.developments = [d for d in brief.developments if d.is_new or d.is_updated]
    brief.timeline = [e for e in brief.timeline if e.is_new or since is None]
    brief.quiet = not brief.developments
    return brief
