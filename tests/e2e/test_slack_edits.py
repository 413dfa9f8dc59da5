"""``/brief edit …`` through the real app and the fake Slack: corrections, who may
make them (``BRIEFBOT_EDITORS``), and ``/brief WORD`` creating no topic."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from bot.deps import Deps
from bot.jobs import pipeline
from bot.topics.brief import brief_for
from tests.fakeslack import FakeSlack
from tests.support.app import SlackPoster, command_answer, start_bot
from tests.support.seeds import seed_files

SYRIA = [p for p in seed_files() if "qamishli" in p.name or "sharaa" in p.name][:3]


@dataclass
class Slack:
    poster: SlackPoster
    fake: FakeSlack


@contextmanager
def running(deps: Deps, fake: FakeSlack) -> Iterator[Slack]:
    bot = start_bot(deps, workers=False)
    poster = SlackPoster.to(bot)
    try:
        yield Slack(poster, fake)
    finally:
        poster.client.close()
        bot.stop()


def say(slack: Slack, text: str, user: str = "U1") -> str:
    """The answer's blocks: corrections are answered after the ack, through response_url."""
    return str(command_answer(slack.poster, slack.fake, text, user=user)["blocks"])


def ingest(deps: Deps) -> list[str]:
    urls = []
    for path in SYRIA:
        result = pipeline.ingest_path(deps, "T1", path)
        assert result.status == "ingested", result.reason
        assert result.article is not None
        urls.append(result.article.url or "")
    return urls


def count(deps: Deps) -> int:
    return brief_for(deps, "T1", "syria", mark_seen=False).article_count


def test_corrections_in_slack_are_logged_and_undone(deps: Deps, fake_slack: FakeSlack) -> None:
    urls = ingest(deps)
    with running(deps, fake_slack) as slack:
        done = say(slack, f"edit forget <{urls[0]}>")
        assert "Done: #1" in done and "edit undo 1" in done
        assert count(deps) == len(urls) - 1
        dev_ids = [d.id for d in brief_for(deps, "T1", "syria", mark_seen=False).developments]
        if len(dev_ids) > 1:
            assert "Done: #2" in say(slack, f"edit merge {dev_ids[0]} {dev_ids[1]}")
        log = say(slack, "edit log")
        assert "#1" in log and "U1" in log and urls[0] in log
        assert "Done:" in say(slack, "edit undo 1")
        assert count(deps) == len(urls)
        assert "already undone" in say(slack, "edit undo 1")
        assert "corrections:" in say(slack, "edit merge onlyone")


def test_only_editors_may_correct(make_deps: Callable[..., Deps], fake_slack: FakeSlack) -> None:
    fake_slack.state.usergroups["SDESK"] = ["U_DESK"]
    fake_slack.state.channel_members["CNEWS"] = ["U_A", "U_B", "U_NEWS"]  # two pages
    deps = make_deps(editors=("UCHIEF", "SDESK", "CNEWS"))
    urls = ingest(deps)
    with running(deps, fake_slack) as slack:
        refused = say(slack, f"edit forget {urls[0]}", user="U_OUTSIDER")
        assert "only editors" in refused
        assert count(deps) == len(urls) and "No corrections" in say(slack, "edit log", "UCHIEF")
        assert "Done: #1" in say(slack, f"edit forget {urls[0]}", user="U_DESK")
        assert "Done: #2" in say(slack, f"edit forget {urls[1]}", user="U_NEWS")
        assert "Done: #3" in say(slack, "edit undo 2", user="UCHIEF")
    assert count(deps) == len(urls) - 1
    assert fake_slack.state.calls("usergroups.users.list")


def test_a_word_asked_is_a_search_not_a_topic(deps: Deps, fake_slack: FakeSlack) -> None:
    ingest(deps)
    with running(deps, fake_slack) as slack:
        answer = say(slack, "said")
        assert "is not a topic" in answer
        assert "said" not in [t.name for t in deps.store.topics("T1")]
        assert "said" not in say(slack, "topics")
        say(slack, "follow said")
    assert "said" in [t.name for t in deps.store.topics("T1")]


def test_a_digest_on_three_days_is_on_three_days(deps: Deps, fake_slack: FakeSlack) -> None:
    with running(deps, fake_slack) as slack:
        answer = say(slack, "digest syria, ukraine at 19:30 mon wed fri")
        assert "Digest" in answer and "set" in answer, answer
        assert "not a day" in say(slack, "digest syria at 7am someday")
        say(slack, "digest syria at 7am every weekday")
    subs = sorted(deps.subscriptions.for_team("T1"), key=lambda s: s.hour, reverse=True)
    assert [(s.topics, s.hour, s.minute, s.days) for s in subs] == [
        (["syria", "ukraine"], 19, 30, "mon,wed,fri"),
        (["syria"], 7, 0, "weekdays"),
    ]
