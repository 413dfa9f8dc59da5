"""The embedded store: data survives across processes, and concurrent processes
share one server instead of each starting their own on the same file."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import redis

from tests.support.waiting import wait_until

SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from bot.config import Settings
    from bot.store.connect import connect_redis
    data_dir, action, release = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    client, embedded, address = connect_redis(Settings(data_dir=data_dir))
    if action == "write":
        client.set("probe", "kept")
    print(client.get("probe"), client.info("server")["process_id"], flush=True)
    deadline = time.monotonic() + 60
    while release and not Path(release).exists():  # stay until the test lets go
        if time.monotonic() > deadline:
            sys.exit("the test never released this process")
        time.sleep(0.02)
    client.close()
    embedded.close()
    """
)


def run(data_dir: Path, action: str, release: Path | None = None) -> subprocess.Popen[str]:
    """The script in a process; with ``release``, it stays connected until that file exists."""
    return subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(data_dir), action, str(release or "")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def output(proc: subprocess.Popen[str]) -> list[str]:
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    return out.split()


def test_data_written_by_one_process_is_read_by_the_next(tmp_path: Path) -> None:
    first = output(run(tmp_path, "write"))
    assert first[0] == "b'kept'"
    second = output(run(tmp_path, "read"))
    assert second[0] == "b'kept'"
    assert_stopped(int(second[1]))
    assert (tmp_path / "briefbot.db").exists() or (tmp_path / "appendonly.aof").exists()


def test_a_second_process_joins_the_running_server(tmp_path: Path) -> None:
    release = tmp_path / "release"
    holder = run(tmp_path, "write", release)
    assert holder.stdout is not None
    first_line = holder.stdout.readline().split()  # the server is up and written to
    joiner = output(run(tmp_path, "read"))  # while the holder is certainly still connected
    release.touch()
    rest = output(holder)
    assert first_line[0] == "b'kept'" and joiner[0] == "b'kept'"
    assert joiner[1] == first_line[1], "the second process started its own server"
    assert rest == []
    assert_stopped(int(first_line[1]))


def assert_stopped(pid: int) -> None:
    """The last process to leave stops the server: nothing is left running."""
    import psutil

    def stopped() -> bool:
        try:
            return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return True

    wait_until(f"redis-server {pid} to stop after every user left", stopped, limit=15, every=0.1)


def test_stopping_the_last_user_does_not_retry_the_closed_socket(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SHUTDOWN closes the connection; a client with retries reconnects to a socket
    # that is gone, with backoff (~4.5 s on every CLI command)
    from bot.store.embedded import EmbeddedRedis

    embedded = EmbeddedRedis(tmp_path)
    embedded.start()
    failed: list[Exception] = []
    original = redis.connection.UnixDomainSocketConnection._connect

    def counted(self: Any) -> Any:  # every attempt, retries included
        try:
            return original(self)
        except OSError as exc:
            failed.append(exc)
            raise

    monkeypatch.setattr(redis.connection.UnixDomainSocketConnection, "_connect", counted)
    embedded.close()
    assert failed == []
