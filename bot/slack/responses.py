"""Answers that follow an acknowledgement through the request's ``response_url``.

A command that may take long is acknowledged at once and answered here, after
the ack (Slack allows 5 posts to one ``response_url`` within 30 minutes; a
command makes one). The ``response_url`` arrives in the payload, so it is
hostile input like the rest of it: briefbot posts only to Slack's own host
(``https://hooks.slack.com``) or to the origin of the configured Web API
(``SLACK_API_URL``: a proxy in front of Slack, or the local fake Slack in
tests). Any other address is logged and dropped, so a forged payload cannot
make the bot send a request where it likes (an internal service, a metadata
address).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any
from urllib.parse import SplitResult, urlsplit

from slack_sdk.errors import SlackRequestError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.models.blocks import Block
from slack_sdk.webhook import WebhookClient

from bot.config import Settings
from bot.metrics import Metrics

log = logging.getLogger(__name__)

SLACK_HOOKS_HOST = "hooks.slack.com"
TIMEOUT_SECONDS = 10
MAX_URL_CHARS = 2000


def _retries() -> list[RetryHandler]:
    # not the Web API client's counting handlers: they name the method after the URL's
    # last part, which in a response_url is its secret
    return [
        ConnectionErrorRetryHandler(max_retry_count=2),
        RateLimitErrorRetryHandler(max_retry_count=2),
        ServerErrorRetryHandler(max_retry_count=2),
    ]


def _origin(parts: SplitResult) -> tuple[str, str, int]:
    default = 443 if parts.scheme == "https" else 80
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default


def trusted_response_url(url: object, settings: Settings) -> str | None:
    """``url`` when it is Slack's (or the configured Web API's origin), else None."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_CHARS:
        return None
    # no credentials, no backslashes or blanks that parsers disagree about
    if any(c in url for c in "@\\") or any(c.isspace() or ord(c) < 32 for c in url):
        return None
    try:
        parts = urlsplit(url)
        origin = _origin(parts)
    except ValueError:  # a malformed port or bracketed host
        return None
    if not parts.path.startswith("/"):
        return None
    if origin == ("https", SLACK_HOOKS_HOST, 443):
        return url
    api = urlsplit(settings.slack_api_url)
    if api.scheme in ("http", "https") and origin == _origin(api):
        return url
    return None


def respond(
    settings: Settings,
    metrics: Metrics,
    url: object,
    *,
    text: str,
    blocks: Sequence[Block] = (),
    **fields: Any,
) -> bool:
    """Post an answer to ``url`` (``fields``: ``response_type``, ``replace_original``...);
    False when the address was refused or the post failed (both logged)."""
    trusted = trusted_response_url(url, settings)
    if trusted is None:
        log.warning("response_url refused (not Slack's): %.60r", url)
        metrics.slack_errors.labels(method="response_url", error="untrusted_url").inc()
        return False
    hook = WebhookClient(trusted, timeout=TIMEOUT_SECONDS, retry_handlers=_retries())
    try:
        answer = hook.send(text=text, blocks=list(blocks) or None, **fields)
    except (OSError, SlackRequestError) as exc:  # the connection failed past the retries
        log.warning("response_url post failed: %s", exc)
        metrics.slack_errors.labels(method="response_url", error="connection").inc()
        return False
    if answer.status_code != 200:
        log.warning("response_url post answered %s: %.200s", answer.status_code, answer.body)
        metrics.slack_errors.labels(method="response_url", error=str(answer.status_code)).inc()
        return False
    return True
