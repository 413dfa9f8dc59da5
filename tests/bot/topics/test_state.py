"""Topic state reads (``bot.topics.state``): what a brief's snapshot reads."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.store.keys import TopicKeys
from bot.topics.state import TopicState

WHEN = datetime(2026, 1, 20, 9, 30, tzinfo=UTC)


def test_a_scoped_snapshot_reads_only_that_watermark(redis_client: Any) -> None:
    state = TopicState(redis_client)
    others = {f"user:U{i}": "2026-01-01T00:00:00+00:00" for i in range(500)}
    redis_client.hset(TopicKeys("T1", "syria").watermarks, mapping=others)
    state.set_watermark("T1", "syria", "user:ME", WHEN)
    assert state.snapshot("T1", "syria", scope="user:ME").watermarks == {"user:ME": WHEN}
    assert state.snapshot("T1", "syria", scope="user:NEW").watermarks == {}
    assert len(state.snapshot("T1", "syria").watermarks) == 501
