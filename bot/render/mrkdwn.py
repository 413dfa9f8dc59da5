"""Slack mrkdwn helpers: escaping, safe links and truncation.

Every string that comes from an article, a web page or a user goes through
:func:`escape` (or :func:`link`, which escapes its label) before it is put in a
message: unescaped, a title containing ``<!channel>`` would ping a whole channel.
Slack asks for exactly three characters to be escaped: ``&``, ``<`` and ``>``.

This module knows nothing of Slack's SDK: it works on plain strings.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

ELLIPSIS = "…"

_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
# characters that would end or split a <url|label> link if left in the URL
_URL_UNSAFE = re.compile(r"[\s|<>\"]")


def escape(text: str) -> str:
    """Escape ``&``, ``<`` and ``>`` (and nothing else) for Slack mrkdwn or plain text."""
    for char, entity in _ESCAPES:
        text = text.replace(char, entity)
    return text


def unescape(text: str) -> str:
    """Undo :func:`escape` exactly: ``unescape(escape(s)) == s`` for every string."""
    # "&amp;" last, so that an escaped "&lt;" ("&amp;lt;") comes back as "&lt;"
    for char, entity in reversed(_ESCAPES):
        text = text.replace(entity, char)
    return text


def is_web_url(url: str | None) -> bool:
    """True for an absolute ``http`` or ``https`` URL with a host."""
    if not url:
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in {"http", "https"} and bool(parts.netloc)


def safe_url(url: str) -> str:
    """A web URL made safe to sit inside ``<…|…>``: no spaces, pipes or angle brackets."""
    cleaned = _URL_UNSAFE.sub(lambda m: quote(m.group(0), safe=""), url.strip())
    return cleaned.replace("&", "&amp;")


def link(url: str | None, label: str) -> str:
    """A mrkdwn link ``<url|label>`` with the label escaped.

    URLs that are not ``http(s)`` (``javascript:``, ``slack:``, relative paths,
    ``None``) are refused: the label is returned as escaped plain text.
    """
    text = escape(label.strip() or (url or ""))
    if url is None or not is_web_url(url):
        return text
    return f"<{safe_url(url)}|{text}>"


def host_label(url: str) -> str:
    """A short label for a URL: its host without ``www.`` (or the URL itself)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        host = ""
    return host.removeprefix("www.") or url


def truncate(mrkdwn: str, limit: int, ellipsis: str = ELLIPSIS) -> str:
    """Shorten already-escaped mrkdwn to at most ``limit`` characters.

    The cut never falls inside an entity such as ``&amp;`` nor inside a
    ``<url|label>`` link or mention; a cut moves back to the last space when one
    is close, so words are not chopped in half.
    """
    if limit < 0:
        raise ValueError("limit must not be negative")
    if len(mrkdwn) <= limit:
        return mrkdwn
    if limit <= len(ellipsis):
        return ellipsis[:limit]
    cut = _safe_cut(mrkdwn, limit - len(ellipsis))
    return mrkdwn[:cut].rstrip() + ellipsis


def truncate_plain(text: str, limit: int, ellipsis: str = ELLIPSIS) -> str:
    """Shorten plain text to at most ``limit`` characters, preferring a word boundary."""
    if len(text) <= limit:
        return text
    if limit <= len(ellipsis):
        return ellipsis[:limit]
    cut = _word_cut(text, limit - len(ellipsis))
    return text[:cut].rstrip() + ellipsis


def _safe_cut(text: str, cut: int) -> int:
    """The largest index <= cut, near a word boundary, outside ``&…;`` and ``<…>``."""
    cut = _word_cut(text, cut)
    opening = text.rfind("<", 0, cut)
    if text.rfind(">", 0, cut) < opening:  # a "<" not closed before the cut (none: -1 < -1)
        cut = opening  # inside a link or mention: drop it whole
    amp = text.rfind("&", 0, cut)
    if amp != -1 and amp + len("&amp;") > cut and ";" not in text[amp:cut]:
        cut = amp  # inside an entity ("&amp;", "&lt;", "&gt;")
    return cut


def _word_cut(text: str, cut: int) -> int:
    """Move a cut back to the last space when that loses at most a fifth of the text."""
    if cut < len(text) and not text[cut].isspace():
        space = text.rfind(" ", 0, cut)
        if space > cut * 4 // 5:
            return space
    return cut
