"""Two workspaces on one Redis never see each other, checked through Slack
(issue 7, item 6). Each workspace runs its own single-workspace deployment
(its own bot token) with its own workers, as a newsroom group would.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest

from bot.deps import Deps
from bot.runtime import BotServer
from tests.fakeslack import (
    FakeSlack,
    app_home_opened_event,
    event_body,
    message_event,
)
from tests.support.app import SlackPoster, command_answer, start_bot
from tests.support.pages import ArticleServer
from tests.support.seeds import SYRIA_NAMES, serve_seed
from tests.support.waiting import wait_until

TOKEN_ONE, TOKEN_TWO = "xoxb-test-token", "xoxb-team-two"

Apps = dict[str, tuple[BotServer, SlackPoster]]


@pytest.fixture
def two_apps(make_deps: Callable[..., Deps], fake_slack: FakeSlack) -> Iterator[Apps]:
    fake_slack.add_team(TOKEN_TWO, team_id="T2")
    apps: Apps = {}
    for team, token in (("T1", TOKEN_ONE), ("T2", TOKEN_TWO)):
        bot = start_bot(make_deps(slack_bot_token=token))
        apps[team] = (bot, SlackPoster.to(bot))
    yield apps
    for bot, poster in apps.values():
        poster.client.close()
        bot.stop()


def command(apps: Apps, fake: FakeSlack, team: str, text: str) -> str:
    return json.dumps(command_answer(apps[team][1], fake, text, team=team))


def test_the_same_link_in_two_workspaces_gets_two_private_summaries(
    two_apps: Apps, fake_slack: FakeSlack, article_site: ArticleServer
) -> None:
    url = serve_seed(article_site, SYRIA_NAMES[0])
    for team, ts in (("T1", "1700005000.000100"), ("T2", "1700005001.000100")):
        event = message_event(f"<{url}>", team=team, channel=f"C{team}", ts=ts)
        assert two_apps[team][1].post(event_body(event)).status_code == 200
        fake_slack.wait_for("chat.postMessage", count=int(team[1]), timeout=60)
    assert "now follow" in command(two_apps, fake_slack, "T1", "follow syria")
    assert "is defined" in command(two_apps, fake_slack, "T1", "topic add t1secret kobani")
    wait_until("both queues to settle", lambda: two_apps["T1"][0].deps.queue.depth() == 0)

    replies = {c.params["channel"]: c for c in fake_slack.calls("chat.postMessage")}
    assert sorted(replies) == ["CT1", "CT2"]
    # each workspace got a full summary, not a pointer into the other's channel;
    # which deployment's worker posted it is left to the test below
    for call in replies.values():
        assert "Already summarised" not in str(call.params["blocks"])
    assert article_site.route(f"/{SYRIA_NAMES[0]}").hits == 2

    # T2 sees its own article, and none of T1's topics, follows or definitions
    t2_topics = command(two_apps, fake_slack, "T2", "topics")
    assert "t1secret" not in t2_topics
    assert "is not a topic here yet" in command(two_apps, fake_slack, "T2", "t1secret")
    two_apps["T2"][1].post(event_body(app_home_opened_event(user="U1", team="T2")))
    view = fake_slack.wait_for("views.publish", timeout=10)[0]
    assert view.token == TOKEN_TWO
    assert "follow any topic" in str(view.params["view"])  # U1 follows syria only in T1
    deps = two_apps["T1"][0].deps
    assert deps.store.article_count("T1") == 1 and deps.store.article_count("T2") == 1


def test_a_workspace_job_is_answered_with_its_own_token_when_its_workers_are_busy(
    two_apps: Apps, fake_slack: FakeSlack, article_site: ArticleServer
) -> None:
    """Both deployments read the same Redis: while T2's only worker is on a slow
    page, T1's idle worker must not answer T2's next link with T1's token."""
    slow = article_site.html("/slow", "<html><body>late</body></html>", delay=2.0)
    url = serve_seed(article_site, SYRIA_NAMES[1])
    poster = two_apps["T2"][1]
    busy = message_event(f"<{slow}>", team="T2", channel="CT2", ts="1700005100.000100")
    assert poster.post(event_body(busy)).status_code == 200
    wait_until("T2's worker to be on the slow page", lambda: article_site.route("/slow").hits == 1)
    event = message_event(f"<{url}>", team="T2", channel="CT2", ts="1700005101.000100")
    assert poster.post(event_body(event)).status_code == 200
    fake_slack.wait_for("chat.postMessage", count=2, timeout=60)
    assert {c.token for c in fake_slack.calls("chat.postMessage")} == {TOKEN_TWO}
