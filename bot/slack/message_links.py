"""Article links in Slack message text: ``<https://url>`` and ``<https://url|label>``."""

from __future__ import annotations

import re

MAX_LINKS_PER_MESSAGE = 5
_LINK = re.compile(r"<(https?://[^|>\s]+)(?:\|[^>]*)?>", re.IGNORECASE)


def _unescape(url: str) -> str:
    # Slack escapes &, < and > inside the angle brackets
    return url.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def links_in(text: str | None) -> list[str]:
    """Distinct http(s) links in message text, in order, at most ``MAX_LINKS_PER_MESSAGE``.

    Mentions (``<@U1>``, ``<#C1>``, ``<!here>``) and other schemes (``<mailto:…>``)
    are not links to articles.
    """
    if not isinstance(text, str):  # a malformed event: nothing to queue, nothing to crash on
        return []
    out: list[str] = []
    for match in _LINK.finditer(text):
        url = _unescape(match.group(1))
        if url not in out:
            out.append(url)
        if len(out) == MAX_LINKS_PER_MESSAGE:
            break
    return out
