"""Editors' corrections (``bot.edits``) on a real Redis, with hand-built articles."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot import edits
from bot.deps import Deps
from bot.errors import InputError
from bot.jobs.pipeline import store_article
from bot.models import Article, Brief
from bot.store.fence import Staged
from bot.topics import corrections, topic_copy
from bot.topics import definitions as topic_defs
from bot.topics.brief import brief_for
from tests.support.articles import keyed_article, story_article, troops

WHO = "U_EDITOR"


def ingest(deps: Deps, article: Article, team: str = "T1") -> str:
    result = store_article(deps, team, article, article.url or "")
    assert result.status == "ingested", result.reason
    return result.developments[0].id


def brief(deps: Deps, topic: str = "syria") -> Brief:
    return brief_for(deps, "T1", topic, mark_seen=False)


def dev_of(deps: Deps, article: Article, topic: str = "syria") -> str | None:
    return corrections.development_of(Staged(deps.redis), "T1", topic, article.id)


def test_forget_removes_the_article_everywhere_and_refuses_it_again(deps: Deps) -> None:
    quake = [story_article("quake", n) for n in (1, 2)]
    for a in [*quake, troops()]:
        ingest(deps, a)
    before = brief(deps)
    assert before.article_count == 3

    done = edits.forget(deps, "T1", WHO, "https://levant.example/troops")

    after = brief(deps)
    assert after.article_count == 2 and after.source_count == 1
    assert "Kremlin" not in [a.name for a in after.actors]
    assert not any("Russian forces" in e.text for e in after.timeline)
    assert all(d.article_count == 2 for d in after.developments)
    assert deps.store.article_count("T1") == 2
    again = store_article(deps, "T1", troops(), "again")
    assert again.status == "failed" and f"#{done.number}" in (again.reason or "")

    edits.undo(deps, "T1", WHO, done.number)
    restored = brief(deps)
    assert restored.article_count == 3
    assert "Kremlin" in [a.name for a in restored.actors]


def test_forget_names_an_unknown_article(deps: Deps) -> None:
    with pytest.raises(InputError, match="no article"):
        edits.forget(deps, "T1", WHO, "https://nowhere.example/x")


def test_merge_holds_for_later_articles_and_undoes(deps: Deps) -> None:
    quake = [story_article("quake", n) for n in (1, 2)]
    port = [story_article("port", n) for n in (1, 2)]
    for a in [*quake, *port]:
        ingest(deps, a)
    q, p = dev_of(deps, quake[0]), dev_of(deps, port[0])
    assert q and p and q != p

    done = edits.merge(deps, "T1", WHO, [q, p])

    assert [d.id for d in brief(deps).developments] == [q]
    assert brief(deps).developments[0].article_count == 4
    later = story_article("port", 3)
    ingest(deps, later)
    assert dev_of(deps, later) == q
    edits.undo(deps, "T1", WHO, done.number)
    assert {dev_of(deps, a) for a in port} == {p} and dev_of(deps, quake[0]) == q


def test_merge_refuses_developments_of_two_topics(deps: Deps) -> None:
    a = ingest(deps, story_article("quake", 1))
    b = ingest(deps, replace(story_article("port", 1), topics=["ukraine"]), team="T1")
    with pytest.raises(InputError, match="within a topic"):
        edits.merge(deps, "T1", WHO, [a, b])


def test_a_moved_out_article_keeps_its_copies_out(deps: Deps) -> None:
    quake = [story_article("quake", n) for n in (1, 2, 3)]
    for a in quake:
        ingest(deps, a)
    first = dev_of(deps, quake[0])
    assert {dev_of(deps, a) for a in quake} == {first}

    done = edits.move(deps, "T1", WHO, quake[1].url or "")

    split = dev_of(deps, quake[1])
    assert split not in (None, first)
    assert len(brief(deps).developments) == 2
    copy = keyed_article(
        "https://other.example/quake-copy", quake[1].text + " Reporting by staff.",
        title=quake[1].title, outlet="Other Outlet", published=quake[1].published,
        topics=["syria"],
    )  # fmt: skip
    ingest(deps, copy)
    assert dev_of(deps, copy) == split, "a copy of the moved article went back"
    edits.undo(deps, "T1", WHO, done.number)
    assert dev_of(deps, quake[1]) == first


def test_move_to_another_development(deps: Deps) -> None:
    quake, port = story_article("quake", 1), story_article("port", 1)
    ingest(deps, quake)
    target = ingest(deps, port)
    edits.move(deps, "T1", WHO, quake.url or "", to=target)
    assert [d.id for d in brief(deps).developments] == [target]
    assert brief(deps).developments[0].article_count == 2


def test_entity_corrections_apply_to_counts_and_developments(deps: Deps) -> None:
    ingest(deps, troops())
    edits.correct_entity(deps, "T1", WHO, "reject", "Kremlin")
    after = brief(deps)
    assert "Kremlin" not in [a.name for a in after.actors]
    assert "Kremlin" not in after.developments[0].actors

    rename = edits.correct_entity(deps, "T1", WHO, "rename", "Russian forces", "Russian army")
    assert "Russian army" in [a.name for a in brief(deps).actors]
    edits.undo(deps, "T1", WHO, rename.number)
    assert "Russian forces" in [a.name for a in brief(deps).actors]


def test_the_log_lists_who_and_what_and_an_undo_is_once(deps: Deps) -> None:
    ingest(deps, troops())
    done = edits.correct_entity(deps, "T1", WHO, "reject", "Kremlin")
    edits.undo(deps, "T1", "U_OTHER", done.number)
    log = edits.log(deps, "T1")
    assert [c.action for c in log] == ["undo", "entity-reject"]
    assert log[1].who == WHO and log[1].undone_by == "U_OTHER"
    with pytest.raises(InputError, match="already undone"):
        edits.undo(deps, "T1", WHO, done.number)
    with pytest.raises(InputError, match="no correction"):
        edits.undo(deps, "T1", WHO, 99)


def test_topic_remove_and_rename(deps: Deps) -> None:
    ingest(deps, troops())
    deps.store.follow("T1", "U1", "syria")
    renamed = edits.rename_topic(deps, "T1", WHO, "syria", "levant")
    assert brief(deps, "levant").article_count == 1
    assert brief(deps, "syria").topic == "levant", "the old name stays an alias"
    assert deps.store.followed("T1", "U1") == ["levant"]
    edits.undo(deps, "T1", WHO, renamed.number)
    assert [t.name for t in deps.store.topics("T1")].count("syria") == 1
    assert brief(deps, "syria").article_count == 1

    removed = edits.remove_topic(deps, "T1", WHO, "syria")
    assert "syria" not in [t.name for t in deps.store.topics("T1")]
    assert deps.store.followed("T1", "U1") == []
    assert topic_copy.state_keys(deps.redis, "T1", "syria") == []
    edits.undo(deps, "T1", WHO, removed.number)
    assert brief(deps, "syria").article_count == 1
    assert deps.store.followed("T1", "U1") == ["syria"]


def test_clean_removes_automatic_topics_nobody_keeps(deps: Deps) -> None:
    ingest(deps, troops())
    for name in ("said", "kremlin", "convoys"):
        deps.store.save_topic("T1", topic_defs.auto_topic(name))
    deps.store.follow("T1", "U1", "kremlin")
    cleaned = edits.clean_topics(deps, "T1", WHO)
    assert sorted(c.what for c in cleaned) == ["removed topic convoys", "removed topic said"]
    assert "kremlin" in [t.name for t in deps.store.topics("T1")]
    assert "said" not in [t.name for t in deps.store.topics("T1")]


def test_aliases_added_file_articles_and_removed_ones_go(deps: Deps) -> None:
    ingest(deps, troops())
    done = edits.change_aliases(deps, "T1", WHO, "syria", ["levant"], [])
    assert brief(deps, "levant").topic == "syria"
    edits.change_aliases(deps, "T1", WHO, "syria", [], ["levant"])
    assert brief(deps, "levant").known_topic is False
    with pytest.raises(InputError, match="no alias"):
        edits.change_aliases(deps, "T1", WHO, "syria", [], ["nowhere"])
    assert done.action == "topic-aliases"


def test_an_article_removed_from_a_topic_stays_out_when_it_comes_again(deps: Deps) -> None:
    article = replace(troops(), topics=["syria", "ukraine"])
    ingest(deps, article)
    done = edits.remove_from_topic(deps, "T1", WHO, article.url or "", "syria")
    assert brief(deps).article_count == 0 and brief(deps, "ukraine").article_count == 1
    again = store_article(deps, "T1", troops(), "again")
    assert again.status == "duplicate"
    assert brief(deps).article_count == 0, "a duplicate re-filed it"
    edits.undo(deps, "T1", WHO, done.number)
    assert brief(deps).article_count == 1


def test_a_removed_topic_is_not_recreated_by_a_duplicate(deps: Deps) -> None:
    ingest(deps, troops())
    edits.remove_topic(deps, "T1", WHO, "syria")
    assert store_article(deps, "T1", troops(), "again").status == "duplicate"
    assert topic_copy.state_keys(deps.redis, "T1", "syria") == []


def test_a_development_title_an_editor_gives_holds_as_articles_join(deps: Deps) -> None:
    first = story_article("quake", 1)
    dev_id = ingest(deps, first)
    done = edits.rename_development(deps, "T1", WHO, dev_id, "Aleppo quake: the rescue")
    ingest(deps, story_article("quake", 2))
    (dev,) = brief(deps).developments
    assert dev.article_count == 2 and dev.title == "Aleppo quake: the rescue"
    edits.undo(deps, "T1", WHO, done.number)
    assert brief(deps).developments[0].title != "Aleppo quake: the rescue"


def test_an_article_is_named_by_url_or_id_never_by_a_server_file(
    deps: Deps, tmp_path: Path
) -> None:
    article = troops()
    ingest(deps, article)
    secret = tmp_path / "notes.txt"
    secret.write_text(f"{article.title}\n{article.text}", encoding="utf-8")
    with pytest.raises(InputError, match="no article"):
        edits.forget(deps, "T1", WHO, str(secret))  # what a Slack user could type
    with pytest.raises(InputError, match="not a usable URL"):
        edits.forget(deps, "T1", WHO, "http://[::1")
    assert edits.forget(deps, "T1", WHO, article.id).action == "forget"
