"""A fake Slack Socket Mode server: a websocket server on loopback.

It greets each connection with ``{"type": "hello"}``, lets a test push envelopes
(events, slash commands, interactions) to the newest connection, records the
app's acknowledgements by ``envelope_id``, and can ask clients to reconnect with
``{"type": "disconnect"}``. It runs the ``websockets`` server on its own asyncio
loop in a background thread, so tests stay synchronous, like the bolt app.

Give its ``url`` to the fake Web API (``fake_slack.socket_mode_url = ...``) so
that ``apps.connections.open`` hands it to slack-sdk's ``SocketModeClient``.
"""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from collections.abc import Coroutine
from types import TracebackType
from typing import Any, TypeVar

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

T = TypeVar("T")


class FakeSocketMode:
    """A running fake of Slack's Socket Mode websocket endpoint."""

    def __init__(self, *, app_id: str = "A1") -> None:
        self.app_id = app_id
        self.acks: dict[str, dict[str, Any]] = {}  # envelope_id -> the whole ack message
        self.received: list[dict[str, Any]] = []  # every JSON message from clients
        self.connections_opened = 0
        self._open: list[ServerConnection] = []
        self._cond = threading.Condition()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._port = 0
        self._start_error: Exception | None = None

    # ---- life cycle --------------------------------------------------------

    def start(self) -> FakeSocketMode:
        """Start the server on a free loopback port; returns once it listens."""
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._run, args=(ready,), name="fake-socket-mode", daemon=True
        )
        self._thread.start()
        if not ready.wait(timeout=10) or self._server is None:
            raise RuntimeError("fake Socket Mode server did not start") from self._start_error
        return self

    def _run(self, ready: threading.Event) -> None:
        assert self._loop is not None
        asyncio.set_event_loop(self._loop)
        try:
            self._server = self._loop.run_until_complete(self._listen())
        except Exception as exc:  # reported by start(), in the test's thread
            self._start_error = exc
            return
        finally:
            ready.set()
        self._loop.run_forever()

    async def _listen(self) -> Server:
        server = await serve(self._handle, "127.0.0.1", 0)
        self._port = int(next(iter(server.sockets)).getsockname()[1])
        return server

    def stop(self) -> None:
        """Close every connection and the server, then stop the loop. Safe to call twice.

        Stop this *before* closing a bolt ``SocketModeHandler`` (and clear the fake Web
        API's ``socket_mode_url`` so it does not reconnect): the builtin client's reader
        then sees the socket close at once instead of waiting out its 3-second timeout.
        """
        if self._loop is None:
            return
        if self._server is not None:
            self._server.close()
            self._call(self._server.wait_closed(), timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._loop.close()
        self._loop = self._server = self._thread = None

    def __enter__(self) -> FakeSocketMode:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The ``ws://`` URL that ``apps.connections.open`` should return."""
        return f"ws://127.0.0.1:{self._port}/link/?ticket=fake"

    # ---- the websocket side ------------------------------------------------

    async def _handle(self, ws: ServerConnection) -> None:
        with self._cond:
            self._open.append(ws)
            self.connections_opened += 1
            count = len(self._open)
            self._cond.notify_all()
        try:
            await ws.send(json.dumps(self._hello(count)))
            async for raw in ws:
                self._receive(raw)
        except ConnectionClosed:
            pass  # the client went away: nothing to clean up beyond the list below
        finally:
            with self._cond:
                self._open.remove(ws)
                self._cond.notify_all()

    def _hello(self, count: int) -> dict[str, Any]:
        return {
            "type": "hello",
            "num_connections": count,
            "debug_info": {"host": "fake-socket-mode", "approximate_connection_time": 18060},
            "connection_info": {"app_id": self.app_id},
        }

    def _receive(self, raw: str | bytes) -> None:
        try:
            message = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return  # not ours to judge: Slack ignores junk frames too
        if not isinstance(message, dict):
            return
        with self._cond:
            self.received.append(message)
            if "envelope_id" in message:
                self.acks[str(message["envelope_id"])] = message
            self._cond.notify_all()

    def _call(self, coro: Coroutine[Any, Any, T], timeout: float) -> T:
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    # ---- what tests use ----------------------------------------------------

    @property
    def open_connections(self) -> int:
        with self._cond:
            return len(self._open)

    def wait_connected(self, count: int = 1, timeout: float = 10.0) -> None:
        """Wait until at least ``count`` clients are connected."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self._open) >= count, timeout=timeout):
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {count} connection(s)"
                )

    def wait_opened(self, total: int, timeout: float = 10.0) -> None:
        """Wait until ``total`` connections were opened since start (reconnects count)."""
        with self._cond:
            if not self._cond.wait_for(lambda: self.connections_opened >= total, timeout=timeout):
                raise AssertionError(f"timed out after {timeout}s waiting for connection {total}")

    def push(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        accepts_response_payload: bool,
        timeout: float = 10.0,
        **extra: Any,
    ) -> str:
        """Send an envelope of ``kind`` to the newest connection; returns its ``envelope_id``."""
        self.wait_connected(1, timeout)
        envelope_id = str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
            **extra,
        }
        with self._cond:
            ws = self._open[-1]
        self._call(ws.send(json.dumps(envelope)), timeout)
        return envelope_id

    def push_event(
        self, payload: dict[str, Any], *, retry_attempt: int = 0, retry_reason: str = ""
    ) -> str:
        """Push an Events API payload (an ``event_callback``), possibly as a retry."""
        if retry_attempt and not retry_reason:
            retry_reason = "timeout"
        return self.push(
            "events_api",
            payload,
            accepts_response_payload=False,
            retry_attempt=retry_attempt,
            retry_reason=retry_reason,
        )

    def push_command(self, payload: dict[str, Any]) -> str:
        """Push a slash command payload (the fields Slack would form-encode)."""
        return self.push("slash_commands", payload, accepts_response_payload=True)

    def push_interactive(self, payload: dict[str, Any]) -> str:
        """Push an interaction payload (``block_actions``, ``view_submission``...)."""
        return self.push("interactive", payload, accepts_response_payload=True)

    def wait_for_ack(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any]:
        """Wait for the app's ack of an envelope; returns the ack's ``payload`` ({} if none)."""
        with self._cond:
            if not self._cond.wait_for(lambda: envelope_id in self.acks, timeout=timeout):
                raise AssertionError(f"no ack for envelope {envelope_id} within {timeout}s")
            payload = self.acks[envelope_id].get("payload")
        return dict(payload) if isinstance(payload, dict) else {}

    def disconnect(self, reason: str = "warning", timeout: float = 10.0) -> None:
        """Ask every connected client to reconnect, as Slack does before maintenance.

        Once a client has opened its new connection, the old one is closed from this
        side, as Slack does: the builtin client would otherwise keep reading the old
        socket until its 3-second receive timeout before reading the new one.
        """
        with self._cond:
            targets = list(self._open)
            opened = self.connections_opened
        message = json.dumps(
            {"type": "disconnect", "reason": reason, "debug_info": {"host": "fake-socket-mode"}}
        )
        for ws in targets:
            self._call(ws.send(message), timeout=timeout)
        self.wait_opened(opened + len(targets), timeout)
        self.close_connections(targets, timeout)

    def close_connections(
        self, connections: list[ServerConnection] | None = None, timeout: float = 10.0
    ) -> None:
        """Close connections (all open ones by default) from the server side."""
        with self._cond:
            targets = list(self._open) if connections is None else connections
        for ws in targets:
            self._call(ws.close(), timeout=timeout)
