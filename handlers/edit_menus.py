"""Corrections through Slack's own controls: the menu on each development of a
brief, the "Correct this article" message shortcut on briefbot's link replies,
and the forms (modals) they open.

Each listener acks, checks that the user may correct (``BRIEFBOT_EDITORS``),
reads the payload (``bot.slack.edit_payloads``), calls one function of
``bot.edits`` and answers with a form (``bot.render.edit_views``) or a plain
message. Nothing changes until a form is submitted; the correction is then the
same call as ``/brief edit`` and ``briefbot edit`` (``handlers.edits.correct``),
recorded under the Slack user's id, and the modal says what was done and how to
undo it. A correction runs before the submission's ack, as ``/brief edit``
does, so that the modal can show its outcome.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import edits
from bot.errors import BriefbotError, FieldError, InputError, StoreUnavailable, TopicBusy
from bot.models import Article
from bot.render import edit_views as views
from bot.render.mrkdwn import escape
from bot.slack import edit_payloads as payloads
from bot.slack import responses
from bot.slack.edit_payloads import FormRef
from handlers.commands import BUSY, FAILED, UNAVAILABLE
from handlers.edits import correct, refusal

if TYPE_CHECKING:
    from bot.deps import Deps

log = logging.getLogger(__name__)

View = dict[str, Any]
_IN_ARTICLE_MODAL = re.compile(
    f"^(?:{views.ARTICLE_MENU}|{views.ARTICLE_FORGET}|{views.ENTITY_MENU})$"
)


def register(app: App, deps: Deps) -> None:
    @app.action(views.DEV_MENU)
    def development_menu(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """A brief's development: open the form of the chosen correction."""
        ack()
        answer = _guarded(deps, client, body, "menu", lambda t: _development_form(deps, t, body))
        _open_or_tell(deps, client, body, answer)

    @app.message_shortcut(views.SHORTCUT)
    def article_shortcut(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """The "Correct this article" shortcut on a link reply: open the article's modal."""
        ack()
        answer = _guarded(deps, client, body, "shortcut", lambda t: _article_modal(deps, t, body))
        _open_or_tell(deps, client, body, answer)

    @app.action(_IN_ARTICLE_MODAL)
    def article_modal_menu(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """A menu of the article's modal: the modal becomes the chosen correction's form."""
        ack()
        answer = _guarded(deps, client, body, "modal", lambda t: _article_form(deps, t, body))
        view = answer if isinstance(answer, dict) else views.message_view(answer)
        _call(client.views_update, view_id=str(payloads.view_of(body).get("id") or ""), view=view)

    @app.view(views.FORM)
    def submit_form(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        """A form submitted: make the correction; the modal says what was done."""
        try:
            outcome = _submitted(deps, client, body)
        except FieldError as exc:  # shown under the field; the form stays open
            ack(response_action="errors", errors={exc.field: str(exc)})
            return
        ack(response_action="update", view=views.message_view(outcome))


# ---- what each control opens -------------------------------------------------------------


def _development_form(deps: Deps, team: str, body: dict[str, Any]) -> View:
    op, dev_id = payloads.development_choice(body)
    choice = edits.development_choices(deps, team, dev_id)
    dev, others = choice.development, choice.others
    meta = FormRef(op=op, team=team, dev=dev.id, topic=dev.topic).encode()
    if op == "rename":
        return views.rename_form(meta, dev)
    if op == "merge":
        return views.merge_form(meta, dev, others)
    if op == "move":
        return views.move_form(
            meta, dev.topic, others, articles=dev.articles, total=dev.article_count
        )
    return views.remove_form(meta, dev)


def _article_modal(deps: Deps, team: str, body: dict[str, Any]) -> View:
    choice = edits.article_choices(deps, team, payloads.article_of_message(body))
    meta = FormRef(op="article", team=team, article=choice.article.id).encode()
    return views.article_menu(meta, choice.article, choice.placements)


def _article_form(deps: Deps, team: str, body: dict[str, Any]) -> View:
    """The form for a choice made in the article's modal, checked against the article."""
    ref = FormRef.decode(payloads.view_of(body).get("private_metadata"), team)
    if ref.op != "article":
        raise InputError(payloads.STALE)
    choice = edits.article_choices(deps, team, ref.article)
    article = choice.article
    label = f"“{escape(article.title[:80])}”"
    action = str(payloads.action_of(body).get("action_id") or "")
    if action == views.ARTICLE_FORGET:
        meta = FormRef(op="forget", team=team, article=article.id).encode()
        text = (
            f"Remove {label} from briefbot entirely: its topics, developments, timeline "
            "and counts. Posted again, it is refused until the correction is undone."
        )
        return views.confirm_form(meta, "Remove from briefbot", text, "Remove")
    if action == views.ENTITY_MENU:
        op, name = payloads.menu_choice(body, payloads.ENTITY_OPS)
        return _entity_form(team, choice.article, op, name)
    op, topic = payloads.menu_choice(body, payloads.ARTICLE_OPS)
    dev = next((d for d in choice.placements if d.topic == topic), None)
    if dev is None:
        raise InputError(f"That article is not in {topic} (any more): nothing was changed.")
    meta = FormRef(op=op, team=team, topic=topic, article=article.id).encode()
    if op == "move":
        others = edits.other_developments(deps, team, topic, dev.id)
        return views.move_form(meta, topic, others, article=article)
    if op == "split":
        text = f"Move {label} out of its development into a new one of its own in *{topic}*?"
        return views.confirm_form(meta, "New development", text, "Move")
    text = (
        f"Take {label} out of *{topic}*? It stays in briefbot and its other topics, "
        f"and is not filed in {topic} again."
    )
    return views.confirm_form(meta, "Remove from topic", text, "Remove")


def _entity_form(team: str, article: Article, op: str, name: str) -> View:
    names: dict[str, str] = {a.name: a.kind for a in article.actors}
    names.update({p.name: p.kind for p in article.locations})
    if name not in names:
        raise InputError(f"{name} is not a name of this article (any more): nothing was changed.")
    meta = FormRef(op=f"entity-{op}", team=team, name=name).encode()
    if op != "reject":
        return views.name_form(meta, name, merge=op == "merge")
    kind = names[name]
    text = (
        f"*{escape(name)}* is not an actor or place ({escape(kind)}): it is taken out of "
        "every topic's names now and not extracted again in this workspace."
    )
    return views.confirm_form(meta, "Not an actor or place", text, "Confirm")


def _submitted(deps: Deps, client: WebClient, body: dict[str, Any]) -> str:
    """The outcome of a submitted form, in words (``FieldError`` for a field to fix)."""
    team, user = payloads.who(body)
    view = payloads.view_of(body)

    def run() -> str:
        refused = refusal(deps, client, team, user, "form")
        if refused:
            return refused
        ref = FormRef.decode(view.get("private_metadata"), team)
        done = correct(deps, team, user, payloads.form_command(ref, view))
        return views.done_text(done.number, done.what)

    return _words(team, "form", run)


# ---- the common path -------------------------------------------------------------------


def _guarded(
    deps: Deps,
    client: WebClient,
    body: dict[str, Any],
    what: str,
    build: Callable[[str], View],
) -> View | str:
    """The view ``build`` makes for the asking team, or what to say instead: a refusal
    (non-editors), a bad or stale payload, a store outage, a busy topic, a bug."""
    team, user = payloads.who(body)
    refused = refusal(deps, client, team, user, what)
    if refused:
        return refused
    answer: list[View] = []

    def run() -> str:
        answer.append(build(team))
        return ""

    said = _words(team, what, run)
    if answer:
        log.info("edit %s team=%s user=%s: form shown", what, team, user)
        return answer[0]
    return said


def _words(team: str, what: str, run: Callable[[], str]) -> str:
    try:
        return run()
    except FieldError:
        raise
    except InputError as exc:
        log.info("edit %s team=%s refused: %s", what, team, exc)
        return str(exc)
    except StoreUnavailable as exc:
        log.warning("edit %s team=%s: %s", what, team, exc)
        return UNAVAILABLE
    except TopicBusy as exc:
        log.warning("edit %s team=%s: %s", what, team, exc)
        return BUSY
    except BriefbotError as exc:
        log.warning("edit %s team=%s failed: %s", what, team, exc)
        return f"That did not work: {exc}"
    except Exception:  # a bug: the user gets a plain answer, the log the trace
        log.exception("edit %s team=%s failed", what, team)
        return FAILED


def _open_or_tell(deps: Deps, client: WebClient, body: dict[str, Any], answer: View | str) -> None:
    """Open the form; or say, only to the user, why not (through the payload's
    ``response_url``, and only when it is Slack's own: ``bot.slack.responses``)."""
    if isinstance(answer, dict):
        _call(client.views_open, trigger_id=str(body.get("trigger_id") or ""), view=answer)
    else:
        responses.respond(
            deps.settings,
            deps.metrics,
            body.get("response_url"),
            text=answer,
            response_type="ephemeral",
            replace_original=False,
        )


def _call(method: Callable[..., Any], **kwargs: Any) -> None:
    """A views call; Slack's refusal (an expired trigger, a closed modal) is logged."""
    try:
        method(**kwargs)
    except SlackApiError as exc:
        name = getattr(method, "__name__", "a views call")
        log.warning("slack refused %s: %s", name, exc.response.get("error"))
