"""The caps of one fetch, without a network: a clock the test moves, chunks it hands in.

``test_fetch.py`` proves the same caps against a real local web server; here
each rule is pinned at its edge (exactly at the cap passes, one over fails)
and time is a number the test sets, so no test waits for a deadline.
"""

from __future__ import annotations

import gzip
import tracemalloc
import zlib
from collections.abc import Iterator

import pytest

from bot.errors import FetchError, FetchTimeout, TooLarge
from bot.ingest.limits import BoundedDecoder, FetchBudget


class Clock:
    """A monotonic clock that moves only when the test says so."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Chunks:
    """Raw chunks handed to ``read``, counting how many were taken."""

    def __init__(self, *chunks: bytes, clock: Clock | None = None, step: float = 0.0) -> None:
        self.chunks = chunks
        self.taken = 0
        self.clock = clock
        self.step = step

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            self.taken += 1
            if self.clock is not None:
                self.clock.now += self.step  # each chunk arrives ``step`` seconds later
            yield chunk


def budget(
    *, seconds: float = 10.0, redirects: int = 5, max_bytes: int = 1000, clock: Clock | None = None
) -> FetchBudget:
    return FetchBudget(
        seconds=seconds, redirects=redirects, max_bytes=max_bytes, clock=clock or Clock()
    )


def read(
    b: FetchBudget, chunks: Chunks | list[bytes], encoding: str = "", declared: str = ""
) -> bytes:
    return b.read(chunks, encoding=encoding, declared=declared, url="http://site.test/a")


# ---- time ---------------------------------------------------------------------------


def test_the_deadline_counts_from_the_start_of_the_fetch() -> None:
    clock = Clock()
    b = budget(seconds=10.0, clock=clock)
    assert b.remaining() == 10.0
    clock.now += 7.5
    assert b.remaining() == 2.5
    clock.now += 10
    assert b.remaining() == 0.0  # never negative: a wait of 0 s, not an error


def test_time_runs_out_only_after_the_deadline() -> None:
    clock = Clock()
    b = budget(seconds=10.0, clock=clock)
    clock.now += 10.0
    b.check_time("http://site.test/a")  # at the deadline: still on time
    clock.now += 0.001
    with pytest.raises(FetchTimeout) as caught:
        b.check_time("http://site.test/a")
    assert caught.value.reason == "timed out"
    assert caught.value.retryable  # a slow site may answer next time
    assert "http://site.test/a" in str(caught.value)  # the log line says which page
    assert "over 10.0s" in str(caught.value)  # and which limit


def test_a_slow_drip_stops_at_the_deadline_not_at_the_end_of_the_body() -> None:
    clock = Clock()
    b = budget(seconds=1.0, clock=clock)
    drip = Chunks(*[b"z"] * 100, clock=clock, step=0.3)  # 30 s for the whole body
    with pytest.raises(FetchTimeout) as caught:
        read(b, drip)
    assert drip.taken == 4  # 1.2 s in: the first chunk past the deadline
    assert "http://site.test/a" in str(caught.value)


def test_a_body_that_arrives_on_time_is_read_whole() -> None:
    clock = Clock()
    b = budget(seconds=1.0, clock=clock)
    assert read(b, Chunks(b"ab", b"cd", clock=clock, step=0.25)) == b"abcd"


# ---- redirects ----------------------------------------------------------------------


def test_redirects_up_to_the_cap_are_followed_and_the_next_is_refused() -> None:
    b = budget(redirects=3)
    for _ in range(3):
        b.follow_redirect("http://site.test/a")
    with pytest.raises(FetchError) as caught:
        b.follow_redirect("http://site.test/a")
    assert caught.value.reason == "too many redirects"
    assert not caught.value.retryable  # the same chain would loop again


def test_no_redirect_at_all_when_the_cap_is_zero() -> None:
    with pytest.raises(FetchError, match="over 0 redirects"):
        budget(redirects=0).follow_redirect("http://site.test/a")


def test_each_fetch_has_its_own_redirects() -> None:
    first, second = budget(redirects=1), budget(redirects=1)
    first.follow_redirect("http://site.test/a")
    second.follow_redirect("http://site.test/a")  # not used up by the other fetch


# ---- size ---------------------------------------------------------------------------


def test_a_declared_length_over_the_cap_is_refused_before_reading() -> None:
    chunks = Chunks(b"x" * 10)
    with pytest.raises(TooLarge) as caught:
        read(budget(max_bytes=1000), chunks, declared="1001")
    assert chunks.taken == 0
    assert not caught.value.retryable
    assert "http://site.test/a" in str(caught.value) and "1001" in str(caught.value)


@pytest.mark.parametrize("declared", ["1000", "", "-5", "lots", "1e9"])
def test_a_declared_length_at_the_cap_or_unreadable_is_checked_by_counting(declared: str) -> None:
    assert read(budget(max_bytes=1000), [b"x" * 1000], declared=declared) == b"x" * 1000


def test_raw_bytes_past_the_cap_stop_the_read_at_that_chunk() -> None:
    chunks = Chunks(b"x" * 600, b"x" * 400, b"x", b"x" * 500)
    with pytest.raises(TooLarge, match="body over 1000 bytes"):
        read(budget(max_bytes=1000), chunks)
    assert chunks.taken == 3


def test_bytes_after_the_end_of_a_compressed_body_count_too() -> None:
    # zlib sets aside what follows the end of the stream: only the raw count sees it
    chunks = Chunks(gzip.compress(PAGE), *[b"\0" * 400] * 100)
    with pytest.raises(TooLarge, match="body over 1000 bytes"):
        read(budget(max_bytes=1000), chunks, encoding="gzip")
    assert chunks.taken == 4


def test_a_body_exactly_at_the_cap_is_whole() -> None:
    assert read(budget(max_bytes=1000), [b"x" * 600, b"y" * 400]) == b"x" * 600 + b"y" * 400


def test_a_compressed_body_is_capped_by_its_decoded_size() -> None:
    page = b"<p>" + b"w" * 2000 + b"</p>"
    packed = gzip.compress(page)
    assert len(packed) < 1000  # small on the wire, too big decoded
    with pytest.raises(TooLarge, match="decoded body over 1000 bytes") as caught:
        read(budget(max_bytes=1000), [packed], encoding="gzip")
    assert caught.value.reason == "too large" and not caught.value.retryable
    assert read(budget(max_bytes=len(page)), [packed], encoding="gzip") == page


# ---- decoding -----------------------------------------------------------------------

PAGE = b"<html><body><p>The council voted.</p></body></html>"


def raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(
    ("encoding", "body"),
    [
        ("", PAGE),
        ("identity", PAGE),
        # mtime=0: the body is part of the test's id, which parallel workers must agree on
        (" GZIP ", gzip.compress(PAGE, mtime=0)),
        ("x-gzip", gzip.compress(PAGE, mtime=0)),
        ("deflate", zlib.compress(PAGE)),
        ("Deflate", raw_deflate(PAGE)),  # deflate sent without its zlib header
    ],
)
def test_content_encodings_are_undone(encoding: str, body: bytes) -> None:
    half = len(body) // 2
    assert read(budget(), [body[:half], body[half:]], encoding=encoding) == PAGE


@pytest.mark.parametrize("encoding", ["br", "zstd", "compress", "gzip, br"])
def test_encodings_we_did_not_ask_for_are_refused(encoding: str) -> None:
    with pytest.raises(FetchError) as caught:
        read(budget(), [PAGE], encoding=encoding)
    assert caught.value.reason == "unsupported content encoding"
    assert repr(encoding) in str(caught.value)
    assert not caught.value.retryable


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_a_body_that_is_not_what_it_claims_cannot_be_decoded(encoding: str) -> None:
    with pytest.raises(FetchError) as caught:
        read(budget(), [b"\xff\xfe this is not compressed"], encoding=encoding)
    assert caught.value.reason == "the page could not be decoded"
    assert "while decompressing" in str(caught.value)  # zlib's own words, for the log
    assert not caught.value.retryable


def test_a_deflate_stream_that_breaks_after_its_first_bytes_is_refused() -> None:
    packed = zlib.compress(PAGE)
    decoder = BoundedDecoder("deflate", 100_000)
    assert decoder.feed(packed[:-4]) == PAGE
    with pytest.raises(FetchError) as caught:
        decoder.feed(bytes(b ^ 0xFF for b in packed[-4:]))  # a wrong checksum
    assert caught.value.reason == "the page could not be decoded"


def test_a_bomb_fed_in_one_chunk_is_cut_at_the_limit() -> None:
    bomb = gzip.compress(b"\0" * 5_000_000)
    with pytest.raises(TooLarge):
        BoundedDecoder("gzip", 10_000).feed(bomb)


def test_a_bomb_is_never_expanded_in_memory() -> None:
    bomb = gzip.compress(b"\0" * 50_000_000)  # 50 MB in about 50 KB
    tracemalloc.start()
    try:
        with pytest.raises(TooLarge):
            BoundedDecoder("gzip", 100_000).feed(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000  # the limit and change, not the 50 MB


@pytest.mark.parametrize("tail", [1, 4, 9])
def test_a_body_exactly_at_the_limit_is_decoded_whole_across_chunks(tail: int) -> None:
    data = bytes(range(256)) * 40  # 10,240 bytes that barely compress
    packed = zlib.compress(data)
    decoder = BoundedDecoder("deflate", len(data))
    out = decoder.feed(packed[:-tail]) + decoder.feed(packed[-tail:]) + decoder.flush()
    assert out == data


@pytest.mark.parametrize("limit", [1, 999, 1000, 4096, 65_536])
def test_decoding_stops_exactly_past_the_limit(limit: int) -> None:
    data = bytes(range(256)) * 400  # 102,400 bytes: more than any limit here
    decoder = BoundedDecoder("deflate", limit)
    with pytest.raises(TooLarge):
        decoder.feed(zlib.compress(data))
    whole = BoundedDecoder("deflate", len(data))
    assert whole.feed(zlib.compress(data)) + whole.flush() == data


def test_decoded_bytes_are_counted_across_chunks_and_the_flush() -> None:
    data = b"abcdefgh" * 100  # 800 bytes
    packed = zlib.compress(data)
    decoder = BoundedDecoder("deflate", 800)
    out = b"".join(decoder.feed(packed[i : i + 7]) for i in range(0, len(packed), 7))
    assert out + decoder.flush() == data
    over = BoundedDecoder("deflate", 799)
    with pytest.raises(TooLarge):
        for i in range(0, len(packed), 7):
            over.feed(packed[i : i + 7])
        over.flush()
