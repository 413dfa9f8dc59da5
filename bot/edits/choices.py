"""What an editor chooses from in Slack's correction forms. Reads only.

A form offers a development's articles, the other developments of its topic,
or an article's topics and names; the correction itself is then made by the
same functions as ``briefbot edit`` (``bot.edits.articles``, ``entities``).
Every id is looked up in the asking team's own store, so an id from a forged
payload names nothing, or something of that team.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.edits.common import edits, find_article, topic_of_development, topics_holding
from bot.errors import InputError
from bot.models import Article, Development
from bot.topics import corrections
from bot.topics.entity_rules import apply_rules

if TYPE_CHECKING:
    from bot.deps import Deps

# a select menu holds at most 100 options; the most recent developments come first
MAX_CHOICES = 100


@dataclass(frozen=True)
class DevelopmentChoices:
    """A development, and the other developments of its topic (most recent first)."""

    development: Development
    others: list[Development]


@dataclass(frozen=True)
class ArticleChoices:
    """An article as briefbot counts it now (the workspace's entity rules applied),
    and the development it belongs to in each of its topics."""

    article: Article
    placements: list[Development]


def development_choices(deps: Deps, team: str, dev_id: str) -> DevelopmentChoices:
    """The development ``dev_id`` of ``team`` and its topic's other developments."""
    topic = topic_of_development(deps, team, dev_id)
    dev = corrections.load_development(deps.redis, team, topic, dev_id)
    if dev is None:  # deleted between the two reads (merged away meanwhile)
        raise InputError(f"no development {dev_id} in workspace {team}")
    return DevelopmentChoices(dev, _others(deps, team, topic, dev_id))


def other_developments(deps: Deps, team: str, topic: str, dev_id: str) -> list[Development]:
    """The developments of ``topic`` but ``dev_id``, most recent first, at most 100."""
    if topic not in {t.name for t in deps.store.topics(team)}:
        raise InputError(f"no topic {topic!r} in workspace {team}")
    return _others(deps, team, topic, dev_id)


def _others(deps: Deps, team: str, topic: str, dev_id: str) -> list[Development]:
    # one name and one event: a snapshot's ranges count from 1 (0 would read them all)
    snap = deps.topic_state.snapshot(team, topic, developments=MAX_CHOICES + 1, names=1, events=1)
    return [d for d in snap.developments if d.id != dev_id][:MAX_CHOICES]


def article_choices(deps: Deps, team: str, article_id: str) -> ArticleChoices:
    """The article ``article_id`` of ``team`` and where it is filed."""
    stored = find_article(deps, team, article_id)
    article = apply_rules(stored, edits(deps).entity_rules(team))
    placements = []
    for topic in topics_holding(deps, team, article.id):
        dev_id = corrections.development_of(deps.redis, team, topic, article.id)
        dev = corrections.load_development(deps.redis, team, topic, dev_id) if dev_id else None
        if dev is not None:
            placements.append(dev)
    return ArticleChoices(article, placements)
