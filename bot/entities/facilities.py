"""Streets, stadiums, hospitals and other named sites: places of kind ``facility``.

The NER often tags "Royal Derby Hospital", "Trafalgar Square" or "Berckmans Road" as an
organisation or a person, and no gazetteer lists them. Their last word says what they are
(issue 13, fifth round: 60 of the 155 places in the tune half of ``bench.shared_entities``
are such sites, and half of them came out as actors). Two tiers:

- a street or a structure ("... Road", "... Square", "... Stadium", "... Tower") is a place
  wherever it is named;
- an institution's building ("... Hospital", "... Museum", "... Prison") is a place only
  where the text puts something in, at or to it ("taken to Royal Derby Hospital"); named
  only as a body that acts ("the hospital said", "the museum ranked"), it stays an
  organisation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.text.names import name_keys

# last words of names that always name a site
_SITE_WORDS = frozenset(
    {"street", "road", "lane", "avenue", "close", "crescent", "drive", "boulevard", "terrace",
     "parade", "square", "stadium", "arena", "theatre", "theater", "tower", "building",
     "memorial", "bridge", "reservoir", "dam", "station", "airport", "pier", "harbour"}
)  # fmt: skip
# last words of an institution's building: a site only where the text goes there
_BUILDING_WORDS = frozenset(
    {"hospital", "museum", "gallery", "library", "prison", "cathedral", "church", "abbey",
     "palace", "hall", "house", "centre", "center", "park", "gardens", "garden", "zoo"}
)  # fmt: skip
_SITE_HEADS = name_keys(_SITE_WORDS)
_BUILDING_HEADS = name_keys(_BUILDING_WORDS)


class _Mention(Protocol):
    @property
    def key(self) -> str: ...  # the folded name

    @property
    def cue(self) -> bool: ...  # a locative word before it ("in", "at", "to")

    @property
    def label(self) -> str: ...


def site_head(key: str) -> bool:
    """Whether a folded name of two words or more ends in a word that names a site."""
    words = key.split()
    return len(words) >= 2 and words[-1] in _SITE_HEADS | _BUILDING_HEADS


def names_a_site(mentions: Sequence[_Mention]) -> bool:
    """Whether an entity's mentions name a site rather than a body (see the module)."""
    heads = {m.key.split()[-1] for m in mentions if site_head(m.key)}
    if not heads:
        return False
    if heads & _SITE_HEADS:
        return True
    return any(m.cue or m.label == "FAC" for m in mentions)
