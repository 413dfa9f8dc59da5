"""Re-clustering a stored topic: the Redis side of ``bot.topics.recluster``.

``TopicState`` calls ``plan`` every ``RECLUSTER_EVERY`` joins of a topic,
under the topic's lock, and commits the write it returns through the same
fence as a join, so a re-clusterer that stalled past the lock's life has its
write discarded. The inputs are bounded: the ``recluster.MAX_ARTICLES`` newest
articles of the topic, their fingerprints, developments and records.

No article may lose its development, and a development's records are not a
full member list (a development keeps ``MAX_REFS`` references; the ``art2dev``
hash has no reverse index), so only *closed* developments are re-clustered:
every member is in the window with its fingerprint and its stored article, it
has at most ``MAX_REFS`` members (so its references list every folded copy),
and every copy filed under it is in the window and found among those
references. The others, and their members, are left as they are.

A development an editor gave a title is left alone too. A topic an editor has
split, merged or moved articles in (``corrections.CORRECTED``
in its meta) is not re-clustered at all: the editor's grouping must not be
undone by the next pass. Counts (articles, actors, places, outlets, timeline)
do not change: re-clustering only moves articles between developments.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import cast

from bot.models import Article, Development
from bot.store import serde
from bot.store.client import RedisClient, blob, text
from bot.store.edits import EditStore
from bot.store.fence import FencedWrite
from bot.store.keys import TeamKeys, TopicKeys
from bot.topics import developments as devs
from bot.topics import recluster
from bot.topics.corrections import CORRECTED
from bot.topics.entity_rules import apply_rules
from bot.topics.fingerprints import posted_at

log = logging.getLogger(__name__)

RECLUSTER_EVERY = 10  # joins of a topic between two re-clusterings
DUE = "since_recluster"  # field of the topic's meta hash: joins since the last re-clustering


def _copy_url(article: Article) -> str:
    # the url ``fold_duplicate`` records for a copy
    return article.url or article.canonical_url or ""


def _with_posted(fp: devs.Fingerprint, article: Article) -> devs.Fingerprint:
    posted = posted_at(article)
    return fp if fp.posted is not None or posted is None else replace(fp, posted=posted)


def due(redis: RedisClient, team: str, topic: str) -> bool:
    """Whether the topic has had ``RECLUSTER_EVERY`` joins since its last re-clustering
    and no editor's correction of its grouping."""
    since, corrected = redis.hmget(TopicKeys(team, topic).meta, [DUE, CORRECTED])
    return not corrected and int(since or 0) >= RECLUSTER_EVERY


def plan(redis: RedisClient, team: str, topic: str, now: datetime) -> FencedWrite:
    """The write that re-clusters the topic's closed recent developments (see above).

    Always resets the topic's ``DUE`` counter, so a topic with nothing to
    re-cluster is not read again on the next join.
    """
    k = TopicKeys(team, topic)
    w = FencedWrite()
    w.call("HSET", k.meta, DUE, 0)
    window = [
        text(i)
        for i in cast("list[bytes]", redis.zrevrange(k.articles, 0, recluster.MAX_ARTICLES - 1))
    ]
    if not window:
        return w
    homes = redis.hmget(k.article_development, window)
    where = {a: text(d) for a, d in zip(window, homes, strict=True) if d}
    raw_fps = redis.hmget(k.fingerprints, window)
    fps = {a: serde.loads(devs.Fingerprint, r) for a, r in zip(window, raw_fps, strict=True) if r}
    team_keys = TeamKeys(team)
    ids = list(where)
    raws = redis.mget([team_keys.article(a) for a in ids]) if ids else []
    rules = EditStore(redis).entity_rules(team)
    stored = {
        a: apply_rules(serde.unpack(Article, blob(r)), rules)
        for a, r in zip(ids, raws, strict=True)
        if r
    }
    dev_ids = sorted(set(where.values()))
    dev_raws = redis.mget([k.development(d) for d in dev_ids])
    loaded = {d: serde.loads(Development, r) for d, r in zip(dev_ids, dev_raws, strict=True) if r}
    # a development an editor titled is theirs: its members stay as they are
    titled = dict(zip(dev_ids, redis.hmget(k.dev_titles, dev_ids), strict=True))
    open_ = {d: dev for d, dev in loaded.items() if not titled[d]}
    closed, members, copies = _closed(open_, where, fps, stored)
    if not closed:
        return w
    previous = {d: loaded[d] for d in closed}
    # a fingerprint stored before it carried its posting time takes its article's
    member_fps = {a: _with_posted(fps[a], stored[a]) for a in members}
    # from scratch, not from the developments as one pass left them: a wrong merge
    # of two storylines keeps its members' mean fit high enough that a split
    # never takes it apart (real news, tune half: pair precision 0.53 vs 0.73)
    groups = recluster.cluster(member_fps)
    rebuilt, moved_to = recluster.rebuild(topic, groups, stored, member_fps, loaded, members, now)
    fresh = [d for d in rebuilt if d not in loaded]
    if fresh and any(redis.exists(k.development(d)) for d in fresh):
        # an id taken by a development outside the window: never overwrite it
        log.warning("topic %s: re-clustering skipped, a new development id is in use", topic)
        return w
    changed = _changes(previous, rebuilt, members, moved_to)
    if not changed:
        return w
    for dev in rebuilt.values():
        if dev.id not in changed:
            continue
        w.call("SET", k.development(dev.id), serde.dumps(dev))
        w.call("ZADD", k.developments, devs.rank_score(dev, now), dev.id)
        w.call("ZADD", k.dev_changes, dev.updated_at.timestamp(), dev.id)
    for gone in sorted(set(previous) - set(rebuilt)):
        w.call("DEL", k.development(gone))
        w.call("ZREM", k.developments, gone)
        w.call("ZREM", k.dev_changes, gone)
    homes_now = {**moved_to, **{c: moved_to[o] for c, o in copies.items()}}
    for article_id, dev_id in sorted(homes_now.items()):
        if where[article_id] != dev_id:
            w.call("HSET", k.article_development, article_id, dev_id)
    # readers (snapshots) see that the topic's state moved
    w.call("HINCRBY", k.meta, "version", 1)
    log.info(
        "topic %s: re-clustered %d developments into %d (%d changed)",
        topic,
        len(previous),
        len(rebuilt),
        len(changed),
    )
    return w


def _closed(
    loaded: dict[str, Development],
    where: dict[str, str],
    fps: dict[str, devs.Fingerprint],
    stored: dict[str, Article],
) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """Developments whose members and copies are all at hand; their members
    (article id -> development id) and copies (copy id -> original id)."""
    filed: dict[str, list[str]] = {}
    for a, d in where.items():
        filed.setdefault(d, []).append(a)
    closed: list[str] = []
    members: dict[str, str] = {}
    copies: dict[str, str] = {}
    for dev_id, dev in sorted(loaded.items()):
        ids = filed.get(dev_id, [])
        if any(a not in stored for a in ids) or dev.article_count > devs.MAX_REFS:
            continue
        mine = [a for a in ids if a in fps]
        refs = {ref.id for ref in dev.articles}
        if len(mine) != dev.article_count or set(mine) != refs:
            continue
        by_url: dict[str, str] = {}
        entries = 0
        for ref in dev.articles:
            for entry in ref.copies:
                entries += 1
                by_url.setdefault(entry.get("url", ""), ref.id)
        rest = [a for a in ids if a not in fps]
        found = {a: by_url.get(_copy_url(stored[a])) for a in rest}
        if len(rest) != entries or any(o is None for o in found.values()):
            continue
        closed.append(dev_id)
        members.update(dict.fromkeys(mine, dev_id))
        copies.update({a: cast(str, o) for a, o in found.items()})
    return closed, members, copies


def _changes(
    previous: dict[str, Development],
    rebuilt: dict[str, Development],
    members: dict[str, str],
    moved_to: dict[str, str],
) -> set[str]:
    """Ids of the rebuilt developments whose members differ from before."""
    before: dict[str, set[str]] = {}
    for a, d in members.items():
        before.setdefault(d, set()).add(a)
    after: dict[str, set[str]] = {}
    for a, d in moved_to.items():
        after.setdefault(d, set()).add(a)
    return {d for d in rebuilt if before.get(d) != after.get(d) or d not in previous}
