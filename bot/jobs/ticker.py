"""A piece of periodic work in a background thread (APScheduler 3).

Feed polling and alert checks run this way in ``serve`` and ``worker``: now, and
then every ``seconds``; one run at a time (a slow run is not stacked on another);
a ``BriefbotError`` (Redis down while listing, say) skips that run with a warning
and the next one tries again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.errors import BriefbotError

log = logging.getLogger(__name__)


class Ticker:
    def __init__(self, name: str, work: Callable[[], object], seconds: float) -> None:
        self.name = name
        self.work = work
        self.tick = seconds
        self._scheduler: BackgroundScheduler | None = None

    def start(self) -> None:
        scheduler = BackgroundScheduler(timezone=UTC)
        scheduler.add_job(
            self._safe_tick,
            IntervalTrigger(seconds=self.tick, timezone=UTC),
            id=self.name,
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),
        )
        scheduler.start()
        self._scheduler = scheduler

    def _safe_tick(self) -> None:
        try:
            self.work()
        except BriefbotError as exc:
            log.warning("%s skipped: %s", self.name, exc)

    def shutdown(self) -> None:
        """Stop ticking; a run in progress finishes first."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)
            self._scheduler = None
