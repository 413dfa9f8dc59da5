"""Per-channel pacing in Redis, with a controlled clock and a recorded sleep."""

from __future__ import annotations

import redis

from bot.digests.pacing import ChannelPacer


class Clock:
    def __init__(self) -> None:
        self.now = 1_767_000_000.0
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_posts_to_one_channel_are_spaced(redis_client: redis.Redis) -> None:
    clock = Clock()
    pacer = ChannelPacer(redis_client, 1.1, clock=clock.time, sleep=clock.sleep)
    assert [pacer.wait("C1") for _ in range(3)] == [0.0, 1.1, 1.1]
    assert clock.slept == [1.1, 1.1]
    assert pacer.wait("C2") == 0.0  # other channels do not wait behind C1
    clock.now += 5
    assert pacer.wait("C1") == 0.0  # a quiet channel posts at once


def test_replicas_share_the_spacing(redis_client: redis.Redis, redis_url: str) -> None:
    clock = Clock()
    other = redis.Redis.from_url(redis_url)
    try:
        a = ChannelPacer(redis_client, 1.0, clock=clock.time, sleep=clock.sleep)
        b = ChannelPacer(other, 1.0, clock=clock.time, sleep=clock.sleep)
        # both book at the same moment: the second replica gets the next turn
        assert (a.reserve("C1"), b.reserve("C1"), a.reserve("C1")) == (0.0, 1.0, 2.0)
    finally:
        other.close()
