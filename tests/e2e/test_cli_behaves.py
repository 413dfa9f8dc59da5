"""The CLI's defects of issue 14, each as its own check (separate processes,
embedded store, no REDIS_URL)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.test_cli import briefbot
from tests.e2e.test_cli_edit import CONVOY, DROUGHT, write


def test_extract_of_a_refused_address_fails_with_the_reason(tmp_path: Path) -> None:
    run = briefbot("extract", "http://127.0.0.1:9/story", "--json", data_dir=tmp_path / "d")
    assert run.returncode != 0 and run.stdout == ""
    assert "address not allowed" in run.stderr and "Traceback" not in run.stderr


def test_ingest_names_missing_files_and_duplicates_are_no_failure(tmp_path: Path) -> None:
    data, article = tmp_path / "d", write(tmp_path, "a", CONVOY)
    missing = str(tmp_path / "missing.txt")
    first = briefbot("ingest", article, missing, data_dir=data)
    assert first.returncode == 0, first.stderr
    assert f"{missing}: no such file" in first.stderr
    again = briefbot("ingest", article, data_dir=data)
    assert again.returncode == 0, again.stderr
    assert "0 ingested, 1 duplicates, 0 failed" in again.stdout
    nothing = briefbot("ingest", missing, data_dir=data)
    assert nothing.returncode == 1 and missing in nothing.stderr


def test_several_topics_are_several_briefs_and_since_is_publication_time(tmp_path: Path) -> None:
    data = tmp_path / "d"
    run = briefbot("ingest", write(tmp_path, "a", CONVOY), write(tmp_path, "b", DROUGHT),
                   data_dir=data)  # fmt: skip
    assert run.returncode == 0, run.stderr
    two = briefbot("brief", "syria", "ukraine", "--json", data_dir=data)
    assert two.returncode == 0, two.stderr
    assert [b["topic"] for b in json.loads(two.stdout)] == ["syria", "ukraine"]
    text = briefbot("brief", "syria", "ukraine", data_dir=data).stdout
    assert "Brief: syria" in text and "Brief: ukraine" in text and "syria-ukraine" not in text
    # both were ingested just now; only the drought story was published since Feb 3
    since = briefbot("brief", "syria", "--json", "--since", "2026-02-03", data_dir=data)
    brief = json.loads(since.stdout)
    assert [d["title"] for d in brief["developments"]] == [DROUGHT["title"]]
    assert [e["date"] for e in brief["timeline"]] == ["2026-02-03"]


def test_an_unusable_data_dir_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    unusable = {"BRIEFBOT_DATA_DIR": str(blocker / "data")}
    run = briefbot("status", data_dir=tmp_path / "d", env=unusable)
    assert run.returncode == 2
    assert run.stderr.strip().count("\n") == 0 and "Traceback" not in run.stderr
    assert "data directory" in run.stderr and "BRIEFBOT_DATA_DIR" in run.stderr
