"""RSS and Atom feeds: the article links they list.

Parsed with ``defusedxml`` so that a hostile feed cannot expand entities or
reach local files; only http(s) links are kept, at most ``MAX_ITEMS``.
"""

from __future__ import annotations

from urllib.parse import urljoin

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

MAX_ITEMS = 50
_ATOM = "{http://www.w3.org/2005/Atom}"


def feed_links(body: bytes, base_url: str) -> list[str]:
    """Item links of an RSS 2.0 / RSS 1.0 / Atom feed, newest first as listed."""
    try:
        root = ElementTree.fromstring(body)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        return []
    links: list[str] = []
    for item in root.iter():
        tag = str(item.tag)
        if tag.endswith("item"):  # RSS 2.0 and RSS 1.0 (namespaced)
            link = _child_text(item, "link")
        elif tag == f"{_ATOM}entry":
            link = _atom_link(item)
        else:
            continue
        if link:
            absolute = urljoin(base_url, link.strip())
            if absolute.startswith(("http://", "https://")) and absolute not in links:
                links.append(absolute)
        if len(links) >= MAX_ITEMS:
            break
    return links


def _child_text(item: ElementTree.Element, name: str) -> str | None:
    for child in item:
        if str(child.tag).rsplit("}", 1)[-1] == name and child.text:
            return str(child.text)
    return None


def _atom_link(entry: ElementTree.Element) -> str | None:
    for child in entry:
        if child.tag == f"{_ATOM}link" and child.get("rel", "alternate") == "alternate":
            href = child.get("href")
            return str(href) if href else None
    return None


def is_feed(content_type: str, body: bytes) -> bool:
    """RSS or Atom, by type or by the first tag of an XML body."""
    if any(t in content_type for t in ("rss", "atom")):
        return True
    head = body[:512].lstrip().lower()
    return head.startswith(b"<?xml") and (b"<rss" in body[:2048] or b"<feed" in body[:2048])
