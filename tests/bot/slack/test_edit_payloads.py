"""Reading the correction menus' and forms' payloads (``bot.slack.edit_payloads``):
what each form amounts to, and refusals of forged, stale or foreign payloads."""

from __future__ import annotations

from typing import Any

import pytest

from bot.errors import FieldError, InputError
from bot.slack import edit_payloads as p
from bot.slack.brief_command import Command
from bot.slack.edit_payloads import FormRef


def submitted(ref: FormRef, **fields: str) -> dict[str, Any]:
    """A submitted view's ``state`` with ``fields`` (block id -> typed text, or a
    select's value when the block is a select)."""
    values: dict[str, Any] = {}
    for block, value in fields.items():
        if block in {"target", "article"}:
            entry = {"type": "static_select", "selected_option": {"value": value}}
        else:
            entry = {"type": "plain_text_input", "value": value}
        values[block] = {block: entry}
    return {"private_metadata": ref.encode(), "state": {"values": values}}


def command(ref: FormRef, **fields: str) -> Command:
    decoded = FormRef.decode(ref.encode(), ref.team)
    return p.form_command(decoded, submitted(ref, **fields))


def test_each_form_is_the_edit_command_of_the_same_correction() -> None:
    dev = {"team": "T1", "dev": "d-9426bd2a95", "topic": "syria"}
    art = {"team": "T1", "topic": "syria", "article": "5a822d04c761f307"}
    cases = [
        (FormRef("rename", **dev), {"title": "  Sharaa   in Moscow "},
         ("rename", ("d-9426bd2a95", "Sharaa in Moscow"))),
        (FormRef("merge", **dev), {"target": "d-629cc8c7bf"},
         ("merge", ("d-629cc8c7bf", "d-9426bd2a95"))),
        (FormRef("move", **dev), {"article": "a1", "target": "new"}, ("move", ("a1", "", "syria"))),
        (FormRef("move", **art), {"target": "d-629cc8c7bf"},
         ("move", ("5a822d04c761f307", "d-629cc8c7bf", "syria"))),
        (FormRef("remove", **dev), {"article": "a1"}, ("remove", ("a1", "syria"))),
        (FormRef("split", **art), {}, ("move", ("5a822d04c761f307", "", "syria"))),
        (FormRef("forget", team="T1", article="a1"), {}, ("forget", ("a1",))),
        (FormRef("entity-reject", team="T1", name="Kurds"), {}, ("entity-reject", ("Kurds",))),
        (FormRef("entity-merge", team="T1", name="Al Qamishli"), {"name": "Qamishli"},
         ("entity-merge", ("Al Qamishli", "Qamishli"))),
    ]  # fmt: skip
    for ref, fields, (edit, args) in cases:
        assert command(ref, **fields) == Command("edit", edit=edit, args=args), ref


def test_fields_left_empty_too_long_or_not_offered_are_named() -> None:
    rename = FormRef("rename", "T1", dev="d-9426bd2a95")
    merge = FormRef("merge", "T1", dev="d-9426bd2a95")
    move = FormRef("move", "T1", dev="d-9426bd2a95", topic="syria")
    cases = [
        (rename, {"title": "   "}, "title", "Give a title"),
        (rename, {"title": "x" * 201}, "title", "At most 200"),
        (merge, {}, "target", "Choose a development"),
        (merge, {"target": "d-9426bd2a95"}, "target", "another development"),
        (merge, {"target": "new"}, "target", "Choose a development"),
        (move, {"target": "new"}, "article", "Choose an article"),
        (move, {"article": "../../x", "target": "new"}, "article", "Choose an article"),
        (FormRef("entity-rename", "T1", name="Ahmad"), {"name": "y" * 101}, "name", "At most 100"),
    ]
    for ref, fields, field, words in cases:
        with pytest.raises(FieldError, match=words) as refused:
            command(ref, **fields)
        assert refused.value.field == field


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ('{"team":"T2","op":"forget","article":"a1"}', "another workspace"),
        ('{"op":"forget","article":"a1"}', "another workspace"),
        ("{not json", "could not be read"),
        ('["T1"]', "could not be read"),
        ('{"team":"T1","op":"forget","article":7}', "could not be read"),
        ('{"team":"T1","op":"drop-table","article":"a1"}', "could not be read"),
        ('{"team":"T1","op":"forget"}', "could not be read"),
        ('{"team":"T1","op":"rename","dev":"d-../../etc"}', "could not be read"),
        ('{"team":"T1","op":"remove","topic":"Syria Now","article":"a1"}', "could not be read"),
        ('{"team":"T1","op":"move","topic":"syria"}', "could not be read"),
        ('{"team":"T1","op":"entity-reject","name":"' + "n" * 151 + '"}', "could not be read"),
        ("x" * 3001, "could not be read"),
        (None, "could not be read"),
    ],
)
def test_forged_stale_or_foreign_metadata_is_refused_in_words(raw: Any, words: str) -> None:
    with pytest.raises(InputError, match=words):
        FormRef.decode(raw, "T1")


def action(value: str) -> dict[str, Any]:
    return {"actions": [{"type": "overflow", "selected_option": {"value": value}}]}


def test_menu_choices_must_be_ones_briefbot_offers() -> None:
    assert p.development_choice(action("merge|d-9426bd2a95")) == ("merge", "d-9426bd2a95")
    assert p.menu_choice(action("reject|Al Qamishli"), p.ENTITY_OPS) == ("reject", "Al Qamishli")
    for forged in ["drop|d-9426bd2a95", "rename|9426", "rename|", "", "rename"]:
        with pytest.raises(InputError, match="not one briefbot offers"):
            p.development_choice(action(forged))
    for body in [{"actions": "rename|d-1"}, {"actions": [7]}, {}]:
        with pytest.raises(InputError):
            p.development_choice(body)
    with pytest.raises(InputError):
        p.menu_choice(action("remove|Syria Now"), p.ARTICLE_OPS)
    with pytest.raises(InputError):
        p.menu_choice(action("reject|" + "n" * 200), p.ENTITY_OPS)


def test_the_article_of_a_reply_is_read_from_its_block_id_and_checked() -> None:
    def message(*block_ids: str, attachment: bool = False) -> dict[str, Any]:
        blocks = [{"type": "section", "block_id": b} for b in block_ids]
        if attachment:  # an unfurl: Slack relays its blocks inside an attachment
            return {"message": {"attachments": [{"blocks": blocks}]}}
        return {"message": {"blocks": blocks}}

    assert p.article_of_message(message("x1", "briefbot-article:5a82")) == "5a82"
    assert p.article_of_message(message("briefbot-article:5a82", attachment=True)) == "5a82"
    for bad in [message("x1"), message("briefbot-article:../../x"), {}, {"message": "text"}]:
        with pytest.raises(InputError, match="briefbot's reply to a link"):
            p.article_of_message(bad)


def test_who_reads_the_team_and_user_and_tolerates_junk() -> None:
    assert p.who({"team": {"id": "T1"}, "user": {"id": "U1"}}) == ("T1", "U1")
    assert p.who({"user": {"id": "U1", "team_id": "T9"}}) == ("T9", "U1")
    assert p.who({"team": "T1", "user": ["U1"]}) == ("", "")
