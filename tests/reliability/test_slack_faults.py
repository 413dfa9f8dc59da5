"""Slack failing on our replies (issue 7, item 4): 5xx, dropped connections and
an outage longer than the client's own retries. In each case the link gets
exactly one threaded reply, and it is the summary; the article is stored once
and fetched once; the queue ends empty with no dead letters.
"""

from __future__ import annotations

from bot.runtime import BotServer
from tests.fakeslack import FakeSlack, event_body, message_event
from tests.support.app import SlackPoster
from tests.support.pages import ArticleServer
from tests.support.seeds import SYRIA_NAMES, serve_seed
from tests.support.waiting import wait_until


def post_link(slack_post: SlackPoster, url: str, ts: str) -> None:
    assert slack_post.post(event_body(message_event(f"<{url}>", ts=ts))).status_code == 200


def assert_one_summary(
    server: BotServer, fake_slack: FakeSlack, site: ArticleServer, name: str, ts: str
) -> None:
    wait_until("the queue to settle", lambda: server.deps.queue.depth() == 0, limit=60)
    replies = fake_slack.calls("chat.postMessage")
    assert [r.params["thread_ts"] for r in replies] == [ts]
    text = str(replies[0].params["blocks"])
    assert "Already summarised" not in text and "Couldn't summarise" not in text, text[:300]
    assert (server.deps.queue.pending(), server.deps.queue.dead_count()) == (0, 0)
    assert server.deps.store.article_count("T1") == 1
    assert site.route(f"/{name}").hits == 1


def test_a_5xx_and_a_dropped_connection_are_retried_and_post_once(
    server: BotServer, slack_post: SlackPoster, fake_slack: FakeSlack, article_site: ArticleServer
) -> None:
    fake_slack.fail_next("chat.postMessage", status=503)
    fake_slack.drop_next("chat.postMessage")
    url = serve_seed(article_site, SYRIA_NAMES[0])
    post_link(slack_post, url, "1700004000.000100")
    fake_slack.wait_for("chat.postMessage", timeout=60)
    assert_one_summary(server, fake_slack, article_site, SYRIA_NAMES[0], "1700004000.000100")
    assert len(fake_slack.calls("chat.postMessage", include_failed=True)) == 3


def test_slack_down_longer_than_the_client_retries_still_gives_one_summary(
    server: BotServer, slack_post: SlackPoster, fake_slack: FakeSlack, article_site: ArticleServer
) -> None:
    """Every try of the first attempt fails (1 + 3 client retries): the job is
    retried by the queue, finds its article already stored, and must still post
    the summary, not "already summarised" pointing at a reply that never existed."""
    fake_slack.fail_next("chat.postMessage", status=500, times=4)
    url = serve_seed(article_site, SYRIA_NAMES[1])
    post_link(slack_post, url, "1700004100.000100")
    fake_slack.wait_for("chat.postMessage", timeout=90)
    assert_one_summary(server, fake_slack, article_site, SYRIA_NAMES[1], "1700004100.000100")
    assert len(fake_slack.calls("chat.postMessage", include_failed=True)) == 5
