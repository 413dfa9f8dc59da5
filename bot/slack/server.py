"""The HTTP surface of ``briefbot serve``: a WSGI app on waitress.

POST /slack/events   slash commands, events and interactivity (signed)
GET  /slack/install  OAuth mode: the "Add to Slack" page (bolt's flow)
GET  /slack/oauth_redirect  OAuth mode: where Slack sends the installing user back
GET  /healthz        200 when the store answers and the NLP model is loaded, else 503
GET  /metrics        Prometheus text format
"""

from __future__ import annotations

import contextlib
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from prometheus_client import CONTENT_TYPE_LATEST

from bot.errors import StoreUnavailable
from bot.store.memory import eviction_policy

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.deps import Deps

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
MAX_BODY = 1_000_000  # Slack payloads are far smaller; refuse anything bigger

log = logging.getLogger(__name__)


def health(deps: Deps) -> tuple[bool, dict[str, Any]]:
    store = deps.store_ready and deps.store.ping()
    model = deps.nlp_loaded
    detail: dict[str, Any] = {"store": store, "nlp_model": model, "maxmemory_policy": None}
    if store:
        # a probe must answer even if Redis blinked between the two calls
        with contextlib.suppress(StoreUnavailable):
            detail["maxmemory_policy"] = eviction_policy(deps.redis)
    return store and model, detail


def _request_kind(body: bytes) -> str:
    if body.startswith(b"{"):
        return "event"
    if b"command=" in body:
        return "command"
    if body.startswith(b"payload="):
        return "interactive"
    return "other"


def make_wsgi(deps: Deps, app: App | None, oauth_app: App | None = None) -> WsgiApp:
    """Routes to bolt, health and metrics; bolt is absent when Socket Mode serves Slack.

    ``oauth_app`` serves the install pages even when Socket Mode carries the
    events (installing is always a browser visiting this server).
    """
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    slack = None if app is None else SlackRequestHandler(app, path="/slack/events")
    installer = None
    install_paths: set[str] = set()
    oauth_source = app or oauth_app
    if oauth_source is not None and oauth_source.oauth_flow is not None:
        flow = oauth_source.oauth_flow
        install_paths = {flow.install_path, flow.redirect_uri_path}
        installer = SlackRequestHandler(oauth_source, path="/slack/events")

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz" and method == "GET":
            ok, detail = health(deps)
            return _reply(start_response, 200 if ok else 503, json.dumps(detail).encode())
        if path == "/metrics" and method == "GET":
            return _reply(start_response, 200, deps.metrics.exposition(), CONTENT_TYPE_LATEST)
        if path == "/slack/events" and method == "POST" and slack is not None:
            return _slack(environ, start_response, slack)
        if installer is not None and method == "GET" and path in install_paths:
            return list(installer(environ, start_response))
        return _reply(start_response, 404, b'{"error": "not found"}')

    def _slack(
        environ: dict[str, Any], start_response: StartResponse, slack: Any
    ) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > MAX_BODY:
            return _reply(start_response, 413, b'{"error": "too large"}')
        started = time.perf_counter()
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = _Body(body)
        try:
            result = list(slack(environ, start_response))
        except Exception as exc:
            # bolt parses the body before checking its signature, and some of its
            # own helpers fail on malformed payloads (invalid JSON, an empty
            # "actions" list): answer 400 in one log line, not a 500 and a traceback
            log.warning("unreadable Slack request (%d bytes): %s", len(body), type(exc).__name__)
            return _reply(start_response, 400, b'{"error": "bad request"}')
        deps.metrics.ack_seconds.labels(kind=_request_kind(body)).observe(
            time.perf_counter() - started
        )
        return result

    return wsgi


class _Body:
    """A re-readable request body (we read it once to size and classify it)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self.data) if size is None or size < 0 else self.pos + size
        chunk = self.data[self.pos : end]
        self.pos += len(chunk)
        return chunk


def _reply(
    start_response: StartResponse, status: int, body: bytes, ctype: str = "application/json"
) -> list[bytes]:
    reason = {
        200: "OK",
        400: "Bad Request",
        404: "Not Found",
        413: "Payload Too Large",
        503: "Service Unavailable",
    }
    start_response(
        f"{status} {reason.get(status, 'OK')}",
        [("Content-Type", ctype), ("Content-Length", str(len(body)))],
    )
    return [body]
