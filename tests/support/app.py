"""The real app on loopback, and a client that talks to it as Slack does.

``start_bot`` serves ``Deps`` with the bolt app (and, by default, workers in
threads) on a free port of 127.0.0.1; ``SlackPoster.to(bot)`` signs requests
with ``SECRET``, the signing secret the test settings give the app.
``counter`` reads one of the app's metrics; ``wait_idle`` waits until its queue
has no job left, waiting or in hand (so every reply a job makes has been posted).
``command_answer`` sends a ``/brief`` command and returns its answer, from the
ack or, for a command acknowledged with "Working on it…", from its follow-up
through the fake Slack's ``response_url`` sink.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import httpx

from bot.deps import Deps
from bot.runtime import BotServer
from handlers.commands import WORKING
from tests.fakeslack import FakeSlack, command_body, signed_headers, slash_command
from tests.support.waiting import wait_until

SECRET = "test-signing-secret"


def start_bot(deps: Deps, *, workers: bool = True) -> BotServer:
    """The app on a free loopback port, started; the caller stops it."""
    bot = BotServer(deps, port=0, workers=workers, host="127.0.0.1")
    bot.start()
    return bot


def counter(deps: Deps, name: str, **labels: str) -> float:
    """The value of metric sample ``name`` with ``labels`` (0 when never counted)."""
    value = deps.metrics.registry.get_sample_value(name, labels)
    return float(value or 0.0)


def wait_idle(deps: Deps, limit: float = 60.0) -> None:
    """Until the workspace queue is empty: no job waiting, none in a worker's hands.

    A job is acknowledged only after its reply was posted, so afterwards the
    replies are all there; a job queued by mistake would have run by then too.
    """
    wait_until(
        "the queue to be empty",
        lambda: deps.queue.depth() == 0 and deps.queue.pending() == 0,
        limit=limit,
    )


_response_ids = itertools.count(1)


def command_answer(poster: SlackPoster, fake: FakeSlack, text: str, **kw: str) -> dict[str, Any]:
    """The answer to ``/brief text``: the ack's JSON (a plain-text ack as ``{"text": …}``),
    or the follow-up posted to the command's ``response_url`` after a "Working on it…" ack."""
    response_id = f"cmd-{next(_response_ids)}"
    payload = slash_command(text, response_url=fake.response_url(response_id), **kw)
    response = poster.post(command_body(payload))
    assert response.status_code == 200, response.text
    try:
        ack: dict[str, Any] = response.json()
    except json.JSONDecodeError:
        return {"text": response.text}
    if ack.get("text") != WORKING:
        assert not fake.responses(response_id), "answered in the ack and again by response_url"
        return ack
    return fake.wait_for_response(response_id, timeout=60)[0].body


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
