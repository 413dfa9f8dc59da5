"""Bad Slack input (issue 7, item 3), sent to the running app over signed HTTP.

The app runs without workers here, so a job that should not exist would stay
in the queue where the test can count it: nothing is left to timing.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.deps import Deps
from bot.runtime import BotServer
from bot.slack.once import EVENT_CLAIM_TTL
from bot.store.keys import TeamKeys
from handlers import messages
from tests.fakeslack import (
    FakeSlack,
    FakeSocketMode,
    app_home_opened_event,
    block_action,
    command_body,
    event_body,
    event_callback,
    interactive_body,
    message_event,
    signed_headers,
    slash_command,
)
from tests.support.app import SECRET, SlackPoster, command_answer, start_bot

LINK = "https://news.example.org/2026/02/story"

HOSTILE_TEXTS = [
    "<!channel>",
    "follow <!here>",
    "unfollow <!everyone>",
    "topic add <!channel> <@U0BOSS>, <#C0123|general>",
    'topic add leaks "<!subteam^S1|@desk>" <https://evil.example|click me>',
    "digest <!channel>, <@U0BOSS> at 07:00",
    "digest remove <!here>",
    "digest list <!channel>",
    "topic remove syria",
    "topics <@U0BOSS>",
    "*bold* _slanted_ ~struck~ `code` ```block```",
    "&amp; &lt;!channel&gt; <>&",
    "\u0633\u0648\u0631\u064a\u0627 \u062f\u0645\u0634\u0642",  # Arabic script
    "\U0001f1f8\U0001f1fe\U0001f525" * 20,  # flags and emoji
    "e\u0301" * 40 + "\u200b\u200d\u2060\ufeff",  # combining marks and zero-width characters
    "\u202eevil\u202c syria",  # a right-to-left override
    "\u0000\u0007 syria \u001b[31m",  # control characters
    "x" * 600,
    " " * 10,
    "\u00a0",
]


@pytest.fixture
def front(deps: Deps) -> Iterator[tuple[BotServer, SlackPoster]]:
    """The app without workers: queued jobs stay in the stream, countable."""
    bot = start_bot(deps, workers=False)
    poster = SlackPoster.to(bot)
    yield bot, poster
    poster.client.close()
    bot.stop()


def mention_free(payload: Any) -> None:
    """No Slack mention or user-made link survives in what we send back."""
    # "<!date^...>" is the date token we write ourselves, so Slack shows local time
    text = re.sub(r"<!date\^[0-9]+\^[^|>]*\|[^>]*>", "", json.dumps(payload, ensure_ascii=False))
    for token in ("<!", "<@", "<#", "<https://evil"):
        assert token not in text, (token, text[:500])


def test_hostile_command_texts_get_escaped_answers(
    front: tuple[BotServer, SlackPoster], fake_slack: FakeSlack
) -> None:
    _, poster = front
    for text in HOSTILE_TEXTS:
        # in the ack, or (a search of an unknown word) through the response_url after it
        answer = command_answer(poster, fake_slack, text)
        assert answer["response_type"] == "ephemeral"
        assert 0 < len(answer["blocks"]) <= 50
        mention_free(answer)
        dumped = json.dumps(answer)
        assert "Traceback" not in dumped and "Error" not in dumped
    # nothing an answer said was posted anywhere else
    assert fake_slack.calls("chat.postMessage") == []


def test_malformed_payloads_are_refused_and_the_app_keeps_serving(
    front: tuple[BotServer, SlackPoster],
) -> None:
    bot, poster = front
    bodies = [
        "{not json",
        "[1, 2, 3]",
        "null",
        '"a string"',
        json.dumps({"type": "event_callback", "team_id": "T1", "event_id": "EvNoEvent"}),
        json.dumps(event_callback({"type": "message"}, event_id="EvBare")),
        json.dumps(
            event_callback(
                {
                    "type": "message",
                    "text": ["<https://a.example/x>"],
                    "channel": "C1",
                    "ts": "1.2",
                    "user": "U1",
                }
            )
        ),
        json.dumps(event_callback({"type": "message", "text": {"t": 1}, "user": "U1"})),
        json.dumps(event_callback({"type": "app_home_opened"})),
        json.dumps(event_callback({"type": "link_shared", "links": "nope", "channel": "C1"})),
        "command=%2Fbrief&text=%ZZ%zz&team_id=T1",
        "command=%2Fbrief&team_id=T1",  # no user, channel or text
        "command=%2Fbrief&text=syria",  # no team at all
        "payload=not-json",
        interactive_body({"type": "block_actions", "team": {"id": "T1"}, "actions": []}),
        interactive_body(
            {
                "type": "block_actions",
                "team": {"id": "T1"},
                "user": {"id": "U1"},
                "actions": [{"action_id": "brief_follow"}],
            }
        ),
        interactive_body({"type": "view_submission", "team": {"id": "T1"}}),
    ]
    bad = []
    for body in bodies:
        response = poster.post(body)
        if response.status_code >= 500 or "Traceback" in response.text:
            bad.append((body[:40], response.status_code))
    assert not bad, bad
    raw = [b"\xff\xfe\x00garbage", b"text=caf\xe9&command=%2Fbrief&team_id=T1&user_id=U1"]
    for data in raw:
        headers = signed_headers(SECRET, data.decode("latin-1"))
        response = poster.client.post("/slack/events", content=data, headers=headers)
        assert response.status_code < 500, (data, response.status_code)
    assert bot.deps.queue.depth() == 0
    # still serving
    assert "/brief" in poster.post(command_body(slash_command("help"))).text


def raw_request(port: int, head: bytes, body: bytes, wait: float = 10.0) -> bytes:
    """Send bytes as they are (httpx will not send a lying Content-Length); the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        sock.sendall(head + body)
        answer = b""
        with contextlib.suppress(TimeoutError, ConnectionError):
            while chunk := sock.recv(65536):
                answer += chunk
    return answer


def test_oversized_bodies_are_refused_before_reading(front: tuple[BotServer, SlackPoster]) -> None:
    bot, poster = front
    big = "text=" + "a" * 1_100_000
    assert poster.post(big).status_code == 413
    # a declared 50 MB that never comes is refused, not waited for or buffered: the
    # 413 arrives while 49,999,998 bytes are still owed, so nothing waited for them
    head = (
        b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 50000000\r\nConnection: close\r\n\r\n"
    )
    answer = raw_request(bot.port, head, b"{}", wait=20)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    # a chunked body (no length to check up front) is capped too
    head = (
        b"POST /slack/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        b"Connection: close\r\n\r\n"
    )
    chunk = b"%x\r\n%s\r\n" % (100_000, b"a" * 100_000)
    answer = raw_request(bot.port, head, chunk * 20 + b"0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert "/brief" in poster.post(command_body(slash_command("help"))).text


def test_forged_stale_future_and_unsigned_events_queue_nothing(
    front: tuple[BotServer, SlackPoster],
) -> None:
    bot, poster = front
    body = event_body(message_event(f"<{LINK}>"))
    now = int(time.time())
    assert poster.post(body, secret="guessed-secret").status_code == 401
    assert poster.post(body, timestamp=now - 301).status_code == 401
    assert poster.post(body, timestamp=now + 600).status_code == 401
    unsigned = poster.client.post(
        "/slack/events", content=body.encode(), headers={"Content-Type": "application/json"}
    )
    assert unsigned.status_code == 401
    # a genuine signature moved onto another body
    genuine = signed_headers(SECRET, body)
    other = event_body(message_event(f"<{LINK}?evil=1>"))
    moved = poster.client.post("/slack/events", content=other.encode(), headers=genuine)
    assert moved.status_code == 401
    assert bot.deps.queue.depth() == 0
    assert poster.post(body).status_code == 200  # the genuine request still works
    assert bot.deps.queue.depth() == 1


def test_replayed_event_ids_are_dropped_even_with_another_body(
    front: tuple[BotServer, SlackPoster],
) -> None:
    bot, poster = front
    first = message_event(f"<{LINK}>", event_id="EvReplay1", ts="1700003000.000100")
    assert poster.post(event_body(first)).status_code == 200
    assert poster.post(event_body(first)).status_code == 200
    replay = message_event(f"<{LINK}/other>", event_id="EvReplay1", ts="1700003001.000100")
    assert poster.post(event_body(replay)).status_code == 200
    assert bot.deps.queue.depth() == 1


def test_another_teams_events_and_actions_touch_nothing(
    front: tuple[BotServer, SlackPoster], fake_slack: FakeSlack
) -> None:
    bot, poster = front
    assert poster.post(event_body(message_event(f"<{LINK}>", team="T2"))).status_code == 200
    assert poster.post(event_body(app_home_opened_event(team="T2"))).status_code == 200
    action = block_action(
        "brief_follow", "syria", team="T2", response_url=fake_slack.response_url("r2")
    )
    refused = poster.post(interactive_body(action))
    assert refused.status_code == 200
    assert bot.deps.queue.depth() == 0
    assert bot.deps.store.team_ids() == []
    assert bot.deps.store.followed("T2", "U1") == []
    assert fake_slack.calls("views.publish") == []
    assert fake_slack.state.responses("r2") == []


@pytest.fixture
def socket_front(
    make_deps: Callable[..., Deps], fake_socket_mode: FakeSocketMode
) -> Iterator[BotServer]:
    bot = start_bot(make_deps(slack_app_token="xapp-test"), workers=False)
    fake_socket_mode.wait_connected()
    yield bot
    bot.stop()


def test_malformed_events_over_socket_mode_are_acknowledged(
    socket_front: BotServer, fake_socket_mode: FakeSocketMode
) -> None:
    """Over Socket Mode an event that fails is not acknowledged and Slack sends it
    again: a malformed one must be handled (ignored), not fail forever."""
    malformed = [
        event_callback(
            {
                "type": "message",
                "text": ["<https://a.example/x>"],
                "channel": "C1",
                "ts": "1.2",
                "user": "U1",
            }
        ),
        event_callback({"type": "message", "text": 42, "channel": "C1", "ts": "1.3", "user": "U1"}),
        event_callback({"type": "link_shared", "links": "nope", "channel": "C1"}),
        event_callback({"type": "link_shared", "links": ["nope", 7], "channel": "C1"}),
    ]
    for payload in malformed:
        envelope = fake_socket_mode.push_event(payload)
        fake_socket_mode.wait_for_ack(envelope, timeout=10)
    assert socket_front.deps.queue.depth() == 0


def test_an_event_is_marked_seen_only_once_its_links_are_queued(
    front: tuple[BotServer, SlackPoster], monkeypatch: pytest.MonkeyPatch
) -> None:
    bot, poster = front
    marker = TeamKeys("T1").event_seen("event:EvClaim1")
    ttl_while_queueing: list[int] = []
    real_queue_links = messages.queue_links

    def queue_links(deps: Deps, team: str, event: dict[str, Any]) -> int:
        ttl_while_queueing.append(int(bot.deps.redis.ttl(marker)))
        return real_queue_links(deps, team, event)

    monkeypatch.setattr(messages, "queue_links", queue_links)
    body = event_body(message_event(f"<{LINK}>", event_id="EvClaim1", ts="1700003100.000100"))
    assert poster.post(body).status_code == 200
    # killed while queueing, the process would leave only a claim that lapses before
    # Slack's next retry, so that retry would be handled, not dropped as a repeat
    assert ttl_while_queueing and 0 < ttl_while_queueing[0] <= EVENT_CLAIM_TTL
    assert bot.deps.redis.ttl(marker) > EVENT_CLAIM_TTL  # queued: a retry now is a repeat
    assert bot.deps.queue.depth() == 1
    # killed after queueing but before the mark: the retry is handled, the link not queued twice
    bot.deps.redis.delete(marker)
    assert poster.post(body).status_code == 200
    assert bot.deps.queue.depth() == 1
