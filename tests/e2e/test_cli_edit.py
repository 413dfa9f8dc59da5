"""``briefbot edit`` end to end: each correction in one process, checked in later
ones, holding across later ingests (embedded store, no REDIS_URL)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.e2e.test_cli import briefbot

# invented articles: two about convoys (one storyline), one about a drought
CONVOY = {
    "url": "https://levant.example/convoy", "title": "Convoy leaves Qamishli airport",
    "outlet": "Levant Ledger", "published": "2026-02-02T08:00:00+00:00",
    "text": "A convoy of armoured trucks left the airport at Qamishli in northeast Syria on "
    "Monday, local officials said. The governor of Hasakah, Samir Haddad, told reporters that "
    "the convoy moved south towards Deir ez-Zor. Residents of Qamishli described a long line of "
    "vehicles on the main road. Samir Haddad said the departure had been planned for weeks.",
}  # fmt: skip
DROUGHT = {
    "url": "https://delta.example/drought", "title": "Drought hits wheat farms near Raqqa",
    "outlet": "Delta Daily", "published": "2026-02-03T08:00:00+00:00",
    "text": "Farmers near Raqqa in Syria said on Tuesday that the drought had ruined much of the "
    "wheat crop. The agriculture official Lina Barakat said irrigation canals from the Euphrates "
    "were dry. Lina Barakat asked for emergency pumps. Many farmers in Raqqa plan to sell their "
    "livestock before the summer.",
}  # fmt: skip
SECOND = {
    "url": "https://levant.example/second", "title": "Second convoy leaves Qamishli",
    "outlet": "Levant Ledger", "published": "2026-02-04T08:00:00+00:00",
    "text": "A second convoy left Qamishli in Syria on Wednesday, two days after the first, "
    "according to Samir Haddad. The governor of Hasakah said the trucks again drove south. "
    "Samir Haddad said no more convoys were expected this month. Shops in Qamishli stayed open "
    "as the vehicles passed.",
}  # fmt: skip


def write(folder: Path, name: str, article: dict[str, str]) -> str:
    path = folder / f"{name}.json"
    path.write_text(json.dumps(article), encoding="utf-8")
    return str(path)


def brief(data: Path) -> dict[str, Any]:
    run = briefbot("brief", "syria", "--json", data_dir=data)
    assert run.returncode == 0, run.stderr
    out: dict[str, Any] = json.loads(run.stdout)
    return out


def names(brief: dict[str, Any]) -> list[str]:
    """Every actor name of a brief: the topic's and its developments'."""
    return [a["name"] for a in brief["actors"]] + [
        a for d in brief["developments"] for a in d["actors"]
    ]


def ok(*args: str, data: Path) -> str:
    run = briefbot(*args, data_dir=data)
    assert run.returncode == 0, run.stderr
    return run.stdout


def test_corrections_hold_across_processes_and_later_ingests(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ok("ingest", write(tmp_path, "a", CONVOY), write(tmp_path, "b", DROUGHT), data=data)
    first = brief(data)
    assert first["article_count"] == 2 and len(first["developments"]) == 2
    assert "Samir Haddad" in [a["name"] for a in first["actors"]]

    # an entity rejected now is not extracted from a later article either
    assert ok("edit", "entity", "reject", "Samir", "Haddad", data=data).startswith("#1 ")
    ids = [d["id"] for d in first["developments"]]
    assert ok("edit", "merge", *ids, data=data).startswith("#2 ")
    assert ok("edit", "forget", DROUGHT["url"], data=data).startswith("#3 ")
    after = brief(data)
    assert after["article_count"] == 1 and after["source_count"] == 1
    assert [d["id"] for d in after["developments"]] == [ids[0]]
    assert len(after["timeline"]) == 1 and "Samir Haddad" not in names(after)

    ingest = briefbot("ingest", write(tmp_path, "c", SECOND), CONVOY["url"], data_dir=data)
    later = brief(data)
    assert later["article_count"] == 2 and "Samir Haddad" not in names(later)
    assert [d["id"] for d in later["developments"]] == [ids[0]]
    refused = briefbot("ingest", write(tmp_path, "b2", DROUGHT), data_dir=data)
    assert "removed by an editor" in refused.stdout, refused.stdout
    assert brief(data)["article_count"] == 2, ingest.stdout

    log = ok("edit", "log", data=data).splitlines()
    assert [line.split()[0] for line in log] == ["#3", "#2", "#1"]
    assert "forget" in log[0] and "cli:" in log[0]
    assert ok("edit", "undo", "3", data=data).startswith("#4 undid #3")
    assert brief(data)["article_count"] == 3
    again = briefbot("edit", "undo", "3", data_dir=data)
    assert again.returncode == 1 and "already undone" in again.stderr
    missing = briefbot("edit", "merge", "d-nope", ids[0], data_dir=data)
    assert missing.returncode == 1 and "no development d-nope" in missing.stderr


def test_move_entity_merge_and_topic_corrections_from_the_cli(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ok("ingest", write(tmp_path, "a", CONVOY), write(tmp_path, "c", SECOND), data=data)
    (dev,) = brief(data)["developments"]
    assert dev["article_count"] == 2

    ok("edit", "move", SECOND["url"], "--new", data=data)
    assert len(brief(data)["developments"]) == 2
    ok("edit", "entity", "merge", "Samir", "Haddad", "--into", "Governor", "Haddad", data=data)
    merged = names(brief(data))
    assert "Governor Haddad" in merged and "Samir Haddad" not in merged
    ok("edit", "topic", "rename", "syria", "--to", "levant", data=data)
    assert json.loads(ok("brief", "levant", "--json", data=data))["article_count"] == 2
    ok("edit", "topic", "remove", "levant", data=data)
    gone = json.loads(ok("brief", "levant", "--json", data=data))
    assert gone["known_topic"] is False and gone["article_count"] == 0
    log = ok("edit", "log", "--json", data=data)
    assert [c["action"] for c in json.loads(log)] == [
        "topic-remove", "topic-rename", "entity-merge", "move",
    ]  # fmt: skip
