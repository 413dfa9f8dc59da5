"""Hostile and broken links pasted in Slack (issue 7, items 1 and 2).

Every link goes the whole way: a signed ``message`` event to the running app,
the queue, a worker, the safe fetcher (with an injected resolver for the DNS
cases), the extraction process, and a threaded reply in the fake Slack. Each
reply must name the reason in plain words; each message gets exactly one
reply; nothing stays queued, pending or dead; only the genuine articles are
stored; and the worker that met the slow pages still summarises the next link.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator

import pytest

from bot.deps import Deps
from bot.ingest.fetch import Fetcher
from bot.runtime import BotServer
from tests.fakeslack import FakeSlack, event_body, message_event
from tests.reliability.hostile_pages import RESOLVER_ANSWERS, Case, good_cases, serve_all
from tests.support.app import SlackPoster, start_bot
from tests.support.pages import ArticleServer
from tests.support.waiting import wait_until

NOT_LINKS = [
    "<ftp://files.example.org/report.pdf> and <file:///etc/passwd>",
    "<javascript:alert(1)|click> <mailto:desk@example.org> <slack://open>",
    "<@U0123ABC> <!channel> <!here> <#C0123ABC|general> <!subteam^S1|@desk>",
]


def fake_resolver(host: str, port: int) -> list[str]:
    """DNS for the ``.test`` names of the cases; every other name does not exist."""
    if host in RESOLVER_ANSWERS:
        return RESOLVER_ANSWERS[host]
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


@pytest.fixture
def app(make_deps: Callable[..., Deps]) -> Iterator[tuple[BotServer, SlackPoster]]:
    deps = make_deps(fetch_timeout=1.0, worker_concurrency=2)
    deps._fetcher = Fetcher(deps.settings, resolver=fake_resolver)
    bot = start_bot(deps)
    poster = SlackPoster.to(bot)
    yield bot, poster
    poster.client.close()
    bot.stop()


def reply_text(call: object) -> str:
    params = getattr(call, "params", {})
    return str(params.get("blocks")) + " " + str(params.get("text"))


def test_every_hostile_or_broken_link_gets_one_reply_naming_its_reason(
    app: tuple[BotServer, SlackPoster], fake_slack: FakeSlack, article_site: ArticleServer
) -> None:
    bot, poster = app
    cases = serve_all(article_site)
    for n, text in enumerate(NOT_LINKS):
        event = message_event(text, ts=f"1700001000.{n:06d}")
        assert poster.post(event_body(event)).status_code == 200
    threads: dict[str, Case] = {}
    for n, case in enumerate(cases):
        ts = f"1700002000.{n:06d}"
        threads[ts] = case
        response = poster.post(event_body(message_event(f"look <{case.url}|this>", ts=ts)))
        assert response.status_code == 200, case.name

    fake_slack.wait_for("chat.postMessage", count=len(cases), timeout=150)
    wait_until("the queue to settle", lambda: bot.deps.queue.depth() == 0, limit=30)
    replies = fake_slack.calls("chat.postMessage")
    by_thread: dict[str, list[str]] = {}
    for call in replies:
        by_thread.setdefault(str(call.params.get("thread_ts")), []).append(reply_text(call))
    assert sorted(by_thread) == sorted(threads), "a reply went to the wrong thread, or is missing"
    wrong = {
        case.name: by_thread[ts]
        for ts, case in threads.items()
        if len(by_thread[ts]) != 1 or case.expect not in by_thread[ts][0]
    }
    assert not wrong, {name: [t[:400] for t in texts] for name, texts in wrong.items()}
    assert (bot.deps.queue.pending(), bot.deps.queue.dead_count()) == (0, 0)
    assert bot.deps.store.article_count("T1") == len(good_cases(article_site))

    # the caps held: retried only up to the attempt limit, and the streams were cut short
    assert article_site.route("/hang").hits == bot.deps.settings.job_max_attempts
    assert article_site.route("/drip").hits == bot.deps.settings.job_max_attempts
    # a full read is 50 MB; the cap is 5 MB, and loopback socket buffers may hold a
    # few MB more that the server counts as sent (10.2 MB seen under load)
    assert article_site.route("/stream").bytes_sent < 25_000_000
    assert article_site.route("/ten").bytes_sent < 10_000_000
    # nothing was ever requested from the site but the pages and redirects registered on it
    assert {seen.path for seen in article_site.requests} <= set(article_site.routes)
