"""Digests through the real app and the fake Slack: subscribing with ``/brief
digest`` over signed HTTP, posting through the real Web client (429s, Slack
errors), and two ``briefbot serve`` processes on one Redis sending once."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.deps import Deps
from bot.digests.scheduler import DigestScheduler
from bot.digests.state import DigestState
from bot.digests.subscriptions import Subscription, Subscriptions
from bot.jobs import pipeline
from bot.models import Topic
from bot.slack.brief_command import parse
from bot.slack.client import SlackClients
from bot.slack.digests import SlackDigestSender
from handlers.digests import answer_digest_command
from tests.fakeslack import FakeSlack
from tests.support.app import SECRET, SlackPoster, command_answer, counter, start_bot
from tests.support.articles import STORIES, story_article
from tests.support.processes import BriefbotProcess, bot_command, briefbot_env
from tests.support.seeds import SYRIA_NAMES, seed_path
from tests.support.subscriptions import add_subscription
from tests.support.waiting import wait_until

SYRIA = [seed_path(name) for name in SYRIA_NAMES]


def command(poster: SlackPoster, fake: FakeSlack, text: str, **kw: str) -> str:
    return json.dumps(command_answer(poster, fake, text, **kw))


# ---- subscribing over Slack ------------------------------------------------------------


def test_subscribe_list_remove_through_the_app(
    deps: Deps, slack_post: SlackPoster, fake_slack: FakeSlack
) -> None:
    fake_slack.set_user("U1", tz="America/New_York")
    answer = command(
        slack_post, fake_slack, "digest syria, ukraine at 07:00 weekdays", channel="C9"
    )
    assert "syria, ukraine at 07:00 weekdays (America/New_York)" in answer
    assert "07:00 EST" in answer or "07:00 EDT" in answer  # the first one, in that zone
    [sub] = Subscriptions(deps.redis).for_team("T1")
    assert (sub.channel, sub.topics, sub.hour, sub.minute, sub.days, sub.timezone) == (
        "C9",
        ["syria", "ukraine"],
        7,
        0,
        "weekdays",
        "America/New_York",
    )
    assert sub.created_by == "U1"
    assert f"`{sub.id}`" in command(slack_post, fake_slack, "digest list")
    assert "no digest 999" in command(slack_post, fake_slack, "digest remove 999").lower()
    assert f"Digest {sub.id} removed" in command(slack_post, fake_slack, f"digest remove {sub.id}")
    assert Subscriptions(deps.redis).for_team("T1") == []
    assert "No digests yet" in command(slack_post, fake_slack, "digest list")


def test_without_a_slack_zone_the_default_zone_is_used(
    deps: Deps, slack_post: SlackPoster, fake_slack: FakeSlack
) -> None:
    fake_slack.fail_next("users.info", status=200, error="user_not_found")
    answer = command(slack_post, fake_slack, "digest syria at 06:30 mon,wed,fri")
    assert "(UTC)" in answer
    assert Subscriptions(deps.redis).for_team("T1")[0].days == "mon,wed,fri"


def test_subscriptions_are_per_team_and_survive_a_restart(
    deps: Deps, slack_post: SlackPoster, fake_slack: FakeSlack, make_deps: Callable[..., Deps]
) -> None:
    fake_slack.set_user("U1", tz="Asia/Tokyo")
    command(slack_post, fake_slack, "digest syria at 07:00")
    [sub] = Subscriptions(deps.redis).for_team("T1")
    # another workspace's request is refused at the door, and touches nothing
    assert "another workspace" in command(
        slack_post, fake_slack, f"digest remove {sub.id}", team="T2"
    )
    # and below the door, a team only ever sees and removes its own
    other = {"team_id": "T2", "channel_id": "C1", "user_id": "U2"}
    assert "No digests yet" in str(answer_digest_command(deps, other, parse("digest list")))
    gone = answer_digest_command(deps, other, parse(f"digest remove {sub.id}"))
    assert "no digest" in str(gone)
    # a restart: new Deps and a new server on the same Redis
    restarted = start_bot(make_deps(), workers=False)
    try:
        poster = SlackPoster.to(restarted)
        listing = command(poster, fake_slack, "digest list")
        poster.client.close()
    finally:
        restarted.stop()
    assert f"`{sub.id}`" in listing and "Asia/Tokyo" in listing


# ---- posting digests --------------------------------------------------------------------


def subscribe(deps: Deps, channel: str, hour: int = 7, minute: int = 0) -> Subscription:
    return add_subscription(
        deps.redis,
        channel=channel,
        hour=hour,
        minute=minute,
        created_at="2025-12-01T00:00:00+00:00",
    )


def slack_scheduler(deps: Deps) -> DigestScheduler:
    sender = SlackDigestSender(
        SlackClients(deps.settings, deps.metrics, deps.bot_token), deps.metrics
    )
    return DigestScheduler(deps, sender, grace_seconds=3600)


def test_many_digests_due_at_once_are_all_posted_through_a_429(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    subs = [subscribe(deps, f"C{i % 3}") for i in range(12)]
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=1)
    results = slack_scheduler(deps).tick(datetime(2026, 1, 14, 7, 0, 1, tzinfo=UTC))
    assert [r.outcome for r in results] == ["sent"] * 12
    posted = fake_slack.calls("chat.postMessage")
    assert Counter(c.params["channel"] for c in posted) == {"C0": 4, "C1": 4, "C2": 4}
    attempts = fake_slack.calls("chat.postMessage", include_failed=True)
    assert [c.fault for c in attempts if c.fault] == ["http 429"]
    assert counter(deps, "briefbot_slack_ratelimited_total", method="chat.postMessage") == 1
    stored = {s.key: s.last_sent_for for s in Subscriptions(deps.redis).all()}
    assert stored == {s.key: "2026-01-14T07:00:00+00:00" for s in subs}
    assert slack_scheduler(deps).tick(datetime(2026, 1, 14, 7, 1, 1, tzinfo=UTC)) == []
    assert len(fake_slack.calls("chat.postMessage")) == 12


def test_a_slack_error_keeps_the_watermark_and_a_later_tick_posts(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    for path in SYRIA[:2]:
        assert pipeline.ingest_path(deps, "T1", path).status == "ingested"
    now = datetime.now(UTC).replace(second=1, microsecond=0)
    sub = subscribe(deps, "C5", hour=now.hour, minute=now.minute)
    fake_slack.fail_next("chat.postMessage", status=200, error="channel_not_found")
    scheduler = slack_scheduler(deps)
    assert [r.outcome for r in scheduler.tick(now)] == ["failed"]
    assert DigestState(deps.redis).watermark("T1", "syria", sub.scope) is None
    assert fake_slack.messages("C5") == []
    assert [r.outcome for r in scheduler.tick(now + timedelta(minutes=1))] == ["sent"]
    [message] = fake_slack.messages("C5")
    blocks = str(message["blocks"])
    assert "syria" in message["text"] and "Qamishli" in blocks
    assert DigestState(deps.redis).watermark("T1", "syria", sub.scope) is not None


def test_a_story_in_two_topics_is_posted_once(deps: Deps, fake_slack: FakeSlack) -> None:
    deps.store.save_topic("T1", Topic(name="russia", defined_by="user"))
    now = datetime.now(UTC).replace(second=1, microsecond=0)
    for topic, numbers in (("syria", (1, 2)), ("russia", (1, 2, 3))):
        for n in numbers:
            deps.topic_state.add_article("T1", topic, story_article("port", n), now)
    deps.topic_state.add_article("T1", "syria", story_article("quake", 1), now)
    sub = add_subscription(deps.redis, channel="C7", topics=["syria", "russia"],
                           hour=now.hour, minute=now.minute)  # fmt: skip
    assert [r.outcome for r in slack_scheduler(deps).tick(now)] == ["sent"]
    [message] = fake_slack.messages("C7")
    blocks = json.dumps(message["blocks"])
    port, quake = STORIES["port"][0], STORIES["quake"][0]
    # russia has all three articles of the port story: it shows there, once
    assert blocks.count(port) == 1 and blocks.count(quake) == 1
    assert blocks.index("*syria*") < blocks.index(quake) < blocks.index("*russia*")
    assert blocks.index("*russia*") < blocks.index(port) < blocks.index("Also in syria")
    assert "1 development shown under russia" in blocks
    assert DigestState(deps.redis).watermark("T1", "syria", sub.scope) is not None


# ---- two serve processes ------------------------------------------------------------------


@pytest.fixture
def serve_env(redis_url: str, fake_slack: FakeSlack, tmp_path: Path) -> dict[str, str]:
    return briefbot_env(
        REDIS_URL=redis_url,
        SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake_slack.base_url,
        BRIEFBOT_DATA_DIR=str(tmp_path / "data"),
        BRIEFBOT_LOG_LEVEL="DEBUG",
    )


@pytest.fixture
def start_servers(
    serve_env: dict[str, str], tmp_path: Path
) -> Iterator[Callable[[int], list[BriefbotProcess]]]:
    """Starts ``count`` ``serve --no-workers`` processes; all stopped (SIGTERM) at the end."""
    started: list[BriefbotProcess] = []

    def start(count: int) -> list[BriefbotProcess]:
        command = bot_command("serve", "--port", "0", "--no-workers")
        for i in range(count):
            log = tmp_path / f"serve-{len(started) + i}.log"
            started.append(BriefbotProcess(command, serve_env, log))
        return started[-count:]

    try:
        yield start
    finally:
        for proc in started:
            proc.terminate()
        for proc in started:
            proc.stop()


@pytest.mark.timeout(150)
def test_two_serve_processes_post_a_due_digest_once(
    start_servers: Callable[[int], list[BriefbotProcess]],
    fake_slack: FakeSlack,
    redis_client: Any,
) -> None:
    """A slot already due when two replicas start: each one's start-up tick (the
    catch-up after a restart) finds it due, and the claim lets exactly one post it.
    No waiting for the next minute on the wall clock."""
    now = datetime.now(UTC)
    due = now.replace(second=0, microsecond=0)
    sub = Subscriptions(redis_client).add(
        Subscription(
            id="",
            team="T1",
            channel="CDUE",
            topics=["syria"],
            hour=due.hour,
            minute=due.minute,
            days="daily",
            timezone="UTC",
            created_at=(now - timedelta(days=1)).isoformat(),
        )
    )
    servers = start_servers(2)
    fake_slack.wait_for("chat.postMessage", timeout=90)
    # both replicas finished a tick that saw the subscription: one sent, the other did not
    wait_until(
        "both replicas to tick",
        lambda: all("digest tick done" in p.text() for p in servers),
        limit=60,
        every=0.2,
    )
    slot = f"digest sent sub={sub.key} slot={sub.slot_id(due)}"
    assert sum(slot in p.text() for p in servers) == 1
    messages = fake_slack.messages("CDUE")
    assert len(messages) == 1 and "digest" in messages[0]["text"].lower()
    assert len(fake_slack.calls("chat.postMessage")) == 1
