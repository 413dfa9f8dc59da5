"""Socket Mode through the fake websocket server, a worker killed mid-job, and
two workspaces kept apart through the Slack interface."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.deps import Deps
from bot.jobs import pipeline
from bot.runtime import BotServer
from handlers.commands import WORKING
from tests.fakeslack import (
    FakeSlack,
    FakeSocketMode,
    command_body,
    event_body,
    message_event,
    slash_command,
)
from tests.support.app import SlackPoster, counter, start_bot, wait_idle
from tests.support.articles import story_article
from tests.support.pages import ArticleServer
from tests.support.processes import bot_command, briefbot_env
from tests.support.seeds import SYRIA_NAMES, seed_path, serve_seed
from tests.support.waiting import wait_until


@pytest.fixture
def socket_server(
    make_deps: Callable[..., Deps], fake_socket_mode: FakeSocketMode
) -> Iterator[BotServer]:
    deps = make_deps(slack_app_token="xapp-test-token")
    bot = start_bot(deps)
    fake_socket_mode.wait_connected()
    yield bot
    bot.stop()


def test_socket_mode_command_is_answered_in_the_ack(
    socket_server: BotServer, fake_socket_mode: FakeSocketMode
) -> None:
    pipeline.ingest_path(socket_server.deps, "T1", seed_path(SYRIA_NAMES[0]))
    envelope = fake_socket_mode.push_command(slash_command("syria"))
    ack = fake_socket_mode.wait_for_ack(envelope, timeout=10)
    assert ack["response_type"] == "ephemeral"
    assert "Qamishli" in str(ack["blocks"]) or "Hasakah" in str(ack["blocks"])


def test_socket_mode_search_is_acknowledged_then_answered_by_response_url(
    socket_server: BotServer, fake_socket_mode: FakeSocketMode, fake_slack: FakeSlack
) -> None:
    article = story_article("quake", 1)
    socket_server.deps.store.save_article("T1", article)
    socket_server.deps.store.index_terms("T1", article.id, ["earthquake"], 1.0)
    command = slash_command("earthquake", response_url=fake_slack.response_url("sock1"))
    envelope = fake_socket_mode.push_command(command)
    ack = fake_socket_mode.wait_for_ack(envelope, timeout=10)
    assert ack == {"response_type": "ephemeral", "text": WORKING}
    [answer] = fake_slack.wait_for_response("sock1", timeout=30)
    assert "Earthquake shakes Aleppo" in str(answer.body["blocks"])


def test_socket_mode_link_gets_one_reply_and_a_retry_none(
    socket_server: BotServer,
    fake_socket_mode: FakeSocketMode,
    fake_slack: FakeSlack,
    article_site: ArticleServer,
) -> None:
    url = serve_seed(article_site, SYRIA_NAMES[1])
    event = message_event(f"<{url}>", event_id="EvSock1", ts="1700000100.000100")
    fake_socket_mode.wait_for_ack(fake_socket_mode.push_event(event))
    fake_slack.wait_for("chat.postMessage", timeout=30)
    fake_socket_mode.wait_for_ack(fake_socket_mode.push_event(event, retry_attempt=1))
    deps = socket_server.deps
    # dropped as a repeat by its event id, before the ack: not left to the queue's dedupe
    assert counter(deps, "briefbot_events_total", type="event:message", outcome="repeat") == 1
    wait_idle(deps)
    assert len(fake_slack.calls("chat.postMessage")) == 1


def test_http_still_serves_health_and_metrics_in_socket_mode(socket_server: BotServer) -> None:
    import httpx

    base = f"http://127.0.0.1:{socket_server.port}"
    assert httpx.get(base + "/healthz").status_code == 200
    assert httpx.post(base + "/slack/events", content=b"{}").status_code == 404


def _worker_env(settings: Settings) -> dict[str, str]:
    return briefbot_env(
        REDIS_URL=str(settings.redis_url),
        SLACK_API_URL=settings.slack_api_url,
        SLACK_BOT_TOKEN=str(settings.slack_bot_token),
        BRIEFBOT_FETCH_ALLOW_HOSTS=",".join(settings.fetch_allow_hosts),
        BRIEFBOT_JOB_CLAIM_IDLE="1",
        BRIEFBOT_LOG_LEVEL="INFO",
        BRIEFBOT_DATA_DIR=str(settings.data_dir),
    )


def test_a_worker_killed_mid_job_is_replaced_and_one_reply_is_posted(
    make_deps: Callable[..., Deps],
    settings: Settings,
    fake_slack: FakeSlack,
    article_site: ArticleServer,
    tmp_path: Path,
) -> None:
    deps = make_deps()
    front = start_bot(deps, workers=False)
    try:
        html = seed_path(SYRIA_NAMES[2]).read_text()
        url = article_site.html("/slow.html", html, delay=4.0)
        log = (tmp_path / "worker.log").open("w")
        worker = subprocess.Popen(
            bot_command("worker"),
            env=_worker_env(settings),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        poster = SlackPoster.to(front)
        event = message_event(f"<{url}>", ts="1700000200.000100")
        assert poster.post(event_body(event)).status_code == 200
        wait_until("the worker to fetch the page", lambda: article_site.requests, limit=60)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
        assert fake_slack.calls("chat.postMessage") == []
        second = start_bot(make_deps())
        try:
            fake_slack.wait_for("chat.postMessage", timeout=60)
            wait_idle(deps)
            replies = fake_slack.calls("chat.postMessage")
            assert len(replies) == 1
            assert replies[0].params["thread_ts"] == "1700000200.000100"
            assert deps.queue.pending() == 0 and deps.queue.depth() == 0
        finally:
            second.stop()
    finally:
        front.stop()


def test_two_workspaces_never_see_each_other_through_slack(
    make_deps: Callable[..., Deps], fake_slack: FakeSlack
) -> None:
    """One deployment per workspace token: team T1's app answers only T1, and
    T2's app (its own token, same Redis) answers only from T2's data."""
    deps_a = make_deps()
    pipeline.ingest_path(deps_a, "T1", seed_path(SYRIA_NAMES[0]))
    app_a = start_bot(deps_a, workers=False)
    try:
        poster = SlackPoster.to(app_a)
        own = poster.post(command_body(slash_command("syria", team="T1"))).json()
        assert "article" in str(own["blocks"])
        other = poster.post(command_body(slash_command("syria", team="T2")))
        assert "another workspace" in other.text
        topics = poster.post(command_body(slash_command("topic add t2secret", team="T2")))
        assert "another workspace" in topics.text
        assert "t2secret" not in [t.name for t in deps_a.store.topics("T1")]
        assert deps_a.store.topics("T2") == deps_a.store.seed_topics
    finally:
        app_a.stop()
    fake_slack.add_team("xoxb-team-two", team_id="T2")
    deps_b = make_deps(slack_bot_token="xoxb-team-two")
    app_b = start_bot(deps_b, workers=False)
    try:
        poster = SlackPoster.to(app_b)
        answer = poster.post(command_body(slash_command("syria", team="T2"))).json()
        text = str(answer["blocks"])
        assert "Qamishli" not in text and "no articles" in text.lower()
        refused = poster.post(command_body(slash_command("syria", team="T1")))
        assert "another workspace" in refused.text
    finally:
        app_b.stop()
