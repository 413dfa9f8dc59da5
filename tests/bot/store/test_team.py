"""Store round trips, deduplication and team isolation, against a real Redis."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import redis

from bot.errors import SchemaTooNew, StoreUnavailable
from bot.ingest.urls import canonical_url
from bot.models import Article, Entity, Topic
from bot.store import keys
from bot.store.team import ReplyLocation, Store
from tests.support.articles import keyed_article

SEED = [Topic(name="syria", aliases=["syrian"], countries=["SY"])]


def make_article(url: str | None, text: str, outlet: str = "Levant Ledger") -> Article:
    return keyed_article(
        url,
        text,
        title="Troops leave Qamishli",
        outlet=outlet,
        published=datetime(2026, 1, 26, 8, 30, tzinfo=UTC),
        actors=[Entity(id="person:putin", name="Vladimir Putin", kind="person", mentions=2)],
        summary=["Russian forces began leaving."],
    )


@pytest.fixture
def store(redis_client: redis.Redis) -> Store:
    s = Store(redis_client, SEED)
    s.ensure_schema()
    return s


def test_round_trip_keeps_every_field(store: Store) -> None:
    article = make_article("https://levant.example/a", "Russian forces began leaving the city.")
    assert store.save_article("T1", article) is None
    loaded = store.get_article("T1", article.id)
    assert loaded == article
    assert store.article_count("T1") == 1
    assert store.team_ids() == ["T1"]


def test_duplicate_by_canonical_url(store: Store) -> None:
    first = make_article("https://www.levant.example/a?utm_source=x", "Text one about troops.")
    again = make_article("https://levant.example/a#top", "Text one about troops, updated.")
    assert store.save_article("T1", first) is None
    assert store.save_article("T1", again) == first.id
    assert store.find_duplicate("T1", canonical_url("http://levant.example/a"), "") is None
    assert store.find_duplicate("T1", again.canonical_url, "") == first.id
    assert store.article_count("T1") == 1


def test_duplicate_by_content_hash_across_urls(store: Store) -> None:
    first = make_article("https://a.example/x", "Same words, same story.")
    copy = make_article("https://b.example/y", "same words same story")
    assert store.save_article("T1", first) is None
    assert store.save_article("T1", copy) == first.id


def test_dangling_index_entry_does_not_block_a_new_copy(
    store: Store, redis_client: redis.Redis
) -> None:
    article = make_article("https://a.example/x", "Some text here.")
    store.save_article("T1", article)
    redis_client.delete(keys.TeamKeys("T1").article(article.id))  # as if lost mid-write
    assert store.save_article("T1", article) is None
    assert store.get_article("T1", article.id) == article


def test_teams_never_see_each_other(store: Store) -> None:
    article = make_article("https://a.example/x", "Team A's article text.")
    store.save_article("TA", article)
    store.save_topic("TA", Topic(name="local-council", aliases=["council"], defined_by="user"))
    store.follow("TA", "U1", "syria")
    assert store.get_article("TB", article.id) is None
    assert store.find_duplicate("TB", article.canonical_url, article.content_hash) is None
    assert store.save_article("TB", article) is None  # B stores its own copy
    assert [t.name for t in store.topics("TB")] == ["syria"]
    assert store.followed("TB", "U1") == []


def test_team_topics_extend_and_override_seeds(store: Store) -> None:
    store.save_topic("T1", Topic(name="syria", aliases=["assad"], defined_by="user"))
    store.save_topic("T1", Topic(name="chess", defined_by="user"))
    topics = {t.name: t for t in store.topics("T1")}
    assert topics["syria"].aliases == ["assad"] and topics["syria"].defined_by == "user"
    assert "chess" in topics


def test_term_index_returns_most_recent_first(store: Store) -> None:
    store.index_terms("T1", "old", ["ukraine"], 100.0)
    store.index_terms("T1", "new", ["ukraine", "country:UA"], 200.0)
    assert store.articles_for_terms("T1", ["ukraine", "country:UA"], 10) == ["new", "old"]
    assert store.articles_for_terms("T2", ["ukraine"], 10) == []


def test_first_time_markers_expire_per_team(store: Store, redis_client: redis.Redis) -> None:
    assert store.first_time("T1", "Ev1", ttl_seconds=60)
    assert not store.first_time("T1", "Ev1", ttl_seconds=60)
    assert store.first_time("T2", "Ev1", ttl_seconds=60)
    assert 0 < redis_client.ttl(keys.TeamKeys("T1").event_seen("Ev1")) <= 60


def test_reply_locations_round_trip_and_older_records_load(
    store: Store, redis_client: redis.Redis
) -> None:
    store.set_reply("T1", "a1", ReplyLocation(channel="C1", ts="1769414400.000100"))
    assert store.get_reply("T1", "a1") == ReplyLocation(channel="C1", ts="1769414400.000100")
    raw = redis_client.hget(keys.TeamKeys("T1").replies, "a1")
    assert raw == b'{"channel":"C1","ts":"1769414400.000100"}'
    # as the code before serde wrote it (json.dumps, spaced)
    redis_client.hset(keys.TeamKeys("T1").replies, "a2", '{"channel": "C2", "ts": ""}')
    assert store.get_reply("T1", "a2") == ReplyLocation(channel="C2", ts="")
    assert store.get_reply("T1", "a3") is None


def test_schema_from_the_future_is_refused_not_unavailable(
    store: Store, redis_client: redis.Redis
) -> None:
    redis_client.set(keys.schema(), keys.SCHEMA_VERSION + 1)
    with pytest.raises(SchemaTooNew, match="newer") as caught:
        store.ensure_schema()
    # waiting would not help: callers that retry StoreUnavailable must not retry this
    assert not isinstance(caught.value, StoreUnavailable)
    assert caught.value.found == keys.SCHEMA_VERSION + 1


def test_unreachable_redis_is_store_unavailable() -> None:
    client = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    with pytest.raises(StoreUnavailable):
        Store(client, SEED).article_count("T1")


def test_keys_share_a_cluster_slot_per_topic_and_team() -> None:
    from redis.crc import key_slot

    t = keys.TopicKeys("T1", "syria")
    topic_keys = [t.meta, t.articles, t.developments, t.development("d1"), t.timeline, t.lock]
    assert len({key_slot(k.encode()) for k in topic_keys}) == 1
    team = keys.TeamKeys("T1")
    team_keys = [team.article("a"), team.urls, team.hashes, team.articles, team.outlets]
    assert len({key_slot(k.encode()) for k in team_keys}) == 1


@pytest.mark.parametrize("bad", ["", "T 1", "T{1}", "x" * 40])
def test_bad_team_ids_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        keys.TeamKeys(bad)


def test_seen_markers_are_per_team_and_expire(store: Store, redis_client: redis.Redis) -> None:
    assert not store.seen("T1", "replied:C1:1.0:https://x.example/a")
    store.mark_seen("T1", "replied:C1:1.0:https://x.example/a", ttl_seconds=120)
    assert store.seen("T1", "replied:C1:1.0:https://x.example/a")
    assert not store.seen("T2", "replied:C1:1.0:https://x.example/a")
    key = keys.TeamKeys("T1").event_seen("replied:C1:1.0:https://x.example/a")
    assert 0 < redis_client.ttl(key) <= 120
    store.forget("T1", "replied:C1:1.0:https://x.example/a")
    assert not store.seen("T1", "replied:C1:1.0:https://x.example/a")
