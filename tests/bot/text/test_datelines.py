"""Datelines are cut from the start of a lead or headline; headlines' own words are kept."""

from __future__ import annotations

import pytest

from bot.text.datelines import strip_dateline


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MOSCOW: The ferry company cut its winter timetable", "The ferry company cut"),
        ("KYIV (Reuters) - The city council voted to rename a bridge", "The city council voted"),
        ("WASHINGTON, Jan 5 — The committee delayed its report again", "The committee delayed"),
        ("BEIRUT, Lebanon (AP) — Bakeries reopened after the holiday", "Bakeries reopened"),
        ("NEW YORK, Jan. 5, 2026 /PRNewswire/ -- Acme Widgets opened a plant", "Acme Widgets"),
        ("Lisbon (AFP) - Tram drivers walked out for a second day", "Tram drivers walked"),
        ("Nairobi, 12 March 2026 – The marathon route was changed again", "The marathon route"),
        ("ST. LOUIS (AP) — A jury found the landlord liable", "A jury found"),
        ("Porto, Jan 27 (Lusa) The ferry strike ended at dawn", "The ferry strike"),
    ],
)
def test_datelines_are_stripped(text: str, expected: str) -> None:
    assert strip_dateline(text).startswith(expected)


@pytest.mark.parametrize(
    "text",
    [
        "Ukraine: talks resume in Geneva after a pause",  # a kicker, not a dateline
        "Tram drivers walk out - Lisbon Daily",
        "Mayor says: the bridge will reopen in spring",
        "NEW YORK — Live",  # too little left to be a dateline and a story
        "The vote: what it means for the harbour",
    ],
)
def test_headlines_without_a_dateline_are_unchanged(text: str) -> None:
    assert strip_dateline(text) == text
