"""A fake Slack Web API on loopback, for the real slack-sdk and slack-bolt code to talk to.

``FakeSlack`` runs a threaded HTTP server on ``127.0.0.1`` (a free port) with:

* ``/api/<method>``: the Web API. Form, query or JSON parameters; the token from an
  ``Authorization: Bearer`` header or a ``token`` parameter. Every call is recorded
  with the token it used (``calls``, ``wait_for``, ``tokens_used``); canned answers
  live in ``tests.fakeslack.methods``; unknown methods answer ``unknown_method``.
  ``fail_next``/``drop_next`` inject 429s, 5xx, Slack errors and dropped
  connections. ``oauth.v2.access`` exchanges a code granted with ``grant_install``
  (once) for that workspace's own bot token.
  ``views.open`` and ``views.update`` keep each modal as Slack would relay it
  (``views``, ``view``, ``wait_for_view``), checked as ``tests.fakeslack.views`` says.
* ``/response/<id>``: a ``response_url`` sink that accepts 5 posts per id.
* ``/upload/<file_id>``: the upload URL handed out by ``files.getUploadURLExternal``.

Point a client at it with ``WebClient(token=..., base_url=fake.base_url)``.
"""

from __future__ import annotations

import copy
import threading
from types import TracebackType
from typing import Any

from tests.fakeslack.httpd import Handler, Server
from tests.fakeslack.methods import METHODS, TOKENLESS, error
from tests.fakeslack.state import Call, Fault, Identity, InstallGrant, ResponsePost, SlackState


class FakeSlack:
    """A running fake of the Slack Web API (see the module docstring)."""

    def __init__(
        self,
        *,
        team_id: str = "T1",
        team_name: str = "Newsroom",
        user_id: str = "UBOT",
        bot_id: str = "BBOT",
        app_id: str = "A1",
        default_tz: str = "UTC",
    ) -> None:
        identity = Identity(team_id, team_name, user_id, bot_id, app_id)
        self.state = SlackState(identity=identity, default_tz=default_tz)
        self._server: Server | None = None
        self._thread: threading.Thread | None = None

    def enforce_limits(self) -> None:
        """From now on, answer 429 to calls over Slack's limits (``limits.py``)."""
        from tests.fakeslack.limits import Limits

        self.state.limits = Limits()

    # ---- life cycle --------------------------------------------------------

    def start(self) -> FakeSlack:
        """Start serving on a free loopback port, in a background thread."""
        server = Server(("127.0.0.1", 0), Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, args=(0.05,), name="fake-slack", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # ---- addresses ---------------------------------------------------------

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """The Web API base URL for ``WebClient(base_url=...)`` and ``SLACK_API_URL``."""
        return f"{self.url}/api/"

    def response_url(self, response_id: str) -> str:
        """A ``response_url`` pointing at this fake's sink."""
        return f"{self.url}/response/{response_id}"

    # ---- set-up ------------------------------------------------------------

    @property
    def socket_mode_url(self) -> str | None:
        return self.state.socket_mode_url

    @socket_mode_url.setter
    def socket_mode_url(self, url: str | None) -> None:
        self.state.socket_mode_url = url

    def add_team(
        self,
        token: str,
        *,
        team_id: str,
        team_name: str | None = None,
        user_id: str = "UBOT",
        bot_id: str = "BBOT",
    ) -> None:
        """Make ``auth.test`` (and the other answers) see ``token`` as a bot of ``team_id``."""
        app_id = self.state.identity.app_id
        identity = Identity(team_id, team_name or team_id, user_id, bot_id, app_id)
        with self.state.lock:
            self.state.identities[token] = identity

    def grant_install(
        self,
        code: str,
        *,
        token: str,
        team_id: str,
        team_name: str | None = None,
        bot_user_id: str = "UBOT",
        bot_id: str = "BBOT",
        installer: str = "U1",
        scopes: str = "commands,chat:write",
    ) -> None:
        """Let ``oauth.v2.access`` exchange ``code`` (once) for ``token`` of ``team_id``,
        as Slack does after a user approves the install; ``auth.test`` then knows the token."""
        self.add_team(
            token, team_id=team_id, team_name=team_name, user_id=bot_user_id, bot_id=bot_id
        )
        grant = InstallGrant(token, team_id, team_name or team_id, bot_user_id, installer, scopes)
        with self.state.lock:
            self.state.grants[code] = grant

    def expect_client(self, client_id: str, client_secret: str) -> None:
        """Make ``oauth.v2.access`` refuse any other client id and secret."""
        with self.state.lock:
            self.state.client_id, self.state.client_secret = client_id, client_secret

    def tokens_used(self, method: str | None = None) -> list[str | None]:
        """The token of each successful call of ``method`` (all methods when None), in order."""
        return [c.token for c in self.calls(method)]

    def set_user(self, user_id: str, *, tz: str | None = None, **fields: Any) -> None:
        """Set what ``users.info`` answers for a user (``tz``, ``is_bot``, ``name``...)."""
        with self.state.lock:
            user = self.state.users.setdefault(user_id, {})
            if tz is not None:
                user["tz"] = tz
            user.update(fields)

    def set_channel(self, channel_id: str, *, creator: str | None = None, **fields: Any) -> None:
        """Set what ``conversations.info`` answers for a channel (``creator``, ``name``...)."""
        with self.state.lock:
            channel = self.state.channels.setdefault(channel_id, {})
            if creator is not None:
                channel["creator"] = creator
            channel.update(fields)

    def set_answer(self, method: str, answer: dict[str, Any]) -> None:
        """Answer ``method`` with ``answer`` from now on (also for methods the fake lacks)."""
        with self.state.lock:
            self.state.answers[method] = answer

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int | None = 1,
        times: int = 1,
        error: str | None = None,
    ) -> None:
        """Fail the next ``times`` calls of ``method``.

        429 answers ``ratelimited`` with ``Retry-After``; 5xx answers ``fatal_error``;
        ``status=200`` with ``error="..."`` is a plain Slack error such as ``channel_not_found``.
        """
        self.state.add_fault(method, Fault(status, retry_after, times, error))

    def drop_next(self, method: str, times: int = 1) -> None:
        """Close the connection of the next ``times`` calls of ``method`` without answering."""
        self.state.add_fault(method, Fault(times=times, drop=True))

    def reset(self) -> None:
        self.state.reset()

    # ---- answering ---------------------------------------------------------

    def answer(self, method: str, token: str | None, params: dict[str, Any]) -> dict[str, Any]:
        """The JSON answer to one Web API call (faults are handled by the server)."""
        with self.state.lock:
            canned = self.state.answers.get(method)
        if canned is not None:
            return dict(canned)
        if not token and method not in TOKENLESS:
            return error("not_authed")
        handler = METHODS.get(method)
        if handler is None:
            return error("unknown_method")
        answer = handler(self.state, params, self.state.identity_for(token))
        if method == "files.getUploadURLExternal" and answer.get("ok"):
            answer["upload_url"] = self.url + str(answer["upload_url"])
        return answer

    # ---- reading what happened ---------------------------------------------

    def calls(self, method: str | None = None, *, include_failed: bool = False) -> list[Call]:
        """Recorded calls of ``method`` (all methods when None), oldest first.

        Calls that the fake failed on purpose are left out unless ``include_failed``.
        """
        return self.state.calls(method, include_failed=include_failed)

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Wait until ``method`` was called successfully at least ``count`` times."""
        self.state.wait(
            lambda: len(self.state.calls(method)) >= count, timeout, f"{count} x {method}"
        )
        return self.calls(method)

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Messages posted and not deleted (with their latest edits), oldest first."""
        with self.state.lock:
            found = [dict(m) for (ch, _), m in self.state.messages.items()]
        return [m for m in found if channel is None or m["channel"] == channel]

    def thread_replies(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """Live messages posted in the thread of ``thread_ts``."""
        return [m for m in self.messages(channel) if m.get("thread_ts") == thread_ts]

    def responses(self, response_id: str, *, include_rejected: bool = False) -> list[ResponsePost]:
        """Posts to ``response_url(response_id)``; rejected ones (past 5) on request."""
        return self.state.responses(response_id, include_rejected=include_rejected)

    def wait_for_response(
        self, response_id: str, count: int = 1, timeout: float = 10.0
    ) -> list[ResponsePost]:
        """Wait until ``count`` posts to the response URL were accepted."""
        self.state.wait(
            lambda: len(self.state.responses(response_id)) >= count,
            timeout,
            f"{count} post(s) to response_url {response_id}",
        )
        return self.responses(response_id)

    def views(self) -> list[dict[str, Any]]:
        """Modals opened (``views.open``) as they are now (after ``views.update``), oldest first."""
        with self.state.lock:
            return [copy.deepcopy(v) for v in self.state.views.values()]

    def view(self, view_id: str) -> dict[str, Any]:
        """One modal as it is now; the payload builders take it (``view_submission``...)."""
        with self.state.lock:
            found = self.state.views.get(view_id)
            if found is None:
                raise KeyError(f"no view {view_id} was opened")
            return copy.deepcopy(found)

    def wait_for_view(self, count: int = 1, timeout: float = 10.0) -> dict[str, Any]:
        """Wait until ``count`` calls of views.open or views.update succeeded; the view
        the last of them showed, as it is now."""

        def shown() -> list[Call]:
            return [c for c in self.calls() if c.method in {"views.open", "views.update"} and c.ok]

        self.state.wait(lambda: len(shown()) >= count, timeout, f"{count} view(s) shown")
        return self.view(str((shown()[-1].response or {})["view"]["id"]))

    @property
    def uploads(self) -> dict[str, bytes]:
        """Bytes uploaded through ``files.uploadV2``, by file id."""
        with self.state.lock:
            return dict(self.state.uploads)
