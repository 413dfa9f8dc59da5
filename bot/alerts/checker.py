"""Finding and posting alerts: each tick, for every alert subscription, the
developments that started since (at most ``DEV_LOOKBACK`` ago, and never before
the subscription) and today's volume against the topic's baseline
(``bot.alerts.spike``). Each alert is claimed (``AlertSubscriptions.claim``)
before it is posted, so it goes out once across replicas: one per development,
one spike per topic and day, at most ``PER_HOUR`` per channel an hour. Alerts
over the rate wait for the next hour while they are still recent.

``AlertScheduler`` ticks every ``TICK_SECONDS`` on ``serve``'s scheduler thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.alerts.spike import volume_today
from bot.alerts.subscriptions import AlertSubscription, AlertSubscriptions
from bot.digests.state import DigestState
from bot.errors import BriefbotError
from bot.jobs.ticker import Ticker
from bot.topics import corrections
from bot.topics.state import TopicState

log = logging.getLogger(__name__)

TICK_SECONDS = 60.0
PER_HOUR = 4  # alerts per channel and hour
DEV_LOOKBACK = timedelta(hours=6)  # an older "new development" is no longer news


@dataclass(frozen=True)
class Alert:
    """One thing to tell a channel about a topic."""

    kind: str  # "development" or "spike"
    team: str
    channel: str
    topic: str
    what: str  # what is claimed: a development id, or "spike:<day>"
    title: str  # the development's title, or a line about the volume
    detail: str = ""  # its summary, or the numbers behind the spike
    articles: int = 0


#: posts an alert; True once Slack confirmed it
AlertSender = Callable[[Alert], bool]


class AlertChecker:
    def __init__(
        self,
        subscriptions: AlertSubscriptions,
        digest_state: DigestState,
        topic_state: TopicState,
        send: AlertSender,
        *,
        per_hour: int = PER_HOUR,
        teams: Callable[[], set[str] | None] = lambda: None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.subscriptions = subscriptions
        self.digest_state = digest_state
        self.topic_state = topic_state
        self.send = send
        self.per_hour = per_hour
        self.teams = teams
        self.clock = clock or (lambda: datetime.now(UTC))

    def tick(self, now: datetime | None = None) -> list[tuple[Alert, str]]:
        """Post what is due; returns each alert found with its outcome
        ("sent", "already", "rate_limited" or "failed")."""
        now = now or self.clock()
        teams = self.teams()
        done = []
        for sub in self.subscriptions.all():
            if teams is not None and sub.team not in teams:
                continue
            try:
                for alert in self.alerts_for(sub, now):
                    done.append((alert, self._deliver(sub, alert, now)))
            except BriefbotError as exc:  # Redis away, a topic gone: the next tick retries
                log.warning("alerts sub=%s not checked: %s", sub.key, exc)
        return done

    def alerts_for(self, sub: AlertSubscription, now: datetime) -> list[Alert]:
        """The subscription's alert candidates at ``now`` (claimed or not)."""
        since = max(datetime.fromisoformat(sub.created_at), now - DEV_LOOKBACK)
        changes = self.digest_state.changes(sub.team, sub.topic, since, None)
        started = [d for d in changes.developments if since < d.created_at <= now]
        # an editor's title is the development's title here too
        started = corrections.retitled(self.digest_state.redis, sub.team, sub.topic, started)
        alerts = [
            Alert(
                kind="development",
                team=sub.team,
                channel=sub.channel,
                topic=sub.topic,
                what=f"dev:{d.id}",
                title=d.title,
                detail=d.summary,
                articles=d.article_count,
            )
            for d in sorted(started, key=lambda d: d.created_at)
        ]
        volume = volume_today(self.topic_state.volume(sub.team, sub.topic), now.date())
        if volume is not None and volume.spike:
            alerts.append(
                Alert(
                    kind="spike",
                    team=sub.team,
                    channel=sub.channel,
                    topic=sub.topic,
                    what=f"spike:{now.date().isoformat()}",
                    title=f"{sub.topic} is busy today",
                    detail=(
                        f"{volume.today} articles today (UTC) against about {volume.mean:.0f} a "
                        f"day over the last days; the alert threshold is {volume.threshold}."
                    ),
                    articles=volume.today,
                )
            )
        return alerts

    def _deliver(self, sub: AlertSubscription, alert: Alert, now: datetime) -> str:
        claimed = self.subscriptions.claim(sub, alert.what, now, self.per_hour)
        if claimed == 0:
            return "already"
        if claimed < 0:
            log.info("alert sub=%s %s: channel over its hourly rate", sub.key, alert.what)
            return "rate_limited"
        try:
            sent = self.send(alert)
        except Exception:
            log.exception("alert sub=%s %s: post failed", sub.key, alert.what)
            sent = False
        if not sent:
            self.subscriptions.release(sub, alert.what, now)
            return "failed"
        log.info("alert sent sub=%s %s", sub.key, alert.what)
        return "sent"


class AlertScheduler(Ticker):
    """Runs ``checker.tick`` now and then every ``TICK_SECONDS``, in a thread."""

    def __init__(self, checker: AlertChecker, tick: float | None = None) -> None:
        super().__init__("alert-tick", checker.tick, tick or TICK_SECONDS)
        self.checker = checker
