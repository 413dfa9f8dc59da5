"""Safe fetching of the pages users paste: address checks, size and time caps.

Every hop (the first request and each redirect) resolves its host once,
refuses the whole hop if ANY answer is a non-public address (see
``bot.ingest.addresses``), and then connects to the checked address itself: the
request goes to the IP, with the ``Host`` header and the TLS server name
(SNI, and so certificate checking) set to the real host name. A DNS answer that
changes between the check and the connection therefore cannot redirect us.

Every fetch runs under one ``FetchBudget`` (``bot.ingest.limits``): a deadline
for the whole fetch, a redirect count and a byte cap. Bodies are streamed raw
and decoded by the budget, not by httpx, so the byte cap holds for the raw
bytes and for the decompressed bytes alike: a gzip bomb is cut off after
``fetch_max_bytes`` of output, without ever holding more than that.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from http.cookiejar import CookieJar, DefaultCookiePolicy
from ssl import SSLContext

import httpx

from bot import __version__
from bot.config import Settings
from bot.errors import (
    AddressNotAllowed,
    BlockedBySite,
    FetchError,
    FetchTimeout,
    NotAnArticle,
)
from bot.ingest.addresses import IPAddress, address_problem, host_allowed, parse_ip_host
from bot.ingest.body import (
    charset_of,
    content_type_problem,
    not_retryable,
    sniff_binary,
)
from bot.ingest.limits import FetchBudget
from bot.models import Page

Resolver = Callable[[str, int], list[str]]

USER_AGENT = f"briefbot/{__version__} (+https://github.com/briefbot)"
ACCEPT = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,application/xml;q=0.5,*/*;q=0.1"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json;q=0.9, "
    "application/json;q=0.8, application/xml;q=0.7, text/xml;q=0.7, */*;q=0.1"
)
REDIRECTS = frozenset({301, 302, 303, 307, 308})
NOT_MODIFIED = 304
BLOCKED = frozenset({401, 403, 429, 451})
GONE = frozenset({404, 410})


def default_resolver(host: str, port: int) -> list[str]:
    """All addresses ``host`` resolves to, in the system's preferred order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def check_scheme_and_host(url: str) -> httpx.URL:
    """Parse ``url``; refuse anything but http(s) with a host."""
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise not_retryable(
            FetchError(f"invalid URL {url!r}", reason="not a valid web address")
        ) from exc
    if parsed.scheme not in ("http", "https"):
        raise AddressNotAllowed(f"scheme {parsed.scheme!r} in {url!r}", reason="scheme not allowed")
    if not parsed.raw_host:
        raise not_retryable(FetchError(f"no host in {url!r}", reason="not a valid web address"))
    return parsed


def check_ip(ip: IPAddress, url: str) -> None:
    """Raise ``AddressNotAllowed`` when ``ip`` is loopback, private, link-local..."""
    problem = address_problem(ip)
    if problem is not None:
        raise AddressNotAllowed(f"{url} -> {ip}", reason=f"address not allowed ({problem})")


class Fetcher:
    """Fetches one URL at a time per call; thread-safe; one HTTP client per Fetcher."""

    def __init__(
        self,
        settings: Settings,
        *,
        resolver: Resolver | None = None,
        ssl_context: SSLContext | None = None,
    ) -> None:
        self._settings = settings
        self._resolver = resolver or default_resolver
        # getaddrinfo has no timeout of its own: run it where we can stop waiting
        self._dns = ThreadPoolExecutor(max_workers=4, thread_name_prefix="briefbot-dns")
        self._client = httpx.Client(
            headers={
                "User-Agent": USER_AGENT,
                "Accept": ACCEPT,
                "Accept-Encoding": "gzip, deflate",
                "Accept-Language": "en;q=0.9, *;q=0.5",
            },
            # no keep-alive: connections are keyed by IP, and two sites sharing
            # one IP must never share a TLS session opened for the other's name
            limits=httpx.Limits(max_keepalive_connections=0),
            follow_redirects=False,
            trust_env=False,  # no proxies from the environment: we connect where we checked
            verify=ssl_context if ssl_context is not None else True,
            cookies=CookieJar(DefaultCookiePolicy(allowed_domains=[])),  # keep none
        )

    def fetch(self, url: str) -> Page:
        """GET ``url`` under every cap; redirects followed and each hop re-checked."""
        return self._get(url, {}, feed=False)

    def fetch_feed(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Page:
        """GET a feed under the same checks and caps as a page, conditionally.

        The validators of the last answer go out as ``If-None-Match`` and
        ``If-Modified-Since``; a 304 comes back as a ``Page`` with status 304 and
        no body. JSON Feed's media types are accepted here and only here.
        """
        headers = {"Accept": FEED_ACCEPT}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._get(url, headers, feed=True)

    def _get(self, url: str, headers: dict[str, str], *, feed: bool) -> Page:
        budget = self._budget()
        current = check_scheme_and_host(url)
        while True:
            response = self._open(current, budget, headers, feed=feed)
            try:
                if response.status_code in REDIRECTS and "location" in response.headers:
                    budget.follow_redirect(url)
                    current = check_scheme_and_host(str(current.join(response.headers["location"])))
                    continue
                if feed and response.status_code == NOT_MODIFIED:
                    return _page(url, str(current), response, b"")
                _check_status(response.status_code, str(current))
                body = self._read(response, budget, str(current))
            finally:
                response.close()
            return _page(url, str(current), response, body)

    def _budget(self) -> FetchBudget:
        return FetchBudget(
            seconds=self._settings.fetch_timeout,
            redirects=self._settings.fetch_max_redirects,
            max_bytes=self._settings.fetch_max_bytes,
        )

    def close(self) -> None:
        """Close the HTTP client and stop the resolver threads."""
        self._client.close()
        self._dns.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- one hop ------------------------------------------------------------------

    def _open(
        self, url: httpx.URL, budget: FetchBudget, headers: dict[str, str], *, feed: bool
    ) -> httpx.Response:
        """Send the request of one hop to a checked address; headers read, body not."""
        host = url.raw_host.decode("ascii")
        port = url.port or (443 if url.scheme == "https" else 80)
        addresses = self._addresses(host, port, budget, str(url))
        last_error: httpx.TransportError | None = None
        for ip in addresses:
            request = self._request(url, host, ip, budget.remaining(), headers)
            try:
                response = self._client.send(request, stream=True)
            except httpx.TimeoutException as exc:
                raise FetchTimeout(f"{url}: {exc!r}") from exc
            except httpx.ConnectError as exc:
                last_error = exc  # try the next checked address of the same host
                continue
            except httpx.TransportError as exc:
                raise _transport_error(url, exc) from exc
            content_type = response.headers.get("content-type", "")
            refused = content_type_problem(content_type)
            if feed and _is_json_feed_type(content_type):
                refused = None
            if refused and response.status_code < 300:
                response.close()
                raise NotAnArticle(str(url), reason=f"not an article ({refused})")
            return response
        assert last_error is not None  # _addresses never returns an empty list
        raise _transport_error(url, last_error) from last_error

    def _addresses(self, host: str, port: int, budget: FetchBudget, url: str) -> list[IPAddress]:
        """The addresses to connect to: the literal IP, or the checked DNS answers."""
        allowed = host_allowed(host, port, self._settings.fetch_allow_hosts)
        try:
            literal = parse_ip_host(host)
        except ValueError as exc:
            raise not_retryable(FetchError(url, reason="not a valid web address")) from exc
        answers = [literal] if literal is not None else self._resolve(host, port, budget, url)
        if not allowed:
            for ip in answers:  # ANY bad answer refuses the host: no picking the good one
                check_ip(ip, url)
        return answers

    def _resolve(self, host: str, port: int, budget: FetchBudget, url: str) -> list[IPAddress]:
        future = self._dns.submit(self._resolver, host, port)
        try:
            raw = future.result(timeout=budget.remaining())
        except FutureTimeout as exc:
            raise FetchTimeout(f"resolving {host}") from exc
        except socket.gaierror as exc:
            error = FetchError(f"{host}: {exc}", reason="host not found")
            error.retryable = exc.errno == socket.EAI_AGAIN
            raise error from exc
        except OSError as exc:
            raise FetchError(f"{host}: {exc}", reason="host not found") from exc
        answers: list[IPAddress] = []
        for text in raw:
            ip = parse_ip_host(text)
            if ip is None:
                raise FetchError(f"{host}: resolver gave {text!r}", reason="host not found")
            answers.append(ip)
        if not answers:
            raise FetchError(f"{host}: no addresses", reason="host not found")
        return answers

    def _request(
        self, url: httpx.URL, host: str, ip: IPAddress, seconds: float, headers: dict[str, str]
    ) -> httpx.Request:
        """A request to ``ip`` that still names ``host`` in Host and in TLS, within ``seconds``."""
        target = httpx.URL(scheme=url.scheme, host=str(ip), port=url.port, raw_path=url.raw_path)
        extensions: dict[str, object] = {"timeout": httpx.Timeout(max(0.001, seconds)).as_dict()}
        if url.scheme == "https" and parse_ip_host(host) is None:
            extensions["sni_hostname"] = host
        request = self._client.build_request(
            "GET", target, headers={**headers, "Host": _host_header(url)}
        )
        request.extensions.update(extensions)
        return request

    def _read(self, response: httpx.Response, budget: FetchBudget, url: str) -> bytes:
        """Stream the body under the budget's byte and time caps; httpx errors in our words."""
        try:
            return budget.read(
                response.iter_raw(),  # no chunk size: a chunker would wait for 64 KB
                encoding=response.headers.get("content-encoding", ""),
                declared=response.headers.get("content-length", ""),
                url=url,
            )
        except httpx.TimeoutException as exc:
            raise FetchTimeout(f"{url}: {exc!r}") from exc
        except httpx.TransportError as exc:
            raise FetchError(f"{url}: {exc!r}", reason="the connection broke off") from exc


def _is_json_feed_type(content_type: str) -> bool:
    mime = content_type.split(";", 1)[0].strip().lower()
    return mime in {"application/feed+json", "application/json"}


def _host_header(url: httpx.URL) -> str:
    host = url.raw_host.decode("ascii")
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{url.port}" if url.port is not None else host


def _check_status(status: int, url: str) -> None:
    """Raise the error a non-2xx final answer means, with a reason in plain words."""
    if 200 <= status < 300:
        return
    detail = f"{url}: HTTP {status}"
    if status in BLOCKED:
        raise BlockedBySite(detail)
    if status >= 500:
        raise FetchError(detail, reason=f"the site had an error (HTTP {status})")
    if status in GONE:
        reason = "page not found"
    elif status in REDIRECTS:
        reason = "redirect without a location"
    elif status >= 400:
        reason = f"refused by the site (HTTP {status})"
    else:
        reason = f"unexpected answer (HTTP {status})"
    raise not_retryable(FetchError(detail, reason=reason))


def _transport_error(url: httpx.URL, exc: httpx.TransportError) -> FetchError:
    text = repr(exc)
    if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
        return not_retryable(FetchError(f"{url}: {text}", reason="secure connection failed"))
    return FetchError(f"{url}: {text}", reason="could not connect")


def _page(url: str, final_url: str, response: httpx.Response, body: bytes) -> Page:
    content_type = response.headers.get("content-type", "")
    mime = content_type.split(";", 1)[0].strip().lower()
    binary = sniff_binary(body)
    if binary is not None:
        raise NotAnArticle(final_url, reason=f"not an article ({binary})")
    return Page(
        url=url,
        final_url=final_url,
        status=response.status_code,
        content_type=mime,
        body=body,
        encoding=charset_of(content_type),
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
    )
