"""The core operations the Slack handlers and the CLI call: one function each.

Handlers parse a payload into plain arguments, call one of these, render the
result with ``bot.render`` and reply. Nothing here knows about Slack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.digests.assemble import digest_for
from bot.models import Topic
from bot.topics.brief import (
    add_topic,
    brief_for,
    ensure_topic,
    follow,
    followed_briefs,
    unfollow,
)

if TYPE_CHECKING:
    from bot.deps import Deps

__all__ = [
    "add_topic",
    "brief_for",
    "digest_for",
    "ensure_topic",
    "follow",
    "followed_briefs",
    "topics_with_counts",
    "unfollow",
]


def topics_with_counts(deps: Deps, team: str) -> list[tuple[Topic, int]]:
    """The team's topics (seeded, user-defined, automatic) with article counts."""
    return deps.store.topics_with_counts(team)
