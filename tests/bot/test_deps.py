"""``Deps`` against a real Redis: a store from a newer briefbot is refused, once."""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from pathlib import Path

import pytest
import redis

from bot import runtime
from bot.config import Settings
from bot.deps import build_deps
from bot.errors import ConfigError, SchemaTooNew
from bot.store import keys
from tests.support.waiting import wait_until


@pytest.fixture
def settings(redis_url: str, tmp_path: Path) -> Settings:
    return replace(Settings.from_env(), redis_url=redis_url, data_dir=tmp_path / "data")


def test_a_newer_schema_is_refused_at_start_up_in_every_mode(
    settings: Settings, redis_client: redis.Redis
) -> None:
    redis_client.set(keys.schema(), keys.SCHEMA_VERSION + 1)
    for wait in (False, True):
        with pytest.raises(SchemaTooNew, match="upgrade briefbot"):
            build_deps(settings, wait_for_store=wait)


def test_a_newer_schema_found_late_is_refused_once_not_retried(
    settings: Settings, redis_client: redis.Redis, caplog: pytest.LogCaptureFixture
) -> None:
    deps = build_deps(settings)
    try:
        # the store was down at start-up and comes back written by a newer briefbot
        redis_client.set(keys.schema(), keys.SCHEMA_VERSION + 1)
        stop = threading.Event()
        runtime._stop_when_refused(deps, stop)
        with caplog.at_level(logging.INFO, logger="bot.deps"):
            deps.wait_for_store(first_delay=0.01, max_delay=0.02)
            assert stop.wait(10), "the process was not told to stop"
        assert not deps.store_ready
        assert runtime._exit_code(deps) == 2
        lines = [r.getMessage() for r in caplog.records]
        assert [line for line in lines if "refusing to run" in line] == [
            f"store: refusing to run: {deps.store_refusal}"
        ]
        assert not [line for line in lines if "still unavailable" in line]
    finally:
        deps.close()


def test_a_reachable_current_store_is_ready_and_exits_cleanly(settings: Settings) -> None:
    deps = build_deps(settings)
    try:
        deps.wait_for_store(first_delay=0.01)
        wait_until("the schema check to pass", lambda: deps.store_ready, limit=10)
        assert not deps.store_refused.is_set()
        assert deps.store_refusal is None and runtime._exit_code(deps) == 0
    finally:
        deps.close()


def test_a_sentence_model_that_cannot_be_loaded_is_a_config_error(
    settings: Settings, tmp_path: Path
) -> None:
    broken = build_deps(replace(settings, sentence_model=str(tmp_path / "no-such-model")))
    off = build_deps(replace(settings, sentence_model="off"))
    try:
        with pytest.raises(ConfigError, match="no-such-model"):
            broken.encoder  # noqa: B018 - loading is the point
        assert off.encoder is None
    finally:
        broken.close()
        off.close()
