"""Installed workspaces on a real Redis: tokens sealed at rest, uninstall, the
once-only purge claim, reinstall within the grace period."""

from __future__ import annotations

import pytest
import redis
from cryptography.fernet import Fernet

from bot.errors import ConfigError
from bot.store import purge
from bot.store.installs import Installations, TokenCipher
from bot.store.keys import OAuthKeys, TeamKeys

TOKEN = "xoxb-secret-token-of-T1"


def record(team: str = "T1", token: str = TOKEN) -> dict[str, object]:
    return {
        "team_id": team,
        "team_name": "Newsroom",
        "bot_token": token,
        "bot_user_id": "UB1",
        "installed_at": 1_700_000_000.0,
        "user_id": "U1",
    }


@pytest.fixture
def installs(redis_client: redis.Redis) -> Installations:
    return Installations(redis_client, TokenCipher(Fernet.generate_key().decode()))


def test_tokens_are_encrypted_at_rest_and_read_back(
    installs: Installations, redis_client: redis.Redis
) -> None:
    installs.save("T1", record(), user="U1")
    for name in (TeamKeys("T1").install_bot, TeamKeys("T1").install_user("U1")):
        raw = redis_client.get(name)
        assert raw is not None and TOKEN.encode() not in raw
    assert installs.bot_token("T1") == TOKEN
    assert installs.find("T1", "U1") == record()
    assert installs.bot_token("T2") is None


def test_another_key_cannot_read_the_tokens(
    installs: Installations, redis_client: redis.Redis
) -> None:
    installs.save("T1", record())
    other = Installations(redis_client, TokenCipher(Fernet.generate_key().decode()))
    assert other.bot_token("T1") is None


def test_a_malformed_key_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="BRIEFBOT_TOKEN_KEY"):
        TokenCipher("not-a-key")


def test_uninstall_removes_tokens_at_once_and_data_after_the_grace(
    installs: Installations, redis_client: redis.Redis
) -> None:
    installs.save("T1", record(), user="U1")
    installs.save("T2", record("T2", "xoxb-t2"))
    redis_client.set(TeamKeys("T1").article("a1"), "{}")
    redis_client.sadd("bb:teams", "T1", "T2")
    when = installs.uninstall("T1", grace_seconds=100, now=1000.0)
    assert when == 1100.0
    assert installs.bot_token("T1") is None and installs.find("T1", "U1") is None
    assert installs.team_ids() == ["T2"]
    assert [(w.team, w.delete_after) for w in installs.workspaces()] == [
        ("T1", 1100.0),
        ("T2", None),
    ]
    # a second uninstall event does not push the deletion back
    installs.uninstall("T1", grace_seconds=100, now=5000.0)
    assert purge.purge_due(redis_client, installs, now=1099.0) == []
    assert redis_client.exists(TeamKeys("T1").article("a1"))
    assert purge.purge_due(redis_client, installs, now=1100.0) == ["T1"]
    assert not redis_client.exists(TeamKeys("T1").article("a1"))
    assert redis_client.smembers("bb:teams") == {b"T2"}
    assert [w.team for w in installs.workspaces()] == ["T2"]


def test_a_due_purge_is_claimed_by_one_replica_only(
    installs: Installations, redis_client: redis.Redis
) -> None:
    installs.save("T1", record())
    installs.uninstall("T1", grace_seconds=0, now=1000.0)
    first = installs.claim_due(now=2000.0)
    second = installs.claim_due(now=2000.0)
    assert (first, second) == (["T1"], [])
    # the claim lapses if its holder dies: another replica takes it over then
    redis_client.delete(OAuthKeys.purge_claim("T1"))
    assert installs.claim_due(now=2000.0) == ["T1"]


def test_installing_again_cancels_the_deletion(installs: Installations) -> None:
    installs.save("T1", record())
    installs.uninstall("T1", grace_seconds=10, now=1000.0)
    installs.save("T1", record())
    assert installs.claim_due(now=10_000.0) == []
    assert installs.team_ids() == ["T1"]


def test_oauth_states_are_consumed_once(installs: Installations) -> None:
    installs.issue_state("s1", 60)
    assert installs.consume_state("s1") is True
    assert installs.consume_state("s1") is False
    assert installs.consume_state("never-issued") is False
