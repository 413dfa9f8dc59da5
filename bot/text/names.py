"""Folding and names: the analyser, the gazetteer, term helpers and topics share these.

* Folding makes spellings of any text compare equal: ``fold`` (case and
  accents, for matching words) and ``to_ascii`` (plain-ASCII identifiers), both
  built on ``strip_accents``.
* ``clean_surface`` tidies what the text says ("the Kremlin’s" -> "Kremlin"):
  it is what we show as a name or an alias.
* ``name_key`` folds a name to a transliteration-neutral key, so that spellings
  of one name meet: "Khmeimim" and "Hmeimim", "Ahmad al-Shara" and
  "Ahmed al-Sharaa", "Deir-ez-Zor" and "Deir al-Zor", "Tartous" and "Tartus".
  Keys are only ever compared with other keys; they are never shown.
* ``skeleton`` is a looser key for one word (every run of vowels becomes "a").
  Term vectors use it (``bot.text.terms``), where two names that meet by
  accident cost a little similarity; entity identity uses ``name_key``, where
  they would merge two actors.

The folding rules are deliberately small and written down below; spellings that
no rule can join (Kiev/Kyiv, Jolani/Sharaa) go in the curated tables under
``bot/data/``. Everything a name key depends on stays in this one file: the
gazetteer's cache (``bot.gazetteer.cache``) is keyed on its bytes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# Arabic definite articles as separate tokens ("al-Sharaa", "Deir ez-Zor",
# "As Suwayda"). Dropped from keys unless written in capitals ("US", "AS").
ARTICLES = frozenset(
    {"al", "el", "ad", "ar", "as", "az", "ash", "at", "an", "ed", "er", "es", "ez", "ul", "ud"}
)
_APOSTROPHES = "'’‘`ʿʾ´ʼ"
_POSSESSIVE_RE = re.compile(r"['’]s?$")
_SPACES_RE = re.compile(r"\s+")
_NON_ALNUM_RE = re.compile(r"[^a-z0-9]+")
_LEADING_THE_RE = re.compile(r"^(?:the|The|THE)\s+")
_EDGE_PUNCT = ' \t\n"“”«»()[]{},;:.!?-–—|/*'

# Per-token spelling folds (see ``fold_token``); each joins a common pair of
# romanisations of Arabic, Russian or Turkish names.
_SIMPLE_FOLDS = (
    ("q", "k"),  # Qamishli / Kamishli, Iraq / Irak
    ("ou", "u"),  # Tartous / Tartus, Mazloum / Mazlum
    ("oo", "u"),
    ("ee", "i"),
    ("ey", "ei"),  # Sergey / Sergei, Hmeymim
    ("ei", "i"),  # Hmeimim / Hmimim
)
_DOUBLE_RE = re.compile(r"(.)\1+")  # Sharaa / Shara, Raqqa / Raqa, Assad / Asad
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")

# Common given names whose romanisations no rule above joins (after folding).
_TOKEN_VARIANTS = {
    "ahmad": "ahmed",
    "muhamad": "mohamed",
    "mohamad": "mohamed",
    "muhamed": "mohamed",
    "husayn": "husin",
    "husain": "husin",
    "hosin": "husin",
    "abdala": "abdula",
    "yusuf": "yusef",
    "yosef": "yusef",
    "umar": "omar",
    "usama": "osama",
    "halid": "haled",
}


def strip_accents(text: str) -> str:
    """``text`` without diacritics: "Qāmishlī" -> "Qamishli" (case and other letters kept)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Lowercase and strip accents, so "Qāmishlī" and "Qamishli" compare equal."""
    return strip_accents(text.casefold())


def to_ascii(text: str) -> str:
    """``strip_accents``, then every character without an ASCII base dropped ("ß", "ø", "Я").

    For identifiers that must be plain ASCII (topic slugs and aliases).
    """
    return strip_accents(text).encode("ascii", "ignore").decode()


def clean_surface(text: str) -> str:
    """A mention as we show it: one line, no possessive, no leading "the", no edge punctuation."""
    text = text.split("\n", 1)[0]
    text = _SPACES_RE.sub(" ", text).strip(_EDGE_PUNCT)
    text = _POSSESSIVE_RE.sub("", text).strip(_EDGE_PUNCT)
    return _LEADING_THE_RE.sub("", text)


def ascii_fold(text: str) -> str:
    """Lowercase ASCII letters and digits: diacritics stripped, apostrophes removed."""
    if _NON_ASCII_RE.search(text):
        text = strip_accents(text)
        for mark in _APOSTROPHES:
            text = text.replace(mark, "")
    else:
        text = text.replace("'", "").replace("`", "")
    return text.lower()


def _first_group(match: re.Match[str]) -> str:
    return match.group(1)


@lru_cache(maxsize=262144)
def fold_token(token: str) -> str:
    """Fold one lowercase ASCII token through the transliteration rules."""
    if len(token) <= 2 or token.isdigit():
        return token
    if token.startswith("kh"):  # Khmeimim / Hmeimim
        token = token[1:]
    for old, new in _SIMPLE_FOLDS:
        if old in token:
            token = token.replace(old, new)
    if _DOUBLE_RE.search(token):
        token = _DOUBLE_RE.sub(_first_group, token)
    if token.endswith("iy"):  # Dmitriy / Dmitri
        token = token[:-1]
    elif token.endswith("y") and token[-2] not in "aeiou":  # Dmitry / Dmitri
        token = token[:-1] + "i"
    if len(token) > 2 and token[-1] == "h" and token[-2] in "aei":  # Raqqah / Raqqa
        token = token[:-1]
    return _TOKEN_VARIANTS.get(token, token)


@lru_cache(maxsize=65536)
def name_tokens(name: str) -> tuple[str, ...]:
    """The folded tokens of a name, Arabic articles and a leading "the" dropped."""
    name = _POSSESSIVE_RE.sub("", name.strip())
    tokens = _NON_ALNUM_RE.sub(" ", ascii_fold(name)).split()
    if tokens and tokens[0] == "the" and len(tokens) > 1:
        tokens = tokens[1:]
    if ARTICLES.isdisjoint(tokens):
        return tuple(fold_token(t) for t in tokens)
    # an article in capitals is an acronym ("US", "AS Roma"), not an article
    caps = {t.lower() for t in _SPACES_RE.split(name) if len(t) >= 2 and t.isupper()}
    kept = [t for t in tokens if t not in ARTICLES or t in caps] or tokens
    return tuple(fold_token(t) for t in kept)


def name_key(name: str) -> str:
    """The transliteration-neutral key of a name: folded tokens joined by spaces."""
    return " ".join(name_tokens(name))


_VOWELS_RE = re.compile(r"[aeiouy]+")


def name_keys(words: Iterable[str]) -> frozenset[str]:
    """The keys of common words, to compare with keys of names: a word list written
    plainly ("square", "court", "january") would never meet a key, whose tokens are
    folded ("skuare", "curt", "januari")."""
    return frozenset(name_key(word) for word in words)


def skeleton(word: str) -> str:
    """A spelling-tolerant key for a transliterated name.

    Runs of vowels become "a", doubled letters one, and a few digraphs that
    transliterations of Arabic and Russian swap are unified: "Sharaa"/"Shara",
    "Qamishli"/"Kamishli", "Hmeimim"/"Khmeimim", "Tartus"/"Tartous" pair up.
    """
    w = word.replace("kh", "h").replace("q", "k").replace("ph", "f").replace("dh", "d")
    w = w[0] + _VOWELS_RE.sub("a", w[1:]) if w else w
    return re.sub(r"(.)\1+", r"\1", w)


def slug(key: str) -> str:
    """A key as an id part: ``"ahmed shara"`` -> ``"ahmed-shara"``."""
    return _NON_ALNUM_RE.sub("-", key.lower()).strip("-") or "x"


def initials(name: str) -> str:
    """Capital initials of a multi-word name, skipping articles and small words.

    "Syrian Democratic Forces" -> "SDF", "Hayat Tahrir al-Sham" -> "HTS",
    "Foundation for Defense of Democracies" -> "FDD".
    """
    words = re.split(r"[\s\-]+", name)
    return "".join(w[0] for w in words if w and w[0].isupper())


def is_acronym(text: str) -> bool:
    """All capitals (dots allowed), two to seven letters: "SDF", "U.S.", "HTS"."""
    letters = text.replace(".", "")
    return 2 <= len(letters) <= 7 and letters.isalpha() and letters.isupper()
