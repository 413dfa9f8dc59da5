"""Links posted in channels: queued for a worker, then acknowledged.

Bot messages (this bot's included), edits, deletions and other subtypes are
ignored even when they contain links, or the bot would answer itself.

The links are queued in a listener middleware, which runs before bolt answers
Slack, not in the listener, which bolt runs after the ack. When queueing
fails (Redis down), the request fails with a 500 (no ack in Socket Mode) and
Slack sends the event again later, so the link is not lost.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltContext

from bot.slack.message_links import links_in
from bot.slack.once import confirm_event

if TYPE_CHECKING:
    from bot.deps import Deps

log = logging.getLogger(__name__)

# plain messages, and the subtypes that are still a person posting something
_WANTED_SUBTYPES = {None, "file_share", "thread_broadcast"}


def wanted(event: dict[str, Any], bot_user: str) -> bool:
    """A person's new message, not a bot's, an edit or a deletion."""
    return (
        event.get("subtype") in _WANTED_SUBTYPES
        and not event.get("bot_id")
        and not event.get("bot_profile")
        and event.get("user") not in (None, "", bot_user)
        and "channel" in event
        and "ts" in event
    )


def queue_links(deps: Deps, team: str, event: dict[str, Any]) -> int:
    """Queue one ingest job per link; returns how many were queued."""
    queued = 0
    for url in links_in(event.get("text")):
        payload = {
            "url": url,
            "channel": str(event["channel"]),
            "ts": str(event["ts"]),
            "thread_ts": str(event.get("thread_ts") or event["ts"]),
            "user": str(event.get("user") or ""),
        }
        key = f"{team}:{event['channel']}:{event['ts']}:{url}"
        if deps.queue_to(team).enqueue("ingest_url", team, payload, dedup_key=key):
            queued += 1
    return queued


def register(app: App, deps: Deps, *, bot_user: str) -> None:
    def queue_before_ack(
        body: dict[str, Any], context: BoltContext, next: Callable[[], None]
    ) -> None:
        event = body.get("event") or {}
        if wanted(event, bot_user):
            context["queued"] = queue_links(deps, str(body.get("team_id")), event)
        confirm_event(deps.store, body)  # only now is a retry of it a repeat
        next()

    @app.event("message", middleware=[queue_before_ack])
    def on_message(body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
        if not wanted(event, bot_user):
            deps.metrics.events.labels(type="message", outcome="ignored").inc()
            return
        queued = int(context.get("queued") or 0)
        deps.metrics.events.labels(type="message", outcome="queued" if queued else "no_links").inc()
        if queued:
            log.info(
                "queued %d link(s) team=%s channel=%s",
                queued,
                body.get("team_id"),
                event["channel"],
            )
