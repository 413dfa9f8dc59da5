"""Slack's rate limits, enforced by the fake when asked (``FakeSlack.enforce_limits``).

* ``chat.postMessage``: one message per second per channel (Slack allows short
  bursts; the fake allows none, the strict reading);
* every other method: its tier's calls per minute (Tier 2 20, Tier 3 50, Tier 4
  100), counted over a sliding minute per method.

A call over a limit is answered 429 ``ratelimited`` with ``Retry-After`` (whole
seconds, at least 1) and is not carried out.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from typing import Any

TIERS = {
    "files.getUploadURLExternal": 100,  # Tier 4
    "files.completeUploadExternal": 100,  # Tier 4
    "chat.update": 50,
    "chat.getPermalink": 100,
    "users.info": 100,
    "conversations.info": 100,
    "chat.unfurl": 50,
    "views.publish": 100,
}
PER_CHANNEL_SECONDS = 1.0


class Limits:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_post: dict[str, float] = {}
        self._calls: dict[str, deque[float]] = {}

    def retry_after(self, method: str, params: dict[str, Any]) -> int | None:
        """Seconds to wait when this call is over a limit, else None (and it is counted)."""
        now = time.monotonic()
        with self._lock:
            if method == "chat.postMessage":
                channel = str(params.get("channel") or "")
                last = self._last_post.get(channel)
                if last is not None and now - last < PER_CHANNEL_SECONDS:
                    return max(1, math.ceil(PER_CHANNEL_SECONDS - (now - last)))
                self._last_post[channel] = now
                return None
            per_minute = TIERS.get(method)
            if per_minute is None:
                return None
            calls = self._calls.setdefault(method, deque())
            while calls and now - calls[0] >= 60:
                calls.popleft()
            if len(calls) >= per_minute:
                return max(1, math.ceil(60 - (now - calls[0])))
            calls.append(now)
            return None
