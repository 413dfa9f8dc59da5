"""``bench.realnews``: texts are checked against the recorded hashes; absent texts skip."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from bench import realnews
from bench.realnews import GroupingScore, load

TEXT = "Harbour strike enters second day\nDock workers in Port Ellery kept the gates shut.\n"


def _annotated(tmp_path: Path, split: str = "tune") -> tuple[Path, Path]:
    ann, texts = tmp_path / "ann", tmp_path / "texts"
    ann.mkdir()
    texts.mkdir()
    (texts / "x-strike-001.txt").write_text(TEXT, encoding="utf-8")
    record = {
        "id": "x-strike-001",
        "url": "https://news.example/strike",
        "sha256": hashlib.sha256(TEXT.encode()).hexdigest(),
        "story": "strike",
        "storyline": "walkout",
        "split": split,
        "sort_date": "2026-03-02",
    }
    (ann / "x-strike-001.json").write_text(json.dumps(record), encoding="utf-8")
    return ann, texts


def test_a_text_whose_bytes_changed_is_left_out_and_fails_the_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ann, texts = _annotated(tmp_path)
    assert [i.id for i in load(ann, texts, "tune").items] == ["x-strike-001"]
    (texts / "x-strike-001.txt").write_text(TEXT + "edited\n", encoding="utf-8")
    loaded = load(ann, texts, "tune")
    assert loaded.changed == ["x-strike-001"] and loaded.items == []
    # a rebuild that is not byte-exact can still be used, on request, and stays counted
    allowed = load(ann, texts, "tune", allow_changed=True)
    assert [i.id for i in allowed.items] == ["x-strike-001"]
    assert allowed.changed == ["x-strike-001"]
    monkeypatch.setenv("BRIEFBOT_REALNEWS_ANN", str(ann))
    monkeypatch.setenv("BRIEFBOT_REALNEWS_TEXTS", str(texts))
    assert realnews.main(["--check"]) == 1
    assert "changed: x-strike-001" in capsys.readouterr().out


def test_a_split_takes_only_its_own_articles(tmp_path: Path) -> None:
    ann, texts = _annotated(tmp_path, split="test")
    assert load(ann, texts, "tune").items == []
    assert len(load(ann, texts, "test").items) == 1


def test_without_texts_the_benchmark_prints_a_skip_line_and_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    ann, _ = _annotated(tmp_path)
    monkeypatch.setenv("BRIEFBOT_REALNEWS_ANN", str(ann))
    monkeypatch.setenv("BRIEFBOT_REALNEWS_TEXTS", str(tmp_path / "absent"))
    assert realnews.main(["--split", "tune"]) == 0
    assert "realnews: skipped, no article texts" in capsys.readouterr().out


def test_pairs_are_pooled_across_stories() -> None:
    pooled = GroupingScore()
    pooled.add_pairs({"a": "1", "b": "1"}, {"a": "x", "b": "x"})  # one right pair
    pooled.add_pairs({"c": "1", "d": "1", "e": "2"}, {"c": "x", "d": "y", "e": "y"})
    assert (pooled.tp, pooled.fp, pooled.fn) == (1, 1, 1)
    assert pooled.precision == pytest.approx(0.5)
