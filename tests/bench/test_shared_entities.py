"""``bench.shared_entities``: the annotations match the sample drawn from ../shared/eval,
every annotated form occurs in its text, and the benchmark skips without the data."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import shared_entities
from bench.entities import Score
from bench.shared_entities import PER_CORPUS, annotations, sample, split_of, spread
from bench.summaries import eval_dir


@pytest.fixture(scope="module")
def articles() -> list[shared_entities.Article]:
    folder = eval_dir()
    if folder is None:
        pytest.skip("no ../shared/eval/summaries on this machine")
    return sample(folder)


def test_every_annotation_is_of_a_sampled_article_in_its_half(
    articles: list[shared_entities.Article],
) -> None:
    gold = annotations("all")
    assert len(articles) == 2 * PER_CORPUS and set(gold) == {a.name for a in articles}
    for corpus in ("cnndm", "xsum"):
        mine = [a for a in articles if a.corpus == corpus]
        assert [gold[a.name]["split"] for a in mine] == [split_of(i) for i in range(len(mine))]


def test_every_annotated_form_occurs_in_its_text(
    articles: list[shared_entities.Article],
) -> None:
    gold = annotations("all")
    missing = [
        (a.name, form)
        for a in articles
        for entry in [*gold[a.name]["actors"], *gold[a.name]["places"]]
        for form in [entry["name"], *entry["aliases"]]
        if form not in a.text
    ]
    assert missing == []


def test_without_the_data_it_skips_with_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(shared_entities, "eval_dir", lambda: None)
    assert shared_entities.main(["--split", "tune"]) == 0
    assert capsys.readouterr().out.startswith("shared entities: skipped")


def test_the_spread_is_narrow_for_equal_articles_and_wide_for_mixed_ones() -> None:
    right, wrong = Score(tp=5, gold=5, country_ok=5), Score(fn=5, gold=5)
    same = spread([(right, right)] * 40)
    assert same["actors F1"] == (1.0, 1.0)
    low, high = spread([(right, right), (wrong, wrong)] * 20)["actors F1"]
    assert low < 0.6 < high
