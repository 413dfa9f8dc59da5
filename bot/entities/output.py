"""From decided groups to ``Entity``/``Place`` objects: names, ids, aliases, salience.

Salience of an entity in one article::

    weight * mentions + 2 * (1 - first_offset / len(text)) + 3 * in_title + 1 * in_lead

where ``weight`` is 0.5 for groups (nationalities and communities are named
often but are rarely the story) and 1 otherwise. Lists are sorted by it, and
``salience`` is stored scaled to 0..1 within the article.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.entities.facilities import site_head
from bot.entities.lexicon import Lexicon, actor_id
from bot.models import ActorKind, Entity, Place, PlaceKind
from bot.text.names import is_acronym, name_key, slug

if TYPE_CHECKING:
    from bot.entities.group import Group


@dataclass
class Mention:
    """One mention of an actor or a place in the analysed text."""

    start: int  # char offsets in the analysed text
    end: int
    entity_id: str  # Entity.id or Place.id
    text: str


_TITLE_WORD_RE = re.compile(r"[\w][\w'’.-]*")
_MAX_TITLE_NGRAM = 5


class Title:
    """Which entities a title names: by a spelling, a surname or a curated alias."""

    def __init__(self, title: str, lex: Lexicon) -> None:
        words = _TITLE_WORD_RE.findall(title or "")
        keys: set[str] = set()
        for i in range(len(words)):
            for j in range(i + 1, min(len(words), i + _MAX_TITLE_NGRAM) + 1):
                keys.add(name_key(" ".join(words[i:j])))
        self.keys = frozenset(keys)
        self.known = frozenset(found.id for k in keys if (found := lex.by_key.get(k)))

    def names(self, g: Group) -> bool:
        """Whether the title names the entity of ``g``."""
        if g.known is not None and g.known.id in self.known:
            return True
        if g.keys & self.keys:
            return True
        # "Putin's second meeting": a person by surname
        return g.kind == "person" and any(k.split()[-1] in self.keys for k in g.keys)


def build_output(
    groups: list[Group], text: str, title: Title, lead_end: int
) -> tuple[list[Entity], list[Place], list[Mention]]:
    """Actors and places by salience, and every mention, from the kept groups."""

    actors: dict[str, Entity] = {}
    places: dict[str, Place] = {}
    spans: dict[str, list[tuple[int, int]]] = {}
    firsts: dict[str, int] = {}
    titled: set[str] = set()
    for g in groups:
        item: Entity | Place = _place(g) if g.kind == "location" else _actor(g)
        table: dict[str, Entity] | dict[str, Place] = places if isinstance(item, Place) else actors
        earlier = table.get(item.id)
        if earlier is None:
            table[item.id] = item  # type: ignore[assignment]
        else:  # two groups resolved to one place ("Hmeimim", "Hmeimim Air Base")
            earlier.aliases = _merged_aliases(earlier, [item.name, *item.aliases])
        spans.setdefault(item.id, []).extend((m.start, m.end) for m in g.mentions)
        firsts[item.id] = min(firsts.get(item.id, len(text)), min(m.start for m in g.mentions))
        if title.names(g):
            titled.add(item.id)
    scores: dict[str, float] = {}
    for ident, found in spans.items():
        weight = 0.5 if ident in actors and actors[ident].kind == "group" else 1.0
        first = firsts[ident]
        scores[ident] = (
            weight * len(set(found))
            + 2.0 * (1.0 - first / max(1, len(text)))
            + 3.0 * (ident in titled)
            + 1.0 * (first < lead_end)
        )
    top = max(scores.values(), default=1.0) or 1.0
    for table in (actors, places):
        for ident, item in table.items():
            item.mentions = len(set(spans[ident]))
            item.salience = round(scores[ident] / top, 4)
    order = lambda item: (-scores[item.id], firsts[item.id])  # noqa: E731
    mentions = [
        Mention(start, end, ident, text[start:end])
        for ident, found in spans.items()
        for start, end in sorted(set(found))
    ]
    mentions.sort(key=lambda m: (m.start, m.end))
    return (
        sorted(actors.values(), key=order),
        sorted(places.values(), key=order),
        mentions,
    )


def _merged_aliases(item: Entity | Place, names: list[str]) -> list[str]:
    out = list(item.aliases)
    for name in names:
        if name != item.name and name not in out:
            out.append(name)
    return out


def _surfaces(g: Group) -> list[str]:
    """Distinct surface forms in order of first appearance."""
    seen: dict[str, None] = {}
    for m in sorted(g.mentions, key=lambda m: m.start):
        seen.setdefault(m.text, None)
    return list(seen)


def _most_used(g: Group, prefer_long: bool = False) -> str:
    counts = Counter(m.text for m in g.mentions)
    first = {s: i for i, s in enumerate(_surfaces(g))}

    def rank(s: str) -> tuple[int, int, int]:
        length = len(s.split()) if prefer_long else 0
        return (-length, -counts[s], first[s])

    return min(counts, key=rank)


def _actor(g: Group) -> Entity:
    kind: ActorKind = g.known.kind if g.known else g.kind  # type: ignore[assignment]
    surfaces = _surfaces(g)
    if g.known is not None:
        name, ident = g.known.name, g.known.id
    else:
        full = [s for s in surfaces if not is_acronym(s)]
        if kind == "person":
            name = _most_used(g, prefer_long=True)
        elif full and kind == "organization":
            # the longest spelled-out name, the first of equals: "Syrian Democratic Forces"
            name = max(full, key=lambda s: (len(s.split()), -surfaces.index(s)))
        else:
            name = _most_used(g)
        ident = actor_id(name_key(name))
    entity = Entity(id=ident, name=name, kind=kind)
    entity.aliases = _merged_aliases(entity, surfaces)
    return entity


def _place(g: Group) -> Place:
    match = g.match
    if match is None:
        name = _most_used(g)
        kind: PlaceKind = "facility" if site_head(name_key(name)) else "other"
        place = Place(id=f"place:{slug(name_key(name))}", name=name, kind=kind)
    else:
        place = match.candidate.to_place()
        if match.candidate.source in ("city", "subdivision"):
            # the gazetteer's name is often a transliteration ("Al Qāmishlī"):
            # show the name the article uses
            place.name = _most_used(g)
    place.aliases = _merged_aliases(place, _surfaces(g))
    return place
