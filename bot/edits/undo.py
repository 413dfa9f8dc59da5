"""The audit log's other half: listing corrections and undoing one."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.edits import articles, entities, topics
from bot.edits.common import edits, record
from bot.errors import InputError
from bot.store.edits import Correction

if TYPE_CHECKING:
    from bot.deps import Deps

Undo = Callable[["Deps", str, dict[str, Any]], None]

UNDO: dict[str, Undo] = {
    "forget": articles.undo_forget,
    "remove": articles.undo_remove,
    "merge": articles.undo_merge,
    "move": articles.undo_move,
    "rename": articles.undo_rename,
    "entity-reject": entities.undo_entity,
    "entity-merge": entities.undo_entity,
    "entity-rename": entities.undo_entity,
    "topic-remove": topics.undo_remove_topic,
    "topic-rename": topics.undo_rename_topic,
    "topic-aliases": topics.undo_aliases,
}


def log(deps: Deps, team: str, limit: int = 50) -> list[Correction]:
    return edits(deps).log(team, limit)


def undo(deps: Deps, team: str, who: str, number: int) -> Correction:
    """Undo correction ``number``; the undoing is recorded as a correction too."""
    store = edits(deps)
    entry = store.get(team, number)
    if entry is None:
        raise InputError(f"no correction #{number} in workspace {team} (see `edit log`)")
    if entry.undone_at is not None:
        raise InputError(f"correction #{number} was already undone by {entry.undone_by}")
    action = UNDO.get(entry.action)
    if action is None:
        raise InputError(f"correction #{number} ({entry.action}) cannot be undone")
    action(deps, team, json.loads(entry.payload))
    entry.undone_at, entry.undone_by = datetime.now(UTC), who
    store.save(team, entry)
    return record(deps, team, who, "undo", f"undid #{number}: {entry.what}", number=number)
