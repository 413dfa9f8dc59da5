"""Datelines: the "where (and when, and who) from" that opens a news report.

Wire copy and many outlets open the lead with a dateline: "MOSCOW: ...",
"KYIV (Reuters) - ...", "WASHINGTON, Jan 5 — ...", "BEIRUT, Lebanon (AP) — ...".
It is not part of what happened, and a development's title or summary that
opens with one reads like a lead pasted whole. ``strip_dateline`` cuts it off.

Only clear datelines are cut, so that a headline's own words survive
("Ukraine: talks resume" keeps its kicker): a place in capitals followed by a
separator, or a place in any case followed by a date or a credited agency in
brackets and then a separator (or by both, with no separator).
"""

from __future__ import annotations

import re

_SEP = r"\s*(?:--|[-–—:|])\s+"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"  # Jan, Jan., January
_DATE = rf"(?:{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:,?\s+\d{{4}})?)"
_AGENCY = r"\((?:[A-Z][\w.&' -]{0,30})\)|/[A-Za-z][\w .-]{0,30}/"
# a place in capitals: "MOSCOW", "NEW YORK", "PORT-AU-PRINCE", "ST. LOUIS"
_CAPS_PLACE = r"[A-Z][A-Z.'’-]+(?:\s+[A-Z][A-Z.'’-]+){0,3}"
# a place in any case: "Kyiv", "Rio de Janeiro", "Dar es Salaam"
_ANY_PLACE = r"[A-Z][\w.'’-]+(?:\s+(?:[a-z]{1,3}\s+)?[A-Z][\w.'’-]+){0,3}"
# ", Lebanon" / ", Ohio" after the city
_REGION = r"(?:,\s*[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,2})?"

_CAPS_RE = re.compile(rf"^{_CAPS_PLACE}{_REGION}(?:,?\s*{_DATE})?(?:\s*(?:{_AGENCY}))?{_SEP}(?=\S)")
_ANY_RE = re.compile(
    rf"^{_ANY_PLACE}{_REGION}(?:(?:,?\s*{_DATE})(?:\s*(?:{_AGENCY}))?|\s*(?:{_AGENCY})){_SEP}(?=\S)"
)

# no separator, but a date and a credited agency: "Hague, Oct 30 (UNI) The centrist…"
_RUN_ON_RE = re.compile(rf"^{_ANY_PLACE}{_REGION},?\s*{_DATE}\s*(?:{_AGENCY})\s+(?=[A-Z])")


def strip_dateline(text: str) -> str:
    """``text`` without a leading dateline; unchanged when it has none.

    The rest must still say something (three words or more), else the text is
    returned whole: "NEW YORK — Live" is a headline, not a dateline and a stub.
    """
    stripped = text.lstrip()
    for pattern in (_CAPS_RE, _ANY_RE, _RUN_ON_RE):
        match = pattern.match(stripped)
        if match is None:
            continue
        rest = stripped[match.end() :]
        if len(rest.split()) >= 3:
            return rest
    return text
