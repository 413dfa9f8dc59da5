"""``Deps`` on the test Redis, built as one more briefbot process would build them.

The ``deps`` fixture serves ``tests/bot`` through its conftest, and the cluster
modules that re-collect those tests import it, so that there it runs on the
cluster's ``redis_url``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.deps import Deps, build_deps


@contextmanager
def deps_on(redis_url: str, folder: Path) -> Iterator[Deps]:
    """A ``Deps`` with its own Redis client on ``redis_url`` (like one more replica)
    and its data in ``folder / "data"``, closed on leaving."""
    deps = build_deps(Settings(redis_url=redis_url, data_dir=folder / "data"))
    try:
        yield deps
    finally:
        deps.close()


@pytest.fixture
def deps(redis_url: str, redis_client: Any, tmp_path: Path) -> Iterator[Deps]:
    """``Deps`` on the test Redis, which ``redis_client`` empties before and after."""
    with deps_on(redis_url, tmp_path) as made:
        yield made
