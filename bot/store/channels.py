"""Per-channel settings: the topic a channel files every posted article into.

``/brief channel files syria`` in #syria-desk: every article posted there is
filed into ``syria`` as well as into any topic it matches.
"""

from __future__ import annotations

import re

from bot.errors import InputError
from bot.store.client import RedisClient, text, unavailable_on_error
from bot.store.keys import TeamKeys

_CHANNEL = re.compile(r"^[CGD][A-Z0-9]{1,30}$")


def _channel(channel: str) -> str:
    if not _CHANNEL.match(channel):
        raise InputError("run this in a channel (a conversation with an id like C0123ABCD)")
    return channel


class ChannelFiling:
    """Which topic a channel files into, per team."""

    def __init__(self, client: RedisClient) -> None:
        self.redis = client

    @unavailable_on_error
    def set(self, team: str, channel: str, topic: str) -> None:
        self.redis.hset(TeamKeys(team).channel_files, _channel(channel), topic)

    @unavailable_on_error
    def clear(self, team: str, channel: str) -> bool:
        return bool(self.redis.hdel(TeamKeys(team).channel_files, _channel(channel)))

    @unavailable_on_error
    def topic(self, team: str, channel: str) -> str | None:
        """The channel's filing topic; None when it has none (or is no channel id)."""
        if not _CHANNEL.match(channel):
            return None
        raw = self.redis.hget(TeamKeys(team).channel_files, channel)
        return text(raw) if raw else None
