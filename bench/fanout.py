"""Digest fan-out at newsroom scale against a fake Slack that enforces Slack's limits.

500 digest subscriptions (200 channels, three topics each, pictures on for a
third of them) are all due at 07:00; one ``DigestScheduler.tick`` of the real
scheduler sends them through the real ``SlackDigestSender`` and Web client. The
fake Slack answers 429 with ``Retry-After`` to a second message in a channel
within a second and to calls over a method's tier (``tests/fakeslack/limits.py``).
Figures: time from the tick to the last digest, 429s received (each one honoured
by the client's retry after ``Retry-After``), digests posted per channel against
subscriptions per channel (nothing dropped or doubled), pictures shared.

    python -m bench.fanout            # 500 subscriptions, 200 channels
    python -m bench.fanout --small    # 60 subscriptions, 20 channels (a smoke run)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bench.common import BenchRedis, fake_slack, figure, verdict
from bot import service
from bot.config import Settings
from bot.deps import build_deps
from bot.digests.scheduler import DigestScheduler
from bot.runtime import digest_pictures_for
from bot.slack.client import SlackClients
from bot.slack.digests import PICTURES, SlackDigestSender
from tests.support.articles import STORIES, story_article
from tests.support.subscriptions import add_subscription

TOPICS = [f"{story}-desk" for story in STORIES]  # four topics, one story each
TARGET_SECONDS = 300.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", action="store_true")
    args = parser.parse_args(argv)
    subs_count, channels = (60, 20) if args.small else (500, 200)
    now = datetime.now(UTC).replace(second=1, microsecond=0)
    with tempfile.TemporaryDirectory() as tmp, fake_slack() as fake:
        store = BenchRedis(Path(tmp) / "redis")
        settings = Settings(
            redis_url=store.url,
            data_dir=Path(tmp) / "data",
            slack_bot_token="xoxb-bench",
            slack_api_url=fake.base_url,
        )
        deps = build_deps(settings)
        try:
            # a workspace may have 50 digests: ten newsrooms of 50, 20 channels each
            teams = [f"T{t}" for t in range(-(-subs_count // 50))]
            for team in teams:
                for story, slug in zip(STORIES, TOPICS, strict=True):
                    service.add_topic(deps, team, slug, [])
                    for n in range(1, 7):
                        article = story_article(story, n)
                        article.topics = [slug]
                        deps.store.save_article(team, article)
                        deps.topic_state.add_article(team, slug, article, now)
            subs_per_channel: Counter[str] = Counter()
            for i in range(subs_count):
                team = teams[i % len(teams)]
                channel = f"C{team}X{(i // len(teams)) % (channels // len(teams)):03d}"
                topics = [TOPICS[(i + k) % len(TOPICS)] for k in range(3)]
                sub = add_subscription(
                    deps.redis, team=team, channel=channel, topics=topics, hour=now.hour,
                    minute=now.minute, created_at="2026-01-01T00:00:00+00:00",
                )  # fmt: skip
                if i % 3 == 0:
                    sub.extra[PICTURES] = "on"
                    deps.subscriptions.save(sub)
                subs_per_channel[channel] += 1
            # serve loads the gazetteer at start-up (with the NLP model): so does the bench
            from bot.gazetteer.index import Gazetteer

            Gazetteer.load(cache_dir=settings.data_dir / "cache")
            fake.enforce_limits()
            # as serve: each subscription's workspace answered with its own client
            clients = SlackClients(settings, deps.metrics, deps.bot_token)
            sender = SlackDigestSender(clients, deps.metrics, digest_pictures_for(deps))
            scheduler = DigestScheduler(deps, sender, grace_seconds=3600)
            started = time.perf_counter()
            results = scheduler.tick(now)
            seconds = time.perf_counter() - started
        finally:
            deps.close()
            store.close()
    outcomes = Counter(r.outcome for r in results)
    posted = [c for c in fake.calls("chat.postMessage") if c.ok]
    per_channel = Counter(str(c.params["channel"]) for c in posted)
    limited = [c for c in fake.calls(include_failed=True) if c.fault == "http 429"]
    by_method = Counter(c.method for c in limited)
    shared = [c for c in fake.calls("files.completeUploadExternal") if c.ok]
    exact = per_channel == subs_per_channel and outcomes == Counter({"sent": subs_count})
    met = verdict(seconds < TARGET_SECONDS and exact)
    figure("fanout", f"{subs_count} digests in {channels} channels",
           f"last one {seconds:.1f} s after the tick",
           f"{met} target < 300 s, none dropped or doubled")  # fmt: skip
    figure("fanout", "outcomes", ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    figure("fanout", "posted per channel equals subscriptions per channel", str(exact))
    methods = ", ".join(f"{m} {n}" for m, n in sorted(by_method.items())) or "none"
    figure("fanout", "429s received and honoured", str(len(limited)), methods)
    figure(
        "fanout",
        "pictures shared",
        str(len(shared)),
        f"{subs_count // 3 + (subs_count % 3 > 0)} digests with pictures",
    )
    return 0 if exact and seconds < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
