"""Editors' entity corrections in one topic's actor and place counts (``bot.edits``).

The counts are corrected in place (a reject removes the entity, a merge adds
its mentions to the target's, a rename changes the stored name), and what was
there is returned so that undoing puts it back. The developments that name the
entity are found here and rebuilt by ``bot.topics.corrections``. Reads and
staged writes go through ``bot.store.fence.Staged``, inside ``TopicState.edit``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from bot.models import Development
from bot.store import serde
from bot.store.client import RedisClient, text
from bot.store.edits import EntityRule
from bot.store.fence import Staged
from bot.store.keys import TopicKeys
from bot.topics.entity_rules import matches, rule_key
from bot.topics.state import PlaceMeta


def names_matching(
    s: Staged, team: str, topic: str, rule: EntityRule
) -> dict[str, dict[str, tuple[float, str]]]:
    """Actor and place ids of the topic whose name the rule corrects:
    ``{"actors": {id: (mentions, meta JSON)}, "places": {...}}``."""
    k = TopicKeys(team, topic)
    out: dict[str, dict[str, tuple[float, str]]] = {}
    for kind, zkey, hkey in (
        ("actors", k.actors, k.actor_names),
        ("places", k.places, k.place_names),
    ):
        found: dict[str, tuple[float, str]] = {}
        for ident, meta in s.hgetall(hkey).items():
            name = serde.loads(PlaceMeta, meta).name
            if matches(rule, name):
                score = s.redis.zscore(zkey, ident)
                if score is not None:
                    found[text(ident)] = (float(score), text(meta))
        out[kind] = found
    return out


def find_name(redis: RedisClient, team: str, topic: str, name: str) -> tuple[str, str] | None:
    """(id, kind) of the actor or place of the topic called ``name``, if any."""
    probe = EntityRule(action="rename", key=rule_key(name), name=name)
    found = names_matching(Staged(redis), team, topic, probe)  # a read: nothing staged
    for kind in ("actors", "places"):
        for ident, (_, meta) in sorted(found[kind].items(), key=lambda kv: -kv[1][0]):
            return ident, serde.loads(PlaceMeta, meta).kind
    return None


def correct_counts(
    s: Staged,
    team: str,
    topic: str,
    rule: EntityRule,
    found: dict[str, dict[str, tuple[float, str]]],
    *,
    undo: bool = False,
) -> None:
    """Apply ``rule`` to the topic's actor and place counts (``found`` from
    ``names_matching``), or with ``undo`` put back what ``found`` recorded."""
    k = TopicKeys(team, topic)
    for kind, zkey, hkey in (
        ("actors", k.actors, k.actor_names),
        ("places", k.places, k.place_names),
    ):
        for ident, (score, meta) in found.get(kind, {}).items():
            target = rule.target_id or ident
            if rule.action == "merge" and target != ident:
                s.zincrby(zkey, -score if undo else score, target)
                s.zremrangebyscore(zkey, "-inf", 0)
                if not undo and not s.hexists(hkey, target):
                    s.hset(hkey, target, _renamed_meta(meta, rule))
            if undo:
                if rule.action != "rename":
                    s.zadd(zkey, {ident: score})
                s.hset(hkey, ident, meta)
            elif rule.action == "reject" or (rule.action == "merge" and target != ident):
                s.zrem(zkey, ident)
            else:
                s.hset(hkey, ident, _renamed_meta(meta, rule))


def _renamed_meta(meta: str, rule: EntityRule) -> str:
    info = serde.loads(PlaceMeta, meta)
    info.name = rule.target
    if rule.target_kind:
        info.kind = rule.target_kind
    return serde.dumps(info)


def developments_naming(
    s: Staged, team: str, topic: str, rule: EntityRule, ids: Iterable[str]
) -> list[str]:
    """Developments of the topic that name the corrected entity (by id or by name)."""
    redis = s.redis  # development records and the ranking: read before anything is staged
    k = TopicKeys(team, topic)
    wanted = set(ids)
    dev_ids = [text(d) for d in cast("list[bytes]", redis.zrange(k.developments, 0, -1))]
    out = []
    for start in range(0, len(dev_ids), 200):
        chunk = dev_ids[start : start + 200]
        for dev_id, raw in zip(chunk, redis.mget([k.development(d) for d in chunk]), strict=True):
            if not raw:
                continue
            dev = serde.loads(Development, raw)
            names = [*dev.actors, *dev.locations, *(n for n, _ in dev.features.names.values())]
            if wanted & set(dev.features.names) or any(matches(rule, n) for n in names):
                out.append(dev_id)
    return out
