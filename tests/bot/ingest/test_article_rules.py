"""Body cleanup, the "is this an article?" rules and metadata choices, on plain fields."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.errors import NotAnArticle
from bot.ingest.article_rules import (
    check_article,
    clean_body,
    parse_datetime,
    pick_outlet,
    pick_published,
    pick_title,
    word_count,
)

SENTENCE = "The harbour board met on Tuesday and agreed to repair the northern wall before spring."
LONG_BODY = "\n".join([SENTENCE] * 6)


def test_cleanup_drops_furniture_and_keeps_reporting() -> None:
    text = "\n".join(
        [
            "Harbour board backs repairs",  # the headline again
            "By Mara Quintana",
            SENTENCE,
            "Photo: Harbour Herald",
            "Read more: Storm season in numbers",
            "RELATED: Ferry timetable changes",
            "Sign up for our morning newsletter in your inbox",
            "Share this article",
            "Don't miss",
            "Council tax rise approved [VIDEO]",
            "© 2026 Harbour Herald",
            "More than 300 boats use the harbour every week, the board said.",
            "Mara Quintana",
        ]
    )
    cleaned = clean_body(text, "Harbour board backs repairs", "Mara Quintana").splitlines()
    assert cleaned == [SENTENCE, "More than 300 boats use the harbour every week, the board said."]


def test_cleanup_leaves_long_lines_that_mention_furniture_words() -> None:
    line = (
        "Readers who share this concern wrote to the board, which said it would publish a "
        "newsletter about the works and that all rights of way along the quay stay open."
    )
    assert clean_body(line) == line


def test_word_count_counts_cjk_characters() -> None:
    assert word_count("two words") == 2
    assert word_count("新しい橋") == 4


def test_short_body_reasons_follow_the_page_signals() -> None:
    short = "Only a few words here."
    cases = [
        ({"paywall_text": True, "cookie_wall": True}, "paywall"),
        ({"js_wall": True, "cookie_wall": True}, "the page needs JavaScript"),
        ({"cookie_wall": True}, "cookie wall"),
        ({}, "too short"),
    ]
    for fields, reason in cases:
        with pytest.raises(NotAnArticle) as caught:
            check_article(short, fields, "https://x.example/a/b")
        assert caught.value.reason == f"not an article ({reason})"
    with pytest.raises(NotAnArticle) as caught:
        check_article("", {}, None)
    assert caught.value.reason == "not an article (no article text found)"


def test_not_free_pages_are_paywalls_only_when_short() -> None:
    with pytest.raises(NotAnArticle):
        check_article("\n".join([SENTENCE] * 5), {"free": False}, "https://x.example/a/b")
    check_article("\n".join([SENTENCE] * 12), {"free": False}, "https://x.example/a/b")


def test_home_page_and_link_lists() -> None:
    with pytest.raises(NotAnArticle) as caught:
        check_article(LONG_BODY, {"og_type": "website"}, "https://x.example/")
    assert caught.value.reason == "not an article (home page)"
    check_article(LONG_BODY, {"og_type": "article"}, "https://x.example/")
    headlines = "\n".join(f"Harbour board story number {i} in brief" for i in range(12))
    with pytest.raises(NotAnArticle) as caught:
        check_article(headlines, {}, "https://x.example/local")
    assert caught.value.reason == "not an article (a list of links)"
    check_article(LONG_BODY, {}, "https://x.example/local/story")


def test_title_fallbacks() -> None:
    assert pick_title({"t_title": " Main ", "og_title": "Other"}, "") == "Main"
    assert pick_title({"og_title": "Other"}, "") == "Other"
    assert pick_title({}, "one two three") == "one two three"
    assert pick_title({}, " ".join(["word"] * 20)).endswith("…")
    named = {"t_title": "Jam recipe | The Pantry", "og_site_name": "The Pantry"}
    assert pick_title(named, "") == "Jam recipe"
    assert pick_title({"t_title": "Jam - a recipe - Pantry", "t_sitename": "pantry"}, "") == (
        "Jam - a recipe"
    )
    assert pick_title({"t_title": "Left | Right", "og_site_name": "Other"}, "") == "Left | Right"


@pytest.mark.parametrize(
    ("fields", "url", "expected"),
    [
        ({"og_site_name": "Harbour Herald", "t_sitename": "herald"}, None, "Harbour Herald"),
        ({"t_sitename": "@HarbourHerald"}, None, "HarbourHerald"),
        ({"t_sitename": "www.harbourherald.co.uk"}, None, "harbourherald.co.uk"),
        ({}, "https://news.harbourherald.co.uk/2026/story", "harbourherald.co.uk"),
        ({}, "https://www.example.org/story", "example.org"),
        ({}, None, None),
    ],
)
def test_outlet(fields: dict[str, str], url: str | None, expected: str | None) -> None:
    assert pick_outlet(fields, url) == expected


def test_published_prefers_the_page_timestamp_when_it_agrees() -> None:
    fields = {"published_raw": "2026-01-20T22:30:00-05:00", "t_date": "2026-01-21"}
    assert pick_published(fields) == datetime(2026, 1, 21, 3, 30, tzinfo=UTC)
    disagree = {"published_raw": "2019-03-02T10:00:00Z", "t_date": "2026-01-21"}
    assert pick_published(disagree) == datetime(2026, 1, 21, tzinfo=UTC)
    assert pick_published({"t_date": "2026-01-21"}) == datetime(2026, 1, 21, tzinfo=UTC)
    assert pick_published({}) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "2026-01-20T09:30:00+01:00",
            datetime(2026, 1, 20, 9, 30, tzinfo=timezone(timedelta(hours=1))),
        ),
        ("2026-01-20T09:30:00Z", datetime(2026, 1, 20, 9, 30, tzinfo=UTC)),
        ("2026-01-20", datetime(2026, 1, 20, tzinfo=UTC)),
        ("Tue, 20 Jan 2026 09:30:00 EST", datetime(2026, 1, 20, 14, 30, tzinfo=UTC)),
        ("20 Jan 2026 09:30 IST", datetime(2026, 1, 20, 9, 30, tzinfo=UTC)),  # ambiguous zone
        ("not a date", None),
        ("1066-10-14", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_datetime(value: str | None, expected: datetime | None) -> None:
    got = parse_datetime(value)
    assert got == expected
    assert got is None or got.tzinfo is not None


def test_a_two_sentence_brief_under_a_cookie_banner_is_an_article() -> None:
    body = (
        "We use cookies to improve your experience. Accept all cookies to continue.\n"
        "Harbourside Rovers beat Millbrook Town 2-1 on Saturday with a late header. "
        "The win lifts Rovers to third place before next week's cup tie."
    )
    check_article(body, {"cookie_wall": True}, "https://x.example/sport/rovers")  # no raise


def test_a_cookie_banner_alone_is_still_a_cookie_wall() -> None:
    body = (
        "We use cookies and similar tools to run this site, count visits and show ads. "
        "Choose Accept all cookies to agree, or open Cookie settings to pick what you allow."
    )
    with pytest.raises(NotAnArticle) as caught:
        check_article(body, {"cookie_wall": True}, "https://x.example/sport/rovers")
    assert caught.value.reason == "not an article (cookie wall)"
