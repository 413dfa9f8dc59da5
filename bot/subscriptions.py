"""Digest subscriptions: a channel, topics, a local time of day and days.

Stored in Redis (``SchedKeys.subscriptions``) as JSON, so they survive restarts
and every replica sees the same set. Due times are computed with APScheduler's
``CronTrigger`` in the subscription's own time zone, so 07:00 stays 07:00 local
time across daylight-saving changes.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from bot.errors import InputError
from bot.keys import SchedKeys, TeamKeys
from bot.store import RedisClient, unavailable_on_error

MAX_PER_TEAM = 50
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
    created_at: str = ""
    last_sent_for: str | None = None  # ISO time of the last scheduled slot confirmed sent
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.team}/{self.id}"

    @property
    def scope(self) -> str:
        """The watermark scope of this subscription's digests."""
        return f"digest:{self.id}"

    def trigger(self) -> CronTrigger:
        return CronTrigger(
            day_of_week=_CRON_DAYS.get(self.days, self.days),
            hour=self.hour,
            minute=self.minute,
            timezone=ZoneInfo(self.timezone),
        )

    def last_due(self, now: datetime) -> datetime | None:
        """The latest scheduled time at or before ``now`` (within 8 days)."""
        trigger = self.trigger()
        probe = now - timedelta(days=8)
        last = None
        due = trigger.get_next_fire_time(None, probe)
        while due is not None and due <= now:
            last = due
            due = trigger.get_next_fire_time(due, due + timedelta(seconds=1))
        return last

    def next_due(self, now: datetime) -> datetime | None:
        fire: datetime | None = self.trigger().get_next_fire_time(None, now)
        return fire

    def describe(self) -> str:
        when = f"{self.hour:02d}:{self.minute:02d}"
        return f"{', '.join(self.topics)} at {when} {self.days} ({self.timezone})"


def valid_timezone(name: str | None, fallback: str) -> str:
    if name:
        try:
            ZoneInfo(name)
            return name
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return fallback


class Subscriptions:
    def __init__(self, client: RedisClient) -> None:
        self.redis = client

    @unavailable_on_error
    def add(self, sub: Subscription) -> Subscription:
        if len(self.for_team(sub.team)) >= MAX_PER_TEAM:
            raise InputError(f"a workspace can have at most {MAX_PER_TEAM} digests")
        TeamKeys(sub.team)  # validates the team id
        sub.id = str(self.redis.incr(SchedKeys.next_id))
        self.save(sub)
        return sub

    @unavailable_on_error
    def save(self, sub: Subscription) -> None:
        self.redis.hset(SchedKeys.subscriptions, sub.key, json.dumps(asdict(sub)))

    @unavailable_on_error
    def remove(self, team: str, sub_id: str) -> bool:
        return bool(self.redis.hdel(SchedKeys.subscriptions, f"{team}/{sub_id}"))

    @unavailable_on_error
    def get(self, team: str, sub_id: str) -> Subscription | None:
        raw = self.redis.hget(SchedKeys.subscriptions, f"{team}/{sub_id}")
        return Subscription(**json.loads(raw)) if raw else None

    @unavailable_on_error
    def all(self) -> list[Subscription]:
        raws = self.redis.hgetall(SchedKeys.subscriptions).values()
        return sorted((Subscription(**json.loads(r)) for r in raws), key=lambda s: int(s.id))

    def for_team(self, team: str) -> list[Subscription]:
        return [s for s in self.all() if s.team == team]

    @unavailable_on_error
    def claim_slot(self, sub: Subscription, due: datetime, ttl_seconds: int) -> bool:
        """The idempotency guard: True for exactly one caller per subscription and slot."""
        key = SchedKeys.sent(sub.key, due.isoformat())
        return bool(self.redis.set(key, "sending", nx=True, ex=ttl_seconds))

    @unavailable_on_error
    def release_slot(self, sub: Subscription, due: datetime) -> None:
        """Give a slot back after a failed send, so a later tick retries it."""
        self.redis.delete(SchedKeys.sent(sub.key, due.isoformat()))

    @unavailable_on_error
    def confirm_slot(self, sub: Subscription, due: datetime, ttl_seconds: int) -> None:
        self.redis.set(SchedKeys.sent(sub.key, due.isoformat()), "sent", ex=ttl_seconds)
        current = self.get(sub.team, sub.id)
        if current is not None:
            current.last_sent_for = due.isoformat()
            self.save(current)
