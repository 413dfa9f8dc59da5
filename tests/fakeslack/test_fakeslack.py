"""Light tests of the fake Slack itself, driven by the real slack-sdk and slack-bolt."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.request import Request, urlopen

import pytest
from slack_bolt import Ack, App, Say
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from tests.fakeslack import (
    FakeSlack,
    FakeSocketMode,
    block_action,
    command_body,
    message_action,
    message_event,
    signed_headers,
    slash_command,
    view_block_action,
    view_submission,
)

TOKEN = "xoxb-test"
BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]


@pytest.fixture
def client(fake_slack: FakeSlack) -> WebClient:
    return WebClient(token=TOKEN, base_url=fake_slack.base_url)


# ---- Web API ------------------------------------------------------------------


def test_auth_test_names_the_configured_team(client: WebClient, fake_slack: FakeSlack) -> None:
    fake_slack.add_team("xoxb-other", team_id="T2")
    assert client.auth_test()["team_id"] == "T1"
    assert client.auth_test(token="xoxb-other")["team_id"] == "T2"
    assert [c.token for c in fake_slack.calls("auth.test")] == [TOKEN, "xoxb-other"]


def test_post_message_is_recorded_with_decoded_blocks(
    client: WebClient, fake_slack: FakeSlack
) -> None:
    first = client.chat_postMessage(channel="C1", text="fallback", blocks=BLOCKS)
    second = client.chat_postMessage(channel="C1", text="reply", thread_ts=first["ts"])
    assert first["ts"] != second["ts"]
    call = fake_slack.calls("chat.postMessage")[0]
    assert call.params["blocks"] == BLOCKS
    assert call.token == TOKEN
    assert [m["text"] for m in fake_slack.thread_replies("C1", first["ts"])] == ["reply"]


def test_form_encoded_blocks_are_decoded_too(client: WebClient, fake_slack: FakeSlack) -> None:
    client.api_call("chat.postMessage", data={"channel": "C1", "blocks": json.dumps(BLOCKS)})
    assert fake_slack.calls("chat.postMessage")[0].params["blocks"] == BLOCKS


def test_update_and_delete_follow_the_posted_message(
    client: WebClient, fake_slack: FakeSlack
) -> None:
    ts = client.chat_postMessage(channel="C1", text="working…")["ts"]
    client.chat_update(channel="C1", ts=ts, text="done")
    assert [m["text"] for m in fake_slack.messages("C1")] == ["done"]
    client.chat_delete(channel="C1", ts=ts)
    assert fake_slack.messages() == []
    with pytest.raises(SlackApiError, match="message_not_found"):
        client.chat_update(channel="C1", ts="1.000001", text="x")


def test_slack_like_refusals(client: WebClient) -> None:
    with pytest.raises(SlackApiError, match="no_text"):
        client.api_call("chat.postMessage", json={"channel": "C1", "text": ""})
    too_many = BLOCKS * 51
    with pytest.raises(SlackApiError, match="invalid_blocks"):
        client.chat_postMessage(channel="C1", text="x", blocks=too_many)
    with pytest.raises(SlackApiError, match="unknown_method"):
        client.api_call("chat.doesNotExist")
    with pytest.raises(SlackApiError, match="not_authed"):
        WebClient(base_url=client.base_url).chat_postMessage(channel="C1", text="x")


def test_permalink_user_tz_and_channel_creator(client: WebClient, fake_slack: FakeSlack) -> None:
    fake_slack.set_user("U9", tz="America/New_York")
    fake_slack.set_channel("C7", creator="U9")
    link = client.chat_getPermalink(channel="C7", message_ts="1769000000.000042")
    assert link["permalink"] == "https://fake.slack/archives/C7/p1769000000000042"
    assert client.users_info(user="U9")["user"]["tz"] == "America/New_York"
    assert client.users_info(user="U2")["user"]["tz"] == "UTC"
    assert client.conversations_info(channel="C7")["channel"]["creator"] == "U9"


def test_files_upload_v2_round_trip(client: WebClient, fake_slack: FakeSlack) -> None:
    result = client.files_upload_v2(channel="C1", content=b"\x89PNG fake", filename="chart.png")
    file_id = result["file"]["id"]
    assert fake_slack.uploads[file_id] == b"\x89PNG fake"
    complete = fake_slack.calls("files.completeUploadExternal")[0]
    assert complete.params["channel_id"] == "C1"


def test_rate_limited_call_is_retried_after_retry_after(fake_slack: FakeSlack) -> None:
    retrying = WebClient(
        token=TOKEN,
        base_url=fake_slack.base_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=1)
    assert retrying.chat_postMessage(channel="C1", text="hello")["ok"]
    attempts = fake_slack.calls("chat.postMessage", include_failed=True)
    assert [(a.status, a.fault) for a in attempts] == [(429, "http 429"), (200, None)]
    assert len(fake_slack.calls("chat.postMessage")) == 1


def test_without_retry_handler_a_429_surfaces(client: WebClient, fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as caught:
        client.chat_postMessage(channel="C1", text="hello")
    assert caught.value.response.status_code == 429
    assert caught.value.response.headers["Retry-After"] == "7"
    assert fake_slack.messages() == []


def test_server_errors_and_dropped_connections_are_retried(fake_slack: FakeSlack) -> None:
    quick = FixedValueRetryIntervalCalculator(fixed_internal=0.05)
    handlers = [
        ServerErrorRetryHandler(max_retry_count=2, interval_calculator=quick),
        ConnectionErrorRetryHandler(max_retry_count=1, interval_calculator=quick),
    ]
    retrying = WebClient(token=TOKEN, base_url=fake_slack.base_url, retry_handlers=handlers)
    fake_slack.fail_next("chat.update", status=503, retry_after=None, times=2)
    fake_slack.drop_next("chat.postMessage")
    ts = retrying.chat_postMessage(channel="C1", text="a")["ts"]
    assert retrying.chat_update(channel="C1", ts=ts, text="b")["ok"]
    faults = [c.fault for c in fake_slack.calls(include_failed=True)]
    assert faults == ["dropped", None, "http 503", "http 503", None]


def test_slack_error_injection(client: WebClient, fake_slack: FakeSlack) -> None:
    fake_slack.fail_next("chat.postMessage", status=200, error="channel_not_found")
    with pytest.raises(SlackApiError, match="channel_not_found"):
        client.chat_postMessage(channel="C1", text="x")
    assert client.chat_postMessage(channel="C1", text="x")["ok"]


def test_response_url_accepts_five_posts(fake_slack: FakeSlack) -> None:
    hook = WebhookClient(fake_slack.response_url("r1"))
    statuses = [hook.send(text=f"answer {i}").status_code for i in range(6)]
    assert statuses == [200] * 5 + [404]
    assert [p.body["text"] for p in fake_slack.wait_for_response("r1", 5)][-1] == "answer 4"
    assert len(fake_slack.responses("r1", include_rejected=True)) == 6


def test_signed_headers_pass_slack_sdk_verification() -> None:
    body = command_body(slash_command("syria"))
    headers = signed_headers("s3cret", body)
    verifier = SignatureVerifier("s3cret")
    assert verifier.is_valid(
        body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]
    )
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    stale = signed_headers("s3cret", body, timestamp=1_000_000)
    assert not verifier.is_valid(
        body, stale["X-Slack-Request-Timestamp"], stale["X-Slack-Signature"]
    )


def test_unknown_path_is_404(fake_slack: FakeSlack) -> None:
    with pytest.raises(Exception, match="404"):
        urlopen(Request(f"{fake_slack.url}/nowhere", data=b"x"), timeout=5)


# ---- modals -------------------------------------------------------------------

MODAL = {
    "type": "modal",
    "callback_id": "form",
    "title": {"type": "plain_text", "text": "Rename"},
    "submit": {"type": "plain_text", "text": "Save"},
    "private_metadata": "d-1",
    "blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": "Pick one"}},
        {
            "type": "input",
            "block_id": "name",
            "label": {"type": "plain_text", "text": "Name"},
            "element": {"type": "plain_text_input", "action_id": "name", "initial_value": "Old"},
        },
    ],
}


def test_views_open_refuses_what_slack_refuses_and_a_trigger_used_twice(
    client: WebClient, fake_slack: FakeSlack
) -> None:
    opened = client.views_open(trigger_id="trigger.1", view=MODAL)["view"]
    assert opened["id"].startswith("V") and opened["private_metadata"] == "d-1"
    assert all(b["block_id"] for b in opened["blocks"]), "Slack gives every block an id"
    with pytest.raises(SlackApiError, match="exchanged_trigger_id"):
        client.views_open(trigger_id="trigger.1", view=MODAL)
    long_title = {**MODAL, "title": {"type": "plain_text", "text": "x" * 25}}
    no_submit = {k: v for k, v in MODAL.items() if k != "submit"}
    for n, bad in enumerate([long_title, no_submit, {**MODAL, "blocks": []}]):
        with pytest.raises(SlackApiError, match="invalid_arguments") as refused:
            client.views_open(trigger_id=f"trigger.bad{n}", view=bad)
        assert "json-pointer:/view" in str(refused.value.response["response_metadata"])


def test_views_update_needs_a_known_view_and_its_current_hash(
    client: WebClient, fake_slack: FakeSlack
) -> None:
    opened = client.views_open(trigger_id="trigger.2", view=MODAL)["view"]
    done = {**MODAL, "title": {"type": "plain_text", "text": "Done"}, "blocks": MODAL["blocks"][:1]}
    updated = client.views_update(view_id=opened["id"], hash=opened["hash"], view=done)["view"]
    assert updated["id"] == opened["id"] and updated["hash"] != opened["hash"]
    assert fake_slack.view(opened["id"])["title"]["text"] == "Done"
    with pytest.raises(SlackApiError, match="hash_conflict"):
        client.views_update(view_id=opened["id"], hash=opened["hash"], view=done)
    with pytest.raises(SlackApiError, match="not_found"):
        client.views_update(view_id="V404", view=done)


def test_a_submission_carries_every_input_as_slack_sends_it(
    client: WebClient, fake_slack: FakeSlack
) -> None:
    opened = client.views_open(trigger_id="trigger.3", view=MODAL)["view"]
    view = fake_slack.view(opened["id"])
    untouched = view_submission(view)
    assert untouched["view"]["state"]["values"] == {
        "name": {"name": {"type": "plain_text_input", "value": "Old"}}
    }
    typed = view_submission(view, {"name": "New"}, user="U9")
    assert typed["view"]["state"]["values"]["name"]["name"]["value"] == "New"
    assert typed["user"]["id"] == "U9" and typed["view"]["private_metadata"] == "d-1"
    with pytest.raises(LookupError):
        view_submission(view, {"nothing": "here"})


# ---- Socket Mode through slack-bolt --------------------------------------------


@pytest.fixture
def bolt_app(fake_slack: FakeSlack, fake_socket_mode: FakeSocketMode) -> Iterator[App]:
    app = App(client=WebClient(token=TOKEN, base_url=fake_slack.base_url), signing_secret="x")

    @app.command("/brief")
    def brief(ack: Ack, command: dict[str, str]) -> None:
        ack(text=f"brief for {command['text']}")

    @app.event("message")
    def message(event: dict[str, str], say: Say) -> None:
        say(text=f"seen: {event['text']}", thread_ts=event["ts"])

    @app.action("brief_follow")
    def follow(ack: Ack) -> None:
        ack()

    @app.message_shortcut("fix")
    def fix(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        meta = body["message"]["blocks"][0]["block_id"]
        client.views_open(trigger_id=body["trigger_id"], view={**MENU, "private_metadata": meta})

    @app.action("pick")
    def pick(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        chosen = body["actions"][0]["selected_option"]["value"]
        client.views_update(view_id=body["view"]["id"], view={**MODAL, "private_metadata": chosen})

    @app.view("form")
    def form(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        typed = view["state"]["values"]["name"]["name"]["value"]
        if not typed.strip():
            ack(response_action="errors", errors={"name": "Give a name."})
            return
        ack(response_action="update", view={**MODAL, "blocks": MODAL["blocks"][:1]})

    handler = SocketModeHandler(app, app_token="xapp-test")
    handler.connect()  # type: ignore[no-untyped-call]
    yield app
    # server first: the builtin client's reader then wakes at once instead of
    # sitting out its 3-second receive timeout
    fake_slack.socket_mode_url = None
    fake_socket_mode.stop()
    handler.close()  # type: ignore[no-untyped-call]


def test_bolt_acks_a_slash_command_over_socket_mode(
    bolt_app: App, fake_socket_mode: FakeSocketMode
) -> None:
    envelope = fake_socket_mode.push_command(slash_command("syria"))
    assert fake_socket_mode.wait_for_ack(envelope) == {"text": "brief for syria"}


def test_bolt_answers_an_event_and_an_action(
    bolt_app: App, fake_socket_mode: FakeSocketMode, fake_slack: FakeSlack
) -> None:
    event = message_event("hello", ts="1769000000.000100")
    assert fake_socket_mode.wait_for_ack(fake_socket_mode.push_event(event)) == {}
    post = fake_slack.wait_for("chat.postMessage")[0]
    assert post.params["thread_ts"] == "1769000000.000100"
    assert post.params["text"] == "seen: hello"
    action = fake_socket_mode.push_interactive(block_action("brief_follow", "syria"))
    assert fake_socket_mode.wait_for_ack(action) == {}


MENU = {
    "type": "modal",
    "callback_id": "menu",
    "title": {"type": "plain_text", "text": "Menu"},
    "blocks": [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "What?"},
            "accessory": {
                "type": "overflow",
                "action_id": "pick",
                "options": [
                    {"text": {"type": "plain_text", "text": "Rename"}, "value": "rename|x"},
                    {"text": {"type": "plain_text", "text": "Drop"}, "value": "drop|x"},
                ],
            },
        }
    ],
}


def test_bolt_routes_a_shortcut_a_click_in_a_modal_and_its_submission(
    bolt_app: App, fake_socket_mode: FakeSocketMode, fake_slack: FakeSlack
) -> None:
    posted = WebClient(token=TOKEN, base_url=fake_slack.base_url).chat_postMessage(
        channel="C1", text="reply", blocks=[{**BLOCKS[0], "block_id": "article:a1"}]
    )
    message = fake_slack.messages("C1")[0]
    assert message["ts"] == posted["ts"]
    shortcut = message_action("fix", message)
    assert shortcut["message"]["blocks"][0]["block_id"] == "article:a1"
    assert fake_socket_mode.wait_for_ack(fake_socket_mode.push_interactive(shortcut)) == {}
    menu = fake_slack.wait_for_view()
    assert menu["private_metadata"] == "article:a1"
    with pytest.raises(LookupError):  # Slack only sends the options it showed
        view_block_action(menu, "pick", "forged|x")
    click = view_block_action(menu, "pick", "rename|x")
    assert click["container"] == {"type": "view", "view_id": menu["id"]}
    fake_socket_mode.wait_for_ack(fake_socket_mode.push_interactive(click))
    form = fake_slack.wait_for_view(count=2)
    assert form["id"] == menu["id"] and form["private_metadata"] == "rename|x"
    empty = fake_socket_mode.push_interactive(view_submission(form, {"name": "  "}))
    assert fake_socket_mode.wait_for_ack(empty) == {
        "response_action": "errors",
        "errors": {"name": "Give a name."},
    }
    done = fake_socket_mode.push_interactive(view_submission(form, {"name": "New"}))
    assert fake_socket_mode.wait_for_ack(done)["response_action"] == "update"


def test_disconnect_makes_the_client_reconnect(
    bolt_app: App, fake_socket_mode: FakeSocketMode, fake_slack: FakeSlack
) -> None:
    fake_socket_mode.wait_connected()
    fake_socket_mode.disconnect()
    assert fake_socket_mode.connections_opened == 2
    assert fake_socket_mode.open_connections == 1
    assert len(fake_slack.calls("apps.connections.open")) >= 2
    envelope = fake_socket_mode.push_command(slash_command("iran"))
    assert fake_socket_mode.wait_for_ack(envelope) == {"text": "brief for iran"}


def test_oauth_v2_access_gives_each_workspace_its_own_token_once(fake_slack: FakeSlack) -> None:
    fake_slack.expect_client("111.222", "shh")
    fake_slack.grant_install("code-a", token="xoxb-a", team_id="TA", bot_user_id="UBA")
    anonymous = WebClient(base_url=fake_slack.base_url)
    with pytest.raises(SlackApiError, match="bad_client_secret"):
        anonymous.oauth_v2_access(client_id="111.222", client_secret="wrong", code="code-a")
    answer = anonymous.oauth_v2_access(client_id="111.222", client_secret="shh", code="code-a")
    assert (answer["access_token"], answer["team"]["id"], answer["bot_user_id"]) == (
        "xoxb-a",
        "TA",
        "UBA",
    )
    with pytest.raises(SlackApiError, match="invalid_code"):
        anonymous.oauth_v2_access(client_id="111.222", client_secret="shh", code="code-a")
    # the token is now a bot of that workspace, and each call records its token
    assert WebClient(token="xoxb-a", base_url=fake_slack.base_url).auth_test()["team_id"] == "TA"
    assert fake_slack.tokens_used("auth.test") == ["xoxb-a"]


def test_enforced_limits_answer_429_with_retry_after(fake_slack: FakeSlack) -> None:
    import httpx

    fake_slack.enforce_limits()
    url = fake_slack.base_url + "chat.postMessage"
    auth = {"Authorization": "Bearer xoxb-test-token"}
    first = httpx.post(url, data={"channel": "C1", "text": "a"}, headers=auth)
    other = httpx.post(url, data={"channel": "C2", "text": "b"}, headers=auth)
    again = httpx.post(url, data={"channel": "C1", "text": "c"}, headers=auth)
    assert (first.status_code, other.status_code, again.status_code) == (200, 200, 429)
    assert again.headers["Retry-After"] == "1" and again.json()["error"] == "ratelimited"
    assert [m["text"] for m in fake_slack.messages()] == ["a", "b"]
