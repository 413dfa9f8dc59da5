"""Uninstalls (OAuth mode): ``app_uninstalled`` and ``tokens_revoked``.

The workspace's tokens go at once; its data goes after the operator's grace
period (``BRIEFBOT_UNINSTALL_GRACE``), unless it installs again before. Slack
sends these events without a usable token, and bolt lets them through without
authorising them. In single-workspace mode there is nothing stored to remove:
the operator revokes ``SLACK_BOT_TOKEN`` themselves.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_bolt import App

if TYPE_CHECKING:
    from bot.deps import Deps

log = logging.getLogger(__name__)


def _user_ids(value: Any) -> list[str]:
    return [str(u) for u in value if isinstance(u, str) and u] if isinstance(value, list) else []


def register(app: App, deps: Deps) -> None:
    grace = deps.settings.uninstall_grace

    @app.event("app_uninstalled")
    def on_uninstalled(body: dict[str, Any]) -> None:
        team = str(body.get("team_id") or "")
        if deps.installs is None or not team:
            log.info("app_uninstalled team=%s: nothing stored to remove", team or "-")
            return
        deps.installs.uninstall(team, grace)
        deps.metrics.events.labels(type="app_uninstalled", outcome="ok").inc()

    @app.event("tokens_revoked")
    def on_tokens_revoked(body: dict[str, Any], event: dict[str, Any]) -> None:
        team = str(body.get("team_id") or "")
        raw = event.get("tokens")
        tokens: dict[str, Any] = raw if isinstance(raw, dict) else {}
        if deps.installs is None or not team:
            log.info("tokens_revoked team=%s: nothing stored to remove", team or "-")
            return
        if _user_ids(tokens.get("bot")):
            # without its bot token the workspace cannot be served: as an uninstall
            deps.installs.uninstall(team, grace)
        elif users := _user_ids(tokens.get("oauth")):
            deps.installs.remove_tokens(team, users=users)
            log.info("tokens_revoked team=%s: %d user token(s) removed", team, len(users))
        deps.metrics.events.labels(type="tokens_revoked", outcome="ok").inc()
