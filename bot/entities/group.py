"""Grouping mentions into canonical entities, and one label per entity.

Mentions join when they share a folded key (spelling, "al-", hyphens,
diacritics, possessives), name the same curated actor, are an acronym and its
expansion ("SDF" and "Syrian Democratic Forces (SDF)"), or are a surname and
the full name of a person in the same article ("Sharaa", "Ahmed al-Sharaa").

The kind of each entity is decided once, from the evidence of all its
mentions: the curated tables first, then the gazetteer (a known place tagged
ORG or NORP is a place; tagged PERSON, only with a locative cue such as "in
Quneitra"), then the majority of the NER labels. Countries and cities that
"act" ("Moscow refused") stay locations: briefbot does not record metonymic
actors.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from bot.entities.credits import looks_like_outlet
from bot.entities.facilities import names_a_site
from bot.entities.lexicon import KnownActor, Lexicon
from bot.entities.spans import PLACE_LABELS, RawMention
from bot.gazetteer.index import Gazetteer, Match, trusted
from bot.text.names import initials, is_acronym, name_key, name_keys

Kind = Literal["person", "organization", "group", "location", "drop"]

# "Syrian Democratic Forces (SDF)" and "HTS (Hayat Tahrir al-Sham)"
_LONG_THEN_SHORT_RE = re.compile(
    r"((?:[A-Z][\w'’-]+\s+)(?:(?:[A-Z][\w'’-]+|of|for|and|the|al|el|al-\w+)\s+){0,6}"
    r"[A-Z][\w'’-]+)\s*\(([A-Z][A-Z.]{1,7})\)"
)
_SHORT_THEN_LONG_RE = re.compile(r"\b([A-Z][A-Z.]{1,7})\s*\(([A-Z][^()\n]{3,80})\)")


@dataclass
class Group:
    """The mentions of one canonical entity, and what we decided about it."""

    mentions: list[RawMention]
    known: KnownActor | None = None
    kind: Kind = "drop"
    match: Match | None = None
    labels: Counter[str] = field(default_factory=Counter)

    @property
    def keys(self) -> set[str]:
        return {m.key for m in self.mentions}


def acronym_pairs(text: str) -> dict[str, str]:
    """Acronyms defined in the text -> folded key of their expansion."""
    pairs: dict[str, str] = {}
    for long, short in _LONG_THEN_SHORT_RE.findall(text):
        words = long.split()
        # the expansion is the longest tail of the capitalised run whose initials fit
        for i in range(len(words)):
            tail = " ".join(words[i:])
            if initials(tail) == short.replace(".", ""):
                pairs[short] = name_key(tail)
                break
        else:
            # "Party for Freedom (PVV)": a short form from another language; the run
            # after any possessive and leading "The" is the name
            tail = re.split(r"['’]s\s+", long)[-1]
            tail = re.sub(r"^(?:The|A)\s+", "", tail)
            if 2 <= len(tail.split()) <= 6:
                pairs.setdefault(short, name_key(tail))
    for short, long in _SHORT_THEN_LONG_RE.findall(text):
        pairs.setdefault(short, name_key(long))
    return pairs


class Grouper:
    """Builds the groups of one article."""

    def __init__(self, lex: Lexicon, gaz: Gazetteer, acronyms: dict[str, str]) -> None:
        self.lex = lex
        self.gaz = gaz
        self.acronyms = acronyms

    def group(self, mentions: list[RawMention]) -> list[Group]:
        """Mentions -> groups, merged by key, curated actor, acronym and surname."""
        by_key: dict[str, Group] = {}
        for m in mentions:
            by_key.setdefault(m.key, Group([])).mentions.append(m)
        groups = list(by_key.values())
        groups = self._merge_known(groups)
        groups = self._merge_acronyms(groups)
        groups = self._merge_surnames(groups)
        groups = self._merge_given_names(groups)
        groups = self._merge_short_org_names(groups)
        for g in groups:
            g.labels = Counter(m.label for m in g.mentions)
        return groups

    def _merge_known(self, groups: list[Group]) -> list[Group]:
        out: list[Group] = []
        by_id: dict[str, Group] = {}
        for g in groups:
            g.known = next((k for m in g.mentions if (k := self.lex.lookup(m.text, m.key))), None)
            if g.known is None:
                out.append(g)
            elif g.known.id in by_id:
                by_id[g.known.id].mentions.extend(g.mentions)
            else:
                by_id[g.known.id] = g
                out.append(g)
        return out

    def _merge_acronyms(self, groups: list[Group]) -> list[Group]:
        by_key = {k: g for g in groups for k in g.keys}
        by_initials: dict[str, Group] = {}
        for g in groups:
            for m in g.mentions:
                if m.label in ("ORG", "KNOWN") and " " in m.text:
                    by_initials.setdefault(initials(m.text), g)

        def expansion(g: Group) -> Group | None:
            if g.known is not None or not all(is_acronym(m.text) for m in g.mentions):
                return None
            short = g.mentions[0].text
            long_key = self.acronyms.get(short)
            return by_key.get(long_key) if long_key else by_initials.get(short)

        return _fold(groups, expansion)

    def _merge_surnames(self, groups: list[Group]) -> list[Group]:
        surnames = _person_surnames(groups)
        anchors = [g for g in groups if _is_person_anchor(g) or _ends_with(g, surnames)]
        groups = _fold(groups, lambda g: _longer_name_of(g, anchors) if g in anchors else None)
        anchors = [a for a in anchors if a in groups]
        return _fold(groups, lambda g: None if g in anchors else _anchor_for(g, anchors))

    def _merge_given_names(self, groups: list[Group]) -> list[Group]:
        """ "Charlotte" after "Charlotte Roach": a person named in full, then by first name.

        Real news (tabloid features, sport) calls people by their first name after the
        first mention, and many first names are also places (Charlotte, Florence, Jordan);
        the NER tags such a mention a place about as often as a person. A one-word name
        that begins exactly one person's full name, is no country, is never after a
        locative word ("in Charlotte") and is no curated actor is that person; its
        mentions take the person's label.
        """
        anchors = [
            g
            for g in groups
            if g.known is None
            and _is_person_anchor(g)
            # "Hasakah Governorate" tagged PERSON is no one's full name
            and not any(self.gaz.matches_key(k) for k in g.keys if " " in k)
        ]
        firsts: dict[str, list[Group]] = {}
        for a in anchors:
            for first in {k.split()[0] for k in a.keys if " " in k}:
                firsts.setdefault(first, []).append(a)

        def person(g: Group) -> Group | None:
            if g.known is not None or len(g.keys) != 1 or any(m.cue for m in g.mentions):
                return None
            (key,) = g.keys
            found = firsts.get(key, [])
            if len(found) != 1 or found[0] is g:
                return None
            best = self.gaz.matches_key(key)
            if best and best[0].candidate.source == "country":
                return None
            for m in g.mentions:
                m.label = "PERSON"
            return found[0]

        return _fold(groups, person)

    def _merge_short_org_names(self, groups: list[Group]) -> list[Group]:
        """ "Rovers" after "Harbourside Rovers": a short form of one organisation's name."""
        anchors = [
            g
            for g in groups
            if any(m.label == "ORG" and " " in m.key for m in g.mentions)
            and (g.known is None or g.known.kind == "organization")
        ]

        def long_form(g: Group) -> Group | None:
            if g.known is not None or not all(m.label == "ORG" for m in g.mentions):
                return None
            found = [a for a in anchors if a is not g and _short_form_of(g, a)]
            return found[0] if len(found) == 1 else None

        return _fold(groups, long_form)

    def decide(self, groups: list[Group], context: Counter[str]) -> None:
        """Set ``kind`` (and ``match`` for places) of every group."""
        for g in groups:
            g.kind, g.match = self._decide_one(g, context)
            if g.match is not None and _only_as_adjective(g, g.match):
                g.kind, g.match = "drop", None  # "Caribbean states": no place named
            if g.kind == "group" and g.known is not None and g.known.nationality:
                # "the Russians" is a mention of the people; "Russian troops" is not
                g.mentions = [m for m in g.mentions if m.noun or self.lex.is_group_noun(m.key)]

    def _decide_one(self, g: Group, context: Counter[str]) -> tuple[Kind, Match | None]:
        settled = self._by_role(g, context)
        if settled is not None:
            return settled, None
        labels = g.labels
        if labels["GOV"]:
            return "organization", None  # a state body named by its country
        match = self._best_match(g, context)
        if match is None and names_a_site(g.mentions):
            return "location", None  # "Trafalgar Square", "taken to Royal Derby Hospital"
        loc = sum(labels[x] for x in PLACE_LABELS) + labels["PLACE"]
        per, org, norp = labels["PERSON"], labels["ORG"], labels["NORP"]
        if match is not None and per >= loc and self._only_a_surname_matches(g):
            match = None  # "Lewis Hamilton ... closer to Hamilton": the driver, not the city
        if match is not None:
            hinted = any(m.place_hint for m in g.mentions)
            if hinted or loc >= max(per, org, norp):
                # a far-off namesake found by an alternate spelling is no answer
                sure = (
                    hinted
                    or trusted(match, context)
                    or (match.primary and match.candidate.source == "city")
                )
                return "location", match if sure else None
            if trusted(match, context) and (
                per < org + norp + loc or _place_evidence(g, match, context)
            ):
                return "location", match
        return _kind_by_labels(g, loc, per, org, norp), None

    def _by_role(self, g: Group, context: Counter[str]) -> Kind | None:
        """The kind the curated tables or the role of the mentions settle before any NER
        label or gazetteer match counts: a known actor, a credited outlet, a club, a player."""
        if g.known is not None:
            if g.known.outlet and all(m.credit for m in g.mentions):
                return "drop"  # "told Reuters": the source of the report, no actor
            if g.known.nationality and not any(
                m.noun or self.lex.is_group_noun(m.key) for m in g.mentions
            ):
                return "drop"  # "Russian troops": the adjective only marks the state
            return g.known.kind
        if all(m.credit for m in g.mentions) and any(
            looks_like_outlet(m.text) or self._an_outlets_service(m.text) for m in g.mentions
        ):
            return "drop"  # "(The Harbour Post News) –", "told BBC Radio Leeds"
        if self._is_club(g, context):
            return "organization"  # "Liverpool beat Chelsea 2-1": the club, no place
        if any(m.player for m in g.mentions):
            return "person"  # "Squad: Myhill, Fletcher, King": players, no places
        return None

    def _is_club(self, g: Group, context: Counter[str]) -> bool:
        """A sports club named after its city ("Liverpool beat Chelsea 2-1"), or a national
        side in a sports report ("England beat Moldova 5-0"; ``bot.entities.sports`` marks
        a country only there): a name with a club's mention that is a club at least as
        often as it is a place after a locative word ("fans in Liverpool")."""
        clubs = [m for m in g.mentions if m.club]
        if not clubs or len(clubs) < sum(1 for m in g.mentions if m.cue and not m.club):
            return False
        match = self._best_match(g, context)
        if match is None:
            return all(m.label != "PERSON" for m in clubs)
        # a name the NER took for a person's ("Norwich 2-1") is a club only if it is a
        # city we trust: "Djokovic beat Alcaraz 6-4" names two players
        return any(m.label != "PERSON" for m in clubs) or (
            match.candidate.source == "city" and trusted(match, context)
        )

    def _an_outlets_service(self, text: str) -> bool:
        """ "BBC Radio Leeds", "BBC Wales Today": a channel or programme of a curated outlet."""
        first = text.split()[0] if " " in text else ""
        known = self.lex.lookup(first) if first else None
        return known is not None and known.outlet

    def _only_a_surname_matches(self, g: Group) -> bool:
        """Whether the gazetteer knows the group only by the surname of a person the NER
        named in full ("Grant Allen" ... "Allen": Allen, Texas; "Charles Evans": Evans,
        Georgia). Real news names people by surname after the first mention, and a
        locative word before one ("closer to Hamilton", "behind Allen") is no place."""
        full = {m.key for m in g.mentions if m.label == "PERSON" and len(m.key.split()) >= 2}
        if not full:
            return False
        surnames = {key.split()[-1] for key in full}
        placed = {key for key in g.keys if self.gaz.matches_key(key)}
        return bool(placed) and placed <= surnames

    def _best_match(self, g: Group, context: Counter[str]) -> Match | None:
        best: Match | None = None
        for key in g.keys:
            found = self.gaz.matches_key(key, context)
            if found and (best is None or found[0].score > best.score):
                best = found[0]
        return best


def _fold(groups: list[Group], target_of: Callable[[Group], Group | None]) -> list[Group]:
    """Move each group's mentions into its target group, if it has one; keep the rest."""
    absorbed: dict[int, Group] = {}  # id(group) -> the group it went into
    out: list[Group] = []
    for g in groups:
        target = target_of(g)
        while target is not None and id(target) in absorbed:
            target = absorbed[id(target)]
        if target is None or target is g:
            out.append(g)
            continue
        target.mentions.extend(g.mentions)
        absorbed[id(g)] = target
    return [g for g in out if id(g) not in absorbed]


def _place_evidence(g: Group, match: Match, context: Counter[str]) -> bool:
    """Enough to overrule a PERSON label: a curated place or a country, a place in a
    country the article is about, or a locative cue ("in Quneitra").

    A real person named by one word was introduced by full name earlier, and the
    surname rule has already joined them.
    """
    cand = match.candidate
    if cand.source in ("facility", "country", "region"):
        return True
    if cand.country and context.get(cand.country, 0) > 0:
        return True
    return any(m.cue for m in g.mentions)


def _only_as_adjective(g: Group, match: Match) -> bool:
    """A place across borders ("Caribbean", "European") named only as an adjective
    ("other Caribbean states"): like a demonym, it qualifies, it names no place. So does a
    country named only before its people or their deed ("US envoy", "US-brokered talks":
    the American envoy)."""
    if match.candidate.source == "country" and all(m.qualifies for m in g.mentions):
        return True
    return match.candidate.country is None and not any(m.noun for m in g.mentions)


def _kind_by_labels(g: Group, loc: int, per: int, org: int, norp: int) -> Kind:
    """The kind most of the NER's labels give a name no gazetteer entry settles; a name
    ending in an organisation's word ("South Yorkshire Police") is no place."""
    if loc > max(per, org, norp):
        ends_as_body = any(" " in k and k.split()[-1] in _ORG_WORDS for k in g.keys)
        return "organization" if ends_as_body else "location"
    if per >= max(org, norp) and per:
        return "person"
    if _named_with_role(g) or _person_by_surname(g):
        return "person"  # "negotiator Rustem Umerov", tagged ORG by the NER
    if org >= norp and org:
        return "organization"
    if norp and any(m.noun for m in g.mentions):
        return "group"
    return "drop"


# the last word of an organisation's name, never of a person's or a place's
_ORG_WORDS = name_keys(
    {"council", "office", "ministry", "service", "guard", "forces", "force", "army", "bank",
     "group", "party", "agency", "committee", "commission", "court", "department", "union",
     "company", "corporation", "corp", "inc", "ltd", "fund", "institute", "university",
     "authority", "board", "association", "foundation", "network", "news", "times", "post",
     "police"}
)  # fmt: skip


def _person_by_surname(g: Group) -> bool:
    """A full name whose surname alone the NER took for a person's elsewhere."""
    full = [k for k in g.keys if 2 <= len(k.split()) <= 3]
    single = {m.key for m in g.mentions if m.label == "PERSON" and " " not in m.key}
    return any(k.split()[-1] in single and k.split()[-1] not in _ORG_WORDS for k in full)


def _person_surnames(groups: list[Group]) -> set[str]:
    """One-word names the NER calls a person's ("Mr Umerov", "Umerov said")."""
    out: set[str] = set()
    for g in groups:
        persons = sum(1 for m in g.mentions if m.label == "PERSON")
        if g.known is None and persons * 2 > len(g.mentions):
            out.update(k for k in g.keys if " " not in k)
    return out


def _ends_with(g: Group, surnames: set[str]) -> bool:
    """A two- or three-word name ending with a surname the article uses for a person
    ("Rustem Umerov", tagged ORG, and "Umerov said"): that person's full name."""
    if g.known is not None:
        return False
    return any(
        2 <= len(k.split()) <= 3 and k.split()[-1] in surnames and k.split()[-1] not in _ORG_WORDS
        for k in g.keys
    )


def _named_with_role(g: Group) -> bool:
    """A two- or three-word name after a person's title ("Secretary Rustem Umerov")
    that no word marks as an organisation's."""
    return any(
        m.role and 2 <= len(m.key.split()) <= 3 and m.key.split()[-1] not in _ORG_WORDS
        for m in g.mentions
    )


def _is_person_anchor(g: Group) -> bool:
    if g.known is not None:
        return g.known.kind == "person"
    persons = sum(1 for m in g.mentions if m.label == "PERSON")
    return (persons > 0 or _named_with_role(g)) and any(" " in m.key for m in g.mentions)


def _anchor_for(g: Group, anchors: list[Group]) -> Group | None:
    """The person whose full name ends with this group's name ("Sharaa" -> "Ahmed al-Sharaa")."""
    if g.known is not None and g.known.kind != "person":
        return None
    if any(is_acronym(m.text) for m in g.mentions):
        return None
    best: Group | None = None
    for key in g.keys:
        tokens = key.split()
        for anchor in anchors:
            if any(_is_tail_of(tokens, a.split()) for a in anchor.keys) and (
                best is None or len(anchor.mentions) > len(best.mentions)
            ):
                best = anchor
    return best


def _longer_name_of(g: Group, anchors: list[Group]) -> Group | None:
    """ "Van Gaal" after "Louis van Gaal": a person's name of two words or more that ends
    exactly one longer person's name is that person (both are anchors of the surname rule,
    which folds only one-word names)."""
    if g.known is not None or not any(m.label == "PERSON" for m in g.mentions):
        return None
    mine = [k.split() for k in g.keys if " " in k]
    found = [
        a
        for a in anchors
        if a is not g
        and a.known is None
        and any(
            len(short) < len(long) and long[-len(short) :] == short
            for short in mine
            for long in (k.split() for k in a.keys)
        )
    ]
    return found[0] if len(found) == 1 else None


def _short_form_of(g: Group, anchor: Group) -> bool:
    """The group's name is the first or last word(s) of the anchor's name."""
    for key in g.keys:
        words = key.split()
        for long in anchor.keys:
            whole = long.split()
            if len(words) < len(whole) and words in (whole[: len(words)], whole[-len(words) :]):
                return True
    return False


def _is_tail_of(short: list[str], long: list[str]) -> bool:
    """``short`` ends like ``long`` and its other words appear in ``long`` in order."""
    if len(short) >= len(long) or not short or short[-1] != long[-1]:
        return False
    it = iter(long[:-1])
    return all(word in it for word in short[:-1])


def context_of(groups: list[Group], gaz: Gazetteer) -> Counter[str]:
    """Country counts the article gives before any ambiguous place is resolved.

    Nationalities ("Syrian") and names that are a country, a facility or a
    curated region count once per mention.
    """
    ctx: Counter[str] = Counter()
    for g in groups:
        if g.known is not None:
            if g.known.country:
                ctx[g.known.country] += len(g.mentions)
            continue
        for key in g.keys:
            found = gaz.matches_key(key)
            if found and found[0].candidate.source in ("country", "facility", "region", "state"):
                country = found[0].candidate.country
                if country:
                    ctx[country] += len(g.mentions)
                break
    return ctx


_SCAN_LABELS: dict[str, str] = {
    "person": "PERSON",
    "organization": "ORG",
    "group": "NORP",
    "location": "PLACE",
}


def scan_names(groups: list[Group]) -> tuple[dict[str, str], set[str]]:
    """Keys the scanner should look for (-> the label their mentions get), and the
    words of people's names (never to be taken for places).

    Capitalised surface forms of every kept entity, and the surnames of people.
    """
    surface: dict[str, str] = {}
    person_words: set[str] = set()
    for g in groups:
        if g.kind == "drop":
            continue
        label = _SCAN_LABELS[g.kind]
        for m in g.mentions:
            if m.text[:1].isupper():
                surface[m.key] = label
        if g.kind == "person":
            for key in g.keys:
                person_words.update(key.split())
                surface.setdefault(key.split()[-1], "PERSON")
    return surface, person_words
