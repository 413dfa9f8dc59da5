"""Synthetic articles for the brief-latency benchmark (``bench.topic_loader`` stores them).

``ArticleFactory`` makes deterministic ``Article`` objects shaped like analysed
news: storylines that run for about ten days, each with its own words, main
actors and places; a long tail of other actors and places (Zipf); 120 outlets;
150 articles a day; a two-sentence summary; a dated event in most articles,
shared by the articles of its storyline on the same day. The words are made
of syllables (no real text is copied); a body is about 150 words, since only
the lead and a MinHash of the text reach the topic state.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import Any

from bot.models import Article, Entity, Event, Place
from bot.topics import timeline

SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in ("a", "e", "i", "o", "u", "ar", "en", "ol")]
PER_DAY = 150
STORY_DAYS = 10
NEW_STORY_EVERY = 8  # articles per storyline, on average
RECENT_FINGERPRINTS = 300  # as bot.topics.state keeps


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
