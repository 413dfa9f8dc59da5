"""Multi-workspace install end to end: two workspaces install the app through
bolt's OAuth flow ("Add to Slack" against the fake Slack's ``oauth.v2.access``),
each is answered with its own bot token (thread replies from workers, App Home,
digests), and an uninstall removes one: its tokens at once, its data after the
grace period, while the other keeps working."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet

from bot.deps import Deps
from bot.digests.subscriptions import Subscription
from bot.jobs import pipeline
from bot.models import Digest
from bot.runtime import BotServer
from bot.slack.client import SlackClients
from bot.slack.digests import SlackDigestSender
from bot.store import purge
from tests.fakeslack import (
    FakeSlack,
    app_home_opened_event,
    event_body,
    event_callback,
    link_shared_event,
    message_event,
)
from tests.support.app import SlackPoster, start_bot
from tests.support.pages import ArticleServer
from tests.support.seeds import seed_files, serve_seed
from tests.support.waiting import wait_until

CLIENT_ID, CLIENT_SECRET = "111.222", "client-secret-x"
TEAMS = {"TA": "xoxb-team-a-token", "TB": "xoxb-team-b-token"}
SEEDS = [p for p in seed_files() if "qamishli" in p.name or "sharaa" in p.name][:2]


@pytest.fixture
def oauth_deps(make_deps: Callable[..., Deps]) -> Deps:
    return make_deps(
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        token_key=Fernet.generate_key().decode(),
        uninstall_grace=3600.0,
    )


@pytest.fixture
def oauth_server(oauth_deps: Deps, fake_slack: FakeSlack) -> Iterator[BotServer]:
    fake_slack.expect_client(CLIENT_ID, CLIENT_SECRET)
    bot = start_bot(oauth_deps)
    yield bot
    bot.stop()


@pytest.fixture
def poster(oauth_server: BotServer) -> Iterator[SlackPoster]:
    poster = SlackPoster.to(oauth_server)
    yield poster
    poster.client.close()


def install(poster: SlackPoster, fake: FakeSlack, team: str, code: str) -> httpx.Response:
    """A user installs the app to ``team``: the install page, Slack, the redirect."""
    page = poster.client.get("/slack/install")
    assert page.status_code == 200, page.text
    authorize = re.search(r'href="(https://slack.com/oauth/v2/authorize[^"]+)"', page.text)
    assert authorize is not None and f"client_id={CLIENT_ID}" in authorize.group(1)
    state = re.search(r"state=([^&\"]+)", authorize.group(1))
    assert state is not None
    fake.grant_install(code, token=TEAMS[team], team_id=team, bot_user_id=f"UBOT{team}")
    cookie = page.cookies.get("slack-app-oauth-state", "")
    poster.client.cookies.clear()
    return poster.client.get(
        "/slack/oauth_redirect",
        params={"code": code, "state": state.group(1)},
        headers={"Cookie": f"slack-app-oauth-state={cookie}"},
    )


def post_link(poster: SlackPoster, site: ArticleServer, team: str, seed: str, ts: str) -> None:
    url = serve_seed(site, seed, path=f"/{team}/{seed}")
    answer = poster.post(event_body(message_event(f"<{url}>", team=team, ts=ts)))
    assert answer.status_code == 200


def reply_tokens(fake: FakeSlack) -> dict[str, str | None]:
    """thread ts -> the token the reply in that thread was posted with."""
    return {str(c.params.get("thread_ts")): c.token for c in fake.calls("chat.postMessage")}


def test_two_workspaces_each_answered_with_its_own_token_and_one_uninstalls(
    oauth_deps: Deps, poster: SlackPoster, fake_slack: FakeSlack, article_site: ArticleServer
) -> None:
    deps = oauth_deps
    assert deps.installs is not None
    for team, code in (("TA", "code-a"), ("TB", "code-b")):
        done = install(poster, fake_slack, team, code)
        assert done.status_code == 200, done.text
    assert deps.installs.team_ids() == ["TA", "TB"]
    # the token is stored, but never in the clear
    raw = deps.redis.get("bb:{t:TA}:install:bot")
    assert raw is not None and TEAMS["TA"].encode() not in raw
    assert deps.installs.bot_token("TA") == TEAMS["TA"]

    # thread replies from workers: each workspace with its own token
    post_link(poster, article_site, "TA", SEEDS[0].name, "1700000100.000100")
    post_link(poster, article_site, "TB", SEEDS[1].name, "1700000200.000100")
    fake_slack.wait_for("chat.postMessage", count=2, timeout=60)
    tokens = reply_tokens(fake_slack)
    assert tokens["1700000100.000100"] == TEAMS["TA"]
    assert tokens["1700000200.000100"] == TEAMS["TB"]
    assert deps.store.article_count("TA") == 1 and deps.store.article_count("TB") == 1

    # unfurls (link_shared, answered by a worker): each with its own token
    for team, seed in (("TA", SEEDS[0].name), ("TB", SEEDS[1].name)):
        url = serve_seed(article_site, seed, path=f"/{team}/{seed}")
        shared = link_shared_event([url], team=team)
        assert poster.post(event_body(shared)).status_code == 200
    unfurls = fake_slack.wait_for("chat.unfurl", count=2, timeout=60)
    by_url = {next(iter(c.params["unfurls"])): c.token for c in unfurls}
    assert sorted(by_url.items()) == sorted(
        (article_site.url(f"/{team}/{seed.name}"), TEAMS[team])
        for team, seed in zip(TEAMS, SEEDS, strict=True)
    )

    # App Home: bolt's per-request client carries the workspace's token
    for team in TEAMS:
        assert poster.post(event_body(app_home_opened_event(team=team))).status_code == 200
    homes = fake_slack.wait_for("views.publish", count=2, timeout=10)
    assert sorted(c.token or "" for c in homes) == sorted(TEAMS.values())

    # digests from the scheduler's sender: the subscription's workspace's token
    send = SlackDigestSender(
        SlackClients(deps.settings, deps.metrics, deps.bot_token), deps.metrics
    )
    for team in TEAMS:
        assert send(_subscription(team), _digest(team))
    digest_calls = fake_slack.calls("chat.postMessage")[-2:]
    assert [c.token for c in digest_calls] == [TEAMS["TA"], TEAMS["TB"]]

    # workspace A uninstalls: its tokens go at once, its data stays for the grace period
    uninstalled = event_callback({"type": "app_uninstalled", "event_ts": "1"}, team="TA")
    assert poster.post(event_body(uninstalled)).status_code == 200
    wait_until("A's token to go", lambda: deps.installs and deps.installs.bot_token("TA") is None)
    assert deps.installs.team_ids() == ["TB"]
    listed = {w.team: w for w in deps.installs.workspaces()}
    assert listed["TA"].delete_after is not None and not listed["TA"].has_token
    assert listed["TB"].delete_after is None and listed["TB"].bot_user == "UBOTTB"
    assert deps.store.article_count("TA") == 1

    # A is no longer answered; B still is, with its own token
    before = len(fake_slack.calls("chat.postMessage"))
    assert poster.post(event_body(app_home_opened_event(team="TA"))).status_code == 200
    post_link(poster, article_site, "TB", SEEDS[0].name, "1700000300.000100")
    fake_slack.wait_for("chat.postMessage", count=before + 1, timeout=60)
    assert reply_tokens(fake_slack)["1700000300.000100"] == TEAMS["TB"]
    assert TEAMS["TA"] not in [c.token for c in fake_slack.calls()[-3:]]
    assert not send(_subscription("TA"), _digest("TA"))

    # after the grace period, one sweep deletes A's data and leaves B's alone
    later = _now() + deps.settings.uninstall_grace + 1
    assert purge.purge_due(deps.redis, deps.installs, now=later) == ["TA"]
    assert purge.purge_due(deps.redis, deps.installs, now=later) == []
    assert deps.store.article_count("TA") == 0
    assert deps.store.article_count("TB") == 2
    assert "TA" not in deps.store.team_ids()
    assert [w.team for w in deps.installs.workspaces()] == ["TB"]
    assert not list(deps.redis.scan_iter(match="bb:{t:TA}*"))
    assert not list(deps.redis.scan_iter(match="bb:{t:TA:*"))


def test_reinstalling_within_the_grace_period_keeps_the_data(
    oauth_deps: Deps, poster: SlackPoster, fake_slack: FakeSlack
) -> None:
    deps = oauth_deps
    assert deps.installs is not None
    assert install(poster, fake_slack, "TA", "code-1").status_code == 200
    assert pipeline.ingest_path(deps, "TA", SEEDS[0]).status == "ingested"
    revoked = {"type": "tokens_revoked", "tokens": {"bot": ["UBOTTA"]}, "event_ts": "1"}
    assert poster.post(event_body(event_callback(revoked, team="TA"))).status_code == 200
    wait_until("A's token to go", lambda: deps.installs and deps.installs.bot_token("TA") is None)
    assert install(poster, fake_slack, "TA", "code-2").status_code == 200
    assert deps.installs.bot_token("TA") == TEAMS["TA"]
    later = _now() + deps.settings.uninstall_grace + 1
    assert purge.purge_due(deps.redis, deps.installs, now=later) == []
    assert deps.store.article_count("TA") == 1


def test_a_forged_or_replayed_oauth_state_installs_nothing(
    oauth_deps: Deps, poster: SlackPoster, fake_slack: FakeSlack
) -> None:
    assert oauth_deps.installs is not None
    fake_slack.grant_install("code-x", token=TEAMS["TA"], team_id="TA")
    forged = poster.client.get(
        "/slack/oauth_redirect",
        params={"code": "code-x", "state": "made-up"},
        headers={"Cookie": "slack-app-oauth-state=made-up"},
    )
    assert forged.status_code >= 400
    assert oauth_deps.installs.team_ids() == []
    assert not fake_slack.calls("oauth.v2.access")


def _now() -> float:
    return time.time()


def _subscription(team: str) -> Subscription:
    return Subscription(
        id="1",
        team=team,
        channel="C9",
        topics=["syria"],
        hour=7,
        minute=0,
        days="daily",
        timezone="UTC",
    )


def _digest(team: str) -> Any:
    return Digest(team=team, generated_at=datetime(2026, 1, 1, 7, tzinfo=UTC))
