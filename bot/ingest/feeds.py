"""Feeds: the items RSS 2.0 (and 1.0), Atom and JSON Feed documents list.

XML is parsed with ``defusedxml`` so that a hostile feed cannot expand entities
or reach local files; JSON with the standard parser, on a body the fetcher has
already capped. Only http(s) links are kept, at most ``MAX_ITEMS``. Each item
has a ``key`` that stays the same across polls (its guid / id, else its link),
which is what "never the same item twice" is decided on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urljoin

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

# A feed lists its newest items first and a poll reads them all: items past the cap are
# never seen by a later poll either, so the cap must hold a whole burst (100 new items
# at once); the body itself is capped by the fetcher (BRIEFBOT_FETCH_MAX_BYTES).
MAX_ITEMS = 200
MAX_KEY_CHARS = 500
_ATOM = "{http://www.w3.org/2005/Atom}"
_JSONFEED = "https://jsonfeed.org/version/"


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed: a stable key, its article link and its title."""

    key: str
    link: str
    title: str = ""


def parse_feed(body: bytes, base_url: str) -> list[FeedItem] | None:
    """The feed's items, newest first as listed; ``None`` when ``body`` is no feed."""
    head = body[:64].lstrip()
    if head.startswith(b"{"):
        return _json_items(body, base_url)
    try:
        root = ElementTree.fromstring(body)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        return None
    local = str(root.tag).rsplit("}", 1)[-1].lower()
    if local not in {"rss", "feed", "rdf"}:
        return None
    items: list[FeedItem] = []
    for node in root.iter():
        tag = str(node.tag)
        if tag.endswith("item"):  # RSS 2.0 and RSS 1.0 (namespaced)
            link, key = _child_text(node, "link"), _child_text(node, "guid")
        elif tag == f"{_ATOM}entry":
            link, key = _atom_link(node), _child_text(node, "id")
        else:
            continue
        _add(items, base_url, link, key, _child_text(node, "title"))
        if len(items) >= MAX_ITEMS:
            break
    return items


def feed_links(body: bytes, base_url: str) -> list[str]:
    """Item links of a feed (any of the three formats), newest first as listed."""
    return [item.link for item in parse_feed(body, base_url) or []]


def _add(items: list[FeedItem], base_url: str, link: object, key: object, title: object) -> None:
    if not isinstance(link, str) or not link.strip():
        return
    absolute = urljoin(base_url, link.strip())
    if not absolute.startswith(("http://", "https://")):
        return
    if any(item.link == absolute for item in items):
        return
    stable = str(key).strip() if isinstance(key, str | int) and str(key).strip() else absolute
    text = title.strip() if isinstance(title, str) else ""
    items.append(FeedItem(key=str(stable)[:MAX_KEY_CHARS], link=absolute, title=text[:300]))


def _json_items(body: bytes, base_url: str) -> list[FeedItem] | None:
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(doc, dict) or not str(doc.get("version", "")).startswith(_JSONFEED):
        return None
    raw = doc.get("items")
    items: list[FeedItem] = []
    for entry in raw if isinstance(raw, list) else []:
        if not isinstance(entry, dict):
            continue
        link = entry.get("url") or entry.get("external_url")
        _add(items, base_url, link, entry.get("id"), entry.get("title"))
        if len(items) >= MAX_ITEMS:
            break
    return items


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
    """RSS, Atom or JSON Feed, by type or by the start of the body."""
    if any(t in content_type for t in ("rss", "atom", "feed+json")):
        return True
    head = body[:512].lstrip().lower()
    if head.startswith(b"{"):
        return _JSONFEED.encode() in body[:2048]
    return head.startswith(b"<?xml") and (b"<rss" in body[:2048] or b"<feed" in body[:2048])
