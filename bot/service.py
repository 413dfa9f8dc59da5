"""The core operations the Slack handlers and the CLI call: one function each.

Handlers parse a payload into plain arguments, call one of these, render the
result with ``bot.render`` and reply. Nothing here knows about Slack.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.models import Brief, Digest, Topic

if TYPE_CHECKING:
    from bot.deps import Deps


def brief_for(
    deps: Deps,
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
    that watermark to now. An unknown term becomes an automatic topic built from
    the team's matching articles. Raises ``TopicNameError`` for unusable names.
    """
    from bot import brief

    return brief.brief_for(
        deps, team, query, user=user, channel=channel, since=since, mark_seen=mark_seen
    )


def topics_with_counts(deps: Deps, team: str) -> list[tuple[Topic, int]]:
    """The team's topics (seeded, user-defined, automatic) with article counts."""
    return deps.store.topics_with_counts(team)


def add_topic(deps: Deps, team: str, name: str, aliases: list[str]) -> Topic:
    """Define (or redefine) a topic for the team, and file existing matching articles."""
    from bot import brief

    return brief.add_topic(deps, team, name, aliases)


def follow(deps: Deps, team: str, user: str, topic: str) -> Topic:
    """Follow a topic (resolved like a brief query). Returns the resolved topic."""
    from bot import brief

    return brief.follow(deps, team, user, topic)


def unfollow(deps: Deps, team: str, user: str, topic: str) -> bool:
    """Stop following; False when the user did not follow it."""
    from bot import brief

    return brief.unfollow(deps, team, user, topic)


def followed_briefs(deps: Deps, team: str, user: str, limit: int = 5) -> list[Brief]:
    """Briefs of the topics a user follows, without moving watermarks (App Home)."""
    from bot import brief

    return brief.followed_briefs(deps, team, user, limit=limit)


def digest_for(
    deps: Deps, team: str, topics: list[str], *, scope: str | None = None, mark_seen: bool = False
) -> Digest:
    """The digest for ``topics``: what changed since ``scope``'s last digest."""
    from bot import digest

    return digest.digest_for(deps, team, topics, scope=scope, mark_seen=mark_seen)
