"""The Slack Web API client: built once, pointed at ``SLACK_API_URL``, retrying
on 429 (honouring ``Retry-After``), on 5xx and on connection errors."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.config import Settings
from bot.errors import NotInstalled
from bot.metrics import Metrics

log = logging.getLogger(__name__)


class _CountingRateLimitHandler(RateLimitErrorRetryHandler):
    """Counts 429s in the metrics before retrying after ``Retry-After``."""

    def __init__(self, metrics: Metrics, max_retry_count: int) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.metrics = metrics

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is not None and response.status_code == 429:
            method = request.url.rsplit("/", 1)[-1]
            self.metrics.slack_ratelimited.labels(method=method).inc()
            log.warning("slack rate limited method=%s", method)
        return bool(
            super()._can_retry(state=state, request=request, response=response, error=error)
        )


def retry_handlers(metrics: Metrics) -> list[RetryHandler]:
    return [
        ConnectionErrorRetryHandler(max_retry_count=3),
        _CountingRateLimitHandler(metrics, max_retry_count=5),
        ServerErrorRetryHandler(max_retry_count=3),
    ]


def make_web_client(settings: Settings, metrics: Metrics, token: str | None = None) -> WebClient:
    return WebClient(
        token=token or settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=15,
        retry_handlers=retry_handlers(metrics),
    )


class SlackClients:
    """A Web API client per workspace, with that workspace's bot token.

    ``token_for`` is the token resolver built once in ``Deps`` (``Deps.bot_token``):
    in OAuth mode each workspace's own installation, else ``SLACK_BOT_TOKEN``.
    Tokens are looked up on every call, not cached, so a token that was
    revoked or uninstalled is never used again by any replica.
    """

    def __init__(
        self, settings: Settings, metrics: Metrics, token_for: Callable[[str], str | None]
    ) -> None:
        self.settings = settings
        self.metrics = metrics
        self.token_for = token_for

    def for_team(self, team: str) -> WebClient:
        token = self.token_for(team)
        if not token:
            raise NotInstalled(f"no bot token for team {team} (not installed, or uninstalled)")
        return make_web_client(self.settings, self.metrics, token)

    def post(
        self, team: str, channel: str, blocks: list[Any], text: str, what: str
    ) -> tuple[WebClient, dict[str, Any]] | None:
        """Post a message (no unfurls) with ``team``'s client; the client and Slack's
        answer, or None after a log line naming ``what`` when it could not be posted
        (not installed, an API error, the connection still failing after retries)."""
        try:
            client = self.for_team(team)
        except NotInstalled as exc:
            log.info("%s channel=%s not sent: %s", what, channel, exc)
            return None
        try:
            answer = client.chat_postMessage(
                channel=channel, blocks=blocks, text=text, unfurl_links=False, unfurl_media=False
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error"))
            self.metrics.slack_errors.labels(method="chat.postMessage", error=error).inc()
            log.warning("%s post failed channel=%s: %s", what, channel, error)
            return None
        except OSError as exc:  # the connection kept failing after the client's retries
            log.warning("%s post failed channel=%s: %s", what, channel, exc)
            return None
        return client, dict(answer.data)  # type: ignore[arg-type]
