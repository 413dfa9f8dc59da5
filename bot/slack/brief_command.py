"""Parsing the text of ``/brief`` into a ``Command``. Pure: no Slack, no Redis.

/brief                      help
/brief help                 help
/brief <topic>              the brief
/brief topics               the team's topics with counts
/brief follow <topic>       follow / unfollow
/brief unfollow <topic>
/brief topic add <name> [aliases…]   (aliases separated by commas or spaces;
                                      quote multi-word aliases: "free syrian army")
/brief digest <topics> at HH:MM [daily|weekdays|mon,wed,fri]
/brief digest list
/brief digest remove <id>
/brief digest pictures <id> on|off   a chart and a map of each topic in the digest's thread
/brief feed add <url> [to <topic>]
/brief feed list
/brief feed remove <n>
/brief channel               what this channel files into
/brief channel files <topic> file every article posted here into <topic>
/brief channel clear
/brief alerts                this channel's alert topics
/brief alerts <topic>        alerts here on new developments and volume spikes
/brief alerts stop <topic>
/brief chart <topic>         the topic's articles per day, as a picture in this channel
/brief map <topic>           the brief's places on a map, as a picture in this channel
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from bot.errors import CommandError
from bot.topics.definitions import MAX_TOPIC_CHARS

MAX_TEXT = 500
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DIGEST = re.compile(
    r"^(?P<topics>.+?)\s+at\s+(?P<hh>\d{1,2})[:.h](?P<mm>\d{2})\s*(?P<days>[a-z,\s]*)$", re.I
)


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
    url: str = ""


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
    if head == "feed":
        return _feed(rest)
    if head == "channel":
        return _channel(rest)
    if head == "alerts":
        return _alerts(rest)
    if head in {"chart", "map"} and rest:
        return Command(head, topic=_topic(rest, head))
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
    if low.startswith("pictures"):
        return _digest_pictures(rest[8:].strip())
    if low.startswith("remove"):
        sub_id = rest[6:].strip()
        if not re.fullmatch(r"[A-Za-z0-9-]{1,40}", sub_id):
            raise CommandError("which subscription? `/brief digest list` shows their ids")
        return Command("digest_remove", sub_id=sub_id)
    match = _DIGEST.match(rest)
    if not match:
        raise CommandError("try `/brief digest syria, ukraine at 07:00 weekdays`")
    hour, minute = int(match["hh"]), int(match["mm"])
    if hour > 23 or minute > 59:
        raise CommandError(f"{hour:02d}:{minute:02d} is not a time of day")
    topics = [_topic(t.strip(), "digest") for t in match["topics"].split(",") if t.strip()]
    return Command(
        "digest_add", topics=topics[:10], hour=hour, minute=minute, days=_days(match["days"])
    )


# Slack may send the address as <url> or <url|label>; "to <topic>" is optional
_FEED_ADD = re.compile(
    r"^add\s+<?(?P<url>[^\s<>|]+)(?:\|[^>]*)?>?(?:\s+to\s+(?P<topic>.+))?$", re.I
)
FEED_USAGE = (
    "try `/brief feed add https://example.org/rss to syria`, `feed list` or `feed remove 2`"
)


def _digest_pictures(rest: str) -> Command:
    sub_id, _, switch = rest.partition(" ")
    switch = switch.strip().lower()
    if not re.fullmatch(r"[A-Za-z0-9-]{1,40}", sub_id) or switch not in {"on", "off"}:
        raise CommandError("try `/brief digest pictures 3 on` (`digest list` shows the ids)")
    return Command("digest_pictures", sub_id=sub_id, days=switch)  # "on" / "off" rides in days


def _feed(rest: str) -> Command:
    low = rest.lower()
    if low == "list":
        return Command("feed_list")
    if low.startswith("remove"):
        number = rest[6:].strip()
        if not number.isdigit() or len(number) > 6:
            raise CommandError("which feed? `/brief feed list` shows their numbers")
        return Command("feed_remove", sub_id=number)
    match = _FEED_ADD.match(rest)
    if not match:
        raise CommandError(FEED_USAGE)
    topic = _topic(match["topic"].strip(), "feed add <url> to") if match["topic"] else ""
    return Command("feed_add", url=match["url"], topic=topic)


def _channel(rest: str) -> Command:
    verb, _, topic = rest.partition(" ")
    verb = verb.lower()
    if not verb:
        return Command("channel_show")
    if verb in {"clear", "none", "stop"} and not topic:
        return Command("channel_clear")
    if verb == "files":
        return Command("channel_files", topic=_topic(topic.strip(), "channel files"))
    raise CommandError(
        "try `/brief channel files syria`, `/brief channel` or `/brief channel clear`"
    )


def _alerts(rest: str) -> Command:
    if not rest:
        return Command("alerts_list")
    verb, _, topic = rest.partition(" ")
    if verb.lower() in {"stop", "off", "remove"} and topic.strip():
        return Command("alerts_stop", topic=_topic(topic.strip(), "alerts stop"))
    return Command("alerts_add", topic=_topic(rest, "alerts"))


def _days(value: str) -> str:
    value = value.strip().lower().replace(" ", "")
    if value in {"", "daily", "everyday"}:
        return "daily"
    if value in {"weekdays", "weekday"}:
        return "weekdays"
    parts = [p[:3] for p in value.split(",") if p]
    if not parts or any(p not in _DAYS for p in parts):
        raise CommandError("days are `daily`, `weekdays` or a list like `mon,wed,fri`")
    return ",".join(sorted(set(parts), key=_DAYS.index))
