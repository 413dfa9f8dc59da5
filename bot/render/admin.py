"""The operator's tables as plain text, for ``briefbot admin``.

NAME                TEAM     FAILED (UTC)      TRIES  REASON             URL
T1/1733560000000-0  T1       2026-12-07 06:40  3      timed out          https://…
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from bot.digests.subscriptions import Subscription
from bot.jobs.dead_letters import DeadLetter
from bot.store.installs import Workspace

REASON_WIDTH = 40


def dead_letters_text(letters: Sequence[DeadLetter]) -> str:
    if not letters:
        return "no dead letters"
    rows = [("NAME", "TEAM", "FAILED (UTC)", "TRIES", "REASON", "URL")]
    for d in letters:
        failed = datetime.fromtimestamp(d.failed_at, UTC).strftime("%Y-%m-%d %H:%M")
        reason = d.reason if len(d.reason) <= REASON_WIDTH else d.reason[: REASON_WIDTH - 1] + "…"
        rows.append((d.name, d.team, failed, str(d.attempts), reason, d.payload.get("url", "")))
    return _table(rows)


def subscriptions_text(subs: Sequence[Subscription]) -> str:
    """Every digest subscription: workspace/id, channel, schedule, last slot sent."""
    if not subs:
        return "no digest subscriptions"
    rows = [("SUBSCRIPTION", "CHANNEL", "LAST SENT", "WHAT")]
    rows += [(s.key, s.channel, s.last_sent_for or "never", s.describe()) for s in subs]
    return _table(rows)


def workspaces_text(found: Sequence[Workspace]) -> str:
    """Installed workspaces: team, name, install time, bot user, token, pending deletion."""
    if not found:
        return "no installed workspaces (OAuth mode not in use, or nobody installed yet)"
    rows = [("TEAM", "INSTALLED (UTC)", "BOT USER", "TOKEN", "DELETION", "NAME")]
    for w in found:
        installed = datetime.fromtimestamp(w.installed_at, UTC).strftime("%Y-%m-%d %H:%M")
        deletion = (
            "data deleted after "
            + datetime.fromtimestamp(w.delete_after, UTC).strftime("%Y-%m-%d %H:%M")
            if w.delete_after is not None
            else "-"
        )
        token = "yes" if w.has_token else "removed"
        rows.append((w.team, installed, w.bot_user or "-", token, deletion, w.name))
    return _table(rows)


def _table(rows: Sequence[tuple[str, ...]]) -> str:
    """Columns padded to their widest cell; the last column is left ragged."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + "  " + row[-1]
        for row in rows
    ]
    return "\n".join(line.rstrip() for line in lines)
