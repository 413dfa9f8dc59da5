"""Running ``briefbot serve`` and ``briefbot worker``: start everything from one
``Deps``, and on SIGTERM drain in reverse order (stop taking requests and jobs,
finish or release the current job, stop the scheduler, close connections)."""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.config import Settings
from bot.deps import Deps, build_deps
from bot.errors import ConfigError
from bot.jobs.worker import run_workers

if TYPE_CHECKING:
    from bot.slack.http_server import HttpServer

log = logging.getLogger(__name__)

DRAIN_SECONDS = 45.0
PURGE_EVERY_SECONDS = 3600.0  # how often serve looks for uninstalled workspaces to delete
RETENTION_EVERY_SECONDS = 3600.0  # how often serve checks whether today's retention sweep ran
RETENTION_FIRST_DELAY = 300.0  # not in the rush of a start-up (or a crash loop)


def _on_signals(stop: threading.Event, also: Callable[[], None] | None = None) -> None:
    def handler(signum: int, frame: Any) -> None:
        log.info("signal %s: draining", signal.Signals(signum).name)
        stop.set()
        if also is not None:
            also()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def _stop_when_refused(deps: Deps, stop: threading.Event) -> None:
    """Stop the process once a store that was down at start-up turns out to be
    from a newer briefbot (``Deps.wait_for_store``): waiting would not help."""

    def watch() -> None:
        deps.store_refused.wait()
        stop.set()

    threading.Thread(target=watch, name="store-refusal", daemon=True).start()


def _exit_code(deps: Deps) -> int:
    return 2 if deps.store_refusal is not None else 0


def start_workers(
    deps: Deps, clients: Any, stop: threading.Event, concurrency: int
) -> list[threading.Thread]:
    """Worker threads answering with each job's workspace's token (``clients``).

    OAuth mode: each worker takes turns over every installed workspace's stream
    (``FairQueue``); otherwise it reads this process's one stream.
    """
    from bot.slack.jobs import SlackJobHandler

    handler = SlackJobHandler(deps, clients)

    def observe(job: Any, outcome: str, seconds: float) -> None:
        deps.metrics.stage_seconds.labels(stage="job").observe(seconds)
        if outcome == "store_full":
            deps.metrics.store_full.inc()

    def fair(consumer: str) -> Any:
        from bot.jobs.fair import FairQueue

        return FairQueue(
            lambda: [s for s in deps.workspace_scopes() if s],
            lambda scope: deps.queue_of(scope, consumer),
            claim_idle_ms=int(deps.settings.job_claim_idle * 1000),
            max_attempts=deps.settings.job_max_attempts,
        )

    return run_workers(
        # Worker.run creates the group itself, backing off while Redis is down
        fair if deps.installs is not None else deps.queue_for,
        handler,
        handler.on_dead,
        concurrency=concurrency,
        stop=stop,
        observe=observe,
        abandon=handler.abandon,
    )


def _queue_sample(deps: Deps) -> tuple[int, float | None]:
    """Pending jobs and the oldest job's age over the streams this process works
    (every installed workspace's in OAuth mode): the HPA's scaling signal."""
    if deps.installs is None:
        return deps.queue.pending(), deps.queue.oldest_age_seconds()
    pending, oldest = 0, None
    for scope in deps.workspace_scopes():
        queue = deps.queue_of(scope, "metrics")
        pending += queue.pending()
        age = queue.oldest_age_seconds()
        oldest = age if oldest is None or (age is not None and age > oldest) else oldest
    return pending, oldest


def digest_pictures_for(deps: Deps) -> Callable[[Any, Any], list[Any]]:
    """The pictures of a digest, drawn once a minute at most for the same topics: the
    many digests of one team due in the same minute share their pictures."""
    from bot import service

    memo: dict[tuple[str, tuple[str, ...]], list[Any]] = {}
    minute = [""]
    lock = threading.Lock()

    def pictures(sub: Any, digest: Any) -> list[Any]:
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M")
        key = (sub.team, tuple(b.topic for b in digest.briefs if b.article_count))
        with lock:
            if minute[0] != now:
                memo.clear()
                minute[0] = now
            drawn = memo.get(key)
        if drawn is None:
            drawn = service.digest_pictures(deps, sub.team, list(key[1]))
            with lock:
                memo[key] = drawn
        return drawn

    return pictures


def start_feed_scheduler(deps: Deps) -> Any:
    """Poll due feeds every tick, queueing new items for the workers.

    A process that serves one workspace polls only that workspace's feeds (its
    workers take only its stream); a multi-workspace one polls every feed.
    """
    from bot.feeds.poller import FeedPoller, FeedScheduler
    from bot.feeds.submit import queue_submit

    scope = deps.queue_scope
    poller = FeedPoller(
        deps.feeds,
        deps.fetcher,
        queue_submit(lambda: deps.queue),
        base_interval=deps.settings.feed_interval,
        max_interval=deps.settings.feed_max_interval,
        teams=lambda: {scope} if scope else None,
    )
    scheduler = FeedScheduler(poller)
    scheduler.start()
    return scheduler


def start_alert_scheduler(deps: Deps, client: Any) -> Any:
    """Check alert subscriptions every tick and post what is new (``serve`` only)."""
    from bot.alerts.checker import AlertChecker, AlertScheduler
    from bot.slack.alerts import SlackAlertSender

    scope = deps.queue_scope
    checker = AlertChecker(
        deps.alerts,
        deps.digest_state,
        deps.topic_state,
        SlackAlertSender(client, deps.metrics),
        teams=lambda: {scope} if scope else None,
    )
    scheduler = AlertScheduler(checker)
    scheduler.start()
    return scheduler


def _warm_nlp(deps: Deps) -> None:
    def load() -> None:
        try:
            deps.analyzer  # noqa: B018 - loading is the point
            deps.encoder  # noqa: B018
        except Exception:
            log.exception("could not load the NLP model; /healthz stays 503")

    threading.Thread(target=load, name="nlp-warmup", daemon=True).start()


def run_command(settings: Settings, args: argparse.Namespace) -> int:
    # a Redis that is down at start-up is waited for, not fatal (see build_deps)
    deps = build_deps(settings, wait_for_store=True, refuse_eviction=True)
    try:
        if args.command == "worker":
            concurrency = args.concurrency or settings.worker_concurrency
            return run_worker_process(deps, concurrency, args.port)
        return serve(deps, port=args.port, workers=not args.no_workers)
    finally:
        deps.close()


def run_worker_process(deps: Deps, concurrency: int, port: int | None = None) -> int:
    """Workers only; with ``port``, also /healthz and /metrics for probes and scrapes."""
    from bot.slack.client import make_web_client
    from bot.slack.http_server import HttpServer
    from bot.slack.server import make_wsgi

    stop = threading.Event()
    _on_signals(stop)
    _stop_when_refused(deps, stop)
    from bot.slack.client import SlackClients

    client = make_web_client(deps.settings, deps.metrics)
    if deps.settings.slack_bot_token and deps.installs is None:
        from bot.slack.app import workspace_of

        deps.queue_scope = workspace_of(client)[0] or None
    deps.metrics.sample_queue_with(lambda: _queue_sample(deps))
    server = None
    if port is not None:
        # probes get an answer (503) while the model loads, not a refused connection
        server = HttpServer(make_wsgi(deps, None), host="0.0.0.0", port=port, threads=2)
        server.start()
    deps.analyzer  # noqa: B018 - load the model before taking jobs
    deps.encoder  # noqa: B018 - and the sentence encoder
    clients = SlackClients(deps.settings, deps.metrics, deps.bot_token)
    threads = start_workers(deps, clients, stop, concurrency)
    feeds = start_feed_scheduler(deps)
    log.info("worker: %d thread(s) running", len(threads))
    stop.wait()
    feeds.shutdown()
    if server is not None:
        server.stop()
    for thread in threads:
        thread.join(timeout=DRAIN_SECONDS)
    return _exit_code(deps)


class BotServer:
    """Everything ``serve`` runs, startable and stoppable in-process (tests use it too).

    HTTP (waitress) serves /healthz and /metrics always, and /slack/events unless
    Socket Mode carries Slack's traffic; workers and the digest scheduler run in
    background threads.
    """

    def __init__(self, deps: Deps, *, port: int, workers: bool, host: str = "0.0.0.0") -> None:
        self.deps = deps
        self.port = port
        self.host = host
        self.with_workers = workers
        self.stop_event = threading.Event()
        self._threads: list[threading.Thread] = []
        self._server: HttpServer | None = None
        self._socket_mode: Any = None
        self._scheduler: Any = None
        self._feeds: Any = None
        self._alerts: Any = None

    def start(self) -> None:
        import handlers
        from bot.digests.scheduler import DigestScheduler
        from bot.slack.app import create_app, workspace_of
        from bot.slack.client import SlackClients, make_web_client
        from bot.slack.digests import SlackDigestSender
        from bot.slack.http_server import HttpServer
        from bot.slack.server import MAX_BODY, make_wsgi

        deps, settings = self.deps, self.deps.settings
        if not settings.slack_bot_token and deps.installs is None:
            raise ConfigError(
                "SLACK_BOT_TOKEN is not set: `briefbot serve` answers Slack and needs the "
                "app's bot token (xoxb-…), or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for "
                "installs to many workspaces; see docs/slack-setup.md"
            )
        if deps.installs is not None:
            client = make_web_client(settings, deps.metrics, token="")
            client.token = None  # OAuth: bolt gives each request its workspace's token
        else:
            client = make_web_client(settings, deps.metrics)
            # this deployment queues and works only its own workspace's jobs
            deps.queue_scope = workspace_of(client)[0] or None
        clients = SlackClients(settings, deps.metrics, deps.bot_token)
        app = create_app(deps, client, handlers.register_all)
        _warm_nlp(deps)
        deps.metrics.sample_queue_with(lambda: _queue_sample(deps))
        if self.with_workers:
            self._threads = start_workers(
                deps, clients, self.stop_event, settings.worker_concurrency
            )
        sender = SlackDigestSender(clients, deps.metrics, digest_pictures_for(deps))
        self._scheduler = DigestScheduler(deps, sender, grace_seconds=settings.digest_grace)
        self._scheduler.start()
        self._feeds = start_feed_scheduler(deps)
        self._alerts = start_alert_scheduler(deps, clients)
        if deps.installs is not None:
            self._threads.append(_start_purge_sweep(deps, self.stop_event))
        self._threads.append(_start_retention_sweep(deps, self.stop_event))
        if settings.slack_app_token:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            self._socket_mode = SocketModeHandler(app, settings.slack_app_token, web_client=client)
            self._socket_mode.connect()
            log.info("serve: Socket Mode connected")
        wsgi = make_wsgi(deps, None if self._socket_mode else app, oauth_app=app)
        self._server = HttpServer(
            wsgi, host=self.host, port=self.port, threads=8, max_body=MAX_BODY
        )
        self.port = self._server.port
        self._server.start()
        log.info("serve: HTTP on %s:%d", self.host, self.port)

    def stop(self) -> None:
        """Drain: stop taking requests, stop workers after their current job, close."""
        self.stop_event.set()
        if self._server is not None:
            self._server.stop()
        if self._socket_mode is not None:
            self._socket_mode.close()
        if self._scheduler is not None:
            self._scheduler.shutdown()
        if self._feeds is not None:
            self._feeds.shutdown()
        if self._alerts is not None:
            self._alerts.shutdown()
        for thread in self._threads:
            thread.join(timeout=DRAIN_SECONDS)


def _start_purge_sweep(deps: Deps, stop: threading.Event) -> threading.Thread:
    """Every ``PURGE_EVERY_SECONDS``: delete the data of workspaces uninstalled
    longer ago than the grace period (one replica per workspace, see
    ``bot.store.purge``)."""
    from bot.store.purge import purge_due

    installs = deps.installs
    assert installs is not None
    return _every(
        PURGE_EVERY_SECONDS, "uninstall-purge", lambda: purge_due(deps.redis, installs), stop
    )


def _start_retention_sweep(deps: Deps, stop: threading.Event) -> threading.Thread:
    """Every ``RETENTION_EVERY_SECONDS``: the day's retention sweep, if no replica ran it
    yet (``bot.edits.retention``)."""
    from bot.edits.retention import sweep_daily

    return _every(
        RETENTION_EVERY_SECONDS,
        "retention-sweep",
        lambda: sweep_daily(deps),
        stop,
        first_delay=RETENTION_FIRST_DELAY,
    )


def _every(
    seconds: float,
    name: str,
    work: Callable[[], object],
    stop: threading.Event,
    first_delay: float = 0.0,
) -> threading.Thread:
    """Run ``work`` after ``first_delay`` and then every ``seconds`` in a daemon thread
    until ``stop``; a failure is logged with its traceback and the next round tries again."""

    def loop() -> None:
        stop.wait(first_delay)
        while not stop.is_set():
            try:
                work()
            except Exception:
                log.exception("%s failed; next try in %.0f s", name, seconds)
            stop.wait(seconds)

    thread = threading.Thread(target=loop, name=name, daemon=True)
    thread.start()
    return thread


def serve(deps: Deps, *, port: int, workers: bool) -> int:
    server = BotServer(deps, port=port, workers=workers)
    server.start()
    _on_signals(server.stop_event)
    _stop_when_refused(deps, server.stop_event)
    try:
        server.stop_event.wait()
    finally:
        server.stop()
    return _exit_code(deps)
