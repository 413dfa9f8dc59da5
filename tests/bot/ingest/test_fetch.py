"""The fetcher against a real local web server: SSRF rules, caps, statuses, types."""

from __future__ import annotations

import gzip
import shutil
import socket
import ssl
import subprocess
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.errors import (
    AddressNotAllowed,
    BlockedBySite,
    FetchError,
    FetchTimeout,
    NotAnArticle,
    TooLarge,
)
from bot.ingest.fetch import USER_AGENT, Fetcher
from tests.support.pages import ArticleServer

PAGE = "<html><head><title>Bridge vote</title></head><body><p>The council voted.</p></body></html>"


@pytest.fixture
def server() -> Iterator[ArticleServer]:
    with ArticleServer() as srv:
        yield srv


def make_fetcher(
    server: ArticleServer | None = None,
    *,
    allow: tuple[str, ...] | None = None,
    resolver: Callable[[str, int], list[str]] | None = None,
    ssl_context: ssl.SSLContext | None = None,
    **settings: object,
) -> Fetcher:
    if allow is None:
        allow = (server.allow_entry,) if server is not None else ()
    return Fetcher(
        Settings(fetch_allow_hosts=allow, **settings),  # type: ignore[arg-type]
        resolver=resolver,
        ssl_context=ssl_context,
    )


def static_resolver(*answers: str) -> Callable[[str, int], list[str]]:
    return lambda host, port: list(answers)


def no_dns(host: str, port: int) -> list[str]:
    raise AssertionError(f"numeric host {host!r} must not be resolved")


# ---- schemes and addresses --------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/file",
        "file:///etc/passwd",
        "gopher://example.org/",
        "javascript:alert(1)",
        "data:text/html,<p>hi</p>",
    ],
)
def test_non_http_schemes_are_refused(url: str) -> None:
    with make_fetcher(resolver=no_dns) as fetcher, pytest.raises(AddressNotAllowed) as caught:
        fetcher.fetch(url)
    assert caught.value.reason == "scheme not allowed"


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("10.1.2.3", "private network"),
        ("172.16.0.1", "private network"),
        ("192.168.1.1", "private network"),
        ("169.254.169.254", "link-local"),
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved address"),
        ("255.255.255.255", "reserved address"),
        ("0.0.0.0", "unspecified address"),
        ("100.64.0.1", "shared address space"),
        ("192.0.2.10", "private network"),  # documentation range
        ("198.18.0.1", "private network"),  # benchmarking range
        ("::1", "loopback"),
        ("::", "unspecified address"),
        ("fc00::1", "private network"),
        ("fd12:3456::1", "private network"),
        ("fe80::1", "link-local"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::ffff:10.0.0.1", "private network"),
        ("::7f00:1", "loopback"),  # IPv4-compatible
        ("2002:7f00:1::", "loopback"),  # 6to4 around 127.0.0.1
        ("2002:a9fe:a9fe::1", "link-local"),  # 6to4 around 169.254.169.254
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback"),  # Teredo client 127.0.0.1
        ("64:ff9b::a00:1", "private network"),  # NAT64 around 10.0.0.1
    ],
)
def test_every_non_public_address_class_is_refused(address: str, reason: str) -> None:
    with (
        make_fetcher(resolver=static_resolver(address)) as fetcher,
        pytest.raises(AddressNotAllowed) as caught,
    ):
        fetcher.fetch("http://news.example.org/story")
    assert caught.value.reason == f"address not allowed ({reason})"
    assert caught.value.retryable is False


def test_one_bad_answer_among_good_ones_refuses_the_host() -> None:
    resolver = static_resolver("93.184.216.34", "10.0.0.7")
    with make_fetcher(resolver=resolver) as fetcher, pytest.raises(AddressNotAllowed) as caught:
        fetcher.fetch("http://news.example.org/story")
    assert caught.value.reason == "address not allowed (private network)"


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",  # decimal
        "http://0x7f.1/",  # hex, two parts
        "http://017700000001/",  # octal
        "http://0x7f000001/",
        "http://127.1/",
        "http://127.0.0.1./",  # trailing dot
        "http://[::1]/",
        "http://[::ffff:7f00:1]/",
        "http://[0:0:0:0:0:ffff:127.0.0.1]:8080/",
        "http://user:pass@127.0.0.1/",
        "http://evil.example@127.0.0.1/",
    ],
)
def test_numeric_ip_tricks_are_parsed_and_refused(url: str) -> None:
    with make_fetcher(resolver=no_dns) as fetcher, pytest.raises(AddressNotAllowed) as caught:
        fetcher.fetch(url)
    assert caught.value.reason == "address not allowed (loopback)"


def test_a_dotted_octal_host_is_refused_at_parsing() -> None:
    # httpx itself rejects leading zeros in a dotted quad; either way nothing is fetched
    with make_fetcher(resolver=no_dns) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch("http://0177.0.0.1/")
    assert caught.value.reason == "not a valid web address"


def test_localhost_by_name_is_refused_by_its_real_resolution() -> None:
    with make_fetcher() as fetcher, pytest.raises(AddressNotAllowed) as caught:
        fetcher.fetch("http://localhost/")
    assert caught.value.reason == "address not allowed (loopback)"


def test_a_numeric_host_that_overflows_is_not_a_valid_address() -> None:
    with make_fetcher(resolver=no_dns) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch("http://256.1.1.1/")
    assert caught.value.reason == "not a valid web address"


@pytest.mark.parametrize("url", ["http://", "https:///path", "not a url at all"])
def test_malformed_urls_are_refused_in_plain_words(url: str) -> None:
    with make_fetcher(resolver=no_dns) as fetcher, pytest.raises((FetchError, AddressNotAllowed)):
        fetcher.fetch(url)


def test_unknown_host_says_host_not_found() -> None:
    def failing(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with make_fetcher(resolver=failing) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch("http://no-such-host.example/")
    assert caught.value.reason == "host not found"
    assert caught.value.retryable is False


# ---- redirects ----------------------------------------------------------------------


def test_redirect_to_a_private_address_is_refused(server: ArticleServer) -> None:
    server.redirect("/go", "http://169.254.169.254/latest/meta-data/")
    with make_fetcher(server) as fetcher, pytest.raises(AddressNotAllowed) as caught:
        fetcher.fetch(server.url("/go"))
    assert caught.value.reason == "address not allowed (link-local)"


def test_redirect_to_another_loopback_port_is_refused(server: ArticleServer) -> None:
    with ArticleServer() as other:
        other.html("/secret", PAGE)
        server.redirect("/go", other.url("/secret"))
        with make_fetcher(server) as fetcher, pytest.raises(AddressNotAllowed):
            fetcher.fetch(server.url("/go"))
        assert other.route("/secret").hits == 0


def test_redirect_to_a_numeric_trick_is_refused(server: ArticleServer) -> None:
    with ArticleServer() as other:
        other.html("/story", PAGE)
        server.redirect("/go", f"http://2130706433:{other.port}/story")
        with make_fetcher(server) as fetcher, pytest.raises(AddressNotAllowed):
            fetcher.fetch(server.url("/go"))
        assert other.route("/story").hits == 0


def test_an_allow_entry_covers_the_same_address_written_numerically(
    server: ArticleServer,
) -> None:
    server.html("/story", PAGE)
    with make_fetcher(server) as fetcher:
        assert fetcher.fetch(f"http://2130706433:{server.port}/story").status == 200


def test_redirect_to_a_bad_scheme_is_refused(server: ArticleServer) -> None:
    server.redirect("/go", "file:///etc/passwd")
    with make_fetcher(server) as fetcher, pytest.raises(AddressNotAllowed) as caught:
        fetcher.fetch(server.url("/go"))
    assert caught.value.reason == "scheme not allowed"


def test_redirects_are_followed_to_the_final_url(server: ArticleServer) -> None:
    server.redirect("/old", "/middle", status=301)
    server.redirect("/middle", server.url("/new"), status=307)
    server.html("/new", PAGE)
    with make_fetcher(server) as fetcher:
        page = fetcher.fetch(server.url("/old"))
    assert page.url == server.url("/old")
    assert page.final_url == server.url("/new")
    assert b"council voted" in page.body


def test_too_many_redirects(server: ArticleServer) -> None:
    server.redirect("/a", "/b")
    server.redirect("/b", "/a")
    with (
        make_fetcher(server, fetch_max_redirects=3) as fetcher,
        pytest.raises(FetchError) as caught,
    ):
        fetcher.fetch(server.url("/a"))
    assert caught.value.reason == "too many redirects"
    assert server.route("/a").hits + server.route("/b").hits == 4  # first request + 3 hops


# ---- DNS rebinding: the connection goes to the address that was checked ------------


def test_connection_goes_to_the_checked_address_not_a_second_lookup() -> None:
    """The first answer is checked and used; a later answer (the rebind) is never asked for.

    Two servers share one port: the real one on 127.0.0.1 and a decoy on
    127.0.0.2. A fetcher that looked the name up again at connect time would
    get 127.0.0.2 and the decoy's page.
    """
    with ArticleServer("127.0.0.2") as decoy, ArticleServer("127.0.0.1", port=decoy.port) as real:
        real.html("/story", PAGE)
        decoy.html("/story", "<html><body><p>decoy</p></body></html>")
        calls: list[str] = []

        def rebinding(host: str, port: int) -> list[str]:
            calls.append(host)
            return ["127.0.0.1"] if len(calls) == 1 else ["127.0.0.2"]

        with make_fetcher(allow=("rebind.test",), resolver=rebinding) as fetcher:
            page = fetcher.fetch(f"http://rebind.test:{real.port}/story")
        assert b"council voted" in page.body
        assert calls == ["rebind.test"]
        assert decoy.route("/story").hits == 0
        assert real.requests[0].headers["host"] == f"rebind.test:{real.port}"
        assert page.final_url == f"http://rebind.test:{real.port}/story"


def test_each_redirect_hop_is_resolved_and_checked_once(server: ArticleServer) -> None:
    server.redirect("/go", f"http://second.test:{server.port}/story")
    server.html("/story", PAGE)
    calls: list[str] = []

    def resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        return ["127.0.0.1"]

    allow = ("first.test", "second.test")
    with make_fetcher(allow=allow, resolver=resolver) as fetcher:
        fetcher.fetch(f"http://first.test:{server.port}/go")
    assert calls == ["first.test", "second.test"]


def test_a_rebound_answer_on_a_later_hop_is_checked_again(server: ArticleServer) -> None:
    server.redirect("/go", "http://internal.example/admin")

    def resolver(host: str, port: int) -> list[str]:
        return ["127.0.0.1"] if host == "site.test" else ["192.168.0.10"]

    with (
        make_fetcher(allow=("site.test",), resolver=resolver) as fetcher,
        pytest.raises(AddressNotAllowed) as caught,
    ):
        fetcher.fetch(f"http://site.test:{server.port}/go")
    assert caught.value.reason == "address not allowed (private network)"


# ---- BRIEFBOT_FETCH_ALLOW_HOSTS -------------------------------------------------------


def test_allow_entry_with_port_exempts_only_that_port(server: ArticleServer) -> None:
    with ArticleServer() as other:
        server.html("/a", PAGE)
        other.html("/a", PAGE)
        with make_fetcher(allow=(f"127.0.0.1:{server.port}",)) as fetcher:
            assert fetcher.fetch(server.url("/a")).status == 200
            with pytest.raises(AddressNotAllowed):
                fetcher.fetch(other.url("/a"))


def test_bare_allow_entry_exempts_every_port(server: ArticleServer) -> None:
    with ArticleServer() as other:
        server.html("/a", PAGE)
        other.html("/a", PAGE)
        with make_fetcher(allow=("127.0.0.1",)) as fetcher:
            assert fetcher.fetch(server.url("/a")).status == 200
            assert fetcher.fetch(other.url("/a")).status == 200


@pytest.mark.parametrize(
    "host", ["evilsite.test", "evil-site.test", "site.test.evil", "sub.site.test", "www.site.test"]
)
def test_an_allowed_name_does_not_exempt_look_alike_hosts(server: ArticleServer, host: str) -> None:
    """Every name resolves to loopback here: ``site.test`` (allowed) reaches the
    server, a host that only contains or extends that name is refused before any
    connection, as the DNS answer is private."""
    server.html("/a", PAGE)
    resolver = static_resolver("127.0.0.1")
    with make_fetcher(allow=("site.test",), resolver=resolver) as fetcher:
        assert fetcher.fetch(f"http://site.test:{server.port}/a").status == 200
        with pytest.raises(AddressNotAllowed) as caught:
            fetcher.fetch(f"http://{host}:{server.port}/a")
    assert caught.value.reason == "address not allowed (loopback)"
    assert server.route("/a").hits == 1


@pytest.mark.parametrize("host", ["evilsite.test", "site.test.evil", "sub.site.test"])
def test_look_alike_hosts_answering_a_private_address_are_refused(host: str) -> None:
    resolver = static_resolver("10.0.0.7")
    with (
        make_fetcher(allow=("site.test",), resolver=resolver) as fetcher,
        pytest.raises(AddressNotAllowed) as caught,
    ):
        fetcher.fetch(f"http://{host}/story")
    assert caught.value.reason == "address not allowed (private network)"


def test_allow_entry_by_name_does_not_exempt_the_same_address_by_another_name(
    server: ArticleServer,
) -> None:
    server.html("/a", PAGE)
    with make_fetcher(allow=("127.0.0.1",)) as fetcher, pytest.raises(AddressNotAllowed):
        fetcher.fetch(f"http://localhost:{server.port}/a")


# ---- caps ---------------------------------------------------------------------------


def test_a_50_mb_stream_is_cut_off_early(server: ArticleServer) -> None:
    block = b"<p>" + b"x" * (1024 * 1024 - 7) + b"</p>"
    server.add("/huge", block, repeat=50, content_length=False)
    with (
        make_fetcher(server, fetch_max_bytes=1_000_000) as fetcher,
        pytest.raises(TooLarge) as caught,
    ):
        fetcher.fetch(server.url("/huge"))
    assert caught.value.reason == "too large"
    assert server.route("/huge").done.wait(10)
    # the server could write into socket buffers, but nowhere near the whole body
    assert server.route("/huge").bytes_sent < 20 * 1024 * 1024


def test_a_declared_length_over_the_cap_is_refused_before_reading(server: ArticleServer) -> None:
    server.add("/big", b"y" * (2 * 1024 * 1024))
    with make_fetcher(server, fetch_max_bytes=100_000) as fetcher, pytest.raises(TooLarge):
        fetcher.fetch(server.url("/big"))


@pytest.fixture(scope="module")
def gzip_bomb() -> bytes:
    """50 MB of zeros compressed to about 50 KB."""
    return gzip.compress(b"\0" * 50_000_000, compresslevel=9)


def test_gzip_bomb_is_cut_at_the_decoded_size(server: ArticleServer, gzip_bomb: bytes) -> None:
    assert len(gzip_bomb) < 200_000
    server.add("/bomb", gzip_bomb, headers={"Content-Encoding": "gzip"})
    with make_fetcher(server, fetch_max_bytes=1_000_000) as fetcher, pytest.raises(TooLarge):
        fetcher.fetch(server.url("/bomb"))


def test_deflate_bomb_without_zlib_header_is_cut_too(server: ArticleServer) -> None:
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    bomb = packer.compress(b"\0" * 20_000_000) + packer.flush()
    server.add("/bomb", bomb, headers={"Content-Encoding": "deflate"})
    with make_fetcher(server, fetch_max_bytes=1_000_000) as fetcher, pytest.raises(TooLarge):
        fetcher.fetch(server.url("/bomb"))


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_compressed_pages_are_decoded(server: ArticleServer, encoding: str) -> None:
    body = gzip.compress(PAGE.encode()) if encoding == "gzip" else zlib.compress(PAGE.encode())
    server.add("/page", body, headers={"Content-Encoding": encoding})
    with make_fetcher(server) as fetcher:
        assert fetcher.fetch(server.url("/page")).body == PAGE.encode()


def test_unknown_content_encoding_is_refused(server: ArticleServer) -> None:
    server.add("/page", b"\x1b\x00\x00", headers={"Content-Encoding": "br"})
    with make_fetcher(server) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch(server.url("/page"))
    assert caught.value.reason == "unsupported content encoding"


def test_a_server_that_never_answers_times_out(server: ArticleServer) -> None:
    server.html("/slow", PAGE, delay=30)
    with make_fetcher(server, fetch_timeout=0.5) as fetcher, pytest.raises(FetchTimeout) as caught:
        fetcher.fetch(server.url("/slow"))
    assert caught.value.reason == "timed out"


def test_a_slow_drip_hits_the_total_time_cap(server: ArticleServer) -> None:
    # each chunk arrives well within a read timeout; only the total cap can stop it
    server.add("/drip", b"<p>" + b"z" * 4000 + b"</p>", chunk_size=10, drip=0.05)
    with make_fetcher(server, fetch_timeout=0.5) as fetcher, pytest.raises(FetchTimeout):
        fetcher.fetch(server.url("/drip"))
    assert server.route("/drip").done.wait(10)
    assert server.route("/drip").bytes_sent < 4007


# ---- statuses and content types ---------------------------------------------------------


@pytest.mark.parametrize("status", [401, 403, 429, 451])
def test_refusals_by_the_site_are_blocked_by_site(server: ArticleServer, status: int) -> None:
    server.html("/p", PAGE, status=status)
    with make_fetcher(server) as fetcher, pytest.raises(BlockedBySite) as caught:
        fetcher.fetch(server.url("/p"))
    assert caught.value.reason == "blocked by the site"


@pytest.mark.parametrize("status", [404, 410])
def test_missing_pages_say_page_not_found(server: ArticleServer, status: int) -> None:
    server.html("/p", PAGE, status=status)
    with make_fetcher(server) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch(server.url("/p"))
    assert caught.value.reason == "page not found"
    assert caught.value.retryable is False


@pytest.mark.parametrize(
    ("status", "reason", "retryable"),
    [
        (500, "the site had an error (HTTP 500)", True),
        (503, "the site had an error (HTTP 503)", True),
        (400, "refused by the site (HTTP 400)", False),
        (418, "refused by the site (HTTP 418)", False),
    ],
)
def test_other_errors_have_plain_reasons(
    server: ArticleServer, status: int, reason: str, retryable: bool
) -> None:
    server.html("/p", PAGE, status=status)
    with make_fetcher(server) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch(server.url("/p"))
    assert caught.value.reason == reason
    assert caught.value.retryable is retryable


@pytest.mark.parametrize(
    "content_type",
    ["application/pdf", "image/png", "application/octet-stream", "video/mp4", "application/zip"],
)
def test_non_html_types_are_not_articles(server: ArticleServer, content_type: str) -> None:
    server.add("/file", b"\x00\x01binary", content_type=content_type)
    with make_fetcher(server) as fetcher, pytest.raises(NotAnArticle) as caught:
        fetcher.fetch(server.url("/file"))
    assert caught.value.reason == f"not an article ({content_type})"


def test_a_pdf_served_as_html_is_recognised(server: ArticleServer) -> None:
    server.add("/doc", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", content_type="text/html")
    with make_fetcher(server) as fetcher, pytest.raises(NotAnArticle) as caught:
        fetcher.fetch(server.url("/doc"))
    assert caught.value.reason == "not an article (application/pdf)"


def test_page_carries_type_charset_and_sends_real_headers(server: ArticleServer) -> None:
    server.html("/p", PAGE.replace("voted", "voté"), charset="iso-8859-1")
    with make_fetcher(server) as fetcher:
        page = fetcher.fetch(server.url("/p"))
    assert page.status == 200
    assert page.content_type == "text/html"
    assert page.encoding == "iso-8859-1"
    assert "voté".encode("latin-1") in page.body
    headers = server.requests[0].headers
    assert headers["user-agent"] == USER_AGENT
    assert headers["user-agent"].startswith("briefbot/")
    assert "text/html" in headers["accept"]
    assert headers["accept-encoding"] == "gzip, deflate"


def test_feeds_pass_through_for_the_feed_reader(server: ArticleServer) -> None:
    server.add("/feed", b"<rss version='2.0'><channel/></rss>", content_type="application/rss+xml")
    with make_fetcher(server) as fetcher:
        assert fetcher.fetch(server.url("/feed")).content_type == "application/rss+xml"


def test_feed_fetches_send_validators_and_take_a_304(server: ArticleServer) -> None:
    server.add("/feed", status=304, content_type=None)
    with make_fetcher(server) as fetcher:
        page = fetcher.fetch_feed(server.url("/feed"), etag='"abc"', last_modified="yesterday")
    assert (page.status, page.body) == (304, b"")
    headers = server.requests[-1].headers
    assert headers["if-none-match"] == '"abc"' and headers["if-modified-since"] == "yesterday"
    assert "application/rss+xml" in headers["accept"]


def test_json_feeds_are_taken_by_the_feed_fetch_only(server: ArticleServer) -> None:
    body = b'{"version": "https://jsonfeed.org/version/1.1", "items": []}'
    server.add("/feed.json", body, content_type="application/feed+json", headers={"ETag": "e1"})
    with make_fetcher(server) as fetcher:
        page = fetcher.fetch_feed(server.url("/feed.json"))
        assert (page.body, page.etag) == (body, "e1")
        with pytest.raises(NotAnArticle):
            fetcher.fetch(server.url("/feed.json"))


def test_a_304_to_a_plain_fetch_is_still_an_error(server: ArticleServer) -> None:
    server.add("/page", status=304, content_type=None)
    with make_fetcher(server) as fetcher, pytest.raises(FetchError):
        fetcher.fetch(server.url("/page"))


# ---- TLS: connecting to an IP still verifies the certificate of the host name -------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=news.test",
         "-addext", "subjectAltName=DNS:news.test"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def tls_server(certificate: tuple[Path, Path]) -> ArticleServer:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return ArticleServer(tls=context)


def client_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(certificate[0]))


def test_https_to_a_pinned_ip_sends_sni_and_verifies_the_name(
    certificate: tuple[Path, Path],
) -> None:
    with tls_server(certificate) as server:
        server.html("/story", PAGE)
        with make_fetcher(
            allow=("news.test",),
            resolver=static_resolver("127.0.0.1"),
            ssl_context=client_context(certificate),
        ) as fetcher:
            page = fetcher.fetch(f"https://news.test:{server.port}/story")
    assert b"council voted" in page.body
    assert server.requests[0].headers["host"] == f"news.test:{server.port}"


def test_https_with_a_certificate_for_another_name_fails(certificate: tuple[Path, Path]) -> None:
    with tls_server(certificate) as server:
        server.html("/story", PAGE)
        with (
            make_fetcher(
                allow=("other.test",),
                resolver=static_resolver("127.0.0.1"),
                ssl_context=client_context(certificate),
            ) as fetcher,
            pytest.raises(FetchError) as caught,
        ):
            fetcher.fetch(f"https://other.test:{server.port}/story")
    assert caught.value.reason == "secure connection failed"
