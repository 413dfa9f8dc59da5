"""Fixtures for the tests of ``bot.feeds``: ``deps`` is ``Deps`` on the test Redis."""

from __future__ import annotations

from tests.support.deps import deps  # noqa: F401 - the fixture, for every module here
