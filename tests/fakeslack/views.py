"""Modals in the fake Slack: ``views.open`` and ``views.update``, checked as Slack does.

Slack refuses a view it cannot show with ``invalid_arguments`` and a message per
problem (``response_metadata.messages``, each naming its JSON pointer); the
checks here are the ones a bug of ours could trip: a title over 24 characters,
more than 100 blocks or options, a duplicate block id, a form with inputs and
no submit button, option texts and values over their limits, private
metadata over 3,000 characters. A ``trigger_id`` opens one view only (a second
use answers ``exchanged_trigger_id``, as Slack does); its 3-second life is not
enforced, so that a slow test machine does not fail for it. ``views.update``
needs a known ``view_id`` (or ``external_id``) and, when given, its current
``hash`` (else ``hash_conflict``). Stored views are what a later interaction
payload is built from (``tests.fakeslack.payloads.view_submission``).
"""

from __future__ import annotations

import copy
from typing import Any

from tests.fakeslack.state import Identity, SlackState

Answer = dict[str, Any]

TITLE_MAX = 24  # title, submit and close texts
BLOCKS_MAX = 100
BLOCK_ID_MAX = 255
METADATA_MAX = 3000
CALLBACK_ID_MAX = 255
SELECT_OPTIONS_MAX = 100
OVERFLOW_OPTIONS = (1, 5)
OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150
INPUT_ELEMENTS = {"plain_text_input", "static_select", "radio_buttons", "checkboxes"}


def views_open(state: SlackState, params: dict[str, Any], who: Identity) -> Answer:
    trigger = str(params.get("trigger_id") or "")
    if not trigger:
        return _invalid(["[ERROR] missing required field: trigger_id"])
    with state.lock:
        if trigger in state.triggers_used:
            return {"ok": False, "error": "exchanged_trigger_id"}
        state.triggers_used.add(trigger)
    view = params.get("view")
    problems = view_problems(view)
    if problems or not isinstance(view, dict):
        return _invalid(problems)
    view_id = state.next_id("V")
    stored = _stored(state, view, who, view_id=view_id, root=view_id)
    return {"ok": True, "view": copy.deepcopy(stored)}


def views_update(state: SlackState, params: dict[str, Any], who: Identity) -> Answer:
    view_id, external = str(params.get("view_id") or ""), str(params.get("external_id") or "")
    with state.lock:
        current = state.views.get(view_id) if view_id else None
        if current is None and external:
            current = next((v for v in state.views.values() if v["external_id"] == external), None)
        if current is None:
            return {"ok": False, "error": "not_found"}
        if params.get("hash") and params["hash"] != current["hash"]:
            return {"ok": False, "error": "hash_conflict"}
    view = params.get("view")
    problems = view_problems(view)
    if problems or not isinstance(view, dict):
        return _invalid(problems)
    stored = _stored(
        state,
        view,
        who,
        view_id=current["id"],
        root=current["root_view_id"],
        previous=current["previous_view_id"],
    )
    return {"ok": True, "view": copy.deepcopy(stored)}


def _stored(
    state: SlackState,
    view: dict[str, Any],
    who: Identity,
    *,
    view_id: str,
    root: str,
    previous: str | None = None,
) -> dict[str, Any]:
    """The view as Slack keeps and relays it: ids, a fresh hash, empty state."""
    stored = {
        "id": view_id,
        "team_id": who.team_id,
        "type": view["type"],
        "blocks": _with_block_ids(state, view.get("blocks") or []),
        "private_metadata": str(view.get("private_metadata") or ""),
        "callback_id": str(view.get("callback_id") or ""),
        "state": {"values": {}},
        "hash": f"{state.next_ts()}.{view_id.lower()}",
        "title": copy.deepcopy(view.get("title")),
        "clear_on_close": bool(view.get("clear_on_close")),
        "notify_on_close": bool(view.get("notify_on_close")),
        "close": copy.deepcopy(view.get("close")),
        "submit": copy.deepcopy(view.get("submit")),
        "previous_view_id": previous,
        "root_view_id": root,
        "app_id": who.app_id,
        "external_id": str(view.get("external_id") or ""),
        "app_installed_team_id": who.team_id,
        "bot_id": who.bot_id,
    }
    with state.lock:
        state.views[view_id] = stored
    return stored


def _with_block_ids(state: SlackState, blocks: list[Any]) -> list[Any]:
    """The blocks, each with a block id: Slack gives one to a block sent without."""
    out = copy.deepcopy(blocks)
    for block in out:
        if isinstance(block, dict) and not block.get("block_id"):
            block["block_id"] = state.next_id("b").lower()
    return out


def _invalid(problems: list[str]) -> Answer:
    return {
        "ok": False,
        "error": "invalid_arguments",
        "response_metadata": {"messages": problems or ["[ERROR] view must be an object"]},
    }


def view_problems(view: Any) -> list[str]:
    """What Slack would refuse in ``view``, one message per problem ([] when none)."""
    if not isinstance(view, dict):
        return ["[ERROR] view must be an object [json-pointer:/view]"]
    problems = []
    if view.get("type") != "modal":
        problems.append("[ERROR] must be a modal [json-pointer:/view/type]")
    problems += _text_problems(view, "title", required=True)
    problems += _text_problems(view, "submit") + _text_problems(view, "close")
    if len(str(view.get("private_metadata") or "")) > METADATA_MAX:
        problems.append("[ERROR] too long [json-pointer:/view/private_metadata]")
    if len(str(view.get("callback_id") or "")) > CALLBACK_ID_MAX:
        problems.append("[ERROR] too long [json-pointer:/view/callback_id]")
    blocks = view.get("blocks")
    if not isinstance(blocks, list) or not 1 <= len(blocks) <= BLOCKS_MAX:
        return [*problems, "[ERROR] between 1 and 100 blocks [json-pointer:/view/blocks]"]
    seen: set[str] = set()
    for i, block in enumerate(blocks):
        problems += _block_problems(block, f"/view/blocks/{i}", seen)
    has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
    if has_input and not view.get("submit"):
        problems.append("[ERROR] input blocks need a submit button [json-pointer:/view/submit]")
    return problems


def _text_problems(view: dict[str, Any], field: str, *, required: bool = False) -> list[str]:
    text = view.get(field)
    if text is None and not required:
        return []
    ok = isinstance(text, dict) and text.get("type") == "plain_text"
    if not ok or not 1 <= len(str((text or {}).get("text") or "")) <= TITLE_MAX:
        return [f"[ERROR] plain_text of 1 to 24 characters [json-pointer:/view/{field}/text]"]
    return []


def _block_problems(block: Any, where: str, seen: set[str]) -> list[str]:
    if not isinstance(block, dict) or not block.get("type"):
        return [f"[ERROR] not a block [json-pointer:{where}]"]
    problems = []
    block_id = block.get("block_id")
    if block_id is not None:
        if len(str(block_id)) > BLOCK_ID_MAX or block_id in seen:
            problems.append(f"[ERROR] duplicate or too long block_id [json-pointer:{where}]")
        seen.add(str(block_id))
    if block["type"] == "input":
        if not block.get("label") or not isinstance(block.get("element"), dict):
            problems.append(f"[ERROR] input needs a label and an element [json-pointer:{where}]")
        elif block["element"].get("type") not in INPUT_ELEMENTS:
            problems.append(f"[ERROR] not an input element [json-pointer:{where}/element]")
    for name, element in _elements(block):
        problems += _element_problems(element, f"{where}/{name}")
    return problems


def _elements(block: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = []
    for name in ("accessory", "element"):
        if isinstance(block.get(name), dict):
            found.append((name, block[name]))
    for i, element in enumerate(block.get("elements") or []):
        if isinstance(element, dict) and block["type"] == "actions":
            found.append((f"elements/{i}", element))
    return found


def _element_problems(element: dict[str, Any], where: str) -> list[str]:
    options = element.get("options")
    if element.get("type") == "overflow":
        low, high = OVERFLOW_OPTIONS
        if not isinstance(options, list) or not low <= len(options) <= high:
            return [f"[ERROR] an overflow has 1 to 5 options [json-pointer:{where}/options]"]
    if element.get("type") == "static_select" and (
        not isinstance(options, list) or not 1 <= len(options) <= SELECT_OPTIONS_MAX
    ):
        return [f"[ERROR] a select has 1 to 100 options [json-pointer:{where}/options]"]
    problems = []
    for i, option in enumerate(options or []):
        text = str(((option or {}).get("text") or {}).get("text") or "")
        value = str((option or {}).get("value") or "")
        if not 1 <= len(text) <= OPTION_TEXT_MAX or not 1 <= len(value) <= OPTION_VALUE_MAX:
            problems.append(f"[ERROR] option text or value too long [json-pointer:{where}/{i}]")
    return problems
