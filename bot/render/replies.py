"""Replies other than briefs: link summaries, help, topic and digest lists, the Home tab.

Pure functions from domain objects to Block Kit blocks; article and user text
is escaped, links go through ``bot.render.mrkdwn.link``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from slack_sdk.models.blocks import Block, DividerBlock
from slack_sdk.models.views import View

from bot.models import Article, Brief, Development, IngestResult, Topic
from bot.render import format as fmt
from bot.render.brief import development, header, status
from bot.render.edit_views import article_block_id
from bot.render.fit import (
    MAX_VIEW_BLOCKS,
    Piece,
    block_piece,
    context,
    fit,
    line_piece,
    section,
)
from bot.render.mrkdwn import escape, host_label, is_web_url, link, truncate_plain

if TYPE_CHECKING:
    from bot.digests.subscriptions import Subscription

NAMES_IN_REPLY = 6
ALIASES_SHOWN = 4
HOME_DEVS = 3
CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,30}$")


def message(text: str) -> list[Block]:
    """A one-section message. The text is escaped (``*bold*`` and backticks still work)."""
    return [section(escape(text.strip()) or " ")]


# ---- pasted links -----------------------------------------------------------------


def ingest_reply_blocks(result: IngestResult) -> list[Block]:
    """The threaded reply to a pasted link: its summary, or why it could not be summarised."""
    if result.status == "duplicate":
        title = result.article.title if result.article else result.source
        known = result.article.id if result.article else result.duplicate_of
        return duplicate_reply_blocks(title, None, known)
    if result.status == "failed" or result.article is None:
        reason = result.reason or "it could not be read"
        text = f"Couldn't summarise this link: {reason}"
        return [section(escape(text)), context(link(result.source, host_label(result.source)))]
    return fit(_article_pieces(result.article, result.developments))


def _article_pieces(article: Article, developments: list[Development]) -> list[Piece]:
    title = truncate_plain(article.title.strip().replace("*", "") or "(untitled)", fmt.TITLE_MAX)
    heading = f"*{link(article.url or article.canonical_url, title)}*"
    byline = " · ".join(escape(x) for x in _byline(article))
    first = section(heading + (f"\n{byline}" if byline else ""))
    # names the article for the "Correct this article" shortcut (bot.slack.edit_payloads)
    first.block_id = article_block_id(article.id)
    pieces = [block_piece(first)]
    summary = " ".join(s.strip() for s in article.summary if s.strip())
    if summary:
        pieces.append(block_piece(section(escape(summary))))
    fields = _article_fields(article)
    if fields:
        pieces.append(block_piece(section("", fields), 200))
    for i, same in enumerate(_by_title(developments)):
        pieces.append(block_piece(section(_joined(same)), 300 + i))
    notes = [escape(n) for n in article.notes[:3]]
    topics = ", ".join(escape(t) for t in article.topics)
    facts = ([f"Topics: {topics}"] if topics else []) + notes
    if facts:
        pieces.append(block_piece(context(*facts), footer=True))
    return pieces


def _byline(article: Article) -> list[str]:
    parts = [article.outlet or (host_label(article.url) if article.url else "")]
    if article.author:
        parts.append(article.author)
    if article.published:
        parts.append(f"{fmt.day(article.published.date())}, {article.published.year}")
    return [p for p in parts if p]


def _article_fields(article: Article) -> list[str]:
    fields = []
    if article.actors:
        names = ", ".join(escape(a.name) for a in article.actors[:NAMES_IN_REPLY])
        fields.append(f"*Key actors*\n{names}")
    if article.locations:
        places = [f"{p.name} ({p.country})" if p.country else p.name for p in article.locations]
        fields.append("*Places*\n" + ", ".join(escape(p) for p in places[:NAMES_IN_REPLY]))
    return fields


def _by_title(developments: list[Development]) -> list[list[Development]]:
    """The developments the article joined, one group per title: the same story
    in several topics is one line."""
    groups: dict[str, list[Development]] = {}
    for dev in developments:
        groups.setdefault(" ".join(dev.title.split()).casefold(), []).append(dev)
    return list(groups.values())


def _joined(same: list[Development]) -> str:
    """How the article relates to a storyline of its topics (one or more developments
    of one title); the counts are those of the largest."""
    dev = max(same, key=fmt.article_count)
    count = fmt.plural(fmt.article_count(dev), "article")
    outlets = fmt.plural(len(fmt.dev_sources(dev)), "outlet")
    title = f"*{escape(truncate_plain(dev.title.replace('*', ''), fmt.TITLE_MAX))}*"
    topics = ", ".join(f"_{escape(d.topic)}_" for d in same)
    if fmt.article_count(dev) <= 1:
        return f"New storyline in {topics}: {title}"
    return f"Update to a storyline in {topics}: {title} — now {count} from {outlets}"


def duplicate_reply_blocks(
    title: str, permalink: str | None, article_id: str | None = None
) -> list[Block]:
    """A link that was summarised before: point to the earlier summary when we know where."""
    shown = truncate_plain(title.strip() or "this article", fmt.TITLE_MAX)
    if permalink and is_web_url(permalink):
        block = section(f"Already summarised: {link(permalink, shown)}")
    else:
        block = section(f"Already summarised: *{escape(shown.replace('*', ''))}*")
    if article_id:
        block.block_id = article_block_id(article_id)
    return [block]


# ---- help, topics, digests ----------------------------------------------------------


def help_blocks(command: str = "/brief") -> list[Block]:
    """How to use the bot."""
    cmd = escape(command.strip() or "/brief")
    usage = [
        (
            f"{cmd} &lt;topic&gt;",
            "the brief on a topic, just for you, with buttons to post it "
            "(a word that is no topic is a search)",
        ),
        (f"{cmd} topics", "the topics this workspace follows, with article counts"),
        (f"{cmd} follow &lt;topic&gt;", "follow a topic in the Home tab (`unfollow` to stop)"),
        (f"{cmd} topic add &lt;name&gt; alias, other alias", "define a topic of your own"),
        (f"{cmd} digest syria, ukraine at 07:00 weekdays", "a digest in this channel"),
        (f"{cmd} digest list", "this workspace's digests (`digest remove &lt;id&gt;`)"),
        (
            f"{cmd} edit forget &lt;url&gt;",
            "correct briefbot (editors): `edit merge`, `move`, `rename`, `entity reject`, "
            "`topic remove`, `log`, `undo`; `edit` alone lists them all",
        ),
        (f"{cmd} feed add &lt;url&gt; [to &lt;topic&gt;]", "follow an RSS, Atom or JSON feed"),
        (f"{cmd} feed list", "the feeds followed here (`feed remove &lt;n&gt;`)"),
        (f"{cmd} channel files &lt;topic&gt;", "file every article posted here into a topic"),
        (f"{cmd} alerts &lt;topic&gt;", "alerts here on new developments and busy days"),
    ]
    lines = "\n".join(f"• `{u}`: {what}" for u, what in usage)
    links = (
        "Paste a link to a news article in a channel I'm in, and I'll reply in its "
        "thread with a summary, who and where, and the storyline it belongs to."
    )
    return [section(f"*How to use briefbot*\n{lines}"), section(links)]


def topics_blocks(topics: list[tuple[Topic, int]]) -> list[Block]:
    """The team's topics with their article counts."""
    if not topics:
        add = escape("`/brief topic add <name> alias, other alias`")
        return message_mrkdwn(f"No topics yet. Define one with {add}.")
    pieces = [block_piece(section("*Topics*"))]
    for i, (topic, count) in enumerate(topics):
        pieces.append(line_piece(_topic_line(topic, count), "topics", 1 + i))
    return fit(pieces, note=lambda n: f"_{n} more topics not shown._")


def _topic_line(topic: Topic, count: int) -> str:
    line = f"• *{escape(topic.name)}* — {fmt.plural(count, 'article')}"
    if topic.aliases:
        shown = ", ".join(escape(a) for a in topic.aliases[:ALIASES_SHOWN])
        more = len(topic.aliases) - ALIASES_SHOWN
        line += f" · also {shown}" + (f" (+{more})" if more > 0 else "")
    if topic.defined_by == "auto":
        line += " · _from a search_"
    return line


def subscriptions_blocks(subscriptions: list[Subscription]) -> list[Block]:
    """The team's digest subscriptions, with the ids that ``digest remove`` takes."""
    if not subscriptions:
        example = "`/brief digest syria at 07:00 weekdays`"
        return message_mrkdwn(f"No digests yet. Try {example} in a channel.")
    pieces = [block_piece(section("*Digests*"))]
    for i, sub in enumerate(subscriptions):
        where = f"<#{sub.channel}>" if CHANNEL_ID.match(sub.channel) else escape(sub.channel)
        line = f"• `{escape(sub.id)}` {escape(sub.describe())} in {where}"
        pieces.append(line_piece(line, "subs", 1 + i))
    return fit(pieces, note=lambda n: f"_{n} more digests not shown._")


def message_mrkdwn(mrkdwn: str) -> list[Block]:
    """A one-section message from mrkdwn we wrote ourselves (already escaped)."""
    return [section(mrkdwn)]


# ---- App Home -------------------------------------------------------------------------


def home_view(briefs: list[Brief], followed: list[str]) -> dict[str, Any]:
    """The Home tab: followed topics with their latest developments, then how to use the bot."""
    pieces = [block_piece(header("briefbot"))]
    if not followed:
        text = "You don't follow any topic yet. Try `/brief follow syria`."
        pieces.append(block_piece(section(text)))
    briefed = {b.topic for b in briefs}
    for t, brief in enumerate(briefs):
        pieces += _home_topic(brief, t)
    others = [escape(name) for name in followed if name not in briefed]
    if others:
        pieces.append(block_piece(section("Also following: " + ", ".join(others)), 50))
    pieces.append(block_piece(DividerBlock(), footer=True))
    pieces += [block_piece(b, footer=True) for b in help_blocks()]
    blocks = fit(pieces, max_blocks=MAX_VIEW_BLOCKS)
    return View(type="home", blocks=blocks).to_dict()


def _home_topic(brief: Brief, t: int) -> list[Piece]:
    title = f"*{escape(brief.topic)}*\n{status(brief)}"
    pieces = [block_piece(DividerBlock()), block_piece(section(title), 100 + t)]
    for i, dev in enumerate(brief.developments[:HOME_DEVS]):
        mark = fmt.dev_mark(brief, dev)
        pieces.append(block_piece(section(development(dev, None, mark)), 200 + 10 * t + i))
    return pieces
