"""The fake Slack's memory: recorded calls, faults to inject, messages, views, users, channels.

Everything here is guarded by one lock, because the HTTP server answers each
request in its own thread while the test reads from the main thread. Waiting
helpers use a condition variable, so tests never sleep for a fixed time.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

RESPONSE_URL_MAX_USES = 5


@dataclass(frozen=True)
class Call:
    """One request to ``/api/<method>`` as the fake received it."""

    method: str
    token: str | None
    params: dict[str, Any]  # query, form and JSON merged; blocks/unfurls/... decoded
    status: int = 200  # HTTP status answered (0 when the connection was dropped)
    response: dict[str, Any] | None = None  # JSON answered (None when dropped)
    fault: str | None = None  # "http 429", "http 503", "dropped", "error channel_not_found"

    @property
    def ok(self) -> bool:
        """True when the call took effect (answered with ``"ok": true``)."""
        return self.fault is None and bool(self.response and self.response.get("ok"))


@dataclass
class Fault:
    """A planned failure of the next ``times`` calls of a method."""

    status: int = 429
    retry_after: int | None = 1
    times: int = 1
    error: str | None = None
    drop: bool = False


@dataclass
class ResponsePost:
    """One post to a ``response_url``; ``accepted`` is False past the 5th use."""

    body: dict[str, Any]
    accepted: bool


@dataclass
class Identity:
    """What ``auth.test`` says about a token."""

    team_id: str
    team_name: str
    user_id: str
    bot_id: str
    app_id: str
    enterprise_id: str | None = None


@dataclass
class InstallGrant:
    """What ``oauth.v2.access`` gives for one authorization ``code`` (used once)."""

    token: str
    team_id: str
    team_name: str
    bot_user_id: str
    installer: str
    scopes: str


@dataclass
class SlackState:
    """Thread-safe record of everything the fake was asked and what it holds."""

    identity: Identity
    default_tz: str = "UTC"
    socket_mode_url: str | None = None
    identities: dict[str, Identity] = field(default_factory=dict)  # token -> identity
    grants: dict[str, InstallGrant] = field(default_factory=dict)  # OAuth code -> install
    client_id: str | None = None  # oauth.v2.access checks these when set
    client_secret: str | None = None
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    usergroups: dict[str, list[str]] = field(default_factory=dict)  # S… -> user ids
    channel_members: dict[str, list[str]] = field(default_factory=dict)  # C… -> user ids
    messages: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    uploads: dict[str, bytes] = field(default_factory=dict)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)  # view id -> as Slack keeps it
    triggers_used: set[str] = field(default_factory=set)  # a trigger_id opens one view
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)  # canned overrides
    limits: Any = None  # a tests.fakeslack.limits.Limits when Slack's limits are enforced
    _calls: list[Call] = field(default_factory=list)
    _faults: dict[str, list[Fault]] = field(default_factory=dict)
    _responses: dict[str, list[ResponsePost]] = field(default_factory=dict)
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _counter: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def lock(self) -> threading.Condition:
        """The (re-entrant) lock guarding messages, users, channels and uploads."""
        return self._cond

    # ---- ids ---------------------------------------------------------------

    def next_ts(self) -> str:
        """A unique, increasing message timestamp such as ``1769000000.000042``."""
        with self._cond:
            n = next(self._counter)
        return f"{int(time.time())}.{n:06d}"

    def next_id(self, prefix: str) -> str:
        with self._cond:
            return f"{prefix}{next(self._counter):08d}"

    def identity_for(self, token: str | None) -> Identity:
        return self.identities.get(token or "", self.identity)

    # ---- faults ------------------------------------------------------------

    def add_fault(self, method: str, fault: Fault) -> None:
        with self._cond:
            self._faults.setdefault(method, []).append(fault)

    def take_fault(self, method: str) -> Fault | None:
        """The fault planned for this call of ``method``, if any (uses one of its times)."""
        with self._cond:
            planned = self._faults.get(method)
            if not planned:
                return None
            fault = planned[0]
            fault.times -= 1
            if fault.times <= 0:
                planned.pop(0)
            return fault

    # ---- calls -------------------------------------------------------------

    def record(self, call: Call) -> None:
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()

    def calls(self, method: str | None = None, *, include_failed: bool = False) -> list[Call]:
        with self._cond:
            return [
                c
                for c in self._calls
                if (method is None or c.method == method) and (include_failed or c.fault is None)
            ]

    def wait(self, predicate: Callable[[], bool], timeout: float, what: str) -> None:
        """Block until ``predicate()`` holds (checked under the lock) or fail after ``timeout``."""
        with self._cond:
            if not self._cond.wait_for(predicate, timeout=timeout):
                raise AssertionError(f"timed out after {timeout}s waiting for {what}")

    # ---- response_url sink -------------------------------------------------

    def post_response(self, response_id: str, body: dict[str, Any]) -> bool:
        """Record a post to a response URL; False once the URL was used 5 times."""
        with self._cond:
            posts = self._responses.setdefault(response_id, [])
            accepted = sum(p.accepted for p in posts) < RESPONSE_URL_MAX_USES
            posts.append(ResponsePost(body=body, accepted=accepted))
            self._cond.notify_all()
            return accepted

    def responses(self, response_id: str, *, include_rejected: bool = False) -> list[ResponsePost]:
        with self._cond:
            posts = self._responses.get(response_id, [])
            return [p for p in posts if include_rejected or p.accepted]

    def reset(self) -> None:
        """Forget calls, faults, messages, views, uploads and response posts (not users)."""
        with self._cond:
            self._calls.clear()
            self._faults.clear()
            self._responses.clear()
            self.messages.clear()
            self.uploads.clear()
            self.views.clear()
            self.triggers_used.clear()
