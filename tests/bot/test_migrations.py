"""Schema upgrades: a version-1 store is upgraded on start-up or by ``briefbot migrate``,
once, however many processes start at the same moment."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import redis

from bot import migrations
from bot.cli import main
from bot.errors import SchemaTooNew
from bot.store import keys
from bot.topics.state import RECENT_FINGERPRINTS
from tests.support.deps import deps_on

FPS = "bb:{t:T1:syria}:fps"
ARTICLES = "bb:{t:T1:syria}:articles"
OVER = RECENT_FINGERPRINTS + 250


def _version_1_store(client: redis.Redis) -> None:
    """What briefbot 1 left behind: fingerprints of every article, past the cap."""
    client.set(keys.schema(), 1)
    client.zadd(ARTICLES, {f"a{i}": 1_700_000_000 + i * 60 for i in range(OVER)})
    client.hset(FPS, mapping={f"a{i}": '{"fp": 1}' for i in range(OVER)})
    client.hset("bb:{t:T1}:urls", "https://a.example/1", "a1")


def test_a_version_1_store_is_upgraded_when_briefbot_starts(
    redis_client: redis.Redis, redis_url: str, tmp_path: Path
) -> None:
    _version_1_store(redis_client)
    with deps_on(redis_url, tmp_path):
        pass
    assert int(redis_client.get(keys.schema()) or 0) == keys.SCHEMA_VERSION
    kept = {k.decode() for k in redis_client.hkeys(FPS)}
    assert kept == {f"a{i}" for i in range(OVER - RECENT_FINGERPRINTS, OVER)}  # the newest
    assert redis_client.zcard(ARTICLES) == OVER  # articles themselves untouched
    assert redis_client.hget("bb:{t:T1}:urls", "https://a.example/1") == b"a1"
    assert not redis_client.exists(keys.migrate_lock())


def test_migrate_reports_each_step_and_then_that_the_store_is_current(
    redis_client: redis.Redis,
    redis_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("REDIS_URL", redis_url)
    _version_1_store(redis_client)
    assert main(["migrate"]) == 0
    out = capsys.readouterr().out
    assert "upgraded 1 -> 2: fingerprints bounded" in out and "(250 changed)" in out
    assert main(["migrate"]) == 0
    assert f"store schema {keys.SCHEMA_VERSION}: up to date" in capsys.readouterr().out


def test_processes_starting_together_upgrade_once(
    redis_client: redis.Redis, redis_url: str
) -> None:
    _version_1_store(redis_client)
    results: list[migrations.Upgrade] = []
    clients = [redis.Redis.from_url(redis_url) for _ in range(4)]
    threads = [
        threading.Thread(target=lambda c=c: results.append(migrations.upgrade(c))) for c in clients
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(len(r.steps) for r in results) == [0, 0, 0, 1]
    assert all(r.now == keys.SCHEMA_VERSION for r in results)
    assert redis_client.hlen(FPS) == RECENT_FINGERPRINTS


def test_an_upgrade_cut_short_resumes_where_it_stopped(redis_client: redis.Redis) -> None:
    _version_1_store(redis_client)
    # a process died mid-step: its lock expired, the version on record is still 1
    redis_client.hdel(FPS, *[f"a{i}" for i in range(100)])
    upgraded = migrations.upgrade(redis_client)
    assert upgraded.found == 1 and upgraded.now == keys.SCHEMA_VERSION
    assert redis_client.hlen(FPS) == RECENT_FINGERPRINTS


def test_a_store_from_a_newer_briefbot_is_refused(redis_client: redis.Redis) -> None:
    redis_client.set(keys.schema(), keys.SCHEMA_VERSION + 1)
    with pytest.raises(SchemaTooNew):
        migrations.upgrade(redis_client)
