"""briefbot: a Slack bot that turns what a newsroom posts into running briefs."""

from __future__ import annotations

__version__ = "0.1.0"
