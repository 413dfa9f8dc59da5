"""Language of an article: the page's own declaration, else a cheap detector.

The detector needs no model: the writing system settles Arabic, Korean,
Japanese and Chinese, letters unique to Ukrainian or Russian split Cyrillic,
and counts of very common function words split the Latin-script languages
(en, de, fr, es, it, pt, nl, tr). It only has to be right on news prose of a
few sentences or more; on anything shorter it says "don't know" (None).
"""

from __future__ import annotations

import re
from collections import Counter

SUPPORTED = ("en", "de", "fr", "es", "it", "pt", "nl", "ru", "uk", "ar", "tr", "ja", "ko", "zh")

# Frequent short words of each language, chosen so that each list has several
# words the others lack. Shared words ("de", "la", "a") still count for every
# language that has them; the distinctive ones decide.
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the and of to is that in for it was with on as are by this be at from have "
        "has were which their they will would been not but an said",
        "de": "der die und das ist nicht mit den ein eine zu von sich auf dem des im für "
        "auch es wird wurde sind hat bei nach aus wie noch über",
        "fr": "le les des et est une du pas pour qui dans que il sur au avec ce se sont "
        "elle ont mais aux cette été par plus",
        "es": "el los las del y que en un una por con para es se no su al lo como más "
        "pero sus fue ha este esta entre",
        "it": "il di che è della per gli non una un le del con sono nel alla anche come "
        "dei ha delle più al ma dal questo",
        "pt": "o os do da dos das que em um uma não com para é se por no na ao mais como "
        "foi mas pelo pela são também",
        "nl": "de het een van en niet zijn op dat voor met ook is die te aan er maar om "
        "bij werd wordt heeft naar dan",
        "tr": "ve bir bu da de için ile olarak çok daha gibi olan ama en ne kadar sonra "
        "değil var ise göre",
    }.items()
}

_WORD = re.compile(r"[^\W\d_]+")
_UKRAINIAN_LETTERS = frozenset("іїєґ")
_RUSSIAN_LETTERS = frozenset("ыэъё")
_TURKISH_LETTERS = frozenset("ğışİ")
_LANG_TAG = re.compile(r"^\s*([a-zA-Z]{2,3})(?:[-_].*)?$")
_SCRIPT_OF = {"ru": "cyrillic", "uk": "cyrillic", "ar": "arabic", "ko": "hangul"}
_SCRIPT_OF.update({"ja": "cjk", "zh": "cjk"})

_SCRIPTS = {
    "latin": re.compile(r"[A-Za-z\u00c0-\u024f]"),
    "cyrillic": re.compile(r"[\u0400-\u052f]"),
    "arabic": re.compile(r"[\u0600-\u077f\ufb50-\ufdff\ufe70-\ufeff]"),
    "hangul": re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]"),
    "kana": re.compile(r"[\u3040-\u30ff\u31f0-\u31ff]"),
    "han": re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]"),
}
SAMPLE_CHARS = 6000  # a few hundred words decide as well as the whole article

MIN_WORDS = 8  # below this, function-word counts say nothing
MIN_SHARE = 0.08  # function words of the winner per word of text


def normalize_tag(tag: str | None) -> str | None:
    """``"en-GB"``, ``"pt_BR"``, ``"EN"`` -> two-letter code; None if not a language tag."""
    if not tag:
        return None
    match = _LANG_TAG.match(tag)
    if not match:
        return None
    code = match.group(1).lower()
    return code if len(code) == 2 else None


def detect_language(text: str, html_lang: str | None = None) -> str | None:
    """ISO 639-1 code of ``text``, trusting ``html_lang`` (``<html lang>``, og:locale).

    The page's declaration wins unless the text is plainly in another script
    (a template saying ``lang="en"`` over Russian text) or, for longer texts,
    the detector is confident of another language.
    """
    declared = normalize_tag(html_lang)
    sample = text[:SAMPLE_CHARS]
    detected, confident = _detect(sample)
    if declared is None:
        return detected
    if detected is None or detected == declared:
        return declared
    if _script(declared) != _script(detected) or confident:
        return detected
    return declared


def _script(lang: str) -> str:
    return _SCRIPT_OF.get(lang, "latin")


def _detect(text: str) -> tuple[str | None, bool]:
    """(language, confident) from the text alone."""
    scripts = _count_scripts(text)
    letters = sum(scripts.values())
    if letters == 0:
        return None, False
    top, count = scripts.most_common(1)[0]
    if count < 0.5 * letters:
        return None, False
    if top == "hangul":
        return "ko", True
    if top in ("kana", "han"):
        # Japanese mixes kana into Han text; Chinese has (almost) none
        return ("ja" if scripts["kana"] > 0.05 * (scripts["han"] + scripts["kana"]) else "zh"), True
    if top == "arabic":
        return "ar", True
    if top == "cyrillic":
        return _cyrillic(text)
    return _latin(text)


def _count_scripts(text: str) -> Counter[str]:
    return Counter({name: len(pattern.findall(text)) for name, pattern in _SCRIPTS.items()})


def _cyrillic(text: str) -> tuple[str | None, bool]:
    lower = text.lower()
    uk = sum(lower.count(ch) for ch in _UKRAINIAN_LETTERS)
    ru = sum(lower.count(ch) for ch in _RUSSIAN_LETTERS)
    if uk == ru == 0:
        return None, False
    return ("uk" if uk > ru else "ru"), abs(uk - ru) >= 3


def _latin(text: str) -> tuple[str | None, bool]:
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < MIN_WORDS:
        return None, False
    scores = Counter({lang: 0 for lang in _FUNCTION_WORDS})
    for word in words:
        for lang, vocabulary in _FUNCTION_WORDS.items():
            if word in vocabulary:
                scores[lang] += 1
    if any(ch in _TURKISH_LETTERS for ch in text):
        scores["tr"] += len(words) // 20  # letters no other language here uses
    (best, first), (_, second) = scores.most_common(2)
    if first < MIN_SHARE * len(words):
        return None, False
    confident = len(words) >= 40 and first >= 1.5 * max(second, 1)
    return best, confident
