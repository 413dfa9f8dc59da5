"""Turning page bytes into text without crashing on wrong or missing charsets.

Order of trust: a byte-order mark; then valid UTF-8 (bytes that decode as
UTF-8 with non-ASCII in them are UTF-8 whatever the header claims, since
Latin-1 text practically never forms valid UTF-8 sequences); then the
declared charset (HTTP header, then ``<meta charset>``) if the bytes fit it;
then mostly-valid UTF-8 with a few stray bytes (mixed encodings) decoded with
replacement; then detection by charset_normalizer on a sample; and last
Windows-1252, which never fails. Nothing here raises on bad input.
"""

from __future__ import annotations

import codecs
import re

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]{1,40})""", re.I
)
HEAD_BYTES = 4096  # browsers look at 1024; some pages put <meta charset> a little later
SAMPLE_BYTES = 64 * 1024  # detection on a sample: it is slow on whole pages


def canonical_encoding(name: str | None) -> str | None:
    """Python's name for a charset label, or None when unknown."""
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return None


def meta_charset(body: bytes) -> str | None:
    """The charset a ``<meta charset>`` or ``http-equiv`` tag near the top declares."""
    match = _META_CHARSET.search(body[:HEAD_BYTES])
    return canonical_encoding(match.group(1).decode("ascii")) if match else None


def decode_bytes(
    body: bytes, declared: str | None = None, *, sniff_meta: bool = True
) -> tuple[str, str]:
    """``(text, encoding used)``; never raises on bad bytes."""
    for bom, bom_codec in _BOMS:
        if body.startswith(bom):
            return body.decode(bom_codec, errors="replace"), bom_codec
    candidates = [canonical_encoding(declared)]
    if sniff_meta:
        candidates.append(meta_charset(body))
    wide = next((c for c in candidates if c and c.startswith(("utf-16", "utf-32"))), None)
    if wide:  # ASCII in UTF-16 is valid UTF-8 too, so the declaration must win here
        return body.decode(wide, errors="replace"), wide
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for candidate in candidates:
        if candidate and candidate != "utf-8":
            try:
                return body.decode(candidate), candidate
            except UnicodeDecodeError:
                continue
    text = body.decode("utf-8", errors="replace")
    if _mostly_utf8(text):
        return text, "utf-8"
    fallback = _detect(body[:SAMPLE_BYTES]) or "cp1252"
    return body.decode(fallback, errors="replace"), fallback


def _mostly_utf8(text: str) -> bool:
    """True when valid multi-byte characters outnumber the undecodable bytes."""
    bad = text.count("\ufffd")
    good = len(text) - len(text.encode("ascii", errors="ignore")) - bad
    return good > bad


def _detect(sample: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - it ships with trafilatura's dependencies
        return None
    matches = from_bytes(sample)
    best = matches.best()
    if best is None:
        return None
    # Latin text often fits several single-byte code pages equally well; the
    # web's most common one wins those ties (cp1250 would turn "è" into "č")
    ties = [
        m for m in matches if m.chaos <= best.chaos + 0.01 and m.coherence >= best.coherence - 0.01
    ]
    names = {name for m in ties for name in (m.encoding, *m.could_be_from_charset)}
    return "cp1252" if "cp1252" in names else canonical_encoding(best.encoding)
