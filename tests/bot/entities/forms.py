"""What the entity tests read off an analysis: every form of its entities."""

from __future__ import annotations

from collections.abc import Iterable

from bot.models import Entity, Place


def forms(entities: Iterable[Entity | Place]) -> dict[str, str]:
    """Every name and alias of ``entities``, with the kind of the entity it names."""
    return {n: e.kind for e in entities for n in [e.name, *e.aliases]}
