"""HTTP bodies: which media types we accept, what a body really is, its charset.

Decoding under the byte cap is ``bot.ingest.limits.BoundedDecoder``.
"""

from __future__ import annotations

from bot.errors import FetchError

# Types we hand on: HTML for articles, text, and XML for feeds. Anything else
# (PDF, images, archives, octet-stream) is refused before the body is read.
_TEXT_TYPES = frozenset(
    {"", "text/html", "application/xhtml+xml", "text/plain", "text/xml", "application/xml"}
)
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG", "image/png"),
    (b"GIF8", "image/gif"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"PK\x03\x04", "application/zip"),
    (b"\x1f\x8b", "application/gzip"),
)


def content_type_problem(content_type: str) -> str | None:
    """The media type to name in "not an article (...)" when we refuse it, else None."""
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime in _TEXT_TYPES or mime.endswith("+xml"):
        return None
    return mime


def sniff_binary(body: bytes) -> str | None:
    """The media type of a binary body served under a text type, if we recognise it."""
    head = body[:8].lstrip()
    for magic, mime in _MAGIC:
        if head.startswith(magic):
            return mime
    return None


def not_retryable(error: FetchError) -> FetchError:
    """Mark an error that retrying cannot fix (the class default says otherwise)."""
    error.retryable = False
    return error


def charset_of(content_type: str) -> str | None:
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'").lower()
    return None
