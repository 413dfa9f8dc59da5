"""The curated actor tables: well-known actors and groups (``bot/data/*.yaml``).

``Lexicon.lookup`` answers "is this surface form a known actor?" with one dict
access on the folded key, or on the exact text for acronyms ("IS" is the
Islamic State, "Is" is not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from bot.models import ActorKind
from bot.text.names import name_key, slug


@dataclass(frozen=True, slots=True)
class KnownActor:
    """A curated actor or group, with its stable id."""

    id: str
    name: str
    kind: ActorKind
    country: str | None = None  # for nationalities: the nation's ISO code
    outlet: bool = False  # a news organisation: credited as a source, it is no actor

    @property
    def nationality(self) -> bool:
        """A people named after a state ("Russians"): its adjective only marks the state."""
        return self.kind == "group" and self.country is not None


@dataclass
class Lexicon:
    """Folded key -> curated actor; exact acronym -> curated actor."""

    by_key: dict[str, KnownActor] = field(default_factory=dict)
    acronyms: dict[str, KnownActor] = field(default_factory=dict)
    group_names: frozenset[str] = frozenset()  # folded keys of the groups' plural names
    first_words: frozenset[str] = frozenset()

    @classmethod
    def load(cls) -> Lexicon:
        """The curated tables, read once per process."""
        return _shared_lexicon()

    def lookup(self, text: str, key: str | None = None) -> KnownActor | None:
        """The known actor ``text`` names, if any (``key`` is its folded key when known)."""
        exact = self.acronyms.get(text) or self.acronyms.get(text.replace(".", ""))
        if exact is not None:
            return exact
        if text.isupper() and len(text.replace(".", "")) <= 3:
            return None  # short capitals are acronyms: only the exact table may match them
        key = name_key(text) if key is None else key
        found = self.by_key.get(key)
        if found is None and _CAPITAL_PARTICLE_RE.search(text):
            # "AL Jazeera": a particle in capitals is the particle
            found = self.by_key.get(name_key(_CAPITAL_PARTICLE_RE.sub(_title, text)))
        if found is None and key.endswith("s"):
            found = self.by_key.get(key[:-1])
            if found is not None and found.kind != "group":
                found = None
        return found

    def is_group_noun(self, key: str) -> bool:
        """Whether ``key`` is the plural name of a group ("russians"), not its adjective."""
        return key in self.group_names


_CAPITAL_PARTICLE_RE = re.compile(r"\b(?:AL|EL)\b(?=[ -][A-Z][a-z])")


def _title(m: re.Match[str]) -> str:
    return m.group().title()


def actor_id(key: str) -> str:
    """The stable id of an actor from its folded key."""
    return f"actor:{slug(key)}"


def _read(name: str) -> dict[str, Any]:
    data = yaml.safe_load(resources.files("bot.data").joinpath(name).read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


@cache
def _shared_lexicon() -> Lexicon:
    # Read once per process: small read-only tables.
    lex = Lexicon()
    groups: set[str] = set()
    for row in _read("actors.yaml").get("actors") or []:
        actor = KnownActor(
            actor_id(name_key(row["name"])),
            row["name"],
            row["kind"],
            outlet=bool(row.get("outlet")),
        )
        _index(lex, actor, [row["name"], *(row.get("aliases") or [])])
        for acronym in row.get("acronyms") or []:
            lex.acronyms[acronym] = actor
            lex.acronyms[acronym.replace(".", "")] = actor
    for row in _read("groups.yaml").get("groups") or []:
        actor = KnownActor(
            actor_id(name_key(row["name"])), row["name"], "group", row.get("country")
        )
        _index(lex, actor, [row["name"], *(row.get("forms") or [])])
        if row["name"].endswith("s") or not row.get("country"):
            # "the Dutch", "British" are also the adjectives ("Dutch King", "British
            # troops"): only a noun use of them names the people
            groups.add(name_key(row["name"]))
        groups.update(name_key(f) for f in row.get("forms") or [] if f.endswith("s"))
    lex.group_names = frozenset(groups)
    keys = [*lex.by_key, *(name_key(a) for a in lex.acronyms)]
    lex.first_words = frozenset(k.split()[0] for k in keys if k)
    return lex


def _index(lex: Lexicon, actor: KnownActor, names: list[str]) -> None:
    for name in names:
        key = name_key(name)
        if key:
            lex.by_key.setdefault(key, actor)


@dataclass(frozen=True, slots=True)
class NameWords:
    """Words beside a person's name that are no part of it (``bot/data/name_words.yaml``).

    ``honorifics`` ("Sgt", "Dame") are never a name's word, ``titles`` ("Judge") no name's
    word before a person's name; ``roles``
    (occupations, sports positions) are no name's first word when a person's full name
    follows; ``post_nominals`` ("QC", "MP") end no name, ``generational`` ("Jr.") do;
    ``demonyms`` ("Colombian") describe the person named after them.
    """

    honorifics: frozenset[str] = frozenset()
    titles: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()
    post_nominals: frozenset[str] = frozenset()
    generational: frozenset[str] = frozenset()
    demonyms: frozenset[str] = frozenset()

    @classmethod
    def load(cls) -> NameWords:
        """The word lists, read once per process."""
        return _shared_name_words()

    def is_honorific(self, word: str) -> bool:
        """ "Sgt", "Capt.", "Dame": a title no organisation's name begins with."""
        return _bare(word) in self.honorifics

    def is_title(self, word: str) -> bool:
        """ "Judge", "Sergeant", or an honorific: a title that stands before a name."""
        bare = _bare(word)
        return bare in self.titles or bare in self.honorifics

    def is_role(self, word: str) -> bool:
        """ "Cleaner", "Defender", "Matron", or a title: a word that may precede a name."""
        return _bare(word) in self.roles or self.is_title(word)

    def is_plural_role(self, word: str) -> bool:
        """ "Managers", "Referees": a role in the plural, as a list's heading writes it."""
        bare = _bare(word)
        return bare.endswith("s") and self.is_role(bare[:-1])

    def is_post_nominal(self, word: str) -> bool:
        """ "QC", "MBE": an honour written after a name (in capitals, as it always is)."""
        return not word.islower() and _bare(word) in self.post_nominals

    def is_generational(self, word: str) -> bool:
        """ "Jr.", "III": a suffix that belongs to the name."""
        return _bare(word) in self.generational

    def is_demonym(self, word: str) -> bool:
        """ "Colombian": a state's nationality adjective."""
        return _bare(word) in self.demonyms


def _bare(word: str) -> str:
    return word.lower().rstrip(".")


@cache
def _shared_name_words() -> NameWords:
    data = _read("name_words.yaml")

    def words(field_name: str) -> frozenset[str]:
        return frozenset(str(w).lower() for w in data.get(field_name) or [])

    return NameWords(
        honorifics=words("honorifics"),
        titles=words("titles"),
        roles=words("roles"),
        post_nominals=words("post_nominals"),
        generational=words("generational"),
        demonyms=words("demonyms"),
    )
