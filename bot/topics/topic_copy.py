"""Whole topics' state, for editors removing or renaming a topic (``bot.edits``)."""

from __future__ import annotations

from typing import cast

from bot.models import Development
from bot.store import serde
from bot.store.client import RedisClient, text
from bot.store.keys import TopicKeys


def state_keys(redis: RedisClient, team: str, topic: str) -> list[str]:
    return [text(key) for key in redis.scan_iter(match=TopicKeys(team, topic).pattern, count=500)]


def delete_state(redis: RedisClient, team: str, topic: str) -> int:
    """Delete every key of the topic's state; returns how many there were."""
    lock = TopicKeys(team, topic).lock  # held by the caller: its release deletes it
    found = [key for key in state_keys(redis, team, topic) if key != lock]
    for start in range(0, len(found), 200):
        for key in found[start : start + 200]:
            redis.delete(key)  # one by one: a cluster refuses multi-key DEL across slots
    return len(found)


def copy_state(redis: RedisClient, team: str, old: str, new: str) -> None:
    """Copy the topic's state to another slug (DUMP/RESTORE: the two live in
    different cluster slots), with each development naming its new topic."""
    old_base, new_k = TopicKeys(team, old).base, TopicKeys(team, new)
    for key in state_keys(redis, team, old):
        if key == TopicKeys(team, old).lock:
            continue
        dumped = redis.dump(key)
        if dumped is not None:
            redis.restore(new_k.base + key[len(old_base) :], 0, dumped, replace=True)
    for dev_id in [text(d) for d in cast("list[bytes]", redis.zrange(new_k.developments, 0, -1))]:
        raw = redis.get(new_k.development(dev_id))
        if raw:
            dev = serde.loads(Development, raw)
            dev.topic = new
            redis.set(new_k.development(dev_id), serde.dumps(dev))
