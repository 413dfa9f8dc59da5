"""Reads and writes of one team's articles, indexes, topics and follows in Redis.

Topic-level state (developments, timeline, counts) lives in ``bot.topics.state``.
All key names come from ``bot.store.keys``. A Redis error surfaces as
``StoreUnavailable`` so that callers can answer "temporarily unavailable".
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import redis

from bot.errors import SchemaTooNew
from bot.models import Article, Topic
from bot.store import keys, serde
from bot.store.client import RedisClient, blob, text, unavailable_on_error
from bot.store.keys import TeamKeys, TopicKeys

log = logging.getLogger(__name__)

# Atomically store an article unless its canonical URL or content hash is known, and
# mark it unfiled (by the job ARGV[8]) until its topics hold it. Returns the id of the
# earlier copy, or "" when this one was stored.
_SAVE_ARTICLE = """
local by_url = ARGV[2] ~= '' and redis.call('HGET', KEYS[2], ARGV[2]) or false
local by_hash = redis.call('HGET', KEYS[3], ARGV[3])
for _, found in ipairs({by_url, by_hash}) do
  if found and redis.call('EXISTS', ARGV[7] .. found) == 1 then return found end
end
redis.call('SET', KEYS[1], ARGV[4])
if ARGV[2] ~= '' then redis.call('HSET', KEYS[2], ARGV[2], ARGV[1]) end
redis.call('HSET', KEYS[3], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[5], ARGV[1])
if ARGV[6] ~= '' then redis.call('ZINCRBY', KEYS[5], 1, ARGV[6]) end
redis.call('HSET', KEYS[6], ARGV[1], ARGV[8])
return ''
"""


@dataclass
class ReplyLocation:
    """Where briefbot replied to a pasted link, for "already summarised" answers."""

    channel: str
    ts: str


class Store:
    """One team-namespaced view of Redis per call; the client is passed in."""

    def __init__(self, client: RedisClient, seed_topics: list[Topic]) -> None:
        self.redis = client
        self.seed_topics = seed_topics
        self._save_article = client.register_script(_SAVE_ARTICLE)

    # ---- schema and health ------------------------------------------------------

    @unavailable_on_error
    def ensure_schema(self) -> int:
        """Write the schema version on a new store; refuse a store from the future.

        Raises ``SchemaTooNew`` for a store written by a newer briefbot, and
        ``StoreUnavailable`` when Redis does not answer.
        """
        self.redis.set(keys.schema(), keys.SCHEMA_VERSION, nx=True)
        found = int(self.redis.get(keys.schema()) or keys.SCHEMA_VERSION)
        if found > keys.SCHEMA_VERSION:
            raise SchemaTooNew(found, keys.SCHEMA_VERSION)
        return found

    def ping(self) -> bool:
        try:
            return bool(self.redis.ping())
        except (redis.RedisError, OSError):
            return False

    # ---- articles ---------------------------------------------------------------

    @unavailable_on_error
    def save_article(self, team: str, article: Article, job: str = "") -> str | None:
        """Store a new article, marked unfiled by ``job`` until ``filed`` is called.
        Returns the id of an earlier copy instead, if any."""
        k = TeamKeys(team)
        when = (article.ingested_at or datetime.now(UTC)).timestamp()
        found = self._save_article(
            keys=[k.article(article.id), k.urls, k.hashes, k.articles, k.outlets, k.unfiled],
            args=[
                article.id,
                article.canonical_url or "",
                article.content_hash,
                serde.pack(article),
                when,
                article.outlet or "",
                k.article(""),
                job,
            ],
        )
        self.redis.sadd(keys.teams(), team)
        found_id = found.decode() if isinstance(found, bytes) else str(found or "")
        return found_id or None

    @unavailable_on_error
    def filed(self, team: str, article_id: str) -> None:
        """The article is in all its topics now: no longer half-done if its job dies."""
        self.redis.hdel(TeamKeys(team).unfiled, article_id)

    @unavailable_on_error
    def unfiled_by(self, team: str, job: str) -> list[str]:
        """Articles ``job`` stored and did not finish filing (a process killed between
        the two). The hash holds only articles being filed right now, so it is small."""
        found = self.redis.hgetall(TeamKeys(team).unfiled)
        return sorted(text(a) for a, by in found.items() if text(by) == job)

    @unavailable_on_error
    def replace_article(self, team: str, article: Article) -> None:
        """Rewrite a stored article's record (e.g. with one more topic); indexes unchanged."""
        k = TeamKeys(team)
        self.redis.set(k.article(article.id), serde.pack(article), xx=True)

    @unavailable_on_error
    def find_duplicate(self, team: str, canonical_url: str | None, content_hash: str) -> str | None:
        """Id of a stored article with this canonical URL or content hash."""
        k = TeamKeys(team)
        for index, value in ((k.urls, canonical_url), (k.hashes, content_hash)):
            if not value:
                continue
            found = self.redis.hget(index, value)
            if found and self.redis.exists(k.article(text(found))):
                return text(found)
        return None

    @unavailable_on_error
    def get_article(self, team: str, article_id: str) -> Article | None:
        raw = self.redis.get(TeamKeys(team).article(article_id))
        return serde.unpack(Article, blob(raw)) if raw else None

    @unavailable_on_error
    def get_articles(self, team: str, article_ids: list[str]) -> list[Article]:
        if not article_ids:
            return []
        k = TeamKeys(team)
        raws = self.redis.mget([k.article(i) for i in article_ids])
        return [serde.unpack(Article, blob(r)) for r in raws if r]

    @unavailable_on_error
    def article_count(self, team: str) -> int:
        return int(self.redis.zcard(TeamKeys(team).articles))

    @unavailable_on_error
    def index_terms(self, team: str, article_id: str, terms: Iterable[str], when: float) -> None:
        """Record the article under each term, for topics defined later."""
        k = TeamKeys(team)
        pipe = self.redis.pipeline(transaction=True)
        for term in terms:
            pipe.zadd(k.term(term), {article_id: when})
        pipe.execute()

    @unavailable_on_error
    def articles_for_terms(self, team: str, terms: list[str], limit: int) -> list[str]:
        """Most recent article ids found under any of ``terms``."""
        k = TeamKeys(team)
        pipe = self.redis.pipeline(transaction=False)
        for term in terms:
            pipe.zrevrange(k.term(term), 0, limit - 1, withscores=True)
        scored: dict[str, float] = {}
        for rows in pipe.execute():
            for member, score in rows:
                scored[member.decode()] = max(score, scored.get(member.decode(), 0.0))
        return sorted(scored, key=lambda i: scored[i], reverse=True)[:limit]

    # ---- Slack replies to links ---------------------------------------------------

    @unavailable_on_error
    def set_reply(self, team: str, article_id: str, where: ReplyLocation) -> None:
        """Remember where the reply to an article went."""
        self.redis.hset(TeamKeys(team).replies, article_id, serde.dumps(where))

    @unavailable_on_error
    def get_reply(self, team: str, article_id: str) -> ReplyLocation | None:
        raw = self.redis.hget(TeamKeys(team).replies, article_id)
        return serde.loads(ReplyLocation, raw) if raw else None

    @unavailable_on_error
    def first_time(self, team: str, marker: str, ttl_seconds: int = 3600) -> bool:
        """True the first time ``marker`` is seen for the team (Slack retries, replays)."""
        return bool(self.redis.set(TeamKeys(team).event_seen(marker), 1, nx=True, ex=ttl_seconds))

    @unavailable_on_error
    def seen(self, team: str, marker: str) -> bool:
        """Whether ``marker`` was set for the team (``first_time`` or ``mark_seen``)."""
        return bool(self.redis.exists(TeamKeys(team).event_seen(marker)))

    @unavailable_on_error
    def mark_seen(self, team: str, marker: str, ttl_seconds: int) -> None:
        """Set ``marker`` for the team, e.g. once a job's reply is posted."""
        self.redis.set(TeamKeys(team).event_seen(marker), 1, ex=ttl_seconds)

    @unavailable_on_error
    def forget(self, team: str, marker: str) -> None:
        """Remove a ``first_time`` marker: the next sight of ``marker`` is a first time again."""
        self.redis.delete(TeamKeys(team).event_seen(marker))

    # ---- topics and follows -----------------------------------------------------

    @unavailable_on_error
    def topics(self, team: str) -> list[Topic]:
        """Seed topics, overridden and extended by the team's own definitions."""
        k = TeamKeys(team)
        own = {
            text(name): serde.loads(Topic, raw)
            for name, raw in self.redis.hgetall(k.topics).items()
        }
        # a seed topic an editor removed (bot.edits) is gone unless the team redefined it
        removed = {text(m) for m in self.redis.smembers(k.removed_topics)}
        merged = [
            own.pop(t.name, t) for t in self.seed_topics if t.name in own or t.name not in removed
        ]
        return merged + sorted(own.values(), key=lambda t: t.name)

    @unavailable_on_error
    def save_topic(self, team: str, topic: Topic) -> None:
        self.redis.hset(TeamKeys(team).topics, topic.name, serde.dumps(topic))
        self.redis.sadd(keys.teams(), team)

    @unavailable_on_error
    def topics_with_counts(self, team: str) -> list[tuple[Topic, int]]:
        topics = self.topics(team)
        pipe = self.redis.pipeline(transaction=False)
        for t in topics:
            pipe.zcard(TopicKeys(team, t.name).articles)
        return list(zip(topics, [int(c) for c in pipe.execute()], strict=True))

    @unavailable_on_error
    def follow(self, team: str, user: str, topic: str) -> bool:
        return bool(self.redis.sadd(TeamKeys(team).follows(user), topic))

    @unavailable_on_error
    def unfollow(self, team: str, user: str, topic: str) -> bool:
        return bool(self.redis.srem(TeamKeys(team).follows(user), topic))

    @unavailable_on_error
    def followed(self, team: str, user: str) -> list[str]:
        return sorted(text(m) for m in self.redis.smembers(TeamKeys(team).follows(user)))

    # ---- operator view ------------------------------------------------------------

    @unavailable_on_error
    def team_ids(self) -> list[str]:
        return sorted(text(m) for m in self.redis.smembers(keys.teams()))

    def counts(self) -> dict[str, int]:
        """Teams, topics with articles, and articles, across the store."""
        teams = self.team_ids()
        topics = articles = 0
        for team in teams:
            articles += self.article_count(team)
            topics += sum(1 for _, n in self.topics_with_counts(team) if n)
        return {"teams": len(teams), "topics": topics, "articles": articles}
