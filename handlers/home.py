"""App Home: the user's followed topics with their latest developments."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_sdk import WebClient

from bot import render, service

if TYPE_CHECKING:
    from bot.deps import Deps


def register(app: App, deps: Deps) -> None:
    @app.event("app_home_opened")
    def on_home_opened(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        team, user = str(body.get("team_id")), str(event.get("user"))
        briefs = service.followed_briefs(deps, team, user)
        followed = deps.store.followed(team, user)
        client.views_publish(user_id=user, view=render.home_view(briefs, followed))
        deps.metrics.events.labels(type="app_home_opened", outcome="ok").inc()
