"""Topic definitions and matching articles to topics.

Topics come from the definitions shipped in ``seeds/topics.yaml`` (every team
has them) and topics a team defines (``/brief topic add``), follows or
subscribes a digest to. Asking for a term nobody defined (``/brief ukraine``)
is a search and creates nothing (``bot.topics.search``); automatic topics
(``defined_by="auto"``) made by older versions are cleaned up by
``briefbot edit topic clean``. An article belongs to a topic when its salient locations
lie in the topic's countries, or when the topic's name or an alias appears in
its title, summary, entities, or often enough in its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from bot.errors import TopicNameError
from bot.models import Article, Topic
from bot.text.names import to_ascii

MAX_TOPIC_CHARS = 64
# a salient location counts when it is among the first few or named this often
_TOP_LOCATIONS = 4
_MIN_PLACE_MENTIONS = 2
_MIN_TEXT_HITS = 2


def slugify(name: str) -> str:
    """Topic slug: lowercase ASCII letters, digits and hyphens. Raises on unusable names."""
    if len(name) > MAX_TOPIC_CHARS * 2:
        raise TopicNameError(f"topic names are at most {MAX_TOPIC_CHARS} characters")
    ascii_name = to_ascii(name)
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:MAX_TOPIC_CHARS].strip("-")
    if not slug:
        raise TopicNameError("a topic name needs at least one letter or digit")
    return slug


def normalise(text: str) -> str:
    """Lowercase, accents stripped, punctuation to spaces: for alias matching."""
    ascii_text = to_ascii(text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", ascii_text.lower()).split())


def load_seed_topics() -> list[Topic]:
    """Topic definitions shipped with the package (``seeds/topics.yaml``)."""
    raw = resources.files("bot.seeds").joinpath("topics.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(raw) or {}
    return [_topic_from_yaml(item) for item in data.get("topics", [])]


def _topic_from_yaml(item: dict[str, Any]) -> Topic:
    return Topic(
        name=slugify(str(item["name"])),
        aliases=[normalise(str(a)) for a in item.get("aliases") or []],
        countries=[str(c).upper() for c in item.get("countries") or []],
        description=str(item.get("description") or ""),
        defined_by="seed",
    )


def resolve(query: str, topics: list[Topic]) -> Topic | None:
    """The topic a user means by ``query``: by slug, then by alias."""
    slug = slugify(query)
    wanted = normalise(query)
    for topic in topics:
        if topic.name == slug:
            return topic
    for topic in topics:
        if wanted in topic.aliases:
            return topic
    return None


def auto_topic(query: str) -> Topic:
    """A topic for a term nobody defined: the term itself, and its country if it is one."""
    slug = slugify(query)
    term = normalise(query)
    code = country_code(term)
    return Topic(
        name=slug,
        aliases=[term] if term != slug else [],
        countries=[code] if code else [],
        description=f"Articles matching '{term}'",
        defined_by="auto",
    )


def country_code(term: str) -> str | None:
    """ISO alpha-2 code when ``term`` names a country ("ukraine" -> "UA")."""
    import pycountry

    if len(term) < 4:  # "us", "uk", "de" are words or too ambiguous to guess from
        return None
    try:
        country = pycountry.countries.lookup(term)
    except LookupError:
        try:
            country = pycountry.countries.search_fuzzy(term)[0]
        except LookupError:
            return None
        if normalise(country.name) != term and not normalise(country.name).startswith(term):
            return None
    return str(country.alpha_2)


@dataclass(frozen=True)
class _Text:
    """An article's normalised text, built once however many topics are checked."""

    head: str  # title and summary, space-padded
    names: frozenset[str]  # entity and place names and aliases
    body: str  # the whole text, space-padded

    @classmethod
    def of(cls, article: Article) -> _Text:
        names = [n for e in article.actors for n in [e.name, *e.aliases]]
        names += [n for p in article.locations for n in [p.name, *p.aliases]]
        return cls(
            head=" " + normalise(" ".join([article.title, *article.summary])) + " ",
            names=frozenset(normalise(n) for n in names),
            body=" " + normalise(article.text) + " ",
        )


def matches(article: Article, topic: Topic, text: _Text | None = None) -> bool:
    """Whether an analysed article belongs to ``topic``."""
    if _by_country(article, topic):
        return True
    return _by_terms(text or _Text.of(article), topic)


def assign(article: Article, topics: list[Topic]) -> list[str]:
    """Slugs of every topic the article belongs to, in definition order."""
    text = _Text.of(article)
    return [t.name for t in topics if matches(article, t, text)]


def _by_country(article: Article, topic: Topic) -> bool:
    if not topic.countries:
        return False
    for rank, place in enumerate(article.locations):
        if place.country in topic.countries and (
            rank < _TOP_LOCATIONS or place.mentions >= _MIN_PLACE_MENTIONS
        ):
            return True
    return False


def _terms(topic: Topic) -> list[str]:
    return [t for t in {normalise(topic.name.replace("-", " ")), *topic.aliases} if t]


def _by_terms(text: _Text, topic: Topic) -> bool:
    for term in _terms(topic):
        if f" {term} " in text.head or term in text.names:
            return True
        if text.body.count(f" {term} ") >= _MIN_TEXT_HITS:
            return True
    return False


def index_terms(article: Article) -> set[str]:
    """Terms under which an article is found for topics defined later.

    Entity names and aliases (whole and word by word), the countries of its
    places, and the words of its title and summary. The body is not indexed,
    to keep the index small; ``matches`` still checks the body when a topic
    is created.
    """
    out: set[str] = set()
    for name in [n for e in article.actors for n in [e.name, *e.aliases]] + [
        n for p in article.locations for n in [p.name, *p.aliases]
    ]:
        norm = normalise(name)
        if norm:
            out.add(norm)
            out.update(w for w in norm.split() if len(w) > 2)
    out.update(f"country:{p.country}" for p in article.locations if p.country)
    out.update(
        w for w in normalise(" ".join([article.title, *article.summary])).split() if len(w) > 3
    )
    return out
