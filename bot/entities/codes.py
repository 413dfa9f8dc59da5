"""Short capitalised names the NER leaves untagged: "D66", "PVV", "JA21", "IFC".

Party codes and acronyms of organisations are often written bare, and the
small English model tags few of them ("D66 and PVV are tied": no entity at
all). ``untagged_codes`` adds them as organisations when the text leaves little
doubt that they are names:

- written in capitals, two to six characters, letters first ("PVV", "D66",
  "JA21"), a proper noun to the tagger, in a line that is not itself in capitals;
- not a technical or time abbreviation (``bot.entities.junk``), a word of page
  furniture ("FILE", "UPDATE"), a quarter or half year ("Q4", "H1");
- not a place the gazetteer knows ("UK", "UAE": the scanner finds those);
- used at least twice in the article, or spelled out in it ("Party for Freedom
  (PVV)"), or once where the words around it say it is a party or an organisation:
  a leaning before it ("the liberal D66", "his centrist D66"), or a list with an
  organisation or another code ("JA21 and the Farmers Party", "D66, VVD and CDA").
"""

from __future__ import annotations

import re
from collections import Counter

from spacy.tokens import Doc, Token

from bot.entities.junk import Span, never_a_name, overlaps
from bot.entities.lexicon import Lexicon, NameWords
from bot.entities.spans import RawMention, make_mention
from bot.gazetteer.index import Gazetteer
from bot.text.names import name_key

_CODE_RE = re.compile(r"[A-Z][A-Z0-9&]{1,5}")
_PERIOD_RE = re.compile(r"[QH]\d")  # "Q4", "H1": quarters and halves of a year
_FURNITURE = frozenset(
    {"FILE", "PHOTO", "PHOTOS", "VIDEO", "UPDATE", "UPDATED", "WATCH", "LIVE", "BREAKING",
     "READ", "MORE", "ALSO", "NOTE", "NEWS", "TOP", "NEW", "OK", "THE", "AND", "FOR", "WITH",
     "HOW", "WHY", "WHAT", "WHO", "WHEN", "OPINION", "ANALYSIS", "EXCLUSIVE", "UPDATES", "FAQ",
     "EPS", "YOY", "QOQ", "USD", "EUR", "GBP", "JPY", "CNY", "RUB", "UAH", "PPE", "TBD", "ETA",
     "VS", "AKA", "RIP", "LOL", "OMG", "ASAP", "DIY", "SUV", "SUVs", "KM", "KG"}
)  # fmt: skip
# words before a code used once that make it a party: "the liberal D66", "centrist D66"
_LEANINGS = frozenset(
    {"liberal", "centrist", "conservative", "socialist", "progressive", "populist",
     "nationalist", "green", "left", "right", "left-wing", "right-wing", "far-right",
     "far-left", "centre-right", "center-right", "centre-left", "center-left", "pro-european",
     "christian", "social-liberal", "libertarian", "agrarian", "communist", "ruling",
     "opposition"}
)  # fmt: skip
_CAPS_LINE_SHARE = 0.5
_MIN_USES = 2


def untagged_codes(
    doc: Doc,
    found: list[RawMention],
    junk: list[Span],
    gaz: Gazetteer,
    lex: Lexicon,
    spelled_out: set[str],
) -> list[RawMention]:
    """Mentions of the short capitalised names in ``doc`` that no mention in ``found``
    covers (module doc); ``spelled_out`` holds the acronyms the text defines."""
    taken = [False] * len(doc)
    for m in found:
        taken[m.tok_start : m.tok_end] = [True] * (m.tok_end - m.tok_start)
    caps_lines = _capitals_lines(doc.text)
    candidates = [
        tok
        for tok in doc
        if not taken[tok.i]
        and tok.tag_ in ("NNP", "NNPS")
        and _CODE_RE.fullmatch(tok.text)
        and not overlaps(junk, tok.idx, tok.idx + len(tok.text))
        and not overlaps(caps_lines, tok.idx, tok.idx + len(tok.text))
        and not _after_a_name(tok)
    ]
    uses = Counter(tok.text for tok in candidates)
    named = {tok.text for tok in candidates if _named_as_organisation(tok, found)}
    out: list[RawMention] = []
    for tok in candidates:
        text = tok.text
        if not _is_code(text, uses[text], spelled_out | named):
            continue
        if lex.lookup(text) is None and gaz.matches_key(name_key(text)):
            continue
        mention = make_mention(doc, tok.i, tok.i + 1, "ORG")
        if mention is not None:
            out.append(mention)
    return out


def _after_a_name(tok: Token) -> bool:
    """ "Jane Roe QC", "John Smith MP": an honour written after a person's name."""
    before = tok.nbor(-1) if tok.i > 0 else None
    return (
        before is not None
        and before.text[:1].isupper()
        and NameWords.load().is_post_nominal(tok.text)
    )


def _is_code(text: str, uses: int, spelled_out: set[str]) -> bool:
    if text in _FURNITURE or never_a_name(text) or _PERIOD_RE.fullmatch(text):
        return False
    return uses >= _MIN_USES or text in spelled_out


def _named_as_organisation(tok: Token, found: list[RawMention]) -> bool:
    """Whether the words around a code used once say it names a party or an organisation."""
    doc = tok.doc
    # "pro-European" is three tokens: the leaning is the words since the last space
    start = tok.i - 1
    while start > 0 and not doc[start - 1].whitespace_:
        start -= 1
    if start >= 0 and doc[start : tok.i].text.lower() in _LEANINGS:
        return True
    orgs = {i for m in found if m.label == "ORG" for i in range(m.tok_start, m.tok_end)}
    # a list with an organisation, or with other codes: "D66, VVD and CDA leaders"
    return any(
        _CODE_RE.fullmatch(t.text) is not None
        or any(w.tag_ == "NNP" and (w.i in orgs or w.ent_type_ == "ORG") for w in t.subtree)
        for t in tok.conjuncts
    )


def _capitals_lines(text: str) -> list[Span]:
    """Lines written in capitals ("WATCH: STORM HITS COAST"), where any word looks like a code."""
    out: list[Span] = []
    pos = 0
    for line in text.split("\n"):
        words = re.findall(r"[^\W\d_]{2,}", line)
        if words and sum(w.isupper() for w in words) >= _CAPS_LINE_SHARE * len(words) > 1:
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out
