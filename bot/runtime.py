"""Running ``briefbot serve`` and ``briefbot worker``: start everything from one
``Deps``, and on SIGTERM drain in reverse order (stop taking requests and jobs,
finish or release the current job, stop the scheduler, close connections)."""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from collections.abc import Callable
from typing import Any

from bot.config import Settings
from bot.deps import Deps, build_deps
from bot.queue import JobQueue
from bot.worker import run_workers

log = logging.getLogger(__name__)

DRAIN_SECONDS = 45.0


def _on_signals(stop: threading.Event, also: Callable[[], None] | None = None) -> None:
    def handler(signum: int, frame: Any) -> None:
        log.info("signal %s: draining", signal.Signals(signum).name)
        stop.set()
        if also is not None:
            also()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def start_workers(
    deps: Deps, client: Any, stop: threading.Event, concurrency: int
) -> list[threading.Thread]:
    from bot.slack_jobs import SlackJobHandler

    handler = SlackJobHandler(deps, client)

    def queue_for(name: str) -> JobQueue:
        queue = JobQueue(
            deps.redis,
            consumer=name,
            claim_idle_ms=int(deps.settings.job_claim_idle * 1000),
            max_attempts=deps.settings.job_max_attempts,
        )
        queue.ensure_group()
        return queue

    def observe(job: Any, outcome: str, seconds: float) -> None:
        deps.metrics.stage_seconds.labels(stage="job").observe(seconds)

    return run_workers(
        queue_for, handler, handler.on_dead, concurrency=concurrency, stop=stop, observe=observe
    )


def _warm_nlp(deps: Deps) -> None:
    def load() -> None:
        try:
            deps.analyzer  # noqa: B018 - loading is the point
        except Exception:
            log.exception("could not load the NLP model; /healthz stays 503")

    threading.Thread(target=load, name="nlp-warmup", daemon=True).start()


def run_command(settings: Settings, args: argparse.Namespace) -> int:
    deps = build_deps(settings)
    try:
        if args.command == "worker":
            return run_worker_process(deps, args.concurrency or settings.worker_concurrency)
        return serve(deps, port=args.port, workers=not args.no_workers)
    finally:
        deps.close()


def run_worker_process(deps: Deps, concurrency: int) -> int:
    from bot.slack_client import make_web_client

    stop = threading.Event()
    _on_signals(stop)
    client = make_web_client(deps.settings, deps.metrics)
    deps.analyzer  # noqa: B018 - load the model before taking jobs
    deps.metrics.sample_queue_with(lambda: (deps.queue.pending(), deps.queue.oldest_age_seconds()))
    threads = start_workers(deps, client, stop, concurrency)
    log.info("worker: %d thread(s) running", len(threads))
    stop.wait()
    for thread in threads:
        thread.join(timeout=DRAIN_SECONDS)
    return 0


def serve(deps: Deps, *, port: int, workers: bool) -> int:
    from waitress.server import create_server

    from bot.app import create_app
    from bot.http import make_wsgi
    from bot.scheduler import DigestScheduler
    from bot.slack_client import make_web_client
    from bot.slack_digests import SlackDigestSender

    settings = deps.settings
    client = make_web_client(settings, deps.metrics)
    app = create_app(deps, client)
    _warm_nlp(deps)
    deps.metrics.sample_queue_with(lambda: (deps.queue.pending(), deps.queue.oldest_age_seconds()))
    stop = threading.Event()
    threads = start_workers(deps, client, stop, settings.worker_concurrency) if workers else []
    scheduler = DigestScheduler(
        deps, SlackDigestSender(client, deps.metrics), grace_seconds=settings.digest_grace
    )
    scheduler.start()
    socket_mode = None
    if settings.slack_app_token:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        socket_mode = SocketModeHandler(app, settings.slack_app_token, web_client=client)
        socket_mode.connect()
        log.info("serve: Socket Mode connected; HTTP on :%d for /healthz and /metrics", port)
    server = create_server(
        make_wsgi(deps, None if socket_mode else app), host="0.0.0.0", port=port, threads=8
    )
    _on_signals(stop)
    http = threading.Thread(target=server.run, name="http", daemon=True)
    http.start()
    log.info("serve: listening on :%d", port)
    try:
        stop.wait()
    finally:
        stop.set()
        server.close()  # stop taking requests first
        if socket_mode is not None:
            socket_mode.close()
        scheduler.shutdown()
        for thread in threads:
            thread.join(timeout=DRAIN_SECONDS)
    return 0
