"""Two deliveries of one link job at once post one reply.

A worker that stalls past ``job_claim_idle`` (CPU starvation, a GC pause,
SIGSTOP) loses its job to another worker, then wakes up and carries on: both
run the job. Both pass the "already answered" check at the start, so before
the claim on the reply each posted its own summary (seen in the hostile-links
suite on a loaded machine: the same thread answered twice).
"""

from __future__ import annotations

import threading

import pytest

from bot.deps import Deps
from bot.errors import AnswerInFlight
from bot.jobs.queue import Job
from bot.slack import jobs as slack_jobs
from tests.fakeslack import FakeSlack
from tests.support.pages import ArticleServer
from tests.support.queues import enqueue_link, slack_job_handler
from tests.support.seeds import SYRIA_NAMES, serve_seed
from tests.support.waiting import wait_until

TS = "1700009100.000100"


def _job(deps: Deps, url: str) -> Job:
    enqueue_link(deps, url, TS)
    return wait_until("the job", lambda: deps.queue.claim(block_ms=100))


def test_a_stalled_delivery_and_its_replacement_post_one_reply(
    deps: Deps, fake_slack: FakeSlack, article_site: ArticleServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = _job(deps, serve_seed(article_site, SYRIA_NAMES[0]))
    posting, wake = threading.Event(), threading.Event()
    post = slack_jobs._Answer.post

    def stalled_post(self: slack_jobs._Answer, **kwargs: object) -> dict[str, object]:
        if threading.current_thread().name == "stalled":
            posting.set()
            wake.wait(30)
        return post(self, **kwargs)

    monkeypatch.setattr(slack_jobs._Answer, "post", stalled_post)
    errors: list[BaseException] = []

    def first() -> None:
        try:
            slack_job_handler(deps)(job)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    stalled = threading.Thread(target=first, name="stalled")
    stalled.start()
    assert posting.wait(30), "the first delivery never reached its post"

    # the replacement runs the same job while the first is about to post
    with pytest.raises(AnswerInFlight):
        slack_job_handler(deps)(job)
    assert fake_slack.calls("chat.postMessage") == []

    wake.set()
    stalled.join(30)
    assert not stalled.is_alive() and errors == []
    [reply] = fake_slack.wait_for("chat.postMessage")
    assert reply.params["thread_ts"] == TS

    # the replacement's retry finds the link answered: no second reply, no failure notice
    slack_job_handler(deps)(job)
    slack_job_handler(deps).on_dead(job, "it was interrupted too many times")
    assert len(fake_slack.calls("chat.postMessage")) == 1


def test_a_delivery_that_fails_to_post_leaves_the_reply_to_its_retry(
    deps: Deps, fake_slack: FakeSlack, article_site: ArticleServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = _job(deps, serve_seed(article_site, SYRIA_NAMES[1]))
    post = slack_jobs._Answer.post

    def broken(self: slack_jobs._Answer, **kwargs: object) -> dict[str, object]:
        raise ConnectionError("Slack unreachable")

    with monkeypatch.context() as patched:
        patched.setattr(slack_jobs._Answer, "post", broken)
        with pytest.raises(ConnectionError):
            slack_job_handler(deps)(job)
    # the claim on the reply went with the failed post: the retry answers at once
    assert slack_jobs._Answer.post is post
    slack_job_handler(deps)(job)
    [reply] = fake_slack.wait_for("chat.postMessage")
    assert reply.params["thread_ts"] == TS
