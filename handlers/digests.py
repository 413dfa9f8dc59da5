"""``/brief digest …``: subscribe the current channel, list and remove digests."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block

from bot import render, service
from bot.digests.subscriptions import Subscription, Subscriptions, valid_timezone
from bot.errors import CommandError
from bot.slack.brief_command import Command
from bot.slack.digests import PICTURES

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
    """Answer ``digest_add``, ``digest_list`` or ``digest_remove`` for the asker's team."""
    subs = deps.subscriptions
    team = str(body["team_id"])
    if cmd.kind == "digest_list":
        return render.subscriptions_blocks(subs.for_team(team))
    if cmd.kind == "digest_pictures":
        return _pictures(subs, team, cmd.sub_id, cmd.days == "on")
    if cmd.kind == "digest_remove":
        if subs.remove(team, cmd.sub_id):
            return render.message(f"Digest {cmd.sub_id} removed.")
        return render.message(
            f"There is no digest {cmd.sub_id} here. `/brief digest list` shows them."
        )
    return _subscribe(deps, subs, body, cmd, client)


def _pictures(subs: Subscriptions, team: str, sub_id: str, on: bool) -> list[Block]:
    sub = subs.get(team, sub_id)
    if sub is None:
        return render.message(f"There is no digest {sub_id} here. `/brief digest list` shows them.")
    if on:
        sub.extra[PICTURES] = "on"
    else:
        sub.extra.pop(PICTURES, None)
    subs.save(sub)
    if on:
        return render.message(
            f"Digest {sub_id} now comes with a chart and a map of each topic in its thread."
        )
    return render.message(f"Digest {sub_id} comes without pictures from now on.")


def _subscribe(
    deps: Deps, subs: Subscriptions, body: dict[str, Any], cmd: Command, client: WebClient | None
) -> list[Block]:
    channel, user = str(body.get("channel_id") or ""), str(body.get("user_id") or "")
    if not channel:
        raise CommandError("digests go to a channel: run this in the channel that wants one")
    team = str(body["team_id"])
    # subscribing a digest to a word makes it a topic (asking for a brief does not)
    topics = list(dict.fromkeys(service.ensure_topic(deps, team, t).name for t in cmd.topics))
    now = datetime.now(UTC)
    sub = subs.add(
        Subscription(
            id="",
            team=team,
            channel=channel,
            topics=topics,
            hour=cmd.hour,
            minute=cmd.minute,
            days=cmd.days,
            timezone=user_timezone(client, user, deps.settings.timezone),
            created_by=user,
            created_at=now.isoformat(),
        )
    )
    log.info("digest subscribed sub=%s channel=%s %s", sub.key, channel, sub.describe())
    first = sub.next_due(now)
    when = first.astimezone(sub.zone).strftime("%a %d %b %H:%M %Z") if first else "never"
    return render.message(
        f"Digest {sub.id} set: {sub.describe()} in this channel. First one: {when}. "
        f"`/brief digest remove {sub.id}` stops it."
    )
