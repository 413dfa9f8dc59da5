"""Feed subscriptions in Redis: one record per feed, a schedule, items seen.

Every key is under ``FeedKeys`` (one hash tag), so a poll writes the feed's
record and its next due time in one transaction. Feeds are numbered per team
(1, 2, ...), the ``N`` of ``briefbot feed remove N`` and ``/brief feed remove``.

Exactly one poll per feed per scheduled time across replicas: a poller first
takes ``FeedKeys.claim(feed, slot)`` with ``SET NX`` (``slot`` is the due time
it read); the loser skips. The winner writes the next due time, so a replica
reading the schedule later no longer finds the feed due.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from bot.errors import InputError
from bot.store import serde
from bot.store.client import RedisClient, text, unavailable_on_error
from bot.store.keys import FeedKeys, TeamKeys

log = logging.getLogger(__name__)

MAX_PER_TEAM = 200
SEEN_KEEP = 2000  # item keys remembered per feed: far more than a feed ever lists at once
MAX_URL_CHARS = 2000

# Write the feed's record and schedule unless it was removed meanwhile.
_SAVE_IF_PRESENT = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return 1
"""


@dataclass
class Feed:
    """One feed a team follows, and how its polling goes."""

    id: str
    team: str
    url: str
    topic: str | None = None  # also file its items into this topic
    added_by: str = ""
    added_at: str = ""
    interval: float = 0.0  # seconds between polls now (grows when quiet or failing)
    next_due: float = 0.0  # epoch seconds
    etag: str | None = None
    last_modified: str | None = None
    last_polled: str | None = None  # ISO times
    last_success: str | None = None
    last_error: str | None = None  # reason in plain words, e.g. "timed out"
    last_error_at: str | None = None
    failures: int = 0  # consecutive failed polls
    items: int = 0  # items handed on for ingest, ever
    polls: int = 0
    not_modified: int = 0  # polls answered 304

    @property
    def key(self) -> str:
        return f"{self.team}/{self.id}"


def _item_digest(item_key: str) -> str:
    return hashlib.sha256(item_key.encode("utf-8")).hexdigest()[:32]


class FeedSubscriptions:
    """Add, list, remove and schedule feeds; remember the items already handed on."""

    def __init__(self, client: RedisClient) -> None:
        self.redis = client
        self._save = client.register_script(_SAVE_IF_PRESENT)

    @unavailable_on_error
    def add(self, feed: Feed, now: datetime) -> Feed:
        """Store a new feed, due at once; the same URL twice in a team is refused."""
        TeamKeys(feed.team)  # validates the team id
        if not feed.url.startswith(("http://", "https://")) or len(feed.url) > MAX_URL_CHARS:
            raise InputError("a feed is an http(s) address, e.g. https://example.org/rss")
        existing = self.for_team(feed.team)
        same = next((f for f in existing if f.url == feed.url), None)
        if same is not None:
            raise InputError(f"that feed is already followed here (feed {same.id})")
        if len(existing) >= MAX_PER_TEAM:
            raise InputError(f"a workspace follows at most {MAX_PER_TEAM} feeds")
        feed.id = str(self.redis.hincrby(FeedKeys.next_id, feed.team, 1))
        feed.added_at = feed.added_at or now.isoformat()
        feed.next_due = now.timestamp()
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(FeedKeys.feeds, feed.key, serde.dumps(feed))
            pipe.zadd(FeedKeys.due, {feed.key: feed.next_due})
            pipe.execute()
        log.info("feed added feed=%s url=%s topic=%s", feed.key, feed.url, feed.topic or "-")
        return feed

    @unavailable_on_error
    def remove(self, team: str, feed_id: str) -> bool:
        key = f"{TeamKeys(team).team}/{feed_id}"
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.hdel(FeedKeys.feeds, key)
            pipe.zrem(FeedKeys.due, key)
            pipe.delete(FeedKeys.seen(key))
            removed, _, _ = pipe.execute()
        return bool(removed)

    @unavailable_on_error
    def get(self, team: str, feed_id: str) -> Feed | None:
        raw = self.redis.hget(FeedKeys.feeds, f"{team}/{feed_id}")
        return self._load(raw) if raw else None

    @unavailable_on_error
    def all(self) -> list[Feed]:
        feeds = [self._load(raw) for raw in self.redis.hvals(FeedKeys.feeds)]
        found = [f for f in feeds if f is not None]
        return sorted(found, key=lambda f: (f.team, int(f.id) if f.id.isdigit() else 0))

    def for_team(self, team: str) -> list[Feed]:
        return [f for f in self.all() if f.team == team]

    @unavailable_on_error
    def due(self, now: datetime, teams: set[str] | None = None) -> list[Feed]:
        """Feeds whose next poll is at or before ``now`` (of ``teams`` only, if given)."""
        found = self.redis.zrangebyscore(FeedKeys.due, "-inf", now.timestamp())
        keys = [text(k) for k in cast("list[bytes]", found)]
        if teams is not None:
            keys = [k for k in keys if k.split("/", 1)[0] in teams]
        if not keys:
            return []
        raws = self.redis.hmget(FeedKeys.feeds, keys)
        # Another replica may have polled and rescheduled a feed between the two reads: its
        # record then holds the next due time, which would win a fresh claim and poll it
        # twice. A feed is due only if its own record still says so.
        due_by = now.timestamp()
        return [
            f for f in (self._load(r) for r in raws if r) if f is not None and f.next_due <= due_by
        ]

    @unavailable_on_error
    def claim(self, feed: Feed, ttl_seconds: float) -> bool:
        """Take this feed's poll for its current due time; False when another replica has."""
        key = FeedKeys.claim(feed.key, int(feed.next_due))
        return bool(self.redis.set(key, "1", nx=True, ex=max(60, int(ttl_seconds))))

    @unavailable_on_error
    def save(self, feed: Feed) -> bool:
        """Record a poll's result and the next due time; False if the feed was removed."""
        done = self._save(
            keys=[FeedKeys.feeds, FeedKeys.due],
            args=[feed.key, serde.dumps(feed), feed.next_due],
        )
        return bool(done)

    @unavailable_on_error
    def is_seen(self, feed: Feed, item_key: str) -> bool:
        return self.redis.zscore(FeedKeys.seen(feed.key), _item_digest(item_key)) is not None

    @unavailable_on_error
    def mark_seen(self, feed: Feed, item_key: str, now: datetime) -> None:
        key = FeedKeys.seen(feed.key)
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.zadd(key, {_item_digest(item_key): now.timestamp()}, nx=True)
            pipe.zremrangebyrank(key, 0, -SEEN_KEEP - 1)  # forget the oldest beyond the cap
            pipe.execute()

    def _load(self, raw: bytes | str) -> Feed | None:
        try:
            return serde.loads(Feed, raw)
        except (ValueError, TypeError, KeyError) as exc:
            log.error("feed record unreadable, skipped: %s", exc)
            return None
