"""What changed in a topic since a digest scope's last digest, read from Redis.

Three questions, each answered from an index kept as articles join
(``bot.topics.state``), so the cost does not grow with the topic:

* developments new or updated since T: ``dev_changes`` (id -> ``updated_at``);
* timeline entries first seen since T: ``timeline_seen``;
* the actors and places that rose: the topic's mention counts minus the
  counts when the scope's last digest went out (``names_base``). Reading a
  digest copies the current counts to ``names_pending``; ``commit`` (after Slack
  confirmed the post) makes them the new base, together with the watermark. A
  base unused for ``BASE_TTL`` expires, and the rise is then counted from zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from bot.models import Development, RankedName, TimelineEntry
from bot.store import serde
from bot.store.client import RedisClient, text, unavailable_on_error
from bot.store.keys import TopicKeys
from bot.topics.state import ranked_names

MAX_CHANGED = 25  # developments read per topic; the renderer trims further to fit Slack
MAX_EVENTS = 12
MAX_NAMES = 5
BASE_TTL = 15 * 24 * 3600
PENDING_TTL = 24 * 3600
_KINDS = ("actors", "places")

# KEYS: watermarks, then (pending, base) per kind. ARGV: scope, ISO time, base TTL.
_COMMIT = """
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
for i = 2, #KEYS, 2 do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    redis.call('RENAME', KEYS[i], KEYS[i + 1])
    redis.call('EXPIRE', KEYS[i + 1], ARGV[3])
  end
end
return 1
"""


@dataclass
class TopicChanges:
    """One topic's changes since ``since``."""

    article_count: int
    source_count: int
    developments: list[Development] = field(default_factory=list)  # newest change first
    timeline: list[TimelineEntry] = field(default_factory=list)  # by date
    actors: list[RankedName] = field(default_factory=list)  # mentions = the rise
    places: list[RankedName] = field(default_factory=list)


class DigestState:
    def __init__(self, client: RedisClient) -> None:
        self.redis = client
        self._commit = client.register_script(_COMMIT)

    @unavailable_on_error
    def watermark(self, team: str, topic: str, scope: str) -> datetime | None:
        """When ``scope``'s last digest of ``topic`` was read (None: never)."""
        raw = self.redis.hget(TopicKeys(team, topic).watermarks, scope)
        return datetime.fromisoformat(text(raw)) if raw else None

    @unavailable_on_error
    def changes(self, team: str, topic: str, since: datetime, scope: str | None) -> TopicChanges:
        """What changed since ``since``; with a ``scope``, names rise against its base."""
        k = TopicKeys(team, topic)
        # a hair below ``since``: scores are floats; the exact test is on the datetimes
        low = f"({since.timestamp() - 0.001}"
        pipe = self.redis.pipeline(transaction=False)
        pipe.zcard(k.articles)
        pipe.zcard(k.outlets)
        pipe.zrevrangebyscore(k.dev_changes, "+inf", low, start=0, num=MAX_CHANGED)
        pipe.zrevrangebyscore(k.timeline_seen, "+inf", low, start=0, num=MAX_EVENTS)
        count, outlets, dev_ids, event_keys = pipe.execute()
        developments = [d for d in self._developments(k, dev_ids) if d.updated_at > since]
        timeline = [
            e for e in self._timeline(k, event_keys) if e.first_seen and e.first_seen > since
        ]
        return TopicChanges(
            article_count=int(count),
            source_count=int(outlets),
            developments=developments,
            timeline=sorted(timeline, key=lambda e: e.date),
            actors=self._risen(k, "actors", scope),
            places=self._risen(k, "places", scope),
        )

    @unavailable_on_error
    def commit(self, team: str, topic: str, scope: str, when: datetime) -> None:
        """After Slack confirmed: move the watermark to ``when`` and the name base along."""
        k = TopicKeys(team, topic)
        keys = [k.watermarks]
        for kind in _KINDS:
            keys += [k.names_pending(kind, scope), k.names_base(kind, scope)]
        self._commit(keys=keys, args=[scope, when.isoformat(), BASE_TTL])

    # ---- reads ------------------------------------------------------------------

    def _developments(self, k: TopicKeys, ids: list[bytes]) -> list[Development]:
        if not ids:
            return []
        raws = self.redis.mget([k.development(i.decode()) for i in ids])
        return [serde.loads(Development, r) for r in raws if r]

    def _timeline(self, k: TopicKeys, event_keys: list[bytes]) -> list[TimelineEntry]:
        if not event_keys:
            return []
        raws = self.redis.hmget(k.timeline, event_keys)
        return [serde.loads(TimelineEntry, r) for r in raws if r]

    def _risen(self, k: TopicKeys, kind: str, scope: str | None) -> list[RankedName]:
        total = k.actors if kind == "actors" else k.places
        if scope is None:  # a preview: no base to diff against, and nothing written
            rows = self.redis.zrevrangebyscore(
                total, "+inf", "(0", start=0, num=MAX_NAMES, withscores=True
            )
            return self._ranked(k, kind, cast("list[tuple[bytes, float]]", rows))
        pending, rise = k.names_pending(kind, scope), k.names_rise(kind, scope)
        pipe = self.redis.pipeline(transaction=True)
        pipe.zunionstore(pending, [total])
        pipe.expire(pending, PENDING_TTL)
        pipe.zunionstore(rise, {total: 1, k.names_base(kind, scope): -1})
        pipe.zrevrangebyscore(rise, "+inf", "(0", start=0, num=MAX_NAMES, withscores=True)
        pipe.delete(rise)
        rows = pipe.execute()[3]
        return self._ranked(k, kind, rows)

    def _ranked(self, k: TopicKeys, kind: str, rows: list[tuple[bytes, float]]) -> list[RankedName]:
        names_key = k.actor_names if kind == "actors" else k.place_names
        return ranked_names(self.redis, names_key, rows)
