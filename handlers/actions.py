"""Buttons on a brief: post it to the channel, or follow its topic.

Answers go to the action's ``response_url`` through ``bot.slack.responses``,
which posts only to Slack's own host (the payload's address is hostile input).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import render, service
from bot.errors import BriefbotError
from bot.slack import responses
from handlers.commands import FAILED

if TYPE_CHECKING:
    from bot.deps import Deps

log = logging.getLogger(__name__)


def _who(body: dict[str, Any]) -> tuple[str, str, str]:
    team = str((body.get("team") or {}).get("id") or body.get("team_id") or "")
    user = str((body.get("user") or {}).get("id") or "")
    channel = str((body.get("channel") or {}).get("id") or "")
    return team, user, channel


def _topic(body: dict[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")[:64]


Respond = Callable[..., bool]


def _responder(deps: Deps, body: dict[str, Any]) -> Respond:
    """Answers to the action's ``response_url``, if it is Slack's."""

    def respond(text: str, **fields: Any) -> bool:
        return responses.respond(
            deps.settings, deps.metrics, body.get("response_url"), text=text, **fields
        )

    return respond


def register(app: App, deps: Deps) -> None:
    @app.action("brief_post")
    def post_brief(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        respond = _responder(deps, body)
        try:
            _post_brief(body, client, respond)
        except Exception:
            log.exception("post button failed team=%s", _who(body)[0])
            respond(text=FAILED, replace_original=False)

    def _post_brief(body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        team, user, channel = _who(body)
        try:
            brief = service.brief_for(deps, team, _topic(body), user=user, mark_seen=False)
        except BriefbotError as exc:
            respond(text=f"Could not post the brief: {exc}", replace_original=False)
            return
        client.chat_postMessage(
            channel=channel,
            blocks=render.brief_blocks(brief, actions=False),
            text=render.brief_fallback(brief),
        )
        respond(text=f"Posted the {brief.topic} brief to the channel.", replace_original=False)

    @app.action("brief_open")
    def open_brief(ack: Ack, body: dict[str, Any]) -> None:
        """An alert's button: the topic's brief, only to whoever clicked."""
        ack()
        respond = _responder(deps, body)
        team, user, _ = _who(body)
        try:
            brief = service.brief_for(deps, team, _topic(body), user=user)
        except BriefbotError as exc:
            respond(text=f"Could not open the brief: {exc}", replace_original=False)
            return
        respond(
            blocks=render.brief_blocks(brief),
            text=render.brief_fallback(brief),
            response_type="ephemeral",
            replace_original=False,
        )

    @app.action("brief_follow")
    def follow_topic(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        respond = _responder(deps, body)
        team, user, _ = _who(body)
        try:
            topic = service.follow(deps, team, user, _topic(body))
        except BriefbotError as exc:
            respond(text=f"Could not follow: {exc}", replace_original=False)
            return
        except Exception:
            log.exception("follow button failed team=%s", team)
            respond(text=FAILED, replace_original=False)
            return
        respond(text=f"You now follow {topic.name}.", replace_original=False)
