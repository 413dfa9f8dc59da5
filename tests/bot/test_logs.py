"""Logging set-up: the root handler follows stderr and leaves others' handlers alone."""

from __future__ import annotations

import io
import logging

import pytest

from bot.logs import setup_logging


def test_the_handler_writes_to_the_current_stderr_not_a_closed_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A caller that swaps stderr and closes the old stream (pytest's capture does,
    after an in-process CLI test) must not leave records going to a closed file."""
    first, second = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stderr", first)
    setup_logging("INFO", "text")
    logging.getLogger("briefbot.test").info("to the first stream")
    monkeypatch.setattr("sys.stderr", second)
    first.close()
    logging.getLogger("briefbot.test").info("to the second stream")
    assert "to the second stream" in second.getvalue()
    assert "Logging error" not in second.getvalue()


def test_setting_up_again_keeps_one_handler_of_ours_and_others_handlers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    theirs = logging.StreamHandler(io.StringIO())
    logging.getLogger().addHandler(theirs)
    setup_logging("INFO", "text")
    setup_logging("INFO", "json")
    assert theirs in logging.getLogger().handlers
    logging.getLogger("briefbot.test").warning("once")
    assert stream.getvalue().count("once") == 1
    assert stream.getvalue().startswith("{")  # the second set-up's format won
