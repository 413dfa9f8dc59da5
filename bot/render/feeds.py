"""Feed subscriptions as text (``briefbot feed list``) and as Block Kit
(``/brief feed list``): number, address, topic, last success, last error, items."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import Block, SectionBlock

from bot.feeds.subscriptions import Feed
from bot.render.mrkdwn import escape, truncate_plain

NO_FEEDS = "No feeds yet."


def _when(iso: str | None) -> str:
    if not iso:
        return "never"
    try:
        return datetime.fromisoformat(iso).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return iso


def feed_line(feed: Feed) -> str:
    """One line per feed, plain text (the CLI)."""
    topic = f" -> {feed.topic}" if feed.topic else ""
    error = ""
    if feed.last_error:
        error = f"; last error {_when(feed.last_error_at)}: {feed.last_error}"
    return (
        f"{feed.id}. {feed.url}{topic}  ({feed.items} items; last success "
        f"{_when(feed.last_success)}{error})"
    )


def admin_feeds_text(feeds: Sequence[Feed]) -> str:
    """Every workspace's feeds (``briefbot admin feeds``): one line each, by workspace."""
    return "\n".join(f"{f.team}/{feed_line(f)}" for f in feeds) if feeds else NO_FEEDS


def feeds_text(feeds: Sequence[Feed]) -> str:
    return "\n".join(feed_line(f) for f in feeds) if feeds else NO_FEEDS


def feeds_blocks(feeds: Sequence[Feed]) -> list[Block]:
    """The team's feeds; addresses and errors are escaped (they come from outside)."""
    if not feeds:
        return [SectionBlock(text=f"{NO_FEEDS} `/brief feed add <url> [to <topic>]` adds one.")]
    blocks: list[Block] = []
    for feed in feeds[:45]:  # Slack's 50-block limit
        topic = f" → *{escape(feed.topic)}*" if feed.topic else ""
        lines = [
            f"*{feed.id}.* {escape(truncate_plain(feed.url, 300))}{topic}",
            f"{feed.items} items · last success {_when(feed.last_success)}",
        ]
        if feed.last_error:
            error = escape(truncate_plain(feed.last_error, 200))
            lines.append(f"last error {_when(feed.last_error_at)}: {error}")
        blocks.append(SectionBlock(text="\n".join(lines)))
    return blocks
