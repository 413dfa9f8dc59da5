"""Reading Slack's interaction payloads for editors' corrections. Pure: no Redis, no Web API.

What comes back from Slack is what ``bot.render.edit_views`` sent (option
values, block ids, a form's ``private_metadata``) plus what the user typed or
chose, unless someone forged the request. So everything is checked here for
shape (a known operation, ids that look like ids, names within their limits,
the asker's own team), with a plain message when it fails; the ids are then
looked up in the asker's own store by ``bot.edits``, so a forged id names
nothing, or something the asker's workspace holds.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from typing import Any

from bot.errors import FieldError, InputError
from bot.render.edit_views import (
    ARTICLE_BLOCK,
    ARTICLE_SELECT,
    DEV_OPS,
    NAME_INPUT,
    NAME_MAX,
    NEW_DEVELOPMENT,
    OPTION_VALUE_MAX,
    SEP,
    TARGET_SELECT,
    TITLE_INPUT,
    TITLE_MAX,
)
from bot.slack.brief_command import Command

DEV_ID = re.compile(r"^d-[0-9a-f]{4,32}$")
ARTICLE_ID = re.compile(r"^[A-Za-z0-9_:.-]{1,128}$")
TOPIC = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
METADATA_MAX = 3000  # Slack's own limit for private_metadata

ARTICLE_OPS = ("move", "split", "remove")  # on one of an article's topics
ENTITY_OPS = ("reject", "merge", "rename")  # on one of an article's names
# what a form corrects; "article" is the shortcut's modal itself (its menus, no correction)
FORM_OPS = (
    "rename", "merge", "move", "remove", "split", "forget",
    "entity-reject", "entity-merge", "entity-rename", "article",
)  # fmt: skip

STALE = "This form could not be read (it may be from an older briefbot): open it again."
NOT_A_REPLY = (
    "This shortcut corrects an article briefbot summarised: use it on briefbot's reply to a link."
)


@dataclass(frozen=True)
class FormRef:
    """What a form (or the shortcut's modal) is about, kept in its ``private_metadata``."""

    op: str
    team: str
    dev: str = ""
    topic: str = ""
    article: str = ""
    name: str = ""

    def encode(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v}, separators=(",", ":"))

    @classmethod
    def decode(cls, raw: Any, team: str) -> FormRef:
        """The form's reference, checked: refused when from another team or malformed."""
        if not isinstance(raw, str) or not raw or len(raw) > METADATA_MAX:
            raise InputError(STALE)
        try:
            data = json.loads(raw)
        except ValueError:
            raise InputError(STALE) from None
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise InputError(STALE)
        if data.get("team") != team:
            raise InputError("This form belongs to another workspace: nothing was changed.")
        fields = {k: data.get(k, "") for k in ("op", "dev", "topic", "article", "name")}
        ref = cls(team=team, **fields)
        ref.check()
        return ref

    def check(self) -> None:
        """Each field has the shape of what it names; the fields the operation needs are there."""
        needs = {
            "rename": ("dev",), "merge": ("dev",), "move": ("topic",), "remove": ("topic",),
            "split": ("topic", "article"), "forget": ("article",), "article": ("article",),
            "entity-reject": ("name",), "entity-merge": ("name",), "entity-rename": ("name",),
        }  # fmt: skip
        if self.op not in needs or any(not getattr(self, f) for f in needs[self.op]):
            raise InputError(STALE)
        if self.op in {"move", "remove"} and not (self.dev or self.article):
            raise InputError(STALE)
        shapes = ((self.dev, DEV_ID), (self.article, ARTICLE_ID), (self.topic, TOPIC))
        if any(value and not pattern.match(value) for value, pattern in shapes):
            raise InputError(STALE)
        if len(self.name) > OPTION_VALUE_MAX:
            raise InputError(STALE)


# ---- who, and what was chosen ------------------------------------------------------------


def who(body: dict[str, Any]) -> tuple[str, str]:
    """The team and the user of an interaction payload ("" when missing)."""
    team = body.get("team") if isinstance(body.get("team"), dict) else {}
    user = body.get("user") if isinstance(body.get("user"), dict) else {}
    team_id = str((team or {}).get("id") or (user or {}).get("team_id") or "")
    return team_id, str((user or {}).get("id") or "")


def action_of(body: dict[str, Any]) -> dict[str, Any]:
    """The (first) action of a ``block_actions`` payload ({} when there is none)."""
    actions = body.get("actions")
    action = actions[0] if isinstance(actions, list) and actions else {}
    return action if isinstance(action, dict) else {}


def chosen(body: dict[str, Any]) -> str:
    """The value of the menu option or button of a ``block_actions`` payload."""
    action = action_of(body)
    picked = action.get("selected_option")
    if isinstance(picked, dict):
        return str(picked.get("value") or "")
    return str(action.get("value") or "")


def development_choice(body: dict[str, Any]) -> tuple[str, str]:
    """``(operation, development id)`` from a brief development's menu."""
    op, _, dev = chosen(body).partition(SEP)
    if op not in DEV_OPS or not DEV_ID.match(dev):
        raise InputError("That menu choice is not one briefbot offers: nothing was changed.")
    return op, dev


def menu_choice(body: dict[str, Any], ops: tuple[str, ...]) -> tuple[str, str]:
    """``(operation, argument)`` from a menu of the article's modal (a topic or a name)."""
    op, _, arg = chosen(body).partition(SEP)
    if op not in ops or not arg.strip() or len(arg) > OPTION_VALUE_MAX:
        raise InputError("That menu choice is not one briefbot offers: nothing was changed.")
    if op in ARTICLE_OPS and not TOPIC.match(arg):
        raise InputError("That menu choice is not one briefbot offers: nothing was changed.")
    return op, arg


def view_of(body: dict[str, Any]) -> dict[str, Any]:
    view = body.get("view")
    return view if isinstance(view, dict) else {}


def article_of_message(body: dict[str, Any]) -> str:
    """The article a message shortcut was used on: the id in the reply's block id."""
    message = body.get("message") if isinstance(body.get("message"), dict) else {}
    blocks = list((message or {}).get("blocks") or [])
    for attachment in (message or {}).get("attachments") or []:  # an unfurl of ours
        if isinstance(attachment, dict):
            blocks += attachment.get("blocks") or []
    for block in blocks:
        block_id = str(block.get("block_id") or "") if isinstance(block, dict) else ""
        if block_id.startswith(ARTICLE_BLOCK):
            article = block_id[len(ARTICLE_BLOCK) :]
            if ARTICLE_ID.match(article):
                return article
    raise InputError(NOT_A_REPLY)


# ---- a submitted form ------------------------------------------------------------------


def form_command(ref: FormRef, view: dict[str, Any]) -> Command:
    """The ``/brief edit`` command a submitted form amounts to.

    ``FieldError`` for a field left empty or too long (shown under the field);
    ``InputError`` for a form that cannot be what briefbot sent.
    """
    state = view.get("state") if isinstance(view.get("state"), dict) else {}
    values = (state or {}).get("values")
    values = values if isinstance(values, dict) else {}
    match ref.op:
        case "rename":
            return _edit("rename", ref.dev, _text(values, TITLE_INPUT, TITLE_MAX, "a title"))
        case "merge":
            target = _dev_choice(values, allow_new=False)
            if target == ref.dev:
                raise FieldError(TARGET_SELECT, "Choose another development.")
            return _edit("merge", target, ref.dev)
        case "move":
            article = ref.article or _article_choice(values)
            target = _dev_choice(values, allow_new=True)
            return _edit("move", article, "" if target == NEW_DEVELOPMENT else target, ref.topic)
        case "remove":
            return _edit("remove", ref.article or _article_choice(values), ref.topic)
        case "split":
            return _edit("move", ref.article, "", ref.topic)
        case "forget":
            return _edit("forget", ref.article)
        case "entity-reject":
            return _edit("entity-reject", ref.name)
        case "entity-merge" | "entity-rename":
            return _edit(ref.op, ref.name, _text(values, NAME_INPUT, NAME_MAX, "a name"))
    raise InputError(STALE)  # "article": the shortcut's modal has no submit button


def _edit(edit: str, *args: str) -> Command:
    return Command("edit", edit=edit, args=args)


def _value(values: dict[str, Any], block: str) -> str:
    """A field's value: the text typed, or the option chosen ("" when none)."""
    entry = values.get(block)
    entry = entry.get(block) if isinstance(entry, dict) else None
    if not isinstance(entry, dict):
        return ""
    picked = entry.get("selected_option")
    if isinstance(picked, dict):
        return str(picked.get("value") or "")
    value = entry.get("value")
    return value if isinstance(value, str) else ""


def _text(values: dict[str, Any], block: str, limit: int, what: str) -> str:
    text = " ".join(_value(values, block).split())
    if not text:
        raise FieldError(block, f"Give {what}.")
    if len(text) > limit:
        raise FieldError(block, f"At most {limit} characters, please ({len(text)} given).")
    return text


def _dev_choice(values: dict[str, Any], *, allow_new: bool) -> str:
    target = _value(values, TARGET_SELECT)
    if (allow_new and target == NEW_DEVELOPMENT) or DEV_ID.match(target):
        return target
    raise FieldError(TARGET_SELECT, "Choose a development.")


def _article_choice(values: dict[str, Any]) -> str:
    article = _value(values, ARTICLE_SELECT)
    if not ARTICLE_ID.match(article):
        raise FieldError(ARTICLE_SELECT, "Choose an article.")
    return article
