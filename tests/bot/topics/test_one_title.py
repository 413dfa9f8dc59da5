"""One title for one story wherever it shows, against a real Redis: in the briefs of
every topic it is filed in (whatever order its articles came in there), in the
link reply of an article that joins it, and with the editor's title once given."""

from __future__ import annotations

from dataclasses import replace

from bot import edits, render
from bot.deps import Deps
from bot.jobs.pipeline import store_article
from bot.models import Topic
from bot.topics.brief import brief_for
from tests.bot.topics.test_labels import T0, report
from tests.support.articles import STORIES, story_article


def define(deps: Deps, name: str) -> None:
    deps.store.save_topic("T1", Topic(name=name, defined_by="user"))


def labels(deps: Deps, topic: str) -> list[tuple[str, str]]:
    brief = brief_for(deps, "T1", topic, mark_seen=False)
    return [(d.title, d.summary) for d in brief.developments]


def test_a_story_filed_in_two_topics_has_one_title_and_summary_in_both(deps: Deps) -> None:
    define(deps, "harbour")
    reports = [replace(report(n), topics=["syria", "harbour"]) for n in range(14)]
    for a in reports:  # as they were published
        deps.topic_state.add_article("T1", "syria", a, T0)
    for a in reports[::-1]:  # as a backfill or a late feed might bring them
        deps.topic_state.add_article("T1", "harbour", a, T0)
    for topic in ("syria", "harbour"):  # the same fourteen members in both
        [dev] = brief_for(deps, "T1", topic, mark_seen=False).developments
        assert dev.article_count == 14
    syria, harbour = labels(deps, "syria"), labels(deps, "harbour")
    assert syria == harbour
    # a title and a summary of the same report
    title, summary = syria[0]
    day = title.rsplit(" ", 1)[-1]
    assert summary.startswith(f"On day {day} ")


def reply_text(deps: Deps, n: int) -> str:
    article = replace(story_article("port", n), topics=["syria", "russia"])
    result = store_article(deps, "T1", article, article.url or "")
    assert result.status == "ingested", result.reason
    return str(render.blocks_to_dicts(render.ingest_reply_blocks(result)))


def test_a_link_reply_names_one_storyline_once_with_the_editors_title(deps: Deps) -> None:
    define(deps, "russia")
    first = reply_text(deps, 1)
    title = STORIES["port"][0]
    assert first.count(title) == 2  # the article's own headline, and its storyline once
    assert f"New storyline in _syria_, _russia_: *{title}*" in first

    [dev] = brief_for(deps, "T1", "syria", mark_seen=False).developments
    done = edits.rename_development(deps, "T1", "U_EDITOR", dev.id, "Port lease: the terms")
    # the same story in russia takes the editor's title too, in its brief and in replies
    assert [t for t, _ in labels(deps, "russia")] == ["Port lease: the terms"]
    later = reply_text(deps, 2)
    assert "Update to a storyline in _syria_, _russia_: *Port lease: the terms*" in later
    assert title not in later.replace(f"*<https://levant-ledger.example/port/2|{title}>*", "")

    edits.undo(deps, "T1", "U_EDITOR", done.number)
    assert [t for t, _ in labels(deps, "syria")] == [t for t, _ in labels(deps, "russia")]
    assert labels(deps, "russia")[0][0] == title
