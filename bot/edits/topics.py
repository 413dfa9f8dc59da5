"""Topic hygiene: remove or rename a topic, add or remove its aliases (and undo).

Removing a topic deletes its state, its definition (a seed topic is marked
removed for the workspace), its followers' follows and its place in digest
subscriptions (a subscription left with no topic is removed). Renaming copies
the state to the new name and keeps the old name as an alias, so ``/brief OLD``
still finds it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.digests.subscriptions import Subscription
from bot.edits.common import edits, record
from bot.errors import InputError
from bot.models import Topic
from bot.store import serde
from bot.store.edits import Correction
from bot.topics import definitions as topic_defs
from bot.topics import topic_copy
from bot.topics.brief import backfill
from bot.topics.state import Commit

if TYPE_CHECKING:
    from bot.deps import Deps


def _known(deps: Deps, team: str, name: str) -> Topic:
    topic = topic_defs.resolve(name, deps.store.topics(team)) if name.strip() else None
    if topic is None:
        raise InputError(f"no topic {name!r} in workspace {team}")
    return topic


def _is_seed(deps: Deps, slug: str) -> bool:
    return any(t.name == slug for t in deps.store.seed_topics)


def remove_topic(deps: Deps, team: str, who: str, name: str) -> Correction:
    topic = _known(deps, team, name)
    slug = topic.name
    store = edits(deps)
    followers = store.followers(team, slug)
    subs = _retarget_subscriptions(deps, team, slug, None)
    for user in followers:
        deps.store.unfollow(team, user, slug)
    deps.topic_state.in_batches(
        team, slug, lambda commit: topic_copy.delete_state(deps.redis, team, slug, commit)
    )
    store.drop_topic_definition(team, slug)
    if _is_seed(deps, slug):
        store.set_topic_removed(team, slug, True)
    return record(
        deps, team, who, "topic-remove", f"removed topic {slug}",
        topic=serde.dumps(topic), followers=followers, subs=subs,
    )  # fmt: skip


def undo_remove_topic(deps: Deps, team: str, payload: dict[str, Any]) -> None:
    topic = serde.loads(Topic, payload["topic"])
    if topic_defs.resolve(topic.name, deps.store.topics(team)) is not None:
        raise InputError(f"a topic {topic.name} exists again: remove it first")
    _restore_definition(deps, team, topic)
    for user in payload["followers"]:
        deps.store.follow(team, user, topic.name)
    for raw in payload["subs"]:
        deps.subscriptions.save(serde.loads(Subscription, raw))
    backfill(deps, team, topic)


def rename_topic(deps: Deps, team: str, who: str, name: str, new_name: str) -> Correction:
    topic = _known(deps, team, name)
    new_slug = topic_defs.slugify(new_name)
    if new_slug == topic.name:
        raise InputError(f"the topic is already called {new_slug}")
    if topic_defs.resolve(new_slug, deps.store.topics(team)) is not None:
        raise InputError(f"there is already a topic {new_slug}: remove it first")
    renamed = Topic(
        name=new_slug,
        aliases=sorted({*topic.aliases, topic_defs.normalise(topic.name.replace("-", " "))}),
        countries=list(topic.countries),
        description=topic.description,
        defined_by="user",
    )
    _move_topic(deps, team, topic, renamed)
    return record(
        deps, team, who, "topic-rename", f"renamed topic {topic.name} to {new_slug}",
        old=serde.dumps(topic), new=serde.dumps(renamed),
    )  # fmt: skip


def undo_rename_topic(deps: Deps, team: str, payload: dict[str, Any]) -> None:
    old = serde.loads(Topic, payload["old"])
    new = serde.loads(Topic, payload["new"])
    current = topic_defs.resolve(new.name, deps.store.topics(team))
    if current is None or current.name != new.name:
        raise InputError(f"topic {new.name} no longer exists")
    _move_topic(deps, team, current, old)


def _move_topic(deps: Deps, team: str, old: Topic, new: Topic) -> None:
    store = edits(deps)
    redis, state = deps.redis, deps.topic_state

    def copy(commit_new: Commit) -> bool:
        return topic_copy.delete_state(redis, team, new.name, commit_new) and topic_copy.copy_state(
            redis, team, old.name, new.name, commit_new
        )

    def move(commit_old: Commit) -> bool:
        # the old topic's lock is held throughout: the copy reads a state no join changes,
        # and if the lock was lost meanwhile deleting it is refused and all starts over
        state.in_batches(team, new.name, copy)
        return topic_copy.delete_state(redis, team, old.name, commit_old)

    state.in_batches(team, old.name, move)
    store.drop_topic_definition(team, old.name)
    if _is_seed(deps, old.name):
        store.set_topic_removed(team, old.name, True)
    _restore_definition(deps, team, new)
    for user in store.followers(team, old.name):
        deps.store.unfollow(team, user, old.name)
        deps.store.follow(team, user, new.name)
    _retarget_subscriptions(deps, team, old.name, new.name)


def _restore_definition(deps: Deps, team: str, topic: Topic) -> None:
    if _is_seed(deps, topic.name):
        edits(deps).set_topic_removed(team, topic.name, False)
    if topic.defined_by != "seed" or not _is_seed(deps, topic.name):
        deps.store.save_topic(team, topic)


def _retarget_subscriptions(deps: Deps, team: str, slug: str, new: str | None) -> list[str]:
    """Replace ``slug`` by ``new`` in the team's subscriptions (drop it with None);
    returns the subscriptions as they were, for undoing."""
    before = []
    for sub in deps.subscriptions.for_team(team):
        if slug not in sub.topics:
            continue
        before.append(serde.dumps(sub))
        topics = [t for t in sub.topics if t != slug]
        if new is not None and new not in topics:
            topics.insert(sub.topics.index(slug), new)
        if topics:
            sub.topics = topics
            deps.subscriptions.save(sub)
        else:
            deps.subscriptions.remove(team, sub.id)
    return before


def change_aliases(
    deps: Deps, team: str, who: str, name: str, add: list[str], remove: list[str]
) -> Correction:
    """Add or remove aliases of a topic; added ones file matching articles now."""
    topic = _known(deps, team, name)
    before = serde.dumps(topic)
    added = [a for a in (topic_defs.normalise(x) for x in add) if a]
    dropped = {topic_defs.normalise(x) for x in remove}
    missing = sorted(dropped - set(topic.aliases))
    if missing:
        raise InputError(f"{topic.name} has no alias {', '.join(missing)}")
    if not added and not dropped:
        raise InputError("which alias? `edit topic alias NAME --add ALIAS` or `--remove ALIAS`")
    topic.aliases = sorted((set(topic.aliases) | set(added)) - dropped)
    topic.defined_by = "user" if topic.defined_by == "auto" else topic.defined_by
    deps.store.save_topic(team, topic)
    if added:
        backfill(deps, team, topic)
    parts = [f"added {', '.join(added)}"] if added else []
    parts += [f"removed {', '.join(sorted(dropped))}"] if dropped else []
    what = f"aliases of {topic.name}: {'; '.join(parts)}"
    return record(deps, team, who, "topic-aliases", what, before=before)


def undo_aliases(deps: Deps, team: str, payload: dict[str, Any]) -> None:
    deps.store.save_topic(team, serde.loads(Topic, payload["before"]))


def clean_topics(deps: Deps, team: str, who: str) -> list[Correction]:
    """Remove the automatic topics (made by asking, before asking became a search)
    that nobody follows and no digest names; each removal is a correction."""
    store = edits(deps)
    in_digests = {t for sub in deps.subscriptions.for_team(team) for t in sub.topics}
    done = []
    for topic in deps.store.topics(team):
        if topic.defined_by != "auto" or topic.name in in_digests:
            continue
        if store.followers(team, topic.name):
            continue
        done.append(remove_topic(deps, team, who, topic.name))
    return done
