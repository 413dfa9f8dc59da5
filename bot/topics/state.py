"""One topic's precomputed state in Redis, kept up to date as articles arrive.

Joining an article reads a bounded amount of state (the most recently active
developments and fingerprints), decides with ``bot.topics.developments`` and writes
the changes in one transaction on the topic's cluster slot. Reading a brief
reads the top of a few sorted sets: its cost does not grow with the topic.
A short per-topic lock serialises joins, so two workers never interleave
read-decide-write on the same developments. The lock expires after ``LOCK_MS``
(a crashed worker must not block its topic), so it is also a fence: the write
lands only if its writer still owns the lock, checked in the script that
applies it (``bot.store.fence``). A writer that stalled past the lock's life
has its work discarded and joins again from fresh state, never over newer
state. Waiting ``WAIT_LOCKS`` lock lives for the lock, or losing it
``ATTEMPTS`` times in a row, raises ``TopicBusy``: contention, not an outage.
Every ``regroup.RECLUSTER_EVERY`` joins, the topic's recent developments are
re-clustered (``bot.topics.regroup``) under the lock again, fenced the same way.
Editors' corrections (``bot.edits``) are fenced the same way too (``edit``):
they stage their writes (``bot.store.fence.Staged``) and a stale one is redone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar, cast

from bot.errors import StoreUnavailable, TopicBusy
from bot.models import Article, Development, Event, RankedName, TimelineEntry
from bot.store import serde
from bot.store.client import (
    FULL_ERRORS,
    UNAVAILABLE_ERRORS,
    RedisClient,
    text,
    unavailable_on_error,
)
from bot.store.fence import Fence, FencedWrite, Staged
from bot.store.keys import TopicKeys
from bot.topics import developments as devs
from bot.topics import regroup, timeline
from bot.topics.fingerprints import EPOCH

log = logging.getLogger(__name__)
T = TypeVar("T")
#: applies one staged batch while the lock is still held; False when it was lost
Commit = Callable[[Staged], bool]

# what a failed re-clustering passes on: the store's trouble, retried by the caller
_STORE_TROUBLE: tuple[type[Exception], ...] = (StoreUnavailable, *UNAVAILABLE_ERRORS, *FULL_ERRORS)

CANDIDATES = 50  # developments considered when an article joins
RECENT_FINGERPRINTS = 300  # articles checked for near-duplicates
TIMELINE_POOL = 3  # a brief's timeline picks from this many times its length of recent events
LOCK_MS = 15_000
# a waiter outlives a holder that died holding the lock, and then one more join
WAIT_LOCKS = 2.0
SNAPSHOT_TRIES = 5  # reads of a brief redone when a join landed between its two round trips
VERSION = "version"  # field of the topic's meta hash, moved by every join
ATTEMPTS = 3  # joins redone after losing the lock mid-way before calling the topic busy


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
    return _ranked(rows, client.hmget(names_key, [member for member, _ in rows]))


def _ranked(rows: list[tuple[bytes, float]], metas: list[Any]) -> list[RankedName]:
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
        self.fence = Fence(client)

    @contextmanager
    def _locked(self, k: TopicKeys) -> Iterator[str]:
        token = self.fence.acquire(k.lock, LOCK_MS, WAIT_LOCKS * LOCK_MS / 1000)
        if token is None:
            raise TopicBusy(k.topic)
        try:
            yield token
        finally:
            if not self.fence.release(k.lock, token):
                # the join outlived the lock; its write (if any) was refused by the fence
                log.warning("topic %s: lock expired before the join finished", k.topic)

    @unavailable_on_error
    def in_batches(self, team: str, topic: str, work: Callable[[Commit], bool]) -> None:
        """Run ``work`` under the topic's lock for a change too big for one write
        (deleting or copying a whole topic): it stages batches and passes each to
        the ``commit`` it is given, which applies it only while the lock is still
        ours. ``work`` returns False as soon as a batch is refused, and then runs
        again from the start; ``ATTEMPTS`` refusals make the topic busy."""
        k = TopicKeys(team, topic)
        for _ in range(ATTEMPTS):
            with self._locked(k) as token:
                if work(lambda staged: self.fence.commit(k.lock, token, staged.write)):
                    return
            log.warning("topic %s: a stalled change lost the lock; it starts over", k.topic)
        raise TopicBusy(k.topic)

    @unavailable_on_error
    def edit(self, team: str, topic: str, change: Callable[[Staged], T]) -> T:
        """Run an editor's correction of the topic, fenced like a join.

        ``change`` reads the topic's state and stages its writes; they land
        together only while the lock is still ours. A correction whose writer
        stalled past the lock's life is discarded and run again from fresh state
        (``change`` must be repeatable), never written over what a join or
        another correction wrote meanwhile; ``ATTEMPTS`` refusals make the
        topic busy. What ``change`` returns is returned.
        """
        k = TopicKeys(team, topic)
        for _ in range(ATTEMPTS):
            with self._locked(k) as token:
                staged = Staged(self.redis)
                result = change(staged)
                if self.fence.commit(k.lock, token, staged.write):
                    return result
            log.warning(
                "topic %s: a stalled correction lost the lock; its write was discarded and "
                "it starts over",
                k.topic,
            )
        raise TopicBusy(k.topic)

    # ---- writes -----------------------------------------------------------------

    @unavailable_on_error
    def add_article(self, team: str, topic: str, article: Article, now: datetime) -> Development:
        """Join ``article`` to the topic: fold, join or start a development."""
        k = TopicKeys(team, topic)
        for _ in range(ATTEMPTS):
            with self._locked(k) as token:
                dev = self._join(k, topic, article, now, token)
            if dev is not None:
                return self._after_join(k, article.id, dev, now)
            log.warning(
                "topic %s: a stalled join of article %s lost the lock; its write was "
                "discarded and the join starts over",
                k.topic,
                article.id,
            )
        raise TopicBusy(k.topic)

    def _after_join(
        self, k: TopicKeys, article_id: str, dev: Development, now: datetime
    ) -> Development:
        """Re-cluster the topic when due (``bot.topics.regroup``); the article's development.

        The join has landed: a busy topic or a refused re-clustering write only
        postpones the re-clustering (its counter is not reset) to the next join.
        """
        if not regroup.due(self.redis, k.team, k.topic):
            return dev
        try:
            with self._locked(k) as token:
                landed = self.recluster(k, now, token)
        except TopicBusy:
            log.warning("topic %s: busy, re-clustering postponed", k.topic)
            return dev
        except _STORE_TROUBLE:
            raise  # the store's trouble: the caller retries (``unavailable_on_error``)
        except Exception:
            # a fault in re-clustering must never stop ingest: the join stands
            log.exception("topic %s: re-clustering failed; the join stands", k.topic)
            return dev
        if not landed:
            log.warning(
                "topic %s: a stalled re-clustering lost the lock; its write was discarded", k.topic
            )
            return dev
        home = self.redis.hget(k.article_development, article_id)
        moved = self._load_development(k, text(home)) if home else None
        return moved or dev

    def recluster(self, k: TopicKeys, now: datetime, token: str) -> bool:
        """Re-cluster the topic's recent developments under the lock ``token``;
        False when the fence refused the write (the lock was lost meanwhile)."""
        write = regroup.plan(self.redis, k.team, k.topic, now)
        return self.fence.commit(k.lock, token, write)

    def _join(
        self, k: TopicKeys, topic: str, article: Article, now: datetime, token: str
    ) -> Development | None:
        """Read, decide and write under the lock; None when the fence refused the write."""
        known = self.redis.hget(k.article_development, article.id)
        if known:
            dev = self._load_development(k, text(known))
            if dev is not None:
                return dev
        fp = devs.fingerprint(article)
        recent = self._fingerprints(k)
        dev, is_copy = self._decide(k, topic, article, fp, recent, now)
        note = article.not_analysed()
        if note is not None and not is_copy and dev.article_count == 1:
            dev.summary = note  # the brief says why it has no analysis
        write = self._write(k, article, fp, dev, is_copy, now, _over_cap(recent, article.id, fp))
        return dev if self.fence.commit(k.lock, token, write) else None

    def _fingerprints(self, k: TopicKeys) -> dict[str, devs.Fingerprint]:
        return {
            text(key): serde.loads(devs.Fingerprint, raw)
            for key, raw in self.redis.hgetall(k.fingerprints).items()
        }

    def _decide(
        self,
        k: TopicKeys,
        topic: str,
        article: Article,
        fp: devs.Fingerprint,
        recent: dict[str, devs.Fingerprint],
        now: datetime,
    ) -> tuple[Development, bool]:
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
        stale: list[str],
    ) -> FencedWrite:
        """The join's changes, to be applied together only while the lock is ours."""
        when = (article.published or now).timestamp()
        entries = self._merged_timeline(k, article, now)
        w = FencedWrite()
        w.call("SET", k.development(dev.id), serde.dumps(dev))
        w.call("ZADD", k.developments, devs.rank_score(dev, now), dev.id)
        # digests ask "what changed since T?"; the rank above cannot answer that
        w.call("ZADD", k.dev_changes, dev.updated_at.timestamp(), dev.id)
        w.call("HSET", k.article_development, article.id, dev.id)
        w.call("ZADD", k.articles, when, article.id)
        if article.outlet:
            w.call("ZINCRBY", k.outlets, 1, article.outlet)
        if not is_copy:
            w.call("HSET", k.fingerprints, article.id, serde.dumps(fp))
            if stale:
                w.call("HDEL", k.fingerprints, *stale)
            _count_names(w, k, article)
            for key, entry in entries.items():
                w.call("HSET", k.timeline, key, serde.dumps(entry))
                w.call("ZADD", k.timeline_by_date, entry.date.toordinal(), key)
                if entry.first_seen is not None:
                    w.call("ZADD", k.timeline_seen, "NX", entry.first_seen.timestamp(), key)
        w.call("HINCRBY", k.volume, now.date().isoformat(), 1)
        w.call("HSET", k.meta, "updated_at", now.isoformat())
        # every landed join moves the version: a reader sees whether one came between its reads
        w.call("HINCRBY", k.meta, VERSION, 1)
        if not is_copy:
            w.call("HINCRBY", k.meta, regroup.DUE, 1)
        return w

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
                # the same happening in other words: merge into that day's entry
                same = self._same_day(k, event, merged)
                if same is not None:
                    key, existing = same
            if existing is None:
                merged[key] = timeline.entry_from_event(event, now)
            else:
                merged[key] = timeline.merge_event(existing, event, now)
        return merged

    def _same_day(
        self, k: TopicKeys, event: Event, merged: dict[str, TimelineEntry]
    ) -> tuple[str, TimelineEntry] | None:
        """The entry of ``event``'s day that reports the same happening, with its key."""
        day = event.date.toordinal()
        found = cast(list[bytes], self.redis.zrangebyscore(k.timeline_by_date, day, day))
        keys = [text(x) for x in found]
        raws = self.redis.hmget(k.timeline, keys) if keys else []
        stored = {
            key: serde.loads(TimelineEntry, raw) for key, raw in zip(keys, raws, strict=True) if raw
        }
        candidates = {**stored, **{key: e for key, e in merged.items() if e.date == event.date}}
        for key, entry in candidates.items():
            if timeline.same_happening(entry, event):
                return key, entry
        return None

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
        """The top of the topic's state, in a constant number of reads, consistent.

        With ``scope`` only that watermark is read (a brief needs the asker's
        alone, and the hash grows with everyone who ever asked); without it, all.
        The tops (ids, counts) and the records they name take two round trips;
        the topic's version is read with each, and when a join landed between
        them both are read again, so a brief never mixes two states (counts of
        one, developments of the next). After ``SNAPSHOT_TRIES`` busy tries the
        last read is used: a brief under a flood of joins is at most one join old.
        """
        k = TopicKeys(team, topic)
        for _ in range(SNAPSHOT_TRIES):
            top = self._read_top(k, developments, names, events, scope)
            records, version = self._read_records(k, top)
            if version == top[0]:
                break
        (_, count, outlets, _, actor_rows, place_rows, _, updated, marks) = top
        dev_raws, actor_metas, place_metas, event_raws = records
        return TopicSnapshot(
            article_count=int(count),
            source_count=int(outlets),
            developments=[serde.loads(Development, r) for r in dev_raws if r],
            actors=_ranked(actor_rows, actor_metas),
            locations=_ranked(place_rows, place_metas),
            timeline=_best_events(event_raws, events),
            updated_at=datetime.fromisoformat(updated.decode()) if updated else None,
            watermarks=_watermarks(marks, scope),
        )

    def _read_top(
        self, k: TopicKeys, developments: int, names: int, events: int, scope: str | None
    ) -> list[Any]:
        pipe = self.redis.pipeline(transaction=False)
        pipe.hget(k.meta, VERSION)
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
        return list(pipe.execute())

    def _read_records(self, k: TopicKeys, top: list[Any]) -> tuple[list[list[Any]], Any]:
        """The records the tops name, and the topic's version after reading them."""
        _, _, _, dev_ids, actor_rows, place_rows, event_keys, _, _ = top
        pipe = self.redis.pipeline(transaction=False)
        # one GET per development: a cluster pipeline refuses MGET (at most ``developments``)
        for dev_id in dev_ids:
            pipe.get(k.development(text(dev_id)))
        named = [
            (k.actor_names, [m for m, _ in actor_rows]),
            (k.place_names, [m for m, _ in place_rows]),
            (k.timeline, list(event_keys)),
        ]
        for key, members in named:
            if members:
                pipe.hmget(key, members)
        pipe.hget(k.meta, VERSION)
        answers = list(pipe.execute())
        version = answers.pop()
        records: list[list[Any]] = [answers[: len(dev_ids)]]
        rest = iter(answers[len(dev_ids) :])
        records += [list(next(rest)) if members else [] for _, members in named]
        return records, version

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

    @unavailable_on_error
    def filed(self, team: str, topic: str, article_ids: list[str]) -> set[str]:
        """Those of ``article_ids`` that are filed under ``topic`` (one round trip)."""
        if not article_ids:
            return set()
        scores = self.redis.zmscore(TopicKeys(team, topic).articles, article_ids)
        return {a for a, score in zip(article_ids, scores, strict=True) if score is not None}


def _count_names(w: FencedWrite, k: TopicKeys, article: Article) -> None:
    for actor in article.actors:
        w.call("ZINCRBY", k.actors, actor.mentions, actor.id)
        w.call("HSET", k.actor_names, actor.id, serde.dumps(ActorMeta(actor.name, actor.kind)))
    for place in article.locations:
        w.call("ZINCRBY", k.places, place.mentions, place.id)
        meta = PlaceMeta(place.name, place.kind, place.country)
        w.call("HSET", k.place_names, place.id, serde.dumps(meta))


def _over_cap(recent: dict[str, devs.Fingerprint], new_id: str, fp: devs.Fingerprint) -> list[str]:
    """Ids of the fingerprints to drop so that, with ``new_id`` added, at most
    ``RECENT_FINGERPRINTS`` remain: the oldest by publication time fall out of
    near-duplicate checks. Counted over the fingerprints themselves, so a hash
    that outgrew its cap (older versions trimmed by the wrong count) shrinks back."""
    kept = {**recent, new_id: fp}
    excess = len(kept) - RECENT_FINGERPRINTS
    if excess <= 0:
        return []
    # an undated article (unknown date) counts as the oldest
    by_age = sorted(kept, key=lambda i: (kept[i].published or EPOCH, i))
    return [i for i in by_age if i != new_id][:excess]


def _best_events(raws: list[Any], limit: int) -> list[TimelineEntry]:
    """The ``limit`` best-attested of the most recent events, in date order.

    Picking by number of sources within a recent pool keeps the events many
    outlets reported (a ceasefire) over one-source colour from later days.
    """
    entries = [serde.loads(TimelineEntry, r) for r in raws if r]
    best = sorted(entries, key=lambda e: (len(e.sources), e.date), reverse=True)[:limit]
    return sorted(best, key=lambda e: e.date)


def _watermarks(raw: Any, scope: str | None) -> dict[str, datetime]:
    """HGETALL's answer (``scope`` None) or HGET's for one scope, as scope -> time."""
    if scope is None:
        return {s.decode(): datetime.fromisoformat(v.decode()) for s, v in raw.items()}
    return {scope: datetime.fromisoformat(raw.decode())} if raw else {}
