"""Address parsing and classification, without any network."""

from __future__ import annotations

import ipaddress

import pytest

from bot.ingest.addresses import (
    address_problem,
    host_allowed,
    normalize_host,
    parse_allow_entry,
    parse_ip_host,
)


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("0x7F000001", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("10.0x10.1", "10.16.0.1"),
        ("1.2.3", "1.2.0.3"),
        ("93.184.216.34", "93.184.216.34"),
        ("127.0.0.1.", "127.0.0.1"),
        ("0", "0.0.0.0"),
        ("[::1]", "::1"),
        ("fe80::1%25eth0", "fe80::1"),
        ("fe80::1%25eth0%25x", "fe80::1"),  # everything from the first zone mark goes
        ("0x", "0.0.0.0"),  # inet_aton reads a bare 0x as zero
    ],
)
def test_numeric_hosts_parse_like_inet_aton(host: str, expected: str) -> None:
    assert str(parse_ip_host(host)) == expected


@pytest.mark.parametrize(
    "host",
    ["example.org", "news.test", "1.2.3.com", "0x7g.1", "localhost", "1.2.3.4.5", "10.0.0.1X"],
)
def test_names_are_not_addresses(host: str) -> None:
    assert parse_ip_host(host) is None


@pytest.mark.parametrize("host", ["256.1.1.1", "1.2.3.4294967296", "08.1.1.1", "1.2.65536"])
def test_overflowing_numeric_hosts_are_invalid(host: str) -> None:
    with pytest.raises(ValueError, match=r"not a valid IPv4 address|invalid literal"):
        parse_ip_host(host)


@pytest.mark.parametrize("host", ["[::1", "::1]"])
def test_a_half_bracketed_host_is_invalid_not_an_address(host: str) -> None:
    with pytest.raises(ValueError):
        parse_ip_host(host)
    assert normalize_host(host) == host


def test_ipv4_compatible_forms_are_judged_by_the_address_they_wrap() -> None:
    wrapped = address_problem(ipaddress.ip_address("::2"))
    assert wrapped == address_problem(ipaddress.ip_address("0.0.0.2")) is not None


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "2a00:1450:4001::200e"]
)
def test_public_addresses_pass(address: str) -> None:
    assert address_problem(ipaddress.ip_address(address)) is None


def test_6to4_and_teredo_around_public_addresses_pass() -> None:
    assert address_problem(ipaddress.ip_address("2002:5db8:d822::1")) is None  # 93.184.216.34
    teredo_public = "2001:0:4136:e378:8000:63bf:a247:27dd"  # client 93.184.216.34 obfuscated
    assert address_problem(ipaddress.ip_address(teredo_public)) is None


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("127.0.0.1", ("127.0.0.1", None)),
        ("127.0.0.1:8080", ("127.0.0.1", 8080)),
        ("News.Example.ORG.", ("news.example.org", None)),
        ("localhost:3000", ("localhost", 3000)),
        ("[::1]:8443", ("::1", 8443)),
        ("[::1]", ("::1", None)),
        ("::1", ("::1", None)),
        ("2130706433", ("127.0.0.1", None)),
    ],
)
def test_allow_entries(entry: str, expected: tuple[str, int | None]) -> None:
    assert parse_allow_entry(entry) == expected


def test_host_allowed_matches_port_rules() -> None:
    allow = ("127.0.0.1:8080", "feeds.test", "[::1]:9000", "bad:entry:x:y", "host:notaport")
    assert host_allowed("127.0.0.1", 8080, allow)
    assert not host_allowed("127.0.0.1", 8081, allow)
    assert host_allowed("FEEDS.test.", 1, allow)
    assert host_allowed("feeds.test", 443, allow)
    assert host_allowed("::1", 9000, allow)
    assert not host_allowed("::1", 9001, allow)
    assert not host_allowed("host", 80, allow)
    assert not host_allowed("other.test", 80, allow)


@pytest.mark.parametrize("entry", ["[::1]x80", "[::1]]", "[::1]]:80"])
def test_malformed_bracketed_entries_are_refused(entry: str) -> None:
    with pytest.raises(ValueError, match="malformed allow-list entry"):
        parse_allow_entry(entry)


def test_a_malformed_entry_does_not_hide_the_entries_after_it() -> None:
    allow = ("bad:entry:x:y", "[::1]x80", "feeds.test")
    assert host_allowed("feeds.test", 80, allow)
    assert not host_allowed("::1", 80, allow)  # "[::1]x80" exempts nothing, not every port


@pytest.mark.parametrize(
    "host",
    ["evilsite.test", "evil-site.test", "site.test.evil", "sub.site.test", "site.tes", "ite.test"],
)
def test_allow_entries_match_the_whole_host_not_a_part(host: str) -> None:
    """``site.test`` exempts that host only: no suffix, prefix or sub-domain match."""
    assert host_allowed("site.test", 80, ("site.test",))
    assert not host_allowed(host, 80, ("site.test",))
    assert not host_allowed(host, 8080, ("site.test:8080",))


def test_normalize_host() -> None:
    assert normalize_host("[::FFFF:7F00:1]") == "::ffff:7f00:1"
    assert normalize_host("0x7f.1") == "127.0.0.1"
    assert normalize_host("256.1.1.1") == "256.1.1.1"
