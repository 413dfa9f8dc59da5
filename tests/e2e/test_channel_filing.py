"""``/brief channel files <topic>`` through the real app: articles posted in
that channel land in the topic as well as in the topics they match."""

from __future__ import annotations

import json

from bot.deps import Deps
from tests.fakeslack import FakeSlack, event_body, message_event
from tests.support.app import SlackPoster, command_answer
from tests.support.pages import ArticleServer
from tests.support.seeds import SYRIA_NAMES, serve_seed


def command(poster: SlackPoster, fake: FakeSlack, text: str, channel: str) -> str:
    return json.dumps(command_answer(poster, fake, text, channel=channel))


def test_articles_posted_in_a_filing_channel_join_its_topic(
    deps: Deps, slack_post: SlackPoster, fake_slack: FakeSlack, article_site: ArticleServer
) -> None:
    assert "now filed into *desk*" in command(slack_post, fake_slack, "channel files desk", "CDESK")
    assert "into *desk*" in command(slack_post, fake_slack, "channel", "CDESK")
    first, second = (serve_seed(article_site, name) for name in SYRIA_NAMES[:2])
    # posted in the desk channel: filed into desk, and into syria which it matches
    slack_post.post(event_body(message_event(f"<{first}>", channel="CDESK", ts="1700000001.0001")))
    # posted elsewhere first, then in the desk channel: the known article joins desk too
    slack_post.post(
        event_body(message_event(f"<{second}>", channel="COTHER", ts="1700000002.0001"))
    )
    fake_slack.wait_for("chat.postMessage", count=2, timeout=60)
    other = deps.store.find_duplicate("T1", second, "")
    assert other is not None and not deps.topic_state.contains("T1", "desk", other)
    slack_post.post(event_body(message_event(f"<{second}>", channel="CDESK", ts="1700000003.0001")))
    fake_slack.wait_for("chat.postMessage", count=3, timeout=60)
    one = deps.store.find_duplicate("T1", first, "")
    assert one is not None
    for article_id in (one, other):
        assert deps.topic_state.contains("T1", "desk", article_id)
        stored = deps.store.get_article("T1", article_id)
        assert stored is not None and "desk" in stored.topics and "syria" in stored.topics
    assert article_site.route(f"/{SYRIA_NAMES[1]}").hits == 1
