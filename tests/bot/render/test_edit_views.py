"""The editors' controls and forms (``bot.render.edit_views``): where the menus are,
what the forms offer, escaping, and Slack's limits on hostile-sized input."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from bot import render
from bot.models import Article, ArticleRef, Entity, IngestResult, Place
from bot.render import edit_views as views
from tests.bot.render.test_render import HOSTILE, NOW, brief, dev, dicts, texts

Json = dict[str, Any]


def menus(blocks: list[Json]) -> dict[str, list[str]]:
    """Development id -> the values of its menu, for each development with one."""
    found = {}
    for block in blocks:
        menu = block.get("accessory") or {}
        if menu.get("action_id") == views.DEV_MENU:
            values = [o["value"] for o in menu["options"]]
            found[values[0].split("|", 1)[1]] = values
    return found


def test_the_askers_brief_has_a_menu_on_each_development_others_none() -> None:
    assert menus(dicts(render.brief_blocks(brief()))) == {
        d: [f"{op}|{d}" for op in ("rename", "merge", "move", "remove")] for d in ("d1", "d2")
    }
    assert menus(dicts(render.brief_blocks(brief(), actions=False))) == {}  # posted to a channel
    assert menus(dicts(render.brief_blocks(brief(known_topic=False)))) == {}  # a search


def article(**changes: Any) -> Article:
    base = Article(
        id="a1",
        url="https://levant.example/1",
        canonical_url="https://levant.example/1",
        title="Russia leaves Qamishli",
        text="…",
        content_hash="h1",
        actors=[
            Entity("person:ahmad", "Ahmad", "person"),
            Entity("org:x", "Reuters", "organization"),
        ],
        locations=[Place("geo:1", "Al Qamishli", "city", "SY")],
        topics=["syria"],
    )
    return replace(base, **changes)


def test_the_article_modal_offers_each_topic_and_name_with_its_own_words() -> None:
    view = views.article_menu("{}", article(), [dev(1)])
    overflows = [b["accessory"] for b in view["blocks"] if "accessory" in b]
    values = [[o["value"] for o in m["options"]] for m in overflows]
    assert values[0] == ["move|syria", "split|syria", "remove|syria"]
    assert values[1:] == [
        ["reject|Ahmad", "merge|Ahmad", "rename|Ahmad"],
        ["reject|Reuters", "merge|Reuters", "rename|Reuters"],
        ["reject|Al Qamishli", "merge|Al Qamishli", "rename|Al Qamishli"],
    ]
    rejects = [m["options"][0]["text"]["text"] for m in overflows[1:]]
    assert rejects == ["Not a person", "Not an organization", "Not a place"]
    (button,) = next(b for b in view["blocks"] if b["type"] == "actions")["elements"]
    assert button["action_id"] == views.ARTICLE_FORGET
    assert "in no topic" in json.dumps(views.article_menu("{}", article(), []))


def test_hostile_names_and_titles_are_escaped_and_cut_to_slacks_limits() -> None:
    long_name = "N" * 200  # too long to travel in an option value: left out of the menu
    nasty = article(
        title=HOSTILE * 20,
        actors=[Entity("p:1", HOSTILE, "person"), Entity("p:2", long_name, "person")],
    )
    many = [dev(n, title=HOSTILE * 5) for n in range(150)]
    built = [
        views.article_menu("{}", nasty, [dev(1, title=HOSTILE * 5)]),
        views.merge_form("{}", dev(1), many),
        views.move_form(
            "{}", "syria", many, articles=[ArticleRef("a", None, HOSTILE * 9, None, NOW)]
        ),
        views.name_form("{}", HOSTILE, merge=True),
        views.rename_form("{}", dev(1, title=HOSTILE * 40)),
        views.message_view(HOSTILE),
    ]
    for view in built:  # slack_sdk checked the limits in to_dict(); escaping is ours
        shown = " ".join(texts([b for b in view["blocks"] if b["type"] != "input"]))
        assert "<!channel>" not in shown and "<@U123>" not in shown  # values are never shown
        assert long_name not in json.dumps(view)
    options = built[1]["blocks"][1]["element"]["options"]
    assert len(options) == 100 and all(len(o["text"]["text"]) <= 75 for o in options)
    # a rename starts from the current title, as typed text (not mrkdwn), at most 200
    field = built[4]["blocks"][1]["element"]
    assert field["max_length"] == 200 and field["initial_value"] == (HOSTILE * 40)[:200]


def test_a_form_offers_only_the_newest_articles_and_says_so() -> None:
    crowded = dev(1, article_count=57)
    text = json.dumps(views.remove_form("{}", crowded))
    assert "newest 2 of its 57 articles" in text
    assert "newest" not in json.dumps(views.remove_form("{}", dev(1, article_count=2)))


def test_link_replies_name_their_article_for_the_shortcut() -> None:
    result = IngestResult(source="https://levant.example/1", status="ingested", article=article())
    first = dicts(render.ingest_reply_blocks(result))[0]
    assert first["block_id"] == "briefbot-article:a1"
    again = dicts(render.duplicate_reply_blocks("Russia leaves", None, "a1"))
    assert again[0]["block_id"] == "briefbot-article:a1"
    failed = IngestResult(source="https://x.example/", status="failed", reason="too large")
    assert not any(
        str(b.get("block_id", "")).startswith("briefbot-article:")
        for b in dicts(render.ingest_reply_blocks(failed))
    )
