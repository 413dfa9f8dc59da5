"""Commands that may take long are acknowledged at once and answered through
their ``response_url`` (the real app over HTTP, the fake Slack's response sink).

Defining a topic files its existing articles: here the topic's lock is held
by the test, so the filing cannot finish until the test lets go. The ack must
arrive while it is held (before, the command waited inside Slack's 3 s window,
and Slack shows the user an error), and the real answer after.
"""

from __future__ import annotations

import pytest

from bot.deps import Deps
from bot.store.fence import Fence
from bot.store.keys import TopicKeys
from bot.topics import state as topic_state
from handlers.commands import BUSY, WORKING
from tests.fakeslack import FakeSlack, command_body, slash_command
from tests.support.app import SlackPoster, counter
from tests.support.articles import story_article
from tests.support.waiting import wait_until


def _store_quakes(deps: Deps, count: int) -> list[str]:
    ids = []
    for n in range(1, count + 1):
        article = story_article("quake", n)
        deps.store.save_article("T1", article)
        deps.store.index_terms("T1", article.id, ["earthquake"], float(n))
        ids.append(article.id)
    return ids


def _send(poster: SlackPoster, fake: FakeSlack, text: str, sink: str) -> dict:
    payload = slash_command(text, response_url=fake.response_url(sink))
    response = poster.post(command_body(payload))
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_defining_a_topic_is_acknowledged_before_its_articles_are_filed(
    deps: Deps, slack_post: SlackPoster, fake_slack: FakeSlack
) -> None:
    ids = _store_quakes(deps, 3)
    fence = Fence(deps.redis)
    lock = TopicKeys("T1", "quakes").lock
    token = fence.acquire(lock, 120_000, 0)  # filing the topic's articles must wait for it
    assert token is not None
    try:
        ack = _send(slack_post, fake_slack, "topic add quakes earthquake", "t1")
        assert ack == {"response_type": "ephemeral", "text": WORKING}
        # the work cannot have finished: it is waiting for the lock the test holds
        assert fake_slack.responses("t1") == []
        assert not any(deps.topic_state.contains("T1", "quakes", i) for i in ids)
    finally:
        fence.release(lock, token)
    [answer] = fake_slack.wait_for_response("t1", timeout=60)
    assert answer.body["response_type"] == "ephemeral"
    assert "Topic *quakes* is defined" in str(answer.body["blocks"])
    assert all(deps.topic_state.contains("T1", "quakes", i) for i in ids)
    wait_until(
        "the command to be counted",
        lambda: counter(deps, "briefbot_commands_total", kind="topic_add", outcome="ok") == 1,
    )


def test_a_failure_after_the_ack_is_answered_through_the_response_url(
    deps: Deps,
    slack_post: SlackPoster,
    fake_slack: FakeSlack,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _store_quakes(deps, 1)
    monkeypatch.setattr(topic_state, "LOCK_MS", 200)  # waiters give up after two lock lives
    fence = Fence(deps.redis)
    lock = TopicKeys("T1", "quakes").lock
    token = fence.acquire(lock, 120_000, 0)
    assert token is not None
    try:
        ack = _send(slack_post, fake_slack, "topic add quakes earthquake", "f1")
        assert ack["text"] == WORKING
        [answer] = fake_slack.wait_for_response("f1", timeout=60)
    finally:
        fence.release(lock, token)
    assert BUSY in str(answer.body["blocks"])


def test_a_search_of_a_word_that_is_no_topic_follows_the_ack(
    deps: Deps, slack_post: SlackPoster, fake_slack: FakeSlack
) -> None:
    _store_quakes(deps, 2)
    ack = _send(slack_post, fake_slack, "earthquake", "s1")
    assert ack["text"] == WORKING
    [answer] = fake_slack.wait_for_response("s1", timeout=60)
    assert "Earthquake shakes Aleppo" in str(answer.body["blocks"])
    assert "earthquake" not in [t.name for t in deps.store.topics("T1")]  # a search makes none
    # a known topic is still answered in the ack, with nothing posted afterwards
    deps.store.follow("T1", "U1", "syria")
    quick = _send(slack_post, fake_slack, "syria", "s2")
    assert quick["text"] != WORKING and quick["blocks"]
    assert fake_slack.responses("s2") == []


def test_a_response_url_that_is_not_slacks_is_never_posted_to(
    deps: Deps, slack_post: SlackPoster, fake_slack: FakeSlack
) -> None:
    _store_quakes(deps, 1)
    with FakeSlack() as elsewhere:  # a server on another loopback port: not Slack's host
        payload = slash_command("earthquake", response_url=elsewhere.response_url("x"))
        response = slack_post.post(command_body(payload))
        assert response.json()["text"] == WORKING
        refused = {"method": "response_url", "error": "untrusted_url"}
        wait_until(
            "the follow-up to be refused",
            lambda: counter(deps, "briefbot_slack_api_errors_total", **refused) == 1,
        )
        assert elsewhere.responses("x", include_rejected=True) == []
