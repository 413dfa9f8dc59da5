"""A submitted correction form goes through the same call as ``/brief edit``
(``handlers.edits.correct``), with what the form adds: the topic of a split."""

from __future__ import annotations

from bot import edits, service
from bot.deps import Deps
from bot.jobs.pipeline import store_article
from bot.slack.edit_payloads import FormRef, form_command
from bot.topics import corrections
from handlers.edits import correct
from tests.support.articles import troops


def test_a_split_from_a_form_moves_the_article_in_that_topic_only(deps: Deps) -> None:
    service.add_topic(deps, "T1", "desk", [])
    article = troops()
    assert store_article(deps, "T1", article, "x", also=["desk"]).status == "ingested"
    before = {
        t: corrections.development_of(deps.redis, "T1", t, article.id) for t in ("syria", "desk")
    }
    assert all(before.values())

    ref = FormRef("split", "T1", topic="desk", article=article.id)
    done = correct(deps, "T1", "U_EDITOR", form_command(ref, {}))

    after = {
        t: corrections.development_of(deps.redis, "T1", t, article.id) for t in ("syria", "desk")
    }
    assert after["syria"] == before["syria"] and after["desk"] not in {None, before["desk"]}
    assert (done.who, done.action) == ("U_EDITOR", "move")
    assert [c.number for c in edits.log(deps, "T1")] == [done.number]
