"""Shared by the digest and scheduler tests: story articles filed into a topic,
and a recording digest sender (the Slack edge)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.deps import Deps
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


def utc(*args: int) -> datetime:
    """``datetime(*args)`` in UTC."""
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]
