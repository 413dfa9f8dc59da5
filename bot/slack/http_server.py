"""Serving a WSGI app on waitress in a thread, and stopping it cleanly.

waitress documents how to serve (``create_server`` and ``run``) but not how to
stop a server from another thread, which a draining process needs. The two
internals that takes are used here and nowhere else: the server's trigger
(closing from inside its own loop, since closing its sockets from another
thread races the loop's ``select``) and its task dispatcher (waiting for the
requests in flight).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from waitress.server import create_server

from bot.slack.server import WsgiApp

log = logging.getLogger(__name__)


class HttpServer:
    """A waitress server on ``host:port`` (0: any free port) run in a daemon thread."""

    def __init__(
        self,
        app: WsgiApp,
        *,
        host: str,
        port: int,
        threads: int,
        max_body: int | None = None,
    ) -> None:
        options: dict[str, Any] = {"host": host, "port": port, "threads": threads}
        if max_body is not None:
            # waitress reads a whole body before calling the app: cap it there too,
            # or a client declaring 1 GB is waited for (and spooled to disk) first
            options["max_request_body_size"] = max_body
        self._server: Any = create_server(app, **options)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port actually bound (useful when asked for port 0)."""
        return int(self._server.effective_port)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._server.run, name="http", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop taking connections; requests in flight still finish (up to ``timeout``)."""
        try:
            self._server.trigger.pull_trigger(self._server.close)
        except OSError:  # the loop already closed its trigger: nothing left to stop
            log.info("http server was already closed")
        if self._thread is not None:
            self._thread.join(timeout=timeout)
        self._server.task_dispatcher.shutdown(timeout=timeout)
