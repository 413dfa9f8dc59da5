"""Tokens, signing secrets and the Redis password never appear in logs, error
messages or anything sent to Slack (issue 7, item 6).

``briefbot serve`` runs as a real process at DEBUG level with recognisable
secrets in its environment, and is driven through every error path we can
reach from outside: a forged signature, a stale timestamp, an unreadable body,
a refused link, Slack answering 500 past the client's retries, and Redis going
away and coming back. Its whole stderr, ``/metrics``, ``/healthz``, every
answer and everything posted to the fake Slack are then searched for them.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakeslack import FakeSlack, command_body, event_body, message_event, slash_command
from tests.support.app import SlackPoster
from tests.support.pages import ArticleServer
from tests.support.processes import bot_command, briefbot_env
from tests.support.redis_proc import RedisProc, free_port
from tests.support.seeds import SYRIA_NAMES, serve_seed
from tests.support.waiting import wait_until

BOT_TOKEN = "xoxb-1111-2222-BotTokenS3cretValue"
SIGNING_SECRET = "signing-S3cret-5f1e9a7c"
REDIS_PASSWORD = "redis-S3cret-pw"
SECRETS = (BOT_TOKEN, "BotTokenS3cretValue", SIGNING_SECRET, "S3cret-5f1e9a7c", REDIS_PASSWORD)


def environment(
    redis: RedisProc, slack: FakeSlack, site: ArticleServer, tmp: Path
) -> dict[str, str]:
    return briefbot_env(
        REDIS_URL=redis.url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.base_url,
        BRIEFBOT_FETCH_ALLOW_HOSTS=site.allow_entry,
        BRIEFBOT_JOB_CLAIM_IDLE="1",
        BRIEFBOT_LOG_LEVEL="DEBUG",
        BRIEFBOT_DATA_DIR=str(tmp / "data"),
    )


@pytest.fixture
def secret_redis(tmp_path: Path) -> Iterator[RedisProc]:
    proc = RedisProc(tmp_path, password=REDIS_PASSWORD)
    proc.start()
    yield proc
    proc.stop()


def test_secrets_never_reach_logs_answers_or_slack(
    secret_redis: RedisProc, fake_slack: FakeSlack, article_site: ArticleServer, tmp_path: Path
) -> None:
    env = environment(secret_redis, fake_slack, article_site, tmp_path)
    port = free_port()
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            bot_command("serve", "--port", str(port)),
            env=env,
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    seen: list[str] = []
    poster = SlackPoster(f"http://127.0.0.1:{port}")
    try:
        wait_until(
            "serve to answer /healthz", lambda: _answers(poster, "/healthz") == 200, limit=90
        )
        seen += drive_errors(poster, secret_redis, fake_slack, article_site, log_path)
        seen.append(poster.client.get("/metrics").text)
    finally:
        poster.client.close()
        proc.send_signal(signal.SIGTERM)
        exit_code = proc.wait(60)
    assert exit_code == 0, log_path.read_text(errors="replace")[-3000:]  # drained, not killed
    status = subprocess.run(
        bot_command("status"),
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    logs = log_path.read_text()
    assert outage_logged(log_path)
    assert "unreadable Slack request" in logs
    posted = [str(c.params) for c in fake_slack.calls(include_failed=True)]
    everything = [logs, status.stdout, status.stderr, *seen, *posted]
    for secret in SECRETS:
        leaks = [
            text[max(0, text.find(secret) - 80) :][:200] for text in everything if secret in text
        ]
        assert not leaks, (secret, leaks)


def outage_logged(log: Path) -> bool:
    """Whether the process has logged the Redis outage (its workers meet it first)."""
    logs = log.read_text(errors="replace")
    return "Redis unavailable" in logs or "store unavailable" in logs


def _answers(poster: SlackPoster, path: str) -> int:
    try:
        return poster.client.get(path).status_code
    except httpx.TransportError:
        return 0


def drive_errors(
    poster: SlackPoster, redis: RedisProc, slack: FakeSlack, site: ArticleServer, log: Path
) -> list[str]:
    """Every error path reachable from outside; returns what the app answered."""
    body = command_body(slash_command("syria"))
    answers = [
        poster.post(body, secret="wrong-secret").text,
        poster.post(body, secret=SIGNING_SECRET, timestamp=int(time.time()) - 900).text,
        poster.post("{broken json", secret=SIGNING_SECRET).text,
        poster.post(body, secret=SIGNING_SECRET).text,
    ]
    slack.fail_next("chat.postMessage", status=500, times=4)
    url = serve_seed(site, SYRIA_NAMES[0])
    for text in (f"<{url}>", "<http://169.254.169.254/latest/meta-data/iam/>"):
        poster.post(event_body(message_event(text)), secret=SIGNING_SECRET)
    slack.wait_for("chat.postMessage", count=2, timeout=90)
    redis.stop()
    answers.append(poster.post(body, secret=SIGNING_SECRET).text)
    answers.append(
        poster.post(event_body(message_event(f"<{url}?x=1>")), secret=SIGNING_SECRET).text
    )
    answers.append(poster.client.get("/healthz").text)
    wait_until("the workers to meet the outage and log it", lambda: outage_logged(log), limit=60)
    redis.start()
    wait_until("the store to be back", lambda: _answers(poster, "/healthz") == 200, limit=60)
    return answers
