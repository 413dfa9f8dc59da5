"""Days named in a sentence ("on January 20", "last Tuesday", "two days later").

Rules, with ``pub`` the publication date:

* Explicit dates: "January 20", "Jan. 20", "20 January 2026", "January 20th,
  2026", "2026-01-20". Without a year, the year that puts the date nearest to
  ``pub``, where a day after ``pub`` counts three times as far as one before
  it (reporting looks back far more than ahead): in an article of 28 January
  2026, "January 20" is 2026-01-20, "October 15" is 2025-10-15 and "February
  3" (a scheduled meeting) is 2026-02-03.
* Weekdays (AP style): "last Monday" is the latest Monday strictly before
  ``pub``; "next Monday" the first strictly after. "On Monday" (or a bare
  "Monday") is the latest Monday on or before ``pub``, because news published
  on a Monday says "on Monday" of that same day; in a sentence about the future
  ("will", "is due to", "scheduled") it is the first Monday after ``pub``,
  except that the publication's own weekday stays that day ("is set to meet on
  Wednesday" in Wednesday's paper is today). A weekday beside an explicit date
  ("on Wednesday (Oct 15)", "Oct 15 (Wednesday)") gives way to the date.
* "yesterday" is ``pub`` - 1, "tomorrow" ``pub`` + 1, "this morning", "earlier
  today", "tonight" are ``pub``; "N days ago" and "N weeks ago" count back from
  ``pub``. A bare "today" is skipped: it is too often generic ("Syria today").
* "two days earlier", "a day later", "the next day", "the same day" count from
  the last date named in the same sentence or in the three sentences before it
  (the narrative's date), else from ``pub``.
* "two days after <something>", "the day before <something>": from the date of
  that something when it holds a date ("two days after January 20") or when an
  earlier sentence of the article names the same kind of event with a date
  ("two days after the truce", the truce being dated above); else the sentence's
  own date is that many days after it ("officials said on Monday, six days after
  a ceasefire" dates the ceasefire); else nothing.
* "last week" is ``pub`` - 7 days and marked ``approximate``; expressions that
  name no day ("earlier this month", "in January", "this week") are skipped.

"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.text.events import event_classes

ANCHOR_SENTENCES = 3
FUTURE_WEIGHT = 3

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<month>(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|"
    r"Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?))\.?"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?"
# "Tuesday, January 20" is one date: the weekday is swallowed with it
_WEEKDAY_PREFIX = r"(?:\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,?\s+(?:the\s+)?)?"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
_COUNT = r"(?P<n>\d{1,2}|an?|one|two|three|four|five|six|seven|eight|nine|ten)"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("mdy", re.compile(rf"{_WEEKDAY_PREFIX}\b{_MONTH}\s+{_DAY}\b{_YEAR}")),
    ("dmy", re.compile(rf"{_WEEKDAY_PREFIX}\b{_DAY}\s+(?:of\s+)?{_MONTH}\b{_YEAR}")),
    ("iso", re.compile(r"\b(?P<year>20\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")),
    (
        "weekday",
        re.compile(
            r"\b(?:(?P<mod>last|next|this|on|since|by|until)\s+)?"
            r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b",
            re.IGNORECASE,
        ),
    ),
    ("pub", re.compile(r"\b(?P<word>yesterday|tomorrow)\b", re.IGNORECASE)),
    (
        "pub0",
        re.compile(
            r"\b(?:this\s+(?:morning|afternoon|evening)|(?:earlier|later)\s+today|tonight)\b",
            re.IGNORECASE,
        ),
    ),
    ("ago", re.compile(rf"\b{_COUNT}\s+(?P<unit>days?|weeks?)\s+ago\b", re.IGNORECASE)),
    (
        "rel",
        re.compile(
            rf"\b{_COUNT}\s+(?P<unit>days?|weeks?)\s+(?P<dir>earlier|later|before|after)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "relword",
        re.compile(
            r"\b(?P<phrase>the\s+(?:previous|preceding|next|following)\s+day|"
            r"the\s+day\s+(?:before|after)|the\s+same\s+day|that\s+(?:same\s+)?day)\b",
            re.IGNORECASE,
        ),
    ),
    ("lastweek", re.compile(r"\blast\s+week\b", re.IGNORECASE)),
]
_EXPLICIT = frozenset({"mdy", "dmy", "iso"})
# what may stand between a weekday and its date: "Wednesday (Oct 15", "Oct 15 (Wednesday"
_BESIDE_RE = re.compile(r"\s*[,(\[]?\s*(?:the\s+)?|\s*[)\]]?\s*[,(\[]\s*")
_RANGE_DAYS = 7
_RANGE_AFTER_RE = re.compile(
    r"\s*(?:-|–|and|to|&)\s*(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?![-.:/]?\d)"
)
_RANGE_BEFORE_RE = re.compile(r"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s*(?:-|–|and|to|&)\s*$")
# a date that only bounds a time ("after December 9", "until 3 March"); "two days
# after January 20" counts from it instead
_BOUND_RE = re.compile(
    r"(?<!\bday\s)(?<!\bdays\s)(?<!\bweek\s)(?<!\bweeks\s)"
    r"\b(?:after|until|till)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_PASSIVE_RE = re.compile(r"\b(?:be|been|being)\s+\w+ed\b", re.IGNORECASE)
# a future verb in the same clause after the day: "on Friday the parties will present"
_FUTURE_AFTER_RE = re.compile(
    r"[^,;:.!?\"“”]{0,40}?\b(?:will|shall|(?:is|are)\s+(?:due|set|expected|scheduled)\s+to)\b",
    re.IGNORECASE,
)
_FUTURE_RE = re.compile(
    r"\b(?:will|shall|(?:is|are)\s+(?:due|set|expected|scheduled|to)|plans?\s+to|"
    r"scheduled|upcoming)\b",
    re.IGNORECASE,
)
_PAST_RE = re.compile(r"\b(?:said|says|told|wrote|saw|\w+ed)\b|[\"“”]", re.IGNORECASE)


@dataclass
class DateMention:
    """A day named in a sentence, and the span of text that says what happened on it."""

    when: date
    start: int
    end: int
    approximate: bool = False
    # what the day is about: the date phrase itself, or the <something> of
    # "two days after <something>" when the day is that something's
    focus: tuple[int, int] = (0, 0)


@dataclass
class _Hit:
    start: int
    end: int
    kind: str
    m: re.Match[str]


# earlier dated sentences of the article: each day and the event classes it names
History = list[tuple[date, frozenset[str]]]


def find_dates(
    text: str,
    pub: date | None,
    anchor: date | None = None,
    history: History | None = None,
    year_ref: date | None = None,
) -> list[DateMention]:
    """Days named in ``text``, in order of appearance (see the module docstring).

    ``anchor`` is the narrative's date for "two days later"; ``history`` the
    earlier dated sentences, for "two days after the truce" (the truce's date);
    ``year_ref``, for an article without a publication date, the latest full date
    it names (else the day it was ingested): it gives "January 23" its year, and
    nothing else.
    """
    out: list[DateMention] = []
    deferred: list[_Hit] = []
    for hit in _scan(text):
        if hit.kind in ("rel", "relword") and _object_of(text, hit):
            deferred.append(hit)  # resolved once the sentence's other dates are known
            continue
        if hit.kind in _EXPLICIT and _BOUND_RE.search(text, 0, hit.start):
            continue  # "talks resume after December 9": a bound, nothing happens that day
        base = out[-1].when if out else anchor
        if hit.kind in _EXPLICIT and pub is None:
            resolved = _resolve(hit, year_ref, base, False)
        else:
            resolved = _resolve(hit, pub, base, _is_future(text, hit.start, hit.end))
        if resolved is not None:
            when, approximate = resolved
            span = _range_span(text, hit, when) if hit.kind in ("mdy", "dmy") else None
            if span is not None:  # "January 23-24": one happening, on its first day
                when = when.replace(day=min(when.day, span[2]))
            start, end = (span[0], span[1]) if span else (hit.start, hit.end)
            out.append(DateMention(when, start, end, approximate, (start, end)))
    for hit in deferred:
        mention = _relative_to_phrase(text, hit, out, history or [])
        if mention is not None:
            out.append(mention)
    return sorted(out, key=lambda f: f.start)


def _scan(text: str) -> list[_Hit]:
    hits: list[_Hit] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if not any(h.start < m.end() and m.start() < h.end for h in hits):
                hits.append(_Hit(m.start(), m.end(), kind, m))
    hits.sort(key=lambda h: h.start)
    return [h for i, h in enumerate(hits) if not _beside_a_date(text, hits, i)]


def _beside_a_date(text: str, hits: list[_Hit], i: int) -> bool:
    """A weekday next to an explicit date ("on Wednesday (Oct 15)", "Oct 15 (Wednesday)"):
    the explicit date says the day, the weekday adds nothing."""
    if hits[i].kind != "weekday":
        return False
    for j in (i - 1, i + 1):
        if not 0 <= j < len(hits) or hits[j].kind not in _EXPLICIT:
            continue
        a, b = sorted((hits[i], hits[j]), key=lambda h: h.start)
        if _BESIDE_RE.fullmatch(text[a.end : b.start]):
            return True
    return False


def _range_span(text: str, hit: _Hit, when: date) -> tuple[int, int, int] | None:
    """A range of days around a date ("January 23-24", "January 23 and 24", "23-24
    January"): its start and end in ``text`` and its first day of the month.

    A meeting over two days is one happening: its timeline line has its first day
    and quotes the whole range (two lines saying the same would read as two events).
    """
    if hit.kind == "mdy" and not hit.m["year"]:
        m = _RANGE_AFTER_RE.match(text, hit.end)
        last = int(m["day"]) if m else 0
        if m and 0 < last - when.day <= _RANGE_DAYS and _safe_date(when.year, when.month, last):
            return hit.start, m.end(), when.day
    if hit.kind == "dmy":
        before = text[max(0, hit.start - 12) : hit.start]
        m = _RANGE_BEFORE_RE.search(before)
        if m and 0 < when.day - int(m["day"]) <= _RANGE_DAYS:
            return hit.start - (len(before) - m.start("day")), hit.end, int(m["day"])
    return None


def _clause_opens_with(text: str, start: int) -> bool:
    """Whether the day opens its clause ("and on Friday the parties will ..."), so that
    a later verb is its own, not a report's ("said on Monday that talks will ...")."""
    before = re.split(r"[,;:.!?\"“”()]|\b(?:and|but|then|so)\b", text[:start])[-1]
    return re.fullmatch(r"\s*(?:on|by|from)?\s*", before, re.IGNORECASE) is not None


def _is_future(text: str, start: int, end: int | None = None) -> bool:
    # "will meet on Monday" is ahead; "will fly home, a source told Reuters on Monday"
    # is not: a past verb or a quote between the marker and the day ends the clause.
    # "will be announced on Friday": a participle after "be" is no past verb.
    # "on Friday the parties will present": the future verb can follow the day.
    if end is not None and _clause_opens_with(text, start) and _FUTURE_AFTER_RE.match(text, end):
        return True
    window = text[max(0, start - 60) : start]
    markers = list(_FUTURE_RE.finditer(window))
    if not markers:
        return False
    last = markers[-1]
    if last.group(0).lower() in ("upcoming", "scheduled") and _PAST_RE.search(
        window[: last.start()]
    ):
        return False  # "mentioned his upcoming meeting on Wednesday": said in the past
    between = _PASSIVE_RE.sub(" ", window[last.end() :])
    return not _PAST_RE.search(between)


def _object_of(text: str, hit: _Hit) -> str:
    """The noun phrase after "two days after"/"the day before", or "" when there is none."""
    word = (hit.m.groupdict().get("dir") or hit.m.groupdict().get("phrase") or "").lower()
    if not word.endswith(("after", "before")):
        return ""
    rest = re.match(r"\s+([^,;:.!?()\"“”]+)", text[hit.end :])
    return rest.group(1).strip() if rest else ""


def _relative_to_phrase(
    text: str, hit: _Hit, found: list[DateMention], history: History
) -> DateMention | None:
    groups = hit.m.groupdict()
    word = (groups.get("dir") or groups.get("phrase") or "").lower()
    sign = 1 if word.endswith("after") else -1
    days = _count(hit.m) if groups.get("n") else 1
    if (groups.get("unit") or "").lower().startswith("week"):
        days *= 7
    phrase = _object_of(text, hit)
    start = text.index(phrase, hit.end)
    focus = (start, start + len(phrase))
    inside = [f for f in found if focus[0] <= f.start < focus[1]]
    if inside:  # "two days after January 20"
        when = inside[0].when + timedelta(days=sign * days)
        return DateMention(when, hit.start, hit.end, focus=(hit.start, hit.end))
    classes = set(event_classes(phrase))
    for seen_day, seen_classes in reversed(history):
        if classes & seen_classes:  # "two days after the truce", dated earlier on
            when = seen_day + timedelta(days=sign * days)
            return DateMention(when, hit.start, hit.end, focus=(hit.start, hit.end))
    if found:  # "said on Monday, six days after a ceasefire": the ceasefire's day
        nearest = min(found, key=lambda f: abs(f.start - hit.start))
        return DateMention(
            nearest.when - timedelta(days=sign * days), hit.start, hit.end, focus=focus
        )
    return None


def _resolve(
    hit: _Hit, pub: date | None, base: date | None, future: bool
) -> tuple[date, bool] | None:
    kind, m = hit.kind, hit.m
    if kind in ("mdy", "dmy", "iso"):
        day = _calendar_date(m, pub)
        return None if day is None else (day, False)
    if kind == "rel":
        days = _count(m) * (7 if m["unit"].lower().startswith("week") else 1)
        sign = -1 if m["dir"].lower() in ("earlier", "before") else 1
        origin = base or pub
        return None if origin is None else (origin + timedelta(days=sign * days), False)
    if kind == "relword":
        phrase = m["phrase"].lower()
        offset = -1 if ("previous" in phrase or "preceding" in phrase or "before" in phrase) else 0
        offset = 1 if ("next" in phrase or "following" in phrase or "after" in phrase) else offset
        origin = base or pub
        return None if origin is None else (origin + timedelta(days=offset), False)
    if pub is None:
        return None
    return _resolve_from_pub(kind, m, pub, future)


def _resolve_from_pub(
    kind: str, m: re.Match[str], pub: date, future: bool
) -> tuple[date, bool] | None:
    if kind == "weekday":
        return (_weekday(m["wd"].lower(), (m["mod"] or "").lower(), pub, future), False)
    if kind == "pub":
        return (pub + timedelta(days=-1 if m["word"].lower() == "yesterday" else 1), False)
    if kind == "pub0":
        return (pub, False)
    if kind == "ago":
        days = _count(m) * (7 if m["unit"].lower().startswith("week") else 1)
        return (pub - timedelta(days=days), False)
    if kind == "lastweek":
        return (pub - timedelta(days=7), True)
    return None


def _count(m: re.Match[str]) -> int:
    raw = m["n"].lower()
    return int(raw) if raw.isdigit() else _NUMBERS[raw]


def _calendar_date(m: re.Match[str], pub: date | None) -> date | None:
    raw_month = m["month"]
    month = int(raw_month) if raw_month.isdigit() else _MONTHS[raw_month[:3].lower()]
    day = int(m["day"])
    if m["year"]:
        return _safe_date(int(m["year"]), month, day)
    if pub is None:
        return None
    options = [
        d for y in (pub.year - 1, pub.year, pub.year + 1) if (d := _safe_date(y, month, day))
    ]
    if not options:
        return None
    return min(options, key=lambda d: (d - pub).days * FUTURE_WEIGHT if d > pub else (pub - d).days)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _weekday(name: str, mod: str, pub: date, future: bool) -> date:
    target = _WEEKDAYS.index(name)
    back = (pub.weekday() - target) % 7  # days back to the latest such weekday, 0 = pub
    ahead = (target - pub.weekday()) % 7 or 7  # days ahead, strictly after pub
    if mod == "last":
        return pub - timedelta(days=back or 7)
    if mod == "next":
        return pub + timedelta(days=ahead)
    # AP style: the publication's own weekday is that day, also ahead of an event
    # ("is set to meet on Wednesday" in Wednesday's paper); only "next" moves it
    if future and mod not in ("since",) and back != 0:
        return pub + timedelta(days=ahead)
    return pub - timedelta(days=back)
