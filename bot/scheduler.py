"""Scheduled digests: one APScheduler 3.x tick job per process, exactly one send
per subscription and scheduled time across all replicas.

Every ``TICK_SECONDS`` each replica looks at every subscription's latest due
time (``Subscription.last_due``, computed with a ``CronTrigger`` in the
subscription's time zone). A due slot that was not sent yet and is no older
than the grace period is claimed with ``SET NX`` in Redis; only the claimer
sends. The claim expires after ``CLAIM_SECONDS`` unless the send is confirmed,
so a replica that dies mid-send leaves the slot to the others. The watermark
(what the next digest counts as new) moves only after Slack confirmed the post.
A process that was down at the due time sends the missed digest on its first
tick if it is back within the grace period (``BRIEFBOT_DIGEST_GRACE``, default
one hour), and not after.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.digest import digest_for
from bot.errors import BriefbotError
from bot.models import Digest
from bot.subscriptions import Subscription, Subscriptions

if TYPE_CHECKING:
    from bot.deps import Deps

log = logging.getLogger(__name__)

TICK_SECONDS = 20
CLAIM_SECONDS = 120
SENT_TTL_SECONDS = 9 * 24 * 3600

#: posts a digest; returns True once Slack confirmed the message
DigestSender = Callable[[Subscription, Digest], bool]


@dataclass
class TickResult:
    subscription: str
    due: datetime
    outcome: str  # "sent", "failed", "skipped_grace", "claimed_elsewhere"


class DigestScheduler:
    def __init__(
        self,
        deps: Deps,
        send: DigestSender,
        *,
        grace_seconds: float,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.deps = deps
        self.send = send
        self.grace = grace_seconds
        self.clock = clock or (lambda: datetime.now(UTC))
        self.subscriptions = Subscriptions(deps.redis)
        self._scheduler: BackgroundScheduler | None = None

    def tick(self, now: datetime | None = None) -> list[TickResult]:
        """Send every digest that is due now; safe to call from any number of replicas."""
        now = now or self.clock()
        results: list[TickResult] = []
        for sub in self.subscriptions.all():
            due = self._due_slot(sub, now)
            if due is None:
                continue
            if (now - due).total_seconds() > self.grace:
                self._skip_missed(sub, due, now)
                results.append(TickResult(sub.key, due, "skipped_grace"))
                continue
            if not self.subscriptions.claim_slot(sub, due, CLAIM_SECONDS):
                results.append(TickResult(sub.key, due, "claimed_elsewhere"))
                continue
            results.append(TickResult(sub.key, due, self._send(sub, due)))
        return results

    def _due_slot(self, sub: Subscription, now: datetime) -> datetime | None:
        due = sub.last_due(now)
        if due is None:
            return None
        if sub.last_sent_for and datetime.fromisoformat(sub.last_sent_for) >= due:
            return None
        if sub.created_at and datetime.fromisoformat(sub.created_at) > due:
            return None  # subscribed after this slot: start with the next one
        return due

    def _skip_missed(self, sub: Subscription, due: datetime, now: datetime) -> None:
        # record the slot as passed so the log says it once, not on every tick
        if self.subscriptions.claim_slot(sub, due, SENT_TTL_SECONDS):
            log.warning(
                "digest sub=%s missed its %s slot by %.0f s (grace %.0f s): not sent",
                sub.key,
                due.isoformat(),
                (now - due).total_seconds(),
                self.grace,
            )
            self.deps.metrics.digests.labels(outcome="missed").inc()

    def _send(self, sub: Subscription, due: datetime) -> str:
        try:
            digest = digest_for(self.deps, sub.team, sub.topics, scope=sub.scope)
            confirmed = self.send(sub, digest)
        except (BriefbotError, OSError) as exc:
            log.warning("digest sub=%s slot=%s failed: %s", sub.key, due.isoformat(), exc)
            confirmed = False
            digest = None
        except Exception:
            self.subscriptions.release_slot(sub, due)
            raise
        if not confirmed or digest is None:
            self.subscriptions.release_slot(sub, due)
            self.deps.metrics.digests.labels(outcome="failed").inc()
            return "failed"
        self.subscriptions.confirm_slot(sub, due, SENT_TTL_SECONDS)
        for brief in digest.briefs:
            if brief.known_topic:
                self.deps.topic_state.set_watermark(
                    sub.team, brief.topic, sub.scope, digest.generated_at
                )
        self.deps.metrics.digests.labels(outcome="sent").inc()
        log.info("digest sent sub=%s slot=%s channel=%s", sub.key, due.isoformat(), sub.channel)
        return "sent"

    # ---- lifecycle ----------------------------------------------------------------

    def start(self) -> None:
        """Run ``tick`` now and every ``TICK_SECONDS`` in a background thread."""
        scheduler = BackgroundScheduler(timezone=UTC)
        scheduler.add_job(
            self._safe_tick,
            IntervalTrigger(seconds=TICK_SECONDS, timezone=UTC),
            id="digest-tick",
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),
        )
        scheduler.start()
        self._scheduler = scheduler

    def _safe_tick(self) -> None:
        try:
            self.tick()
        except BriefbotError as exc:  # e.g. Redis down: the next tick tries again
            log.warning("digest tick skipped: %s", exc)

    def shutdown(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)
            self._scheduler = None
