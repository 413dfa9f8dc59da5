"""Editors' corrections of one topic's state: the Redis side of ``bot.edits``.

Developments are corrected by changing which development each article belongs
to (the topic's ``art2dev`` hash is the truth) and then rebuilding the touched
developments from their member articles, in publication order, with the same
pure functions an ingest uses (``bot.topics.developments``). A rebuilt
development keeps its id and creation time, so briefs, digests and the edit
log keep pointing at it; one left without members is deleted. Because the
moved article's text signature leaves its old development, a copy of it that
arrives later folds into where the editor put it, not back where it was.

The writes are staged (``bot.store.fence.Staged``) inside ``TopicState.edit``,
which applies them together only while the topic's lock is still the editor's:
a correction that stalled past the lock's life is redone from fresh state,
never written over a join that came meanwhile. Reads of what the same
correction already staged (memberships, timeline entries, daily volume) see
the staged values.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from bot.models import Article, Development, TimelineEntry
from bot.store import serde
from bot.store.client import RedisClient, text
from bot.store.edits import EntityRule
from bot.store.fence import Staged
from bot.store.keys import TopicKeys
from bot.topics import developments as devs
from bot.topics import timeline
from bot.topics.entity_rules import apply_rules
from bot.topics.fingerprints import EPOCH, aware

if TYPE_CHECKING:
    from bot.store.team import Store

log = logging.getLogger(__name__)

REBUILD_LIMIT = 500  # a development is rebuilt from at most its latest this many members
# field of the topic's meta hash, set once an editor moved articles between developments
# (split, merge, move, or undoing one): re-clustering (``bot.topics.regroup``) then leaves
# the topic alone, so the editor's grouping is never undone by the next pass
CORRECTED = "corrected"


def memberships(s: Staged, team: str, topic: str) -> dict[str, str]:
    """Article id -> development id, for every article of the topic."""
    raw = s.hgetall(TopicKeys(team, topic).article_development)
    return {text(a): text(d) for a, d in raw.items()}


def development_of(s: Staged | RedisClient, team: str, topic: str, article_id: str) -> str | None:
    """The article's development: as staged within a correction, or as stored."""
    raw = s.hget(TopicKeys(team, topic).article_development, article_id)
    return text(raw) if raw else None


def has_development(redis: RedisClient, team: str, topic: str, dev_id: str) -> bool:
    return redis.zscore(TopicKeys(team, topic).developments, dev_id) is not None


def load_development(redis: RedisClient, team: str, topic: str, dev_id: str) -> Development | None:
    # development records are written once, by the rebuild that ends a correction
    raw = redis.get(TopicKeys(team, topic).development(dev_id))
    return serde.loads(Development, raw) if raw else None


def split_id(topic: str, article_id: str, salt: str) -> str:
    """A new development id for an article an editor moved out on its own."""
    digest = hashlib.blake2b(f"{topic}\x00{article_id}\x00{salt}".encode(), digest_size=5)
    return "d-" + digest.hexdigest()


def reassign(s: Staged, team: str, topic: str, moves: dict[str, str]) -> None:
    """Put each article (id -> development id) in its new development."""
    k = TopicKeys(team, topic)
    for article_id, dev_id in moves.items():
        s.hset(k.article_development, article_id, dev_id)
    s.hset(k.meta, CORRECTED, "1")


def rebuild(
    s: Staged,
    store: Store,
    team: str,
    topic: str,
    dev_ids: Iterable[str],
    rules: list[EntityRule],
    now: datetime,
) -> list[Development]:
    """Rebuild each development from its members; delete those left without any."""
    members: dict[str, list[str]] = {}
    for article_id, dev_id in memberships(s, team, topic).items():
        members.setdefault(dev_id, []).append(article_id)
    out = []
    for dev_id in dict.fromkeys(dev_ids):
        dev = _rebuilt(s, store, team, topic, dev_id, members.get(dev_id, []), rules, now)
        if dev is not None:
            out.append(dev)
    return out


def _rebuilt(
    s: Staged,
    store: Store,
    team: str,
    topic: str,
    dev_id: str,
    ids: list[str],
    rules: list[EntityRule],
    now: datetime,
) -> Development | None:
    k = TopicKeys(team, topic)
    old = load_development(s.redis, team, topic, dev_id)
    articles = sorted(
        (apply_rules(a, rules) for a in store.get_articles(team, ids)), key=_published
    )
    if not articles:
        s.delete(k.development(dev_id))
        s.zrem(k.developments, dev_id)
        s.zrem(k.dev_changes, dev_id)
        return None
    skipped = max(0, len(articles) - REBUILD_LIMIT)
    dev: Development | None = None
    seen: dict[str, devs.Fingerprint] = {}
    for article in articles[skipped:]:
        fp = devs.fingerprint(article)
        if dev is None:
            dev = devs.start_development(topic, article, fp, now)
        elif (original := devs.near_duplicate_of(fp, seen)) is not None:
            dev = devs.fold_duplicate(dev, original, article, now)
            continue
        else:
            dev = devs.join_development(dev, article, fp, now)
        seen[article.id] = fp
    assert dev is not None
    dev.id = dev_id
    dev.article_count += skipped
    if old is not None:
        dev.created_at = old.created_at
    s.set(k.development(dev_id), serde.dumps(dev))
    s.zadd(k.developments, {dev_id: devs.rank_score(dev, now)})
    s.zadd(k.dev_changes, {dev_id: dev.updated_at.timestamp()})
    s.hset(k.meta, "updated_at", now.isoformat())
    return dev


def _published(article: Article) -> tuple[datetime, str]:
    return (aware(article.published or article.ingested_at or EPOCH), article.id)


# ---- titles an editor gave ------------------------------------------------------------------


def set_title(redis: RedisClient, team: str, topic: str, dev_id: str, title: str | None) -> None:
    """Give a development the editor's title (None: back to the automatic one)."""
    key = TopicKeys(team, topic).dev_titles
    if title:
        redis.hset(key, dev_id, title)
    else:
        redis.hdel(key, dev_id)


def title_of(redis: RedisClient, team: str, topic: str, dev_id: str) -> str | None:
    raw = redis.hget(TopicKeys(team, topic).dev_titles, dev_id)
    return text(raw) if raw else None


def retitled(
    redis: RedisClient, team: str, topic: str, found: list[Development]
) -> list[Development]:
    """``found`` with the titles editors gave (later articles relabel a development;
    the editor's title is applied as it is read, so it holds)."""
    if not found:
        return found
    raws = redis.hmget(TopicKeys(team, topic).dev_titles, [d.id for d in found])
    out = []
    for dev, raw in zip(found, raws, strict=True):
        out.append(replace(dev, title=text(raw)) if raw else dev)
    return out


# ---- removing an article from a topic ----------------------------------------------------


def remove_article(
    s: Staged, team: str, topic: str, article: Article, counted: Article
) -> str | None:
    """Take ``article`` out of the topic's counts, timeline and membership.

    ``counted`` is the article as the topic counted it (entity rules applied).
    Returns the development it was in, which the caller rebuilds (None, and
    nothing staged, when the topic does not hold it). A copy folded into
    another article counted only its outlet and its place in the topic.
    """
    k = TopicKeys(team, topic)
    dev_id = development_of(s, team, topic, article.id)
    if dev_id is None:
        return None  # not (or no longer) in the topic: nothing of it to take back
    is_copy = _is_copy(s, team, topic, dev_id, article)
    s.hdel(k.article_development, article.id)
    s.zrem(k.articles, article.id)
    s.hdel(k.fingerprints, article.id)
    if article.outlet:
        s.zincrby(k.outlets, -1, article.outlet)
    if not is_copy:
        for actor in counted.actors:
            s.zincrby(k.actors, -actor.mentions, actor.id)
        for place in counted.locations:
            s.zincrby(k.places, -place.mentions, place.id)
    if article.ingested_at is not None:
        s.hincrby(k.volume, article.ingested_at.date().isoformat(), -1)
    for key in (k.outlets, k.actors, k.places):
        s.zremrangebyscore(key, "-inf", 0)
    if not is_copy:
        _drop_events(s, k, article)
    _drop_empty_days(s, k)
    return dev_id


def _is_copy(s: Staged, team: str, topic: str, dev_id: str | None, article: Article) -> bool:
    if dev_id is None:
        return False
    dev = load_development(s.redis, team, topic, dev_id)
    if dev is None or any(ref.id == article.id for ref in dev.articles):
        return False
    url = article.url or article.canonical_url or ""
    return any(copy.get("url") == url for ref in dev.articles for copy in ref.copies)


def _drop_events(s: Staged, k: TopicKeys, article: Article) -> None:
    source = article.url
    for event in article.events:
        key = timeline.event_key(event)
        raw = s.hget(k.timeline, key)
        if not raw:
            continue
        entry = serde.loads(TimelineEntry, raw)
        if source and source in entry.sources:
            entry.sources = [s for s in entry.sources if s != source]
        elif source or entry.sources:
            continue  # another article's event, or one this article did not add
        if entry.sources:
            s.hset(k.timeline, key, serde.dumps(entry))
            continue
        s.hdel(k.timeline, key)
        s.zrem(k.timeline_by_date, key)
        s.zrem(k.timeline_seen, key)


def _drop_empty_days(s: Staged, k: TopicKeys) -> None:
    empty = [d for d, n in s.hgetall(k.volume).items() if int(n) <= 0]
    s.hdel(k.volume, *empty)
