"""Input that is no article is refused where it comes in, with the reason, and nothing
is stored: the CLI's ``ingest`` and ``extract`` of a README or a source file, and a
plain-text page behind a pasted link (its Slack reply names the reason). Real Redis,
in process; a two-paragraph brief in Markdown is still read."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import render
from bot.cli import main
from bot.config import TEAM_LOCAL, Settings
from bot.deps import Deps, build_deps
from bot.ingest.extract import Extractor, read_article_file
from bot.jobs import pipeline
from tests.bot.ingest.test_shape import BRIEF
from tests.support.pages import ArticleServer
from tests.support.paths import REPO

README = REPO / "README.md"
CODE = REPO / "bot" / "cli.py"
DOCS = "looks like Markdown documentation: headings, code blocks"


def test_ingest_of_a_readme_and_a_source_file_fails_naming_each_and_stores_nothing(
    deps: Deps, redis_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REDIS_URL", redis_url)
    assert main(["ingest", str(README), str(CODE)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert f"briefbot: {README}: not an article ({DOCS}" in "\n".join(err)
    assert f"briefbot: {CODE}: not an article (looks like source code: a .py file)" in err
    assert deps.store.article_count(TEAM_LOCAL) == 0
    assert all(count == 0 for _, count in deps.store.topics_with_counts(TEAM_LOCAL))

    assert main(["extract", str(README), "--json"]) == 1
    out, err_text = capsys.readouterr()
    assert out == "" and f"{README}: not an article ({DOCS}" in err_text


def test_a_two_paragraph_brief_in_markdown_is_read(tmp_path: Path) -> None:
    # the refusal lives in reading the file: what passes it is analysed and stored
    brief = tmp_path / "ferry.md"
    brief.write_text(f"# Eastmouth ferry crews walk out\n\n{BRIEF}\n")
    with Extractor(timeout=10) as extractor:
        read = read_article_file(brief, extractor)
    assert read.title == "Eastmouth ferry crews walk out" and read.text == BRIEF


@pytest.fixture
def fetching_deps(
    redis_url: str, redis_client: object, article_site: ArticleServer, tmp_path: Path
) -> Iterator[Deps]:
    allow = (article_site.allow_entry,)
    settings = Settings(redis_url=redis_url, data_dir=tmp_path / "data", fetch_allow_hosts=allow)
    deps = build_deps(settings)
    try:
        yield deps
    finally:
        deps.close()


def test_a_pasted_link_to_a_plain_text_readme_gets_the_reason(
    fetching_deps: Deps, article_site: ArticleServer
) -> None:
    url = article_site.add("/README.md", README.read_bytes(), content_type="text/plain")
    [result] = pipeline.ingest_url(fetching_deps, "T1", url)
    assert result.status == "failed" and not result.retryable
    assert (result.reason or "").startswith(f"not an article ({DOCS}")
    reply = str(render.blocks_to_dicts(render.ingest_reply_blocks(result)))
    assert f"Couldn't summarise this link: not an article ({DOCS}" in reply
    assert fetching_deps.store.article_count("T1") == 0
