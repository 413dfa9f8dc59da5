"""Canned answers of the fake Slack Web API, one small function per method.

Each function takes the shared state, the request's parameters and the caller's
identity, and returns the JSON body to answer. They check what real Slack
checks where a bug in our code would otherwise go unnoticed (a missing channel,
an empty message, more blocks than Slack allows, an unknown message to update).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tests.fakeslack.state import Identity, SlackState
from tests.fakeslack.views import views_open, views_update

Answer = dict[str, Any]
Method = Callable[[SlackState, dict[str, Any], Identity], Answer]

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
PERMALINK_BASE = "https://fake.slack/archives"


def error(code: str) -> Answer:
    return {"ok": False, "error": code}


def permalink(channel: str, ts: str) -> str:
    """The permalink the fake gives a message: ``…/archives/<channel>/p<ts without dot>``."""
    return f"{PERMALINK_BASE}/{channel}/p{ts.replace('.', '')}"


def _message_problem(params: dict[str, Any]) -> str | None:
    if not params.get("channel"):
        return "channel_not_found"
    blocks = params.get("blocks")
    if not params.get("text") and not blocks and not params.get("attachments"):
        return "no_text"
    if blocks is not None and (not isinstance(blocks, list) or len(blocks) > MAX_MESSAGE_BLOCKS):
        return "invalid_blocks"
    return None


def auth_test(state: SlackState, params: dict[str, Any], who: Identity) -> Answer:
    return {
        "ok": True,
        "url": "https://fake.slack/",
        "team": who.team_name,
        "user": "briefbot",
        "team_id": who.team_id,
        "user_id": who.user_id,
        "bot_id": who.bot_id,
        "app_id": who.app_id,
        "enterprise_id": who.enterprise_id,
        "is_enterprise_install": False,
    }


def chat_post_message(state: SlackState, params: dict[str, Any], who: Identity) -> Answer:
    problem = _message_problem(params)
    if problem:
        return error(problem)
    ts = state.next_ts()
    channel = str(params["channel"])
    message = {
        "type": "message",
        "ts": ts,
        "channel": channel,
        "user": who.user_id,
        "bot_id": who.bot_id,
        "team": who.team_id,
        "text": params.get("text", ""),
        "blocks": params.get("blocks"),
        "thread_ts": params.get("thread_ts"),
    }
    with state.lock:
        state.messages[(channel, ts)] = message
    return {"ok": True, "channel": channel, "ts": ts, "message": message}


def chat_post_ephemeral(state: SlackState, params: dict[str, Any], who: Identity) -> Answer:
    problem = _message_problem(params)
    if problem:
        return error(problem)
    if not params.get("user"):
        return error("user_not_in_channel")
    return {"ok": True, "message_ts": state.next_ts()}


def chat_update(state: SlackState, params: dict[str, Any], who: Identity) -> Answer:
    key = (str(params.get("channel", "")), str(params.get("ts", "")))
    with state.lock:
        message = state.messages.get(key)
        if message is None:
            return error("message_not_found")
        for name in ("text", "blocks", "attachments"):
            if name in params:
                message[name] = params[name]
        message["edited"] = True
    return {"ok": True, "channel": key[0], "ts": key[1], "text": message.get("text", "")}


def chat_delete(state: SlackState, params: dict[str, Any], who: Identity) -> Answer:
    key = (str(params.get("channel", "")), str(params.get("ts", "")))
    with state.lock:
        if state.messages.pop(key, None) is None:
            return error("message_not_found")
    return {"ok": True, "channel": key[0], "ts": key[1]}


def chat_unfurl(state: SlackState, params: dict[str, Any], who: Identity) -> Answer:
    if not params.get("unfurls") and not params.get("user_auth_required"):
        return error("invalid_unfurls")
    return {"ok": True}


def chat_get_permalink(state: SlackState, params: dict[str, Any], who: Identity) -> Answer:
    channel, ts = params.get("channel"), params.get("message_ts")
    if not channel or not ts:
        return error("message_not_found")
    return {"ok": True, "channel": channel, "permalink": permalink(str(channel), str(ts))}


def views_publish(state: SlackState, params: dict[str, Any], who: Identity) -> Answer:
    view = params.get("view")
    if not params.get("user_id") or not isinstance(view, dict):
        return error("invalid_arguments")
    if len(view.get("blocks") or []) > MAX_VIEW_BLOCKS or view.get("type") != "home":
        return error("invalid_arguments")
    return {"ok": True, "view": {**view, "id": state.next_id("V"), "team_id": who.team_id}}


def conversations_info(state: SlackState, params: dict[str, Any], who: Identity) -> Answer:
    channel = str(params.get("channel", ""))
    if not channel:
        return error("channel_not_found")
    with state.lock:
        known = dict(state.channels.get(channel, {}))
    info = {"id": channel, "name": channel.lower(), "is_channel": True, "is_member": True}
    info["creator"] = "U1"
    info.update(known)
    return {"ok": True, "channel": info}


def usergroups_users_list(state: SlackState, params: dict[str, Any], who: Identity) -> Answer:
    group = str(params.get("usergroup", ""))
    with state.lock:
        users = state.usergroups.get(group)
    if users is None:
        return error("no_such_subteam")
    return {"ok": True, "users": list(users)}


def conversations_members(state: SlackState, params: dict[str, Any], who: Identity) -> Answer:
    """Members of a channel, two per page, so that callers must follow the cursor."""
    channel = str(params.get("channel", ""))
    with state.lock:
        members = state.channel_members.get(channel)
    if members is None:
        return error("channel_not_found")
    start = int(params.get("cursor") or 0)
    page = members[start : start + 2]
    cursor = str(start + 2) if start + 2 < len(members) else ""
    return {"ok": True, "members": page, "response_metadata": {"next_cursor": cursor}}


def users_info(state: SlackState, params: dict[str, Any], who: Identity) -> Answer:
    user = str(params.get("user", ""))
    if not user:
        return error("user_not_found")
    with state.lock:
        known = dict(state.users.get(user, {}))
    tz = str(known.get("tz", state.default_tz))
    offset = datetime.now(ZoneInfo(tz)).utcoffset()
    info: dict[str, Any] = {
        "id": user,
        "team_id": who.team_id,
        "name": user.lower(),
        "real_name": f"User {user}",
        "is_bot": False,
        "tz": tz,
        "tz_label": tz,
        "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
    }
    info.update({k: v for k, v in known.items() if k != "tz"})
    return {"ok": True, "user": info}


def team_info(state: SlackState, params: dict[str, Any], who: Identity) -> Answer:
    team = {"id": who.team_id, "name": who.team_name, "domain": who.team_name.lower()}
    return {"ok": True, "team": team}


def apps_connections_open(state: SlackState, params: dict[str, Any], who: Identity) -> Answer:
    if not state.socket_mode_url:
        return error("socket_mode_not_configured")
    return {"ok": True, "url": state.socket_mode_url}


def files_get_upload_url(state: SlackState, params: dict[str, Any], who: Identity) -> Answer:
    if not params.get("filename") or not params.get("length"):
        return error("invalid_arguments")
    file_id = state.next_id("F")
    # the upload URL is filled in by the server, which knows its own address
    return {"ok": True, "file_id": file_id, "upload_url": f"/upload/{file_id}"}


def files_complete_upload(state: SlackState, params: dict[str, Any], who: Identity) -> Answer:
    files = params.get("files")
    if not isinstance(files, list) or not files:
        return error("invalid_arguments")
    with state.lock:
        missing = [f.get("id") for f in files if f.get("id") not in state.uploads]
    if missing:
        return error("file_not_found")
    done = [{"id": f["id"], "title": f.get("title", ""), "name": f.get("title", "")} for f in files]
    return {"ok": True, "files": done}


def oauth_v2_access(state: SlackState, params: dict[str, Any], who: Identity) -> Answer:
    """Exchange a one-time ``code`` for the installing workspace's bot token."""
    expected = (state.client_id, state.client_secret)
    given = (params.get("client_id"), params.get("client_secret"))
    if state.client_id is not None and given != expected:
        return error("invalid_client_id" if given[0] != expected[0] else "bad_client_secret")
    with state.lock:
        grant = state.grants.pop(str(params.get("code") or ""), None)
    if grant is None:
        return error("invalid_code")
    return {
        "ok": True,
        "access_token": grant.token,
        "token_type": "bot",
        "scope": grant.scopes,
        "bot_user_id": grant.bot_user_id,
        "app_id": who.app_id,
        "team": {"id": grant.team_id, "name": grant.team_name},
        "enterprise": None,
        "is_enterprise_install": False,
        "authed_user": {"id": grant.installer, "scope": "", "token_type": "user"},
    }


#: methods answered without a token (the app authenticates with its client id and secret)
TOKENLESS = {"oauth.v2.access"}

METHODS: dict[str, Method] = {
    "oauth.v2.access": oauth_v2_access,
    "auth.test": auth_test,
    "chat.postMessage": chat_post_message,
    "chat.postEphemeral": chat_post_ephemeral,
    "chat.update": chat_update,
    "chat.delete": chat_delete,
    "chat.unfurl": chat_unfurl,
    "chat.getPermalink": chat_get_permalink,
    "views.publish": views_publish,
    "views.open": views_open,
    "views.update": views_update,
    "conversations.info": conversations_info,
    "users.info": users_info,
    "usergroups.users.list": usergroups_users_list,
    "conversations.members": conversations_members,
    "team.info": team_info,
    "apps.connections.open": apps_connections_open,
    "files.getUploadURLExternal": files_get_upload_url,
    "files.completeUploadExternal": files_complete_upload,
}
