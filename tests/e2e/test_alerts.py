"""Alerts through the real app: ``/brief alerts`` over signed HTTP, the checker on
``serve``'s scheduler, posts to the fake Slack, and the alert's button."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.alerts import checker as alert_checker
from bot.alerts.checker import AlertChecker
from bot.deps import Deps
from bot.jobs import pipeline
from bot.runtime import BotServer
from tests.fakeslack import (
    FakeSlack,
    block_action,
    interactive_body,
)
from tests.support.app import SlackPoster, command_answer, start_bot
from tests.support.articles import story_article
from tests.support.seeds import SYRIA_NAMES, seed_path


@pytest.fixture
def quick_server(deps: Deps, monkeypatch: pytest.MonkeyPatch) -> Iterator[BotServer]:
    """``serve`` with the alert checker ticking twice a second instead of every minute."""
    monkeypatch.setattr(alert_checker, "TICK_SECONDS", 0.5)
    bot = start_bot(deps)
    yield bot
    bot.stop()


@pytest.fixture
def poster(quick_server: BotServer) -> Iterator[SlackPoster]:
    poster = SlackPoster.to(quick_server)
    yield poster
    poster.client.close()


def command(poster: SlackPoster, fake: FakeSlack, text: str, channel: str = "CNEWS") -> str:
    return json.dumps(command_answer(poster, fake, text, channel=channel))


def no_second_post(deps: Deps) -> list[str]:
    """Another replica's tick right now: every alert it finds was claimed already."""
    check = AlertChecker(
        deps.alerts, deps.digest_state, deps.topic_state, lambda alert: pytest.fail("posted twice")
    )
    return [outcome for _, outcome in check.tick()]


def test_a_new_development_is_alerted_once_with_a_button_to_the_brief(
    deps: Deps, poster: SlackPoster, fake_slack: FakeSlack
) -> None:
    assert "now gets alerts on *syria*" in command(poster, fake_slack, "alerts syria")
    assert "alerts on *syria*" in command(poster, fake_slack, "alerts")
    result = pipeline.ingest_path(deps, "T1", seed_path(SYRIA_NAMES[0]))
    assert result.status == "ingested"
    [post] = fake_slack.wait_for("chat.postMessage", timeout=30)
    assert post.params["channel"] == "CNEWS"
    blocks = str(post.params["blocks"])
    assert "New development in *syria*" in blocks and "brief_open" in blocks
    assert no_second_post(deps) == ["already"]
    # the button: the brief, to whoever clicked
    action = block_action(
        "brief_open", "syria", channel="CNEWS", response_url=fake_slack.response_url("a1")
    )
    assert poster.post(interactive_body(action)).status_code == 200
    [answer] = fake_slack.wait_for_response("a1")
    assert "Qamishli" in str(answer.body) or "Sharaa" in str(answer.body)
    assert "No more alerts" in command(poster, fake_slack, "alerts stop syria")


def test_a_volume_spike_is_alerted_once(
    deps: Deps, poster: SlackPoster, fake_slack: FakeSlack
) -> None:
    now = datetime.now(UTC)
    n = 0

    def file(when: datetime) -> None:
        nonlocal n
        n += 1
        article = story_article("quake", n)
        article.published = when
        deps.store.save_article("T1", article)
        deps.topic_state.add_article("T1", "syria", article, when)

    for days_ago in range(7, 0, -1):  # a quiet week: one article a day
        file(now - timedelta(days=days_ago))
    assert "now gets alerts" in command(poster, fake_slack, "alerts syria")
    for _ in range(5):  # five today: max(5, 2 x 1, 1 + 4 x 1) is the threshold
        file(datetime.now(UTC))
    [post] = fake_slack.wait_for("chat.postMessage", timeout=30)
    blocks = str(post.params["blocks"])
    assert "*syria* is busier than usual" in blocks and "5 articles today" in blocks
    assert no_second_post(deps) == ["already"]
