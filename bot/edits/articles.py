"""Corrections of articles and developments: forget, merge, move (and their undoing)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from bot.edits.common import (
    edits,
    find_article,
    now,
    record,
    topic_of_development,
    topics_holding,
)
from bot.errors import InputError
from bot.models import Article
from bot.store import serde
from bot.store.edits import Correction, EntityRule
from bot.store.fence import Staged
from bot.topics import corrections
from bot.topics import definitions as topic_defs
from bot.topics.entity_rules import apply_rules

if TYPE_CHECKING:
    from bot.deps import Deps

TITLE_MAX = 200


def forget(deps: Deps, team: str, who: str, ref: str) -> Correction:
    """Remove an article from briefbot: its topics, developments, timeline events,
    counts and indexes. It is refused if it comes again, until the removal is undone."""
    article = find_article(deps, team, ref)
    store = edits(deps)
    rules = store.entity_rules(team)
    held = topics_holding(deps, team, article.id)
    # the work first, the record after: a forget stopped half-way (a busy topic)
    # leaves no record to undo, and running it again finishes it
    for topic in held:
        deps.topic_state.edit(team, topic, _taking_out(deps, team, topic, article, rules))
    store.remove_article(team, article, topic_defs.index_terms(article))
    what = f"removed {_label(article)} from {', '.join(held) or 'no topic'}"
    filed = sorted(set(held) | set(article.topics))  # the topics a half-done forget left
    entry = record(deps, team, who, "forget", what, article=serde.dumps(article), topics=filed)
    store.forget_marks(team, _marks(article), entry.number)
    return entry


def undo_forget(deps: Deps, team: str, payload: dict[str, Any]) -> None:
    article = serde.loads(Article, payload["article"])
    store = edits(deps)
    store.unforget_marks(team, _marks(article))
    if deps.store.save_article(team, article):
        return  # it came again meanwhile (another copy): nothing to restore
    when = (article.published or article.ingested_at or now()).timestamp()
    deps.store.index_terms(team, article.id, topic_defs.index_terms(article), when)
    counted = apply_rules(article, store.entity_rules(team))
    known = {t.name for t in deps.store.topics(team)}
    for topic in payload["topics"]:
        if topic in known:
            deps.topic_state.add_article(team, topic, counted, now())
    deps.store.filed(team, article.id)


def remove_from_topic(deps: Deps, team: str, who: str, ref: str, topic: str) -> Correction:
    """Take an article out of one topic (it stays in briefbot and its other topics);
    a copy of it that comes again is not filed there again."""
    article = find_article(deps, team, ref)
    slug = topic_defs.slugify(topic)
    if not deps.topic_state.contains(team, slug, article.id):
        raise InputError(f"{_label(article)} is not in {slug}")
    store = edits(deps)
    rules = store.entity_rules(team)
    deps.topic_state.edit(team, slug, _taking_out(deps, team, slug, article, rules))
    store.rewrite_article(team, replace(article, topics=[t for t in article.topics if t != slug]))
    what = f"removed {_label(article)} from {slug}"
    return record(deps, team, who, "remove", what, article=article.id, topic=slug)


def undo_remove(deps: Deps, team: str, payload: dict[str, Any]) -> None:
    article = deps.store.get_article(team, payload["article"])
    topic = payload["topic"]
    if article is None:
        raise InputError("the article is no longer in briefbot")
    if topic not in article.topics:
        edits(deps).rewrite_article(team, replace(article, topics=[*article.topics, topic]))
    if any(t.name == topic for t in deps.store.topics(team)):
        counted = apply_rules(article, edits(deps).entity_rules(team))
        deps.topic_state.add_article(team, topic, counted, now())


def merge(deps: Deps, team: str, who: str, dev_ids: list[str]) -> Correction:
    """Merge developments into the first one (all of one topic)."""
    dev_ids = list(dict.fromkeys(d.strip() for d in dev_ids if d.strip()))
    if len(dev_ids) < 2:
        raise InputError("merge needs two developments or more: `edit merge DEV_ID DEV_ID`")
    target, others = dev_ids[0], dev_ids[1:]
    topic = topic_of_development(deps, team, target)
    for other in others:
        if not corrections.has_development(deps.redis, team, topic, other):
            raise InputError(f"no development {other} in topic {topic}: merge works within a topic")
    rules = edits(deps).entity_rules(team)

    def merge_into(s: Staged) -> dict[str, str]:
        members = corrections.memberships(s, team, topic)
        moved = {a: d for a, d in members.items() if d in others}
        corrections.reassign(s, team, topic, dict.fromkeys(moved, target))
        corrections.rebuild(s, deps.store, team, topic, dev_ids, rules, now())
        return moved

    moved = deps.topic_state.edit(team, topic, merge_into)
    what = f"merged {', '.join(others)} into {target} ({topic}, {len(moved)} articles moved)"
    return record(deps, team, who, "merge", what, topic=topic, target=target, moved=moved)


def undo_merge(deps: Deps, team: str, payload: dict[str, Any]) -> None:
    topic, target, moved = payload["topic"], payload["target"], payload["moved"]
    _move_back(deps, team, topic, target, moved)


def move(
    deps: Deps,
    team: str,
    who: str,
    ref: str,
    *,
    to: str | None = None,
    topic: str | None = None,
) -> Correction:
    """Move an article to the development ``to``, or (``to`` None) to a new one of
    its own in each of its topics (or only in ``topic``)."""
    article = find_article(deps, team, ref)
    if to is not None:
        topics = [topic_of_development(deps, team, to)]
    else:
        held = topics_holding(deps, team, article.id)
        topics = [t for t in held if topic is None or t == topic_defs.slugify(topic)]
    if not topics or not all(deps.topic_state.contains(team, t, article.id) for t in topics):
        where = topics[0] if topics else (topic or "any topic")
        raise InputError(f"{_label(article)} is not in {where}")
    salt = now().isoformat()
    moves: dict[str, list[str]] = {}
    rules = edits(deps).entity_rules(team)
    for slug in topics:

        def move_one(s: Staged, slug: str = slug) -> list[str]:
            was = corrections.development_of(s, team, slug, article.id) or ""
            dest = to or corrections.split_id(slug, article.id, salt)
            if was == dest:
                raise InputError(f"{_label(article)} is already in {dest}")
            corrections.reassign(s, team, slug, {article.id: dest})
            corrections.rebuild(s, deps.store, team, slug, [was, dest], rules, now())
            return [was, dest]

        moves[slug] = deps.topic_state.edit(team, slug, move_one)
    what = "; ".join(
        f"moved {_label(article)} from {a} to {b} ({t})" for t, (a, b) in moves.items()
    )
    return record(deps, team, who, "move", what, article=article.id, moves=moves)


def undo_move(deps: Deps, team: str, payload: dict[str, Any]) -> None:
    for topic, (was, dest) in payload["moves"].items():
        _move_back(deps, team, topic, dest, {payload["article"]: was})


def rename_development(deps: Deps, team: str, who: str, dev_id: str, title: str) -> Correction:
    """Give a development a title of the editor's; it holds as articles join.

    The same story in the workspace's other topics (their development labelled from
    the same lead article) takes the title too: one story has one title everywhere.
    """
    title = " ".join(title.split())[:TITLE_MAX]
    if not title:
        raise InputError("which title? `edit rename DEV_ID --to TITLE`")
    topic = topic_of_development(deps, team, dev_id)
    before = corrections.title_of(deps.redis, team, topic, dev_id)
    also = _same_story(deps, team, topic, dev_id)
    corrections.set_title(deps.redis, team, topic, dev_id, title)
    for other, other_id, _ in also:
        corrections.set_title(deps.redis, team, other, other_id, title)
    what = f"retitled {dev_id} ({topic}) “{title}”"
    if also:
        what += " and the same story in " + ", ".join(t for t, _, _ in also)
    return record(
        deps, team, who, "rename", what, topic=topic, dev=dev_id, before=before, also=also
    )


def undo_rename(deps: Deps, team: str, payload: dict[str, Any]) -> None:
    corrections.set_title(deps.redis, team, payload["topic"], payload["dev"], payload["before"])
    for topic, dev_id, before in payload.get("also", []):
        corrections.set_title(deps.redis, team, topic, dev_id, before)


def _same_story(
    deps: Deps, team: str, topic: str, dev_id: str
) -> list[tuple[str, str, str | None]]:
    """[topic, development id, its editor title or None] of the developments of other
    topics labelled from the same lead article as ``dev_id``."""
    dev = corrections.load_development(deps.redis, team, topic, dev_id)
    lead = dev.features.label_source if dev else ""
    if not lead:
        return []
    out: list[tuple[str, str, str | None]] = []
    for other in topics_holding(deps, team, lead):
        other_id = corrections.development_of(deps.redis, team, other, lead)
        if other == topic or not other_id:
            continue
        found = corrections.load_development(deps.redis, team, other, other_id)
        if found is not None and found.features.label_source == lead:
            out.append((other, other_id, corrections.title_of(deps.redis, team, other, other_id)))
    return out


def _move_back(deps: Deps, team: str, topic: str, now_in: str, moved: dict[str, str]) -> None:
    """Put articles still in ``now_in`` back where ``moved`` says they were."""
    if not deps.store.topics(team) or not any(t.name == topic for t in deps.store.topics(team)):
        raise InputError(f"topic {topic} no longer exists")
    rules = edits(deps).entity_rules(team)

    def move_back(s: Staged) -> None:
        members = corrections.memberships(s, team, topic)
        back = {a: d for a, d in moved.items() if members.get(a) == now_in and d}
        corrections.reassign(s, team, topic, back)
        touched = [now_in, *dict.fromkeys(back.values())]
        corrections.rebuild(s, deps.store, team, topic, touched, rules, now())

    deps.topic_state.edit(team, topic, move_back)


def _taking_out(
    deps: Deps, team: str, topic: str, article: Article, rules: list[EntityRule]
) -> Callable[[Staged], None]:
    """The change that takes ``article`` out of ``topic``: its counts, its timeline
    lines and its development, rebuilt from the members left (deleted if the last)."""

    def take_out(s: Staged) -> None:
        dev_id = corrections.remove_article(s, team, topic, article, apply_rules(article, rules))
        if dev_id:
            corrections.rebuild(s, deps.store, team, topic, [dev_id], rules, now())

    return take_out


def _marks(article: Article) -> list[str]:
    return [m for m in (article.canonical_url, article.content_hash) if m]


def _label(article: Article) -> str:
    return article.url or article.canonical_url or f"“{article.title[:60]}” ({article.id})"


def payload_of(entry: Correction) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(entry.payload)
    return data
