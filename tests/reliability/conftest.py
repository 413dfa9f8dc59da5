"""Fixtures for the reliability tests: the e2e stack (real app, fake Slack,
shared NLP model; the local article site comes from ``tests/support/pages.py``).

The e2e fixtures are imported, not copied, so both suites run the same app.
"""

from __future__ import annotations

from tests.e2e.conftest import (  # noqa: F401 - fixtures shared with tests/e2e
    analyzer,
    deps,
    make_deps,
    server,
    settings,
    slack_post,
)
