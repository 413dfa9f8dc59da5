"""Pytest fixtures for the fake Slack.

Other test modules get them through one line in ``tests/conftest.py``::

    pytest_plugins = ["tests.fakeslack.fixtures"]

``fake_slack`` is a started Web API fake; ``fake_socket_mode`` is a started
Socket Mode server already wired to it (``apps.connections.open`` returns its URL).
Both are per test: they start in milliseconds and leave nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakeslack.socketmode import FakeSocketMode
from tests.fakeslack.webapi import FakeSlack


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    """A fake Slack Web API on loopback (team ``T1``, bot user ``UBOT``)."""
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def fake_socket_mode(fake_slack: FakeSlack) -> Iterator[FakeSocketMode]:
    """A fake Socket Mode server that ``fake_slack``'s ``apps.connections.open`` points to."""
    with FakeSocketMode() as server:
        fake_slack.socket_mode_url = server.url
        yield server
        fake_slack.socket_mode_url = None
