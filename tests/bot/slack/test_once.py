"""Once-only Slack events against a real Redis: retries dropped, failures retried.

Slack resends an unacknowledged event about at once, a minute later and five
minutes later (same ``event_id``). The marks' lifetimes are checked against
those retries, read from Redis itself.
"""

from __future__ import annotations

from typing import Any

import pytest
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from bot.slack.once import confirm_event, first_sight, forget_event, team_of
from bot.store.keys import TeamKeys
from bot.store.team import Store
from tests.support.redis_proc import free_port

SLACK_FIRST_DELAYED_RETRY = 60
SLACK_LAST_RETRY = 5 * 60


@pytest.fixture
def store(redis_client: redis.Redis) -> Store:
    return Store(redis_client, [])


def event(kind: str = "message", event_id: str = "Ev1", team: str = "T1") -> dict[str, Any]:
    return {
        "type": "event_callback",
        "team_id": team,
        "event_id": event_id,
        "event": {"type": kind, "channel": "C1", "ts": "1.0", "text": "<https://x.test/a>"},
    }


def mark_ttl(client: redis.Redis, team: str, event_id: str) -> int:
    """Seconds the event's mark has left: -2 when there is none."""
    return int(client.ttl(TeamKeys(team).event_seen(f"event:{event_id}")))


def test_a_resent_event_is_a_repeat_and_the_first_is_not(store: Store) -> None:
    assert first_sight(store, event())
    assert not first_sight(store, event())
    assert not first_sight(store, event())  # Slack's third try too
    assert first_sight(store, event(event_id="Ev2"))  # another event


def test_the_same_event_id_in_another_workspace_is_its_own_event(store: Store) -> None:
    assert first_sight(store, event(team="T1"))
    assert first_sight(store, event(team="T2"))
    assert not first_sight(store, event(team="T2"))


@pytest.mark.parametrize(
    "body",
    [
        {"command": "/brief", "team_id": "T1", "text": "syria"},
        {"type": "block_actions", "team": {"id": "T1"}, "actions": []},
        {"type": "event_callback", "team_id": "T1", "event_id": "", "event": {"type": "message"}},
        {"type": "event_callback", "event_id": "Ev1", "event": {"type": "message"}},  # no team
    ],
)
def test_requests_without_an_event_id_and_a_team_are_always_handled(
    store: Store, redis_client: redis.Redis, body: dict[str, Any]
) -> None:
    assert first_sight(store, body)
    assert first_sight(store, body)
    confirm_event(store, body)
    forget_event(store, body)
    assert redis_client.dbsize() == 0  # nothing marked, nothing to collide with later


@pytest.mark.parametrize("kind", ["message", "link_shared"])
def test_an_event_with_links_is_claimed_only_until_slack_would_retry(
    store: Store, redis_client: redis.Redis, kind: str
) -> None:
    assert first_sight(store, event(kind))
    # a process killed before queueing leaves this claim: it must lapse before the retry
    assert 0 < mark_ttl(redis_client, "T1", "Ev1") < SLACK_FIRST_DELAYED_RETRY


def test_a_confirmed_event_stays_a_repeat_past_slacks_last_retry(
    store: Store, redis_client: redis.Redis
) -> None:
    assert first_sight(store, event())
    confirm_event(store, event())
    assert mark_ttl(redis_client, "T1", "Ev1") > SLACK_LAST_RETRY
    assert not first_sight(store, event())
    assert mark_ttl(redis_client, "T1", "Ev1") > SLACK_LAST_RETRY  # the repeat did not shorten it


def test_events_without_links_are_marked_past_slacks_last_retry_at_once(
    store: Store, redis_client: redis.Redis
) -> None:
    assert first_sight(store, event("app_home_opened"))
    assert mark_ttl(redis_client, "T1", "Ev1") > SLACK_LAST_RETRY


def test_a_confirmation_marks_only_its_own_event(store: Store, redis_client: redis.Redis) -> None:
    confirm_event(store, event(team="T2", event_id="Ev9"))
    assert mark_ttl(redis_client, "T1", "Ev9") == -2
    assert not first_sight(store, event(team="T2", event_id="Ev9"))
    assert first_sight(store, event(team="T1", event_id="Ev9"))


def test_a_forgotten_event_is_handled_when_slack_sends_it_again(store: Store) -> None:
    assert first_sight(store, event(team="T1"))
    assert first_sight(store, event(team="T2"))
    forget_event(store, event(team="T1"))
    assert first_sight(store, event(team="T1"))  # the retry after the failure
    assert not first_sight(store, event(team="T2"))  # the other workspace's mark stays


def test_forgetting_while_redis_is_down_does_not_raise() -> None:
    nobody = redis.Redis(port=free_port(), retry=Retry(NoBackoff(), 0))  # refused at once
    down = Store(nobody, [])
    forget_event(down, event())  # the error handler must not fail on top of the failure


@pytest.mark.parametrize(
    ("body", "team"),
    [
        ({"team_id": "T1"}, "T1"),
        ({"team": {"id": "T2", "domain": "x"}}, "T2"),
        ({"authorizations": [{"team_id": "T3"}, {"team_id": "T4"}]}, "T3"),
        ({"team_id": "T1", "team": {"id": "T2"}}, "T1"),
        ({"team_id": "", "authorizations": [{"team_id": "T3"}]}, "T3"),
        ({"team": None, "authorizations": []}, None),
        ({"authorizations": [{"user_id": "U1"}]}, None),
        ({}, None),
    ],
)
def test_the_team_is_read_from_every_shape_slack_sends(
    body: dict[str, Any], team: str | None
) -> None:
    assert team_of(body) == team
