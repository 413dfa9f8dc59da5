"""``/brief chart <topic>`` and ``/brief map <topic>``: draw the picture after the
command was acknowledged, and share it in the channel (``bot.slack.pictures``)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient

from bot import service
from bot.errors import BriefbotError
from bot.slack.brief_command import parse
from bot.slack.pictures import upload_picture

if TYPE_CHECKING:
    from bot.deps import Deps

log = logging.getLogger(__name__)


def share_picture(deps: Deps, body: dict[str, Any], client: WebClient) -> str | None:
    """Draw the chart or map the command asks for and share it; the file id, or None."""
    team, channel = str(body.get("team_id") or ""), str(body.get("channel_id") or "")
    try:
        cmd = parse(str(body.get("text") or ""))
        make = service.topic_chart if cmd.kind == "chart" else service.topic_map
        picture = make(deps, team, cmd.topic)
    except BriefbotError as exc:
        log.warning("picture for team=%s channel=%s not drawn: %s", team, channel, exc)
        return None
    return upload_picture(client, picture, channel)
