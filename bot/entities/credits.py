"""News outlets credited as the source of a report, as opposed to acting in it.

The annotation rule: an outlet credited as a source is no actor ("told Reuters",
"(AFP) —", "ANP reported", "according to an analysis by news agency ANP", a photo
credit, a masthead line), while an outlet the story is about stays one ("AFP was
sued", "the owner of Reuters", "a reporter of ANP was arrested"). ``credits`` decides
from the words around one mention whether it sits in a crediting position; the
grouper drops an outlet only when every one of its mentions does
(``bot.entities.group``). ``looks_like_outlet`` tells an outlet no table knows by
its name ("The Harbour Post News", "Northside Gazette").
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

_CREDIT_BEFORE = frozenset(
    {"told", "via", "by", "—", "–", "citing", "cites", "per", "reports", "reported", "informs",
     "quoting", "quotes"}
)  # fmt: skip
# "told public broadcaster NOS": the outlet's description stands between the cue and the name
_OUTLET_WORDS = frozenset(
    {"broadcaster", "agency", "newspaper", "daily", "outlet", "channel", "network", "website",
     "magazine", "station", "tabloid", "weekly", "paper", "service", "wire"}
)  # fmt: skip
# what an outlet's description may hold before its head word: "Dutch news agency",
# "the Russian state agency", "the country's public broadcaster"
_DESCRIPTION_TAGS = frozenset({"JJ", "NN", "NNP", "NNPS", "POS", "PRP$"})
_CREDIT_AFTER = frozenset(
    {"reported", "reports", "reporting", "said", "says", "quoted", "cited", "news", "agency",
     "learned", "wrote", "writes", "understands", "contributed", "photo", "photos", "picture",
     "correspondent", "reporter", "projection", "projections", "forecast", "forecasts",
     "analysis", "tally", "count", "survey", "calculations", "estimate", "estimates"}
)  # fmt: skip
# "ANP's updated projection", "Reuters' own tally": a possessive that owns the report
_REPORT_NOUNS = frozenset(
    {"projection", "projections", "forecast", "forecasts", "analysis", "tally", "count",
     "survey", "poll", "report", "reporting", "calculations", "estimate", "estimates", "data"}
)  # fmt: skip
# "(source: Reuters)", "Credit: AFP"
_LABELS = frozenset({"source", "sources", "credit", "credits", "photo", "image", "video"})
# the name of an outlet no table knows ends with one of these words
_MASTHEAD_WORDS = frozenset(
    {"news", "press", "times", "post", "herald", "gazette", "tribune", "journal", "observer",
     "telegraph", "chronicle", "gleaner", "courier", "examiner", "inquirer", "monitor",
     "dispatch", "express", "mirror", "newswire", "tv"}
)  # fmt: skip
# "AFP and local officials said": an outlet that says or reports
_REPORTING_VERBS = frozenset(
    {"said", "says", "say", "reported", "reports", "report", "wrote", "writes", "added"}
)
_LIST_JOINS = frozenset({",", "and", "or", "&"})
_MAX_LIST = 4


def looks_like_outlet(text: str) -> bool:
    """A name shaped like a news outlet's: "Saudi Press", "The Harbour Post News"."""
    words = text.lower().split()
    return bool(words) and words[-1].strip(".,;:'’") in _MASTHEAD_WORDS


def credits(doc: Doc, start: int, end: int) -> bool:
    """Whether the name at ``doc[start:end]`` credits a report rather than acts in it:
    "told (The) Associated Press", "broadcaster NOS", "sources confirmed to NOS, ANP and
    AD", "according to an analysis by news agency ANP", "ANP reported", "ANP's latest
    projection", "(AFP)", "(source: Reuters)", "Al Jazeera's Ana Ruiz said", or a name
    alone on its line (a masthead, a photo credit)."""
    return _credit_position(doc, start, end, _MAX_LIST)


def _credit_position(doc: Doc, start: int, end: int, depth: int) -> bool:
    if start > 0 and doc[start - 1].lower_ == "the":
        start -= 1  # "told The Associated Press"
    start = _before_description(doc, start)
    before = doc[start - 1].lower_ if start > 0 else ""
    before2 = doc[start - 2 : start].text.lower() if start > 1 else ""
    after = doc[end].lower_ if end < len(doc) else ""
    to_after_verb = before == "to" and start > 1 and doc[start - 2].tag_.startswith("VB")
    return (
        before in _CREDIT_BEFORE
        or before2 == "according to"
        or to_after_verb
        or after in _CREDIT_AFTER
        or _possessive_credit(doc, end)
        or (before == "(" and after in (")", "photo"))
        or (before == ":" and start > 1 and doc[start - 2].lower_ in _LABELS)
        or _alone_on_line(doc, start, end)
        or _according_to(doc, start, end)
        or _reporting_subject(doc[start:end].root)
        or (depth > 0 and _after_credited(doc, start, depth))
    )


def _before_description(doc: Doc, start: int) -> int:
    """Where "(the) Dutch public broadcaster" or "the country's public broadcaster"
    starts before an outlet's name at ``start``."""
    i = start
    if i > 0 and doc[i - 1].lower_ in _OUTLET_WORDS:
        i -= 1
        while i > 0 and start - i < 6 and doc[i - 1].tag_ in _DESCRIPTION_TAGS:
            i -= 1
        if i > 0 and doc[i - 1].lower_ in ("the", "a", "an"):
            i -= 1
    return i


def _possessive_credit(doc: Doc, end: int) -> bool:
    """ "Al Jazeera's Ana Ruiz said", "ANP's updated projection"."""
    if end + 1 >= len(doc) or doc[end].lower_ not in ("'s", "’s", "'", "’"):
        return False
    if doc[end + 1].tag_ == "NNP":
        return True  # the outlet's reporter
    return any(t.lower_ in _REPORT_NOUNS for t in doc[end + 1 : end + 4])


def _alone_on_line(doc: Doc, start: int, end: int) -> bool:
    """A name that fills its line but for punctuation: a masthead ("· The Gleaner") or
    a photo credit ("AFP")."""
    i = start - 1
    while i >= 0 and "\n" not in doc[i].text and doc[i].is_punct:
        i -= 1
    if i >= 0 and "\n" not in doc[i].text:
        return False
    j = end
    while j < len(doc) and "\n" not in doc[j].text and doc[j].is_punct:
        j += 1
    return j >= len(doc) or "\n" in doc[j].text


def _according_to(doc: Doc, start: int, end: int) -> bool:
    """The name sits in the noun phrase of "according to" ("according to an analysis by
    the political service of news agency ANP", "according to an AFP tally")."""
    tok: Token = doc[start:end].root
    for _ in range(8):
        if tok.head is tok:
            return False
        tok = tok.head
        if tok.lower_ == "according":
            return True
        if tok.pos_ in ("VERB", "AUX"):
            return False
    return False


def _reporting_subject(tok: Token) -> bool:
    """One of the joined subjects of "said" or "reported": "AFP and Haitian officials
    said". An outlet alone as the subject counts only right before the verb ("Reuters
    said"): "the daily Kommersant had reported" leaves the paper an actor of the story."""
    if tok.dep_ == "nsubj" and any(c.dep_ == "conj" for c in tok.children):
        return tok.head.lower_ in _REPORTING_VERBS
    if tok.dep_ == "conj" and tok.head.dep_ == "nsubj":
        return tok.head.head.lower_ in _REPORTING_VERBS
    return False


def _after_credited(doc: Doc, start: int, depth: int) -> bool:
    """The next outlet of a list that credits them all: "sources confirmed to NOS, ANP,
    and AD", "told Reuters and AFP"."""
    i = start
    if i == 0 or doc[i - 1].lower_ not in _LIST_JOINS:
        return False
    while i > 0 and doc[i - 1].lower_ in _LIST_JOINS:
        i -= 1
    j = i
    while j > 0 and i - j < 5 and doc[j - 1].text[:1].isupper():
        j -= 1
    if j == i:
        return False
    return _credit_position(doc, j, i, depth - 1)
