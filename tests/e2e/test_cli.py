"""The CLI end to end, as separate processes on the embedded store (no REDIS_URL)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.support.processes import bot_command, briefbot_env
from tests.support.seeds import copy_seeds


def briefbot(
    *args: str, data_dir: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environ = briefbot_env(BRIEFBOT_DATA_DIR=str(data_dir), BRIEFBOT_LOG_LEVEL="WARNING")
    environ.update(env or {})
    return subprocess.run(
        bot_command(*args),
        capture_output=True,
        text=True,
        env=environ,
        timeout=300,
        cwd=data_dir.parent,
    )


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    data = tmp_path_factory.mktemp("cli") / "data"
    first = briefbot("demo", data_dir=data)
    assert first.returncode == 0, first.stderr
    second = briefbot("demo", data_dir=data)
    assert second.returncode == 0, second.stderr
    return data, first.stdout, second.stdout


def test_demo_names_the_places_and_people(demo_run: tuple[Path, str, str]) -> None:
    _, out, _ = demo_run
    for name in ("Qamishli", "Hmeimim", "Tartus", "Ahmed al-Sharaa", "Vladimir Putin"):
        assert name in out, name
    assert "ingested" in out


def test_demo_is_idempotent(demo_run: tuple[Path, str, str]) -> None:
    _, first, second = demo_run
    brief = lambda out: out[out.index("Brief") :].split("\n\n")[0]  # noqa: E731
    assert "0 ingested" in second and "duplicates" in second
    strip = lambda text: [l for l in text.splitlines() if "generated" not in l]  # noqa: E731,E741
    assert strip(brief(first)) == strip(brief(second))


def test_brief_json_in_a_later_process(demo_run: tuple[Path, str, str]) -> None:
    data, _, _ = demo_run
    run = briefbot("brief", "syria", "--json", data_dir=data)
    assert run.returncode == 0, run.stderr
    brief = json.loads(run.stdout)
    assert brief["topic"] == "syria" and brief["article_count"] >= 15
    assert {"developments", "actors", "locations", "timeline"} <= set(brief)
    ids = [a["url"] for d in brief["developments"] for a in d["articles"]]
    assert len(ids) == len(set(ids)), "an article appears in two developments"


def test_status_reports_the_store_and_counts(demo_run: tuple[Path, str, str]) -> None:
    data, _, _ = demo_run
    run = briefbot("status", "--json", data_dir=data)
    assert run.returncode == 0, run.stderr
    status = json.loads(run.stdout)
    assert status["store"]["kind"] == "embedded"
    assert status["counts"]["articles"] >= 20


def test_ingest_then_brief_in_separate_processes(tmp_path: Path) -> None:
    folder = copy_seeds(tmp_path, None)
    data = tmp_path / "data"
    bad = tmp_path / "notes.pdf"
    bad.write_bytes(b"%PDF-1.4")
    run = briefbot("ingest", str(folder), str(bad), str(tmp_path / "missing.html"), data_dir=data)
    assert run.returncode == 0, run.stderr
    last = run.stdout.strip().splitlines()[-1]
    assert "ingested" in last and "2 failed" in last
    again = briefbot("ingest", str(folder), data_dir=data)
    assert again.returncode == 0, again.stderr  # duplicates are no failure
    assert "0 ingested" in again.stdout
    brief = briefbot("brief", "ukraine", data_dir=data)
    assert brief.returncode == 0 and "Odesa" in brief.stdout


def test_extract_json_shape(tmp_path: Path) -> None:
    folder = copy_seeds(tmp_path, None)
    page = next(p for p in sorted(folder.iterdir()) if "sharaa-putin" in p.name)
    run = briefbot("extract", str(page), "--json", data_dir=tmp_path / "data")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert {
        "url",
        "title",
        "outlet",
        "author",
        "published",
        "language",
        "summary",
        "actors",
        "locations",
        "events",
        "topics",
    } <= set(data)
    assert 2 <= len(data["summary"]) <= 4
    assert data["language"] == "en" and "syria" in data["topics"]
    assert all(p["country"] for p in data["locations"][:3])


def test_bad_settings_fail_with_a_clear_message(tmp_path: Path) -> None:
    run = briefbot("status", data_dir=tmp_path / "d", env={"BRIEFBOT_LOG_FORMAT": "yaml"})
    assert run.returncode == 2
    assert "BRIEFBOT_LOG_FORMAT" in run.stderr and "Traceback" not in run.stderr
