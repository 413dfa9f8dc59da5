"""Briefs and digests as plain readable text, for the CLI (no mrkdwn, nothing escaped).

Brief: syria — 18 articles from 6 outlets (generated 2026-11-26 14:00 UTC)
2 new, 1 updated since 2026-11-25 09:00 UTC.
Developments
  1. [NEW] Russia pulls troops out of Qamishli — 5 articles, Jan 22–28
     Summary sentence(s).
     Sources: Levant Ledger, Atlas Daily (+3)
Who: Ahmed al-Sharaa (12), Vladimir Putin (9)
Where: Qamishli (SY), Tartus (SY)
Timeline
  2026-01-20  Ceasefire between … [2 sources]
"""

from __future__ import annotations

import textwrap

from bot.models import Brief, Development, Digest, TimelineEntry
from bot.render import format as fmt

WIDTH = 100
SOURCES_NAMED = 2


def brief_text(brief: Brief) -> str:
    """The whole brief as text, every development and timeline entry included."""
    lines = [_title(brief)]
    empty = fmt.empty_brief(brief)
    if empty is not None:
        lines += textwrap.wrap(empty, WIDTH)
        return "\n".join(lines) + "\n"
    search = fmt.search_note(brief, "briefbot")
    if search:
        lines += textwrap.wrap(search, WIDTH)
    news = fmt.whats_new(brief)
    if news:
        lines.append(news)
    if brief.developments:
        lines.append("Developments")
        for number, dev in enumerate(brief.developments, start=1):
            lines += _development(dev, f"{number}. ", fmt.dev_mark(brief, dev))
    lines += _names(brief)
    if brief.timeline:
        lines.append("Timeline")
        for j, entry in enumerate(brief.timeline):
            lines += _event(entry, fmt.event_marked(brief, j))
    return "\n".join(lines) + "\n"


def _title(brief: Brief) -> str:
    generated = f"(generated {fmt.when(brief.generated_at)})"
    if brief.article_count == 0:
        return f"Brief: {brief.topic} {generated}"
    articles = fmt.plural(brief.article_count, "article")
    outlets = fmt.plural(brief.source_count, "outlet")
    return f"Brief: {brief.topic} — {articles} from {outlets} {generated}"


def _development(dev: Development, prefix: str, mark: str | None, also: str = "") -> list[str]:
    tag = f"[{mark.upper()}] " if mark else ""
    count = fmt.plural(fmt.article_count(dev), "article")
    head = f"  {prefix}{tag}{dev.title} — {count}, {fmt.span(dev.first_seen, dev.last_seen)}"
    indent = " " * (2 + len(prefix))
    lines = [head]
    if dev.summary.strip():
        summary = dev.summary.strip()
        lines += textwrap.wrap(summary, WIDTH, initial_indent=indent, subsequent_indent=indent)
    sources = [outlet for outlet, _ in fmt.dev_sources(dev)]
    if sources:
        named = ", ".join(sources[:SOURCES_NAMED])
        more = len(sources) - SOURCES_NAMED
        lines.append(f"{indent}Sources: {named}" + (f" (+{more})" if more > 0 else ""))
    if also:
        lines.append(f"{indent}{also}")
    return lines


def _names(brief: Brief) -> list[str]:
    lines = []
    if brief.actors:
        lines.append(f"Who: {fmt.name_list(brief.actors)}")
    if brief.locations:
        lines.append(f"Where: {fmt.name_list(brief.locations, places=True)}")
    return lines


def _event(entry: TimelineEntry, new: bool, indent: str = "  ") -> list[str]:
    """A dated entry, wrapped under its text so the dates stay in one column."""
    tag = "[NEW] " if new else ""
    count = len(entry.sources)
    sources = f" [{fmt.plural(count, 'source')}]" if count else ""
    first = f"{indent}{fmt.event_day(entry):<11} "
    text = f"{tag}{entry.text.strip()}{sources}"
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=" " * len(first)) or [
        first.rstrip()
    ]


def digest_text(digest: Digest) -> str:
    """The digest as text: per topic, what changed (or one line when nothing did)."""
    lines = [f"{digest.title} — {fmt.when(digest.generated_at)}"]
    if not digest.briefs:
        lines.append("No topics with articles yet.")
    for brief in digest.briefs:
        lines.append("")
        lines += _digest_topic(brief)
    return "\n".join(lines) + "\n"


def _digest_topic(brief: Brief) -> list[str]:
    if not brief.known_topic and brief.article_count == 0:
        return [f"{brief.topic}: not a topic here, and no article mentions it."]
    elsewhere = fmt.shown_elsewhere(brief)
    if brief.quiet or not (brief.developments or elsewhere):
        since = f" since {fmt.when(brief.since)}" if brief.since else ""
        return [f"{brief.topic}: nothing new{since}."]
    words = fmt.change_words(brief)
    articles = fmt.plural(brief.article_count, "article")
    counts = f"{articles} from {fmt.plural(brief.source_count, 'outlet')}"
    lines = [f"{brief.topic} — {words} · {counts}" if words else f"{brief.topic} — {counts}"]
    for dev in brief.developments:
        lines += _development(dev, "- ", fmt.dev_mark(brief, dev), fmt.also_in(brief, dev))
    if elsewhere:
        lines.append(f"  {elsewhere}.")
    names = fmt.rising_names(brief)
    if names:
        lines.append(f"  {names}")
    if brief.timeline:
        lines.append("  Timeline")
        for j, entry in enumerate(brief.timeline):
            lines += _event(entry, fmt.event_marked(brief, j), indent="    ")
    return lines
