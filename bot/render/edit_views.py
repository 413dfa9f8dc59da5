"""Editors' correction controls and forms, as Block Kit. Pure.

* ``development_menu``: the overflow menu on each development of a brief;
* ``article_menu``: the modal of the "Correct this article" message shortcut
  (the article's topics, removing it, its names);
* the forms a correction needs (``rename_form``, ``merge_form``, ``move_form``,
  ``confirm_form``, ``name_form``): one callback id, ``FORM``, and the
  handler's ``private_metadata`` saying which correction it is;
* ``message_view``: the modal's last word (done, refused, or why not).

The ids here are the contract with ``bot.slack.edit_payloads``, which parses
what Slack sends back. Option values carry an operation and its argument
(``rename|d-1a2b``); the parser re-checks them, as it checks everything Slack
relays. Every article or user string shown is escaped; ``slack_sdk`` checks
Slack's limits (24-character titles, 100 options, 75-character option texts).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    InputBlock,
    Option,
    OverflowMenuElement,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.models import Article, ArticleRef, Development
from bot.render.fit import context, section
from bot.render.mrkdwn import escape, link, truncate, truncate_plain

# ---- the contract with bot.slack.edit_payloads -----------------------------------------
DEV_MENU = "dev_edit"  # action id of a brief development's overflow menu
SHORTCUT = "correct_article"  # callback id of the message shortcut (the app manifest's)
ARTICLE_MENU = "article_edit"  # overflow of one of the article's topics, in its modal
ARTICLE_FORGET = "article_forget"  # "Remove from briefbot…" button, in its modal
ENTITY_MENU = "entity_edit"  # overflow of one of the article's names, in its modal
FORM = "briefbot_edit"  # callback id of every correction form
ARTICLE_BLOCK = "briefbot-article:"  # block id prefix that names the article of a reply
SEP = "|"  # between an option's operation and its argument
NEW_DEVELOPMENT = "new"  # the destination "a new development of its own"
# input blocks of the forms: the block id and its element's action id are the same
TITLE_INPUT = "title"
TARGET_SELECT = "target"
ARTICLE_SELECT = "article"
NAME_INPUT = "name"

TITLE_MAX = 200  # a development's title (bot.edits.articles keeps at most 200 characters)
NAME_MAX = 100  # an actor's or place's name
OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150
NAMES_SHOWN = 16  # names in the article's modal: the most salient
VIEW_TITLE_MAX = 24

DEV_OPS = {
    "rename": "Rename…",
    "merge": "Merge into…",
    "move": "Move an article…",
    "remove": "Remove an article…",
}
# the reject option, by kind: "not a person" is how an editor says it
REJECT_WORDS = {
    "person": "Not a person",
    "organization": "Not an organization",
    "group": "Not a group",
}


def option(text: str, value: str) -> Option:
    """A plain-text option: the text escaped and cut to Slack's 75 characters."""
    return Option(text=PlainTextObject(text=truncate(escape(text), OPTION_TEXT_MAX)), value=value)


def development_menu(dev: Development) -> OverflowMenuElement:
    """The overflow on a brief's development: rename, merge, move or remove an article."""
    options = [option(text, f"{op}{SEP}{dev.id}") for op, text in DEV_OPS.items()]
    return OverflowMenuElement(action_id=DEV_MENU, options=options)


def article_block_id(article_id: str) -> str:
    """The block id that names a link reply's article (read by the message shortcut)."""
    return f"{ARTICLE_BLOCK}{article_id}"


# ---- the message shortcut's modal ------------------------------------------------------


def article_menu(meta: str, article: Article, placements: Sequence[Development]) -> dict[str, Any]:
    """Everything an editor can correct about one article, each behind a menu."""
    blocks: list[Block] = [section(_article_heading(article))]
    for dev in placements:
        topic = escape(dev.topic)
        text = f"In *{topic}*: {_dev_label(dev)} (`{escape(dev.id)}`)"
        menu = OverflowMenuElement(
            action_id=ARTICLE_MENU,
            options=[
                option("Move to another development…", f"move{SEP}{dev.topic}"),
                option("Move to a new development of its own", f"split{SEP}{dev.topic}"),
                option(f"Remove from {dev.topic}…", f"remove{SEP}{dev.topic}"),
            ],
        )
        row = section(text)
        row.accessory = menu
        blocks.append(row)
    if not placements:
        blocks.append(section("_It is in no topic._"))
    forget = ButtonElement(
        text="Remove from briefbot…", action_id=ARTICLE_FORGET, value="forget", style="danger"
    )
    blocks.append(ActionsBlock(elements=[forget]))
    names = _names(article)
    if names:
        blocks.append(section("*Who and where* (a correction holds for later articles too)"))
    for name, kind in names:
        menu = OverflowMenuElement(
            action_id=ENTITY_MENU,
            options=[
                option(_not_a(kind), f"reject{SEP}{name}"),
                option("Same as…", f"merge{SEP}{name}"),
                option("Rename…", f"rename{SEP}{name}"),
            ],
        )
        row = section(f"*{escape(name)}* · {escape(kind)}")
        row.accessory = menu
        blocks.append(row)
    return _modal("Correct this article", meta, blocks, submit=None, close="Done")


def _names(article: Article) -> list[tuple[str, str]]:
    """The article's actors, then its places, whose name fits in an option value."""
    fits = OPTION_VALUE_MAX - len("rename" + SEP)
    named: list[tuple[str, str]] = [(a.name, a.kind) for a in article.actors]
    named += [(p.name, p.kind) for p in article.locations]
    return [(n, k) for n, k in named if n.strip() and len(n) <= fits][:NAMES_SHOWN]


def _not_a(kind: str) -> str:
    return REJECT_WORDS.get(kind, "Not a place")


def _article_heading(article: Article) -> str:
    title = truncate_plain(article.title.strip().replace("*", "") or "(untitled)", 150)
    return f"*{link(article.url or article.canonical_url, title)}*"


# ---- the forms -------------------------------------------------------------------------


def rename_form(meta: str, dev: Development) -> dict[str, Any]:
    field = PlainTextInputElement(
        action_id=TITLE_INPUT, initial_value=dev.title[:TITLE_MAX], max_length=TITLE_MAX
    )
    blocks = [
        section(f"A title of your own for {_dev_label(dev)} in *{escape(dev.topic)}*. "
                "It stays as articles join."),
        InputBlock(block_id=TITLE_INPUT, label="New title", element=field),
    ]  # fmt: skip
    return _modal("Rename development", meta, blocks, submit="Rename")


def merge_form(meta: str, dev: Development, others: Sequence[Development]) -> dict[str, Any]:
    if not others:
        return message_view(f"{dev.topic} has no other development to merge it into.")
    blocks = [
        section(f"Merge {_dev_label(dev)} into another development of *{escape(dev.topic)}*: "
                "its articles join it, and it keeps that one's title."),
        _select(TARGET_SELECT, "Merge into", [_dev_option(d) for d in others]),
    ]  # fmt: skip
    return _modal("Merge development", meta, blocks, submit="Merge")


def move_form(
    meta: str,
    topic: str,
    others: Sequence[Development],
    *,
    articles: Sequence[ArticleRef] = (),
    total: int = 0,
    article: Article | None = None,
) -> dict[str, Any]:
    """Move an article (one of ``articles``, the newest of ``total``; or ``article``)
    to another development of ``topic``, or to a new one of its own."""
    blocks: list[Block] = []
    if article is not None:
        blocks.append(section(f"Move {_article_label(article)} within *{escape(topic)}*."))
    else:
        blocks.append(_select(ARTICLE_SELECT, "Article", [_ref_option(r) for r in articles]))
        blocks += _newest_only(len(articles), total, "move")
    new = option("A new development of its own", NEW_DEVELOPMENT)
    blocks.append(_select(TARGET_SELECT, "Move to", [new, *(_dev_option(d) for d in others)]))
    return _modal("Move article", meta, blocks, submit="Move")


def remove_form(meta: str, dev: Development) -> dict[str, Any]:
    """Take one of a development's articles out of its topic."""
    blocks = [
        section(f"Take an article of {_dev_label(dev)} out of *{escape(dev.topic)}*. "
                "It stays in briefbot and its other topics, and is not filed here again."),
        _select(ARTICLE_SELECT, "Article", [_ref_option(r) for r in dev.articles]),
        *_newest_only(len(dev.articles), dev.article_count, "remove"),
    ]  # fmt: skip
    return _modal("Remove article", meta, blocks, submit="Remove")


def _newest_only(shown: int, total: int, verb: str) -> list[Block]:
    """A note when a development has more articles than its record lists."""
    if total <= shown:
        return []
    command = escape(f"`/brief edit {verb} <url> …`")
    return [context(f"The newest {shown} of its {total} articles; {command} takes any.")]


def confirm_form(meta: str, title: str, mrkdwn: str, submit: str) -> dict[str, Any]:
    """A correction that needs no choice, only a yes (``mrkdwn`` is ours, escaped)."""
    return _modal(title, meta, [section(mrkdwn)], submit=submit)


def name_form(meta: str, name: str, merge: bool) -> dict[str, Any]:
    """ "Same as…" (``merge``) or "Rename…" for an actor or place."""
    label = "Same as" if merge else "New name"
    field = PlainTextInputElement(
        action_id=NAME_INPUT,
        max_length=NAME_MAX,
        initial_value=None if merge else name[:NAME_MAX],
        placeholder="e.g. Qamishli" if merge else None,
    )
    what = "is the same as" if merge else "is to be called"
    blocks = [
        section(f"*{escape(name)}* {what}… (in every topic, and in later articles too)"),
        InputBlock(block_id=NAME_INPUT, label=label, element=field),
    ]
    return _modal("Same as…" if merge else "Rename", meta, blocks, submit="Save")


def message_view(text: str) -> dict[str, Any]:
    """A modal that only says something (``text`` is escaped; *bold* and `code` work)."""
    blocks = [section(escape(text.strip()) or " ")]
    return _modal("briefbot", "", blocks, submit=None, close="Close")


def done_text(number: int, what: str) -> str:
    return f"Done: #{number} {what}. `/brief edit undo {number}` undoes it."


# ---- pieces ----------------------------------------------------------------------------


def _modal(
    title: str, meta: str, blocks: Sequence[Block], *, submit: str | None, close: str = "Cancel"
) -> dict[str, Any]:
    view = View(
        type="modal",
        callback_id=FORM,
        title=PlainTextObject(text=title[:VIEW_TITLE_MAX]),
        submit=PlainTextObject(text=submit) if submit else None,
        close=PlainTextObject(text=close),
        private_metadata=meta or None,
        blocks=list(blocks),
    )
    return view.to_dict()


def _select(block_id: str, label: str, options: list[Option]) -> InputBlock:
    initial = options[0] if len(options) == 1 else None
    element = StaticSelectElement(
        action_id=block_id, options=options[:100], initial_option=initial, placeholder="Choose…"
    )
    return InputBlock(block_id=block_id, label=label, element=element)


def _dev_option(dev: Development) -> Option:
    count = dev.article_count or len(dev.articles)
    return option(f"{_plain_title(dev.title)} ({count})", dev.id)


def _ref_option(ref: ArticleRef) -> Option:
    outlet = f" ({ref.outlet})" if ref.outlet else ""
    return option(f"{_plain_title(ref.title)}{outlet}", ref.id)


def _plain_title(title: str) -> str:
    return truncate_plain(" ".join(title.split()) or "(untitled)", OPTION_TEXT_MAX - 12)


def _dev_label(dev: Development) -> str:
    return f"“{escape(_plain_title(dev.title))}”"


def _article_label(article: Article) -> str:
    return f"“{escape(_plain_title(article.title))}”"
