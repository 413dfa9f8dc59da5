"""Hand-built articles, keyed as ingest keys them, for tests that need no NLP.

``keyed_article`` derives an article's id, canonical URL and content hash from
its URL and text, as ingest does, so duplicates and re-ingests behave as in
production. On top of it, two ready-made sets:

- ``troops()`` and ``harvest()``: two unrelated stories with entities, places
  and a dated event (the cluster tests file them into topic state);
- ``story_article(story, n)``: article ``n`` of one of four stories whose
  articles share a subject but never near-duplicate text (the digest tests).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.ingest.urls import article_id, canonical_url, content_hash
from bot.models import Article, Entity, Event, Place


def keyed_article(url: str | None, text: str, *, title: str, **fields: Any) -> Article:
    """An ``Article`` whose id, canonical URL and content hash follow from ``url``
    and ``text``; ``fields`` are the rest (outlet, published, actors, ...)."""
    canon = canonical_url(url) if url else None
    digest = content_hash(text)
    return Article(
        id=article_id(canon, digest),
        url=url,
        canonical_url=canon,
        title=title,
        text=text,
        content_hash=digest,
        **fields,
    )


# ---- two unrelated stories --------------------------------------------------------------

QAMISHLI = (
    "Russian forces began leaving the airport at Qamishli on Monday, according to local "
    "officials. Convoys of trucks carried equipment south along the main road. The Kremlin "
    "said the move had been agreed with the authorities in Damascus weeks ago. Residents "
    "reported helicopters above the city through the afternoon and into the night."
)
HARVEST = (
    "Farmers in the Nile delta expect a record cotton harvest after a mild autumn. Prices at "
    "the Alexandria exchange fell for a third week as buyers waited. Exporters said shipping "
    "costs through the canal were the main worry for the coming season of sales abroad."
)

RUSSIA = Entity(id="org:russian-armed-forces", name="Russian forces", kind="group", mentions=2)
KREMLIN = Entity(id="org:kremlin", name="Kremlin", kind="organization")
QAMISHLI_PLACE = Place(id="geo:qamishli", name="Qamishli", kind="city", country="SY", mentions=2)


def _dated_story(
    url: str, title: str, text: str, outlet: str, actors: list[Entity], places: list[Place]
) -> Article:
    """A syria article of 26 January 2026 whose first sentence is its one event."""
    return keyed_article(
        url,
        text,
        title=title,
        outlet=outlet,
        published=datetime(2026, 1, 26, 8, 30, tzinfo=UTC),
        actors=actors,
        locations=places,
        events=[Event(date=date(2026, 1, 26), text=text.split(". ")[0] + ".", sources=[url])],
        topics=["syria"],
    )


def troops(url: str = "https://levant.example/troops", outlet: str = "Levant Ledger") -> Article:
    return _dated_story(
        url, "Russian troops leave Qamishli", QAMISHLI, outlet, [RUSSIA, KREMLIN], [QAMISHLI_PLACE]
    )


def harvest() -> Article:
    farmers = Entity(id="group:delta-farmers", name="delta farmers", kind="group")
    delta = Place(id="geo:nile-delta", name="Nile delta", kind="region", country="EG")
    return _dated_story(
        "https://delta.example/cotton", "A record cotton harvest", HARVEST, "Delta Daily",
        [farmers], [delta],
    )  # fmt: skip


# ---- four stories of many articles each --------------------------------------------------

# title, vocabulary, actor, place: each story's articles share words, and no two stories do
STORIES = {
    "quake": ("Earthquake shakes Aleppo", "earthquake rubble rescue buildings survivors"),
    "port": ("Tartus port lease signed", "harbour lease shipping terminals grain"),
    "vote": ("Parliament passes budget", "parliament budget salaries subsidies bread"),
    "dam": ("Euphrates dam level falls", "reservoir turbines drought irrigation water"),
}


def story_article(story: str, n: int, outlet: str = "Levant Ledger") -> Article:
    """Article ``n`` of ``story``: new words each time (no near-duplicate), same subject."""
    title, vocabulary = STORIES[story]
    words = vocabulary.split()
    text = " ".join(
        f"In update {n}, the {words[i % 5]} report saw {words[(i * n + 1) % 5]} "
        f"and {words[(i + n) % 5]} item {n * 10 + i}."
        for i in range(6)
    )
    url = f"https://{outlet.lower().replace(' ', '-')}.example/{story}/{n}"
    return keyed_article(
        url,
        text,
        title=title,
        outlet=outlet,
        published=datetime(2026, 3, 1, 8, tzinfo=UTC) + timedelta(hours=n),
        topics=["syria"],
        actors=[
            Entity(
                id=f"org:{story}", name=f"{story.title()} Council", kind="organization", mentions=n
            )
        ],
        locations=[
            Place(
                id=f"place:{story}",
                name=f"{story.title()}ville",
                kind="city",
                country="SY",
                mentions=n,
            )
        ],
        events=[
            Event(
                date=date(2026, 3, 1) + timedelta(days=n), text=f"{story} step {n}", sources=[url]
            )
        ],
    )
