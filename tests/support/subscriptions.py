"""Digest subscriptions for tests: by default the daily 07:00 UTC digest of
``syria`` for team T1 in channel C1, not yet stored (``id`` empty)."""

from __future__ import annotations

from typing import Any

from bot.digests.subscriptions import Subscription, Subscriptions


def subscription(**fields: Any) -> Subscription:
    """The default subscription with ``fields`` (any ``Subscription`` field) changed."""
    defaults: dict[str, Any] = {
        "id": "",
        "team": "T1",
        "channel": "C1",
        "topics": ["syria"],
        "hour": 7,
        "minute": 0,
        "days": "daily",
        "timezone": "UTC",
    }
    return Subscription(**{**defaults, **fields})


def add_subscription(redis: Any, **fields: Any) -> Subscription:
    """Store ``subscription(**fields)`` in ``redis``; returns it with its new id."""
    return Subscriptions(redis).add(subscription(**fields))
