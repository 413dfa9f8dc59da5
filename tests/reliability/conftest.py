"""Fixtures for the reliability tests: the e2e stack (real app, fake Slack,
local article site, shared NLP model) plus helpers to wait on and count what
Slack received.

The e2e fixtures are imported, not copied, so both suites run the same app.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from tests.e2e.conftest import (  # noqa: F401 - fixtures shared with tests/e2e
    analyzer,
    article_site,
    deps,
    make_deps,
    server,
    settings,
    slack_post,
)


def wait_until(what: str, check: Callable[[], bool], limit: float = 30.0) -> None:
    """Poll ``check`` until it holds; fail naming ``what`` after ``limit`` seconds."""
    deadline = time.monotonic() + limit
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up after {limit:.0f} s waiting for {what}")
        time.sleep(0.05)
