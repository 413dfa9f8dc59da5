"""A local article web server for tests: the "news sites" edge of the system.

``ArticleServer`` is a threaded ``http.server`` on 127.0.0.1 (port chosen by
the OS) that serves registered routes: status, headers and body bytes, with an
optional delay before the answer, a slow drip of the body, a body repeated
many times (50 MB without holding 50 MB), redirects, and a page held
unanswered until the test releases it (``hold``). It records each
request and how many body bytes each route managed to send::

    with ArticleServer() as server:
        url = server.html("/story", "<html>...</html>")
        page = fetcher.fetch(url)

Fetch tests need the server's ``host:port`` in ``BRIEFBOT_FETCH_ALLOW_HOSTS``
(``server.allow_entry``), since loopback is otherwise refused.

The ``article_site`` fixture (a started server, stopped after the test) reaches
every test through ``pytest_plugins`` in ``tests/conftest.py``.
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Route:
    """What one path answers."""

    status: int = 200
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    delay: float = 0.0  # seconds before the status line is sent
    drip: float = 0.0  # seconds between body chunks
    chunk_size: int = 64 * 1024
    repeat: int = 1  # the body is sent this many times
    content_length: bool = True  # send a Content-Length header
    # when set, the answer waits until the test sets it: a page certainly "in hand"
    hold: threading.Event | None = None
    # filled in while serving
    hits: int = 0
    bytes_sent: int = 0
    done: threading.Event = field(default_factory=threading.Event)


@dataclass
class Seen:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    client: str


class ArticleServer:
    """Serves registered routes on ``host`` (127.0.0.1 by default), optionally over TLS."""

    def __init__(
        self, host: str = "127.0.0.1", *, port: int = 0, tls: ssl.SSLContext | None = None
    ) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[Seen] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._httpd = _Server((host, port), _Handler)
        self._httpd.owner = self
        if tls is not None:
            self._httpd.socket = tls.wrap_socket(self._httpd.socket, server_side=True)
        self.host = host
        self.port: int = self._httpd.server_address[1]
        self.scheme = "https" if tls is not None else "http"
        # a short poll keeps stop() quick: shutdown() waits for the next poll
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    # ---- lifecycle ------------------------------------------------------------

    def start(self) -> ArticleServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()  # wakes handlers sleeping in a delay or a drip
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> ArticleServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- routes ---------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    @property
    def allow_entry(self) -> str:
        """The ``BRIEFBOT_FETCH_ALLOW_HOSTS`` entry that exempts this server only."""
        return f"{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def add(
        self,
        path: str,
        body: bytes = b"",
        *,
        status: int = 200,
        content_type: str | None = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
        **options: Any,
    ) -> str:
        """Register ``path``; returns its full URL. ``options`` are ``Route`` fields."""
        pairs = [("Content-Type", content_type)] if content_type else []
        pairs += list((headers or {}).items())
        self.routes[path] = Route(status=status, body=body, headers=pairs, **options)
        return self.url(path)

    def html(self, path: str, html: str, *, charset: str = "utf-8", **options: Any) -> str:
        """Register an HTML page encoded in ``charset``."""
        content_type = options.pop("content_type", f"text/html; charset={charset}")
        return self.add(path, html.encode(charset), content_type=content_type, **options)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        return self.add(path, status=status, content_type=None, headers={"Location": location})

    def route(self, path: str) -> Route:
        return self.routes[path]

    def record(self, seen: Seen) -> None:
        with self._lock:
            self.requests.append(seen)

    @property
    def stopping(self) -> threading.Event:
        return self._stop


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: ArticleServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        # a client that hangs up early (the fetcher's byte cap) is expected here
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        owner = self.server.owner
        path = self.path.split("?", 1)[0]
        owner.record(
            Seen(
                "GET",
                self.path,
                {k.lower(): v for k, v in self.headers.items()},
                self.client_address[0],
            )
        )
        route = owner.routes.get(path)
        if route is None:
            route = Route(status=404, body=b"<html><body>no such page</body></html>")
        route.hits += 1
        try:
            self._answer(route, owner.stopping)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            pass  # the client went away: what was sent is in route.bytes_sent
        finally:
            route.done.set()
            self.close_connection = True

    def _answer(self, route: Route, stopping: threading.Event) -> None:
        if route.delay and stopping.wait(route.delay):
            return
        while route.hold is not None and not route.hold.wait(0.05):
            if stopping.is_set():
                return
        self.send_response(route.status)
        for name, value in route.headers:
            self.send_header(name, value)
        if route.content_length:
            self.send_header("Content-Length", str(len(route.body) * route.repeat))
        self.send_header("Connection", "close")
        self.end_headers()
        for _ in range(route.repeat):
            for start in range(0, len(route.body), route.chunk_size):
                if route.drip and stopping.wait(route.drip):
                    return
                chunk = route.body[start : start + route.chunk_size]
                self.wfile.write(chunk)
                route.bytes_sent += len(chunk)
        self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean


@pytest.fixture
def article_site() -> Iterator[ArticleServer]:
    """A started ``ArticleServer`` on 127.0.0.1, stopped after the test."""
    with ArticleServer() as server:
        yield server
