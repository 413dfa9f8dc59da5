"""Corrections through Slack's own controls, over Socket Mode with the fake Slack:
the menu on a brief's developments, the "Correct this article" message shortcut
on a link reply, the forms they open, who may use them, and hostile payloads.

Each test walks a whole path as a user would (the payloads are built from what
the app showed: the brief's blocks, the reply it posted, the modal it opened),
then ingests more articles to check that the correction holds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot import edits
from bot.deps import Deps
from bot.jobs import pipeline
from bot.render.edit_views import DEV_MENU, SHORTCUT
from bot.runtime import BotServer
from bot.topics import corrections
from bot.topics.brief import brief_for
from tests.fakeslack import (
    FakeSlack,
    FakeSocketMode,
    message_action,
    message_block_action,
    message_event,
    slash_command,
    view_block_action,
    view_submission,
)
from tests.support.app import start_bot, wait_idle
from tests.support.pages import ArticleServer
from tests.support.seeds import seed_path, serve_seed

REQUEST = "2026-01-22-northern-dispatch-qamishli-request.html"
BARRACKS = "2026-01-25-gulf-wire-qamishli-barracks.html"
AIRLIFT = "2026-01-26-levant-ledger-qamishli-airlift.html"
SILENCE = "2026-01-27-eurasia-monitor-kamishli-silence.html"
PUTIN = "2026-01-28-atlas-daily-sharaa-putin-wire.html"
PUTIN_TALKS = "2026-01-28-gulf-wire-sharaa-putin-talks.html"
EXPLAINER = "2026-01-29-atlas-daily-qamishli-explainer.html"
FAILED = "Something went wrong"
MENU_OPS = ("rename", "merge", "move", "remove")


class Slack:
    """A user's side of Slack: commands, clicks and submissions over Socket Mode."""

    def __init__(self, socket: FakeSocketMode, web: FakeSlack) -> None:
        self.socket, self.web = socket, web
        self.views_shown = 0

    def send(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Push an interaction; the app's ack payload."""
        return self.socket.wait_for_ack(self.socket.push_interactive(payload), timeout=30)

    def brief(self, topic: str = "syria", user: str = "U1") -> list[dict[str, Any]]:
        ack = self.socket.wait_for_ack(self.socket.push_command(slash_command(topic, user=user)))
        return list(ack["blocks"])

    def next_view(self) -> dict[str, Any]:
        """The modal the app opened or changed last (waiting for it)."""
        self.views_shown += 1
        return self.web.wait_for_view(count=self.views_shown, timeout=30)

    def menu(self, blocks: list[dict[str, Any]], value: str, **who: Any) -> dict[str, Any]:
        """Choose ``value`` in a development's menu of the brief; the form it opens."""
        self.send(message_block_action(blocks, DEV_MENU, value, **who))
        return self.next_view()

    def submit(
        self, view: dict[str, Any], values: dict[str, str] | None = None, user: str = "U1"
    ) -> str:
        """Submit a form; what the modal then says (or the field errors)."""
        return self.submit_payload(view_submission(view, values, user=user))

    def submit_payload(self, payload: dict[str, Any]) -> str:
        ack = self.send(payload)
        if ack.get("response_action") == "errors":
            return str(ack["errors"])
        assert ack["response_action"] == "update", ack
        return str(ack["view"]["blocks"])


@pytest.fixture
def socket_bot(
    make_deps: Callable[..., Deps],
    fake_slack: FakeSlack,
    fake_socket_mode: FakeSocketMode,
    request: Any,
) -> Iterator[BotServer]:
    editors = getattr(request, "param", ("everyone",))
    deps = make_deps(slack_app_token="xapp-test-token", editors=editors)
    bot = start_bot(deps)
    fake_socket_mode.wait_connected()
    yield bot
    # the server first: the bolt client then sees its socket close at once,
    # instead of sitting out its 3-second receive timeout
    fake_slack.socket_mode_url = None
    fake_socket_mode.stop()
    bot.stop()


@pytest.fixture
def slack(socket_bot: BotServer, fake_socket_mode: FakeSocketMode, fake_slack: FakeSlack) -> Slack:
    return Slack(fake_socket_mode, fake_slack)


def ingest(deps: Deps, *names: str) -> list[str]:
    ids = []
    for name in names:
        result = pipeline.ingest_path(deps, "T1", seed_path(name))
        assert result.status == "ingested" and result.article, result.reason
        ids.append(result.article.id)
    return ids


def dev_of(deps: Deps, article_id: str, topic: str = "syria") -> str | None:
    return corrections.development_of(deps.redis, "T1", topic, article_id)


def options(blocks: list[dict[str, Any]], dev_id: str) -> list[str]:
    """The values of the menu on development ``dev_id`` of a brief."""
    for block in blocks:
        menu = block.get("accessory") or {}
        values = [o["value"] for o in menu.get("options", [])]
        if menu.get("action_id") == DEV_MENU and any(v.endswith(f"|{dev_id}") for v in values):
            return values
    raise AssertionError(f"no menu on development {dev_id}")


def test_a_briefs_development_menus_correct_it_and_the_corrections_hold(
    socket_bot: BotServer, slack: Slack
) -> None:
    deps = socket_bot.deps
    request, barracks, airlift, putin = ingest(deps, REQUEST, BARRACKS, AIRLIFT, PUTIN)
    qamishli, sharaa = dev_of(deps, barracks), dev_of(deps, putin)
    assert qamishli and sharaa and qamishli == dev_of(deps, airlift) != sharaa
    blocks = slack.brief()
    assert options(blocks, qamishli) == [f"{op}|{qamishli}" for op in MENU_OPS]

    # split: the airlift story out of the Qamishli development, into one of its own
    form = slack.menu(blocks, f"move|{qamishli}")
    said = slack.submit(form, {"article": airlift, "target": "new"})
    assert "Done: #1 moved" in said and "/brief edit undo 1" in said
    split = dev_of(deps, airlift)
    assert split not in {None, qamishli}

    # rename the Putin development; take the request story out of syria
    said = slack.submit(slack.menu(blocks, f"rename|{sharaa}"), {"title": "Sharaa in Moscow"})
    assert "Done: #2" in said
    said = slack.submit(slack.menu(blocks, f"remove|{qamishli}"), {"article": request})
    assert "Done: #3 removed" in said
    assert dev_of(deps, request) is None

    # later articles on both stories: the split stays split, the title stays
    silence, talks = ingest(deps, SILENCE, PUTIN_TALKS)
    assert dev_of(deps, silence) in {qamishli, split} and dev_of(deps, talks) == sharaa
    assert dev_of(deps, airlift) == split != dev_of(deps, barracks) == qamishli
    titles = {d.id: d.title for d in brief_for(deps, "T1", "syria", mark_seen=False).developments}
    assert titles[sharaa] == "Sharaa in Moscow"

    # merge the split development back (from a fresh brief: it now has a menu)
    blocks = slack.brief()
    form = slack.menu(blocks, f"merge|{split}")
    assert "Choose a development" in slack.submit(form), "a merge needs its target"
    said = slack.submit(form, {"target": qamishli})
    assert "Done: #4 merged" in said
    assert dev_of(deps, airlift) == qamishli
    assert [c.who for c in edits.log(deps, "T1")] == ["U1"] * 4


def test_the_shortcut_on_a_link_reply_corrects_its_article_and_later_ones(
    socket_bot: BotServer, slack: Slack, fake_slack: FakeSlack, article_site: ArticleServer
) -> None:
    deps = socket_bot.deps
    (putin,) = ingest(deps, PUTIN)
    url = serve_seed(article_site, REQUEST)
    slack.socket.wait_for_ack(slack.socket.push_event(message_event(f"<{url}>")))
    wait_idle(deps)
    (reply,) = fake_slack.messages("C1")
    article_id = deps.store.find_duplicate("T1", url, "") or ""
    assert article_id and dev_of(deps, article_id) not in {None, dev_of(deps, putin)}

    def shortcut() -> dict[str, Any]:
        assert slack.send(message_action(SHORTCUT, reply)) == {}
        return slack.next_view()

    menu = shortcut()
    shown = str(menu["blocks"])
    assert "Kurds" in shown and "Al Qamishli" in shown and "syria" in shown
    # "Kurds" is no actor here; "Al Qamishli" is Qamishli
    slack.send(view_block_action(menu, "entity_edit", "reject|Kurds"))
    assert "Done: #1 rejected" in slack.submit(slack.next_view())
    menu = shortcut()
    slack.send(view_block_action(menu, "entity_edit", "merge|Al Qamishli"))
    form = slack.next_view()
    assert "Give a name" in slack.submit(form, {"name": " "})
    assert "Done: #2 merged" in slack.submit(form, {"name": "Qamishli"})
    # moved into the Putin development, by hand
    menu = shortcut()
    assert "Kurds" not in str(menu["blocks"]), "the modal shows the names as corrected"
    slack.send(view_block_action(menu, "article_edit", "move|syria"))
    form = slack.next_view()
    assert "Done: #3 moved" in slack.submit(form, {"target": dev_of(deps, putin) or ""})
    assert dev_of(deps, article_id) == dev_of(deps, putin)

    # a later article on the Qamishli story names the Kurds and Al Qamishli
    ingest(deps, BARRACKS)
    brief = brief_for(deps, "T1", "syria", mark_seen=False)
    actors = [a.name for a in brief.actors]
    places = [p.name for p in brief.locations]
    assert "Kurds" not in actors and "Al Qamishli" not in places and "Qamishli" in places
    assert dev_of(deps, article_id) == dev_of(deps, putin), "the move holds"

    # out of syria, then out of briefbot: posted again, it is refused with the number
    menu = shortcut()
    slack.send(view_block_action(menu, "article_edit", "remove|syria"))
    assert "Done: #4 removed" in slack.submit(slack.next_view())
    assert dev_of(deps, article_id) is None
    menu = shortcut()
    assert "in no topic" in str(menu["blocks"])
    slack.send(view_block_action(menu, "article_forget"))
    assert "Done: #5 removed" in slack.submit(slack.next_view())
    assert deps.store.get_article("T1", article_id) is None
    again = message_event(f"<{url}>", ts="1769999999.000100")
    slack.socket.wait_for_ack(slack.socket.push_event(again))
    wait_idle(deps)
    refused = fake_slack.thread_replies("C1", "1769999999.000100")
    assert len(refused) == 1 and "correction #5" in str(refused[0]["blocks"])
    # the reply it was used on now names an article that is gone: said plainly
    slack.send(message_action(SHORTCUT, reply, response_url=fake_slack.response_url("gone")))
    (gone,) = fake_slack.wait_for_response("gone")
    assert "no article" in gone.body["text"] and FAILED not in gone.body["text"]
    assert [c.who for c in edits.log(deps, "T1")] == ["U1"] * 5


def reply_to(article_id: str, ts: str = "1769000000.000200") -> dict[str, Any]:
    """A message carrying an article's block id, as briefbot's link replies do."""
    block = {"type": "section", "block_id": f"briefbot-article:{article_id}", "text": "x"}
    return {"type": "message", "ts": ts, "user": "UBOT", "bot_id": "BBOT", "blocks": [block]}


@pytest.mark.parametrize("socket_bot", [("UCHIEF",)], indirect=True)
def test_non_editors_are_refused_and_hostile_payloads_get_a_plain_answer(
    socket_bot: BotServer, slack: Slack, fake_slack: FakeSlack
) -> None:
    deps = socket_bot.deps
    (barracks, putin) = ingest(deps, BARRACKS, PUTIN)
    elsewhere = pipeline.ingest_path(deps, "T2", seed_path(REQUEST)).article
    assert elsewhere is not None  # an article of another workspace
    qamishli = dev_of(deps, barracks)
    blocks = slack.brief(user="U_OUT")
    sinks = iter(range(100))

    def told(payload: dict[str, Any]) -> str:
        """What the user is told (ephemerally, through the response URL) after ``payload``."""
        sink = f"r{next(sinks)}"
        payload["response_url"] = fake_slack.response_url(sink)
        assert slack.send(payload) == {}
        (post,) = fake_slack.wait_for_response(sink)
        assert post.body["response_type"] == "ephemeral" and not post.body["replace_original"]
        return str(post.body["text"])

    # a non-editor: the menu and the shortcut say so and open nothing
    out = {"user": "U_OUT"}
    assert "only editors" in told(
        message_block_action(blocks, DEV_MENU, f"rename|{qamishli}", **out)
    )
    assert "only editors" in told(message_action(SHORTCUT, reply_to(barracks), **out))
    assert fake_slack.calls("views.open") == []
    # ... nor can they submit an editor's form
    chief = {"user": "UCHIEF"}
    form = slack.menu(blocks, f"rename|{qamishli}", **chief)
    said = slack.send(view_submission(form, {"title": "Hijacked"}, user="U_OUT"))
    assert "only editors" in str(said["view"]["blocks"])

    # an editor's forged or stale payloads
    forged = message_block_action(blocks, DEV_MENU, f"rename|{qamishli}", **chief)
    forged["actions"][0]["selected_option"]["value"] = f"drop|{qamishli}"
    assert "not one briefbot offers" in told(forged)
    forged["actions"][0]["selected_option"]["value"] = "rename|d-00000000"
    assert "no development d-00000000" in told(forged)
    assert "use it on briefbot's reply" in told(message_action(SHORTCUT, {"ts": "1.2"}, **chief))
    assert "no article" in told(message_action(SHORTCUT, reply_to(elsewhere.id), **chief))
    assert "At most 200 characters" in slack.submit(form, {"title": "x" * 300}, user="UCHIEF")
    for meta, expected in [
        (form["private_metadata"].replace('"T1"', '"T2"'), "another workspace"),
        ("{not json", "could not be read"),
        ('{"team":"T1","op":"rename","dev":"../../etc"}', "could not be read"),
    ]:
        submitted = view_submission(form, {"title": "Forged"}, **chief)
        submitted["view"]["private_metadata"] = meta
        assert expected in slack.submit_payload(submitted)
    # a name the article does not have, in the shortcut's modal
    slack.send(message_action(SHORTCUT, reply_to(barracks), **chief))
    menu = slack.next_view()
    click = view_block_action(menu, "entity_edit", "reject|Kurds", **chief)
    click["actions"][0]["selected_option"]["value"] = "reject|Nobody at all"
    slack.send(click)
    assert "not a name of this article" in str(slack.next_view()["blocks"])

    assert edits.log(deps, "T1") == [], "nothing was corrected"
    titles = [d.title for d in brief_for(deps, "T1", "syria", mark_seen=False).developments]
    assert "Hijacked" not in titles and "Forged" not in titles
    assert dev_of(deps, putin) != qamishli
    assert FAILED not in str([c.params for c in fake_slack.calls()])
