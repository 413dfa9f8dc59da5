"""A local fake of Slack for tests: the Web API, Socket Mode, and payload builders.

    from tests.fakeslack import FakeSlack, FakeSocketMode, slash_command

See ``webapi.py`` (HTTP Web API, ``response_url`` sink, uploads, fault
injection), ``socketmode.py`` (the websocket server), ``payloads.py`` (payloads
and request signing) and ``fixtures.py`` (pytest fixtures).
"""

from __future__ import annotations

from tests.fakeslack.payloads import (
    app_home_opened_event,
    block_action,
    command_body,
    event_body,
    event_callback,
    interactive_body,
    link_shared_event,
    message_action,
    message_block_action,
    message_event,
    signed_headers,
    slash_command,
    view_block_action,
    view_submission,
)
from tests.fakeslack.socketmode import FakeSocketMode
from tests.fakeslack.state import Call, ResponsePost
from tests.fakeslack.webapi import FakeSlack

__all__ = [
    "Call",
    "FakeSlack",
    "FakeSocketMode",
    "ResponsePost",
    "app_home_opened_event",
    "block_action",
    "command_body",
    "event_body",
    "event_callback",
    "interactive_body",
    "link_shared_event",
    "message_action",
    "message_block_action",
    "message_event",
    "signed_headers",
    "slash_command",
    "view_block_action",
    "view_submission",
]
