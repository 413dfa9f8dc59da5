"""Small formatting helpers shared by the Block Kit and the plain-text renderers.

Functions here return *plain* text (nothing escaped); the Block Kit side
escapes what it takes from them, the CLI prints it as is.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from bot.models import Brief, Development, RankedName, TimelineEntry
from bot.render.mrkdwn import host_label

NAMES_SHOWN = 8
SOURCES_SHOWN = 3
SUMMARY_MAX = 500
TITLE_MAX = 200
EVENT_MAX = 300


def when(moment: datetime) -> str:
    """``2026-11-26 14:00 UTC`` (naive datetimes are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def day(value: date) -> str:
    """``Jan 22``."""
    return f"{value:%b} {value.day}"


def span(first: datetime | None, last: datetime | None) -> str:
    """A compact range: ``Jan 22``, ``Jan 22–28``, ``Jan 30 – Feb 2`` (years when they differ).

    ``date unknown`` when no member states a date (never the ingest day).
    """
    if first is None or last is None:
        return "date unknown"
    a, b = sorted((_utc_day(first), _utc_day(last)))
    if a == b:
        return day(a)
    if a.year != b.year:
        return f"{day(a)}, {a.year} – {day(b)}, {b.year}"
    if a.month == b.month:
        return f"{day(a)}–{b.day}"
    return f"{day(a)} – {day(b)}"


def _utc_day(moment: datetime) -> date:
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(UTC).date()


def plural(count: int, word: str, words: str | None = None) -> str:
    """``1 article``, ``5 articles``."""
    return f"{count} {word if count == 1 else (words or word + 's')}"


def article_count(dev: Development) -> int:
    return max(dev.article_count, len(dev.articles))


def changes(brief: Brief) -> tuple[int, int]:
    """(new, updated) developments of a brief."""
    marks = [brief.marks.developments.get(d.id) for d in brief.developments]
    return marks.count("new"), marks.count("updated")


def marks_shown(brief: Brief) -> bool:
    """ "New"/"Update" marks mean something only against a watermark."""
    return brief.since is not None


def dev_mark(brief: Brief, dev: Development) -> str | None:
    """``New``, ``Update`` or None (always None without a watermark)."""
    if not marks_shown(brief):
        return None
    mark = brief.marks.developments.get(dev.id)
    if mark == "new":
        return "New"
    if mark == "updated":
        return "Update"
    return None


def event_marked(brief: Brief, index: int) -> bool:
    """Whether the timeline entry at ``index`` shows as new (never without a watermark)."""
    return marks_shown(brief) and index in brief.marks.new_events


def dev_sources(dev: Development) -> list[tuple[str, str | None]]:
    """(outlet, url) of a development's distinct outlets: its articles' (newest first),
    then those of folded near-duplicate copies, then any other outlet it counts."""
    pairs = [(ref.outlet, ref.url) for ref in dev.articles]
    pairs += [(c.get("outlet"), c.get("url")) for ref in dev.articles for c in ref.copies]
    pairs += [(outlet, None) for outlet in dev.outlets]
    seen: dict[str, tuple[str, str | None]] = {}
    for outlet, url in pairs:
        name = (outlet or "").strip() or _host(url)
        if name and name.lower() not in seen:
            seen[name.lower()] = (name, url)
    return list(seen.values())


def _host(url: str | None) -> str:
    return host_label(url) if url else ""


def name_list(names: list[RankedName], *, places: bool = False) -> str:
    """``Ahmed al-Sharaa (12), Vladimir Putin (9)`` or ``Qamishli (SY), Tartus (SY)``."""
    shown = []
    for item in names[:NAMES_SHOWN]:
        if places:
            shown.append(f"{item.name} ({item.country})" if item.country else item.name)
        else:
            shown.append(f"{item.name} ({item.mentions})")
    more = len(names) - NAMES_SHOWN
    return ", ".join(shown) + (f" (+{more})" if more > 0 else "")


def event_day(entry: TimelineEntry) -> str:
    """``2026-01-20``, or ``~2026-01-20`` when the day is an estimate."""
    return ("~" if entry.approximate else "") + entry.date.isoformat()


def also_in(brief: Brief, dev: Development) -> str:
    """``Also in kremlin, russia``: a digest's other topics with the same story (or "")."""
    others = brief.also_in.get(dev.id, [])
    return "Also in " + ", ".join(others) if others else ""


def shown_elsewhere(brief: Brief) -> str:
    """``3 developments shown under syria``: what a digest topic left to another (or "")."""
    if not brief.shown_under:
        return ""
    topics = ", ".join(dict.fromkeys(brief.shown_under.values()))
    count = plural(len(brief.shown_under), "development")
    return f"{count} shown under {topics}"


def change_words(brief: Brief) -> str:
    """``2 new, 1 updated`` (empty when nothing changed or there is no watermark)."""
    if brief.since is None:
        return ""
    new, updated = changes(brief)
    parts = [f"{new} new"] if new else []
    parts += [f"{updated} updated"] if updated else []
    return ", ".join(parts)


def whats_new(brief: Brief, date_format: Callable[[datetime], str] = when) -> str | None:
    """``2 new, 1 updated since …`` / ``Nothing new since …``; None without a watermark."""
    if brief.since is None:
        return None
    words = change_words(brief)
    if brief.quiet or not words:
        return f"Nothing new since {date_format(brief.since)}."
    return f"{words} since {date_format(brief.since)}."


def empty_brief(brief: Brief, command: str = "/brief") -> str | None:
    """What to say when a brief has no article at all (None when it has some)."""
    if brief.article_count > 0 or brief.developments:
        return None
    if not brief.known_topic:
        return (
            f"“{brief.topic}” is not a topic here yet, and no article I have mentions it. "
            f"Define it with `{command} topic add {brief.topic} <aliases…>`, "
            "or paste links about it in a channel I'm in."
        )
    return (
        f"No articles on {brief.topic} yet. "
        "Paste links to news articles in a channel I'm in, and I'll file them here."
    )


def search_note(brief: Brief, command: str = "/brief") -> str | None:
    """For a word that is no topic: that this is a search, and how to keep it (unescaped)."""
    if brief.known_topic or brief.article_count == 0:
        return None
    return (
        f"“{brief.topic}” is not a topic: this is what {plural(brief.article_count, 'article')} "
        f"say about it. Follow it (`{command} follow {brief.topic}`) to keep it as a topic."
    )


def rising_names(brief: Brief) -> str:
    """``Rising: Sharaa (+9), Putin (+4) · Places: Tartus (+3)`` (unescaped)."""
    parts = []
    if brief.actors:
        parts.append("Rising: " + ", ".join(f"{a.name} (+{a.mentions})" for a in brief.actors[:3]))
    if brief.locations:
        parts.append(
            "Places: " + ", ".join(f"{p.name} (+{p.mentions})" for p in brief.locations[:3])
        )
    return " · ".join(parts)
