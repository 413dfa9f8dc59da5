"""Digest subscriptions: a channel, topics, a local time of day and days.

Stored in Redis (``SchedKeys.subscriptions``) as JSON, so they survive restarts
and every replica sees the same set. Due times come from APScheduler's
``CronTrigger`` in the subscription's own time zone, so 07:00 stays 07:00 local
time across daylight-saving changes. A slot is named by its local date and time
(``slot_id``): when clocks go back and 02:30 happens twice, it is one slot.
Each slot is sent once across replicas: ``bot.digests.claims``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from bot.errors import InputError
from bot.store import serde
from bot.store.client import RedisClient, text, unavailable_on_error
from bot.store.keys import SchedKeys, TeamKeys

log = logging.getLogger(__name__)

MAX_PER_TEAM = 50
LOOKBACK = timedelta(days=8)  # enough to find the latest slot of a once-a-week schedule
_CRON_DAYS = {"daily": "*", "weekdays": "mon-fri"}


@dataclass
class Subscription:
    id: str
    team: str
    channel: str
    topics: list[str]
    hour: int
    minute: int
    days: str  # "daily", "weekdays" or "mon,wed,fri"
    timezone: str
    created_by: str = ""
    created_at: str = ""  # ISO time; slots before it are not sent
    # ISO time of the last slot Slack confirmed: kept in SchedKeys.last_sent (see confirm)
    last_sent_for: str | None = field(default=None, metadata=serde.NOT_STORED)
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.team}/{self.id}"

    @property
    def scope(self) -> str:
        """The watermark scope of this subscription's digests."""
        return f"digest:{self.id}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def trigger(self) -> CronTrigger:
        return CronTrigger(
            day_of_week=_CRON_DAYS.get(self.days, self.days),
            hour=self.hour,
            minute=self.minute,
            timezone=self.zone,
        )

    def slot_id(self, due: datetime) -> str:
        """The slot's name: its local date and time, e.g. ``2026-03-29T07:00``."""
        return due.astimezone(self.zone).strftime("%Y-%m-%dT%H:%M")

    def fires(self, start: datetime, end: datetime) -> list[datetime]:
        """Scheduled times in ``[start, end]`` (in UTC), at most one per local day.

        When clocks go back, the cron trigger fires twice at 02:30 (once in each
        offset); the second one is the same slot and is left out.
        """
        trigger, out, days = self.trigger(), [], set()
        probe = start.astimezone(UTC)
        # at most one fire a day (twice on a clocks-back day): the bound is only a guard
        for _ in range(2 * ((end - start).days + 2)):
            # from a UTC time, never from the last fire: APScheduler 3.11 loops forever
            # when asked for the fire after the second (fold=1) 02:30 of a clocks-back day
            due = trigger.get_next_fire_time(None, probe)
            if due is None or due > end:
                break
            # in UTC: a local time in a repeated hour never compares equal across zones
            due = due.astimezone(UTC)
            day = self.slot_id(due)[:10]
            if day not in days:
                days.add(day)
                out.append(due)
            probe = due + timedelta(seconds=1)
        return out

    def last_due(self, now: datetime) -> datetime | None:
        """The latest scheduled time at or before ``now`` (within 8 days)."""
        fires = self.fires(now - LOOKBACK, now)
        return fires[-1] if fires else None

    def next_due(self, now: datetime) -> datetime | None:
        """The first scheduled time after ``now`` (within 8 days)."""
        fires = self.fires(now + timedelta(seconds=1), now + LOOKBACK)
        return fires[0] if fires else None

    def describe(self) -> str:
        when = f"{self.hour:02d}:{self.minute:02d}"
        return f"{', '.join(self.topics)} at {when} {self.days} ({self.timezone})"


def valid_timezone(name: str | None, fallback: str) -> str:
    """``name`` when it is a time zone this machine knows, else ``fallback``."""
    if name:
        try:
            ZoneInfo(name)
            return name
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return fallback


class Subscriptions:
    """Subscriptions in Redis, each team's apart, and the scheduler's last run."""

    def __init__(self, client: RedisClient) -> None:
        self.redis = client

    # ---- the subscriptions --------------------------------------------------------

    @unavailable_on_error
    def add(self, sub: Subscription) -> Subscription:
        """Store a new subscription with a fresh id (ids are unique across teams)."""
        TeamKeys(sub.team)  # validates the team id
        if len(self.for_team(sub.team)) >= MAX_PER_TEAM:
            raise InputError(f"a workspace can have at most {MAX_PER_TEAM} digests")
        sub.id = str(self.redis.incr(SchedKeys.next_id))
        self.save(sub)
        return sub

    @unavailable_on_error
    def save(self, sub: Subscription) -> None:
        self.redis.hset(SchedKeys.subscriptions, sub.key, serde.dumps(sub))

    @unavailable_on_error
    def remove(self, team: str, sub_id: str) -> bool:
        """Remove ``team``'s subscription ``sub_id``; another team's id is not found."""
        key = f"{team}/{sub_id}"
        pipe = self.redis.pipeline(transaction=True)
        pipe.hdel(SchedKeys.subscriptions, key)
        pipe.hdel(SchedKeys.last_sent, key)
        removed, _ = pipe.execute()
        return bool(removed)

    @unavailable_on_error
    def get(self, team: str, sub_id: str) -> Subscription | None:
        key = f"{team}/{sub_id}"
        pipe = self.redis.pipeline(transaction=False)
        pipe.hget(SchedKeys.subscriptions, key)
        pipe.hget(SchedKeys.last_sent, key)
        raw, sent = pipe.execute()
        if not raw:
            return None
        sub = serde.loads(Subscription, raw)
        sub.last_sent_for = sent.decode() if sent else None
        return sub

    @unavailable_on_error
    def all(self) -> list[Subscription]:
        """Every team's subscriptions, by id; an unreadable entry is logged and left out."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.hgetall(SchedKeys.subscriptions)
        pipe.hgetall(SchedKeys.last_sent)
        raws, sent = pipe.execute()
        out = []
        for key, raw in raws.items():
            try:
                sub = serde.loads(Subscription, raw)
            except (ValueError, TypeError) as exc:
                log.error("subscription %s is unreadable, skipped: %s", key.decode(), exc)
                continue
            last = sent.get(key)
            sub.last_sent_for = last.decode() if last else None
            out.append(sub)
        return sorted(out, key=lambda s: (len(s.id), s.id))

    def for_team(self, team: str) -> list[Subscription]:
        return [s for s in self.all() if s.team == team]

    # ---- the scheduler's last run (for `briefbot status`) -------------------------

    @unavailable_on_error
    def record_tick(self, at: datetime, due: int, sent: int, failed: int) -> None:
        """What the latest tick of any replica did; overwritten by the next one."""
        fields = {"at": at.isoformat(), "due": due, "sent": sent, "failed": failed}
        self.redis.hset(SchedKeys.last_tick, mapping=fields)  # type: ignore[arg-type]

    @unavailable_on_error
    def last_tick(self) -> dict[str, str] | None:
        raw = self.redis.hgetall(SchedKeys.last_tick)
        return {text(k): text(v) for k, v in raw.items()} if raw else None
