"""The HTTP side of the fake Slack: request parsing, routing and fault injection.

``FakeSlack`` (in ``webapi.py``) owns the state and the canned answers; this
module turns HTTP requests into calls of it and writes the answers back.
"""

from __future__ import annotations

import base64
import contextlib
import json
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from tests.fakeslack.methods import error
from tests.fakeslack.state import Call

if TYPE_CHECKING:
    from tests.fakeslack.webapi import FakeSlack

# parameters that slack-sdk sends as JSON strings inside form posts
JSON_PARAMS = ("blocks", "unfurls", "attachments", "view", "files", "metadata")


def parse_params(query: str, content_type: str, body: bytes) -> dict[str, Any]:
    """Merge query-string, form and JSON parameters; decode the JSON-string ones."""
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    if body and "application/json" in content_type:
        loaded = json.loads(body.decode("utf-8"))
        if isinstance(loaded, dict):
            params.update(loaded)
    elif body and "application/x-www-form-urlencoded" in content_type:
        params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    for name in JSON_PARAMS:
        value = params.get(name)
        if isinstance(value, str) and value.startswith(("[", "{")):
            # an undecodable value stays as sent, for the test to look at
            with contextlib.suppress(json.JSONDecodeError):
                params[name] = json.loads(value)
    return params


class Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeSlack


class Handler(BaseHTTPRequestHandler):
    server: Server

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        fake = self.server.fake
        if parts.path.startswith("/api/"):
            ctype = self.headers.get("Content-Type", "")
            params = parse_params(parts.query, ctype, body)
            token = _bearer(self.headers.get("Authorization")) or params.pop("token", None)
            params.pop("token", None)
            params.update(_basic(self.headers.get("Authorization")))  # oauth.v2.access
            self._api(fake, parts.path.removeprefix("/api/"), token, params)
        elif parts.path.startswith("/response/"):
            self._response_url(fake, parts.path.removeprefix("/response/"), body)
        elif parts.path.startswith("/upload/"):
            with fake.state.lock:
                fake.state.uploads[parts.path.removeprefix("/upload/")] = body
            self._send(200, f"OK - {len(body)}".encode(), "text/plain")
        else:
            self._send(404, b"not found", "text/plain")

    def _api(self, fake: FakeSlack, method: str, token: str | None, params: dict[str, Any]) -> None:
        fault = fake.state.take_fault(method)
        if fault is not None and fault.drop:
            fake.state.record(Call(method, token, params, status=0, fault="dropped"))
            self.close_connection = True
            self.connection.shutdown(
                socket.SHUT_RDWR
            )  # the client sees the connection closed mid-request
            return
        if fault is not None:
            status = fault.status
            answer = error(fault.error or _error_for(status))
            what = f"http {status}" if status != 200 else f"error {answer['error']}"
            fake.state.record(Call(method, token, params, status, answer, fault=what))
            headers = (
                {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
            )
            self._send_json(status, answer, headers if status == 429 else {})
            return
        limits = fake.state.limits
        wait = limits.retry_after(method, params) if limits is not None else None
        if wait is not None:
            answer = error("ratelimited")
            fake.state.record(Call(method, token, params, 429, answer, fault="http 429"))
            self._send_json(429, answer, {"Retry-After": str(wait)})
            return
        answer = fake.answer(method, token, params)
        fake.state.record(Call(method, token, params, 200, answer))
        self._send_json(200, answer)

    def _response_url(self, fake: FakeSlack, response_id: str, body: bytes) -> None:
        try:
            payload = json.loads(body.decode("utf-8")) if body else {}
        except (json.JSONDecodeError, UnicodeDecodeError):
            self._send(400, b"invalid_payload", "text/plain")
            return
        if fake.state.post_response(response_id, payload):
            self._send(200, b"ok", "text/plain")
        else:
            self._send(404, b"used_url", "text/plain")

    def _send_json(
        self, status: int, answer: dict[str, Any], headers: dict[str, str] | None = None
    ) -> None:
        self._send(status, json.dumps(answer).encode(), "application/json", headers)

    def _send(
        self, status: int, body: bytes, ctype: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", f"{ctype}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


def _bearer(header: str | None) -> str | None:
    if header and header.lower().startswith("bearer "):
        return header[len("bearer ") :].strip() or None
    return None


def _basic(header: str | None) -> dict[str, str]:
    """``client_id`` and ``client_secret`` from HTTP Basic auth, as slack-sdk sends them."""
    if not header or not header.lower().startswith("basic "):
        return {}
    try:
        decoded = base64.b64decode(header[len("basic ") :].strip()).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return {}
    client_id, _, client_secret = decoded.partition(":")
    return {"client_id": client_id, "client_secret": client_secret}


def _error_for(status: int) -> str:
    if status == 429:
        return "ratelimited"
    return "fatal_error" if status >= 500 else "invalid_request"
