"""Scheduled digests: one APScheduler 3.x job per process ticks once a minute, and
each digest goes out once per subscription and scheduled time across replicas.

A tick looks at every subscription's latest scheduled time
(``Subscription.last_due``: a ``CronTrigger`` in the subscription's time zone)
and handles the slots not sent yet:

* within the grace period (``BRIEFBOT_DIGEST_GRACE``, default one hour): claim
  the slot in Redis (``SlotClaims.claim``, one winner), build the digest,
  wait for the channel's turn (``bot.digests.pacing``), renew the claim, post, and on
  Slack's confirmation mark the slot sent and move the watermark. A failed post
  gives the claim back so the next tick retries; a claimer that dies leaves a
  claim that lapses after ``claim_seconds`` for another replica to take.
* past the grace period: recorded as missed once, and not sent. So a process
  that was down at 07:00 sends the 07:00 digest when it is back by 08:00.

Ticks run at second ``TICK_SECOND`` of every minute, since schedules are whole
minutes, and once at start-up to catch up. A post that Slack took but whose
confirmation was lost (crash between the two) can be sent again by the replica
that takes the lapsed claim: at least once, exactly once in every other case.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain, zip_longest
from typing import Protocol

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.digests.assemble import DigestStores, digest_for, mark_sent
from bot.digests.claims import SlotClaims
from bot.digests.pacing import ChannelPacer
from bot.digests.subscriptions import Subscription, Subscriptions
from bot.errors import BriefbotError
from bot.metrics import Metrics
from bot.models import Digest


class SchedulerDeps(DigestStores, Protocol):
    """What the scheduler uses: digest stores, subscriptions, slot claims, pacing, metrics."""

    @property
    def subscriptions(self) -> Subscriptions: ...

    @property
    def slot_claims(self) -> SlotClaims: ...

    @property
    def pacer(self) -> ChannelPacer: ...

    @property
    def metrics(self) -> Metrics: ...


log = logging.getLogger(__name__)

TICK_SECOND = 1  # second of each minute at which replicas tick
CLAIM_SECONDS = 300.0  # must exceed a slow post (retries after 429s) and stay under the grace

#: posts a digest; returns True once Slack confirmed the message
DigestSender = Callable[[Subscription, Digest], bool]


@dataclass
class TickResult:
    subscription: str  # "team/id"
    due: datetime
    # "sent", "failed", "missed" (past grace, first to see it), "claimed_elsewhere"
    # (another replica has or had the slot), "lost_claim" (ours lapsed before the post)
    outcome: str


class DigestScheduler:
    """Sends due digests; ``tick`` is safe to call from any number of replicas at once."""

    def __init__(
        self,
        deps: SchedulerDeps,
        send: DigestSender,
        *,
        grace_seconds: float,
        claim_seconds: float = CLAIM_SECONDS,
        pacer: ChannelPacer | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.deps = deps
        self.send = send
        self.grace = grace_seconds
        self.claim_seconds = claim_seconds
        self.pacer = pacer or deps.pacer
        self.clock = clock or (lambda: datetime.now(UTC))
        self.subscriptions = deps.subscriptions
        self.claims = deps.slot_claims
        self._scheduler: BackgroundScheduler | None = None
        # the slot each subscription last left behind past its grace: not asked about again
        self._past: dict[str, datetime] = {}

    def tick(self, now: datetime | None = None) -> list[TickResult]:
        """Handle every slot that is due at ``now`` (default: the clock) and not done yet."""
        now = now or self.clock()
        # time passes while we pace and post; claims are renewed with the moving time
        offset = now - self.clock()
        due = [(s, d) for s in self.subscriptions.all() if (d := self._due_slot(s, now))]
        results = []
        for sub, slot in _round_robin(due):
            if self._past.get(sub.key) == slot:
                continue
            try:
                outcome = self._handle(sub, slot, now, lambda: self.clock() + offset)
            except BriefbotError as exc:  # e.g. Redis went away: the next tick tries again
                log.warning("digest sub=%s slot=%s not handled: %s", sub.key, slot, exc)
                outcome = "failed"
            if outcome != "sent":
                log.info("digest sub=%s slot=%s: %s", sub.key, sub.slot_id(slot), outcome)
            results.append(TickResult(sub.key, slot, outcome))
        sent = sum(r.outcome == "sent" for r in results)
        failed = sum(r.outcome == "failed" for r in results)
        log.debug("digest tick done at=%s due=%d sent=%d", now.isoformat(), len(due), sent)
        try:
            self.subscriptions.record_tick(now, len(due), sent, failed)
        except BriefbotError as exc:  # only a status figure: never fail a tick for it
            log.debug("digest tick not recorded: %s", exc)
        return results

    def _due_slot(self, sub: Subscription, now: datetime) -> datetime | None:
        try:
            due = sub.last_due(now)
        except (ValueError, LookupError) as exc:  # a time zone this machine lost
            log.error("digest sub=%s has an unusable schedule: %s", sub.key, exc)
            return None
        if due is None:
            return None
        if sub.last_sent_for and datetime.fromisoformat(sub.last_sent_for) >= due:
            return None
        if sub.created_at and datetime.fromisoformat(sub.created_at) > due:
            return None  # subscribed after this slot: start with the next one
        return due

    def _handle(
        self, sub: Subscription, due: datetime, now: datetime, clock: Callable[[], datetime]
    ) -> str:
        late = (clock() - due).total_seconds()
        if late > self.grace:
            return self._too_late(sub, due, clock(), late)
        token = self.claims.claim(sub, due, clock(), self.claim_seconds)
        if token is None:
            return "claimed_elsewhere"
        try:
            outcome = self._send(sub, due, token, now, clock)
        except Exception:
            self.claims.release(sub, due, token)
            self.deps.metrics.digests.labels(outcome="failed").inc()
            log.exception("digest sub=%s slot=%s failed", sub.key, sub.slot_id(due))
            return "failed"
        if outcome == "failed":
            self.claims.release(sub, due, token)
        self.deps.metrics.digests.labels(outcome=outcome).inc()
        return outcome

    def _too_late(self, sub: Subscription, due: datetime, now: datetime, late: float) -> str:
        self._past[sub.key] = due
        if not self.claims.mark_missed(sub, due, now):
            return "claimed_elsewhere"  # another replica said so already (or is sending late)
        log.warning(
            "digest sub=%s missed its %s slot by %.0f s (grace %.0f s): not sent",
            sub.key,
            sub.slot_id(due),
            late,
            self.grace,
        )
        self.deps.metrics.digests.labels(outcome="missed").inc()
        return "missed"

    def _send(
        self,
        sub: Subscription,
        due: datetime,
        token: str,
        now: datetime,
        clock: Callable[[], datetime],
    ) -> str:
        # "new" is counted up to the tick's start: what lands during the tick comes
        # again in the next digest rather than never
        digest = digest_for(
            self.deps, sub.team, sub.topics, scope=sub.scope, now=now, title=_title(sub.hour)
        )
        self.pacer.wait(sub.channel)
        if not self.claims.renew(sub, due, token, clock(), self.claim_seconds):
            log.warning("digest sub=%s slot=%s: claim lapsed, not sent", sub.key, sub.slot_id(due))
            return "lost_claim"
        if not self.send(sub, digest):
            log.warning("digest sub=%s slot=%s: post failed", sub.key, sub.slot_id(due))
            return "failed"
        self.claims.confirm(sub, due)
        try:
            mark_sent(self.deps, sub.scope, digest)
        except BriefbotError as exc:  # posted once all the same; the next digest repeats some
            log.warning("digest sub=%s sent, but its watermark did not move: %s", sub.key, exc)
        log.info("digest sent sub=%s slot=%s channel=%s", sub.key, sub.slot_id(due), sub.channel)
        return "sent"

    # ---- lifecycle ----------------------------------------------------------------

    def start(self) -> None:
        """Tick now (to catch up after a restart) and then every minute, in a thread."""
        scheduler = BackgroundScheduler(timezone=UTC)
        scheduler.add_job(
            self._safe_tick,
            CronTrigger(second=TICK_SECOND, timezone=UTC),
            id="digest-tick",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=30,
            next_run_time=datetime.now(UTC),
        )
        scheduler.start()
        self._scheduler = scheduler

    def _safe_tick(self) -> None:
        try:
            self.tick()
        except BriefbotError as exc:  # e.g. Redis down while listing: the next tick retries
            log.warning("digest tick skipped: %s", exc)

    def shutdown(self) -> None:
        """Stop ticking; a tick in progress finishes first."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)
            self._scheduler = None


def _title(hour: int) -> str:
    if hour < 12:
        return "Morning digest"
    return "Afternoon digest" if hour < 17 else "Evening digest"


def _round_robin(
    due: list[tuple[Subscription, datetime]],
) -> list[tuple[Subscription, datetime]]:
    """Alternate channels, so one busy channel's pacing does not hold the others back."""
    by_channel: dict[str, list[tuple[Subscription, datetime]]] = {}
    for item in due:
        by_channel.setdefault(item[0].channel, []).append(item)
    rounds = zip_longest(*by_channel.values())
    return [item for item in chain.from_iterable(rounds) if item is not None]
