"""Only article-shaped text is ingested: documentation, code, licences and lists are
refused with the reason, whatever their length; short news briefs, briefs under a
cookie banner, hard-wrapped and Markdown news, and every seed article pass."""

from __future__ import annotations

import pytest

from bot.errors import NotAnArticle
from bot.ingest import shape
from bot.ingest.article_rules import check_shape, check_suffix
from bot.ingest.extract import Extractor, read_article_file
from tests.support.paths import REPO
from tests.support.seeds import seed_files

# Written for these tests: a two-paragraph brief on an invented town.
BRIEF = (
    "Ferry crews in Eastmouth walked out on Monday morning over a pay offer, leaving "
    "about 2,000 commuters to find other ways across the estuary.\n\n"
    "The operator said talks would resume on Wednesday and that a reduced timetable "
    "would run from Tuesday."
)
COOKIES = "We use cookies to improve your experience. Accept all cookies to continue."


def reason(text: str, *, markup: bool = True) -> str | None:
    return shape.problem(text, markup=markup)


# ---- refused ---------------------------------------------------------------------------


def test_the_projects_readme_is_markdown_documentation() -> None:
    text = (REPO / "README.md").read_text()
    assert len(text.split()) > 2000  # long, and still no article
    assert reason(text) is not None
    found = reason(text) or ""
    assert found.startswith("looks like Markdown documentation: headings, code blocks")


def test_source_code_is_refused_by_its_lines_and_by_its_name() -> None:
    code = (REPO / "bot" / "cli.py").read_text()
    assert (reason(code) or "").startswith("looks like source code: ")
    with pytest.raises(NotAnArticle) as caught:
        check_suffix("cli.py")
    assert caught.value.reason == "not an article (looks like source code: a .py file)"
    check_suffix("story.txt")  # no raise
    check_suffix("README")  # no raise: no suffix says nothing


def test_code_pasted_into_a_text_file_is_code() -> None:
    js = "\n".join(
        [
            "import { render } from './view.js';",
            "const items = [];",
            "function add(item) {",
            "  items.push(item);",
            "  return items.length;",
            "}",
            "export default add;",
        ]
    )
    assert (reason(js) or "").startswith("looks like source code: ")


def test_a_script_a_licence_and_a_list_are_no_articles() -> None:
    script = "#!/bin/sh\necho starting the backup of the harbour records now.\n"
    assert reason(script) == "looks like a script (it starts with #!)"
    licence = (
        "Copyright 2026 Eastmouth Harbour Tools\n\nPermission is hereby granted, free of "
        "charge, to any person obtaining a copy of this software, to deal in it freely."
    )
    assert reason(licence) == "looks like a software licence"
    items = ["bread", "milk", "eggs", "rope", "nets", "tar", "paint", "oars", "salt", "tea"]
    shopping = "\n".join(["Groceries", *items])
    assert reason(shopping) == "looks like a list, not article text"
    table = "Tide times\n06:12 high\n12:40 low\n18:31 high"
    assert reason(table) == "no sentences of article text"


# ---- passed --------------------------------------------------------------------------


def test_short_briefs_pass_with_or_without_a_cookie_banner_or_markup() -> None:
    assert reason(BRIEF) is None
    assert reason(f"{COOKIES}\n\n{BRIEF}") is None
    assert reason(f"# Ferry crews walk out\n\n{BRIEF}") is None
    assert reason(BRIEF, markup=False) is None


def test_news_with_subheads_a_results_table_or_hard_wrapped_lines_passes() -> None:
    subheads = "\n\n".join(f"## Part {i}\n\n{BRIEF}" for i in range(5))
    assert reason(subheads) is None
    results = f"{BRIEF}\n\n| Ward | Votes |\n| --- | --- |\n| North | 1,204 |\n| South | 987 |\n"
    assert reason(results) is None
    wrapped = "\n".join(
        [
            "Ferry crews in Eastmouth walked out on Monday morning over a",
            "pay offer, leaving about 2,000 commuters to find other ways",
            "across the estuary; the operator said talks would resume on",
            "Wednesday.",
        ]
    )
    assert reason(wrapped) is None


def test_japanese_news_is_not_a_list() -> None:
    # two sentences of invented news; characters count as words
    japanese = (
        "東町の港で月曜日にフェリーの乗組員がストライキを始めた。\n\n"
        "会社は水曜日に交渉を再開すると発表した。"
    )
    assert reason(japanese) is None


def test_every_seed_article_passes() -> None:
    with Extractor(timeout=20) as extractor:
        for path in seed_files():
            extracted = read_article_file(path, extractor)  # the HTML rules, shape included
            as_text = f"{extracted.title}\n\n{extracted.text}"
            check_shape(as_text, path.name, markup=True)  # and as a .txt of the same
