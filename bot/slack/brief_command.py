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
/brief edit forget <url>                     editors' corrections, as `briefbot edit`:
/brief edit remove <url> from <topic>
/brief edit rename <dev> to <title>
/brief edit merge <dev> <dev>…               development ids from a brief's JSON or the
/brief edit move <url> to <dev> | new        buttons; names may be several words
/brief edit entity reject <name>
/brief edit entity merge <name> into <name>
/brief edit entity rename <name> to <name>
/brief edit topic remove <name> | rename <name> to <name> | clean
/brief edit topic alias <name> add|remove <alias>
/brief edit log | undo <n>
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
    # /brief edit …: the correction (forget, merge, move, log, undo, entity-reject,
    # entity-merge, entity-rename, topic-remove, topic-rename, topic-alias-add,
    # topic-alias-remove, topic-clean) and its arguments, as the CLI's `edit` takes them
    edit: str = ""
    args: tuple[str, ...] = ()
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
    if head == "edit":
        return _edit(rest)
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


EDIT_HELP = (
    "corrections: `/brief edit forget <url>`, `remove <url> from <topic>`, "
    "`merge <dev> <dev>`, `rename <dev> to <title>`, `move <url> to <dev>` or "
    "`move <url> new`, `entity reject <name>`, `entity merge <name> into <name>`, "
    "`entity rename <name> to <name>`, `topic remove <name>`, `topic rename <name> to <name>`, "
    "`topic alias <name> add <alias>`, `topic clean`, `log`, `undo <n>`"
)
_FLAGS = {"--to": "to", "--into": "into", "--new": "new", "--add": "add", "--remove": "remove"}
_SLACK_LINK = re.compile(r"^<([^<>|]+)(?:\|[^<>]*)?>$")


def _edit(rest: str) -> Command:
    try:
        words = [_unlink(w) for w in shlex.split(rest)]
    except ValueError as exc:
        raise CommandError("unbalanced quotes") from exc
    words = [_FLAGS.get(w.lower(), w) for w in words if w]
    if not words:
        raise CommandError(EDIT_HELP)
    verb, args = words[0].lower(), words[1:]
    if verb == "log" and not args:
        return Command("edit", edit="log")
    if verb == "undo" and len(args) == 1 and args[0].lstrip("#").isdigit():
        return Command("edit", edit="undo", args=(args[0].lstrip("#"),))
    found = _edit_article(verb, args)
    if found is not None:
        return found
    if verb == "entity" and args:
        return _edit_entity(args[0].lower(), args[1:])
    if verb == "topic" and args:
        return _edit_topic(args[0].lower(), args[1:])
    raise CommandError(EDIT_HELP)


def _edit_article(verb: str, args: list[str]) -> Command | None:
    """forget, remove, merge, rename and move: the corrections of articles and developments."""
    if verb == "forget" and len(args) == 1:
        return Command("edit", edit="forget", args=(args[0],))
    if verb in ("remove", "rename") and len(args) >= 3:
        joint = {"remove": "from", "rename": "to"}[verb]
        if args[1].lower() == joint:
            return Command("edit", edit=verb, args=(args[0], " ".join(args[2:])))
    if verb == "merge" and len(args) >= 2:
        return Command("edit", edit="merge", args=tuple(args[:20]))
    if verb == "move" and len(args) == 2 and args[1].lower() == "new":
        return Command("edit", edit="move", args=(args[0], ""))
    if verb == "move" and len(args) == 3 and args[1].lower() == "to":
        return Command("edit", edit="move", args=(args[0], args[2]))
    return None


def _unlink(word: str) -> str:
    """Slack sends a pasted URL as ``<https://…>`` or ``<https://…|label>``."""
    match = _SLACK_LINK.match(word)
    return match.group(1) if match else word


def _split(args: list[str], keyword: str) -> tuple[str, str]:
    """``Al Qamishli into Qamishli`` -> ("Al Qamishli", "Qamishli") at ``keyword``."""
    low = [a.lower() for a in args]
    if keyword not in low:
        return " ".join(args), ""
    at = low.index(keyword)
    return " ".join(args[:at]), " ".join(args[at + 1 :])


def _edit_entity(action: str, args: list[str]) -> Command:
    keyword = {"merge": "into", "rename": "to"}.get(action)
    if action == "reject" and args:
        return Command("edit", edit="entity-reject", args=(" ".join(args),))
    if keyword:
        name, target = _split(args, keyword)
        if name and target:
            return Command("edit", edit=f"entity-{action}", args=(name, target))
    raise CommandError(EDIT_HELP)


def _edit_topic(action: str, args: list[str]) -> Command:
    if action == "clean" and not args:
        return Command("edit", edit="topic-clean")
    if action == "remove" and args:
        return Command("edit", edit="topic-remove", args=(_topic(" ".join(args), "edit"),))
    if action == "rename":
        name, target = _split(args, "to")
        if name and target:
            return Command("edit", edit="topic-rename", args=(name, target))
    if action == "alias" and len(args) >= 3:
        low = [a.lower() for a in args]
        for verb in ("add", "remove"):
            if verb in low[1:]:
                name, alias = _split(args, verb)
                if name and alias:
                    return Command("edit", edit=f"topic-alias-{verb}", args=(name, alias))
    raise CommandError(EDIT_HELP)
