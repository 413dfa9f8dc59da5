"""Rendering: domain objects in, Slack Block Kit blocks or plain text out. Pure.

The public surface that handlers, jobs and the CLI use. The work is split by
subject:

* ``render_brief``   briefs and digests as blocks
* ``render_replies`` link summaries, help, topic and digest lists, the Home tab
* ``render_text``    briefs and digests as plain text for the CLI
* ``render_fit``     Slack's limits: per block, 50 blocks (100 in Home), ~11,000 characters
* ``render_format``  shared wording (dates, counts, names, "what is new")

Escaping lives in ``bot.render.mrkdwn``: every article or user string is escaped, so
nothing we relay can ping a channel or forge a link.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import Block

from bot.models import Brief, Digest, IngestResult
from bot.render import format as fmt
from bot.render.admin import dead_letters_text, subscriptions_text, workspaces_text
from bot.render.alerts import alert_blocks, alert_fallback, alert_subscriptions_text
from bot.render.brief import brief_blocks, digest_blocks
from bot.render.feeds import admin_feeds_text, feeds_blocks, feeds_text
from bot.render.mrkdwn import escape, truncate
from bot.render.replies import (
    duplicate_reply_blocks,
    help_blocks,
    home_view,
    ingest_reply_blocks,
    message,
    subscriptions_blocks,
    topics_blocks,
)
from bot.render.text import brief_text, digest_text

__all__ = [
    "admin_feeds_text",
    "alert_blocks",
    "alert_fallback",
    "alert_subscriptions_text",
    "blocks_text",
    "blocks_to_dicts",
    "brief_blocks",
    "brief_fallback",
    "brief_text",
    "dead_letters_text",
    "digest_blocks",
    "digest_fallback",
    "digest_text",
    "duplicate_reply_blocks",
    "feeds_blocks",
    "feeds_text",
    "help_blocks",
    "home_view",
    "ingest_fallback",
    "ingest_reply_blocks",
    "message",
    "subscriptions_blocks",
    "subscriptions_text",
    "topics_blocks",
    "workspaces_text",
]

FALLBACK_MAX = 300


def blocks_to_dicts(blocks: Sequence[Block | dict[str, Any]]) -> list[dict[str, Any]]:
    """Blocks as JSON-ready dicts (validated by slack_sdk on the way)."""
    return [b if isinstance(b, dict) else b.to_dict() for b in blocks]


def blocks_text(blocks: Sequence[Block | dict[str, Any]]) -> str:
    """A short ``text`` fallback for notifications: the first header or section text."""
    for block in blocks_to_dicts(blocks):
        text = block.get("text")
        if isinstance(text, dict) and str(text.get("text", "")).strip():
            first = str(text["text"]).strip().split("\n", 1)[0]
            return truncate(first, FALLBACK_MAX)
    return "briefbot"


def brief_fallback(brief: Brief) -> str:
    """``Brief: syria — 2 new, 1 updated · 18 articles from 6 outlets`` (escaped)."""
    words = fmt.change_words(brief)
    if brief.article_count == 0:
        tail = "no articles yet"
    else:
        articles = fmt.plural(brief.article_count, "article")
        tail = f"{articles} from {fmt.plural(brief.source_count, 'outlet')}"
    text = f"Brief: {brief.topic} — " + (f"{words} · {tail}" if words else tail)
    return truncate(escape(text), FALLBACK_MAX)


def digest_fallback(digest: Digest) -> str:
    """``Morning digest: syria (2 new), ukraine (nothing new)`` (escaped)."""
    parts = []
    for brief in digest.briefs:
        words = fmt.change_words(brief) if brief.developments else ""
        if brief.since is None and brief.developments:
            words = fmt.plural(len(brief.developments), "development")
        if not words and brief.shown_under and not brief.quiet:
            words = fmt.shown_elsewhere(brief)
        parts.append(f"{brief.topic} ({words or 'nothing new'})")
    text = f"{digest.title}: " + (", ".join(parts) if parts else "no topics yet")
    return truncate(escape(text), FALLBACK_MAX)


def ingest_fallback(result: IngestResult) -> str:
    """The ``text`` to send with ``ingest_reply_blocks``: the title or the reason (escaped)."""
    if result.status == "duplicate":
        title = result.article.title if result.article else result.source
        text = f"Already summarised: {title}"
    elif result.status == "failed" or result.article is None:
        text = f"Couldn't summarise this link: {result.reason or 'it could not be read'}"
    else:
        text = result.article.title or result.source
    return truncate(escape(text), FALLBACK_MAX)
