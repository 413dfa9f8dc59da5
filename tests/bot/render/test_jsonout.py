"""The JSON outputs (``bot.render.jsonout``): marks come from the brief, not the developments."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.models import Brief, Development, Digest, Marks, TimelineEntry
from bot.render.jsonout import brief_json, digest_json

NOW = datetime(2026, 1, 28, 14, 0, tzinfo=UTC)


def dev(ident: str) -> Development:
    return Development(
        id=ident, topic="syria", title=ident, summary="", first_seen=NOW, last_seen=NOW,
        updated_at=NOW, created_at=NOW,
    )  # fmt: skip


def brief() -> Brief:
    return Brief(
        topic="syria",
        team="T1",
        generated_at=NOW,
        article_count=3,
        source_count=2,
        developments=[dev("d-new"), dev("d-updated"), dev("d-still")],
        timeline=[
            TimelineEntry(date(2026, 1, 20), "old news", ["https://a.example/1"]),
            TimelineEntry(date(2026, 1, 27), "new news", ["https://a.example/2"]),
        ],
        since=NOW,
        marks=Marks({"d-new": "new", "d-updated": "updated"}, frozenset({1})),
    )


def test_brief_json_marks_each_development_and_entry() -> None:
    data = brief_json(brief())
    marks = [(d["id"], d["is_new"], d["is_updated"]) for d in data["developments"]]
    assert marks == [("d-new", True, False), ("d-updated", False, True), ("d-still", False, False)]
    assert [e["is_new"] for e in data["timeline"]] == [False, True]


def test_digest_json_keeps_the_marks_on_developments_and_entries() -> None:
    data = digest_json(Digest(team="T1", generated_at=NOW, briefs=[brief()]))
    assert list(data) == ["team", "generated_at", "briefs", "title"]
    (topic,) = data["briefs"]
    assert "marks" not in topic
    developments = topic["developments"]
    assert [(d["is_new"], d["is_updated"]) for d in developments] == [
        (True, False),
        (False, True),
        (False, False),
    ]
    # the brief JSON's development shape (no internal clustering state), and the
    # digest's other topics that have the same story
    assert "features" not in developments[0]
    assert developments[0] == {**brief_json(brief())["developments"][0], "also_in": []}
    assert topic["shown_under"] == {} and "also_in" not in topic
    assert [e["is_new"] for e in topic["timeline"]] == [False, True]
    assert topic["timeline"][1]["approximate"] is False
