"""Parsing the text of ``/brief`` into a ``Command``. Pure: no Slack, no Redis.

/brief                      help
/brief help                 help
/brief <topic>              the brief
/brief topics               the team's topics with counts
/brief follow <topic>       follow / unfollow
/brief unfollow <topic>
/brief topic add <name> [aliases…]   (aliases separated by commas or spaces;
                                      quote multi-word aliases: "free syrian army")
/brief digest <topics> at <time> [<days>]   time 19:30, 7am, 7:30pm; days daily
                                            (default), weekdays, every weekday,
                                            mon wed fri, mon,wed,fri, weekends
/brief digest list
/brief digest remove <id>
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from bot.errors import CommandError
from bot.topics.definitions import MAX_TOPIC_CHARS

MAX_TEXT = 500
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DIGEST_EXAMPLE = "`/brief digest syria, ukraine at 07:00 weekdays`"
_DIGEST = re.compile(
    r"^(?P<topics>.+?)\s+at\s+(?P<time>\d{1,2}(?:[:.h]\d{2})?(?:\s*[ap]\.?m\.?)?)(?=\s|$)"
    r"\s*(?P<days>.*)$",
    re.I,
)
_TIME = re.compile(r"(?P<hh>\d{1,2})(?:[:.h](?P<mm>\d{2}))?\s*(?:(?P<ampm>[ap])\.?m\.?)?", re.I)
_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_WORDS: dict[str, tuple[str, ...]] = {
    **{d: (d,) for d in _DAYS},
    **{full: (d,) for d, full in zip(_DAYS, _FULL_DAYS, strict=True)},
    "tues": ("tue",), "wednes": ("wed",), "thur": ("thu",), "thurs": ("thu",),
    "daily": _DAYS, "everyday": _DAYS, "day": _DAYS,
    "weekday": _DAYS[:5], "weekend": _DAYS[5:],
}  # fmt: skip
_FILLER = {"every", "each", "on", "and"}


@dataclass(frozen=True)
class Command:
    # help, brief, topics, follow, unfollow, topic_add, digest_add, digest_list, digest_remove
    kind: str
    topic: str = ""
    aliases: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    hour: int = 0
    minute: int = 0
    days: str = "daily"  # "daily", "weekdays" or a comma list of mon..sun
    sub_id: str = ""


def parse(text: str) -> Command:
    """The command in ``text``; raises ``CommandError`` with a usable message."""
    text = _clean(text)
    if not text or text.lower() in {"help", "?", "-h", "--help"}:
        return Command("help")
    head, _, rest = text.partition(" ")
    head, rest = head.lower(), rest.strip()
    if head == "topics" and not rest:
        return Command("topics")
    if head in {"follow", "unfollow"}:
        return Command(head, topic=_topic(rest, head))
    if head == "topic":
        return _topic_add(rest)
    if head == "digest":
        return _digest(rest)
    return Command("brief", topic=_topic(text, "brief"))


def _clean(text: str) -> str:
    text = text.replace("\u00a0", " ").strip()
    if len(text) > MAX_TEXT:
        raise CommandError(f"that is too long: keep it under {MAX_TEXT} characters")
    return " ".join(text.split())


def _topic(value: str, verb: str) -> str:
    if not value:
        raise CommandError(f"which topic? try `/brief {verb} syria`")
    if len(value) > MAX_TOPIC_CHARS:
        raise CommandError(f"topic names are at most {MAX_TOPIC_CHARS} characters")
    return value


def _topic_add(rest: str) -> Command:
    verb, _, rest = rest.partition(" ")
    if verb.lower() != "add":
        raise CommandError("to define a topic: `/brief topic add <name> alias, other alias`")
    try:
        words = shlex.split(rest.replace(",", " , "))
    except ValueError as exc:
        raise CommandError("unbalanced quotes in the aliases") from exc
    words = [w for w in words if w != ","]
    if not words:
        raise CommandError("to define a topic: `/brief topic add <name> alias, other alias`")
    aliases = [a for a in (w.strip() for w in words[1:]) if a][:20]
    return Command("topic_add", topic=_topic(words[0], "topic add"), aliases=aliases)


def _digest(rest: str) -> Command:
    low = rest.lower()
    if low == "list":
        return Command("digest_list")
    if low.startswith("remove"):
        sub_id = rest[6:].strip()
        if not re.fullmatch(r"[A-Za-z0-9-]{1,40}", sub_id):
            raise CommandError("which subscription? `/brief digest list` shows their ids")
        return Command("digest_remove", sub_id=sub_id)
    match = _DIGEST.match(rest)
    if not match:
        raise CommandError(f"say when: {DIGEST_EXAMPLE}")
    hour, minute = _time_of_day(match["time"])
    topics = [_topic(t.strip(), "digest") for t in match["topics"].split(",") if t.strip()]
    return Command(
        "digest_add", topics=topics[:10], hour=hour, minute=minute, days=_days(match["days"])
    )


def _time_of_day(value: str) -> tuple[int, int]:
    """``19:30``, ``7.30``, ``7h30``, ``7am``, ``7:30 pm`` -> (hour, minute)."""
    match = _TIME.fullmatch(value.strip())
    if not match or (match["mm"] is None and match["ampm"] is None):
        raise CommandError(f"{value.strip()!r} is not a time of day: try 07:00, 7am or 7:30pm")
    hour, minute = int(match["hh"]), int(match["mm"] or 0)
    if match["ampm"]:
        if not 1 <= hour <= 12:
            raise CommandError(f"{value.strip()!r} is not a time of day: try 7am or 7:30pm")
        hour = hour % 12 + (12 if match["ampm"].lower() == "p" else 0)
    if hour > 23 or minute > 59:
        raise CommandError(f"{hour:02d}:{minute:02d} is not a time of day")
    return hour, minute


def _days(value: str) -> str:
    """``daily``, ``weekdays`` or a comma list of mon..sun, from what people write:
    ``mon wed fri``, ``mon,wed,fri``, ``Mondays and Fridays``, ``every weekday``."""
    words = [w for w in re.split(r"[\s,/&+]+", value.strip().lower()) if w]
    chosen: set[str] = set()
    for word in words:
        if word in _FILLER:
            continue
        days = _DAY_WORDS.get(word) or _DAY_WORDS.get(word.rstrip("s"))
        if days is None:
            raise CommandError(
                f"{word!r} is not a day: use `daily`, `weekdays` or days like `mon wed fri`, "
                f"e.g. {DIGEST_EXAMPLE}"
            )
        chosen.update(days)
    if not chosen or chosen == set(_DAYS):
        return "daily"
    if chosen == set(_DAYS[:5]):
        return "weekdays"
    return ",".join(d for d in _DAYS if d in chosen)
