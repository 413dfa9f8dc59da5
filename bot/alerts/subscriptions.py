"""Alert subscriptions in Redis, and the claim that makes each alert go out once.

A subscription is a channel and a topic (``team/channel/topic``). Before posting
an alert, a checker runs ``claim``: one script that refuses an alert already
claimed for that subscription (another replica, or an earlier tick) and one
that would take the channel over ``per_hour`` alerts this hour, and otherwise
marks it claimed and counts it. A post that fails gives the claim back
(``release``) so the next tick tries again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.errors import InputError
from bot.store import serde
from bot.store.client import RedisClient, unavailable_on_error
from bot.store.keys import AlertKeys, TeamKeys

log = logging.getLogger(__name__)

MAX_PER_CHANNEL = 20
SENT_TTL_SECONDS = 30 * 24 * 3600  # longer than a development stays "new"

# KEYS: sent claim, channel's rate counter. ARGV: per-hour limit, claim TTL.
# Returns 1 claimed, 0 already claimed, -1 over the channel's rate.
_CLAIM = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local used = tonumber(redis.call('GET', KEYS[2]) or '0')
if used >= tonumber(ARGV[1]) then return -1 end
redis.call('SET', KEYS[1], '1', 'EX', ARGV[2])
redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], 7200)
return 1
"""
# KEYS: sent claim, rate counter: undo a claim whose post failed.
_RELEASE = """
if redis.call('DEL', KEYS[1]) == 1 and tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then
  redis.call('DECR', KEYS[2])
end
return 1
"""


@dataclass
class AlertSubscription:
    team: str
    channel: str
    topic: str  # slug
    created_at: str  # ISO: developments started before are not news to this channel
    created_by: str = ""

    @property
    def key(self) -> str:
        return f"{self.team}/{self.channel}/{self.topic}"


class AlertSubscriptions:
    def __init__(self, client: RedisClient) -> None:
        self.redis = client
        self._claim = client.register_script(_CLAIM)
        self._release = client.register_script(_RELEASE)

    @unavailable_on_error
    def add(self, sub: AlertSubscription) -> bool:
        """Subscribe; False when this channel already had alerts on that topic."""
        TeamKeys(sub.team)  # validates the team id
        if len(self.for_channel(sub.team, sub.channel)) >= MAX_PER_CHANNEL:
            raise InputError(f"a channel has alerts on at most {MAX_PER_CHANNEL} topics")
        return bool(self.redis.hsetnx(AlertKeys.subscriptions, sub.key, serde.dumps(sub)))

    @unavailable_on_error
    def remove(self, team: str, channel: str, topic: str) -> bool:
        return bool(self.redis.hdel(AlertKeys.subscriptions, f"{team}/{channel}/{topic}"))

    @unavailable_on_error
    def all(self) -> list[AlertSubscription]:
        out = []
        for raw in self.redis.hvals(AlertKeys.subscriptions):
            try:
                out.append(serde.loads(AlertSubscription, raw))
            except (ValueError, TypeError, KeyError) as exc:
                log.error("alert subscription unreadable, skipped: %s", exc)
        return sorted(out, key=lambda s: s.key)

    def for_channel(self, team: str, channel: str) -> list[AlertSubscription]:
        return [s for s in self.all() if s.team == team and s.channel == channel]

    @unavailable_on_error
    def claim(self, sub: AlertSubscription, what: str, now: datetime, per_hour: int) -> int:
        """1: post it; 0: already alerted; -1: the channel had its alerts this hour."""
        hour = int(now.timestamp() // 3600)
        keys = [AlertKeys.sent(sub.key, what), AlertKeys.rate(sub.team, sub.channel, hour)]
        return int(self._claim(keys=keys, args=[per_hour, SENT_TTL_SECONDS]))

    @unavailable_on_error
    def release(self, sub: AlertSubscription, what: str, now: datetime) -> None:
        hour = int(now.timestamp() // 3600)
        keys = [AlertKeys.sent(sub.key, what), AlertKeys.rate(sub.team, sub.channel, hour)]
        self._release(keys=keys, args=[])
