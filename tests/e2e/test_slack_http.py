"""The real app over HTTP: signed requests to waitress, bolt, our handlers and
workers, against the fake Slack and a local article server."""

from __future__ import annotations

import json
import re
import time
from dataclasses import replace
from pathlib import Path

import pytest

from bot import service
from bot.deps import Deps
from bot.ingest.fetch import Fetcher
from bot.jobs import pipeline
from bot.runtime import BotServer
from handlers.commands import FAILED
from tests.fakeslack import (
    FakeSlack,
    app_home_opened_event,
    block_action,
    command_body,
    event_body,
    interactive_body,
    link_shared_event,
    message_event,
    slash_command,
)
from tests.support.app import SlackPoster, command_answer, counter, wait_idle
from tests.support.invented import GRAIN_PAGE
from tests.support.pages import ArticleServer
from tests.support.seeds import SYRIA_NAMES, seed_files, seed_path, serve_seed

SYRIA = [p for p in seed_files() if "qamishli" in p.name or "sharaa" in p.name][:4]


def ingest_seeds(deps: Deps, team: str = "T1") -> None:
    for path in SYRIA:
        assert pipeline.ingest_path(deps, team, path).status == "ingested"


def command(slack_post: SlackPoster, fake: FakeSlack, text: str, **kw: str) -> dict:
    return command_answer(slack_post, fake, text, **kw)


def block_text(blocks: list[dict]) -> str:
    return str(blocks)


def block_texts(blocks: list[dict] | str) -> list[str]:
    """Every mrkdwn text of a message's blocks (sections, their fields, context lines)."""
    found: list[str] = []
    for block in json.loads(blocks) if isinstance(blocks, str) else blocks:
        parts = [block.get("text"), *block.get("fields", []), *block.get("elements", [])]
        found += [p["text"] for p in parts if isinstance(p, dict) and "text" in p]
    return found


def test_brief_answers_in_the_ack_with_valid_blocks(
    deps: Deps, slack_post: SlackPoster, fake_slack: FakeSlack
) -> None:
    ingest_seeds(deps)
    answer = command(slack_post, fake_slack, "syria")
    # the whole answer is the ack's own body: nothing posted or queued to finish later.
    # How quick the ack is, is measured by bench/brief_latency.py (docs/benchmarks.md).
    assert fake_slack.calls("chat.postMessage") == [] and deps.queue_to("T1").depth() == 0
    assert answer["response_type"] == "ephemeral"
    blocks = answer["blocks"]
    assert 0 < len(blocks) <= 50
    text = block_text(blocks)
    assert "Qamishli" in text
    assert sum(len(str(b)) for b in blocks) < 12_000
    actions = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert {"brief_post", "brief_follow"} <= set(actions)


def test_help_unknown_and_empty_topics_get_helpful_answers(
    slack_post: SlackPoster, fake_slack: FakeSlack
) -> None:
    assert "/brief" in block_text(command(slack_post, fake_slack, "")["blocks"])
    unknown = block_text(command(slack_post, fake_slack, "zzqx-unknown-topic")["blocks"])
    assert "zzqx" in unknown and "Traceback" not in unknown
    long = block_text(command(slack_post, fake_slack, "x" * 600)["blocks"])
    assert "too long" in long


def test_topics_follow_unfollow_and_topic_add(
    deps: Deps, slack_post: SlackPoster, fake_slack: FakeSlack
) -> None:
    ingest_seeds(deps)
    listing = block_text(command(slack_post, fake_slack, "topics")["blocks"])
    assert "syria" in listing
    assert "now follow" in block_text(command(slack_post, fake_slack, "follow syria")["blocks"])
    assert deps.store.followed("T1", "U1") == ["syria"]
    assert "no longer" in block_text(command(slack_post, fake_slack, "unfollow syria")["blocks"])
    added = block_text(
        command(slack_post, fake_slack, 'topic add bases "naval base", hmeimim')["blocks"]
    )
    assert "bases" in added
    assert "bases" in [t.name for t in deps.store.topics("T1")]


def test_forged_and_stale_requests_get_401(slack_post: SlackPoster) -> None:
    body = command_body(slash_command("syria"))
    assert slack_post.post(body, secret="not-the-secret").status_code == 401
    stale = int(time.time()) - 600
    assert slack_post.post(body, timestamp=stale).status_code == 401


def test_a_posted_link_gets_one_threaded_reply_and_a_retry_none(
    deps: Deps, slack_post: SlackPoster, fake_slack: FakeSlack, article_site: ArticleServer
) -> None:
    url = serve_seed(article_site, SYRIA[0].name)
    event = message_event(f"read this <{url}|story>", ts="1700000000.000100", event_id="EvLink1")
    assert slack_post.post(event_body(event)).status_code == 200
    replies = fake_slack.wait_for("chat.postMessage", timeout=30)
    assert replies[0].params["thread_ts"] == "1700000000.000100"
    retried = slack_post.post(
        event_body(event), headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "timeout"}
    )
    assert retried.status_code == 200
    # dropped as a repeat by its event id, before the ack: not left to the queue's dedupe
    assert counter(deps, "briefbot_events_total", type="event:message", outcome="repeat") == 1
    assert counter(deps, "briefbot_events_total", type="message", outcome="queued") == 1
    wait_idle(deps)
    assert len(fake_slack.calls("chat.postMessage")) == 1
    assert article_site.route(f"/{SYRIA[0].name}").hits == 1


def test_a_link_posted_again_points_to_the_earlier_summary(
    deps: Deps, slack_post: SlackPoster, fake_slack: FakeSlack, article_site: ArticleServer
) -> None:
    url = serve_seed(article_site, SYRIA[1].name)
    slack_post.post(event_body(message_event(f"<{url}>", ts="1700000001.000100")))
    fake_slack.wait_for("chat.postMessage", timeout=30)
    slack_post.post(event_body(message_event(f"again <{url}>", ts="1700000002.000100")))
    second = fake_slack.wait_for("chat.postMessage", count=2, timeout=30)[1]
    assert second.params["thread_ts"] == "1700000002.000100"
    assert "fake.slack/archives" in str(second.params["blocks"])
    assert article_site.route(f"/{SYRIA[1].name}").hits == 1


def test_reposts_with_tracking_www_or_a_slash_are_the_same_article(
    deps: Deps, slack_post: SlackPoster, fake_slack: FakeSlack, article_site: ArticleServer
) -> None:
    """The same story posted four ways: fetched once, then three pointer replies.

    A name (news.test, every name resolving to the local site) lets ``www.``
    differ; the repost lookup must use the canonical URL, not the raw one."""
    port = article_site.port
    allow = (f"news.test:{port}", f"www.news.test:{port}")
    deps._fetcher = Fetcher(
        replace(deps.settings, fetch_allow_hosts=allow), resolver=lambda host, p: ["127.0.0.1"]
    )
    article_site.html("/2024/bridge-vote", seed_path(SYRIA_NAMES[3]).read_text())
    first = f"http://news.test:{port}/2024/bridge-vote?id=7"
    reposts = [
        f"http://www.news.test:{port}/2024/bridge-vote?id=7",
        f"http://news.test:{port}/2024/bridge-vote/?utm_source=twitter&id=7&fbclid=x1",
        f"HTTP://WWW.News.Test:{port}/2024/bridge-vote/?id=7&utm_medium=email#comments",
    ]
    slack_post.post(event_body(message_event(f"<{first}>", ts="1700000010.000100")))
    fake_slack.wait_for("chat.postMessage", timeout=30)
    for n, url in enumerate(reposts, start=2):
        ts = f"17000000{10 + n}.000100"
        slack_post.post(event_body(message_event(f"again <{url}>", ts=ts)))
        reply = fake_slack.wait_for("chat.postMessage", count=n, timeout=30)[-1]
        assert reply.params["thread_ts"] == ts
        assert "fake.slack/archives" in str(reply.params["blocks"]), url
    assert article_site.route("/2024/bridge-vote").hits == 1
    assert [r.path for r in article_site.requests] == ["/2024/bridge-vote?id=7"]


def test_bots_edits_and_deletions_are_ignored(
    deps: Deps, slack_post: SlackPoster, fake_slack: FakeSlack, article_site: ArticleServer
) -> None:
    url = serve_seed(article_site, SYRIA[0].name)
    for event in (
        message_event(f"<{url}>", bot_id="B9", user=None),
        message_event(f"<{url}>", subtype="message_changed"),
        message_event(f"<{url}>", subtype="message_deleted"),
        message_event(f"<{url}>", user="UBOT"),
    ):
        assert slack_post.post(event_body(event)).status_code == 200
    # links are queued before the ack: after four acks, nothing was
    assert deps.queue.depth() == 0 and deps.queue.pending() == 0
    assert fake_slack.calls("chat.postMessage") == []
    assert article_site.route(f"/{SYRIA[0].name}").hits == 0


def test_a_title_with_channel_mention_pings_nobody(
    slack_post: SlackPoster, fake_slack: FakeSlack, article_site: ArticleServer
) -> None:
    html = Path(SYRIA[0]).read_text()
    html = html.replace("<title>", "<title>&lt;!channel&gt; alert: ", 1)
    html = html.replace(
        'property="og:title" content="', 'property="og:title" content="<!channel> ', 1
    )
    url = article_site.html("/ping.html", html)
    slack_post.post(event_body(message_event(f"<{url}>")))
    reply = fake_slack.wait_for("chat.postMessage", timeout=30)[0]
    sent = str(reply.params.get("blocks")) + str(reply.params.get("text"))
    assert "<!channel>" not in sent
    # not dropped either: the reader sees the title's text, escaped as plain characters
    assert "|&lt;!channel&gt; " in str(reply.params.get("blocks"))  # the linked title


def test_a_link_reply_names_the_actor_the_place_and_the_development(
    slack_post: SlackPoster, fake_slack: FakeSlack, article_site: ArticleServer
) -> None:
    url = article_site.html("/grain.html", GRAIN_PAGE.html())
    slack_post.post(event_body(message_event(f"<{url}>", ts="1700000020.000100")))
    reply = fake_slack.wait_for("chat.postMessage", timeout=30)[0]
    texts = block_texts(reply.params["blocks"])
    fields = [t for t in texts if t.startswith(("*Key actors*", "*Places*"))]
    actors = next(t for t in fields if t.startswith("*Key actors*"))
    places = next(t for t in fields if t.startswith("*Places*"))
    assert GRAIN_PAGE.actor in actors
    assert f"{GRAIN_PAGE.place} ({GRAIN_PAGE.country})" in places
    line = rf"storyline in _{GRAIN_PAGE.topic}_: \*(.+?)\*"
    storyline = re.search(line, "\n".join(texts))
    assert storyline is not None, texts
    # the development the reply names is the one the topic's brief shows
    brief = block_text(command(slack_post, fake_slack, GRAIN_PAGE.topic)["blocks"])
    assert storyline.group(1) in brief


def test_a_429_on_reply_is_retried_and_posts_once(
    deps: Deps, slack_post: SlackPoster, fake_slack: FakeSlack, article_site: ArticleServer
) -> None:
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=1)
    url = serve_seed(article_site, SYRIA[2].name)
    slack_post.post(event_body(message_event(f"<{url}>")))
    fake_slack.wait_for("chat.postMessage", timeout=30)
    wait_idle(deps)
    assert len(fake_slack.calls("chat.postMessage")) == 1
    assert len(fake_slack.calls("chat.postMessage", include_failed=True)) == 2


def test_a_refused_link_gets_a_reason(slack_post: SlackPoster, fake_slack: FakeSlack) -> None:
    slack_post.post(event_body(message_event("<http://169.254.169.254/latest/meta-data/>")))
    reply = fake_slack.wait_for("chat.postMessage", timeout=30)[0]
    assert "address not allowed" in str(reply.params.get("blocks")) + str(reply.params.get("text"))


def test_other_teams_are_refused_and_touch_no_data(deps: Deps, slack_post: SlackPoster) -> None:
    ingest_seeds(deps, team="T1")
    response = slack_post.post(command_body(slash_command("syria", team="T2")))
    assert "another workspace" in response.text
    assert "Qamishli" not in response.text
    assert deps.store.team_ids() == ["T1"]


def test_home_tab_lists_followed_topics(
    deps: Deps, slack_post: SlackPoster, fake_slack: FakeSlack
) -> None:
    ingest_seeds(deps)
    deps.store.follow("T1", "U1", "syria")
    slack_post.post(event_body(app_home_opened_event(user="U1")))
    view = fake_slack.wait_for("views.publish", timeout=10)[0].params["view"]
    assert view["type"] == "home" and "syria" in str(view)
    assert len(view["blocks"]) <= 100


def test_post_button_posts_the_brief_to_the_channel(
    deps: Deps, slack_post: SlackPoster, fake_slack: FakeSlack
) -> None:
    ingest_seeds(deps)
    payload = block_action("brief_post", "syria", response_url=fake_slack.response_url("r1"))
    assert slack_post.post(interactive_body(payload)).status_code == 200
    posted = fake_slack.wait_for("chat.postMessage", timeout=10)[0]
    assert posted.params["channel"] == "C1" and "Qamishli" in str(posted.params["blocks"])
    assert fake_slack.wait_for_response("r1")


def test_follow_button_follows_the_topic(
    deps: Deps, slack_post: SlackPoster, fake_slack: FakeSlack
) -> None:
    ingest_seeds(deps)
    payload = block_action("brief_follow", "syria", response_url=fake_slack.response_url("f1"))
    assert slack_post.post(interactive_body(payload)).status_code == 200
    [answer] = fake_slack.wait_for_response("f1")
    assert answer.body == {"text": "You now follow syria.", "replace_original": False}
    assert deps.store.followed("T1", "U1") == ["syria"]


def test_an_unexpected_failure_gets_the_generic_answer_not_the_detail(
    deps: Deps, slack_post: SlackPoster, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("internal detail 7f3a")

    monkeypatch.setattr(service, "brief_for", broken)
    monkeypatch.setattr(service, "follow", broken)
    answer = command(slack_post, fake_slack, "syria")
    assert answer["response_type"] == "ephemeral"
    assert FAILED in block_text(answer["blocks"]) and "7f3a" not in str(answer)
    assert counter(deps, "briefbot_commands_total", kind="failed", outcome="error") == 1
    for action, sink in (("brief_follow", "f2"), ("brief_post", "p2")):
        payload = block_action(action, "syria", response_url=fake_slack.response_url(sink))
        assert slack_post.post(interactive_body(payload)).status_code == 200
        [response] = fake_slack.wait_for_response(sink)
        assert response.body == {"text": FAILED, "replace_original": False}, action
    assert deps.store.followed("T1", "U1") == []


def test_link_shared_is_unfurled(
    slack_post: SlackPoster, fake_slack: FakeSlack, article_site: ArticleServer
) -> None:
    url = serve_seed(article_site, SYRIA[3].name)
    slack_post.post(event_body(link_shared_event([url])))
    unfurl = fake_slack.wait_for("chat.unfurl", timeout=30)[0]
    assert url in unfurl.params["unfurls"]


def test_metrics_after_a_command_and_an_ingest(
    deps: Deps, slack_post: SlackPoster, fake_slack: FakeSlack, article_site: ArticleServer
) -> None:
    command(slack_post, fake_slack, "help")
    url = serve_seed(article_site, SYRIA[0].name)
    slack_post.post(event_body(message_event(f"<{url}>")))
    fake_slack.wait_for("chat.postMessage", timeout=30)
    wait_idle(deps)  # the job's own timings are recorded once it is settled
    text = slack_post.client.get("/metrics").text
    for series in (
        'briefbot_commands_total{kind="help",outcome="ok"}',
        "briefbot_ack_seconds_bucket",
        'briefbot_ingest_jobs_total{outcome="ingested"}',
        'briefbot_ingest_stage_seconds_count{stage="extract"}',
        "briefbot_queue_depth",
        "briefbot_queue_oldest_job_age_seconds",
        'briefbot_events_total{outcome="queued",type="message"}',
    ):
        assert series in text, series


def test_healthz_turns_ready_once_the_model_is_loaded(
    server: BotServer, slack_post: SlackPoster
) -> None:
    response = slack_post.client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"store": True, "nlp_model": True, "maxmemory_policy": "noeviction"}
