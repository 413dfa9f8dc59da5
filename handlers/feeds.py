"""``/brief feed …``: follow, list and stop following feeds for the asker's team."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.models.blocks import Block

from bot import render, service
from bot.slack.brief_command import Command

if TYPE_CHECKING:
    from bot.deps import Deps

log = logging.getLogger(__name__)


def answer_feed_command(
    deps: Deps, body: dict[str, Any], cmd: Command, client: WebClient | None = None
) -> list[Block]:
    """Answer ``feed_add``, ``feed_list`` or ``feed_remove`` (``render.message`` escapes)."""
    team = str(body["team_id"])
    if cmd.kind == "feed_list":
        return render.feeds_blocks(deps.feeds.for_team(team))
    if cmd.kind == "feed_remove":
        if service.remove_feed(deps, team, cmd.sub_id):
            return render.message(f"Feed {cmd.sub_id} removed.")
        return render.message(f"There is no feed {cmd.sub_id} here. `/brief feed list` shows them.")
    feed = service.add_feed(
        deps, team, cmd.url, cmd.topic or None, user=str(body.get("user_id") or "")
    )
    log.info("feed added feed=%s by=%s", feed.key, feed.added_by)
    into = f" Its articles are filed into *{feed.topic}* too." if feed.topic else ""
    return render.message(
        f"Feed {feed.id} added: {feed.url}. New items are filed quietly as they "
        f"appear.{into} `/brief feed remove {feed.id}` stops it."
    )
