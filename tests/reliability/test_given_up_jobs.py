"""A link job that kills its worker again and again ends whole or cleanly undone.

Each "kill" runs the real job handler (fetch, analyse, store, file, reply)
against the local article site and the fake Slack, until the step where the
worker process died: the job stays claimed by a consumer that never reports
back, as after a SIGKILL, and the queue hands it to the next worker after
``job_claim_idle``. After ``job_max_attempts`` such deliveries a worker gives
the job up. Before this fix a job killed while filing was dead-lettered with
its article stored but in none of its topics: counted nowhere, yet refused as
"already summarised" when posted again.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.deps import Deps
from bot.ingest.urls import canonical_url
from bot.jobs.queue import JobQueue
from bot.jobs.worker import LOST_REASON, Worker
from bot.slack import jobs as slack_jobs
from bot.store.keys import TeamKeys
from bot.topics.state import TopicState
from tests.fakeslack import FakeSlack
from tests.support.pages import ArticleServer
from tests.support.queues import enqueue_link, slack_job_handler
from tests.support.seeds import SYRIA_NAMES, serve_seed
from tests.support.waiting import wait_until

TS = "1700009000.000100"


class Killed(BaseException):
    """The worker process dying mid-job: nothing in it settles the job."""


def _kill(*args: object, **kwargs: object) -> None:
    raise Killed


def _killed_deliveries(
    deps: Deps, monkeypatch: pytest.MonkeyPatch, where: tuple[object, str], times: int
) -> None:
    """``times`` workers each take the job and die at ``where`` (an attribute to patch)."""
    handler = slack_job_handler(deps)
    with monkeypatch.context() as patched:
        patched.setattr(*where, _kill)
        for n in range(times):
            doomed = deps.queue_for(f"doomed-{n}")
            job = wait_until(f"delivery {n + 1}", lambda q=doomed: q.claim(block_ms=100))
            assert job.attempts == n + 1
            with pytest.raises(Killed):
                handler(job)


def _give_up(deps: Deps) -> tuple[JobQueue, Callable[[], bool]]:
    handler = slack_job_handler(deps)
    queue = deps.queue_for("survivor")
    worker = Worker(
        queue, handler, handler.on_dead, name="survivor", block_ms=100, abandon=handler.abandon
    )
    return queue, lambda: worker.run_one() and queue.dead_count() == 1


def test_a_job_killed_while_filing_again_and_again_leaves_no_half_stored_article(
    deps: Deps, fake_slack: FakeSlack, article_site: ArticleServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = serve_seed(article_site, SYRIA_NAMES[0])
    enqueue_link(deps, url, TS)
    attempts = deps.settings.job_max_attempts
    # the article is stored on the first delivery; joining it to its topic kills every one
    _killed_deliveries(deps, monkeypatch, (TopicState, "add_article"), attempts)
    stored = deps.store.find_duplicate("T1", canonical_url(url), "")
    assert stored is not None and not deps.topic_state.contains("T1", "syria", stored)

    queue, gave_up = _give_up(deps)
    wait_until("the job to be given up", gave_up)
    # removed whole: record, indexes and the unfiled mark; in no topic
    assert deps.store.get_article("T1", stored) is None
    assert deps.store.find_duplicate("T1", canonical_url(url), "") is None
    assert deps.store.article_count("T1") == 0
    assert deps.store.articles_for_terms("T1", ["syria", "qamishli"], 10) == []
    assert deps.redis.hlen(TeamKeys("T1").unfiled) == 0
    # its poster is told once, in the thread
    [notice] = fake_slack.wait_for("chat.postMessage")
    assert notice.params["thread_ts"] == TS and "interrupted" in str(notice.params)
    assert LOST_REASON in str(notice.params)
    # posted again, the link is ingested afresh and filed (not "already summarised")
    enqueue_link(deps, url, "1700009001.000100")
    handler = slack_job_handler(deps)
    job = wait_until("the new job", lambda: queue.claim(block_ms=100))
    handler(job)
    again = deps.store.find_duplicate("T1", canonical_url(url), "")
    assert again is not None and deps.topic_state.contains("T1", "syria", again)


def test_a_job_killed_after_filing_keeps_its_whole_article(
    deps: Deps, fake_slack: FakeSlack, article_site: ArticleServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = serve_seed(article_site, SYRIA_NAMES[1])
    enqueue_link(deps, url, TS)
    # stored and filed every time; the reply to Slack is where the worker dies
    attempts = deps.settings.job_max_attempts
    _killed_deliveries(deps, monkeypatch, (slack_jobs._Answer, "post"), attempts)
    _, gave_up = _give_up(deps)
    wait_until("the job to be given up", gave_up)
    stored = deps.store.find_duplicate("T1", canonical_url(url), "")
    assert stored is not None and deps.topic_state.contains("T1", "syria", stored)
    assert deps.store.article_count("T1") == 1
