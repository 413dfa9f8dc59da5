"""One topic's precomputed state in Redis, kept up to date as articles arrive.

Joining an article reads a bounded amount of state (the most recently active
developments and fingerprints), decides with ``bot.topics.developments`` and writes
the changes in one transaction on the topic's cluster slot. Reading a brief
reads the top of a few sorted sets: its cost does not grow with the topic.
A short per-topic lock (redis-py's ``Lock``) serialises joins, so two workers
never interleave read-decide-write on the same developments; waiting longer
than ``LOCK_MS`` for it raises ``TopicBusy``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from redis.exceptions import LockError

from bot.errors import TopicBusy
from bot.models import Article, Development, RankedName, TimelineEntry
from bot.store import serde
from bot.store.client import RedisClient, text, unavailable_on_error
from bot.store.keys import TopicKeys
from bot.topics import developments as devs
from bot.topics import timeline

log = logging.getLogger(__name__)

CANDIDATES = 50  # developments considered when an article joins
RECENT_FINGERPRINTS = 300  # articles checked for near-duplicates
TIMELINE_POOL = 3  # a brief's timeline picks from this many times its length of recent events
LOCK_MS = 15_000


@dataclass
class ActorMeta:
    """An actor's record in the topic's ``actor_names`` hash."""

    name: str
    kind: str


@dataclass
class PlaceMeta:
    """A place's record in ``place_names``; ``ranked_names`` reads actors' as places
    without a country."""

    name: str
    kind: str = "other"
    country: str | None = None


@dataclass
class TopicSnapshot:
    """What a brief needs, read in one round trip."""

    article_count: int
    source_count: int
    developments: list[Development]
    actors: list[RankedName]
    locations: list[RankedName]
    timeline: list[TimelineEntry]
    updated_at: datetime | None
    watermarks: dict[str, datetime] = field(default_factory=dict)


def ranked_names(
    client: RedisClient, names_key: str, rows: list[tuple[bytes, float]]
) -> list[RankedName]:
    """Sorted-set rows (id, weight) with the names and kinds kept in ``names_key``."""
    if not rows:
        return []
    metas = client.hmget(names_key, [member for member, _ in rows])
    out = []
    for (_, score), meta in zip(rows, metas, strict=True):
        if not meta:
            continue
        info = serde.loads(PlaceMeta, meta)
        out.append(
            RankedName(
                name=info.name,
                kind=info.kind or "other",
                mentions=int(score),
                country=info.country,
            )
        )
    return out


class TopicState:
    def __init__(self, client: RedisClient) -> None:
        self.redis = client

    @contextmanager
    def _locked(self, k: TopicKeys) -> Iterator[None]:
        # the lock expires after LOCK_MS, so a crashed worker cannot block the
        # topic; we wait as long for it before calling the topic busy
        seconds = LOCK_MS / 1000
        lock = self.redis.lock(k.lock, timeout=seconds, sleep=0.02, blocking_timeout=seconds)
        if not lock.acquire():
            raise TopicBusy(k.topic)
        try:
            yield
        finally:
            try:
                lock.release()
            except LockError:
                # the join outlived the lock; another writer may have taken it
                log.warning("topic %s: lock expired before the join finished", k.topic)

    def locked(self, team: str, topic: str) -> AbstractContextManager[None]:
        """The topic's join lock, held by editors' corrections (``bot.edits``) too."""
        return self._locked(TopicKeys(team, topic))

    # ---- writes -----------------------------------------------------------------

    @unavailable_on_error
    def add_article(self, team: str, topic: str, article: Article, now: datetime) -> Development:
        """Join ``article`` to the topic: fold, join or start a development."""
        k = TopicKeys(team, topic)
        with self._locked(k):
            known = self.redis.hget(k.article_development, article.id)
            if known:
                dev = self._load_development(k, text(known))
                if dev is not None:
                    return dev
            fp = devs.fingerprint(article)
            dev, is_copy = self._decide(k, topic, article, fp, now)
            self._write(k, article, fp, dev, is_copy, now)
            return dev

    def _decide(
        self, k: TopicKeys, topic: str, article: Article, fp: devs.Fingerprint, now: datetime
    ) -> tuple[Development, bool]:
        recent = {
            text(key): serde.loads(devs.Fingerprint, raw)
            for key, raw in self.redis.hgetall(k.fingerprints).items()
        }
        original = devs.near_duplicate_of(fp, recent)
        if original:
            dev_id = self.redis.hget(k.article_development, original)
            dev = self._load_development(k, text(dev_id)) if dev_id else None
            if dev is not None:
                return devs.fold_duplicate(dev, original, article, now), True
        top = self.redis.zrevrange(k.developments, 0, CANDIDATES - 1)
        ids = [text(i) for i in cast("list[bytes]", top)]
        candidates = self._load_developments(k, ids)
        chosen = devs.choose_development(article, fp, candidates)
        if chosen is None:
            return devs.start_development(topic, article, fp, now), False
        return devs.join_development(chosen, article, fp, now), False

    def _write(
        self,
        k: TopicKeys,
        article: Article,
        fp: devs.Fingerprint,
        dev: Development,
        is_copy: bool,
        now: datetime,
    ) -> None:
        when = (article.published or now).timestamp()
        entries = self._merged_timeline(k, article, now)
        pipe = self.redis.pipeline(transaction=True)
        pipe.set(k.development(dev.id), serde.dumps(dev))
        pipe.zadd(k.developments, {dev.id: devs.rank_score(dev, now)})
        # digests ask "what changed since T?"; the rank above cannot answer that
        pipe.zadd(k.dev_changes, {dev.id: dev.updated_at.timestamp()})
        pipe.hset(k.article_development, article.id, dev.id)
        pipe.zadd(k.articles, {article.id: when})
        if article.outlet:
            pipe.zincrby(k.outlets, 1, article.outlet)
        if not is_copy:
            pipe.hset(k.fingerprints, article.id, serde.dumps(fp))
            self._count_names(pipe, k, article)
            for key, entry in entries.items():
                pipe.hset(k.timeline, key, serde.dumps(entry))
                pipe.zadd(k.timeline_by_date, {key: entry.date.toordinal()})
                if entry.first_seen is not None:
                    pipe.zadd(k.timeline_seen, {key: entry.first_seen.timestamp()}, nx=True)
        pipe.hincrby(k.volume, now.date().isoformat(), 1)
        pipe.hset(k.meta, mapping={"updated_at": now.isoformat()})
        pipe.execute()
        self._trim_fingerprints(k)

    def _count_names(self, pipe: RedisClient, k: TopicKeys, article: Article) -> None:
        for actor in article.actors:
            pipe.zincrby(k.actors, actor.mentions, actor.id)
            pipe.hset(k.actor_names, actor.id, serde.dumps(ActorMeta(actor.name, actor.kind)))
        for place in article.locations:
            pipe.zincrby(k.places, place.mentions, place.id)
            meta = PlaceMeta(place.name, place.kind, place.country)
            pipe.hset(k.place_names, place.id, serde.dumps(meta))

    def _merged_timeline(
        self, k: TopicKeys, article: Article, now: datetime
    ) -> dict[str, TimelineEntry]:
        merged: dict[str, TimelineEntry] = {}
        for event in article.events:
            key = timeline.event_key(event)
            existing = merged.get(key)
            if existing is None:
                raw = self.redis.hget(k.timeline, key)
                existing = serde.loads(TimelineEntry, raw) if raw else None
            if existing is None:
                merged[key] = timeline.entry_from_event(event, now)
            else:
                merged[key] = timeline.merge_event(existing, event, now)
        return merged

    def _trim_fingerprints(self, k: TopicKeys) -> None:
        size = int(self.redis.hlen(k.fingerprints))
        if size <= RECENT_FINGERPRINTS:
            return
        # the oldest articles by publication time fall out of near-duplicate checks
        oldest = self.redis.zrange(k.articles, 0, size - RECENT_FINGERPRINTS - 1)
        if oldest:
            self.redis.hdel(k.fingerprints, *oldest)

    def _load_development(self, k: TopicKeys, dev_id: str) -> Development | None:
        raw = self.redis.get(k.development(dev_id))
        return serde.loads(Development, raw) if raw else None

    def _load_developments(self, k: TopicKeys, ids: list[str]) -> list[Development]:
        if not ids:
            return []
        raws = self.redis.mget([k.development(i) for i in ids])
        return [serde.loads(Development, r) for r in raws if r]

    # ---- reads ------------------------------------------------------------------

    @unavailable_on_error
    def snapshot(
        self,
        team: str,
        topic: str,
        *,
        developments: int = 8,
        names: int = 8,
        events: int = 12,
        scope: str | None = None,
    ) -> TopicSnapshot:
        """The top of the topic's state, in a constant number of reads.

        With ``scope`` only that watermark is read (a brief needs the asker's
        alone, and the hash grows with everyone who ever asked); without it, all.
        """
        k = TopicKeys(team, topic)
        pipe = self.redis.pipeline(transaction=False)
        pipe.zcard(k.articles)
        pipe.zcard(k.outlets)
        pipe.zrevrange(k.developments, 0, developments - 1)
        pipe.zrevrange(k.actors, 0, names - 1, withscores=True)
        pipe.zrevrange(k.places, 0, names - 1, withscores=True)
        pipe.zrevrange(k.timeline_by_date, 0, events * TIMELINE_POOL - 1)
        pipe.hget(k.meta, "updated_at")
        if scope is None:
            pipe.hgetall(k.watermarks)
        else:
            pipe.hget(k.watermarks, scope)
        count, outlets, dev_ids, actor_rows, place_rows, event_keys, updated, marks = pipe.execute()
        return TopicSnapshot(
            article_count=int(count),
            source_count=int(outlets),
            developments=self._load_developments(k, [d.decode() for d in dev_ids]),
            actors=ranked_names(self.redis, k.actor_names, actor_rows),
            locations=ranked_names(self.redis, k.place_names, place_rows),
            timeline=self._timeline(k, event_keys, events),
            updated_at=datetime.fromisoformat(updated.decode()) if updated else None,
            watermarks=_watermarks(marks, scope),
        )

    def _timeline(self, k: TopicKeys, event_keys: list[bytes], limit: int) -> list[TimelineEntry]:
        """The ``limit`` best-attested of the most recent events, in date order.

        Picking by number of sources within a recent pool keeps the events many
        outlets reported (a ceasefire) over one-source colour from later days.
        """
        if not event_keys:
            return []
        raws = self.redis.hmget(k.timeline, event_keys)
        entries = [serde.loads(TimelineEntry, r) for r in raws if r]
        best = sorted(entries, key=lambda e: (len(e.sources), e.date), reverse=True)[:limit]
        return sorted(best, key=lambda e: e.date)

    @unavailable_on_error
    def set_watermark(self, team: str, topic: str, scope: str, when: datetime) -> None:
        self.redis.hset(TopicKeys(team, topic).watermarks, scope, when.isoformat())

    @unavailable_on_error
    def volume(self, team: str, topic: str) -> dict[str, int]:
        raw = self.redis.hgetall(TopicKeys(team, topic).volume)
        return {text(d): int(n) for d, n in raw.items()}

    @unavailable_on_error
    def contains(self, team: str, topic: str, article_id: str) -> bool:
        return self.redis.zscore(TopicKeys(team, topic).articles, article_id) is not None


def _watermarks(raw: Any, scope: str | None) -> dict[str, datetime]:
    """HGETALL's answer (``scope`` None) or HGET's for one scope, as scope -> time."""
    if scope is None:
        return {s.decode(): datetime.fromisoformat(v.decode()) for s, v in raw.items()}
    return {scope: datetime.fromisoformat(raw.decode())} if raw else {}
