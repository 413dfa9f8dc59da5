"""Who may correct briefbot in Slack (``BRIEFBOT_EDITORS``).

``everyone``, or Slack ids: a user (U…/W…) may; members of a user group (S…,
``usergroups.users.list``) or of a channel (C…/G…, ``conversations.members``)
may. Memberships are cached for a minute per process, so a burst of
corrections costs one lookup; a lookup that fails refuses (fail closed) and
says so, rather than letting anyone correct while Slack is unreachable.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config import EVERYONE

log = logging.getLogger(__name__)

CACHE_SECONDS = 60.0
MAX_PAGES = 20  # 20 x 1,000 members of a channel


class EditorCheck:
    """``allows(client, team, user)``: whether ``user`` may correct, with a reason if not."""

    def __init__(self, editors: tuple[str, ...], clock: Callable[[], float] = time.monotonic):
        self.editors = editors
        self.clock = clock
        self._cache: dict[tuple[str, str], tuple[float, frozenset[str]]] = {}
        self._lock = threading.Lock()

    @property
    def everyone(self) -> bool:
        return EVERYONE in self.editors

    def allows(self, client: WebClient | None, team: str, user: str) -> tuple[bool, str]:
        if self.everyone:
            return True, ""
        if user and user in self.editors:
            return True, ""
        groups = [e for e in self.editors if e[0] in "SCG"]
        if client is None or not user:
            return False, "only editors may correct briefbot here"
        for entry in groups:
            try:
                members = self._members(client, team, entry)
            except SlackApiError as exc:
                error = exc.response.get("error") if exc.response is not None else exc
                log.warning("editors: cannot list members of %s: %s", entry, error)
                return False, "briefbot could not check who may correct it; try again later"
            if user in members:
                return True, ""
        return False, "only editors may correct briefbot here (see BRIEFBOT_EDITORS)"

    def _members(self, client: WebClient, team: str, entry: str) -> frozenset[str]:
        now = self.clock()
        with self._lock:
            cached = self._cache.get((team, entry))
        if cached is not None and now - cached[0] < CACHE_SECONDS:
            return cached[1]
        found = _group_users(client, entry) if entry[0] == "S" else _channel_users(client, entry)
        with self._lock:
            self._cache[(team, entry)] = (now, found)
        return found


def _group_users(client: WebClient, group: str) -> frozenset[str]:
    answer = client.usergroups_users_list(usergroup=group)
    return frozenset(str(u) for u in answer.get("users") or [])


def _channel_users(client: WebClient, channel: str) -> frozenset[str]:
    users: set[str] = set()
    cursor = ""
    for _ in range(MAX_PAGES):
        answer = client.conversations_members(channel=channel, limit=1000, cursor=cursor or None)
        users.update(str(u) for u in answer.get("members") or [])
        cursor = str((answer.get("response_metadata") or {}).get("next_cursor") or "")
        if not cursor:
            break
    return frozenset(users)
