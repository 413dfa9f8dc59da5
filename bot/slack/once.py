"""Each Slack event is handled once, however often Slack sends it.

Slack resends an event it thinks was not acknowledged (after a timeout or an
error), with the same ``event_id``: about at once, after a minute, after five.
A resent event must not give a second reply, and an event whose handling failed
must not be dropped as a repeat either. So:

* ``first_sight`` marks the event (per team) before its listener runs, and
  answers False for a repeat. An event that carries links (``QUEUEING_EVENTS``)
  is only claimed for ``EVENT_CLAIM_TTL`` seconds at first: a process killed
  before it queued the links leaves a claim that lapses before Slack's next
  retry, and the jobs' own dedup markers, written in the same transaction as
  each job, keep that retry from queueing a link twice;
* ``confirm_event`` marks it seen for ``EVENT_TTL`` once its links are queued
  (called by the handler that queues them): from then on a retry is a repeat;
* ``forget_event`` removes the mark when handling failed before the ack (the
  error handler calls it), so the retry Slack sends after the 500 is handled.

Requests that are not events (commands, actions) carry no ``event_id`` and are
always handled.
"""

from __future__ import annotations

import contextlib
from typing import Any

from bot.errors import StoreUnavailable
from bot.store.team import Store

#: how long an event stays "seen": past Slack's last retry (about five minutes on)
EVENT_TTL = 3600
#: long enough to cover one request up to its ack, short of Slack's retry a minute on
EVENT_CLAIM_TTL = 30
QUEUEING_EVENTS = frozenset({"message", "link_shared"})


def team_of(body: dict[str, Any]) -> str | None:
    """The workspace a Slack request comes from, or None when it names none."""
    team = body.get("team_id") or (body.get("team") or {}).get("id")
    if not team and body.get("authorizations"):
        team = body["authorizations"][0].get("team_id")
    return str(team) if team else None


def first_sight(store: Store, body: dict[str, Any]) -> bool:
    """True when the request is to be handled; False for a repeat of an event
    claimed or seen already. Marks the event as a side effect."""
    marker = _marker(body)
    if marker is None:
        return True
    team, name = marker
    queues = (body.get("event") or {}).get("type") in QUEUEING_EVENTS
    return store.first_time(team, name, EVENT_CLAIM_TTL if queues else EVENT_TTL)


def confirm_event(store: Store, body: dict[str, Any]) -> None:
    """Mark an event seen for ``EVENT_TTL``: its links are queued now."""
    marker = _marker(body)
    if marker is not None:
        store.mark_seen(*marker, EVENT_TTL)


def forget_event(store: Store, body: dict[str, Any]) -> None:
    """Unmark a failed event, so Slack's retry of it is handled, not dropped.

    When the failure came after the ack (bolt runs listeners after it), Slack
    does not retry and the unmarking changes nothing. With Redis down the mark
    stays; a claim (``EVENT_CLAIM_TTL``) lapses on its own before the retry.
    """
    marker = _marker(body)
    if marker is not None:
        with contextlib.suppress(StoreUnavailable):
            store.forget(*marker)


def _marker(body: dict[str, Any]) -> tuple[str, str] | None:
    event_id, team = body.get("event_id"), team_of(body)
    if not event_id or not team:
        return None
    return team, f"event:{event_id}"
