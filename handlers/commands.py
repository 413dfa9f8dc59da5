"""``/brief``: parse the text, call one core operation, render, answer.

Every answer is ephemeral to the asker. A command that is quick (reads of a
known topic, lists, settings) is answered in the ack. One that may do work
that grows with the team's articles or waits on Slack (``takes_long``: a search,
defining a topic and filing its articles, a correction, a digest subscription)
is acknowledged at once with "Working on it…" and answered through its
``response_url`` (``bot.slack.responses``), failures included. Bad input and a
store outage get a plain answer, never an error trace.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.models.blocks import Block

from bot import render, service
from bot.errors import BriefbotError, InputError, StoreFull, StoreUnavailable, TopicBusy
from bot.slack import responses
from bot.slack.brief_command import Command, parse

if TYPE_CHECKING:
    from bot.deps import Deps

log = logging.getLogger(__name__)

UNAVAILABLE = (
    "briefbot is temporarily unavailable (its store cannot be reached). Try again in a minute."
)
FULL = (
    "briefbot's store is full right now, so it cannot save anything new; briefs still "
    "work. Try again once an administrator has made room."
)
BUSY = "That topic is being updated right now. Try again in a few seconds."
WORKING = "Working on it…"
# an unexpected failure (a bug): the asker gets a plain answer, the log gets the trace
FAILED = "Something went wrong on briefbot's side and it has been logged. Try again later."

Answer = Callable[["Deps", dict[str, Any], Command, "WebClient | None"], list[Block]]


def _brief(deps: Deps, body: dict[str, Any], cmd: Command, client: WebClient | None) -> list[Block]:
    brief = service.brief_for(
        deps, body["team_id"], cmd.topic, user=body.get("user_id"), channel=body.get("channel_id")
    )
    return render.brief_blocks(brief)


def _topics(
    deps: Deps, body: dict[str, Any], cmd: Command, client: WebClient | None
) -> list[Block]:
    return render.topics_blocks(service.topics_with_counts(deps, body["team_id"]))


def _follow(
    deps: Deps, body: dict[str, Any], cmd: Command, client: WebClient | None
) -> list[Block]:
    topic = service.follow(deps, body["team_id"], body["user_id"], cmd.topic)
    return render.message(f"You now follow *{topic.name}*. It shows in briefbot's Home tab.")


def _unfollow(
    deps: Deps, body: dict[str, Any], cmd: Command, client: WebClient | None
) -> list[Block]:
    if service.unfollow(deps, body["team_id"], body["user_id"], cmd.topic):
        return render.message(f"You no longer follow *{cmd.topic}*.")
    return render.message(f"You were not following *{cmd.topic}*.")


def _topic_add(
    deps: Deps, body: dict[str, Any], cmd: Command, client: WebClient | None
) -> list[Block]:
    topic = service.add_topic(deps, body["team_id"], cmd.topic, cmd.aliases)
    aliases = ", ".join(topic.aliases) or "none"
    return render.message(f"Topic *{topic.name}* is defined (aliases: {aliases}).")


def _help(deps: Deps, body: dict[str, Any], cmd: Command, client: WebClient | None) -> list[Block]:
    return render.help_blocks(body.get("command") or "/brief")


def _digest(
    deps: Deps, body: dict[str, Any], cmd: Command, client: WebClient | None
) -> list[Block]:
    from handlers.digests import answer_digest_command

    return answer_digest_command(deps, body, cmd, client)


def _edit(deps: Deps, body: dict[str, Any], cmd: Command, client: WebClient | None) -> list[Block]:
    from handlers.edits import answer_edit_command

    return answer_edit_command(deps, body, cmd, client)


def _feed(deps: Deps, body: dict[str, Any], cmd: Command, client: WebClient | None) -> list[Block]:
    from handlers.feeds import answer_feed_command

    return answer_feed_command(deps, body, cmd, client)


def _channel(
    deps: Deps, body: dict[str, Any], cmd: Command, client: WebClient | None
) -> list[Block]:
    team, channel = str(body["team_id"]), str(body.get("channel_id") or "")
    if cmd.kind == "channel_files":
        topic = service.set_channel_topic(deps, team, channel, cmd.topic)
        return render.message(
            f"Every article posted in this channel is now filed into *{topic.name}*, "
            "as well as into any topic it matches. `/brief channel clear` stops it."
        )
    if cmd.kind == "channel_clear":
        if service.clear_channel_topic(deps, team, channel):
            return render.message("This channel no longer files its articles into a topic.")
        return render.message("This channel does not file its articles into a topic.")
    topic_name = service.channel_topic(deps, team, channel)
    if topic_name:
        return render.message(f"This channel files every article posted here into *{topic_name}*.")
    return render.message(
        "This channel files articles only into the topics they match. "
        "`/brief channel files <topic>` adds one topic for everything posted here."
    )


def _alerts(
    deps: Deps, body: dict[str, Any], cmd: Command, client: WebClient | None
) -> list[Block]:
    team, channel = str(body["team_id"]), str(body.get("channel_id") or "")
    if cmd.kind == "alerts_add":
        topic = service.add_alerts(deps, team, channel, cmd.topic, str(body.get("user_id") or ""))
        return render.message(
            f"This channel now gets alerts on *{topic.name}*: each new development, and a day "
            "that is much busier than the topic's last two weeks. "
            f"`/brief alerts stop {topic.name}` ends them."
        )
    if cmd.kind == "alerts_stop":
        if service.stop_alerts(deps, team, channel, cmd.topic):
            return render.message(f"No more alerts on *{cmd.topic}* in this channel.")
        return render.message(f"This channel had no alerts on *{cmd.topic}*.")
    return render.message(render.alert_subscriptions_text(deps.alerts.for_channel(team, channel)))


def _picture(
    deps: Deps, body: dict[str, Any], cmd: Command, client: WebClient | None
) -> list[Block]:
    what = "chart" if cmd.kind == "chart" else "map"
    return render.message(f"Drawing the {what} of *{cmd.topic}*; it will appear in this channel.")


ANSWERS: dict[str, Answer] = {
    "help": _help,
    "brief": _brief,
    "topics": _topics,
    "follow": _follow,
    "unfollow": _unfollow,
    "topic_add": _topic_add,
    "digest_add": _digest,
    "digest_list": _digest,
    "digest_remove": _digest,
    "edit": _edit,
    "digest_pictures": _digest,
    "feed_add": _feed,
    "feed_list": _feed,
    "feed_remove": _feed,
    "channel_show": _channel,
    "channel_files": _channel,
    "channel_clear": _channel,
    "alerts_add": _alerts,
    "alerts_stop": _alerts,
    "alerts_list": _alerts,
    "chart": _picture,
    "map": _picture,
}


def answer(
    deps: Deps, body: dict[str, Any], client: WebClient | None = None
) -> tuple[str, list[Block]]:
    """The kind of command and the blocks that answer it."""
    kind = "invalid"
    try:
        cmd = parse(str(body.get("text") or ""))
        kind = cmd.kind
        return kind, ANSWERS[cmd.kind](deps, body, cmd, client)
    except InputError as exc:
        return kind, render.message(f"{exc}")
    except StoreFull as exc:  # before StoreUnavailable: it is one, but Redis answers
        log.error("command kind=%s team=%s: %s", kind, body.get("team_id"), exc)
        return kind, render.message(FULL)
    except StoreUnavailable as exc:
        log.warning("command kind=%s team=%s: %s", kind, body.get("team_id"), exc)
        return kind, render.message(UNAVAILABLE)
    except TopicBusy as exc:
        log.warning("command kind=%s team=%s: %s", kind, body.get("team_id"), exc)
        return kind, render.message(BUSY)
    except BriefbotError as exc:
        log.warning("command kind=%s team=%s failed: %s", kind, body.get("team_id"), exc)
        return kind, render.message(f"That did not work: {exc}")


#: kinds that may do unbounded work whatever they name: defining a topic files its
#: articles, a correction rebuilds developments (or copies a whole topic), a
#: digest subscription asks Slack for the user's time zone and may define topics
SLOW_KINDS = frozenset({"topic_add", "digest_add", "edit"})
#: kinds that are slow only for a word that is no topic yet: a brief of it searches
#: the team's articles, the others define it and file its articles
SLOW_FOR_A_NEW_TOPIC = frozenset({"brief", "follow", "alerts_add", "channel_files", "feed_add"})


def takes_long(deps: Deps, body: dict[str, Any]) -> bool:
    """Whether the command may take longer than Slack's 3 s ack window."""
    try:
        cmd = parse(str(body.get("text") or ""))
        if cmd.kind in SLOW_KINDS:
            return True
        if cmd.kind in SLOW_FOR_A_NEW_TOPIC and cmd.topic:
            return not service.is_topic(deps, str(body["team_id"]), cmd.topic)
    except BriefbotError:
        return False  # bad input or store trouble: ``answer`` says so in the ack
    return False


def _answered(
    deps: Deps, body: dict[str, Any], client: WebClient | None
) -> tuple[str, list[Block], str]:
    """The kind, the answer and the outcome (for the metrics); never raises."""
    try:
        kind, blocks = answer(deps, body, client)
        return kind, blocks, "ok"
    except Exception:
        log.exception("command failed team=%s", body.get("team_id"))
        return "failed", render.message(FAILED), "error"


def register(app: App, deps: Deps) -> None:
    @app.command("/brief")
    def brief_command(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        if takes_long(deps, body):
            ack(response_type="ephemeral", text=WORKING)
            kind, blocks, outcome = _answered(deps, body, client)
            responses.respond(
                deps.settings,
                deps.metrics,
                body.get("response_url"),
                blocks=blocks,
                text=render.blocks_text(blocks),
                response_type="ephemeral",
            )
        else:
            kind, blocks, outcome = _answered(deps, body, client)
            ack(response_type="ephemeral", blocks=blocks, text=render.blocks_text(blocks))
        deps.metrics.commands.labels(kind=kind, outcome=outcome).inc()
        if kind in {"chart", "map"}:  # after the ack: drawing takes a second or two
            from handlers.pictures import share_picture

            share_picture(deps, body, client)
