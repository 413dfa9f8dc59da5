"""Redis outages under the running app (issue 7, item 4), through the Slack interface.

Each test runs briefbot against a redis-server of its own (AOF on) that it
stops, kills or starts, and checks what Slack sees: commands answered with
"temporarily unavailable", events refused with a 500 so that Slack sends them
again, and, once Redis is back, exactly one reply per link, no job left
pending or dead, no article stored twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.deps import Deps, build_deps
from bot.runtime import BotServer
from bot.store.keys import QueueKeys
from tests.fakeslack import FakeSlack, command_body, event_body, message_event, slash_command
from tests.support.app import SlackPoster, start_bot
from tests.support.pages import ArticleServer
from tests.support.redis_proc import RedisProc
from tests.support.seeds import SYRIA_NAMES, seed_files, seed_path, serve_seed
from tests.support.waiting import wait_until

RETRY = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"}
UNAVAILABLE = "temporarily unavailable"

Running = tuple[BotServer, SlackPoster]


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisProc]:
    proc = RedisProc(tmp_path)
    yield proc
    proc.stop()


@pytest.fixture
def start_app(
    settings: Settings, analyzer: Any, own_redis: RedisProc
) -> Iterator[Callable[..., Running]]:
    """Start ``serve`` (HTTP, workers in threads) on ``own_redis``, as the CLI does."""
    started: list[tuple[BotServer, SlackPoster, Deps]] = []

    def start(**overrides: Any) -> Running:
        deps = build_deps(
            replace(settings, redis_url=own_redis.url, **overrides), wait_for_store=True
        )
        deps._analyzer = analyzer
        bot = start_bot(deps)
        poster = SlackPoster.to(bot)
        started.append((bot, poster, deps))
        return bot, poster

    yield start
    for bot, poster, deps in started:
        poster.client.close()  # an open keep-alive connection would hold up the drain
        bot.stop()
        deps.close()


def brief_text(poster: SlackPoster, text: str = "syria") -> str:
    response = poster.post(command_body(slash_command(text)))
    assert response.status_code == 200, response.text
    return response.text


def healthz(poster: SlackPoster) -> int:
    return poster.client.get("/healthz").status_code


def settled(deps: Deps) -> tuple[int, int, int]:
    """(jobs waiting or in hand, jobs pending, dead letters)."""
    return deps.queue.depth(), deps.queue.pending(), deps.queue.dead_count()


def test_serve_starts_while_redis_is_down_then_recovers(
    start_app: Callable[..., Running],
    own_redis: RedisProc,
    fake_slack: FakeSlack,
    article_site: ArticleServer,
) -> None:
    bot, poster = start_app()  # nothing listens on the Redis port yet
    assert healthz(poster) == 503
    assert UNAVAILABLE in brief_text(poster)
    assert UNAVAILABLE in brief_text(poster, "follow syria")
    url = serve_seed(article_site, SYRIA_NAMES[0])
    event = event_body(message_event(f"<{url}>", event_id="EvDown1", ts="1700000300.000100"))
    # not acknowledged: Slack keeps the event and sends it again later
    assert poster.post(event).status_code == 500

    own_redis.start()
    wait_until("/healthz to turn 200", lambda: healthz(poster) == 200)
    assert poster.post(event, headers=RETRY).status_code == 200
    reply = fake_slack.wait_for("chat.postMessage", timeout=60)[0]
    assert reply.params["thread_ts"] == "1700000300.000100"
    assert UNAVAILABLE not in brief_text(poster)
    wait_until("the queue to settle", lambda: settled(bot.deps) == (0, 0, 0))
    assert len(fake_slack.calls("chat.postMessage")) == 1
    assert bot.deps.store.article_count("T1") == 1
    assert article_site.route(f"/{SYRIA_NAMES[0]}").hits == 1


def test_redis_killed_mid_work_loses_and_duplicates_nothing(
    start_app: Callable[..., Running],
    own_redis: RedisProc,
    fake_slack: FakeSlack,
    article_site: ArticleServer,
) -> None:
    own_redis.start()
    bot, poster = start_app()
    first = serve_seed(article_site, SYRIA_NAMES[0])
    slow = article_site.html("/slow.html", seed_path(SYRIA_NAMES[1]).read_text(), delay=1.5)
    third = serve_seed(article_site, SYRIA_NAMES[2])
    assert (
        poster.post(event_body(message_event(f"<{first}>", ts="1700000400.000100"))).status_code
        == 200
    )
    fake_slack.wait_for("chat.postMessage", timeout=60)

    # the worker is fetching the slow page when Redis dies under it
    assert (
        poster.post(event_body(message_event(f"<{slow}>", ts="1700000401.000100"))).status_code
        == 200
    )
    wait_until(
        "the worker to fetch the slow page", lambda: article_site.route("/slow.html").hits == 1
    )
    own_redis.kill()
    assert UNAVAILABLE in brief_text(poster)
    assert healthz(poster) == 503
    late = event_body(message_event(f"<{third}>", event_id="EvMid1", ts="1700000402.000100"))
    assert poster.post(late).status_code == 500

    own_redis.start()
    wait_until("/healthz to turn 200", lambda: healthz(poster) == 200)
    assert poster.post(late, headers=RETRY).status_code == 200
    fake_slack.wait_for("chat.postMessage", count=3, timeout=90)
    wait_until("the queue to settle", lambda: settled(bot.deps) == (0, 0, 0))
    threads = sorted(c.params["thread_ts"] for c in fake_slack.calls("chat.postMessage"))
    assert threads == ["1700000400.000100", "1700000401.000100", "1700000402.000100"]
    assert bot.deps.store.article_count("T1") == 3
    replies = [str(c.params.get("blocks")) for c in fake_slack.calls("chat.postMessage")]
    assert not any("already" in r.lower() for r in replies), replies


def test_a_failed_enqueue_is_refused_so_the_retry_is_not_dropped(
    start_app: Callable[..., Running],
    own_redis: RedisProc,
    fake_slack: FakeSlack,
    article_site: ArticleServer,
) -> None:
    """The once-only marker is set before the listener runs; if queueing then
    fails, Slack must get an error (and so retry) and the retry must not be
    dropped as a repeat."""
    own_redis.start()
    bot, poster = start_app()
    client = own_redis.client()
    stream = QueueKeys(bot.deps.queue_scope).ingest  # the deployment's own workspace stream
    client.delete(stream)
    client.set(stream, "not a stream")  # every XADD now fails
    url = serve_seed(article_site, SYRIA_NAMES[3])
    event = event_body(message_event(f"<{url}>", event_id="EvEnq1", ts="1700000500.000100"))
    assert poster.post(event).status_code == 500
    client.delete(stream)
    assert poster.post(event, headers=RETRY).status_code == 200
    reply = fake_slack.wait_for("chat.postMessage", timeout=60)[0]
    assert reply.params["thread_ts"] == "1700000500.000100"
    # a second retry after success is a repeat again
    assert poster.post(event, headers={**RETRY, "X-Slack-Retry-Num": "2"}).status_code == 200
    wait_until("the queue to settle", lambda: settled(bot.deps) == (0, 0, 0))
    assert len(fake_slack.calls("chat.postMessage")) == 1
    client.close()


def test_redis_restarted_with_aof_under_a_backlog_loses_and_repeats_nothing(
    start_app: Callable[..., Running],
    own_redis: RedisProc,
    fake_slack: FakeSlack,
    article_site: ArticleServer,
) -> None:
    """Six links queued, one of them in a worker's hands, when Redis restarts
    (SIGTERM, AOF fsynced on every write). Afterwards: six replies, one per
    thread, six articles; Slack's retries of the same six messages (new event
    ids) queue nothing, because the dedup markers came back with the AOF."""
    own_redis.start()
    bot, poster = start_app()
    names = [seed_files()[i].name for i in (0, 4, 8, 10, 19, 20)]
    urls = [serve_seed(article_site, name) for name in names]
    article_site.html(f"/{names[0]}", seed_path(names[0]).read_text(), delay=1.0)
    events = [message_event(f"<{url}>", ts=f"1700000600.{n:06d}") for n, url in enumerate(urls)]
    for event in events:
        assert poster.post(event_body(event)).status_code == 200
    wait_until(
        "a worker to be on the first link", lambda: article_site.route(f"/{names[0]}").hits == 1
    )
    own_redis.stop()
    own_redis.start()

    fake_slack.wait_for("chat.postMessage", count=6, timeout=120)
    wait_until("the queue to settle", lambda: settled(bot.deps) == (0, 0, 0), limit=60)
    for n, event in enumerate(events):
        event["event_id"] = f"EvAgain{n}"
        assert poster.post(event_body(event), headers=RETRY).status_code == 200
    assert bot.deps.queue.depth() == 0
    threads = sorted(c.params["thread_ts"] for c in fake_slack.calls("chat.postMessage"))
    assert threads == sorted(e["event"]["ts"] for e in events)
    assert bot.deps.store.article_count("T1") == 6
    assert all(article_site.route(f"/{name}").hits <= 2 for name in names)
