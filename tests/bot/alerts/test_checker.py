"""Alerts on a real Redis over a simulated fortnight: a steady stream never alerts,
a spike alerts once, a new development alerts once, replicas and the channel's
rate limit hold."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.alerts.checker import Alert, AlertChecker
from bot.alerts.subscriptions import AlertSubscription
from bot.deps import Deps
from tests.support.articles import story_article
from tests.support.deps import deps_on

START = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)
# articles a day: steady around ten, never the same twice in a row
STEADY = [8, 12, 10, 9, 11, 13, 7, 10, 12, 9, 8, 11, 10, 12]


class Outbox:
    """The checker's ``send``: the alerts it posted, in order."""

    def __init__(self, ok: bool = True) -> None:
        self.sent: list[Alert] = []
        self.ok = ok
        self._lock = threading.Lock()

    def __call__(self, alert: Alert) -> bool:
        with self._lock:
            if self.ok:
                self.sent.append(alert)
            return self.ok


def checker(deps: Deps, outbox: Outbox, per_hour: int = 4) -> AlertChecker:
    return AlertChecker(deps.alerts, deps.digest_state, deps.topic_state, outbox, per_hour=per_hour)


def subscribe(deps: Deps, at: datetime, channel: str = "C1", topic: str = "syria") -> None:
    assert deps.alerts.add(AlertSubscription("T1", channel, topic, at.isoformat(), "U1"))


class Stream:
    """Articles of one story filed into ``syria`` at simulated times."""

    def __init__(self, deps: Deps, story: str = "quake") -> None:
        self.deps, self.story, self.n = deps, story, 0

    def add(self, when: datetime) -> None:
        self.n += 1
        article = story_article(self.story, self.n)
        article.published = when
        self.deps.store.save_article("T1", article)
        self.deps.topic_state.add_article("T1", "syria", article, when)


def steady_fortnight(deps: Deps, stream: Stream, check: AlertChecker) -> list[tuple[Alert, str]]:
    """Fourteen days of ``STEADY`` articles, spread over each day, with a tick every hour."""
    seen = []
    for day, count in enumerate(STEADY):
        times = [
            START + timedelta(days=day, minutes=30 + i * (1380 // count)) for i in range(count)
        ]
        for hour in range(24):
            now = START + timedelta(days=day, hours=hour)
            for t in [t for t in times if now <= t < now + timedelta(hours=1)]:
                stream.add(t)
            seen += check.tick(now + timedelta(minutes=59))
    return seen


def test_a_steady_fortnight_never_alerts_and_a_spike_alerts_once(deps: Deps) -> None:
    stream = Stream(deps)
    stream.add(START - timedelta(days=1))  # the story was known before the channel subscribed
    subscribe(deps, START)
    outbox = Outbox()
    check = checker(deps, outbox)
    assert steady_fortnight(deps, stream, check) == []
    assert outbox.sent == []
    # day 15: the story suddenly gets busy; the tick after the crossing article alerts
    day = START + timedelta(days=14)
    outcomes = []
    for minute in range(0, 60 * 3, 5):  # an article every five minutes for three hours
        now = day + timedelta(hours=6, minutes=minute)
        stream.add(now)
        outcomes += [o for _, o in check.tick(now + timedelta(seconds=30))]
    [spike] = outbox.sent
    assert (spike.kind, spike.channel, spike.topic) == ("spike", "C1", "syria")
    assert spike.articles == 23  # alerted at the tick after the threshold was crossed
    assert "about 10 a day" in spike.detail
    assert outcomes.count("sent") == 1 and set(outcomes) == {"sent", "already"}


def test_a_new_development_alerts_once_and_old_ones_never(deps: Deps) -> None:
    Stream(deps, "quake").add(START)
    subscribe(deps, START + timedelta(hours=1))
    outbox = Outbox()
    check = checker(deps, outbox)
    assert check.tick(START + timedelta(hours=2)) == []  # the quake story predates it
    Stream(deps, "dam").add(START + timedelta(hours=3))
    for minutes in (1, 10, 60):
        check.tick(START + timedelta(hours=3, minutes=minutes))
    [alert] = outbox.sent
    assert (alert.kind, alert.title) == ("development", "Euphrates dam level falls")


def test_two_replicas_post_each_alert_once(deps: Deps, redis_url: str, tmp_path: Path) -> None:
    subscribe(deps, START)
    Stream(deps, "dam").add(START + timedelta(minutes=5))
    outbox = Outbox()
    start = threading.Barrier(2)

    def replica(folder: Path) -> None:
        with deps_on(redis_url, folder) as other:
            check = checker(other, outbox)
            start.wait()
            check.tick(START + timedelta(minutes=6))

    threads = [threading.Thread(target=replica, args=(tmp_path / n,)) for n in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert [a.kind for a in outbox.sent] == ["development"]


def test_the_channel_rate_limit_defers_and_a_failed_post_is_retried(deps: Deps) -> None:
    subscribe(deps, START)
    for n, story in enumerate(("quake", "port", "vote")):
        Stream(deps, story).add(START + timedelta(minutes=1 + n))
    failing = Outbox(ok=False)
    outcomes = [o for _, o in checker(deps, failing, per_hour=2).tick(START + timedelta(minutes=5))]
    assert outcomes == ["failed"] * 3  # each claim given back
    outbox = Outbox()
    check = checker(deps, outbox, per_hour=2)
    outcomes = [o for _, o in check.tick(START + timedelta(minutes=6))]
    assert outcomes == ["sent", "sent", "rate_limited"]
    outcomes = [o for _, o in check.tick(START + timedelta(minutes=70))]  # the next hour
    assert outcomes == ["already", "already", "sent"]
    assert len({a.what for a in outbox.sent}) == 3
