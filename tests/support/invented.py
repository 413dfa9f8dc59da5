"""Invented news pages for end-to-end checks of what a reply says.

Our own sentences about people and places that do not appear together in any
real story, so that a test can name the actor, the place and the topic a reply
must show without copying a third party's article.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class InventedPage:
    title: str
    actor: str  # the person the reply must name
    place: str  # the place the reply must name
    country: str  # its ISO code, as the reply shows it: "Odesa (UA)"
    topic: str  # the shipped topic the story belongs to
    paragraphs: tuple[str, ...]

    def html(self, title: str | None = None) -> str:
        """A plain article page: headline, byline, published date and paragraphs."""
        heading = escape(self.title if title is None else title)
        body = "\n".join(f"<p>{escape(p)}</p>" for p in self.paragraphs)
        return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{heading}</title>
<meta property="og:title" content="{heading}">
<meta property="article:published_time" content="2026-02-03T09:00:00+00:00">
</head><body><article><h1>{heading}</h1>
<p class="byline">By Test Desk</p>
{body}
</article></body></html>"""


GRAIN_PAGE = InventedPage(
    title="Odesa grain terminal reopens after drone strike repairs",
    actor="Olena Marchenko",
    place="Odesa",
    country="UA",
    topic="ukraine",
    paragraphs=(
        "The grain terminal in Odesa reopened on Tuesday after three weeks of repairs "
        "that followed a drone strike on the port, Ukrainian officials said.",
        "Olena Marchenko, who heads the port authority in Odesa, said the first "
        "ship had loaded forty thousand tonnes of wheat bound for Egypt.",
        "Marchenko said crews had rebuilt two conveyor lines and replaced the "
        "damaged silo roof, and that exports would return to normal within a month.",
        "Traders in Kyiv said the reopening would ease pressure on the Danube ports, "
        "where ships had waited for up to ten days to load.",
    ),
)
