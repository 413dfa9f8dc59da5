"""``briefbot status``: queue figures per workspace stream and the scheduler's last run."""

from __future__ import annotations

from datetime import UTC, datetime

import redis

from bot.deps import Deps
from bot.digests.scheduler import DigestScheduler
from bot.status import collect_status, status_text
from bot.store import keys


def test_each_workspace_stream_has_its_own_queue_figures(
    deps: Deps, redis_client: redis.Redis
) -> None:
    t1 = deps.queue_of("T1", "test")
    t1.ensure_group()
    for n in range(3):
        t1.enqueue("ingest_url", "T1", {"url": f"https://a.example/{n}"})
    shared = deps.queue_of(None, "test")
    shared.ensure_group()
    shared.enqueue("ingest_url", "T_LOCAL", {"url": "https://b.example/1"})
    job = shared.claim(block_ms=10)
    assert job is not None
    shared.dead_letter(job, "timed out")
    redis_client.sadd(keys.teams(), "T1")  # a workspace with data, as the store records it
    status = collect_status(deps)
    assert status["workspaces"]["T1"]["queued"] == 3
    assert status["workspaces"]["shared"]["dead_letters"] == 1
    assert status["workspaces"]["shared"]["queued"] == 0
    text = status_text(status)
    assert "  T1: 3 queued, 0 in progress, 0 dead" in text
    assert "  shared: 0 queued, 0 in progress, 1 dead" in text


def test_status_shows_the_scheduler_s_last_run(deps: Deps) -> None:
    assert "digests: the scheduler has not run yet" in status_text(collect_status(deps))
    now = datetime(2026, 12, 7, 7, 0, 1, tzinfo=UTC)
    DigestScheduler(deps, lambda sub, digest: True, grace_seconds=3600).tick(now)
    status = collect_status(deps)
    assert status["digests"]["last_tick"]["at"] == now.isoformat()
    assert f"digests: last run {now.isoformat()}: 0 due, 0 sent, 0 failed" in status_text(status)
