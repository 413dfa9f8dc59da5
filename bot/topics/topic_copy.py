"""Whole topics' state, for editors removing or renaming a topic (``bot.edits``).

A topic's state can be far too big for one write, so these stage it in
batches of ``BATCH`` keys and hand each to a ``commit`` that applies it only
while the topic's lock is still the editor's (``TopicState.in_batches``); a
refused batch stops the work with False, and the caller starts it over.
"""

from __future__ import annotations

from bot.models import Development
from bot.store import serde
from bot.store.client import RedisClient, text
from bot.store.fence import Staged
from bot.store.keys import TopicKeys
from bot.topics.state import Commit

BATCH = 200  # keys deleted or copied per fenced write


def state_keys(redis: RedisClient, team: str, topic: str) -> list[str]:
    """Every key of the topic's state but its lock."""
    k = TopicKeys(team, topic)
    found = [text(key) for key in redis.scan_iter(match=k.pattern, count=500)]
    return [key for key in found if key != k.lock]


def delete_state(redis: RedisClient, team: str, topic: str, commit: Commit) -> bool:
    """Delete every key of the topic's state; False when a batch was refused."""
    found = state_keys(redis, team, topic)
    for start in range(0, len(found), BATCH):
        staged = Staged(redis)
        staged.delete(*found[start : start + BATCH])  # each its own DEL: legal on a cluster
        if not commit(staged):
            return False
    return True


def copy_state(redis: RedisClient, team: str, old: str, new: str, commit: Commit) -> bool:
    """Copy the topic's state to another slug (DUMP/RESTORE: the two live in
    different cluster slots), each development naming its new topic; ``commit``
    applies the batches under the new slug's lock. False when one was refused."""
    old_base, new_base = TopicKeys(team, old).base, TopicKeys(team, new).base
    records = f"{old_base}:dev:"
    found = state_keys(redis, team, old)
    for start in range(0, len(found), BATCH):
        staged = Staged(redis)
        for key in found[start : start + BATCH]:
            target = new_base + key[len(old_base) :]
            if key.startswith(records):
                raw = redis.get(key)
                if raw:
                    dev = serde.loads(Development, raw)
                    dev.topic = new
                    staged.set(target, serde.dumps(dev))
                continue
            dumped = redis.dump(key)
            if dumped is not None:
                staged.restore(target, dumped)
        if not commit(staged):
            return False
    return True
