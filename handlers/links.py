"""``link_shared`` for the app's registered unfurl domains: queue an unfurl job."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import App

if TYPE_CHECKING:
    from bot.deps import Deps


def register(app: App, deps: Deps) -> None:
    @app.event("link_shared")
    def on_link_shared(body: dict[str, Any], event: dict[str, Any]) -> None:
        team = str(body.get("team_id"))
        for link in (event.get("links") or [])[:5]:
            url = str(link.get("url") or "")
            if not url.startswith(("http://", "https://")):
                continue
            payload = {
                "url": url,
                "channel": str(event.get("channel")),
                "ts": str(event.get("message_ts")),
            }
            deps.queue.enqueue(
                "unfurl", team, payload, dedup_key=f"unfurl:{team}:{payload['ts']}:{url}"
            )
        deps.metrics.events.labels(type="link_shared", outcome="queued").inc()
