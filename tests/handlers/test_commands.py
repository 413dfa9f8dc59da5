"""``/brief`` answers (``handlers.commands.answer``) when the store or a topic is not free."""

from __future__ import annotations

import pytest
import redis

from bot import render
from bot.deps import Deps
from bot.store.keys import TopicKeys
from bot.topics import state as topic_state
from handlers.commands import BUSY, UNAVAILABLE, answer
from tests.fakeslack import slash_command
from tests.support.articles import story_article


def test_a_busy_topic_says_try_again_not_store_down(
    deps: Deps, redis_client: redis.Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    article = story_article("quake", 1)
    deps.store.save_article("T1", article)
    deps.store.index_terms("T1", article.id, ["earthquake"], 1.0)
    monkeypatch.setattr(topic_state, "LOCK_MS", 100)
    holder = redis_client.lock(TopicKeys("T1", "quakes").lock, timeout=30)
    assert holder.acquire(blocking=False)
    try:
        # defining the topic files the matching article, which needs the topic's lock
        kind, blocks = answer(deps, slash_command("topic add quakes earthquake"))
    finally:
        holder.release()
    text = render.blocks_text(blocks)
    assert kind == "topic_add"
    assert BUSY in text and UNAVAILABLE not in text
    # once the lock is free the same command goes through
    kind, blocks = answer(deps, slash_command("topic add quakes earthquake"))
    assert "Topic *quakes* is defined" in render.blocks_text(blocks)


def test_a_store_that_does_not_answer_says_unavailable(deps: Deps) -> None:
    deps.store.redis = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    kind, blocks = answer(deps, slash_command("topics"))
    assert kind == "topics"
    assert UNAVAILABLE in render.blocks_text(blocks)


def test_a_channel_files_into_a_topic_and_says_so(deps: Deps) -> None:
    def ask(text: str, channel: str = "C1") -> str:
        return render.blocks_text(answer(deps, slash_command(text, channel=channel))[1])

    assert "only into the topics they match" in ask("channel")
    assert "now filed into *desk*" in ask("channel files desk")
    assert "files every article posted here into *desk*" in ask("channel")
    assert "only into the topics they match" in ask("channel", channel="C2")
    assert deps.channel_filing.topic("T1", "C1") == "desk"
    assert "no longer files" in ask("channel clear")
    assert deps.channel_filing.topic("T1", "C1") is None
    assert "run this in a channel" in ask("channel files desk", channel="not-a-channel")
