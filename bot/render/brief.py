"""Briefs and digests as Block Kit blocks (pure: domain objects in, blocks out).

Every string from an article or a user is escaped (``bot.render.mrkdwn``); dates are
Slack date tokens, so each reader sees them in their own time zone. Layouts
are lists of ``Piece``s that ``render_fit.fit`` trims to Slack's limits.
"""

from __future__ import annotations

from datetime import UTC, datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DividerBlock,
    HeaderBlock,
    PlainTextObject,
)

from bot.models import Brief, Development, Digest, TimelineEntry
from bot.render import format as fmt
from bot.render.edit_views import development_menu
from bot.render.fit import HEADER_MAX, Piece, block_piece, context, fit, line_piece, section
from bot.render.mrkdwn import escape, host_label, is_web_url, link, truncate, truncate_plain

TIMELINE_SOURCES = 2
BUTTON_VALUE_MAX = 2000

# drop ranks (higher goes first): timeline, then developments past the top three,
# then who/where, then the second and third developments; the first one stays
RANK_TIMELINE = 400
RANK_LATER_DEVS = 300
RANK_NAMES = 200
RANK_TOP_DEVS = 100


def slack_date(moment: datetime) -> str:
    """A Slack date token: shown in the reader's time zone, with a UTC fallback."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    stamp = int(moment.timestamp())
    return f"<!date^{stamp}^{{date_short_pretty}} {{time}}|{fmt.when(moment)}>"


def header(text: str) -> HeaderBlock:
    """A header block: plain text, escaped anyway, cut to 150 characters."""
    return HeaderBlock(text=PlainTextObject(text=truncate(escape(text), HEADER_MAX), emoji=True))


def brief_blocks(brief: Brief, *, actions: bool = True) -> list[Block]:
    """The brief as Block Kit blocks; buttons to post it and follow the topic, and
    on each development the editors' menu (``actions``: the asker's own copy)."""
    return fit(brief_pieces(brief, actions=actions))


def brief_pieces(brief: Brief, *, actions: bool = True) -> list[Piece]:
    pieces = [block_piece(header(f"Brief: {brief.topic}")), block_piece(section(status(brief)))]
    if brief.developments:
        pieces.append(block_piece(DividerBlock()))
    for i, dev in enumerate(brief.developments):
        rank = 0 if i == 0 else (RANK_TOP_DEVS + i if i < 3 else RANK_LATER_DEVS + i)
        mark = fmt.dev_mark(brief, dev)
        block = section(development(dev, i + 1, mark))
        if actions and brief.known_topic and dev.id:  # an editor's menu: rename, merge, move
            block.accessory = development_menu(dev)
        pieces.append(block_piece(block, rank))
    fields = names_fields(brief)
    if fields:
        pieces.append(block_piece(section("", fields), RANK_NAMES))
    pieces += timeline_pieces(brief, "timeline", "*Timeline*")
    footer = f"Generated {slack_date(brief.generated_at)}"
    pieces.append(block_piece(context(footer), footer=True))
    buttons = brief_buttons(brief) if actions else None
    if buttons is not None:
        pieces.append(block_piece(buttons, footer=True))
    return pieces


def status(brief: Brief) -> str:
    """The line under the header: counts and what is new, or why there is nothing."""
    empty = fmt.empty_brief(brief)
    if empty is not None:
        return escape(empty)
    counts = (
        f"*{fmt.plural(brief.article_count, 'article')}* "
        f"from *{fmt.plural(brief.source_count, 'outlet')}*"
    )
    news = fmt.whats_new(brief, slack_date)
    search = fmt.search_note(brief)
    lines = [counts, *([escape(search)] if search else []), *([news] if news else [])]
    return "\n".join(lines)


def development(dev: Development, number: int | None, mark: str | None, also: str = "") -> str:
    """A development: bold title with its mark, the summary, then count, dates and sources
    (and, in a digest, the other topics that have the same story)."""
    prefix = f"{number}. " if number is not None else ""
    title = escape(truncate_plain(dev.title.replace("*", ""), fmt.TITLE_MAX))
    lines = [f"*{prefix}{mark + ': ' if mark else ''}{title}*"]
    if dev.summary.strip():
        lines.append(escape(truncate_plain(dev.summary.strip(), fmt.SUMMARY_MAX)))
    facts = [fmt.plural(fmt.article_count(dev), "article"), fmt.span(dev.first_seen, dev.last_seen)]
    sources = source_links(dev)
    # the id is what `/brief edit merge` and `move … to` take
    ident = f" · `{escape(dev.id)}`" if dev.id else ""
    lines.append("_" + " · ".join(facts + ([sources] if sources else [])) + "_" + ident)
    if also:
        lines.append(f"_{escape(also)}_")
    return "\n".join(lines)


def source_links(dev: Development) -> str:
    """``<url|Outlet>, <url|Outlet> (+3 more)``; outlets without a usable URL as plain text."""
    sources = fmt.dev_sources(dev)
    shown = [link(url, outlet) for outlet, url in sources[: fmt.SOURCES_SHOWN]]
    more = len(sources) - len(shown)
    return ", ".join(shown) + (f" (+{more} more)" if more > 0 else "")


def names_fields(brief: Brief) -> list[str]:
    fields = []
    if brief.actors:
        fields.append(f"*Who is involved*\n{escape(fmt.name_list(brief.actors))}")
    if brief.locations:
        fields.append(f"*Where*\n{escape(fmt.name_list(brief.locations, places=True))}")
    return fields


def timeline_pieces(brief: Brief, group: str, title: str) -> list[Piece]:
    """A heading and one line per entry; old entries are the first to go, new ones the last."""
    entries = brief.timeline
    if not entries:
        return []
    pieces = [line_piece(title, group, heading=True)]
    count = len(entries)
    for j, entry in enumerate(entries):
        rank = RANK_TIMELINE + (count - j) + (0 if j in brief.marks.new_events else count)
        pieces.append(line_piece(timeline_line(entry, fmt.event_marked(brief, j)), group, rank))
    return pieces


def timeline_line(entry: TimelineEntry, new: bool) -> str:
    mark = "*New:* " if new else ""
    text = escape(truncate_plain(entry.text.strip(), fmt.EVENT_MAX))
    web = [u for u in entry.sources if is_web_url(u)]
    urls = web[:TIMELINE_SOURCES]
    sources = ", ".join(link(u, host_label(u)) for u in urls)
    more = len(web) - len(urls)
    if more > 0:
        sources += f" (+{more})"
    return f"`{fmt.event_day(entry)}` {mark}{text}" + (f" — {sources}" if sources else "")


def brief_buttons(brief: Brief) -> ActionsBlock | None:
    """ "Post to channel" (when there is something to post) and "Follow" (known topics)."""
    value = brief.topic[:BUTTON_VALUE_MAX]
    buttons = []
    if brief.article_count > 0:
        buttons.append(
            ButtonElement(
                text="Post to channel", action_id="brief_post", value=value, style="primary"
            )
        )
    if brief.known_topic or brief.article_count > 0:  # following a search makes it a topic
        buttons.append(ButtonElement(text="Follow", action_id="brief_follow", value=value))
    return ActionsBlock(elements=buttons) if buttons else None


# ---- digests ------------------------------------------------------------------------


def digest_blocks(digest: Digest) -> list[Block]:
    """A digest: for each topic, what changed since the last one (one line when nothing did)."""
    pieces = [
        block_piece(header(digest.title)),
        block_piece(context(f"{slack_date(digest.generated_at)} · " + topics_count(digest))),
    ]
    if not digest.briefs:
        text = "No topics with articles yet: paste news links in a channel I'm in to start."
        pieces.append(block_piece(section(text)))
    for t, brief in enumerate(digest.briefs):
        pieces += digest_topic_pieces(brief, t)
    return fit(pieces, note=_digest_note)


def topics_count(digest: Digest) -> str:
    return fmt.plural(len(digest.briefs), "topic")


def digest_topic_pieces(brief: Brief, t: int) -> list[Piece]:
    pieces = [block_piece(DividerBlock()), block_piece(section(digest_topic_line(brief)))]
    for i, dev in enumerate(brief.developments):
        rank = RANK_TOP_DEVS + t if i == 0 else RANK_LATER_DEVS + i
        text = development(dev, None, fmt.dev_mark(brief, dev), fmt.also_in(brief, dev))
        pieces.append(block_piece(section(text), rank))
    elsewhere = fmt.shown_elsewhere(brief)
    if elsewhere and not brief.quiet:
        pieces.append(block_piece(context(escape(f"{elsewhere}.")), RANK_NAMES))
    top = _top_names(brief)
    if top:
        pieces.append(block_piece(context(top), RANK_NAMES))
    pieces += timeline_pieces(brief, f"timeline-{t}", "_Timeline_")
    return pieces


def digest_topic_line(brief: Brief) -> str:
    topic = f"*{escape(brief.topic)}*"
    if not brief.known_topic and brief.article_count == 0:
        return f"{topic}: not a topic here, and no article mentions it."
    if brief.quiet or not (brief.developments or brief.shown_under):
        since = f" since {slack_date(brief.since)}" if brief.since else ""
        return f"{topic}: nothing new{since}."
    articles = fmt.plural(brief.article_count, "article")
    counts = f"{articles} from {fmt.plural(brief.source_count, 'outlet')}"
    words = fmt.change_words(brief)
    return f"{topic} — {words} · {counts}" if words else f"{topic} — {counts}"


def _top_names(brief: Brief) -> str:
    """In a digest the names are the ones that rose since the last digest."""
    return escape(fmt.rising_names(brief))


def _digest_note(dropped: int) -> str:
    shown = escape("`/brief <topic>`")
    return f"_Shortened to fit in Slack: {dropped} more items. {shown} shows a topic in full._"
