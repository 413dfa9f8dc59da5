"""Terms: words, stop words, stemming, and the weighted content terms of an article.

What the similarity of two articles (``bot.text.similarity``) and the labels of
a development are computed over: folded words, stop words out, a light stem,
demonyms and capitals as their country, and names reduced to a spelling-tolerant
skeleton (``bot.text.names.skeleton``).
"""

from __future__ import annotations

import re
from collections import defaultdict

from bot.text.names import fold, skeleton
from bot.text.sentences import lead_end_of

# Function words and the plainest words of reporting ("said", "told"): no
# sentence is about them. Both stop-word lists below are built on these.
_FUNCTION_WORDS = """
    a about after all also am an and any are as at be been before being both but by
    can could did do does down each few for from had has have he her here hers him
    his how i if in into is it its just may me might more most must my no not of off
    on one only onto or other our out over own same she should so some such than
    that the their theirs them then there these they this those to too two under up
    us very was we were what when where which who whom whose why will with would you
    your said say says told new
"""
# Grouping also drops the other function words and the vocabulary of reporting
# itself (sources, officials, dates, numbers, common verbs), which every article
# shares and which says nothing about what happened.
_REPORTING_WORDS = """
    above again against ago almost along already although always among another
    around away back became because below between came cannot doing done during
    either else even ever every further get gets got having herself himself however
    including itself last later least less like made make many much near nearly
    neither never next nor now often once others ours per perhaps put rather several
    since still themselves though three through thus toward towards until upon via
    well whatever whether while within without yet yours al el ul bin ibn de la le
    der von van mr mrs ms dr saying tell tells according reported report reports
    reporting added statement statements news agency source sources official
    officials spokesperson spokesman spokeswoman quoted cited citing claimed claims
    asked week weeks month months year years day days today yesterday tomorrow time
    times earlier recent recently early monday tuesday wednesday thursday friday
    saturday sunday january february march april june july august september october
    november december jan feb mar apr jun jul aug sep sept oct nov dec first second
    third four five six seven eight nine ten hundred thousand million billion
    percent people part end set take took taken going went come comes coming see
    seen saw show shows showed shown use used using
"""
STOPWORDS = frozenset(_FUNCTION_WORDS.split()) | frozenset(_REPORTING_WORDS.split())
# Summaries score how much a sentence shares with the rest of its article, and
# there dates, numbers and "officials" do tie sentences together: the grouping
# list lowers ROUGE-1 on the 250 CNN/DM articles of bench/summaries.py from 42.18
# to 42.07. Summary tokens keep their apostrophes, hence "it's" and the stray "s"
# and "t"; "mine" and "shall" are stop words for summaries only.
SUMMARY_STOPWORDS = frozenset(_FUNCTION_WORDS.split()) | {"it's", "mine", "shall", "s", "t"}

_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)


def words(text: str) -> list[str]:
    """Folded word tokens; hyphens and apostrophes split ("al-Sharaa" -> al, sharaa)."""
    out: list[str] = []
    for token in _WORD_RE.findall(fold(text)):
        # possessives carry no meaning of their own: "Russia's" -> "russia"
        out.extend(part for part in re.split(r"['’]s?$|['’]", token) if part)
    return out


# A stemming rule: (suffix, the shortest stem it may leave, what replaces it).
# Rules are tried in order and the first that fits wins; a rule that puts its
# suffix back ("ss" -> "ss") keeps a word from the rules after it.
SuffixRules = tuple[tuple[str, int, str], ...]

# For grouping: inflections and a few derivational endings, so that
# "withdraws"/"withdrawal" meet. A full stemmer would merge too much across the
# proper nouns that dominate news text.
DERIVATIONS: SuffixRules = (
    ("ations", 4, ""),
    ("ation", 4, ""),
    ("ments", 4, ""),
    ("ment", 4, ""),
    ("ings", 4, ""),
    ("ing", 4, ""),
    ("als", 4, ""),
    ("al", 5, ""),
    ("ied", 3, "y"),
    ("ies", 3, "y"),
    ("ed", 4, ""),
    ("es", 4, ""),
    ("ss", 2, "ss"),  # "press", "status", "analysis": an s after s, u or i is no plural
    ("us", 2, "us"),
    ("is", 2, "is"),
    ("s", 3, ""),
)
# For summaries: inflections only ("talks"/"talk", "killed"/"kill"), on stems of
# three letters up. The summary figures were measured with these: the DERIVATIONS
# rules lower ROUGE-1 on the 250 CNN/DM articles of bench/summaries.py from
# 42.18 to 42.14.
INFLECTIONS: SuffixRules = (("ing", 3, ""), ("ed", 3, ""), ("es", 3, ""), ("s", 3, ""))


def stem(word: str, rules: SuffixRules = DERIVATIONS) -> str:
    """``word`` with its first fitting suffix rule applied: a deliberately light stemmer."""
    for suffix, shortest, replacement in rules:
        if word.endswith(suffix) and len(word) - len(suffix) >= shortest:
            return word[: -len(suffix)] + replacement
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


def name_skeletons(name: str, person: bool = False) -> list[str]:
    """Skeletons of the telling words of a name: "Raqqa Governorate", "Raqqa" -> ["raka"].

    Stop words and words for a kind of place drop out. For a person, only the
    family name: "Ahmed al-Sharaa" and "Ahmad al-Shara" -> ["shara"].
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
