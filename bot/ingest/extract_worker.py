"""The child-process side of extraction: page bytes in, plain fields out.

Everything that parses untrusted HTML runs here, inside a worker process the
parent can kill (``bot.ingest.extract``): charset decoding, the size pre-cap, lxml
parsing, trafilatura, and reading the page's own metadata (Open Graph,
JSON-LD, ``<html lang>``). The answer is a flat JSON object, so the hop back
costs one small ``json.dumps``, never a pickled tree.

Protocol on stdin/stdout, each message prefixed by its length (4 bytes, big
endian): the child sends ``ready`` once trafilatura is imported and warm;
then, per job, the parent sends a JSON header and the raw body as two
messages, and the child answers with one JSON message. A plain subprocess
(not ``multiprocessing``) so that nothing depends on how the parent's main
module was started.
"""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import sys
from typing import Any, BinaryIO

from bot.ingest.charset import decode_bytes

# What trafilatura is asked to do, chosen on the benchmark set (docs/benchmarks.md):
# favor_precision keeps "related" links, share bars and newsletter boxes out.
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "favor_precision": True,
    "with_metadata": True,
}

_BLOCKS = re.compile(r"<(script|style|svg|noscript|template)\b|<!--")
_JS_WALL = re.compile(
    r"(?:enable|turn on|activate|allow)\s+javascript|javascript\s+(?:is\s+)?(?:required|disabled|"
    r"must be enabled|needs to be enabled)|requires\s+javascript|browser\s+(?:does not|doesn't)"
    r"\s+support\s+javascript"
)
_COOKIE_WALL = re.compile(
    r"(?:we|this site|our partners)\s+use\s+cookies"
    r"|cookie\s+(?:settings|preferences|consent|policy)|accept\s+(?:all\s+)?cookies|consent\s+to\s+(?:the\s+use\s+of\s+)?cookies"
)
_PAYWALL = re.compile(
    r"subscribe\s+(?:now\s+)?to\s+(?:continue|read|keep)|subscribers?\s+only|already\s+a\s+subscriber"
    r"|to\s+continue\s+reading|sign\s+in\s+to\s+(?:continue|read)|exclusive\s+to\s+subscribers"
    r"|register\s+(?:now\s+)?to\s+(?:continue|read)|this\s+(?:article|content)\s+is\s+for\s+subscribers"
)
_DATE_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "article.published",
    "publishdate",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.created",
    "date",
)
SIGNAL_CHARS = 2_000_000  # the wall/paywall phrase search looks at this much of the page
SIGNAL_WORDS = 200  # above this many extracted words, no wall/paywall explanation is needed


def strip_blocks(html: str) -> str:
    """Drop scripts, styles, SVG and comments in one linear pass.

    A plain regex with ``.*?`` would rescan the rest of the page for every
    unclosed ``<script`` and turn quadratic on hostile input; ``str.find``
    from the current position cannot.
    """
    lower = html.lower()
    out: list[str] = []
    pos = 0
    while True:
        match = _BLOCKS.search(lower, pos)
        if match is None:
            out.append(html[pos:])
            break
        out.append(html[pos : match.start()])
        closer = "-->" if match.group(0) == "<!--" else f"</{match.group(1)}"
        end = lower.find(closer, match.end())
        if end == -1:
            break  # unclosed to the end of the page: nothing after it is text
        gt = lower.find(">", end)
        pos = len(html) if gt == -1 else gt + 1
    return "".join(out)


def precap(html: str, max_chars: int) -> tuple[str, bool]:
    """``(html, truncated)``: over ``max_chars``, strip non-text blocks, then cut."""
    if len(html) <= max_chars:
        return html, False
    html = strip_blocks(html)
    if len(html) <= max_chars:
        return html, False
    return html[:max_chars], True


def page_signals(html: str) -> dict[str, bool]:
    """Phrases that explain an empty extraction: JS-only page, cookie wall, paywall."""
    lower = html[:SIGNAL_CHARS].lower()
    return {
        "js_wall": bool(_JS_WALL.search(lower)),
        "cookie_wall": bool(_COOKIE_WALL.search(lower)),
        "paywall_text": bool(_PAYWALL.search(lower)),
    }


def read_meta(tree: Any) -> dict[str, Any]:
    """Open Graph, article and JSON-LD fields trafilatura does not return in full."""
    meta: dict[str, str] = {}
    for node in tree.iterfind(".//meta"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").lower()
        content = (node.get("content") or "").strip()
        if key and content and key not in meta:
            meta[key] = content[:500]
    ld = _json_ld(tree)
    published = next((meta[k] for k in _DATE_KEYS if k in meta), None) or ld.get("datePublished")
    if published is None:
        times = tree.xpath("//time[@datetime][1]/@datetime")
        published = str(times[0]) if times else None
    return {
        "published_raw": published,
        "og_site_name": meta.get("og:site_name"),
        "og_title": meta.get("og:title"),
        "og_type": (meta.get("og:type") or "").lower() or None,
        "og_locale": meta.get("og:locale"),
        "html_lang": tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang"),
        "free": ld.get("isAccessibleForFree"),
    }


def _json_ld(tree: Any) -> dict[str, Any]:
    """``datePublished`` and ``isAccessibleForFree`` from the page's JSON-LD, if any."""
    found: dict[str, Any] = {}
    for script in tree.xpath('//script[@type="application/ld+json"]')[:10]:
        try:
            data = json.loads(script.text or "", strict=False)
        except (ValueError, RecursionError):
            continue
        _walk_ld(data, found, depth=0)
    return found


def _walk_ld(node: Any, found: dict[str, Any], depth: int) -> None:
    if depth > 6:
        return
    if isinstance(node, list):
        for item in node[:50]:
            _walk_ld(item, found, depth + 1)
    elif isinstance(node, dict):
        for key in ("datePublished", "isAccessibleForFree"):
            value = node.get(key)
            if value is not None and key not in found and isinstance(value, str | bool):
                found[key] = value
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if key in node:
                _walk_ld(node[key], found, depth + 1)


def extract_fields(body: bytes, header: dict[str, Any]) -> dict[str, Any]:
    """Decode, pre-cap, parse and extract one page; a flat JSON-ready dict."""
    from trafilatura import bare_extraction
    from trafilatura.utils import load_html

    html, encoding = decode_bytes(body, header.get("encoding"))
    html, truncated = precap(html, int(header["max_chars"]))
    fields: dict[str, Any] = {"encoding": encoding, "truncated": truncated}
    tree = load_html(html) if html.strip() else None
    if tree is not None:
        fields.update(read_meta(tree))
        doc = bare_extraction(tree, url=header.get("url"), **TRAFILATURA_OPTIONS)
        if doc is not None:
            for name in ("title", "author", "date", "sitename", "text", "url", "pagetype"):
                value = getattr(doc, name, None)
                fields[f"t_{name}"] = value if isinstance(value, str) else None
    if len((fields.get("t_text") or "").split()) < SIGNAL_WORDS:
        # only a short or empty result needs explaining, and the search costs ~10 ms
        fields.update(page_signals(html))
    return fields


def read_frame(stream: BinaryIO) -> bytes | None:
    """One length-prefixed message, or None at end of input."""
    head = stream.read(4)
    if len(head) < 4:
        return None
    size = int.from_bytes(head, "big")
    data = stream.read(size)
    return data if len(data) == size else None


def frame(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def serve(reader: BinaryIO, writer: BinaryIO) -> None:
    """Answer jobs until the parent closes our input."""
    extract_fields(b"<html><body><p>warm up</p></body></html>", {"max_chars": 100})
    writer.write(frame(b"ready"))
    writer.flush()
    while True:
        header = read_frame(reader)
        body = read_frame(reader) if header is not None else None
        if header is None or body is None:
            return
        try:
            answer = {"ok": True, "fields": extract_fields(body, json.loads(header))}
        except Exception as exc:  # report, don't die: the parent decides what it means
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:500]}
        writer.write(frame(json.dumps(answer).encode("utf-8")))
        writer.flush()


def main() -> None:
    """Entry point of ``python -m bot.ingest.extract_worker`` (started by ``extract``)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    for name in ("trafilatura", "htmldate", "courlan", "justext", "charset_normalizer"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    # keep the protocol on a private descriptor: a stray print() in a library
    # must land on stderr, not in the middle of a message
    protocol_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    serve(sys.stdin.buffer, protocol_out)


if __name__ == "__main__":
    main()
