"""Synthetic topics for the brief-latency benchmark: articles, and a fast bulk loader.

``ArticleFactory`` makes deterministic ``Article`` objects shaped like analysed
news: storylines that run for about ten days, each with its own words, main
actors and places; a long tail of other actors and places (Zipf); 120 outlets;
150 articles a day; a two-sentence summary; a dated event in most articles,
shared by the articles of its storyline on the same day. The words are made
of syllables (no real text is copied); a body is about 150 words, since only
the lead and a MinHash of the text reach the topic state.

``BulkLoader`` writes what ``TopicState.add_article`` would write for the same
articles (the same keys from ``bot.keys.TopicKeys``, development records built
by ``bot.developments``, titles and summaries by ``bot.devlabels.relabel``,
timeline entries merged with ``bot.timeline.merge_event``), with three
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
import hashlib
import importlib
import json
import math
import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import Any

from bot import developments as devs
from bot import serde, textsim, timeline
from bot.devlabels import relabel
from bot.keys import TopicKeys
from bot.models import Article, Development, Entity, Event, Place, TimelineEntry

SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in ("a", "e", "i", "o", "u", "ar", "en", "ol")]
PER_DAY = 150
STORY_DAYS = 10
NEW_STORY_EVERY = 8  # articles per storyline, on average
RECENT_FINGERPRINTS = 300  # as bot.topic_state keeps


def _zipf(count: int, exponent: float = 1.1) -> list[float]:
    return list(accumulate(1 / (k + 1) ** exponent for k in range(count)))


@dataclass
class Storyline:
    id: int
    words: list[str]
    actors: list[Entity]
    places: list[Place]
    start: datetime
    last_article: str = ""


@dataclass
class ArticleFactory:
    """Deterministic synthetic articles of one topic, in publication order."""

    topic: str = "syria"
    seed: int = 9
    start: datetime = datetime(2024, 1, 1, tzinfo=UTC)
    rng: random.Random = field(init=False)
    made: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.vocab = [self._word() for _ in range(4000)]
        self.vocab_w = _zipf(len(self.vocab))
        self.actors = [self._actor(k) for k in range(3000)]
        self.actors_w = _zipf(len(self.actors))
        self.places = [self._place(k) for k in range(600)]
        self.places_w = _zipf(len(self.places))
        self.outlets = [f"{self._word().title()} {self._word().title()}" for _ in range(120)]
        self.outlets_w = _zipf(len(self.outlets), 0.8)
        self.stories: list[Storyline] = []

    def _word(self, parts: int = 0) -> str:
        return "".join(self.rng.choices(SYLLABLES, k=parts or self.rng.randint(2, 4)))

    def _actor(self, k: int) -> Entity:
        if k % 4 == 3:
            name = f"{self._word().title()} {self._word().title()} Council"
            return Entity(
                id=f"organization:{name.lower().replace(' ', '-')}", name=name, kind="organization"
            )
        name = f"{self._word(2).title()} {self._word(3).title()}"
        return Entity(id=f"person:{name.lower().replace(' ', '-')}", name=name, kind="person")

    def _place(self, k: int) -> Place:
        name = self._word(3).title()
        lat, lon = 32 + self.rng.random() * 5, 35 + self.rng.random() * 7
        return Place(id=f"geo:{900000 + k}", name=name, kind="city", country="SY", lat=lat, lon=lon)

    def __iter__(self) -> Iterator[tuple[Article, Storyline]]:
        while True:
            yield self.next()

    def next(self) -> tuple[Article, Storyline]:
        """The next article and its storyline."""
        published = self.start + timedelta(days=self.made / PER_DAY, minutes=self.rng.random() * 9)
        story = self._storyline(published)
        article = self._article(self.made, story, published)
        story.last_article = article.id
        self.made += 1
        return article, story

    def _storyline(self, when: datetime) -> Storyline:
        self.stories = [s for s in self.stories if when - s.start < timedelta(days=STORY_DAYS)]
        if not self.stories or self.rng.random() < 1 / NEW_STORY_EVERY:
            story = Storyline(
                id=self.made,
                words=self.rng.choices(self.vocab[200:], k=4),
                actors=self.rng.choices(self.actors, cum_weights=self.actors_w, k=3),
                places=self.rng.choices(self.places, cum_weights=self.places_w, k=2),
                start=when,
            )
            self.stories.append(story)
            return story
        recent = self.stories[-12:]
        return self.rng.choices(recent, weights=range(1, len(recent) + 1))[0]

    def _sentence(self, story: Storyline, names: list[str]) -> str:
        words = self.rng.choices(self.vocab, cum_weights=self.vocab_w, k=self.rng.randint(14, 22))
        words[self.rng.randrange(len(words))] = self.rng.choice(story.words)
        words[self.rng.randrange(len(words))] = self.rng.choice(names)
        return " ".join(words).capitalize() + "."

    def _article(self, index: int, story: Storyline, published: datetime) -> Article:
        rng = self.rng
        others = rng.choices(self.actors, cum_weights=self.actors_w, k=rng.randint(1, 4))
        actors = [_copy_entity(a, rng.randint(1, 6)) for a in [*story.actors[:2], *others]]
        places = [_copy_place(p, rng.randint(1, 4)) for p in story.places[: rng.randint(1, 2)]]
        places += [
            _copy_place(p, 1) for p in rng.choices(self.places, cum_weights=self.places_w, k=1)
        ]
        names = [a.name for a in actors] + [p.name for p in places]
        sentences = [self._sentence(story, names) for _ in range(8)]
        text = " ".join(sentences)
        outlet = rng.choices(self.outlets, cum_weights=self.outlets_w)[0]
        url = f"https://{outlet.lower().replace(' ', '')}.example/news/{index}"
        digest = hashlib.sha256(text.encode()).hexdigest()
        title_words = [*story.words[:2], *rng.choices(self.vocab[:1500], k=5)]
        return Article(
            id=hashlib.sha256(url.encode()).hexdigest()[:16],
            url=url,
            canonical_url=url,
            title=" ".join([story.actors[0].name.split()[-1], *title_words]).capitalize(),
            text=text,
            content_hash=digest,
            outlet=outlet,
            published=published,
            language="en",
            summary=sentences[:2],
            actors=_unique(actors),
            locations=_unique(places),
            events=self._events(story, published, url, sentences),
            topics=[self.topic],
            ingested_at=published + timedelta(minutes=5),
        )

    def _events(
        self, story: Storyline, published: datetime, url: str, sentences: list[str]
    ) -> list[Event]:
        if self.rng.random() > 0.7:
            return []
        day = (published - timedelta(days=self.rng.randint(0, 2))).date()
        return [
            Event(
                date=day,
                text=sentences[2][: timeline.TEXT_MAX_CHARS],
                actors=[story.actors[0].name],
                locations=[story.places[0].name],
                sources=[url],
            )
        ]


def _copy_entity(e: Entity, mentions: int) -> Entity:
    return Entity(id=e.id, name=e.name, kind=e.kind, mentions=mentions, salience=mentions / 6)


def _copy_place(p: Place, mentions: int) -> Place:
    return Place(
        id=p.id, name=p.name, kind=p.kind, country=p.country, lat=p.lat, lon=p.lon,
        mentions=mentions, salience=mentions / 4,
    )  # fmt: skip


def _unique(items: list[Any]) -> list[Any]:
    seen: dict[str, Any] = {}
    for item in items:
        seen.setdefault(item.id, item)
    return list(seen.values())


# ---- bulk loading ---------------------------------------------------------------------


def _size(name: str, default: int) -> int:
    """A fingerprint size limit from wherever ``bot`` defines it now."""
    for module in ("bot.fingerprints", "bot.developments"):
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
        terms=textsim.normalize(textsim.top_weights(terms, _size("FP_TERMS", 25))),
        entities=textsim.normalize(textsim.top_weights(entities, _size("FP_ENTITIES", 24))),
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
                pipe.hset(k.fingerprints, article.id, json.dumps(fp.to_dict()))
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
            pipe.hset(
                self.k.actor_names, actor.id, serde.dumps({"name": actor.name, "kind": actor.kind})
            )
        for place in article.locations:
            names[(self.k.places, place.id)] += place.mentions
            meta = {"name": place.name, "kind": place.kind, "country": place.country}
            pipe.hset(self.k.place_names, place.id, serde.dumps(meta))

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
