"""Topic state for many synthetic articles at once, and a check of its shape.

``BulkLoader`` writes what ``TopicState.add_article`` would write for the same
articles (the same keys from ``bot.store.keys.TopicKeys``, development records built
by ``bot.topics.developments``, titles and summaries by ``bot.topics.labels.relabel``,
timeline entries merged with ``bot.topics.timeline.merge_event``), with three
shortcuts that keep the shape and sizes but not the exact values: each article
joins its storyline's development (no candidate scoring, no near-duplicate
check); its fingerprint is built cheaply (the title and lead words as terms,
its entities, 64 random MinHash slots: briefs never read fingerprints, and
development features only need their size); and labels are recomputed once
per development per batch of 500 articles, which gives the same labels since
they depend only on the final state. ``key_shape`` lets the benchmark check
that the key families, types and record fields match the real path's.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import math
import random
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bench.synthetic import ArticleFactory, Storyline
from bot.models import Article, Development, Event, TimelineEntry
from bot.store import serde
from bot.store.keys import TopicKeys
from bot.text import similarity
from bot.topics import developments as devs
from bot.topics import timeline
from bot.topics.labels import relabel
from bot.topics.state import ActorMeta, PlaceMeta

RECENT_FINGERPRINTS = 300  # as bot.topics.state keeps


def _size(name: str, default: int) -> int:
    """A fingerprint size limit from wherever ``bot`` defines it now."""
    for module in ("bot.topics.fingerprints", "bot.topics.developments"):
        with contextlib.suppress(ImportError):
            value = getattr(importlib.import_module(module), name, None)
            if isinstance(value, int):
                return value
    return default


def quick_fingerprint(article: Article, rng: random.Random) -> devs.Fingerprint:
    """A fingerprint with the real one's fields and sizes, at a hundredth of the cost."""
    lead = " ".join(article.text.split(". ")[:2])
    counts = Counter(
        w for w in f"{article.title} {article.title} {lead}".lower().split() if len(w) > 3
    )
    terms = {t: math.log1p(c) for t, c in counts.items()}
    named = [*article.actors, *article.locations]
    entities = {e.id: 1.0 + math.log(max(e.mentions, 1)) for e in named}
    return devs.Fingerprint(
        minhash=[rng.getrandbits(32) for _ in range(64)],
        terms=similarity.normalize(similarity.top_weights(terms, _size("FP_TERMS", 25))),
        entities=similarity.normalize(similarity.top_weights(entities, _size("FP_ENTITIES", 24))),
        published=article.published or datetime.now(UTC),
        shingle_count=len(article.text.split()),
    )


class BulkLoader:
    """Writes the topic state of many articles in batches (see the module docstring)."""

    BATCH = 500

    def __init__(self, client: Any, team: str, topic: str) -> None:
        self.redis = client
        self.k = TopicKeys(team, topic)
        self.topic = topic
        self.devs: dict[int, Development] = {}
        self.rng = random.Random(17)

    def load(self, factory: ArticleFactory, target: int) -> None:
        """Add articles from ``factory`` until the topic holds ``target`` of them."""
        self._adopt_open_developments(factory)
        while factory.made < target:
            first = factory.made
            batch = [factory.next() for _ in range(min(self.BATCH, target - factory.made))]
            # only the newest articles keep a fingerprint, as after add_article's trim
            self._write(
                batch, keep=lambda n, first=first: first + n >= target - RECENT_FINGERPRINTS
            )
        self._trim_fingerprints()

    def _adopt_open_developments(self, factory: ArticleFactory) -> None:
        """Storylines still running continue in the development the real path chose."""
        for story in factory.stories:
            if story.id in self.devs or not story.last_article:
                continue
            dev_id = self.redis.hget(self.k.article_development, story.last_article)
            raw = self.redis.get(self.k.development(dev_id.decode())) if dev_id else None
            if raw:
                self.devs[story.id] = serde.loads(Development, raw)

    def _join(self, article: Article, story: Storyline, now: datetime) -> tuple[Development, Any]:
        fp = quick_fingerprint(article, self.rng)
        dev = self.devs.get(story.id)
        add_member = getattr(devs, "_add_member", None)
        if dev is None:
            dev = devs.start_development(self.topic, article, fp, now)
        elif add_member is not None:
            add_member(dev, article, fp, now)  # join_development without its copy and relabel
        else:
            dev = devs.join_development(dev, article, fp, now)
        self.devs[story.id] = dev
        return dev, fp

    def _write(self, batch: list[tuple[Article, Storyline]], keep: Callable[[int], bool]) -> None:
        k, pipe = self.k, self.redis.pipeline(transaction=False)
        touched: dict[str, Development] = {}
        names: Counter[tuple[str, str]] = Counter()
        entries = self._existing_entries([e for a, _ in batch for e in a.events])
        now = datetime.now(UTC)
        for n, (article, story) in enumerate(batch):
            now = article.ingested_at or datetime.now(UTC)
            dev, fp = self._join(article, story, now)
            touched[dev.id] = dev
            pipe.hset(k.article_development, article.id, dev.id)
            pipe.zadd(k.articles, {article.id: (article.published or now).timestamp()})
            pipe.zincrby(k.outlets, 1, article.outlet or "")
            if keep(n):
                pipe.hset(k.fingerprints, article.id, serde.dumps(fp))
            self._count(pipe, names, article)
            for event in article.events:
                self._merge(entries, event, now)
            pipe.hincrby(k.volume, now.date().isoformat(), 1)
        for dev in touched.values():
            relabel(dev)
            pipe.set(k.development(dev.id), serde.dumps(dev))
            pipe.zadd(k.developments, {dev.id: devs.rank_score(dev, dev.updated_at)})
            pipe.zadd(k.dev_changes, {dev.id: dev.updated_at.timestamp()})
        for (key, ident), count in names.items():
            pipe.zincrby(key, count, ident)
        self._write_entries(pipe, entries)
        pipe.hset(k.meta, mapping={"updated_at": now.isoformat()})
        pipe.execute()

    def _count(self, pipe: Any, names: Counter[tuple[str, str]], article: Article) -> None:
        for actor in article.actors:
            names[(self.k.actors, actor.id)] += actor.mentions
            meta = ActorMeta(actor.name, actor.kind)
            pipe.hset(self.k.actor_names, actor.id, serde.dumps(meta))
        for place in article.locations:
            names[(self.k.places, place.id)] += place.mentions
            where = PlaceMeta(place.name, place.kind, place.country)
            pipe.hset(self.k.place_names, place.id, serde.dumps(where))

    def _existing_entries(self, events: list[Event]) -> dict[str, TimelineEntry]:
        keys = list(dict.fromkeys(timeline.event_key(e) for e in events))
        if not keys:
            return {}
        raws = self.redis.hmget(self.k.timeline, keys)
        return {
            key: serde.loads(TimelineEntry, raw) for key, raw in zip(keys, raws, strict=True) if raw
        }

    @staticmethod
    def _merge(entries: dict[str, TimelineEntry], event: Event, now: datetime) -> None:
        key = timeline.event_key(event)
        existing = entries.get(key)
        if existing is None:
            entries[key] = TimelineEntry(
                date=event.date,
                text=event.text,
                sources=list(event.sources),
                first_seen=now,
                updated_at=now,
            )
        else:
            entries[key] = timeline.merge_event(existing, event, now)

    def _write_entries(self, pipe: Any, entries: dict[str, TimelineEntry]) -> None:
        for key, entry in entries.items():
            pipe.hset(self.k.timeline, key, serde.dumps(entry))
            pipe.zadd(self.k.timeline_by_date, {key: entry.date.toordinal()})
            if entry.first_seen is not None:
                pipe.zadd(self.k.timeline_seen, {key: entry.first_seen.timestamp()}, nx=True)

    def _trim_fingerprints(self) -> None:
        size = int(self.redis.hlen(self.k.fingerprints))
        if size > RECENT_FINGERPRINTS:
            oldest = self.redis.zrange(self.k.articles, 0, size - RECENT_FINGERPRINTS - 1)
            if oldest:
                self.redis.hdel(self.k.fingerprints, *oldest)


def key_shape(client: Any, team: str, topic: str) -> set[tuple[str, str]]:
    """The topic's key families (ids replaced by ``*``) with their Redis types, and the
    field names of its development and timeline records."""
    k = TopicKeys(team, topic)
    shape: set[tuple[str, str]] = set()
    for key in client.scan_iter(match=f"{k.base}:*", count=1000):
        name = key.decode()[len(k.base) :]
        if name.startswith(":dev:"):
            name = ":dev:*"
        elif name in (":lock", ":watermarks"):
            continue  # a join's lock, and what briefs (not ingest) write
        shape.add((name, client.type(key).decode()))
    dev_id = client.zrevrange(k.developments, 0, 0)
    if dev_id:
        record = json.loads(client.get(k.development(dev_id[0].decode())))
        shape |= {("dev field", f) for f in record} | {
            ("dev feature", f) for f in record["features"]
        }
    entry = client.hrandfield(k.timeline)
    if entry:
        shape |= {("timeline field", f) for f in json.loads(client.hget(k.timeline, entry))}
    return shape
