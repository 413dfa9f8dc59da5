"""Payloads as Slack sends them, and request signing for HTTP mode.

The builders return plain dicts shaped like Slack's (only the fields briefbot and
bolt read, plus the ones bolt needs to route). Send them over Socket Mode with
``FakeSocketMode.push_*``, or over HTTP with ``command_body``/``event_body``/
``interactive_body`` and ``signed_headers``.

Interactions are built from what the app showed, as a user can only click what
Slack displayed: ``message_block_action`` from a message's blocks (a menu option
or a button), ``message_action`` (a message shortcut) from a posted message,
``view_block_action`` and ``view_submission`` from a modal as the fake Web API
keeps it (``FakeSlack.view``). A choice that was not offered raises
``LookupError``; a test forging a payload edits the built dict instead.
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

from slack_sdk.signature import SignatureVerifier

APP_ID = "A1"
BOT_USER = "UBOT"
_ids = itertools.count(1)


def _next(prefix: str) -> str:
    return f"{prefix}{next(_ids):06d}"


def _ts() -> str:
    return f"{int(time.time())}.{next(_ids):06d}"


def signed_headers(
    secret: str, body: str | bytes, timestamp: int | None = None, content_type: str | None = None
) -> dict[str, str]:
    """Headers that make ``body`` a genuine Slack request for ``secret``.

    ``timestamp`` defaults to now; pass an old one to test the 5-minute window.
    The content type follows the body: JSON for ``{...}``, a form otherwise.
    """
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=stamp, body=text)
    if signature is None:  # only when the secret is empty
        raise ValueError("a signing secret is needed to sign a request")
    if content_type is None:
        is_json = text.lstrip().startswith("{")
        content_type = "application/json" if is_json else "application/x-www-form-urlencoded"
    return {
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
        "Content-Type": content_type,
    }


def command_body(payload: dict[str, Any]) -> str:
    """A slash command payload as the form body Slack posts."""
    return urlencode({k: "" if v is None else str(v) for k, v in payload.items()})


def event_body(payload: dict[str, Any]) -> str:
    """An Events API payload as the JSON body Slack posts."""
    return json.dumps(payload)


def interactive_body(payload: dict[str, Any]) -> str:
    """An interaction payload as Slack posts it: a form with one ``payload`` field."""
    return urlencode({"payload": json.dumps(payload)})


def slash_command(
    text: str,
    team: str = "T1",
    user: str = "U1",
    channel: str = "C1",
    response_url: str = "https://hooks.slack.com/commands/T1/1/fake",
    command: str = "/brief",
) -> dict[str, Any]:
    """A ``/brief`` (or other) slash command payload."""
    return {
        "token": "verification-token",
        "team_id": team,
        "team_domain": team.lower(),
        "enterprise_id": "",
        "channel_id": channel,
        "channel_name": channel.lower(),
        "user_id": user,
        "user_name": user.lower(),
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": _next("trigger."),
    }


def event_callback(
    event: dict[str, Any], team: str = "T1", event_id: str | None = None
) -> dict[str, Any]:
    """Wrap an event in the ``event_callback`` envelope of the Events API."""
    return {
        "token": "verification-token",
        "team_id": team,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or _next("Ev"),
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team,
                "user_id": BOT_USER,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
    }


def message_event(
    text: str,
    team: str = "T1",
    channel: str = "C1",
    user: str | None = "U1",
    ts: str | None = None,
    event_id: str | None = None,
    subtype: str | None = None,
    bot_id: str | None = None,
    thread_ts: str | None = None,
) -> dict[str, Any]:
    """A ``message`` event in a channel, wrapped in its ``event_callback``."""
    event: dict[str, Any] = {
        "type": "message",
        "channel": channel,
        "channel_type": "channel",
        "text": text,
        "ts": ts or _ts(),
        "team": team,
    }
    if user is not None:
        event["user"] = user
    if subtype is not None:
        event["subtype"] = subtype
    if bot_id is not None:
        event["bot_id"] = bot_id
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
    event["event_ts"] = event["ts"]
    return event_callback(event, team=team, event_id=event_id)


def link_shared_event(
    urls: list[str],
    team: str = "T1",
    channel: str = "C1",
    user: str = "U1",
    message_ts: str | None = None,
    event_id: str | None = None,
) -> dict[str, Any]:
    """A ``link_shared`` event for links on the app's unfurl domains."""
    ts = message_ts or _ts()
    event = {
        "type": "link_shared",
        "channel": channel,
        "is_bot_user_member": True,
        "user": user,
        "message_ts": ts,
        "unfurl_id": _next("unfurl."),
        "source": "conversations_history",
        "links": [{"domain": urlsplit(u).hostname or "", "url": u} for u in urls],
        "event_ts": ts,
    }
    return event_callback(event, team=team, event_id=event_id)


def app_home_opened_event(
    user: str = "U1", team: str = "T1", tab: str = "home", event_id: str | None = None
) -> dict[str, Any]:
    """An ``app_home_opened`` event (the user opened the app's Home tab)."""
    event = {
        "type": "app_home_opened",
        "user": user,
        "channel": f"D{user}",
        "tab": tab,
        "event_ts": _ts(),
    }
    return event_callback(event, team=team, event_id=event_id)


def block_action(
    action_id: str,
    value: str,
    team: str = "T1",
    user: str = "U1",
    channel: str = "C1",
    response_url: str = "https://hooks.slack.com/actions/T1/1/fake",
    message_ts: str | None = None,
    ephemeral: bool = True,
) -> dict[str, Any]:
    """A ``block_actions`` payload: a button pressed in a message (ephemeral by default)."""
    ts = message_ts or _ts()
    payload: dict[str, Any] = {
        "type": "block_actions",
        "token": "verification-token",
        "api_app_id": APP_ID,
        "team": {"id": team, "domain": team.lower()},
        "user": {"id": user, "username": user.lower(), "team_id": team},
        "container": {
            "type": "message",
            "message_ts": ts,
            "channel_id": channel,
            "is_ephemeral": ephemeral,
        },
        "channel": {"id": channel, "name": channel.lower()},
        "trigger_id": _next("trigger."),
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": _next("b"),
                "value": value,
                "action_ts": _ts(),
            }
        ],
        "is_enterprise_install": False,
    }
    if not ephemeral:
        payload["message"] = {"type": "message", "ts": ts, "user": BOT_USER, "text": ""}
    return payload


# ---- interactions with what the app showed (menus, shortcuts, modals) ------------------


def _person(team: str, user: str) -> dict[str, Any]:
    return {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team}


def find_element(
    blocks: list[dict[str, Any]], action_id: str, value: str | None = None
) -> tuple[str, dict[str, Any]]:
    """The block id and the interactive element ``action_id`` in ``blocks``; with
    ``value``, the menu among those of that action id that offers it (several
    blocks may carry the same action id: the block tells them apart).

    A block sent without a block id gets one, as Slack gives it when posting.
    Raises ``LookupError`` when no element fits: Slack sends an action only for
    what it showed.
    """
    for block in blocks:
        found = [block.get("accessory"), block.get("element"), *(block.get("elements") or [])]
        for element in found:
            if not isinstance(element, dict) or element.get("action_id") != action_id:
                continue
            offered = [o.get("value") for o in element.get("options") or []]
            if value is None or not offered or value in offered:
                return str(block.get("block_id") or _next("b")), element
    raise LookupError(f"no element {action_id!r} offering {value!r} in the blocks")


def chosen_option(element: dict[str, Any], value: str) -> dict[str, Any]:
    """The option of a menu or select whose value is ``value`` (``LookupError`` if none)."""
    for option in element.get("options") or []:
        if option.get("value") == value:
            return {"text": dict(option["text"]), "value": option["value"]}
    raise LookupError(f"no option {value!r} in {element.get('action_id')!r}")


def _action(block_id: str, element: dict[str, Any], value: str) -> dict[str, Any]:
    """One entry of ``actions``, shaped by the element's type as Slack sends it."""
    action: dict[str, Any] = {
        "type": element["type"],
        "action_id": element["action_id"],
        "block_id": block_id,
        "action_ts": _ts(),
    }
    if element["type"] == "button":
        action.update(text=dict(element["text"]), value=element.get("value", ""))
        if element.get("style"):
            action["style"] = element["style"]
    elif element["type"] in {"overflow", "static_select", "radio_buttons"}:
        action["selected_option"] = chosen_option(element, value)
    else:
        raise LookupError(f"the fake does not send actions of {element['type']!r} elements")
    return action


def message_block_action(
    blocks: list[dict[str, Any]],
    action_id: str,
    value: str = "",
    team: str = "T1",
    user: str = "U1",
    channel: str = "C1",
    response_url: str = "https://hooks.slack.com/actions/T1/1/fake",
    message_ts: str | None = None,
    ephemeral: bool = True,
) -> dict[str, Any]:
    """A ``block_actions`` payload for a menu option or button of a message's ``blocks``
    (``value``: the chosen option's value; ignored for a button)."""
    block_id, element = find_element(blocks, action_id, value)
    payload = block_action(
        action_id, "", team=team, user=user, channel=channel,
        response_url=response_url, message_ts=message_ts, ephemeral=ephemeral,
    )  # fmt: skip
    payload["actions"] = [_action(block_id, element, value)]
    payload["user"] = _person(team, user)
    return payload


def view_block_action(
    view: dict[str, Any], action_id: str, value: str = "", team: str = "T1", user: str = "U1"
) -> dict[str, Any]:
    """A ``block_actions`` payload from inside a modal (``view``: as the fake keeps it).

    Such a payload names the view (``container``, ``view``) and has no channel
    and no ``response_url``: the app answers by updating the view.
    """
    block_id, element = find_element(view["blocks"], action_id, value)
    return {
        "type": "block_actions",
        "token": "verification-token",
        "api_app_id": APP_ID,
        "team": {"id": team, "domain": team.lower()},
        "user": _person(team, user),
        "container": {"type": "view", "view_id": view["id"]},
        "trigger_id": _next("trigger."),
        "enterprise": None,
        "is_enterprise_install": False,
        "view": view,
        "actions": [_action(block_id, element, value)],
    }


def view_submission(
    view: dict[str, Any],
    values: dict[str, str] | None = None,
    team: str = "T1",
    user: str = "U1",
) -> dict[str, Any]:
    """A ``view_submission`` payload: the modal ``view`` (as the fake keeps it) submitted
    with ``values`` (action id -> the text typed, or the value of the option chosen).

    Every input block is in ``state.values``, as Slack sends them: a field left
    alone carries its initial value or option, else null.
    """
    given = dict(values or {})
    state: dict[str, dict[str, Any]] = {}
    for block in view["blocks"]:
        element = block.get("element") if block.get("type") == "input" else None
        if not isinstance(element, dict):
            continue
        action_id = element["action_id"]
        entry: dict[str, Any] = {"type": element["type"]}
        if element["type"] == "plain_text_input":
            entry["value"] = given.pop(action_id, element.get("initial_value"))
        else:
            initial = element.get("initial_option")
            picked = given.pop(action_id, None)
            entry["selected_option"] = chosen_option(element, picked) if picked else initial
        state[str(block["block_id"])] = {action_id: entry}
    if given:
        raise LookupError(f"no input for {sorted(given)} in the view")
    submitted = {**view, "state": {"values": state}}
    return {
        "type": "view_submission",
        "token": "verification-token",
        "api_app_id": APP_ID,
        "team": {"id": team, "domain": team.lower()},
        "user": _person(team, user),
        "trigger_id": _next("trigger."),
        "view": submitted,
        "response_urls": [],
        "enterprise": None,
        "is_enterprise_install": False,
    }


def message_action(
    callback_id: str,
    message: dict[str, Any],
    team: str = "T1",
    user: str = "U1",
    channel: str | None = None,
    response_url: str = "https://hooks.slack.com/app/T1/1/fake",
) -> dict[str, Any]:
    """A message shortcut used on ``message`` (as the fake keeps a posted one, or an
    event's message): the ``message_action`` payload, with the message as Slack relays it."""
    where = channel or str(message.get("channel") or "C1")
    relayed = {k: v for k, v in message.items() if v is not None and k not in {"channel", "edited"}}
    return {
        "type": "message_action",
        "token": "verification-token",
        "action_ts": _ts(),
        "team": {"id": team, "domain": team.lower()},
        "user": _person(team, user),
        "channel": {"id": where, "name": where.lower()},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": _next("trigger."),
        "response_url": response_url,
        "message_ts": str(message.get("ts") or _ts()),
        "message": relayed,
    }
