"""An alert as Block Kit: what happened in which topic, and a button that opens
the topic's brief for whoever clicks it. Titles and summaries come from articles
and are escaped."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot.alerts.checker import Alert
from bot.alerts.subscriptions import AlertSubscription
from bot.render import format as fmt
from bot.render.fit import context, section
from bot.render.mrkdwn import escape, truncate_plain

OPEN_BRIEF = "brief_open"
BUTTON_VALUE_MAX = 64


def alert_blocks(alert: Alert) -> list[Block]:
    topic = escape(alert.topic)
    if alert.kind == "spike":
        lead = f":chart_with_upwards_trend: *{topic}* is busier than usual"
    else:
        lead = f":new: New development in *{topic}*"
    title = escape(truncate_plain(alert.title.strip(), fmt.TITLE_MAX))
    detail = escape(truncate_plain(alert.detail.strip(), 600))
    blocks: list[Block] = [section(f"{lead}\n*{title}*" + (f"\n{detail}" if detail else ""))]
    blocks.append(context(f"Alerts on {topic} in this channel · `/brief alerts stop {topic}`"))
    button = ButtonElement(
        text="Open the brief", action_id=OPEN_BRIEF, value=alert.topic[:BUTTON_VALUE_MAX]
    )
    blocks.append(ActionsBlock(elements=[button]))
    return blocks


def alert_fallback(alert: Alert) -> str:
    what = "busier than usual" if alert.kind == "spike" else f"new development: {alert.title}"
    return truncate_plain(f"{alert.topic}: {what}", 300)


def alert_subscriptions_text(subs: Sequence[AlertSubscription]) -> str:
    """This channel's alert topics, as one message (``render.message`` escapes it)."""
    if not subs:
        return "This channel gets no alerts. `/brief alerts syria` asks for them."
    topics = ", ".join(f"*{s.topic}*" for s in subs)
    return f"This channel gets alerts on {topics}. `/brief alerts stop <topic>` ends one."
