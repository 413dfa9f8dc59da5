"""Editors' corrections: the operations the CLI's ``briefbot edit`` and Slack's
``/brief edit`` call, each recorded in the workspace's audit log and undoable.

``articles`` (forget, merge, move), ``entities`` (reject, merge, rename an actor
or place), ``topics`` (remove, rename, aliases), ``undo`` (the log and undoing).
The topic-state side is ``bot.topics.corrections``; the records are kept by
``bot.store.edits``.
"""

from bot.edits.articles import forget, merge, move, remove_from_topic, rename_development
from bot.edits.common import cli_editor
from bot.edits.entities import correct_entity
from bot.edits.topics import change_aliases, clean_topics, remove_topic, rename_topic
from bot.edits.undo import log, undo

__all__ = [
    "change_aliases",
    "clean_topics",
    "cli_editor",
    "correct_entity",
    "forget",
    "log",
    "merge",
    "move",
    "remove_from_topic",
    "remove_topic",
    "rename_development",
    "rename_topic",
    "undo",
]
