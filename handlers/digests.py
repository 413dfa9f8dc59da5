"""``/brief digest …``: subscribe the current channel, list and remove digests."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block

from bot import render
from bot.commands import Command
from bot.subscriptions import Subscription, Subscriptions, valid_timezone

if TYPE_CHECKING:
    from bot.deps import Deps

log = logging.getLogger(__name__)


def user_timezone(client: WebClient | None, user: str, fallback: str) -> str:
    """The user's Slack time zone (``users.info`` ``tz``), else ``fallback``."""
    if client is None or not user:
        return fallback
    try:
        info = client.users_info(user=user)
    except SlackApiError as exc:
        log.info("users.info failed for %s: %s", user, exc.response.get("error"))
        return fallback
    return valid_timezone(str((info.get("user") or {}).get("tz") or ""), fallback)


def answer_digest_command(
    deps: Deps, body: dict[str, Any], cmd: Command, client: WebClient | None = None
) -> list[Block]:
    subs = Subscriptions(deps.redis)
    team, channel = str(body["team_id"]), str(body.get("channel_id") or "")
    if cmd.kind == "digest_list":
        return render.subscriptions_blocks(subs.for_team(team))
    if cmd.kind == "digest_remove":
        if subs.remove(team, cmd.sub_id):
            return render.message(f"Digest {cmd.sub_id} removed.")
        return render.message(
            f"There is no digest {cmd.sub_id} here. `/brief digest list` shows them."
        )
    tz = user_timezone(client, str(body.get("user_id") or ""), deps.settings.timezone)
    sub = subs.add(
        Subscription(
            id="",
            team=team,
            channel=channel,
            topics=cmd.topics,
            hour=cmd.hour,
            minute=cmd.minute,
            days=cmd.days,
            timezone=tz,
            created_by=str(body.get("user_id") or ""),
            created_at=datetime.now(UTC).isoformat(),
        )
    )
    nxt = sub.next_due(datetime.now(UTC))
    when = nxt.strftime("%a %d %b %H:%M %Z") if nxt else "never"
    return render.message(
        f"Digest {sub.id} set: {sub.describe()} in this channel. First one: {when}."
    )
