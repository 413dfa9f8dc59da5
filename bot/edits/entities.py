"""Corrections of actors and places: reject, merge, rename (and their undoing).

A correction becomes an entity rule of the workspace, applied to every later
article as it is analysed (``bot.jobs.pipeline.analyse``), and applied now to
every topic's counts and to the developments that name the entity.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.edits.common import edits, now, record
from bot.errors import InputError
from bot.store import serde
from bot.store.edits import Correction, EntityRule
from bot.store.fence import Staged
from bot.topics import corrections, entity_counts
from bot.topics.entity_rules import rule_key

if TYPE_CHECKING:
    from bot.deps import Deps

ACTIONS = ("reject", "merge", "rename")

Found = dict[str, dict[str, tuple[float, str]]]


def correct_entity(
    deps: Deps, team: str, who: str, action: str, name: str, target: str = ""
) -> Correction:
    """``reject`` NAME, ``merge`` NAME into ``target``, or ``rename`` NAME to ``target``."""
    if action not in ACTIONS:
        raise InputError(f"entity corrections are {', '.join(ACTIONS)}, not {action!r}")
    name, target = name.strip(), " ".join(target.split())
    key = rule_key(name)
    if not key:
        raise InputError("which actor or place? give its name")
    if action != "reject" and not rule_key(target):
        raise InputError(f"{action} needs the other name: `edit entity {action} NAME --to NAME`")
    if action == "merge" and rule_key(target) == key:
        raise InputError(f"{name} and {target} are already the same name")
    rule = EntityRule(
        action=action, key=key, name=name, target=target if action != "reject" else ""
    )
    slugs = [t.name for t in deps.store.topics(team)]
    if action == "merge":
        for slug in slugs:
            found = entity_counts.find_name(deps.redis, team, slug, target)
            if found:
                rule.target_id, rule.target_kind = found
                break
    store = edits(deps)
    previous = store.entity_rule(team, key)
    store.set_entity_rule(team, rule)
    touched = _apply_to_topics(deps, team, slugs, rule)
    what = {
        "reject": f"rejected {name!r}: not an actor or place",
        "merge": f"merged {name!r} into {target!r}",
        "rename": f"renamed {name!r} to {target!r}",
    }[action]
    n = sum(len(t["found"]["actors"]) + len(t["found"]["places"]) for t in touched.values())
    return record(
        deps, team, who, f"entity-{action}", f"{what} ({n} in {len(touched)} topics)",
        rule=serde.dumps(rule), previous=serde.dumps(previous) if previous else "", topics=touched,
    )  # fmt: skip


def _apply_to_topics(
    deps: Deps, team: str, slugs: list[str], rule: EntityRule
) -> dict[str, dict[str, Any]]:
    rules = edits(deps).entity_rules(team)
    touched: dict[str, dict[str, Any]] = {}
    for slug in slugs:

        def correct(s: Staged, slug: str = slug) -> dict[str, Any] | None:
            found = entity_counts.names_matching(s, team, slug, rule)
            ids = [*found["actors"], *found["places"]]
            dev_ids = entity_counts.developments_naming(s, team, slug, rule, ids)
            if not ids and not dev_ids:
                return None
            entity_counts.correct_counts(s, team, slug, rule, found)
            corrections.rebuild(s, deps.store, team, slug, dev_ids, rules, now())
            return {"found": found, "devs": dev_ids}

        done = deps.topic_state.edit(team, slug, correct)
        if done is not None:
            touched[slug] = done
    return touched


def undo_entity(deps: Deps, team: str, payload: dict[str, Any]) -> None:
    rule = serde.loads(EntityRule, payload["rule"])
    store = edits(deps)
    if payload.get("previous"):
        store.set_entity_rule(team, serde.loads(EntityRule, payload["previous"]))
    else:
        store.drop_entity_rule(team, rule.key)
    rules = store.entity_rules(team)
    known = {t.name for t in deps.store.topics(team)}
    for slug, done in payload["topics"].items():
        if slug not in known:
            continue
        found: Found = {
            kind: {ident: (float(v[0]), str(v[1])) for ident, v in rows.items()}
            for kind, rows in done["found"].items()
        }

        def put_back(
            s: Staged, slug: str = slug, found: Found = found, devs: Any = done["devs"]
        ) -> None:
            entity_counts.correct_counts(s, team, slug, rule, found, undo=True)
            corrections.rebuild(s, deps.store, team, slug, devs, rules, now())

        deps.topic_state.edit(team, slug, put_back)
