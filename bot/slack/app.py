"""``create_app(deps, client, register)``: the bolt ``App`` with its middleware,
error handler and listeners. ``register`` adds the listeners: the entry point
passes ``handlers.register_all``, so this package never imports ``handlers``
(which sit above it and import ``bot.slack``'s parsers).

Middleware, in order:
1. team guard: a request that names no team is refused (400); in
   single-workspace mode (``SLACK_BOT_TOKEN``), requests from any team other
   than the token's own (``auth.test``) are refused; neither touches any data;
2. once-only (``bot.slack.once``): a Slack retry of an event (same
   ``event_id``) is acknowledged and dropped, so it never produces a second
   reply; the error handler unmarks an event whose handling failed, so the
   retry Slack sends after the 500 is handled rather than dropped.

Ack latency is measured around the whole request in ``bot.slack.server``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltResponse
from slack_bolt.error import BoltUnhandledRequestError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.errors import ConfigError, StoreUnavailable, TopicBusy
from bot.slack.once import first_sight, forget_event, team_of

if TYPE_CHECKING:
    from bot.deps import Deps

log = logging.getLogger(__name__)

OTHER_TEAM = "This briefbot is installed for another workspace."
# auth.test answers that mean the token itself is wrong: restarting cannot help,
# so the process says so in one line and exits instead of printing a traceback
BAD_TOKEN_ERRORS = frozenset(
    {"not_authed", "invalid_auth", "account_inactive", "token_revoked", "token_expired"}
)


def _kind(body: dict[str, Any]) -> str:
    if "command" in body:
        return "command"
    if body.get("type") == "event_callback":
        return "event:" + str((body.get("event") or {}).get("type"))
    return str(body.get("type") or "unknown")


def workspace_of(client: WebClient) -> tuple[str, str]:
    """The token's team and bot user, from ``auth.test``.

    ``ConfigError`` when Slack refuses the token (missing, wrong, revoked).
    """
    try:
        auth = client.auth_test()
    except SlackApiError as exc:
        error = str(exc.response.get("error") or "")
        if error not in BAD_TOKEN_ERRORS:
            raise
        raise ConfigError(
            f"Slack refused SLACK_BOT_TOKEN ({error}): set the app's bot token (xoxb-…) "
            "from its OAuth & Permissions page"
        ) from None
    return str(auth.get("team_id") or ""), str(auth.get("user_id") or "")


#: adds the listeners to the app; receives the app, ``Deps`` and the bot's user id
RegisterListeners = Callable[[App, "Deps", str], None]


def create_app(deps: Deps, client: WebClient, register: RegisterListeners) -> App:
    """The bolt app, ready to be served over HTTP or Socket Mode.

    Single-workspace mode: the client's token (``SLACK_BOT_TOKEN``) answers its
    own team only. OAuth mode (``deps.installs``): the client has no token;
    bolt's OAuth flow installs workspaces and each request is authorised with
    its workspace's bot token from the installation store, which bolt puts in
    the listeners' ``client``. The bot's user id then differs per workspace, so
    listeners get "" and read it from the request's context.
    """
    if deps.installs is not None:
        from bot.slack.oauth import oauth_settings

        home_team, bot_user = "", ""
        app = App(
            client=client,
            signing_secret=deps.settings.slack_signing_secret or None,
            oauth_settings=oauth_settings(deps.settings, deps.installs),
            request_verification_enabled=bool(deps.settings.slack_signing_secret),
            raise_error_for_unhandled_request=False,
        )
    else:
        home_team, bot_user = workspace_of(client)
        app = App(
            client=client,
            signing_secret=deps.settings.slack_signing_secret or None,
            token_verification_enabled=False,
            request_verification_enabled=bool(deps.settings.slack_signing_secret),
            raise_error_for_unhandled_request=False,
        )
    app.use(_team_guard(deps, home_team))
    app.use(_once_only(deps))
    app.error(_error_handler(deps))

    register(app, deps, bot_user)
    log.info("slack app ready team=%s bot_user=%s", home_team, bot_user)
    return app


def _team_guard(deps: Deps, home_team: str) -> Callable[..., Any]:
    def guard(body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse | None:
        team = team_of(body)
        if team is None:
            log.warning("refused a %s request that names no team", _kind(body))
            return BoltResponse(status=400, body="")
        if home_team and team != home_team:
            log.warning("refused request from team=%s (installed for %s)", team, home_team)
            deps.metrics.events.labels(type=_kind(body), outcome="other_team").inc()
            if "command" in body:
                return BoltResponse(status=200, body=OTHER_TEAM)
            return BoltResponse(status=200, body="")
        next()
        return None

    return guard


def _once_only(deps: Deps) -> Callable[..., Any]:
    def once(body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse | None:
        if not first_sight(deps.store, body):
            log.info("dropped repeated event_id=%s team=%s", body.get("event_id"), team_of(body))
            deps.metrics.events.labels(type=_kind(body), outcome="repeat").inc()
            return BoltResponse(status=200, body="")
        next()
        return None

    return once


def _error_handler(deps: Deps) -> Callable[..., Any]:
    def on_error(error: Exception, body: dict[str, Any]) -> BoltResponse | None:
        if isinstance(error, BoltUnhandledRequestError):
            return None
        forget_event(deps.store, body)
        kind = _kind(body)
        deps.metrics.events.labels(type=kind, outcome="error").inc()
        if isinstance(error, (StoreUnavailable, TopicBusy)):
            log.warning("while handling %s: %s", kind, error)
        else:
            log.exception("error while handling %s", kind, exc_info=error)
        return None

    return on_error
