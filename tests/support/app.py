"""The real app on loopback, and a client that talks to it as Slack does.

``start_bot`` serves ``Deps`` with the bolt app (and, by default, workers in
threads) on a free port of 127.0.0.1; ``SlackPoster.to(bot)`` signs requests
with ``SECRET``, the signing secret the test settings give the app.
"""

from __future__ import annotations

import httpx

from bot.deps import Deps
from bot.runtime import BotServer
from tests.fakeslack import signed_headers

SECRET = "test-signing-secret"


def start_bot(deps: Deps, *, workers: bool = True) -> BotServer:
    """The app on a free loopback port, started; the caller stops it."""
    bot = BotServer(deps, port=0, workers=workers, host="127.0.0.1")
    bot.start()
    return bot


class SlackPoster:
    """Sends signed requests to the running app, as Slack would."""

    def __init__(self, base: str) -> None:
        self.client = httpx.Client(base_url=base, timeout=10.0)

    @classmethod
    def to(cls, bot: BotServer) -> SlackPoster:
        """A poster for the app ``bot`` serves; the caller closes ``poster.client``."""
        return cls(f"http://127.0.0.1:{bot.port}")

    def post(
        self,
        body: str,
        *,
        secret: str = SECRET,
        timestamp: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        sent = signed_headers(secret, body, timestamp=timestamp)
        sent.update(headers or {})
        return self.client.post("/slack/events", content=body.encode(), headers=sent)
