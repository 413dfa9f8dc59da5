"""Small hand-built articles with entities, places and a dated event."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.ingest.urls import article_id, canonical_url, content_hash
from bot.models import Article, Entity, Event, Place

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


def make_article(
    url: str, title: str, text: str, outlet: str, actors: list[Entity], places: list[Place]
) -> Article:
    canon = canonical_url(url)
    digest = content_hash(text)
    return Article(
        id=article_id(canon, digest),
        url=url,
        canonical_url=canon,
        title=title,
        text=text,
        content_hash=digest,
        outlet=outlet,
        published=datetime(2026, 1, 26, 8, 30, tzinfo=UTC),
        actors=actors,
        locations=places,
        events=[Event(date=date(2026, 1, 26), text=text.split(". ")[0] + ".", sources=[url])],
        topics=["syria"],
    )


RUSSIA = Entity(id="org:russian-armed-forces", name="Russian forces", kind="group", mentions=2)
KREMLIN = Entity(id="org:kremlin", name="Kremlin", kind="organization")
QAMISHLI_PLACE = Place(id="geo:qamishli", name="Qamishli", kind="city", country="SY", mentions=2)


def troops(url: str = "https://levant.example/troops", outlet: str = "Levant Ledger") -> Article:
    return make_article(
        url, "Russian troops leave Qamishli", QAMISHLI, outlet, [RUSSIA, KREMLIN], [QAMISHLI_PLACE]
    )


def harvest() -> Article:
    farmers = Entity(id="group:delta-farmers", name="delta farmers", kind="group")
    delta = Place(id="geo:nile-delta", name="Nile delta", kind="region", country="EG")
    return make_article(
        "https://delta.example/cotton", "A record cotton harvest", HARVEST, "Delta Daily",
        [farmers], [delta],
    )  # fmt: skip
