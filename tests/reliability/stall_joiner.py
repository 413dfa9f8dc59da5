"""Joins articles to one topic in its own process, for the stalled-writer tests.

Usage: ``python tests/reliability/stall_joiner.py REDIS_URL LOCK_MS FIRST COUNT [unfenced]``

Joins articles ``FIRST`` .. ``FIRST + COUNT - 1`` of ``same_story`` to topic
``syria`` of team ``T1`` with the topic lock's life set to ``LOCK_MS``, then
prints ``refused=N busy=M`` (joins whose write the fence refused, joins that
found the topic busy and were retried, as a worker retries its job) and exits.
``unfenced`` applies writes without checking the lock's owner: the behaviour
before fencing, for measuring what the fence prevents.
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run as a script from anywhere

from bot.errors import TopicBusy
from bot.models import Article, Entity, Place
from bot.store import fence
from bot.topics import state as topic_state
from tests.support.articles import keyed_article

WHEN = datetime(2026, 3, 1, 8, tzinfo=UTC)
MENTIONS = 3  # of the one actor every article names: counts must sum exactly


def _word(value: int) -> str:
    out = ""
    while True:
        value, digit = divmod(value, 26)
        out += chr(97 + digit)
        if not value:
            return "q" + out


def same_story(n: int) -> Article:
    """Article ``n``: the same subject and actor as all others (so they join the same
    developments), with enough words of its own never to be a near-duplicate."""
    own = " ".join(_word(n * 100 + i) for i in range(30))
    text = f"The council met again over the dam at Raqqa. Report {own}."
    url = f"https://wire.example/dam/{n}"
    return keyed_article(
        url,
        text,
        title="Council meets over the Raqqa dam",
        outlet=f"Outlet {n % 7}",
        published=WHEN + timedelta(minutes=n),
        topics=["syria"],
        actors=[
            Entity(id="org:council", name="Dam Council", kind="organization", mentions=MENTIONS)
        ],
        locations=[Place(id="geo:raqqa", name="Raqqa", kind="city", country="SY", mentions=1)],
    )


class _Refusals(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "lost the lock" in record.getMessage():
            self.count += 1


def main(argv: list[str]) -> int:
    url, lock_ms, first, count = argv[1], int(argv[2]), int(argv[3]), int(argv[4])
    topic_state.LOCK_MS = lock_ms
    topic_state.ATTEMPTS = 50  # stalls are injected on purpose: keep redoing, never give up
    refusals = _Refusals()
    logging.getLogger("bot.topics.state").addHandler(refusals)
    if argv[5:] == ["unfenced"]:
        fence._APPLY = fence._APPLY.replace("then return 0 end", "then end", 1)
    client = redis.Redis.from_url(url)
    state = topic_state.TopicState(client)
    busy = 0
    for n in range(first, first + count):
        while True:
            try:
                state.add_article("T1", "syria", same_story(n), WHEN)
                break
            except TopicBusy:
                busy += 1  # a worker would give the job back and retry it
    print(f"refused={refusals.count} busy={busy}", flush=True)
    client.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
