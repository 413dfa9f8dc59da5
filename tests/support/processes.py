"""briefbot (or a test helper) as a separate process, running this checkout's code.

Every subprocess test builds its environment with ``briefbot_env``: it drops
the caller's ``SLACK_*``, ``BRIEFBOT_*`` and ``REDIS_URL`` (a developer's own
settings must not leak in) and puts this checkout first on ``PYTHONPATH``, so
that ``python -m bot`` runs the code under test even when the virtualenv's
editable install points at another checkout, or the test runs from a temp dir::

    env = briefbot_env(REDIS_URL=redis_url, BRIEFBOT_DATA_DIR=str(tmp_path / "data"))
    with BriefbotProcess(["worker", "--port", str(port)], env, tmp_path / "worker.log") as proc:
        wait_until("healthy", lambda: probe(port, "/healthz"))
        proc.terminate()
        assert proc.wait() == 0, proc.text()

``gated`` runs the same command with the NLP model's loading held until the
test creates a file (``tests/support/gated_model.py``), so "503 before the model
is loaded" is observed, not raced.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import httpx

from tests.support.paths import REPO


def briefbot_env(**values: str) -> dict[str, str]:
    """This process's environment without briefbot's settings, plus ``values``;
    this checkout first on ``PYTHONPATH``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "BRIEFBOT_")) and k != "REDIS_URL"
    }
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO), *([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])]
    )
    env.update(values)
    return env


def bot_command(*args: str) -> list[str]:
    """``python -m bot ARGS`` with this interpreter."""
    return [sys.executable, "-m", "bot", *args]


def gated(gate: Path, *args: str) -> list[str]:
    """``briefbot ARGS`` whose NLP model loads only once ``gate`` exists."""
    return [sys.executable, "-m", "tests.support.gated_model", str(gate), *args]


class BriefbotProcess:
    """A started child process with its output in ``log``; stopped (SIGTERM,
    then SIGKILL) on leaving the ``with`` block if still running."""

    def __init__(self, command: Sequence[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self._file = log.open("wb")
        self.proc = subprocess.Popen(
            list(command),
            env=env,
            cwd=log.parent,  # not the checkout: PYTHONPATH alone must find the code
            stdout=self._file,
            stderr=subprocess.STDOUT,
        )

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def running(self) -> bool:
        return self.proc.poll() is None

    def terminate(self) -> None:
        """SIGTERM, as Docker and Kubernetes stop a container."""
        if self.running():
            self.proc.send_signal(signal.SIGTERM)

    def wait(self, timeout: float = 60.0) -> int:
        """The exit code; fails the test (with the log) if the process outlives ``timeout``."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise AssertionError(
                f"process still running after {timeout:g} s:\n{self.text()}"
            ) from exc

    def stop(self) -> None:
        if self.running():
            self.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self._file.close()

    def __enter__(self) -> BriefbotProcess:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def probe(port: int, path: str) -> httpx.Response | None:
    """GET ``path`` on 127.0.0.1:``port``; None while nothing answers there yet."""
    try:
        return httpx.get(f"http://127.0.0.1:{port}{path}", timeout=5.0)
    except httpx.TransportError:
        return None
