"""Editors' corrections: the operations the CLI's ``briefbot edit`` and Slack's
``/brief edit`` call, each recorded in the workspace's audit log and undoable.

``articles`` (forget, merge, move), ``entities`` (reject, merge, rename an actor
or place), ``topics`` (remove, rename, aliases), ``undo`` (the log and undoing),
``choices`` (what Slack's correction forms offer; reads only).
The topic-state side is ``bot.topics.corrections``; the records are kept by
``bot.store.edits``.
"""

from bot.edits.articles import forget, merge, move, remove_from_topic, rename_development
from bot.edits.choices import (
    ArticleChoices,
    DevelopmentChoices,
    article_choices,
    development_choices,
    other_developments,
)
from bot.edits.common import cli_editor
from bot.edits.entities import correct_entity
from bot.edits.topics import change_aliases, clean_topics, remove_topic, rename_topic
from bot.edits.undo import log, undo

__all__ = [
    "ArticleChoices",
    "DevelopmentChoices",
    "article_choices",
    "change_aliases",
    "clean_topics",
    "cli_editor",
    "correct_entity",
    "development_choices",
    "forget",
    "log",
    "merge",
    "move",
    "other_developments",
    "remove_from_topic",
    "remove_topic",
    "rename_development",
    "rename_topic",
    "undo",
]
