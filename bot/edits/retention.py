"""Retention: how long article text, articles and timeline lines are kept.

Three settings, in days (0 keeps forever): ``BRIEFBOT_RETAIN_TEXT_DAYS`` drops an
article's body text (title, summary, names, events and its place in developments
stay, so briefs do not change); ``BRIEFBOT_RETAIN_ARTICLE_DAYS`` removes the whole
article the way an editor's ``forget`` does (out of every topic, its development
rebuilt or deleted when it was the last, counts and timeline lines taken back,
indexes cleaned) but without an audit entry, and a copy posted again later is
welcome; ``BRIEFBOT_RETAIN_EVENT_DAYS`` removes timeline lines dated longer ago.
Articles age by ingest time: the one date every article has.

``sweep`` does all three for every workspace, in batches, and is idempotent: a
sweep cut short is finished by the next. ``sweep_daily`` runs it at most once a
day across replicas (a claim in Redis).
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from bot.edits.common import edits
from bot.models import Article
from bot.store.client import text, unavailable_on_error
from bot.store.fence import Staged
from bot.store.keys import SchedKeys, TeamKeys, TopicKeys
from bot.topics import corrections
from bot.topics import definitions as topic_defs
from bot.topics.entity_rules import apply_rules

if TYPE_CHECKING:
    from bot.deps import Deps

log = logging.getLogger(__name__)

BATCH = 200  # articles read and removed at a time
TEXT_UNTIL = "text_until"  # field of TeamKeys.retention: texts dropped up to this ingest time


@dataclass
class SweepResult:
    teams: int = 0
    articles_removed: int = 0
    texts_dropped: int = 0
    events_removed: int = 0

    def line(self) -> str:
        return (
            f"{self.teams} workspaces: {self.articles_removed} articles removed, "
            f"{self.texts_dropped} article texts dropped, {self.events_removed} timeline "
            "lines removed"
        )


def sweep(deps: Deps, now: datetime | None = None) -> SweepResult:
    """Apply the retention settings to every workspace now."""
    now = now or datetime.now(UTC)
    s = deps.settings
    result = SweepResult()
    for team in deps.store.team_ids():
        result.teams += 1
        if s.retain_article_days:
            cutoff = now - timedelta(days=s.retain_article_days)
            result.articles_removed += _remove_articles(deps, team, cutoff.timestamp())
        if s.retain_text_days:
            cutoff = now - timedelta(days=s.retain_text_days)
            result.texts_dropped += _drop_texts(deps, team, cutoff.timestamp())
        if s.retain_event_days:
            oldest = (now - timedelta(days=s.retain_event_days)).date()
            result.events_removed += _remove_events(deps, team, oldest)
    return result


@unavailable_on_error
def sweep_daily(deps: Deps, now: datetime | None = None) -> SweepResult | None:
    """``sweep`` unless another replica already ran (or runs) today's; None then."""
    now = now or datetime.now(UTC)
    claim = SchedKeys.retention_claim(now.date().isoformat())
    me = f"{socket.gethostname()}:{os.getpid()}"
    if not deps.redis.set(claim, me, nx=True, ex=2 * 24 * 3600):
        return None
    result = sweep(deps, now)
    log.info("retention sweep: %s", result.line())
    return result


# ---- whole articles -------------------------------------------------------------------


def _remove_articles(deps: Deps, team: str, before: float) -> int:
    k = TeamKeys(team)
    removed = 0
    while ids := _ids(deps.redis.zrangebyscore(k.articles, "-inf", before, 0, BATCH)):
        articles = deps.store.get_articles(team, ids)
        out_of_topics(deps, team, articles)
        store = edits(deps)
        for article in articles:
            store.remove_article(team, article, topic_defs.index_terms(article))
        # ids whose record is already gone (a forget cut short) leave the index too
        deps.redis.zrem(k.articles, *ids)
        removed += len(articles)
    return removed


def discard_unfiled(deps: Deps, team: str, job: str) -> list[Article]:
    """Remove the articles ``job`` stored and did not finish filing into their topics:
    a job given up on after its process died between the two (killed, again and
    again, by the same article). Each is taken out of the topics that hold it and
    deleted the way retention deletes (no audit entry, and a copy posted again is
    welcome), rather than filed: what killed the job may well be its filing.
    Returns what was removed."""
    ids = deps.store.unfiled_by(team, job)
    if not ids:
        return []
    articles = deps.store.get_articles(team, ids)
    out_of_topics(deps, team, articles)
    store = edits(deps)
    for article in articles:
        store.remove_article(team, article, topic_defs.index_terms(article))
    for article_id in ids:  # records already gone (removed meanwhile) leave the mark too
        deps.store.filed(team, article_id)
    return articles


def out_of_topics(deps: Deps, team: str, articles: list[Article]) -> None:
    rules = edits(deps).entity_rules(team)
    now = datetime.now(UTC)
    for topic in deps.store.topics(team):
        held = [a for a in articles if deps.topic_state.contains(team, topic.name, a.id)]
        if not held:
            continue

        def take_out(s: Staged, slug: str = topic.name, held: list[Article] = held) -> None:
            touched = set()
            for article in held:
                counted = apply_rules(article, rules)
                dev_id = corrections.remove_article(s, team, slug, article, counted)
                if dev_id:
                    touched.add(dev_id)
            # a development left without articles is deleted; the others are rebuilt
            corrections.rebuild(s, deps.store, team, slug, touched, rules, now)

        deps.topic_state.edit(team, topic.name, take_out)


def _ids(found: Any) -> list[str]:
    return [text(i) for i in cast(list[bytes], found)]


# ---- article text ---------------------------------------------------------------------


def _drop_texts(deps: Deps, team: str, before: float) -> int:
    k = TeamKeys(team)
    start = float(deps.redis.hget(k.retention, TEXT_UNTIL) or "-inf")
    dropped = 0
    offset = 0
    while True:
        ids = _ids(deps.redis.zrangebyscore(k.articles, start, before, offset, BATCH))
        if not ids:
            break
        for article in deps.store.get_articles(team, ids):
            if article.text:
                edits(deps).rewrite_article(team, replace(article, text=""))
                dropped += 1
        offset += len(ids)
    deps.redis.hset(k.retention, TEXT_UNTIL, before)
    return dropped


# ---- timeline lines -------------------------------------------------------------------


def _remove_events(deps: Deps, team: str, oldest: date) -> int:
    removed = 0
    for topic in deps.store.topics(team):
        k = TopicKeys(team, topic.name)

        def drop(s: Staged, k: TopicKeys = k) -> int:
            found = _ids(s.redis.zrangebyscore(k.timeline_by_date, "-inf", oldest.toordinal() - 1))
            s.hdel(k.timeline, *found)
            s.zrem(k.timeline_by_date, *found)
            s.zrem(k.timeline_seen, *found)
            return len(found)

        removed += deps.topic_state.edit(team, topic.name, drop)
    return removed
