"""Per-channel pacing shared by every replica: about one post per second per channel.

Slack allows roughly one message per second per channel. Each post reserves
the channel's next free moment in Redis (``SchedKeys.pace``) and sleeps until
it, so two replicas sending digests to one channel take turns instead of
drawing 429s. A 429 that still happens is retried by the Web client after
``Retry-After`` (``bot.slack.client``).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.store.client import RedisClient, unavailable_on_error
from bot.store.keys import SchedKeys

CHANNEL_INTERVAL = 1.1  # seconds between two posts to one channel

# ARGV: now (ms), interval (ms). Returns the reserved moment (ms).
_RESERVE = """
local now = tonumber(ARGV[1])
local at = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
redis.call('SET', KEYS[1], at + tonumber(ARGV[2]), 'PX', at - now + tonumber(ARGV[2]) + 1000)
return at
"""


class ChannelPacer:
    """Waits, before each post, until the channel's turn comes."""

    def __init__(
        self,
        client: RedisClient,
        interval: float = CHANNEL_INTERVAL,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = interval
        self.clock = clock
        self.sleep = sleep
        self._reserve = client.register_script(_RESERVE)

    @unavailable_on_error
    def reserve(self, channel: str) -> float:
        """Book the channel's next free moment; returns the seconds to wait for it."""
        now_ms = int(self.clock() * 1000)
        at = int(
            self._reserve(keys=[SchedKeys.pace(channel)], args=[now_ms, int(self.interval * 1000)])
        )
        return max(at - now_ms, 0) / 1000

    def wait(self, channel: str) -> float:
        """Wait for the channel's turn; returns how long that took."""
        delay = self.reserve(channel)
        if delay > 0:
            self.sleep(delay)
        return delay
