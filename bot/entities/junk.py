"""Spans of article text that must not produce entities.

Extracted article text still carries page furniture now and then: photo
credits and licences ("Photo by Kremlin.ru, CC BY 4.0"), URLs, e-mail
addresses and handles, bylines ("By | January 28, 2026"), share and follow
prompts ("Follow Dmitriy on X @dmitriyshapiro"), comment prompts and author
boxes ("Jane Doe is a research analyst at ..."). ``junk_spans`` finds them with
a few regular expressions over the whole text (one pass each), and
``is_junk_name`` rejects entity strings that are never real actors or places.
"""

from __future__ import annotations

import bisect
import re

Span = tuple[int, int]

_URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>\"]+?(?=[A-Z][a-z]+\b|[\s<>\"]|$)")
_EMAIL_RE = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_HANDLE_RE = re.compile(r"(?<![\w@])@\w{2,}")
_DOMAIN_RE = re.compile(
    r"\b[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|org|net|ru|gov|io|co|uk|info|news|tv|me|int|"
    r"edu|de|fr|ua|sy|tr|il|ir|cn|eu)\b",
)
_LICENCE_RE = re.compile(
    r"\bCC[ -]?(?:BY|0)(?:[ -](?:SA|NC|ND))*(?:[ -]\d\.\d)?\b|\bCreative Commons\b[^\n.;]*"
    r"|\bpublic domain\b|\bvia Wikimedia Commons\b",
)
# "Photo by X", "Photo: X", "Image credit: X", "Credit: X", "Courtesy of X",
# "REUTERS/Name", "NAME SURNAME/ANP", "AFP via Getty Images": the credit runs to the end of the
# sentence or line.
_CREDIT_RE = re.compile(
    r"(?:\b(?:Photo(?:graph)?s?|Image|Picture|Illustration|Video|Footage|Foto|Bild|Quelle)(?:\s+credits?)?"
    r"\s*(?:by\b|:|/)|\bCredits?\s*:|\bCourtesy(?:\s+of)?\b|\bFile photo\b"
    r"|\b(?:REUTERS|Reuters|AFP|AP|EPA|ANADOLU|Anadolu|SANA|TASS|Xinhua)\s*/\s*[A-Z]"
    r"|\b[A-Z][A-Z'’-]+(?:\s+[A-Z][A-Z'’-]+){0,3}\s*/\s*"
    r"(?:ANP|AFP|AP|EPA|REUTERS|Reuters|ANADOLU|Anadolu|SANA|TASS|Xinhua|DPA|dpa)\b"
    r"|\b(?:AFP|AP|EPA|Anadolu)\s+(?:via|through)\b|\bGetty Images\b)"
    r"[^\n]*?(?=\.\s|\n|$)",
)
_LINE_JUNK_RE = re.compile(
    r"^\s*(?:By\b[^\n.]{0,80}$"
    r"|(?:Share|Subscribe|Sign up|Read more|Related|Comments?|Leave a Reply|Advertisement"
    r"|Reporting by|Additional reporting|Editing by|Writing by|Copyright|Our Standards)\b"
    r"[^\n]{0,200}$"
    r"|[^\n]{0,40}©[^\n]{0,200}$"
    r"|[^\n]*\b(?:All rights reserved|Follow (?:us|\w+) on (?:X|Twitter|Facebook|Instagram|"
    r"Telegram|LinkedIn|Bluesky|Threads|Mastodon))\b[^\n]{0,200}$)",
    re.MULTILINE,
)
_FOLLOW_RE = re.compile(
    r"\bFollow\s+(?:\w+\s+){0,3}on\s+(?:X|Twitter|Facebook|Instagram|Telegram|LinkedIn|"
    r"Bluesky|Threads)\b[^\n.]*\.?|\bFollow\s+(?:us|me|him|her)\b[^\n.]*\.?",
)
# An author box: a short line near the end that introduces a writer.
_AUTHOR_BOX_RE = re.compile(
    r"^[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3}\s+(?:is|was|writes|covers)\s+(?:an?\s+|the\s+)?"
    r"(?:[\w-]+\s+){0,4}(?:analyst|reporter|correspondent|editor|writer|journalist|fellow|"
    r"columnist|contributor|author|researcher|producer|photographer|director)\b",
)
_AUTHOR_BOX_TAIL_LINES = 3

_JUNK_NAME_RE = re.compile(
    r"^(?:CC|CC BY.*|Wikipedia|Wikimedia(?: Commons)?|Getty(?: Images)?|Shutterstock|"
    r"Photo|Image|Credit|Follow .*|Share .*|Comments?|Leave a Reply|Reply|X|Twitter|"
    r"Facebook|Instagram|Telegram|LinkedIn|YouTube|WhatsApp|Bluesky)$",
)

# Technical, time-zone and title abbreviations and capitalised common words that
# the NER tags as organisations or places on tech and sports pages ("16 GB of
# RAM", "20:00 GMT", "the TPU", "State officials", "the Games", "AI chips").
_NEVER_NAMES = frozenset(
    {"AI", "AGI", "API", "APIs", "CPU", "CPUs", "GPU", "GPUs", "TPU", "TPUs", "NPU", "RAM", "ROM",
     "SSD", "HDD", "USB", "HDMI", "LED", "OLED", "LCD", "LLM", "LLMs", "PDF", "FAQ", "GB", "TB",
     "MB", "GHz", "PC", "PCs", "OS", "VPN", "SIM", "GPS", "NFT", "NFTs", "IPO", "ETF", "GDP",
     "CEO", "CFO", "CTO", "COO", "MVP", "VAR", "GMT", "UTC", "BST", "CET", "CEST", "EST", "EDT",
     "PST", "PDT", "CST", "CDT", "AM", "PM", "TV", "DNA", "ID", "State", "States", "Games",
     "Government", "Ministry", "Parliament", "Court", "Police", "Army", "Kickoff", "Cabinet",
     "Information", "Hurricane", "Storm",
     # everyday abbreviations of real news (issue 13, fifth round: CCTV footage, SPF 30 sun
     # cream, UVA and UVB rays, taken to A&E, an R&B singer)
     "CCTV", "BBQ", "SPF", "UV", "UVA", "UVB", "A&E", "R&B", "DIY", "IVF", "MRI", "CPR", "SUV",
     "SMS", "URL", "DVD", "VIP", "HIV", "HGV", "ICU", "PPE", "GCSE", "GCSEs", "MOT", "4x4"}
)  # fmt: skip
# A broadcaster's player notice left in the text ("Media playback is not supported on this
# device"), and a portfolio before a minister's title ("the Justice Secretary", "Schools
# Minister"): the portfolio words name no body.
_NOTICE_RE = re.compile(
    r"\bMedia playback is (?:not supported|unsupported) on (?:this|your) device"
)
_PORTFOLIO_RE = re.compile(r"\b(?:[A-Z][a-z]+ (?:and )?){1,3}(?=(?:Minister|Secretary)\b)")
# the last word of an event's name: "Super Bowl", "World Cup", "the Olympic Games"
EVENT_TAILS = frozenset(
    {"bowl", "cup", "games", "olympics", "paralympics", "championship", "championships",
     "tournament", "open", "prix", "derby", "marathon", "festival", "awards", "expo", "series"}
)  # fmt: skip


def never_a_name(word: str) -> bool:
    """An abbreviation or common word that is never an actor or a place on its own."""
    return word in _NEVER_NAMES


def junk_spans(text: str) -> list[Span]:
    """Sorted, merged character spans of ``text`` that are page furniture, not article."""
    spans: list[Span] = []
    for pattern in (_URL_RE, _EMAIL_RE, _HANDLE_RE, _DOMAIN_RE, _LICENCE_RE, _CREDIT_RE):
        spans.extend(m.span() for m in pattern.finditer(text))
    spans.extend(m.span() for m in _LINE_JUNK_RE.finditer(text))
    spans.extend(m.span() for m in _FOLLOW_RE.finditer(text))
    spans.extend(m.span() for m in _NOTICE_RE.finditer(text))
    spans.extend(_portfolios(text))
    spans.extend(_author_boxes(text))
    return _merge(spans)


def _portfolios(text: str) -> list[Span]:
    # "Prime Minister", "Foreign Secretary": not a portfolio of a body; "Home Office Minister"
    # keeps nothing either, which is right: it is a title, the Home Office is named elsewhere
    return [m.span() for m in _PORTFOLIO_RE.finditer(text) if m.group().strip() != "Prime"]


def _author_boxes(text: str) -> list[Span]:
    out: list[Span] = []
    lines = _line_spans(text)
    for start, end in lines[-_AUTHOR_BOX_TAIL_LINES:]:
        line = text[start:end]
        if len(line) <= 600 and _AUTHOR_BOX_RE.match(line.strip()):
            out.append((start, end))
    return out


def _line_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def overlaps(spans: list[Span], start: int, end: int) -> bool:
    """Whether ``[start, end)`` overlaps any of the sorted, merged ``spans``."""
    i = bisect.bisect_right(spans, (start, float("inf"))) - 1
    if i >= 0 and spans[i][1] > start:
        return True
    return i + 1 < len(spans) and spans[i + 1][0] < end


def is_junk_name(name: str) -> bool:
    """Strings that are never an actor or a place: licences, platforms, prompts, bare numbers."""
    if len(name) < 2 or not any(ch.isalpha() for ch in name) or name in _NEVER_NAMES:
        return True
    if name[0].islower() and not name.startswith(("al-", "el-", "ad-", "as-", "ar-")):
        return True
    return bool(_JUNK_NAME_RE.match(name) or _DOMAIN_RE.fullmatch(name) or "http" in name)
