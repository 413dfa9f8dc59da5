"""HTTP bodies: which media types we accept, and decoding under a byte cap.

``BoundedDecoder`` undoes gzip or deflate itself, with ``max_length`` on every
zlib call, so a decompression bomb is stopped after ``limit`` bytes of output
and never held in memory whole (httpx's own decoders expand a whole chunk).
"""

from __future__ import annotations

import zlib

from bot.errors import FetchError, TooLarge

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


class BoundedDecoder:
    """Undo a Content-Encoding without ever producing more than ``limit`` bytes."""

    def __init__(self, encoding: str, limit: int) -> None:
        name = encoding.strip().lower()
        self._limit = limit
        self._total = 0
        self._raw_deflate_tried = False
        self._z: zlib._Decompress | None
        if name in ("", "identity"):
            self._z = None
        elif name in ("gzip", "x-gzip"):
            self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif name == "deflate":
            self._z = zlib.decompressobj()
        else:  # we only advertise gzip and deflate
            raise not_retryable(
                FetchError(f"encoding {name!r}", reason="unsupported content encoding")
            )
        self._deflate = name == "deflate"

    def feed(self, data: bytes) -> bytes:
        """Decode one raw chunk; ``TooLarge`` as soon as the output passes the limit."""
        if self._z is None:
            return self._count(data)
        try:
            out = [self._z.decompress(data, self._room())]
            while self._z.unconsumed_tail and self._total + sum(map(len, out)) <= self._limit:
                out.append(self._z.decompress(self._z.unconsumed_tail, self._room(out)))
        except zlib.error as exc:
            if self._deflate and not self._raw_deflate_tried and self._total == 0:
                # "deflate" is sometimes sent without its zlib header
                self._raw_deflate_tried = True
                self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                return self.feed(data)
            raise not_retryable(
                FetchError(repr(exc), reason="the page could not be decoded")
            ) from exc
        return self._count(b"".join(out))

    def flush(self) -> bytes:
        return self._count(self._z.flush()) if self._z is not None else b""

    def _room(self, pending: list[bytes] | None = None) -> int:
        # one byte over the limit is enough to know the limit was passed
        return max(1, self._limit - self._total - sum(map(len, pending or [])) + 1)

    def _count(self, data: bytes) -> bytes:
        self._total += len(data)
        if self._total > self._limit:
            raise TooLarge(f"decoded body over {self._limit} bytes", reason="too large")
        return data


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
