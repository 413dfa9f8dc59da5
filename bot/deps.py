"""``Deps``: settings, store, HTTP client, NLP and queue, built once and closed once.

Every entry point (CLI command, ``serve``, ``worker``) builds one ``Deps`` and
passes it down; nothing else creates clients. The NLP model loads on first use
(the CLI's ``brief`` never needs it) and at most once per process.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import redis

from bot import migrations
from bot.alerts.subscriptions import AlertSubscriptions
from bot.config import Settings, redact_url
from bot.digests.claims import SlotClaims
from bot.digests.pacing import ChannelPacer
from bot.digests.state import DigestState
from bot.digests.subscriptions import Subscriptions
from bot.errors import (
    BriefbotError,
    ConfigError,
    EvictingStore,
    SchemaTooNew,
    StoreUnavailable,
)
from bot.feeds.subscriptions import FeedSubscriptions
from bot.metrics import Metrics
from bot.store.channels import ChannelFiling
from bot.store.client import RedisClient
from bot.store.connect import CLUSTER_SCHEMES, client_for, connect_redis
from bot.store.embedded import EmbeddedRedis
from bot.store.installs import Installations, TokenCipher
from bot.store.keys import SCHEMA_VERSION
from bot.store.memory import eviction_policy, evicts
from bot.store.team import Store
from bot.topics.definitions import load_seed_topics
from bot.topics.state import TopicState

if TYPE_CHECKING:
    from bot.entities.analyzer import EntityAnalyzer
    from bot.ingest.extract import Extractor
    from bot.ingest.fetch import Fetcher
    from bot.jobs.queue import JobQueue
    from bot.text.encoder import SentenceEncoder

log = logging.getLogger(__name__)


@dataclass
class Deps:
    settings: Settings
    redis: RedisClient
    store: Store
    topic_state: TopicState
    store_address: str
    embedded: EmbeddedRedis | None = None
    metrics: Metrics = field(default_factory=Metrics)
    # the workspace this process serves (from auth.test), whose queue stream it
    # uses; None for the CLI and token-less runs (the shared stream)
    queue_scope: str | None = None
    _fetcher: Fetcher | None = None
    _extractor: Extractor | None = None
    _analyzer: EntityAnalyzer | None = None
    _encoder: SentenceEncoder | None = None
    _encoder_loaded: bool = False
    _queue: JobQueue | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    # the model loads for seconds: its own lock, so that the fetcher, the queue and the
    # rest are not held up behind it (serve starts its HTTP server while it loads)
    _model_lock: threading.Lock = field(default_factory=threading.Lock)
    _streams_ready: set[str] = field(default_factory=set)
    #: False while a store that was down at start-up has not been reached and checked yet
    store_ready: bool = True
    #: set when that late check found a store written by a newer briefbot; the
    #: long-running process then stops (``bot.runtime``) instead of waiting forever
    store_refused: threading.Event = field(default_factory=threading.Event)
    store_refusal: BriefbotError | None = None
    #: serve and worker refuse a Redis that may evict keys (``check_memory_policy``)
    refuse_eviction: bool = False
    # digest state, subscriptions, slot claims and pacing: built once from the client, below
    digest_state: DigestState = field(init=False)
    subscriptions: Subscriptions = field(init=False)
    slot_claims: SlotClaims = field(init=False)
    pacer: ChannelPacer = field(init=False)
    #: OAuth mode: the installed workspaces and their (encrypted) tokens; else None
    installs: Installations | None = field(init=False)
    feeds: FeedSubscriptions = field(init=False)
    channel_filing: ChannelFiling = field(init=False)
    alerts: AlertSubscriptions = field(init=False)

    def __post_init__(self) -> None:
        self.digest_state = DigestState(self.redis)
        self.subscriptions = Subscriptions(self.redis)
        self.slot_claims = SlotClaims(self.redis)
        self.pacer = ChannelPacer(self.redis)
        key = self.settings.token_key
        self.installs = (
            Installations(self.redis, TokenCipher(key)) if self.settings.oauth and key else None
        )
        self.feeds = FeedSubscriptions(self.redis)
        self.channel_filing = ChannelFiling(self.redis)
        self.alerts = AlertSubscriptions(self.redis)

    def bot_token(self, team: str) -> str | None:
        """The bot token that answers ``team``: the token resolver every Slack call uses.

        OAuth mode: the workspace's own, from its installation (None once it
        uninstalled). Single-workspace mode: ``SLACK_BOT_TOKEN`` (other teams are
        refused before anything would be sent to them).
        """
        if self.installs is not None:
            return self.installs.bot_token(team)
        return self.settings.slack_bot_token

    def workspace_scopes(self) -> list[str | None]:
        """The job streams this process works: each installed workspace's (OAuth),
        else its own workspace's or the shared one."""
        if self.installs is not None:
            return list(self.installs.team_ids())
        return [self.queue_scope]

    _closing: threading.Event = field(default_factory=threading.Event)

    @property
    def fetcher(self) -> Fetcher:
        with self._lock:
            if self._fetcher is None:
                from bot.ingest.fetch import Fetcher

                self._fetcher = Fetcher(self.settings)
            return self._fetcher

    @property
    def extractor(self) -> Extractor:
        with self._lock:
            if self._extractor is None:
                from bot.ingest.extract import Extractor

                self._extractor = Extractor(
                    timeout=self.settings.extract_timeout,
                    processes=max(1, self.settings.worker_concurrency),
                )
            return self._extractor

    @property
    def analyzer(self) -> EntityAnalyzer:
        with self._model_lock:
            if self._analyzer is None:
                from bot.entities.analyzer import EntityAnalyzer
                from bot.entities.nlp import load_pipeline
                from bot.gazetteer.index import Gazetteer

                nlp = load_pipeline(self.settings.spacy_model)
                gazetteer = Gazetteer.load(cache_dir=self.settings.data_dir / "cache")
                self._analyzer = EntityAnalyzer(nlp, gazetteer)
                log.info("nlp: loaded %s", self.settings.spacy_model)
            return self._analyzer

    @property
    def encoder(self) -> SentenceEncoder | None:
        """The sentence encoder of ``BRIEFBOT_SENTENCE_MODEL``; None when it is "off"."""
        with self._model_lock:
            if not self._encoder_loaded:
                from threadpoolctl import threadpool_limits

                from bot.text.encoder import EncoderError, SentenceEncoder

                try:
                    self._encoder = SentenceEncoder.load(self.settings.sentence_model)
                except EncoderError as exc:
                    raise ConfigError(str(exc)) from exc
                if self._encoder is not None:
                    # one BLAS thread: a sentence's matrices are small, briefbot scales by
                    # worker processes, and a second BLAS thread only spins against the
                    # parse (bench.ingest: 0.36 of the spaCy ceiling with 2, 0.81 with 1)
                    threadpool_limits(1, user_api="blas")
                self._encoder_loaded = True
                log.info("sentence model: %s", self.settings.sentence_model)
            return self._encoder

    @property
    def nlp_loaded(self) -> bool:
        return self._analyzer is not None

    def queue_for(self, consumer: str) -> JobQueue:
        """A queue handle on this process's workspace stream, as ``consumer``."""
        return self.queue_of(self.queue_scope, consumer)

    def queue_of(self, scope: str | None, consumer: str) -> JobQueue:
        """A queue handle on ``scope``'s stream (None: the shared one), as ``consumer``."""
        from bot.jobs.queue import JobQueue

        return JobQueue(
            self.redis,
            consumer=consumer,
            claim_idle_ms=int(self.settings.job_claim_idle * 1000),
            max_attempts=self.settings.job_max_attempts,
            scope=scope,
        )

    def queue_to(self, team: str) -> JobQueue:
        """The producer's handle on the stream that serves ``team``'s jobs."""
        if self.installs is None:
            return self.queue
        queue = self.queue_of(team, f"{socket.gethostname()}-{os.getpid()}")
        if team not in self._streams_ready:  # a worker that finds no group makes it too
            queue.ensure_group()
            self._streams_ready.add(team)
        return queue

    @property
    def queue(self) -> JobQueue:
        """The producer's handle (handlers enqueue through it)."""
        with self._lock:
            if self._queue is None:
                self._queue = self.queue_for(f"{socket.gethostname()}-{os.getpid()}")
                self._queue.ensure_group()
            return self._queue

    def check_memory_policy(self) -> None:
        """Raise ``EvictingStore`` when Redis may evict keys and the operator has
        not allowed it (``BRIEFBOT_ALLOW_EVICTION``); allowed, it is logged."""
        policy = eviction_policy(self.redis)
        if not evicts(policy):
            return
        if self.settings.allow_eviction:
            log.warning(
                "store: maxmemory-policy is %s, which may evict queued jobs; running anyway "
                "because BRIEFBOT_ALLOW_EVICTION is set",
                policy,
            )
            return
        raise EvictingStore(policy)

    def wait_for_store(self, first_delay: float = 0.2, max_delay: float = 5.0) -> None:
        """Check the schema in a background thread as soon as Redis answers.

        Until then ``store_ready`` is False (``/healthz`` says 503); commands
        meanwhile answer "temporarily unavailable" and workers back off on their own.
        A store from a newer briefbot is not waited for: it is logged once and
        ``store_refused`` is set.
        """
        self.store_ready = False

        def watch() -> None:
            delay = first_delay
            while not self._closing.is_set():
                try:
                    if self.store.ensure_schema() < SCHEMA_VERSION:
                        migrations.upgrade(self.redis)
                    if self.refuse_eviction:
                        self.check_memory_policy()
                except StoreUnavailable as exc:
                    log.warning("store: still unavailable (%s); next try in %.1f s", exc, delay)
                    self._closing.wait(delay)
                    delay = min(delay * 2, max_delay)
                    continue
                except (SchemaTooNew, EvictingStore) as exc:
                    log.error("store: refusing to run: %s", exc)
                    self.store_refusal = exc
                    self.store_refused.set()
                    return
                self.store_ready = True
                log.info("store: reachable again at %s", self.store_address)
                return

        threading.Thread(target=watch, name="store-watch", daemon=True).start()

    def close(self) -> None:
        """Close clients in reverse order of need; the embedded server goes last."""
        self._closing.set()
        if self._fetcher is not None:
            self._fetcher.close()
        if self._extractor is not None:
            self._extractor.close()
        with contextlib.suppress(redis.RedisError):
            self.redis.close()
        if self.embedded is not None:
            self.embedded.close()


def build_deps(
    settings: Settings,
    *,
    wait_for_store: bool = False,
    refuse_eviction: bool = False,
    upgrade: bool = True,
) -> Deps:
    """Connect to the store and check its schema; everything else loads on first use.

    By default an unreachable store raises ``StoreUnavailable`` (CLI commands
    stop with a clear message). ``serve`` and ``worker`` pass ``wait_for_store``:
    a long-running process should not die because Redis restarts at the same
    moment, so an external, non-cluster Redis that does not answer yet gives
    ``Deps`` with a client that connects on use, and the schema is checked once
    Redis answers (``Deps.wait_for_store``). A cluster client must reach a node
    to learn the slot map, and an embedded Redis that did not start will not
    start later, so both still raise. A store written by a newer briefbot
    raises ``SchemaTooNew`` in every mode: waiting would not help. With
    ``refuse_eviction`` (``serve``, ``worker``) a Redis whose ``maxmemory-policy``
    may evict keys raises ``EvictingStore`` (checked once it answers). A store of an
    older schema is upgraded first (``bot.migrations``) unless ``upgrade`` is False
    (``briefbot migrate`` runs the upgrade itself, to report it).
    """
    if settings.oauth and settings.token_key:
        TokenCipher(settings.token_key)  # a malformed key: one clear line before connecting
    url = settings.redis_url
    try:
        client, embedded, address = connect_redis(settings)
    except StoreUnavailable as exc:
        if not (wait_for_store and url and not url.startswith(CLUSTER_SCHEMES)):
            raise
        log.warning("store: %s; starting anyway and waiting for it", exc)
        return _waiting_deps(settings, url, refuse_eviction)
    store = Store(client, load_seed_topics())
    deps = Deps(
        settings=settings,
        redis=client,
        store=store,
        topic_state=TopicState(client),
        store_address=address,
        embedded=embedded,
        refuse_eviction=refuse_eviction,
    )
    try:
        found = store.ensure_schema()  # SchemaTooNew: a clear refusal, whatever the mode
        if upgrade and found < SCHEMA_VERSION:
            migrations.upgrade(client)
        if refuse_eviction:
            deps.check_memory_policy()
    except (StoreUnavailable, SchemaTooNew, EvictingStore):
        deps.close()
        raise
    return deps


def _waiting_deps(settings: Settings, url: str, refuse_eviction: bool) -> Deps:
    client = client_for(url)  # redis-py connects on the first command, not here
    deps = Deps(
        settings=settings,
        redis=client,
        store=Store(client, load_seed_topics()),
        topic_state=TopicState(client),
        store_address=redact_url(url),
        refuse_eviction=refuse_eviction,
    )
    deps.wait_for_store()
    return deps
