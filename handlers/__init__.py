"""Thin Slack listeners. Each module exposes ``register(app, deps, ...)``:
parse the payload, call one core function, render, reply."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt import App

if TYPE_CHECKING:
    from bot.deps import Deps


def register_all(app: App, deps: Deps, bot_user: str) -> None:
    from handlers import actions, commands, edit_menus, home, installs, links, messages

    commands.register(app, deps)
    messages.register(app, deps, bot_user=bot_user)
    links.register(app, deps)
    actions.register(app, deps)
    edit_menus.register(app, deps)
    home.register(app, deps)
    installs.register(app, deps)
