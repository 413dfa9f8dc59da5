"""Topic state on a standalone Redis and on the cluster: joins, copies, the lock.

``TopicState.add_article`` takes a lock, reads, and writes one MULTI/EXEC
transaction over a dozen keys; on a cluster that is only legal because every
key of one topic carries the same hash tag. These tests run it for real.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.models import Article
from bot.store.connect import client_for
from bot.store.keys import TopicKeys
from bot.topics.state import TopicState
from tests.support.articles import harvest, troops

NOW = datetime(2026, 1, 27, 9, 0, tzinfo=UTC)


def test_articles_join_fold_and_start_developments(redis_backend: Any) -> None:
    state = TopicState(redis_backend)
    first = state.add_article("T1", "syria", troops(), NOW)
    again = state.add_article("T1", "syria", troops(), NOW)  # a replayed job
    copy = state.add_article("T1", "syria", troops("https://wire.example/x", "Wire"), NOW)
    other = state.add_article("T1", "syria", harvest(), NOW)

    assert again.id == first.id and copy.id == first.id  # the copy is folded in
    assert other.id != first.id
    snap = state.snapshot("T1", "syria")
    assert snap.article_count == 3  # the original, its copy and the harvest story
    assert snap.source_count == 3
    assert {d.id for d in snap.developments} == {first.id, other.id}
    # the folded copy counts as a source, not as more mentions of the same actors
    assert {(a.name, a.mentions) for a in snap.actors} >= {("Russian forces", 2), ("Kremlin", 1)}
    assert [p.country for p in snap.locations if p.name == "Qamishli"] == ["SY"]
    assert [e.date for e in snap.timeline] == [date(2026, 1, 26)] * 2
    assert snap.updated_at == NOW
    assert state.contains("T1", "syria", troops().id)
    assert state.volume("T1", "syria") == {"2026-01-27": 3}


def test_topics_and_teams_keep_their_own_state(redis_backend: Any) -> None:
    state = TopicState(redis_backend)
    state.add_article("T1", "syria", troops(), NOW)
    state.set_watermark("T1", "syria", "user:U1", NOW)
    assert state.snapshot("T2", "syria").article_count == 0
    assert state.snapshot("T1", "ukraine").article_count == 0
    assert state.snapshot("T1", "syria").watermarks == {"user:U1": NOW}
    assert redis_backend.exists(TopicKeys("T1", "syria").lock) == 0  # released


def test_two_clients_joining_at_once_both_land(redis_backend: Any, backend_url: str) -> None:
    """Two workers (own clients, own threads) join different articles to one topic."""
    clients = [client_for(backend_url) for _ in range(2)]
    articles = [troops(), harvest()]
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def join(client: Any, article: Article) -> None:
        try:
            start.wait(timeout=10)
            TopicState(client).add_article("T1", "syria", article, NOW)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [
        threading.Thread(target=join, args=pair) for pair in zip(clients, articles, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for client in clients:
        client.close()
    assert errors == []
    snap = TopicState(redis_backend).snapshot("T1", "syria")
    assert snap.article_count == 2 and len(snap.developments) == 2


@pytest.mark.parametrize("redis_backend", ["cluster"], indirect=True)
def test_every_key_written_is_in_a_hash_tag(redis_backend: Any) -> None:
    """Nothing escapes the slot layout: apart from two global keys, every key has a tag."""
    TopicState(redis_backend).add_article("T1", "syria", troops(), NOW)
    names = {k.decode() for k in redis_backend.keys(target_nodes=redis_backend.ALL_NODES)}
    assert names, "nothing was written"
    untagged = {n for n in names if "{" not in n}
    assert untagged <= {"bb:schema", "bb:teams"}
    base = TopicKeys("T1", "syria").base
    slots = {redis_backend.keyslot(n) for n in names if n.startswith(base)}
    assert len(slots) == 1
