"""``briefbot admin dead list|retry|drop`` through the CLI on the test Redis."""

from __future__ import annotations

import json

import pytest
import redis

from bot.cli import main
from bot.deps import Deps
from bot.jobs import dead_letters
from tests.support.queues import make_queue
from tests.support.subscriptions import add_subscription


@pytest.fixture
def cli_env(redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REDIS_URL", redis_url)


def _kill(redis_client: redis.Redis, url: str, reason: str) -> None:
    queue = make_queue(redis_client)
    queue.enqueue("ingest_url", "T_LOCAL", {"url": url, "channel": "C1", "ts": "1.0"})
    job = queue.claim(block_ms=10)
    assert job is not None
    queue.dead_letter(job, reason)


def test_list_shows_each_dead_job_with_its_reason_and_url(
    deps: Deps, redis_client: redis.Redis, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    _kill(redis_client, "https://slow.example/story", "timed out")
    assert main(["admin", "dead", "list", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["url"], row["reason"], row["team"]) == (
        "https://slow.example/story",
        "timed out",
        "T_LOCAL",
    )
    assert main(["admin", "dead", "list"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["NAME", "TEAM", "FAILED", "(UTC)", "TRIES", "REASON", "URL"]
    assert row["name"] in table[1] and "timed out" in table[1]


def test_retry_all_requeues_and_a_second_retry_of_a_name_fails_with_its_reason(
    deps: Deps, redis_client: redis.Redis, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    _kill(redis_client, "https://a.example/1", "timed out")
    (letter,) = dead_letters.list_dead(redis_client, [None], 10)
    assert main(["admin", "dead", "retry", "--all"]) == 0
    assert capsys.readouterr().out.startswith("1 retried")
    assert make_queue(redis_client).depth() == 1
    assert main(["admin", "dead", "retry", letter.name]) == 1
    assert f"no dead letter {letter.name}" in capsys.readouterr().err


def test_drop_needs_names_or_all(
    deps: Deps, redis_client: redis.Redis, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    _kill(redis_client, "https://a.example/1", "blocked by site")
    assert main(["admin", "dead", "drop"]) == 1
    assert "name the dead letters" in capsys.readouterr().err
    (letter,) = dead_letters.list_dead(redis_client, [None], 10)
    assert main(["admin", "dead", "drop", letter.name]) == 0
    assert dead_letters.list_dead(redis_client, [None], 10) == []


def test_subscriptions_of_every_workspace_are_listed(
    deps: Deps, redis_client: redis.Redis, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    first = add_subscription(redis_client, team="T1", channel="C1")
    second = add_subscription(redis_client, team="T2", channel="C9", topics=["ukraine"], hour=19)
    assert main(["admin", "subscriptions"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["SUBSCRIPTION", "CHANNEL", "LAST", "SENT", "WHAT"]
    assert lines[1].split()[:3] == [first.key, "C1", "never"]
    assert lines[2].endswith("ukraine at 19:00 daily (UTC)") and second.key in lines[2]
    assert main(["admin", "subscriptions", "--team", "T2", "--json"]) == 0
    (only,) = json.loads(capsys.readouterr().out)
    assert (only["team"], only["channel"], only["topics"]) == ("T2", "C9", ["ukraine"])


def test_workspaces_lists_installs_and_pending_deletions_without_the_key(
    deps: Deps, redis_client: redis.Redis, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    from cryptography.fernet import Fernet

    from bot.store.installs import Installations, TokenCipher

    installs = Installations(redis_client, TokenCipher(Fernet.generate_key().decode()))
    for team, user, at in (("TA", "UBA", 1_765_000_000.0), ("TB", "UBB", 1_765_100_000.0)):
        record = {"bot_token": f"xoxb-{team}", "bot_user_id": user, "installed_at": at}
        installs.save(team, {**record, "team_name": f"News {team}"})
    installs.uninstall("TA", grace_seconds=86_400, now=1_765_200_000.0)
    assert main(["admin", "workspaces", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["team"], r["bot_user"], r["pending_deletion"]) for r in rows] == [
        ("TA", "UBA", True),
        ("TB", "UBB", False),
    ]
    assert rows[0]["installed_at"] == "2025-12-06T05:46:40+00:00"
    assert rows[0]["delete_after"] == "2025-12-09T13:20:00+00:00" and not rows[0]["has_token"]
    assert main(["admin", "workspaces"]) == 0
    table = capsys.readouterr().out
    assert "xoxb-" not in table
    lines = table.splitlines()
    assert lines[0].split()[:2] == ["TEAM", "INSTALLED"]
    assert "TA" in lines[1] and "deleted after 2025-12-09" in lines[1]
    assert "TB" in lines[2] and "News TB" in lines[2]


def test_feeds_of_every_workspace_are_listed(
    deps: Deps, cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    from datetime import UTC, datetime

    from bot.feeds.subscriptions import Feed

    now = datetime.now(UTC)
    deps.feeds.add(Feed(id="", team="T2", url="https://b.example/rss"), now)
    deps.feeds.add(Feed(id="", team="T1", url="https://a.example/atom", topic="syria"), now)
    assert main(["admin", "feeds"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["T1/1.", "T2/1."]
    assert "https://a.example/atom -> syria" in lines[0] and "never" in lines[0]
    assert main(["admin", "feeds", "--team", "T2", "--json"]) == 0
    (only,) = json.loads(capsys.readouterr().out)
    assert (only["team"], only["url"]) == ("T2", "https://b.example/rss")
