"""Each digest slot goes out once across replicas: one claim per slot in Redis.

A slot (a subscription's scheduled time, ``Subscription.slot_id``) is guarded by
one key (``SchedKeys.sent``) whose value says where it stands:
``claim|<token>|<deadline>`` while one replica sends, ``sent`` once Slack
confirmed, ``missed`` when it was past the grace period. Only the holder of the
token renews or gives back its claim. A claim whose deadline passed may be
taken over, so a replica that died mid-send leaves the slot to the others.
Deadlines are compared with the caller's clock (tests drive it; replicas keep
theirs in sync with NTP). Each step is one Lua script: check and write at once.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from bot.digests.subscriptions import Subscription
from bot.store.client import RedisClient, text, unavailable_on_errors
from bot.store.keys import SchedKeys

SENT_TTL_SECONDS = 3 * 24 * 3600  # longer than any grace period; last_sent guards after

# Take the slot when it is free or its claim's deadline has passed (ARGV: value, now, ttl).
_CLAIM = """
local v = redis.call('GET', KEYS[1])
if v then
  local deadline = string.match(v, '^claim|[^|]*|(.+)$')
  if not deadline or tonumber(deadline) > tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1
"""
# Replace our own claim (ARGV: prefix "claim|<token>|", new value or "" to delete).
_IF_OURS = """
local v = redis.call('GET', KEYS[1])
if not v or string.sub(v, 1, string.len(ARGV[1])) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
end
return 1
"""
# Mark the slot sent, and record it on the subscription unless it was removed meanwhile.
_CONFIRM = """
redis.call('SET', KEYS[1], 'sent', 'EX', ARGV[3])
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
end
return 1
"""


@unavailable_on_errors
class SlotClaims:
    """The per-slot guard: claim, renew, give back, confirm, or mark missed."""

    def __init__(self, client: RedisClient) -> None:
        self.redis = client
        self._claim = client.register_script(_CLAIM)
        self._if_ours = client.register_script(_IF_OURS)
        self._confirm = client.register_script(_CONFIRM)

    def claim(
        self, sub: Subscription, due: datetime, now: datetime, claim_seconds: float
    ) -> str | None:
        """Claim the slot for sending: a token for exactly one caller, else None.

        The claim lapses at ``now + claim_seconds``; after that another caller may
        take it (the first one died, or is too slow to be trusted).
        """
        token = uuid.uuid4().hex
        deadline = now.timestamp() + claim_seconds
        value = f"claim|{token}|{deadline:.3f}"
        key = SchedKeys.sent(sub.key, sub.slot_id(due))
        taken = self._claim(keys=[key], args=[value, f"{now.timestamp():.3f}", SENT_TTL_SECONDS])
        return token if taken else None

    def renew(
        self, sub: Subscription, due: datetime, token: str, now: datetime, claim_seconds: float
    ) -> bool:
        """Extend our claim; False when it lapsed and another caller took the slot."""
        value = f"claim|{token}|{now.timestamp() + claim_seconds:.3f}"
        key = SchedKeys.sent(sub.key, sub.slot_id(due))
        return bool(self._if_ours(keys=[key], args=[f"claim|{token}|", value]))

    def release(self, sub: Subscription, due: datetime, token: str) -> None:
        """Give our claim back after a failed send, so a later tick retries the slot."""
        key = SchedKeys.sent(sub.key, sub.slot_id(due))
        self._if_ours(keys=[key], args=[f"claim|{token}|", ""])

    def confirm(self, sub: Subscription, due: datetime) -> None:
        """Slack confirmed the post: the slot is done, for every replica."""
        keys = [SchedKeys.sent(sub.key, sub.slot_id(due)), SchedKeys.subscriptions]
        self._confirm(
            keys=[*keys, SchedKeys.last_sent], args=[sub.key, due.isoformat(), SENT_TTL_SECONDS]
        )

    def mark_missed(self, sub: Subscription, due: datetime, now: datetime) -> bool:
        """Record a slot as missed (past the grace period); True for the first caller."""
        key = SchedKeys.sent(sub.key, sub.slot_id(due))
        args: list[str | int] = ["missed", f"{now.timestamp():.3f}", SENT_TTL_SECONDS]
        return bool(self._claim(keys=[key], args=args))

    def slot_state(self, sub: Subscription, due: datetime) -> str | None:
        """``sent``, ``missed``, ``claim|…`` or None: for status pages and tests."""
        raw = self.redis.get(SchedKeys.sent(sub.key, sub.slot_id(due)))
        return text(raw) if raw else None
