"""Ingest stores each article's headline-and-lead vector, and the topic's
fingerprints carry it to re-clustering; ``BRIEFBOT_SENTENCE_MODEL=off`` stores none."""

from __future__ import annotations

from collections.abc import Callable

from bot.deps import Deps
from bot.jobs import pipeline
from bot.store import serde
from bot.store.keys import TopicKeys
from bot.text import encoder
from bot.topics.fingerprints import Fingerprint, about_text
from tests.support.seeds import SYRIA_NAMES, seed_path


def test_an_ingested_article_keeps_the_vector_of_its_headline_and_lead(
    make_deps: Callable[..., Deps],
) -> None:
    deps = make_deps()
    result = pipeline.ingest_path(deps, "T1", seed_path(SYRIA_NAMES[0]))
    assert result.status == "ingested" and result.article is not None
    stored = deps.store.get_article("T1", result.article.id)
    assert stored is not None and deps.encoder is not None
    expected = deps.encoder.encode(about_text(stored.title, stored.text))
    cos = encoder.cosine(encoder.unpack(stored.vector), expected)
    assert cos is not None and cos > 0.99
    assert stored.topics
    for topic in stored.topics:  # what re-clustering reads
        raw = deps.redis.hget(TopicKeys("T1", topic).fingerprints, stored.id)
        assert raw is not None
        assert serde.loads(Fingerprint, raw).vector == stored.vector


def test_with_the_model_off_an_article_has_no_vector(make_deps: Callable[..., Deps]) -> None:
    deps = make_deps(sentence_model="off")
    assert deps.encoder is None
    result = pipeline.ingest_path(deps, "T1", seed_path(SYRIA_NAMES[1]))
    assert result.article is not None and result.article.vector == ""
