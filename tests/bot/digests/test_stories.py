"""A digest of several topics shows a story once, against a real Redis: under the
topic that has the largest share of its articles (the subscription's order on a
tie), with the other topics named; its timeline lines once too."""

from __future__ import annotations

from datetime import timedelta

from bot import render
from bot.deps import Deps
from bot.digests.assemble import digest_for
from bot.models import Brief, Development, Digest, Topic
from bot.render.jsonout import digest_json
from tests.support.articles import STORIES, story_article
from tests.support.digests import utc

T0 = utc(2026, 3, 2, 6)
NOW = T0 + timedelta(hours=6)
PORT = STORIES["port"][0]


def define(deps: Deps, *names: str) -> None:
    for name in names:
        deps.store.save_topic("T1", Topic(name=name, defined_by="user"))


def file(deps: Deps, topic: str, story: str, *numbers: int) -> Development:
    dev = None
    for n in numbers:
        dev = deps.topic_state.add_article("T1", topic, story_article(story, n), T0)
    assert dev is not None
    return dev


def by_topic(digest: Digest) -> dict[str, Brief]:
    return {b.topic: b for b in digest.briefs}


def titles(brief: Brief) -> list[str]:
    return [d.title for d in brief.developments]


def port_everywhere(deps: Deps) -> None:
    """The port story in three topics (syria has two of its three articles), and a
    story of each topic's own."""
    define(deps, "russia", "kremlin")
    file(deps, "syria", "port", 1, 2)
    file(deps, "kremlin", "port", 1, 2, 3)
    file(deps, "russia", "port", 1, 2, 3)
    file(deps, "syria", "quake", 1, 2)
    file(deps, "kremlin", "vote", 1)


def test_a_story_shows_once_under_the_topic_with_most_of_its_articles(deps: Deps) -> None:
    port_everywhere(deps)
    digest = digest_for(deps, "T1", ["syria", "kremlin", "russia"], scope="digest:1", now=NOW)
    syria, kremlin, russia = (by_topic(digest)[t] for t in ("syria", "kremlin", "russia"))
    # syria is named first but has two of the three articles; kremlin and russia tie
    # on all three, and kremlin comes first in the subscription
    assert titles(syria) == [STORIES["quake"][0]]
    assert sorted(titles(kremlin)) == sorted([PORT, STORIES["vote"][0]])
    assert titles(russia) == []
    port = next(d for d in kremlin.developments if d.title == PORT)
    assert kremlin.also_in == {port.id: ["syria", "russia"]}
    assert set(syria.shown_under.values()) == {"kremlin"} and len(syria.shown_under) == 1
    assert set(russia.shown_under.values()) == {"kremlin"} and not russia.quiet
    # its timeline lines ("port step n") once, under kremlin
    lines = [e.text for b in digest.briefs for e in b.timeline]
    assert sorted(t for t in lines if t.startswith("port")) == [f"port step {n}" for n in (1, 2, 3)]
    assert {e.text for e in kremlin.timeline} >= {"port step 1", "port step 2", "port step 3"}

    text = render.digest_text(digest)
    assert text.count(PORT) == 1
    assert "Also in syria, russia" in text
    assert "russia — " in text and "1 development shown under kremlin." in text
    blocks = str(render.blocks_to_dicts(render.digest_blocks(digest)))
    assert blocks.count(PORT) == 1 and "Also in syria, russia" in blocks
    data = digest_json(digest)
    [shown] = [d for b in data["briefs"] for d in b["developments"] if d["title"] == PORT]
    assert shown["also_in"] == ["syria", "russia"]
    assert data["briefs"][2]["shown_under"] == {d: "kremlin" for d in russia.shown_under}


def test_the_subscriptions_order_breaks_a_tie(deps: Deps) -> None:
    port_everywhere(deps)
    digest = digest_for(deps, "T1", ["russia", "kremlin"], scope="digest:2", now=NOW)
    russia, kremlin = digest.briefs
    assert PORT in titles(russia) and PORT not in titles(kremlin)
    assert list(russia.also_in.values()) == [["kremlin"]]


def test_the_share_beats_the_order(deps: Deps) -> None:
    port_everywhere(deps)
    digest = digest_for(deps, "T1", ["syria", "russia"], scope="digest:3", now=NOW)
    syria, russia = digest.briefs
    assert PORT not in titles(syria) and PORT in titles(russia)
    assert titles(syria) == [STORIES["quake"][0]]


def test_different_stories_and_one_topic_digests_are_left_alone(deps: Deps) -> None:
    define(deps, "russia")
    file(deps, "syria", "port", 1, 2)
    file(deps, "russia", "port", 3, 4)  # the same words, none of the same articles
    digest = digest_for(deps, "T1", ["syria", "russia"], scope="digest:4", now=NOW)
    assert [len(b.developments) for b in digest.briefs] == [1, 1]
    assert all(not b.also_in and not b.shown_under for b in digest.briefs)
    alone = digest_for(deps, "T1", ["russia"], scope="digest:5", now=NOW)
    assert titles(alone.briefs[0]) == [PORT] and not alone.briefs[0].also_in


def test_one_article_in_a_larger_development_elsewhere_is_the_same_story(deps: Deps) -> None:
    define(deps, "russia")
    file(deps, "syria", "port", 2)
    file(deps, "russia", "port", 1, 2, 3, 4)
    digest = digest_for(deps, "T1", ["syria", "russia"], scope="digest:6", now=NOW)
    syria, russia = digest.briefs
    # both topics have article 2; russia has all four
    assert titles(syria) == [] and titles(russia) == [PORT]
    assert "1 development shown under russia." in render.digest_text(digest)
