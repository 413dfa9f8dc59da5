"""``own_database``: concurrent test sessions never share a Redis database."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.redis_db import own_database

URL = "redis://127.0.0.1:6379/12"


def test_a_second_session_gets_the_next_free_database(tmp_path: Path) -> None:
    with (
        own_database(URL, tmp_path) as first,
        own_database(URL, tmp_path) as second,
        own_database(URL, tmp_path) as third,
    ):
        assert (first, second, third) == (
            "redis://127.0.0.1:6379/12",
            "redis://127.0.0.1:6379/13",
            "redis://127.0.0.1:6379/14",
        )
    with own_database(URL, tmp_path) as first, own_database(URL, tmp_path) as again:
        assert (first, again) == (URL, "redis://127.0.0.1:6379/13")  # given back on leaving


def test_credentials_and_a_missing_database_are_kept(tmp_path: Path) -> None:
    with (
        own_database("redis://:pw@127.0.0.1:6390", tmp_path) as first,
        own_database("redis://:other@127.0.0.1:6390/0", tmp_path) as second,
    ):
        assert first == "redis://:pw@127.0.0.1:6390/0"
        assert second == "redis://:other@127.0.0.1:6390/1"  # the same server and database


def test_other_servers_do_not_share_a_lock(tmp_path: Path) -> None:
    with (
        own_database("redis://127.0.0.1:6379/15", tmp_path) as one,
        own_database("redis://127.0.0.1:6380/15", tmp_path) as two,
    ):
        assert (one, two) == ("redis://127.0.0.1:6379/15", "redis://127.0.0.1:6380/15")


def test_past_the_last_database_the_nearest_empty_one_below_is_taken(tmp_path: Path) -> None:
    keys = {"redis://127.0.0.1:6379/14": 3, "redis://127.0.0.1:6379/13": 0}
    empty = lambda url: keys.get(url, 1) == 0  # noqa: E731 - 14 holds a developer's keys
    last = "redis://127.0.0.1:6379/15"
    with own_database(last, tmp_path, empty) as one, own_database(last, tmp_path, empty) as two:
        assert (one, two) == (last, "redis://127.0.0.1:6379/13")
        with (
            pytest.raises(RuntimeError, match="every one below is held or holds keys"),
            own_database(last, tmp_path, empty),
        ):
            pass


def test_a_held_socket_is_refused(tmp_path: Path) -> None:
    url = "unix:///tmp/redis.sock?db=0"
    with own_database(url, tmp_path) as held:
        assert held == url
        with (
            pytest.raises(RuntimeError, match="held by another test session"),
            own_database(url, tmp_path),
        ):
            pass
