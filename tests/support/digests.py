"""Shared by the digest and scheduler tests: story articles filed into a topic,
a recording digest sender (the Slack edge), and ``Deps`` on the test Redis."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Settings
from bot.deps import Deps, build_deps
from bot.digests.subscriptions import Subscription
from bot.models import Development, Digest
from tests.support.articles import story_article


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
