"""Text similarity primitives: content terms, word shingles, MinHash, cosine.

Pure functions over strings and small dicts, used by ``bot.topics.developments`` to
group articles and to spot syndicated copies. Every hash here is a fixed
function of the input bytes (blake2b), never Python's salted ``hash()``, so a
signature computed by one worker process compares equal in another.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

from bot.text.names import fold
from bot.text.sentences import lead_end_of

NUM_PERM = 64
SHINGLE_SIZE = 5
_MERSENNE = (1 << 61) - 1
_MASK32 = (1 << 32) - 1

# Function words plus the vocabulary of reporting itself ("said", "told", dates),
# which every article shares and which says nothing about what happened.
_STOPWORD_TEXT = """
    a about above after again against ago all almost along already also although always am
    among an and another any are around as at away back be became because been before being
    below between both but by came can cannot could did do does doing done down during each
    either else even ever every few for from further get gets got had has have having he her
    here hers herself him himself his how however i if in including into is it its itself just
    last later least less like made make many may me might more most much must my near nearly
    neither never next no nor not now of off often on once one only onto or other others our
    ours out over own per perhaps put rather same several she should since so some still such
    than that the their theirs them themselves then there these they this those though three
    through thus to too toward towards two under until up upon us very via was we well were
    what whatever when where whether which while who whom whose why will with within without
    would yet you your yours al el ul bin ibn de la le der von van mr mrs ms dr
    said say says saying told tell tells according reported report reports reporting added
    statement statements news agency source sources official officials spokesperson
    spokesman spokeswoman quoted cited citing claimed claims asked week weeks month months
    year years day days today yesterday tomorrow time times earlier recent recently early
    monday tuesday wednesday thursday friday saturday sunday january february march april
    june july august september october november december jan feb mar apr jun jul aug sep
    sept oct nov dec new first second third four five six seven eight nine ten hundred
    thousand million billion percent people part end set take took taken going went come
    comes coming see seen saw show shows showed shown use used using
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)


def words(text: str) -> list[str]:
    """Folded word tokens; hyphens and apostrophes split ("al-Sharaa" -> al, sharaa)."""
    out: list[str] = []
    for token in _WORD_RE.findall(fold(text)):
        # possessives carry no meaning of their own: "Russia's" -> "russia"
        out.extend(part for part in re.split(r"['’]s?$|['’]", token) if part)
    return out


def stem(word: str) -> str:
    """A deliberately light suffix stripper: enough to join "withdraws"/"withdrawal".

    A full stemmer would merge too much across the proper nouns that dominate news
    text; this only removes common inflections and a few derivational endings.
    """
    for suffix, keep in (
        ("ations", 5),
        ("ation", 5),
        ("ments", 5),
        ("ment", 5),
        ("ings", 5),
        ("ing", 5),
        ("als", 5),
        ("al", 6),
        ("ied", 4),
        ("ies", 4),
        ("ed", 5),
        ("es", 5),
        ("s", 4),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= keep - 1:
            base = word[: -len(suffix)]
            if suffix in ("ied", "ies"):
                return base + "y"
            if suffix == "s" and base.endswith(("s", "u", "i")):
                return word  # "press", "status", "analysis": not plurals
            return base
    return word


# Demonyms and capitals standing for their country ("the Kremlin said", "Russian
# troops", "Washington's exit") and a few spelling variants, so that one actor is
# one term whatever the outlet's phrasing. Applied to single folded words.
ALIASES = {
    **dict.fromkeys(["american", "americans", "washington"], "usa"),
    **dict.fromkeys(["russian", "russians", "kremlin", "moscow"], "russia"),
    **dict.fromkeys(["syrian", "syrians", "damascus"], "syria"),
    **dict.fromkeys(["kurdish", "kurds"], "kurd"),
    **dict.fromkeys(["turkish", "turks", "ankara", "turkiye"], "turkey"),
    **dict.fromkeys(["israeli", "israelis"], "israel"),
    **dict.fromkeys(["iranian", "iranians", "tehran"], "iran"),
    **dict.fromkeys(["ukrainian", "ukrainians", "kyiv", "kiev"], "ukraine"),
    **dict.fromkeys(["chinese", "beijing"], "china"),
    **dict.fromkeys(["truce", "ceasefire", "ceasefires", "truces"], "ceasefire"),
}
_USA_RE = re.compile(r"\bU\.S\.(?:A\.)?|\bUSA?\b|\bUnited\s+States\b")


def content_terms(text: str, names: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """Stemmed content words of ``text``, stopwords and very short words out.

    Words in ``ALIASES`` become their country or canonical word; other words in
    ``names`` (see ``name_words``) are reduced to their ``skeleton``, so that
    transliterations of one name ("Hmeimim", "Khmeimim") give one term.
    """
    out = []
    for w in words(_USA_RE.sub(" usa ", text)):
        if w in ALIASES:
            out.append(ALIASES[w])
        elif len(w) > 2 and w not in STOPWORDS:
            out.append(skeleton(stem(w)) if w in names else stem(w))
    return out


_TOKEN_RE = re.compile(r"[^\W\d_]+")
_SENTENCE_OPENERS = ".!?:;\"“‘'(["


def name_words(text: str) -> set[str]:
    """Folded words that ``text`` capitalises inside a sentence: the words of names.

    Sentence-initial words are left out, so "Shops reopened" does not make "shops"
    a name; a headline in Title Case is best not passed here.
    """
    out: set[str] = set()
    for match in _TOKEN_RE.finditer(text):
        word = match.group(0)
        if not word[0].isupper():
            continue
        before = text[: match.start()].rstrip()
        if before and before[-1] not in _SENTENCE_OPENERS:
            out.update(p for p in words(word) if p not in STOPWORDS)
    return out


# words that say what kind of place a name is, not which one ("Raqqa Governorate")
_GENERIC_NAME_WORDS = frozenset(
    [
        "governorate",
        "province",
        "region",
        "district",
        "city",
        "town",
        "village",
        "airport",
        "air",
        "base",
        "airbase",
        "naval",
        "station",
        "port",
        "county",
        "municipality",
    ]
)


def name_key(name: str, person: bool = False) -> list[str]:
    """Spelling-tolerant tokens of a name: "Raqqa Governorate" and "Raqqa" give ["raka"].

    For a person, only the family name: "Ahmed al-Sharaa" and "Ahmad al-Shara" -> ["shara"].
    """
    tokens = [
        skeleton(w)
        for w in words(name)
        if len(w) > 2 and w not in STOPWORDS and w not in _GENERIC_NAME_WORDS
    ]
    return tokens[-1:] if person else tokens


def capitalized_words(text: str) -> set[str]:
    """Folded words of every capitalised token, sentence-initial ones included."""
    return {
        w
        for token in re.findall(r"[^\W\d_][\w'’-]*", text)
        if token[0].isupper()
        for w in words(token)
    }


def loose_terms(text: str) -> list[str]:
    """``content_terms`` of a short text (a headline, a sentence) with its own names."""
    return content_terms(text, capitalized_words(text))


_VOWELS_RE = re.compile(r"[aeiouy]+")


def skeleton(word: str) -> str:
    """A spelling-tolerant key for a transliterated name.

    Runs of vowels become "a", doubled letters one, and a few digraphs that
    transliterations of Arabic and Russian swap are unified: "Sharaa"/"Shara",
    "Qamishli"/"Kamishli", "Hmeimim"/"Khmeimim", "Tartus"/"Tartous" pair up.
    """
    w = word.replace("kh", "h").replace("q", "k").replace("ph", "f").replace("dh", "d")
    w = w[0] + _VOWELS_RE.sub("a", w[1:]) if w else w
    return re.sub(r"(.)\1+", r"\1", w)


def top_weights(counts: Mapping[str, float], limit: int) -> dict[str, float]:
    """The ``limit`` heaviest entries, ties broken by key so the result is stable."""
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return {k: round(v, 6) for k, v in ranked if v > 0}


def normalize(weights: Mapping[str, float]) -> dict[str, float]:
    """Scale so the weights sum to 1 (an empty or all-zero map stays empty)."""
    total = sum(weights.values())
    if total <= 0:
        return {}
    return {k: v / total for k, v in weights.items()}


def cosine(
    a: Mapping[str, float], b: Mapping[str, float], idf: Mapping[str, float] | None = None
) -> float:
    """Cosine similarity of two sparse vectors, each feature scaled by ``idf`` if given."""
    if not a or not b:
        return 0.0

    def scale(key: str) -> float:
        return 1.0 if idf is None else idf.get(key, 1.0)

    dot = sum(v * b[k] * scale(k) ** 2 for k, v in a.items() if k in b)
    if dot <= 0:
        return 0.0
    na = math.sqrt(sum((v * scale(k)) ** 2 for k, v in a.items()))
    nb = math.sqrt(sum((v * scale(k)) ** 2 for k, v in b.items()))
    return dot / (na * nb)


def shingles(text: str, size: int = SHINGLE_SIZE) -> set[str]:
    """Word ``size``-grams of the folded text (all words, stopwords included)."""
    tokens = words(text)
    if len(tokens) < size:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def _permutations(count: int) -> list[tuple[int, int]]:
    # fixed (a, b) pairs for universal hashing, derived from their index alone
    pairs = []
    for i in range(count):
        digest = hashlib.blake2b(f"briefbot-minhash-{i}".encode(), digest_size=16).digest()
        a = int.from_bytes(digest[:8], "big") % (_MERSENNE - 1) + 1
        b = int.from_bytes(digest[8:], "big") % _MERSENNE
        pairs.append((a, b))
    return pairs


_PERMS = tuple(_permutations(NUM_PERM))


def minhash(items: Iterable[str]) -> list[int]:
    """A ``NUM_PERM``-slot MinHash signature (32-bit values) of a set of strings.

    An empty set gives all-max slots, which match nothing but another empty set.
    """
    base = [
        int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "big") % _MERSENNE
        for s in set(items)
    ]
    if not base:
        return [_MASK32] * NUM_PERM
    return [min((a * h + b) % _MERSENNE for h in base) & _MASK32 for a, b in _PERMS]


def jaccard_estimate(sig_a: list[int], sig_b: list[int]) -> float:
    """Share of equal slots: an unbiased estimate of the Jaccard similarity of the sets."""
    if not sig_a or len(sig_a) != len(sig_b):
        return 0.0
    return sum(1 for x, y in zip(sig_a, sig_b, strict=True) if x == y) / len(sig_a)


def term_counts(
    title: str,
    text: str,
    weights: tuple[float, float, float] = (3.0, 2.0, 1.0),
    lead_sentences: int = 2,
) -> dict[str, float]:
    """Term frequencies weighted by where they occur: headline, lead, rest of the body.

    News puts what happened in the headline and first sentences; the rest is
    background that several distinct developments of a topic share, so the
    default weights count a headline term three times and a lead term twice.
    """
    title_w, lead_w, body_w = weights
    names = frozenset(name_words(text))
    counts: dict[str, float] = defaultdict(float)
    for term in content_terms(title, names):
        counts[term] += title_w
    lead_end = lead_end_of(text, lead_sentences)
    for term in content_terms(text[:lead_end], names):
        counts[term] += lead_w
    if body_w > 0:
        for term in content_terms(text[lead_end:], names):
            counts[term] += body_w
    return dict(counts)
