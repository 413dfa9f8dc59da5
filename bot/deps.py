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

import redis

from bot.config import Settings, redact_url
from bot.errors import StoreUnavailable
from bot.metrics import Metrics
from bot.redis_embedded import EmbeddedRedis
from bot.store import RedisClient, Store
from bot.topic_state import TopicState
from bot.topics import load_seed_topics

if TYPE_CHECKING:
    from bot.entities import EntityAnalyzer
    from bot.extract import Extractor
    from bot.fetch import Fetcher
    from bot.queue import JobQueue

log = logging.getLogger(__name__)


def connect_redis(settings: Settings) -> tuple[RedisClient, EmbeddedRedis | None, str]:
    """A Redis client for the configured store, the embedded server (if any) and
    a printable address. Cluster URLs: ``redis+cluster://host:port[,host:port...]``."""
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
    if "+cluster://" in url:
        from redis.cluster import ClusterNode, RedisCluster

        scheme, hosts = url.split("://", 1)
        hosts = hosts.split("/", 1)[0]
        nodes = [_cluster_node(ClusterNode, h) for h in hosts.split(",")]
        ssl = scheme.startswith("rediss")
        return RedisCluster(startup_nodes=nodes, ssl=ssl, **options)
    return redis.Redis.from_url(url, **options)


def _cluster_node(factory: Any, host_port: str) -> Any:
    host, _, port = host_port.rpartition(":")
    return factory(host or "127.0.0.1", int(port))


@dataclass
class Deps:
    settings: Settings
    redis: RedisClient
    store: Store
    topic_state: TopicState
    store_address: str
    embedded: EmbeddedRedis | None = None
    metrics: Metrics = field(default_factory=Metrics)
    _fetcher: Fetcher | None = None
    _extractor: Extractor | None = None
    _analyzer: EntityAnalyzer | None = None
    _queue: JobQueue | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def fetcher(self) -> Fetcher:
        with self._lock:
            if self._fetcher is None:
                from bot.fetch import Fetcher

                self._fetcher = Fetcher(self.settings)
            return self._fetcher

    @property
    def extractor(self) -> Extractor:
        with self._lock:
            if self._extractor is None:
                from bot.extract import Extractor

                self._extractor = Extractor(timeout=self.settings.extract_timeout)
            return self._extractor

    @property
    def analyzer(self) -> EntityAnalyzer:
        with self._lock:
            if self._analyzer is None:
                from bot.entities import EntityAnalyzer
                from bot.gazetteer import Gazetteer
                from bot.nlp import load_pipeline

                nlp = load_pipeline(self.settings.spacy_model)
                self._analyzer = EntityAnalyzer(nlp, Gazetteer.load())
                log.info("nlp: loaded %s", self.settings.spacy_model)
            return self._analyzer

    @property
    def nlp_loaded(self) -> bool:
        return self._analyzer is not None

    @property
    def queue(self) -> JobQueue:
        with self._lock:
            if self._queue is None:
                from bot.queue import JobQueue

                self._queue = JobQueue(
                    self.redis,
                    consumer=f"{socket.gethostname()}-{os.getpid()}",
                    claim_idle_ms=int(self.settings.job_claim_idle * 1000),
                    max_attempts=self.settings.job_max_attempts,
                )
                self._queue.ensure_group()
            return self._queue

    def close(self) -> None:
        """Close clients in reverse order of need; the embedded server goes last."""
        if self._fetcher is not None:
            self._fetcher.close()
        if self._extractor is not None:
            self._extractor.close()
        with contextlib.suppress(redis.RedisError):
            self.redis.close()
        if self.embedded is not None:
            self.embedded.close()


def build_deps(settings: Settings) -> Deps:
    """Connect to the store and check its schema; everything else loads on first use."""
    client, embedded, address = connect_redis(settings)
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
