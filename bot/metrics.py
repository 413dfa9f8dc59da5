"""Prometheus metrics, in a registry that belongs to one ``Deps`` (no globals).

Series (all prefixed ``briefbot_``): commands and events handled by type and
outcome, ack latency, ingest jobs by outcome and stage durations, queue depth
and oldest pending job age (sampled at scrape time), digests sent, Slack API
errors and rate limits.
"""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

QueueSampler = Callable[[], tuple[int, float | None]]


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.commands = Counter(
            "briefbot_commands", "Slash commands handled", ["kind", "outcome"], registry=r
        )
        self.events = Counter(
            "briefbot_events", "Slack events handled", ["type", "outcome"], registry=r
        )
        self.ack_seconds = Histogram(
            "briefbot_ack_seconds",
            "Time from receiving a Slack request to its acknowledgement",
            ["kind"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5),
            registry=r,
        )
        self.ingest_jobs = Counter(
            "briefbot_ingest_jobs", "Ingest jobs finished", ["outcome"], registry=r
        )
        self.stage_seconds = Histogram(
            "briefbot_ingest_stage_seconds",
            "Time spent per ingest stage",
            ["stage"],
            buckets=(0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=r,
        )
        self.store_full = Counter(
            "briefbot_store_full",
            "Jobs given back uncounted because Redis was out of memory (back-pressure)",
            registry=r,
        )
        self.queue_depth = Gauge("briefbot_queue_depth", "Jobs waiting or in progress", registry=r)
        self.queue_oldest = Gauge(
            "briefbot_queue_oldest_job_age_seconds", "Age of the oldest pending job", registry=r
        )
        self.digests = Counter("briefbot_digests_sent", "Digests posted", ["outcome"], registry=r)
        self.slack_errors = Counter(
            "briefbot_slack_api_errors", "Slack Web API errors", ["method", "error"], registry=r
        )
        self.slack_ratelimited = Counter(
            "briefbot_slack_ratelimited", "Slack Web API 429 answers", ["method"], registry=r
        )
        self._queue_sampler: QueueSampler | None = None

    def observe_stage(self, stage: str, seconds: float) -> None:
        """A ``pipeline.StageTimer``."""
        self.stage_seconds.labels(stage=stage).observe(seconds)

    def sample_queue_with(self, sampler: QueueSampler) -> None:
        self._queue_sampler = sampler

    def exposition(self) -> bytes:
        """The text format for ``GET /metrics``; queue gauges are read now."""
        if self._queue_sampler is not None:
            try:
                depth, oldest = self._queue_sampler()
                self.queue_depth.set(depth)
                self.queue_oldest.set(oldest or 0.0)
            except Exception:  # a scrape must not fail because Redis blinked
                pass
        return generate_latest(self.registry)
