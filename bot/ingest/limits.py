"""The caps one fetch runs under: time, redirects and body size.

``FetchBudget`` is what a single fetch may still spend:

* one deadline for the whole fetch (``BRIEFBOT_FETCH_TIMEOUT``): the DNS answer,
  every connection and every redirect hop take their time out of it, and the
  body is checked against it between chunks, so a page that drips a byte at a
  time never trips a read timeout yet still stops on time;
* at most ``BRIEFBOT_FETCH_MAX_REDIRECTS`` redirects;
* at most ``BRIEFBOT_FETCH_MAX_BYTES`` of body, counted twice: the raw bytes off
  the wire, and the bytes ``BoundedDecoder`` makes of them. A declared
  ``Content-Length`` over the cap is refused before reading.

``BoundedDecoder`` undoes gzip or deflate itself, with ``max_length`` on every
zlib call, so a decompression bomb is stopped after ``limit`` bytes of output
and never held in memory whole (httpx's own decoders expand a whole chunk).
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Iterable

from bot.errors import FetchError, FetchTimeout, TooLarge
from bot.ingest.body import not_retryable

Clock = Callable[[], float]


class FetchBudget:
    """The time, redirects and bytes one fetch may still spend; one per fetch."""

    def __init__(
        self,
        *,
        seconds: float,
        redirects: int,
        max_bytes: int,
        clock: Clock = time.monotonic,
    ) -> None:
        self.seconds = seconds
        self.redirects = redirects
        self.max_bytes = max_bytes
        self._clock = clock
        self._deadline = clock() + seconds
        self._followed = 0

    def remaining(self) -> float:
        """Seconds left before the deadline; 0 once it passed."""
        return max(0.0, self._deadline - self._clock())

    def check_time(self, url: str) -> None:
        """``FetchTimeout`` once the deadline has passed."""
        if self._clock() > self._deadline:
            raise FetchTimeout(f"{url}: over {self.seconds}s")

    def follow_redirect(self, url: str) -> None:
        """Count one redirect from ``url``; refuse it when the cap is used up."""
        self._followed += 1
        if self._followed > self.redirects:
            raise not_retryable(
                FetchError(f"{url}: over {self.redirects} redirects", reason="too many redirects")
            )

    def read(self, chunks: Iterable[bytes], *, encoding: str, declared: str, url: str) -> bytes:
        """The decoded body from raw ``chunks``, under the byte cap and the deadline.

        ``declared`` is the Content-Length header ("" when absent), ``encoding``
        the Content-Encoding. ``TooLarge`` as soon as either count passes the cap.
        """
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise TooLarge(f"{url}: Content-Length {declared} > {self.max_bytes}")
        decoder = BoundedDecoder(encoding, self.max_bytes)
        raw_total = 0
        out: list[bytes] = []
        for raw in chunks:
            raw_total += len(raw)
            if raw_total > self.max_bytes:
                raise TooLarge(f"{url}: body over {self.max_bytes} bytes")
            out.append(decoder.feed(raw))
            self.check_time(url)
        out.append(decoder.flush())
        return b"".join(out)


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
            # zlib stops at max_length and keeps the rest of the input back
            # (unconsumed_tail): a bomb never expands past one byte over the limit,
            # and a chunk whose output stays within the room is decoded whole
            out = self._z.decompress(data, self._room())
        except zlib.error as exc:
            if self._deflate and not self._raw_deflate_tried and self._total == 0:
                # "deflate" is sometimes sent without its zlib header
                self._raw_deflate_tried = True
                self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                return self.feed(data)
            raise not_retryable(
                FetchError(repr(exc), reason="the page could not be decoded")
            ) from exc
        return self._count(out)

    def flush(self) -> bytes:
        return self._count(self._z.flush()) if self._z is not None else b""

    def _room(self) -> int:
        # one byte over the limit is enough to know the limit was passed
        return max(1, self._limit - self._total + 1)

    def _count(self, data: bytes) -> bytes:
        self._total += len(data)
        if self._total > self._limit:
            raise TooLarge(f"decoded body over {self._limit} bytes")
        return data
