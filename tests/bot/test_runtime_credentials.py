"""``briefbot serve`` and ``worker`` with a missing or refused Slack token: one line, exit 2.

A wrong token cannot be fixed by restarting, so the process must not print a
60-line traceback and crash-loop as if it were a passing fault: it names the
setting and the reason in one line and exits 2 (the supervisor's own back-off
then paces any restarts). Real processes, a real (embedded) Redis, the fake
Slack answering ``auth.test`` as Slack does for such tokens.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.fakeslack import FakeSlack
from tests.support.processes import bot_command, briefbot_env


def _run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        bot_command(*args),
        env=briefbot_env(BRIEFBOT_DATA_DIR=str(tmp_path / "data"), **env),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_serve_without_a_bot_token_says_so_in_one_line_and_exits_2(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    done = _run(["serve", "--port", "0"], tmp_path, SLACK_API_URL=fake_slack.base_url)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert lines[-1].startswith("briefbot: SLACK_BOT_TOKEN is not set")
    assert "Traceback" not in done.stderr
    assert fake_slack.calls("auth.test") == []


@pytest.mark.parametrize("error", ["invalid_auth", "token_revoked"])
@pytest.mark.parametrize("command", [["serve", "--port", "0"], ["worker", "--concurrency", "1"]])
def test_a_token_slack_refuses_is_one_line_and_exit_2(
    fake_slack: FakeSlack, tmp_path: Path, error: str, command: list[str]
) -> None:
    fake_slack.set_answer("auth.test", {"ok": False, "error": error})
    done = _run(
        command,
        tmp_path,
        SLACK_API_URL=fake_slack.base_url,
        SLACK_BOT_TOKEN="xoxb-revoked-or-wrong",
        SLACK_SIGNING_SECRET="secret",
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        f"briefbot: Slack refused SLACK_BOT_TOKEN ({error}): set the app's bot token "
        "(xoxb-…) from its OAuth & Permissions page"
    )
    assert "xoxb-revoked-or-wrong" not in done.stderr


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s"}, "BRIEFBOT_TOKEN_KEY is required"),
        (
            {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s", "BRIEFBOT_TOKEN_KEY": "short"},
            "BRIEFBOT_TOKEN_KEY is not a valid key",
        ),
    ],
)
def test_oauth_mode_without_a_usable_token_key_is_one_line_and_exit_2(
    fake_slack: FakeSlack, tmp_path: Path, env: dict[str, str], says: str
) -> None:
    done = _run(["serve", "--port", "0"], tmp_path, SLACK_API_URL=fake_slack.base_url, **env)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith(f"briefbot: {says}")
