"""``briefbot feed add|list|remove|poll``: feed subscriptions from the terminal.

``feed poll`` ingests new items in this process (no worker needs to run);
``serve`` and ``worker`` poll on their own and queue the items instead. Both
claim each feed's poll in Redis, so running them side by side polls once.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from typing import Any

from bot import render, service
from bot.config import TEAM_LOCAL
from bot.deps import Deps
from bot.store.serde import to_jsonable

TEAM_HELP = f"the workspace (default {TEAM_LOCAL}, the CLI's own)"


def add_parser(sub: Any) -> None:
    """Register ``feed`` and its verbs on the top-level subparsers."""
    feed = sub.add_parser("feed", help="feed subscriptions: add, list, remove, poll")
    verbs = feed.add_subparsers(dest="feed", required=True)
    add = verbs.add_parser("add", help="follow an RSS, Atom or JSON feed")
    add.add_argument("url", metavar="URL", help="the feed's address (http or https)")
    add.add_argument("--topic", default=None, help="also file every item into this topic")
    add.add_argument("--team", default=TEAM_LOCAL, help=TEAM_HELP)
    ls = verbs.add_parser("list", help="feeds with last success, last error and item count")
    ls.add_argument("--team", default=TEAM_LOCAL, help=TEAM_HELP)
    ls.add_argument("--json", action="store_true", help="one JSON list instead of a table")
    rm = verbs.add_parser("remove", help="stop following feed N (its number in the list)")
    rm.add_argument("number", metavar="N", help="the feed's number, as `feed list` shows it")
    rm.add_argument("--team", default=TEAM_LOCAL, help=TEAM_HELP)
    poll = verbs.add_parser("poll", help="poll due feeds and ingest their new items")
    poll.add_argument("--once", action="store_true", help="poll every due feed now and exit")


def cmd_feed(deps: Deps, args: argparse.Namespace) -> int:
    if args.feed == "add":
        feed = service.add_feed(deps, args.team, args.url, args.topic)
        topic = f", filed into {feed.topic}" if feed.topic else ""
        print(f"feed {feed.id} added: {feed.url}{topic}")
        return 0
    if args.feed == "list":
        feeds = deps.feeds.for_team(args.team)
        if args.json:
            print(json.dumps([to_jsonable(f) for f in feeds], indent=2))
        else:
            print(render.feeds_text(feeds))
        return 0
    if args.feed == "remove":
        if service.remove_feed(deps, args.team, args.number):
            print(f"feed {args.number} removed")
            return 0
        print(
            f"briefbot: no feed {args.number} in {args.team} (see `briefbot feed list`)",
            file=sys.stderr,
        )
        return 1
    return _poll(deps, once=args.once)


def _poll(deps: Deps, *, once: bool) -> int:
    from bot.feeds.poller import TICK_SECONDS, FeedPoller
    from bot.feeds.submit import inline_submit

    poller = FeedPoller(
        deps.feeds,
        deps.fetcher,
        inline_submit(deps),
        base_interval=deps.settings.feed_interval,
        max_interval=deps.settings.feed_max_interval,
    )
    stop = threading.Event()
    while True:
        results = poller.poll_due()
        for r in results:
            extra = f" ({r.error})" if r.error else ""
            print(f"feed {r.feed}: {r.outcome}, {r.new_items} new{extra}")
        if once:
            if not results:
                print("no feed is due")
            return 1 if results and all(r.outcome == "failed" for r in results) else 0
        try:
            stop.wait(TICK_SECONDS)
        except KeyboardInterrupt:
            return 0
