"""``/brief edit …``: editors' corrections from Slack, the same as ``briefbot edit``.

Who may is ``BRIEFBOT_EDITORS`` (``bot.slack.editors``); the correction is
recorded under the Slack user's id. The answer is ephemeral, like every
``/brief`` answer. ``refusal`` and ``correct`` serve the menus and forms of
``handlers.edit_menus`` too, so a correction made there is the same call.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.models.blocks import Block

from bot import edits, render
from bot.slack.brief_command import Command
from bot.slack.editors import EditorCheck

if TYPE_CHECKING:
    from bot.deps import Deps
    from bot.store.edits import Correction

log = logging.getLogger(__name__)

LOG_SHOWN = 15  # the newest corrections; `briefbot edit log` lists them all
MAX_CHARS = 2800  # one section's text
_CHECKS: dict[tuple[str, ...], EditorCheck] = {}  # one per setting: its membership cache


def _check(deps: Deps) -> EditorCheck:
    editors = deps.settings.editors
    return _CHECKS.setdefault(editors, EditorCheck(editors))


def refusal(deps: Deps, client: WebClient | None, team: str, user: str, what: str) -> str | None:
    """Why ``user`` may not correct briefbot (logged), or None when they may."""
    allowed, why = _check(deps).allows(client, team, user)
    if allowed:
        return None
    log.info("edit refused team=%s user=%s edit=%s", team, user, what)
    return f"Sorry: {why}."


def correct(deps: Deps, team: str, user: str, cmd: Command) -> Correction:
    """Make the correction ``cmd`` names (the slash command's or a form's), logged."""
    done = _correct(deps, team, user, cmd)
    log.info("edit team=%s user=%s #%s %s", team, user, done.number, done.action)
    return done


def answer_edit_command(
    deps: Deps, body: dict[str, Any], cmd: Command, client: WebClient | None = None
) -> list[Block]:
    team, user = str(body["team_id"]), str(body.get("user_id") or "")
    refused = refusal(deps, client, team, user, cmd.edit)
    if refused:
        return render.message(refused)
    if cmd.edit == "log":
        lines = [_line(c) for c in edits.log(deps, team, LOG_SHOWN)]
        return render.message("\n".join(lines)[:MAX_CHARS] or "No corrections yet.")
    if cmd.edit == "topic-clean":
        cleaned = edits.clean_topics(deps, team, user)
        lines = [_line(c) for c in cleaned]
        return render.message("\n".join(lines)[:MAX_CHARS] or "No topic to clean.")
    done = correct(deps, team, user, cmd)
    return render.message(f"Done: {_line(done)}. `/brief edit undo {done.number}` undoes it.")


def _correct(deps: Deps, team: str, user: str, cmd: Command) -> Correction:
    a = cmd.args
    match cmd.edit:
        case "forget":
            return edits.forget(deps, team, user, a[0])
        case "rename":
            return edits.rename_development(deps, team, user, a[0], a[1])
        case "remove":
            return edits.remove_from_topic(deps, team, user, a[0], a[1])
        case "merge":
            return edits.merge(deps, team, user, list(a))
        case "move":
            # a form names the topic of a move to a new development; the command does not
            topic = a[2] if len(a) > 2 else None
            return edits.move(deps, team, user, a[0], to=a[1] or None, topic=topic)
        case "undo":
            return edits.undo(deps, team, user, int(a[0]))
        case "entity-reject":
            return edits.correct_entity(deps, team, user, "reject", a[0])
        case "entity-merge" | "entity-rename":
            action = cmd.edit.split("-", 1)[1]
            return edits.correct_entity(deps, team, user, action, a[0], a[1])
        case "topic-remove":
            return edits.remove_topic(deps, team, user, a[0])
        case "topic-rename":
            return edits.rename_topic(deps, team, user, a[0], a[1])
        case "topic-alias-add":
            return edits.change_aliases(deps, team, user, a[0], [a[1]], [])
        case _:
            return edits.change_aliases(deps, team, user, a[0], [], [a[1]])


def _line(c: Correction) -> str:
    when = c.at.strftime("%Y-%m-%d %H:%M UTC")
    undone = f" (undone by {c.undone_by})" if c.undone_at is not None else ""
    return f"#{c.number} {when} {c.who}: {c.what[:160]}{undone}"
