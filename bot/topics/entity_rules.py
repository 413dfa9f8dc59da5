"""Editors' entity rules applied to an article: pure, no Redis.

A rule names an actor or place by its folded words (``rule_key``), so
"Al-Qamishli" and "al Qamishli" are one rule. ``reject`` drops the entity,
``rename`` changes its name and keeps its id (its counts stay together),
``merge`` folds it into the target entity of the same article, or turns it into
the target when the article does not name it. Events' actor and place names
follow. Rules are applied until nothing changes (a merge into a renamed name),
at most a few passes so that a cycle of rules cannot loop.
"""

from __future__ import annotations

import copy
import re
from typing import TypeVar, cast

from bot.models import ActorKind, Article, Entity, Place, PlaceKind
from bot.store.edits import EntityRule
from bot.text.names import fold

_PASSES = 3
_NON_WORD_RE = re.compile(r"[\W_]+")
_ACTOR_KINDS = ("person", "organization", "group")
_PLACE_KINDS = ("country", "region", "city", "facility", "other")

E = TypeVar("E", Entity, Place)


def rule_key(name: str) -> str:
    """The key a rule about ``name`` is stored under ("" for a name with no letters).

    Case, accents and punctuation do not count; words do: "Al Qamishli" is not
    "Qamishli" (the analyser's own name key would join them, and they are what
    an editor merges).
    """
    return " ".join(_NON_WORD_RE.sub(" ", fold(name)).split())


def matches(rule: EntityRule, name: str, ident: str = "") -> bool:
    return rule_key(name) == rule.key or (bool(ident) and ident == rule.key)


def apply_rules(article: Article, rules: list[EntityRule]) -> Article:
    """A copy of ``article`` with the rules applied to its actors, places and events."""
    if not rules:
        return article
    out = copy.deepcopy(article)
    renames: dict[str, str | None] = {}  # old name -> new name, or None when rejected
    for _ in range(_PASSES):
        changed = False
        for rule in rules:
            out.actors, a = _apply(out.actors, rule, renames, _ACTOR_KINDS)
            out.locations, p = _apply(out.locations, rule, renames, _PLACE_KINDS)
            changed = changed or a or p
        if not changed:
            break
    if renames:
        for event in out.events:
            event.actors = _renamed(event.actors, renames)
            event.locations = _renamed(event.locations, renames)
    return out


def _apply(
    items: list[E], rule: EntityRule, renames: dict[str, str | None], kinds: tuple[str, ...]
) -> tuple[list[E], bool]:
    if not any(matches(rule, e.name) for e in items):
        return items, False
    others = [e for e in items if not matches(rule, e.name)]
    target: E | None = next((e for e in others if _is_target(rule, e)), None)
    out: list[E] = []
    item: E
    for item in items:  # salience order is kept
        if not matches(rule, item.name):
            out.append(item)
            continue
        if rule.action == "reject":
            renames[item.name] = None
            continue
        renames[item.name] = rule.target
        if rule.action == "merge" and target is not None:
            target.mentions += item.mentions
            target.salience = max(target.salience, item.salience)
            target.aliases = _aliases(target, [item.name, *item.aliases])
            continue
        old = item.name
        item.name = rule.target
        item.aliases = _aliases(item, [old])
        if rule.action == "merge":
            item.id = rule.target_id or item.id
            if rule.target_kind in kinds:
                _set_kind(item, rule.target_kind)
        out.append(item)
    return out, True


def _is_target(rule: EntityRule, entity: Entity | Place) -> bool:
    return (bool(rule.target_id) and entity.id == rule.target_id) or rule_key(
        entity.name
    ) == rule_key(rule.target)


def _set_kind(item: Entity | Place, kind: str) -> None:
    if isinstance(item, Entity):
        item.kind = cast(ActorKind, kind)
    else:
        item.kind = cast(PlaceKind, kind)


def _aliases(entity: Entity | Place, more: list[str]) -> list[str]:
    out = list(entity.aliases)
    for name in more:
        if name and name != entity.name and name not in out:
            out.append(name)
    return out


def _renamed(names: list[str], renames: dict[str, str | None]) -> list[str]:
    out: list[str] = []
    for name in names:
        new = renames.get(name, name)
        if new and new not in out:
            out.append(new)
    return out
