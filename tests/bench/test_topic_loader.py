"""``bench.topic_loader``: the bulk loader writes the same shape of topic state as the real path."""

from __future__ import annotations

from typing import Any

from bench.synthetic import ArticleFactory
from bench.topic_loader import BulkLoader, key_shape
from bot.store.keys import TopicKeys
from bot.topics.state import TopicState


def test_bulk_loading_keeps_the_real_paths_key_families_types_and_fields(
    redis_client: Any,
) -> None:
    factory = ArticleFactory()
    state = TopicState(redis_client)
    for _ in range(40):
        article, _story = factory.next()
        assert article.ingested_at is not None
        state.add_article("T1", "syria", article, article.ingested_at)
    real = key_shape(redis_client, "T1", "syria")
    BulkLoader(redis_client, "T1", "syria").load(factory, 600)
    assert key_shape(redis_client, "T1", "syria") == real
    k = TopicKeys("T1", "syria")
    assert redis_client.zcard(k.articles) == 600
    assert redis_client.hlen(k.article_development) == 600
    assert redis_client.hlen(k.fingerprints) <= 300


def test_the_factory_is_deterministic_and_in_publication_order() -> None:
    one, two = ArticleFactory(), ArticleFactory()
    first = [one.next()[0] for _ in range(5)]
    assert first == [two.next()[0] for _ in range(5)]
    published = [a.published for a in first]
    assert published == sorted(published)  # type: ignore[type-var]
    assert {a.topics[0] for a in first} == {"syria"}
