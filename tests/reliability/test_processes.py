"""What the docs promise of the long-running processes, checked on real ones.

``briefbot serve`` and ``briefbot worker`` run as child processes of this
checkout's code (``tests/support/processes.py``) against the test Redis, the
fake Slack and the local article site. SIGTERM is sent while a job is certainly
in hand (its page held unanswered by the site), so the drain is observed, not
hoped for; ``/healthz`` is asked while the model's loading is held, so "503
until the model is loaded" is observed too.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.jobs.queue import JobQueue
from tests.fakeslack import FakeSlack
from tests.support.app import SECRET
from tests.support.pages import ArticleServer
from tests.support.processes import BriefbotProcess, bot_command, briefbot_env, gated, probe
from tests.support.redis_proc import free_port
from tests.support.seeds import SYRIA_NAMES, serve_seed
from tests.support.waiting import wait_until

pytestmark = pytest.mark.timeout(240)

TEAM = "T1"  # the fake Slack's workspace: the processes work its queue stream


@pytest.fixture
def env(
    redis_url: str,
    redis_client: Any,
    fake_slack: FakeSlack,
    article_site: ArticleServer,
    tmp_path: Path,
) -> dict[str, str]:
    return briefbot_env(
        REDIS_URL=redis_url,
        SLACK_BOT_TOKEN="xoxb-test-token",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake_slack.base_url,
        BRIEFBOT_DATA_DIR=str(tmp_path / "data"),
        BRIEFBOT_FETCH_ALLOW_HOSTS=article_site.allow_entry,
        BRIEFBOT_FETCH_TIMEOUT="120",  # the held page must not time out
        BRIEFBOT_WORKER_CONCURRENCY="1",  # one job in hand; the next one waits
    )


@pytest.fixture
def queue(redis_client: Any) -> JobQueue:
    """The producer's side of the workspace's queue, as ``serve`` enqueues."""
    producer = JobQueue(
        redis_client, consumer="test-producer", claim_idle_ms=60_000, max_attempts=3, scope=TEAM
    )
    producer.ensure_group()
    return producer


def enqueue(queue: JobQueue, url: str, ts: str) -> str:
    payload = {"url": url, "channel": "C1", "ts": ts, "thread_ts": ts, "user": "U1"}
    job_id = queue.enqueue("ingest_url", TEAM, payload)
    assert job_id is not None
    return job_id


def deliveries(queue: JobQueue, job_id: str) -> int:
    """How many times Redis counts ``job_id`` as delivered (0: never claimed, or released)."""
    rows = queue.redis.xpending_range(
        queue.keys.ingest, queue.keys.group, min=job_id, max=job_id, count=1
    )
    return int(rows[0]["times_delivered"]) if rows else 0


def stream_ids(queue: JobQueue) -> list[str]:
    return [_text(entry_id) for entry_id, _ in queue.redis.xrange(queue.keys.ingest)]


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def answer(port: int, path: str, status: int | None = None) -> httpx.Response | None:
    """The answer on ``path`` (with ``status``, when given), or None for now."""
    response = probe(port, path)
    if response is None or (status is not None and response.status_code != status):
        return None
    return response


def drain_in_hand(
    process: BriefbotProcess,
    queue: JobQueue,
    site: ArticleServer,
    fake_slack: FakeSlack,
    *,
    replies_before: int,
) -> None:
    """SIGTERM with a job in hand and one waiting: exit 0, the job in hand
    answered and gone from the queue, the waiting one never delivered."""
    held = threading.Event()
    slow = serve_seed(site, SYRIA_NAMES[1], "/slow.html", hold=held)
    later = serve_seed(site, SYRIA_NAMES[2], "/later.html")
    enqueue(queue, slow, "1700000002.000100")
    wait_until("the worker to ask for the slow page", lambda: site.route("/slow.html").hits)
    later_id = enqueue(queue, later, "1700000003.000100")
    process.terminate()
    held.set()  # only now may the job in hand finish
    assert process.wait() == 0, process.text()
    replies = fake_slack.calls("chat.postMessage")
    assert len(replies) == replies_before + 1, process.text()
    assert replies[-1].params["thread_ts"] == "1700000002.000100"
    assert "Couldn" not in str(replies[-1].params["blocks"])  # a summary, not a failure
    assert stream_ids(queue) == [later_id]  # the finished job is acknowledged and deleted
    assert deliveries(queue, later_id) == 0  # nothing new claimed after the signal
    assert site.route("/later.html").hits == 0
    assert queue.pending() == 0


def test_sigterm_drains_a_worker_process_and_it_serves_metrics(
    env: dict[str, str],
    queue: JobQueue,
    fake_slack: FakeSlack,
    article_site: ArticleServer,
    tmp_path: Path,
) -> None:
    port = free_port()
    command = bot_command("worker", "--port", str(port), "--concurrency", "1")
    with BriefbotProcess(command, env, tmp_path / "worker.log") as worker:
        enqueue(queue, serve_seed(article_site, SYRIA_NAMES[0]), "1700000001.000100")
        fake_slack.wait_for("chat.postMessage", timeout=120)
        metrics = wait_until("/metrics", lambda: answer(port, "/metrics", 200), limit=30).text
        assert 'briefbot_ingest_jobs_total{outcome="ingested"} 1.0' in metrics
        assert "briefbot_queue_depth" in metrics
        drain_in_hand(worker, queue, article_site, fake_slack, replies_before=1)


def test_sigterm_drains_a_serve_process(
    env: dict[str, str],
    queue: JobQueue,
    fake_slack: FakeSlack,
    article_site: ArticleServer,
    tmp_path: Path,
) -> None:
    port = free_port()
    with BriefbotProcess(
        bot_command("serve", "--port", str(port)), env, tmp_path / "serve.log"
    ) as serve:
        wait_until("serve to be ready", lambda: answer(port, "/healthz", 200), limit=120)
        drain_in_hand(serve, queue, article_site, fake_slack, replies_before=0)


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_healthz_is_503_until_the_model_is_loaded_then_200(
    env: dict[str, str], command: str, tmp_path: Path
) -> None:
    port, gate = free_port(), tmp_path / "load-the-model"
    args = gated(gate, command, "--port", str(port))
    with BriefbotProcess(args, env, tmp_path / f"{command}.log") as process:
        early = wait_until("an answer on /healthz", lambda: answer(port, "/healthz"), limit=60)
        assert early.status_code == 503, process.text()
        assert {k: early.json()[k] for k in ("store", "nlp_model")} == {
            "store": True,
            "nlp_model": False,
        }
        gate.touch()
        ready = wait_until("/healthz 200", lambda: answer(port, "/healthz", 200), limit=120)
        assert {k: ready.json()[k] for k in ("store", "nlp_model")} == {
            "store": True,
            "nlp_model": True,
        }
        process.terminate()
        assert process.wait() == 0, process.text()
