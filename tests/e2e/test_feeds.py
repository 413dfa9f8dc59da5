"""Feed subscriptions through the real app: ``/brief feed add`` over signed HTTP,
the poller on ``serve``'s scheduler, items on the ingest queue, workers filing
them silently, against the fake Slack and feeds served on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from bot.deps import Deps
from bot.feeds import poller as feed_poller
from bot.runtime import BotServer
from tests.fakeslack import FakeSlack
from tests.support.app import SlackPoster, command_answer, start_bot
from tests.support.pages import ArticleServer
from tests.support.seeds import SYRIA_NAMES, serve_seed
from tests.support.waiting import wait_until


@pytest.fixture
def quick_server(deps: Deps, monkeypatch: pytest.MonkeyPatch) -> Iterator[BotServer]:
    """``serve`` with the feed poller ticking twice a second instead of every 30 s."""
    monkeypatch.setattr(feed_poller, "TICK_SECONDS", 0.5)
    bot = start_bot(deps)
    yield bot
    bot.stop()


def command(poster: SlackPoster, fake: FakeSlack, text: str) -> str:
    return json.dumps(command_answer(poster, fake, text, channel="C1"))


def test_subscribe_ingest_once_silently_and_list(
    deps: Deps, quick_server: BotServer, fake_slack: FakeSlack, article_site: ArticleServer
) -> None:
    links = [serve_seed(article_site, name) for name in SYRIA_NAMES[:2]]
    items = "".join(
        f"<item><guid>{i}</guid><link>{url}</link></item>" for i, url in enumerate(links)
    )
    feed_url = article_site.add(
        "/rss",
        f'<rss version="2.0"><channel>{items}</channel></rss>'.encode(),
        content_type="application/rss+xml",
        headers={"ETag": '"e1"'},
    )
    poster = SlackPoster.to(quick_server)
    try:
        answer = command(poster, fake_slack, f"feed add <{feed_url}> to desk")
        assert "Feed 1 added" in answer and "*desk*" in answer
        wait_until("both feed items to be ingested", lambda: deps.store.article_count("T1") == 2)
        # stored first, then filed: wait for the filing, which comes after
        wait_until(
            "both items filed into desk",
            lambda: deps.topic_state.snapshot("T1", "desk").article_count == 2,
        )
        wait_until(
            "the feed's item count",
            lambda: (f := deps.feeds.get("T1", "1")) is not None and f.items == 2,
        )
        listing = command(poster, fake_slack, "feed list")
    finally:
        poster.client.close()
    assert "2 items" in listing and "last success 20" in listing
    # filed into the feed's topic, whatever else they matched; no thread replies
    ids = [
        a.id
        for a in deps.store.get_articles("T1", deps.store.articles_for_terms("T1", ["syria"], 10))
    ]
    assert ids and all(deps.topic_state.contains("T1", "desk", i) for i in ids)
    assert fake_slack.calls("chat.postMessage") == []
    assert all(article_site.route(f"/{name}").hits == 1 for name in SYRIA_NAMES[:2])
    assert article_site.route("/rss").hits == 1  # next poll only after the interval
