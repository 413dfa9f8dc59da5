"""A topic created while articles arrive files every matching article.

Creating a topic saves it and files the articles already stored; an ingest
assigns topics, stores and indexes the article, then files it. Whatever the
interleaving, an article arriving meanwhile ends in the new topic: the topic is
saved before its backfill reads the index, and an ingest reads the topics again
after indexing its article.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.deps import Deps
from bot.jobs import pipeline
from bot.topics.brief import add_topic, brief_for, follow
from tests.support.articles import story_article


def test_an_article_stored_while_a_topic_is_created_is_filed_into_it(
    deps: Deps, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, during = story_article("quake", 1), story_article("quake", 2)
    pipeline.store_article(deps, "T1", first, "first")
    real_save = deps.store.save_topic

    def save_while_one_arrives(team: str, topic: Any) -> None:
        # an ingest stores, indexes and files its article in the creation's window
        pipeline.store_article(deps, "T1", during, "during")
        real_save(team, topic)

    monkeypatch.setattr(deps.store, "save_topic", save_while_one_arrives)
    follow(deps, "T1", "U1", "earthquake")  # following a word makes it a topic
    brief = brief_for(deps, "T1", "earthquake")
    assert brief.known_topic and brief.topic == "earthquake"
    assert deps.topic_state.contains("T1", "earthquake", first.id)
    assert deps.topic_state.contains("T1", "earthquake", during.id)
    assert brief_for(deps, "T1", "earthquake").article_count == 2


def test_an_article_analysed_before_a_topic_existed_still_files_into_it(deps: Deps) -> None:
    # analysed (topics assigned) before the topic is defined, stored after
    late = story_article("quake", 3)
    assert "quakes" not in late.topics
    add_topic(deps, "T1", "quakes", ["earthquake"])
    pipeline.store_article(deps, "T1", late, "late")
    assert deps.topic_state.contains("T1", "quakes", late.id)
