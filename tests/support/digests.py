"""Shared by the digest and scheduler tests: articles of three distinct stories,
a recording digest sender (the Slack edge), and ``Deps`` on the test Redis."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.config import Settings
from bot.deps import Deps, build_deps
from bot.digests.subscriptions import Subscription
from bot.ingest.urls import article_id, content_hash
from bot.models import Article, Development, Digest, Entity, Event, Place

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
    digest = content_hash(text)
    return Article(
        id=article_id(url, digest),
        url=url,
        canonical_url=url,
        title=title,
        text=text,
        content_hash=digest,
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


def add(deps: Deps, story: str, n: int, at: datetime, team: str = "T1") -> Development:
    """File article ``n`` of ``story`` into team's syria topic as if ingested at ``at``."""
    return deps.topic_state.add_article(team, "syria", story_article(story, n), at)


@dataclass
class Outbox:
    """A ``DigestSender`` that records what it was asked to post; ``fail`` makes it refuse."""

    sent: list[tuple[Subscription, Digest]] = field(default_factory=list)
    fail: int = 0  # refuse this many posts, then accept
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, sub: Subscription, digest: Digest) -> bool:
        with self.lock:
            if self.fail > 0:
                self.fail -= 1
                return False
            self.sent.append((sub, digest))
            return True

    def for_sub(self, sub_id: str) -> list[Digest]:
        return [d for s, d in self.sent if s.id == sub_id]


@contextmanager
def deps_on(redis_url: str, tmp_path: Path) -> Iterator[Deps]:
    """A ``Deps`` with its own Redis client on the test Redis (like one more replica)."""
    deps = build_deps(Settings(redis_url=redis_url, data_dir=tmp_path / "data"))
    try:
        yield deps
    finally:
        deps.close()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]
