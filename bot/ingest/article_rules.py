"""From raw extraction fields to an article: cleanup, "is this an article?", metadata.

Pure functions on the flat dict that ``bot.ingest.extract_worker`` returns, so they
run in the parent (cheap) and are tested without a child process.

The body cleanup drops what trafilatura sometimes keeps and readers do not
want in a summary: the headline repeated as the first paragraph, bylines,
photo credits, "Read more:" and newsletter lines. Measured on the benchmark
set it raises precision without costing recall (docs/benchmarks.md).
"""

from __future__ import annotations

import re
import warnings
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from dateutil import parser as dateparser

from bot.errors import NotAnArticle
from bot.ingest import shape
from bot.text.sentences import ANY_SCRIPT, ends_a_sentence, split_sentences

MIN_WORDS = 40
# A shorter body is still an article when it is a brief: at least two complete
# sentences of reporting, with this many words, once consent and paywall
# notices are left out (a two-sentence sports brief under a cookie banner).
BRIEF_MIN_WORDS = 20
BRIEF_MIN_SENTENCES = 2
_SENTENCE_WORDS = 6
_NOTICE = re.compile(
    r"\b(?:cookies?|consent|privacy|javascript|subscri(?:be|ption)|sign (?:in|up))\b",
    re.I,
)
PAYWALL_MAX_WORDS = 150  # a "not free" page with more text than this was served in full

# zone abbreviations news sites print, with their UTC offsets in seconds
_ZONES = {
    "UTC": 0, "GMT": 0, "BST": 3600, "CET": 3600, "CEST": 7200,
    "EST": -5 * 3600, "EDT": -4 * 3600, "CST": -6 * 3600, "CDT": -5 * 3600,
    "MST": -7 * 3600, "MDT": -6 * 3600, "PST": -8 * 3600, "PDT": -7 * 3600,
}  # fmt: skip
_NON_WORD = re.compile(r"\W+")
# Short lines that are page furniture, not reporting. Only lines of at most
# BOILERPLATE_MAX_WORDS words are tested, so a sentence that merely mentions
# "newsletter" or "copyright" in a paragraph stays.
_BOILERPLATE = re.compile(
    r"""^(?:
      (?:related|read\ more|see\ more|more|also\ read|read\ also|also\ on\ [\w.]+|don'?t\ miss
        |watch|listen|recommended|sponsored|most\ read|trending)\s*[:|–-].*
     |(?:related(?:\ (?:stories|articles|coverage))?|read\ more|see\ more|more|also\ read
        |don'?t\ miss|recommended|advertisement|most\ read|trending)\s*
     |.*\b(?:sign\ up|subscribe)\b.*\b(?:newsletters?|inbox)\b.*
     |.*\bshare\ (?:this|it)\b.*
     |(?:like\ this\ story|tell\ us\ what\ you\ think|click\ here)\b.*
     |follow\ (?:us|him|her|them)\ on\b.*
     |(?:updated|published|posted)\ (?:at|on)\b.{0,40}
     |(?:photo|image|picture|video|credit|source)s?\s*(?:credit)?\s*:.{0,80}
     |.*\ball\ rights\ reserved\b.*
     |(?:copyright|©).{0,80}
     |this\ copy\ is\ for\ your\ personal,\ non-commercial\ use.*
     |.*\[(?:insight|video|news|reaction|pictures|poll|latest|update)\]\s*\|?
    )$""",
    re.X | re.I,
)
BOILERPLATE_MAX_WORDS = 25
_BYLINE = re.compile(r"^(?:by|von|par|por|di|door)\s+\S+(?:\s+\S+){0,5}$", re.I)


def _norm(text: str) -> str:
    return _NON_WORD.sub(" ", text).strip().lower()


def clean_body(text: str, title: str | None = None, author: str | None = None) -> str:
    """The body without headline repeats, bylines, credits and "read more" lines."""
    title_key = _norm(title or "")
    author_key = _norm(author or "")
    kept: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        key = _norm(line)
        if not key or key in (title_key, author_key):
            continue
        words = len(line.split())
        if words <= BOILERPLATE_MAX_WORDS and _BOILERPLATE.match(line):
            continue
        if words <= 6 and _BYLINE.match(line):
            continue
        kept.append(line)
    return "\n".join(kept)


word_count = shape.word_count


def check_article(body: str, fields: dict[str, Any], url: str | None) -> None:
    """Raise ``NotAnArticle`` with a specific reason when ``body`` is not an article."""
    words = word_count(body)
    if fields.get("free") in (False, "false", "False") and words < PAYWALL_MAX_WORDS:
        raise NotAnArticle(url or "", reason="not an article (paywall)")
    if words < MIN_WORDS and not is_brief(body):
        raise NotAnArticle(url or "", reason=_why_short(body, fields))
    if _is_home_page(fields, url):
        raise NotAnArticle(url or "", reason="not an article (home page)")
    if fields.get("og_type") not in ("article", "newsarticle") and _is_link_list(body):
        raise NotAnArticle(url or "", reason="not an article (a list of links)")
    check_shape(body, url, markup=False)  # a code listing or a licence page


def check_shape(text: str, url: str | None, *, markup: bool) -> None:
    """Raise ``NotAnArticle`` when ``text`` is shaped like documentation, code, a
    licence or (``markup``: a file or plain-text page, as written) holds no sentence
    of reporting; see ``bot.ingest.shape``. Length plays no part: briefs pass."""
    found = shape.problem(text, markup=markup)
    if found is not None:
        raise NotAnArticle(url or "", reason=f"not an article ({found})")


def check_suffix(name: str) -> None:
    """Raise ``NotAnArticle`` for a file whose name says it is code or configuration."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in shape.CODE_SUFFIXES:
        raise NotAnArticle(name, reason=f"not an article (looks like source code: a {suffix} file)")


def is_brief(body: str) -> bool:
    """Two or more complete sentences of reporting, not a consent or paywall notice."""
    reporting = [
        body[start:end]
        for start, end in split_sentences(body, ANY_SCRIPT)
        if not _NOTICE.search(body[start:end])
    ]
    complete = [s for s in reporting if ends_a_sentence(s) and len(s.split()) >= _SENTENCE_WORDS]
    return (
        len(complete) >= BRIEF_MIN_SENTENCES
        and sum(len(s.split()) for s in complete) >= BRIEF_MIN_WORDS
    )


def _why_short(body: str, fields: dict[str, Any]) -> str:
    if fields.get("paywall_text"):
        return "not an article (paywall)"
    if fields.get("js_wall"):
        return "not an article (the page needs JavaScript)"
    if fields.get("cookie_wall"):
        return "not an article (cookie wall)"
    if not body.strip():
        return "not an article (no article text found)"
    return "not an article (too short)"


def _is_home_page(fields: dict[str, Any], url: str | None) -> bool:
    if not url:
        return False
    path = urlsplit(url).path
    page_type = (fields.get("og_type") or fields.get("t_pagetype") or "").lower()
    return path in ("", "/") and page_type in ("", "website")


def _is_link_list(body: str) -> bool:
    """Teasers and headlines: many short lines, few of them sentences."""
    lines = [line for line in body.splitlines() if line.strip()]
    if len(lines) < 10:
        return False
    short = sum(1 for line in lines if len(line.split()) < 12)
    sentences = sum(1 for line in lines if ends_a_sentence(line))
    return short >= 0.7 * len(lines) and sentences < 0.3 * len(lines)


def pick_title(fields: dict[str, Any], body: str) -> str:
    """trafilatura's title, else og:title, else the start of the body.

    A trailing " | Site name" or " - Site name" is dropped when it names the outlet.
    """
    sites = {_norm(fields.get(k) or "") for k in ("og_site_name", "t_sitename")} - {""}
    for key in ("t_title", "og_title"):
        value = (fields.get(key) or "").strip()
        if value:
            head, sep, tail = value.rpartition(" | ") if " | " in value else value.rpartition(" - ")
            if sep and head.strip() and _norm(tail) in sites:
                value = head.strip()
            return value[:300]
    words = body.split()
    return " ".join(words[:12]) + ("…" if len(words) > 12 else "")


def pick_author(fields: dict[str, Any]) -> str | None:
    author = (fields.get("t_author") or "").strip()
    if not author or len(author) > 120 or "://" in author:
        return None
    return author


def pick_outlet(fields: dict[str, Any], url: str | None) -> str | None:
    """Site name from the page, else the registrable domain of the URL."""
    for key in ("og_site_name", "t_sitename"):
        value = (fields.get(key) or "").strip().lstrip("@")
        if not value or len(value) > 80 or "://" in value:
            continue
        if " " not in value and "." in value:  # a bare host name, e.g. trafilatura's fallback
            return registrable_domain(f"http://{value}/") or value
        return value
    return registrable_domain(url) if url else None


def registrable_domain(url: str) -> str | None:
    """``https://www.bbc.co.uk/news`` -> ``bbc.co.uk`` (public-suffix aware)."""
    from courlan import extract_domain

    host = urlsplit(url).hostname
    if not host:
        return None
    domain = extract_domain(url, fast=True)
    return str(domain) if domain else host.removeprefix("www.")


def pick_published(fields: dict[str, Any]) -> datetime | None:
    """A timezone-aware publication time: the page's own timestamp, else trafilatura's date.

    ``article:published_time`` and friends carry the time of day; trafilatura
    (htmldate) gives the date alone. Times without a zone are taken as UTC.
    """
    exact = parse_datetime(fields.get("published_raw"))
    day = parse_datetime(fields.get("t_date"))
    if exact is not None and (day is None or abs((exact - day).days) <= 1):
        return exact
    return day or exact


def parse_datetime(value: Any) -> datetime | None:
    """Parse an ISO-like date or date-time; aware, UTC when no zone is given."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = dateparser.isoparse(value.strip())
    except (ValueError, OverflowError):
        with warnings.catch_warnings():
            # an unknown zone name ("IST" is three zones) is read as no zone: UTC below
            warnings.simplefilter("ignore", dateparser.UnknownTimezoneWarning)
            try:
                parsed = dateparser.parse(value.strip(), tzinfos=_ZONES)
            except (ValueError, OverflowError, TypeError):
                return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if not 1990 <= parsed.year <= datetime.now(UTC).year + 1:
        return None
    return parsed
