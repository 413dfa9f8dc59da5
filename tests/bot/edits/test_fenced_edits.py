"""Editors' corrections are fenced like joins: a correction that stalls past its
topic lock's life never writes over what a join wrote meanwhile.

The stall is made deterministic: the correction's thread stops after staging
its writes, the lock (300 ms here) lapses, a join of a new article takes the
topic and lands, and only then does the correction go on to commit. Before the
fence its rebuild of the development, made from the members it had read, was
written over the join's: the new article vanished from its development.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from bot import edits
from bot.deps import Deps
from bot.jobs.pipeline import store_article
from bot.models import Article
from bot.store.fence import Staged
from bot.store.keys import TopicKeys
from bot.topics import corrections
from bot.topics import state as topic_state
from bot.topics.brief import brief_for
from tests.support.articles import story_article

WHO = "U_EDITOR"


def ingest(deps: Deps, article: Article) -> None:
    assert store_article(deps, "T1", article, article.url or "").status == "ingested"


def test_a_correction_stalled_past_its_lock_is_redone_not_written_over_a_join(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(topic_state, "LOCK_MS", 300)
    quake = [story_article("quake", n) for n in (1, 2, 3, 4)]
    for article in quake[:3]:
        ingest(deps, article)
    staged, newer_written = threading.Event(), threading.Event()
    real_rebuild = corrections.rebuild
    runs: list[str] = []

    def rebuild(*args: Any, **kwargs: Any) -> Any:
        out = real_rebuild(*args, **kwargs)
        runs.append(threading.current_thread().name)
        if threading.current_thread().name == "stalled" and len(runs) == 1:
            staged.set()
            # stalled (a GC pause, SIGSTOP) until a join took the lapsed lock and wrote
            assert newer_written.wait(30)
        return out

    monkeypatch.setattr(corrections, "rebuild", rebuild)
    errors: list[BaseException] = []

    def forget() -> None:
        try:
            edits.forget(deps, "T1", WHO, quake[0].url or "")
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    thread = threading.Thread(target=forget, name="stalled")
    thread.start()
    assert staged.wait(30)
    ingest(deps, quake[3])  # waits out the stalled correction's lock, then lands
    newer_written.set()
    thread.join(30)
    assert not thread.is_alive() and not errors
    assert runs == ["stalled", "stalled"]  # refused once, redone from fresh state

    brief = brief_for(deps, "T1", "syria", mark_seen=False)
    members = corrections.memberships(Staged(deps.redis), "T1", "syria")
    assert sorted(members) == sorted(a.id for a in quake[1:])
    assert brief.article_count == 3
    assert sum(d.article_count for d in brief.developments) == 3
    shown = {ref.id for d in brief.developments for ref in d.articles}
    assert quake[3].id in shown and quake[0].id not in shown
    mentions = deps.redis.zscore(TopicKeys("T1", "syria").actors, "org:quake")
    assert mentions == 2 + 3 + 4  # article n mentions the council n times
    assert [c.action for c in edits.log(deps, "T1")] == ["forget"]


def test_staged_writes_are_read_back_and_land_together(deps: Deps) -> None:
    redis, k = deps.redis, TopicKeys("T1", "syria")
    h, g = f"{k.base}:h", f"{k.base}:g"  # one cluster slot with the lock, as a topic's keys
    redis.hset(h, mapping={"a": "1", "b": "2", "n": "5"})
    s = Staged(redis)
    s.hset(h, "a", "10")
    s.hdel(h, "b")
    s.hincrby(h, "n", -5)
    s.hincrby(h, "c", 2)
    assert s.hgetall(h) == {b"a": b"10", b"n": b"0", b"c": b"2"}
    assert (s.hget(h, "b"), s.hget(h, "n"), s.hexists(h, "a")) == (None, b"0", True)
    assert redis.hgetall(h) == {b"a": b"1", b"b": b"2", b"n": b"5"}  # nothing sent yet
    s.restore(g, redis.dump(h) or b"")
    s.delete(h)
    s.hset(h, "z", "1")
    assert s.hgetall(h) == {b"z": b"1"}
    with pytest.raises(RuntimeError, match="cannot be read back"):
        s.hgetall(g)
    token = deps.topic_state.fence.acquire(k.lock, 60_000, 0)
    assert token is not None
    assert deps.topic_state.fence.commit(k.lock, token, s.write)
    assert redis.hgetall(h) == {b"z": b"1"}
    assert redis.hgetall(g) == {b"a": b"1", b"b": b"2", b"n": b"5"}
