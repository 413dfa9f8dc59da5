"""Domain objects. Plain dataclasses: no Slack, no Redis.

The flow of one ingest: ``Page`` (fetched bytes) -> ``Extracted`` (text and
metadata) -> ``Article`` (with ``Entity``/``Place``/``Event``, summary, topics)
-> stored, then joined to a ``Development`` of each of its topics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

ActorKind = Literal["person", "organization", "group"]
PlaceKind = Literal["country", "region", "city", "facility", "other"]


@dataclass
class Page:
    """A fetched web page: what ``bot.ingest.fetch`` returns and ``bot.ingest.extract`` reads."""

    url: str  # the URL that was asked for
    final_url: str  # after redirects
    status: int
    content_type: str  # e.g. "text/html"
    body: bytes
    encoding: str | None = None  # charset from the Content-Type header, if any
    etag: str | None = None  # validators for the next conditional request (feeds)
    last_modified: str | None = None


@dataclass
class Extracted:
    """Article text and metadata, before NLP."""

    url: str | None
    title: str
    text: str  # body only: no headline, byline, captions or boilerplate
    outlet: str | None = None
    author: str | None = None
    published: datetime | None = None  # timezone-aware (UTC when the page gives no zone)
    language: str | None = None  # ISO 639-1, from the page or detection


@dataclass
class Entity:
    """A canonical actor of one article (or of a topic, when aggregated)."""

    id: str  # stable across articles and outlets, e.g. "person:ahmed-al-sharaa"
    name: str
    kind: ActorKind
    mentions: int = 1
    aliases: list[str] = field(default_factory=list)
    salience: float = 0.0


@dataclass
class Place:
    """A canonical location, resolved to the map when the gazetteer knows it."""

    id: str  # stable across articles, e.g. "geo:173576" or "place:hmeimim-air-base"
    name: str
    kind: PlaceKind
    country: str | None = None  # ISO 3166-1 alpha-2
    lat: float | None = None
    lon: float | None = None
    mentions: int = 1
    aliases: list[str] = field(default_factory=list)
    salience: float = 0.0


@dataclass
class Event:
    """A dated event taken from one sentence."""

    date: date
    text: str
    actors: list[str] = field(default_factory=list)  # canonical names
    locations: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # article URLs
    approximate: bool = False  # the day is an estimate ("last week" -> 7 days before)
    # what happened, for merging one event across outlets ("ceasefire", "talks"...);
    # set by bot.topics.timeline.extract_events, derived from the text when empty
    signature: str = ""


# the start of an article's note when its language has no model (bot.entities.analyzer)
NOT_ANALYSED = "not analysed"


@dataclass
class Article:
    """An analysed article, as stored."""

    id: str  # hash of the canonical URL (or of the content when there is no URL)
    url: str | None
    canonical_url: str | None
    title: str
    text: str
    content_hash: str
    outlet: str | None = None
    author: str | None = None
    published: datetime | None = None
    language: str | None = None
    summary: list[str] = field(default_factory=list)
    actors: list[Entity] = field(default_factory=list)
    locations: list[Place] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. "not analysed (language: de)"
    ingested_at: datetime | None = None
    # the sentence encoder's vector of its headline and lead (bot.text.encoder.pack);
    # empty when the encoder is off or the text was not analysed
    vector: str = ""
    # where the link was posted, for "already summarised" replies
    slack_channel: str | None = None
    slack_ts: str | None = None

    def not_analysed(self) -> str | None:
        """The note saying why the text was not analysed (another language), if it was not."""
        return next((n for n in self.notes if n.startswith(NOT_ANALYSED)), None)


@dataclass
class ArticleRef:
    """An article as a development or timeline cites it."""

    id: str
    url: str | None
    title: str
    outlet: str | None
    published: datetime | None
    # near-duplicate copies folded into this article: [{"url": ..., "outlet": ...}]
    copies: list[dict[str, str]] = field(default_factory=list)


NameKind = Literal["actor", "place"]


@dataclass
class DevelopmentFeatures:
    """A development's clustering state, each part capped (``bot.topics.developments``)
    so that a join costs the same for a development of 3 articles or of 30,000.

    Stored inside the development's JSON as an object of these keys; pairs are
    JSON arrays (``[id, [ints]]``, ``[name, kind]``).
    """

    entities: dict[str, float] = field(default_factory=dict)  # actor/place id or name key: weight
    terms: dict[str, float] = field(default_factory=dict)  # stemmed content term: weight
    lead: dict[str, float] = field(default_factory=dict)  # headline and lead terms: weight
    # (article id, MinHash) of the last members, oldest first
    signatures: list[tuple[str, list[int]]] = field(default_factory=list)
    names: dict[str, tuple[str, NameKind]] = field(default_factory=dict)  # kept entity ids
    sentences: list[tuple[str, str]] = field(default_factory=list)  # (article id, candidate)
    summary_sources: list[str] = field(default_factory=list)  # articles the summary came from
    label_source: str = ""  # the member the title and summary came from (its lead)


@dataclass
class Development:
    """A storyline: the articles of one topic that report the same thing."""

    id: str
    topic: str
    title: str
    summary: str
    # the span of its members' publication times; None while no member has a known date
    # (an undated article never stretches it to the ingest time)
    first_seen: datetime | None
    last_seen: datetime | None
    updated_at: datetime  # when an article last joined (drives "Update:")
    created_at: datetime  # when the development was first stored
    articles: list[ArticleRef] = field(default_factory=list)  # newest first, capped
    article_count: int = 0
    outlets: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)  # canonical names, by weight
    locations: list[str] = field(default_factory=list)
    # clustering state, kept bounded so the cost of a join does not grow with the topic
    features: DevelopmentFeatures = field(default_factory=DevelopmentFeatures)


@dataclass
class TimelineEntry:
    date: date
    text: str
    sources: list[str] = field(default_factory=list)  # article URLs
    first_seen: datetime | None = None
    updated_at: datetime | None = None
    approximate: bool = False  # the day is an estimate (see bot.topics.timeline)


@dataclass
class Topic:
    """A topic a team follows: a name, its aliases and the countries it covers."""

    name: str
    aliases: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)  # ISO alpha-2
    description: str = ""
    defined_by: str = "seed"  # "seed", "user" or "auto" (created by a query)


@dataclass
class RankedName:
    """An actor or a place with its topic-level weight."""

    name: str
    kind: str
    mentions: int
    country: str | None = None


DevelopmentMark = Literal["new", "updated"]


@dataclass
class Marks:
    """What changed since a brief's watermark (``Brief.since``): display state, never stored.

    Computed by ``bot.topics.brief.mark_changes`` for briefs and digests alike.
    """

    # by development id: created since the watermark, or gained articles since; others absent
    developments: dict[str, DevelopmentMark] = field(default_factory=dict)
    new_events: frozenset[int] = frozenset()  # positions in ``Brief.timeline`` first seen since


@dataclass
class Brief:
    topic: str
    team: str
    generated_at: datetime
    article_count: int
    source_count: int
    developments: list[Development] = field(default_factory=list)
    actors: list[RankedName] = field(default_factory=list)
    locations: list[RankedName] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)
    since: datetime | None = None  # the watermark the "new" marks are relative to
    quiet: bool = False  # nothing new since the watermark / nothing recent
    known_topic: bool = True
    marks: Marks = field(default_factory=Marks)
    # in a digest of several topics (``bot.digests.stories``): development id -> the
    # digest's other topics that have the same story, and, for developments left
    # out here because they show under another topic, development id -> that topic
    also_in: dict[str, list[str]] = field(default_factory=dict)
    shown_under: dict[str, str] = field(default_factory=dict)


@dataclass
class Digest:
    team: str
    generated_at: datetime
    briefs: list[Brief] = field(default_factory=list)
    title: str = "Morning digest"


@dataclass
class IngestResult:
    """What one ingest produced, for CLI summaries and Slack replies."""

    source: str  # the URL or path that was ingested
    status: Literal["ingested", "duplicate", "failed"]
    article: Article | None = None
    reason: str | None = None  # user-facing reason when failed
    duplicate_of: str | None = None  # article id of the earlier copy
    retryable: bool = False  # a failure that may succeed later (timeouts, 5xx)
    developments: list[Development] = field(default_factory=list)
