"""The chart and the map are valid PNGs of the expected size, with alt texts that
say what they show."""

from __future__ import annotations

import struct
import zlib
from datetime import date, timedelta

from bot.pictures.chart import Mark, chart_alt, series, volume_chart_png
from bot.pictures.places import MapPlace, map_alt, places_map_png

END = date(2026, 3, 15)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk, after checking its signature and CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    body = data[16 : 16 + length]
    (crc,) = struct.unpack(">I", data[16 + length : 20 + length])
    assert zlib.crc32(kind + body) == crc
    assert data.endswith(b"IEND\xaeB`\x82")
    width, height = struct.unpack(">II", body[:8])
    return width, height


def test_series_fills_missing_days_with_zero() -> None:
    days = series({"2026-03-14": 3, "2026-02-01": 9}, END, days=3)
    assert days == [(date(2026, 3, 13), 0), (date(2026, 3, 14), 3), (date(2026, 3, 15), 0)]


def test_the_chart_is_a_png_and_its_alt_text_counts() -> None:
    daily = {(END - timedelta(days=d)).isoformat(): 2 for d in range(28)}
    daily[END.isoformat()] = 12
    marks = [
        Mark(END - timedelta(days=3), "Convoy leaves <b>Qamishli</b>"),
        Mark(END - timedelta(days=90), "old"),
    ]
    assert png_size(volume_chart_png(daily, marks, end=END, title="syria")) == (800, 320)
    alt = chart_alt("syria", daily, marks, END)
    assert "66 articles over the 28 days to 2026-03-15" in alt
    assert "busiest 2026-03-15 with 12" in alt and "1 development(s) marked" in alt


def test_an_empty_chart_still_draws() -> None:
    assert png_size(volume_chart_png({}, [], end=END, title="nothing")) == (800, 320)
    assert chart_alt("nothing", {}, [], END).endswith("to 2026-03-15.")


def test_the_map_is_a_png_and_names_its_places() -> None:
    places = [
        MapPlace("Qamishli", 37.05, 41.23, 8),
        MapPlace("Tartus", 34.89, 35.89, 3),
    ]
    assert png_size(places_map_png(places, title="syria")) == (800, 500)
    assert map_alt("syria", places) == (
        "Map of syria's places, circles sized by mentions: Qamishli (8), Tartus (3)."
    )
    assert png_size(places_map_png([], title="none")) == (800, 500)
    assert "no places" in map_alt("none", [])
