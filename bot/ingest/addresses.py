"""Which network addresses the fetcher may connect to.

Pure functions, no I/O: parsing a URL's host the way a C resolver would
(``2130706433``, ``0x7f.1`` and ``017700000001`` are all 127.0.0.1), naming the
class of an address that must not be fetched (loopback, private network...),
and matching hosts against ``BRIEFBOT_FETCH_ALLOW_HOSTS``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from urllib.parse import unquote

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_SHARED = ipaddress.IPv4Network("100.64.0.0/10")  # carrier-grade NAT (RFC 6598)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # NAT64 prefix, embeds an IPv4 address
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_IPV4_COMPAT = ipaddress.IPv6Network("::/96")  # deprecated ::a.b.c.d form
_NUMERIC_PART = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$", re.IGNORECASE)


def parse_ip_host(host: str) -> IPAddress | None:
    """The IP address a host string denotes, or None when it is a name.

    Accepts what ``inet_aton`` accepts: one to four dot-separated parts, each
    decimal, octal (leading 0) or hex (0x), the last part filling the
    remaining bytes. A numeric-looking host that overflows raises ValueError,
    because a resolver would not treat it as a name either.
    """
    host = host.strip().rstrip(".").lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if ":" in host:
        # drop an IPv6 zone id ("fe80::1%eth0", "%25" when percent-encoded)
        return ipaddress.IPv6Address(unquote(host).split("%", 1)[0])
    parts = host.split(".")
    if not host or len(parts) > 4 or not all(_NUMERIC_PART.match(p) for p in parts):
        return None
    numbers = [_parse_part(p) for p in parts]
    value = 0
    for number in numbers[:-1]:
        if number > 0xFF:
            raise ValueError(f"not a valid IPv4 address: {host}")
        value = (value << 8) | number
    remaining_bits = 8 * (5 - len(numbers))
    if numbers[-1] >= 1 << remaining_bits:
        raise ValueError(f"not a valid IPv4 address: {host}")
    return ipaddress.IPv4Address((value << remaining_bits) | numbers[-1])


def _parse_part(part: str) -> int:
    if part.lower().startswith("0x"):
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part.startswith("0"):
        return int(part, 8)  # raises ValueError on "08", as inet_aton refuses it
    return int(part)


def address_problem(ip: IPAddress) -> str | None:
    """Why ``ip`` must not be fetched ("loopback", "private network"...), or None."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return address_problem(embedded)
    checks: tuple[tuple[bool, str], ...] = (
        (ip.is_unspecified, "unspecified address"),
        (ip.is_loopback, "loopback"),
        (ip.is_link_local, "link-local"),
        (ip.is_multicast, "multicast"),
        (isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED, "shared address space"),
        (ip.is_reserved, "reserved address"),
        (ip.is_private, "private network"),
        # anything else that is not globally routable: documentation, benchmarking...
        (not ip.is_global, "reserved address"),
    )
    for failed, name in checks:
        if failed:
            return name
    return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address wraps, when it wraps one."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]  # the client address; the server is public by design
    if ip in _NAT64 or ip in _NAT64_LOCAL:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _IPV4_COMPAT and int(ip) > 1:  # "::" and "::1" are themselves
        return ipaddress.IPv4Address(int(ip))
    return None


def normalize_host(host: str) -> str:
    """Lower-case host without brackets or trailing dot; IPs in canonical form."""
    host = host.strip().lower().rstrip(".")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    try:
        ip = parse_ip_host(host)
    except ValueError:
        return host
    return host if ip is None else str(ip)


def parse_allow_entry(entry: str) -> tuple[str, int | None]:
    """``"host"`` -> (host, None), ``"host:8080"`` or ``"[::1]:8080"`` -> (host, 8080)."""
    entry = entry.strip()
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        if rest and not rest.startswith(":"):
            # "[::1]x80" is a typo, not "every port of ::1": it exempts nothing
            raise ValueError(f"malformed allow-list entry: {entry}")
        port = rest[1:]
    elif entry.count(":") == 1:
        host, port = entry.split(":")
    else:  # a bare name, IPv4 or unbracketed IPv6 address
        host, port = entry, ""
    return normalize_host(host), int(port) if port else None


def host_allowed(host: str, port: int, allow: Iterable[str]) -> bool:
    """Whether ``host:port`` is exempt from the address block.

    A ``host:port`` entry exempts only that port; a bare ``host`` every port.
    """
    wanted = normalize_host(host)
    for entry in allow:
        try:
            allowed_host, allowed_port = parse_allow_entry(entry)
        except ValueError:
            continue  # a malformed entry exempts nothing
        if allowed_host == wanted and allowed_port in (None, port):
            return True
    return False
