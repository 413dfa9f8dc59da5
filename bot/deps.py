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
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

import redis

from bot.config import Settings, redact_url
from bot.errors import ConfigError, StoreUnavailable
from bot.metrics import Metrics
from bot.store.embedded import EmbeddedRedis
from bot.store.team import RedisClient, Store
from bot.topics.definitions import load_seed_topics
from bot.topics.state import TopicState

if TYPE_CHECKING:
    from bot.entities.analyzer import EntityAnalyzer
    from bot.ingest.extract import Extractor
    from bot.ingest.fetch import Fetcher
    from bot.jobs.queue import JobQueue

log = logging.getLogger(__name__)

CLUSTER_SCHEMES = ("redis+cluster://", "rediss+cluster://")


def connect_redis(settings: Settings) -> tuple[RedisClient, EmbeddedRedis | None, str]:
    """A Redis client for the configured store, the embedded server (if any) and
    a printable address. Cluster URLs: see ``parse_cluster_url``."""
    url = settings.redis_url
    embedded = None
    if not url:
        embedded = EmbeddedRedis(settings.data_dir)
        url = embedded.start()
        address = f"embedded ({embedded.address})"
    else:
        address = redact_url(url)
        log.info("store: external Redis at %s", address)
    try:
        client = _client_for(url)
        client.ping()
    except (redis.RedisError, OSError) as exc:
        if embedded:
            embedded.close()
        raise StoreUnavailable(f"cannot reach Redis at {address}: {exc}") from exc
    return client, embedded, address


def _client_for(url: str) -> RedisClient:
    options: dict[str, Any] = {
        "socket_timeout": 10,
        "socket_connect_timeout": 5,
        "health_check_interval": 30,
        "retry_on_timeout": True,
    }
    if url.startswith(CLUSTER_SCHEMES):
        # the cluster client retries timeouts by itself and warns about the flag
        del options["retry_on_timeout"]
        return _cluster_client(parse_cluster_url(url), options)
    return redis.Redis.from_url(url, **options)


def _cluster_client(target: ClusterTarget, options: dict[str, Any]) -> RedisClient:
    from redis.cluster import ClusterNode, RedisCluster

    try:
        # the client connects here already, to read the slot map
        return RedisCluster(
            startup_nodes=[
                ClusterNode(host, port)  # type: ignore[no-untyped-call]
                for host, port in target.nodes
            ],
            username=target.username,
            password=target.password,
            ssl=target.ssl,
            **options,
        )
    except redis.exceptions.RedisClusterException as exc:
        # not a RedisError: make "no node answers" look like any unreachable Redis
        raise redis.ConnectionError(str(exc)) from exc


@dataclass(frozen=True)
class ClusterTarget:
    """Where a Redis Cluster is and how to log in, from a cluster URL."""

    nodes: tuple[tuple[str, int], ...]  # seed nodes; the client discovers the rest
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ssl: bool = False


def parse_cluster_url(url: str) -> ClusterTarget:
    """Read ``redis+cluster://[user:password@]host:port[,host:port...][/0]``.

    ``rediss+cluster://`` is the same over TLS. User name and password are
    percent-decoded (write ``@`` as ``%40``, ``:`` as ``%3A``); a password with
    no user name is ``:password@``. A missing port means 6379; IPv6 hosts go in
    brackets. A cluster has database 0 only, so ``/0`` is the only path allowed.
    Raises ``ConfigError`` on anything else.
    """
    scheme, sep, rest = url.partition("://")
    if not sep or f"{scheme}://" not in CLUSTER_SCHEMES:
        raise ConfigError("a cluster URL starts with redis+cluster:// or rediss+cluster://")
    # the password may contain '/', '?' or ',' unencoded: split it off first
    creds, at, location = rest.rpartition("@")
    hosts, _, path = location.partition("/")
    if "?" in location or "#" in location:
        raise ConfigError("cluster URLs take no query options")
    if path not in ("", "0"):
        raise ConfigError("a Redis Cluster has database 0 only: end the URL with /0 or nothing")
    username, password = _credentials(creds) if at else (None, None)
    return ClusterTarget(
        nodes=tuple(_host_port(entry) for entry in hosts.split(",")),
        username=username,
        password=password,
        ssl=scheme == "rediss+cluster",
    )


def _credentials(creds: str) -> tuple[str | None, str | None]:
    user, colon, password = creds.partition(":")
    if not colon:  # "user@host": a user name alone
        return unquote(user) or None, None
    return unquote(user) or None, unquote(password) or None


def _host_port(entry: str) -> tuple[str, int]:
    entry = entry.strip()
    if entry.startswith("["):  # [IPv6]:port
        host, _, tail = entry[1:].partition("]")
        port = tail.removeprefix(":")
    else:
        host, _, port = entry.partition(":")
    if not host:
        raise ConfigError(f"cluster URL: node {entry!r} has no host")
    if not port:
        return host, 6379
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"cluster URL: node {entry!r} has no valid port")
    return host, int(port)


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
    _queue: JobQueue | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    #: False while a store that was down at start-up has not been reached and checked yet
    store_ready: bool = True
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
        with self._lock:
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
    def nlp_loaded(self) -> bool:
        return self._analyzer is not None

    def queue_for(self, consumer: str) -> JobQueue:
        """A queue handle on this process's workspace stream, as ``consumer``."""
        from bot.jobs.queue import JobQueue

        return JobQueue(
            self.redis,
            consumer=consumer,
            claim_idle_ms=int(self.settings.job_claim_idle * 1000),
            max_attempts=self.settings.job_max_attempts,
            scope=self.queue_scope,
        )

    @property
    def queue(self) -> JobQueue:
        """The producer's handle (handlers enqueue through it)."""
        with self._lock:
            if self._queue is None:
                self._queue = self.queue_for(f"{socket.gethostname()}-{os.getpid()}")
                self._queue.ensure_group()
            return self._queue

    def wait_for_store(self, first_delay: float = 0.2, max_delay: float = 5.0) -> None:
        """Check the schema in a background thread as soon as Redis answers.

        Until then ``store_ready`` is False (``/healthz`` says 503); commands
        meanwhile answer "temporarily unavailable" and workers back off on their own.
        """
        self.store_ready = False

        def watch() -> None:
            delay = first_delay
            while not self._closing.is_set():
                try:
                    self.store.ensure_schema()
                except StoreUnavailable as exc:
                    log.warning("store: still unavailable (%s); next try in %.1f s", exc, delay)
                    self._closing.wait(delay)
                    delay = min(delay * 2, max_delay)
                    continue
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


def build_deps(settings: Settings, *, wait_for_store: bool = False) -> Deps:
    """Connect to the store and check its schema; everything else loads on first use.

    By default an unreachable store raises ``StoreUnavailable`` (CLI commands
    stop with a clear message). ``serve`` and ``worker`` pass ``wait_for_store``:
    a long-running process should not die because Redis restarts at the same
    moment, so an external, non-cluster Redis that does not answer yet gives
    ``Deps`` with a client that connects on use, and the schema is checked once
    Redis answers (``Deps.wait_for_store``). A cluster client must reach a node
    to learn the slot map, and an embedded Redis that did not start will not
    start later, so both still raise.
    """
    url = settings.redis_url
    try:
        client, embedded, address = connect_redis(settings)
    except StoreUnavailable as exc:
        if not (wait_for_store and url and not url.startswith(CLUSTER_SCHEMES)):
            raise
        log.warning("store: %s; starting anyway and waiting for it", exc)
        return _waiting_deps(settings, url)
    store = Store(client, load_seed_topics())
    try:
        store.ensure_schema()
    except StoreUnavailable:
        client.close()
        if embedded:
            embedded.close()
        raise
    return Deps(
        settings=settings,
        redis=client,
        store=store,
        topic_state=TopicState(client),
        store_address=address,
        embedded=embedded,
    )


def _waiting_deps(settings: Settings, url: str) -> Deps:
    client = _client_for(url)  # redis-py connects on the first command, not here
    deps = Deps(
        settings=settings,
        redis=client,
        store=Store(client, load_seed_topics()),
        topic_state=TopicState(client),
        store_address=redact_url(url),
    )
    deps.wait_for_store()
    return deps
