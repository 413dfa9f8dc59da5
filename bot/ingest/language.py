"""Language of an article: the page's own declaration, else the text's.

The text is identified by py3langid (a maintained fork of langid.py by the
author of trafilatura: pure Python over numpy, a 4 MB model inside the package,
97 languages, deterministic, under a millisecond per article once loaded). Our
own function-word counter knew eight Latin-script languages and called Swedish
and Danish Dutch; a reply must name the language it did not analyse, so a
detector that knows many languages is worth its two-second load, paid once per
process. The writing system still settles a page whose declared language is
in another script (a template saying ``lang="en"`` over Russian text). On a
text too short to judge the answer is "don't know" (None).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from typing import Any

# languages the tests carry a sample of; py3langid knows many more
SUPPORTED = ("en", "de", "fr", "es", "it", "pt", "nl", "sv", "da", "pl", "ru", "uk", "ar", "tr",
             "ja", "ko", "zh")  # fmt: skip

_WORD = re.compile(r"[^\W\d_]+")
_LANG_TAG = re.compile(r"^\s*([a-zA-Z]{2,3})(?:[-_].*)?$")
_SCRIPT_OF = {
    **dict.fromkeys(("ru", "uk", "bg", "sr", "mk", "be", "kk", "mn"), "cyrillic"),
    **dict.fromkeys(("ar", "fa", "ur", "ps"), "arabic"),
    **dict.fromkeys(("hi", "mr", "ne"), "devanagari"),
    "ko": "hangul", "ja": "cjk", "zh": "cjk", "el": "greek", "he": "hebrew", "th": "thai",
}  # fmt: skip

_SCRIPTS = {
    "latin": re.compile(r"[A-Za-z\u00c0-\u024f]"),
    "cyrillic": re.compile(r"[\u0400-\u052f]"),
    "arabic": re.compile(r"[\u0600-\u077f\ufb50-\ufdff\ufe70-\ufeff]"),
    "hangul": re.compile(r"[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]"),
    "kana": re.compile(r"[\u3040-\u30ff\u31f0-\u31ff]"),
    "han": re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]"),
}
SAMPLE_CHARS = 6000  # a few hundred words decide as well as the whole article

MIN_WORDS = 8  # below this, a guess is no better than the page's declaration
MIN_CHARS_CJK = 8  # Chinese and Japanese have no spaces between words
CONFIDENT_WORDS = 40  # on this much text a sure detection overrules the declaration
CONFIDENT_PROB = 0.99
MIN_PROB = 0.5  # below this the text is unclear: unknown


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
    words = len(_WORD.findall(text))
    cjk = scripts["han"] + scripts["kana"] + scripts["hangul"]
    if words < MIN_WORDS and cjk < MIN_CHARS_CJK:
        return None, False
    lang, prob = _identifier().classify(text)
    if prob < MIN_PROB:
        return None, False
    confident = prob >= CONFIDENT_PROB and (words >= CONFIDENT_WORDS or cjk >= CONFIDENT_WORDS)
    return str(lang), confident


def _count_scripts(text: str) -> Counter[str]:
    return Counter({name: len(pattern.findall(text)) for name, pattern in _SCRIPTS.items()})


@cache
def _identifier() -> Any:
    # the model is read once per process (about two seconds)
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
