"""``link_shared`` for the app's registered unfurl domains: queue an unfurl job.

As for pasted links (``handlers.messages``), the jobs are queued in a listener
middleware, before bolt acknowledges the event: if Redis cannot take them,
Slack gets an error and sends the event again instead of losing it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import App

from bot.slack.once import confirm_event

if TYPE_CHECKING:
    from bot.deps import Deps


def queue_unfurls(deps: Deps, team: str, event: dict[str, Any]) -> None:
    """Queue one unfurl job per http(s) link of the event (at most five)."""
    links = event.get("links")
    for link in links[:5] if isinstance(links, list) else []:
        url = str(link.get("url") or "") if isinstance(link, dict) else ""
        if not url.startswith(("http://", "https://")):
            continue
        payload = {
            "url": url,
            "channel": str(event.get("channel")),
            "ts": str(event.get("message_ts")),
        }
        deps.queue_to(team).enqueue(
            "unfurl", team, payload, dedup_key=f"unfurl:{team}:{payload['ts']}:{url}"
        )


def register(app: App, deps: Deps) -> None:
    def queue_before_ack(body: dict[str, Any], next: Callable[[], None]) -> None:
        queue_unfurls(deps, str(body.get("team_id")), body.get("event") or {})
        confirm_event(deps.store, body)  # only now is a retry of it a repeat
        next()

    @app.event("link_shared", middleware=[queue_before_ack])
    def on_link_shared() -> None:
        deps.metrics.events.labels(type="link_shared", outcome="queued").inc()
