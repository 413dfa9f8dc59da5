"""Sports clubs named after their city and national sides: "Liverpool beat Chelsea 2-1",
"England beat Moldova 5-0", and the players of a team's line-up.

The NER and the gazetteer read "Liverpool" or "Crystal Palace" as the place, and a
city that acts stays a place elsewhere in briefbot ("Moscow refused"). A club is
no such metonymy: it is an organisation, and so is a country's national side. ``mark_clubs``
marks the mentions that stand where a side stands in a report of a match, and the grouper
makes a name with such a mention an organisation unless it is used as a place more often
than as a club ("fans in Liverpool"). A mention is a club's when:

- a score stands next to it: "Liverpool 2-1 Chelsea", "(4-0 vs Burnley)";
- it and another name face each other over a verb that only a match has:
  "Liverpool beat Chelsea", "Ajax drew with PSV";
- it heads a line-up ("Leicester City: Schmeichel, ...") or is a fixture list's
  opponent ("Arsenal (home)");
- in a sentence about a match (a score or a word such as "league", "coach", "goal",
  "wicket", "signing") or an article with several of those: it and another name face each
  other over a match verb ("Leeds lost to Everton", "a win over Crystal Palace", "West Brom
  vs Leicester"), or it plays, hosts or wins ("Everton hosted Leeds"), plays for or against
  ("a strike for Brugge", "a game against Warrington"), takes a plural verb ("Leicester are
  bottom"), a player moves to it ("his move to Bath"), a match is "between" it and another,
  it owns a side, a coach, a run or a player ("Bournemouth head coach", "Liverpool's
  unbeaten run", "Southampton's Tom Hale"), or had a player ("the former Leeds man").

A country is its national side only in an article that is a match report (words only such
a report has: goal, striker, wicket, referee...; "league table" also ranks countries), and
only where it plays: "caps for England", "a game against Scotland", "England are", "Wales
coach", "England's 5-0 win"; "Sweden's Anna Berg" or "in Italy" keep the country a place.
"England Under-21" is a team of its own.

A club's name often starts with a word the NER leaves out ("Real" Madrid, "Club"
Brugge, "Inter" Milan): such a word is taken into the mention, which is then a
club's wherever it stands. A club's short name and nickname ("Leicester", "the Foxes")
take its full name's key, so that they group with "Leicester City". The names of a
line-up are players ("Subs not used: Hamer, King"), persons whatever else they may be.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span, Token

from bot.entities.spans import RawMention, make_mention
from bot.gazetteer.index import Gazetteer
from bot.text.names import name_key, name_keys

# a match's score has one digit a side: "2-1", "0–5"; "17-18" February is no score,
# nor a date "2025-10-29"
_SCORE_RE = re.compile(r"^\d$")
_SCORE_TOKEN_RE = re.compile(r"^\d[-–]\d$")
_SCORE_IN_TEXT_RE = re.compile(r"(?<![\w/.,–-])\d\s?[-–]\s?\d(?![\w/.,–-])")
_DASHES = frozenset({"-", "–", "—"})
# words that make a sentence about a match
_SPORT_WORDS = frozenset(
    {"match", "matches", "matchday", "fixture", "fixtures", "league", "goal", "goals", "scored",
     "scorer", "coach", "manager", "striker", "midfielder", "defender", "goalkeeper", "keeper",
     "winger", "penalty", "stoppage", "half-time", "halftime", "kick-off", "kickoff", "derby",
     "relegation", "relegated", "promoted", "unbeaten", "equaliser", "equalizer", "hat-trick",
     "brace", "scoreline", "stadium", "club", "clubs", "squad", "signing", "football", "soccer",
     "cup", "champions", "title", "table", "season", "points", "minute", "hosts", "visitors",
     # cricket's and rugby's words; none of them is common in other news ("victory",
     # "side", "captain" or "final" are)
     "cricket", "wicket", "wickets", "innings", "bowler", "batsman", "rugby", "semi-final",
     "semi-finals", "quarter-final", "quarter-finals", "skipper", "qualifiers", "substitution",
     "referee", "premiership", "tournament"}
)  # fmt: skip
# words only a match report has: a country's name is its side only in an article with
# these ("league", "table", "title" or "season" also rank countries or fill a year)
_MATCH_WORDS = frozenset(
    {"match", "matches", "fixture", "fixtures", "goal", "goals", "scored", "scorer", "striker",
     "midfielder", "defender", "goalkeeper", "winger", "penalty", "half-time", "kick-off",
     "derby", "equaliser", "equalizer", "hat-trick", "squad", "football", "soccer", "cricket",
     "wicket", "wickets", "innings", "bowler", "batsman", "rugby", "semi-final",
     "semi-finals", "quarter-final", "quarter-finals", "qualifiers", "referee", "coach"}
)  # fmt: skip
_SPORTY_SENTENCES = 3  # an article with this many sentences about matches is a sports report
_SPORTY_SHARE = 4  # ... or with one in this many of its sentences (a short one: two of seven)
# a match verb between two names, no other evidence needed: "Liverpool beat Chelsea"
_HEAD_TO_HEAD = frozenset(
    {"beat", "beats", "beaten", "defeated", "defeats", "edged", "edges", "thrashed", "hammered",
     "routed", "drew", "draw", "draws", "lost", "lose", "loses", "stunned", "outclassed",
     "overcame", "eliminated", "knocked", "win", "victory", "defeat", "loss", "triumph"}
)  # fmt: skip
# match verbs that say "match" on their own; "the SDF lost Raqqa" or "a victory over
# Russia" need a sentence about a match
_MATCH_ONLY = frozenset({"beat", "beats", "beaten", "drew", "draws", "thrashed"})
# what a club does in a sentence about a match
_CLUB_VERBS = _HEAD_TO_HEAD | frozenset(
    {"won", "wins", "hosted", "hosts", "host", "welcomed", "welcome", "faced", "face", "faces",
     "played", "play", "plays", "battled", "trailed", "led", "scored", "conceded", "climbed",
     "rallied", "secured", "earned", "claimed", "snatched", "clinched", "sit", "sits", "took",
     "signed", "sacked", "appointed", "returned", "responded", "finished", "visit", "visited"}
)  # fmt: skip
_PREPS = frozenset({"over", "against", "with", "to", "for", "by"})
# a ground is a place, whatever happens at it: "at the Emirates Stadium"
_VENUE_WORDS = frozenset(
    {"stadium", "park", "ground", "arena", "field", "road", "lane", "bowl", "stadion", "stade",
     "stadio", "estadio", "centre", "center"}
)  # fmt: skip
# what a club owns or has: "Liverpool's unbeaten run", "Bournemouth head coach"
_CLUB_NOUNS = frozenset(
    {"side", "manager", "coach", "boss", "striker", "midfielder", "defender", "goalkeeper",
     "keeper", "captain", "winger", "forward", "player", "players", "squad", "fans", "supporters",
     "defence", "defense", "attack", "midfield", "goal", "goals", "win", "defeat", "run",
     "unbeaten", "title", "season", "passing", "pressing", "finishing", "form", "hopes",
     "academy", "debut", "league", "lead", "equaliser", "equalizer", "chances", "victory",
     # "an England recall", "a Sale shirt"
     "star", "shirt", "team-mate", "teammate", "recall", "batsman", "bowler",
     "fielder", "skipper", "wicketkeeper", "hooker", "loanee"}
)  # fmt: skip
# an age side's name after a club's or a country's: "England Under-21", "Spain U20"
_AGE_SIDE_RE = re.compile(r"^(?:under-?\d\d|u-?\d\d)s?$", re.IGNORECASE)
# a country's possessive names what its side won or lost ("England's 5-0 win"); what else
# it owns is the nation's: "Spain's Under-20 side", "Australia's Neil Robertson"
_RESULTS = frozenset({"win", "victory", "defeat", "loss", "draw", "triumph", "run"})
# "the former Manchester City man": a player of that club ("a Leicester man" lives there)
_FORMER = frozenset({"former", "ex"})
# a match between two sides: "a semi-final between Liverpool and Nottingham Forest"
_MATCH_NOUNS = frozenset(
    {"match", "game", "final", "semi-final", "quarter-final", "tie", "fixture", "clash",
     "derby", "meeting", "encounter", "play-off", "playoff", "test"}
)  # fmt: skip
# a side named by what it is in the match or the table: "the champions South Africa"
_SIDE_NOUNS = frozenset(
    {"champions", "holders", "hosts", "visitors", "rivals", "opponents", "leaders", "side",
     "strugglers", "favourites", "neighbours"}
)  # fmt: skip
# what a player earns for a national side, or a side plays against another
_PLAYED_FOR = _MATCH_NOUNS | frozenset(
    {"play", "plays", "played", "playing", "scored", "caps", "cap", "appearances", "goals",
     "goal", "tests", "matches", "games", "runs", "wickets", "tries", "debut", "batsman",
     "wicketkeeper", "wicketkeeper-batsman", "record", "won", "win", "lost", "series"}
)  # fmt: skip
# a player's move to a club: "his move to Bath", "joined Aberdeen", "a loan from Wigan"
_TRANSFERS = frozenset(
    {"move", "switch", "transfer", "loan", "loaned", "join", "joined", "joins", "joining",
     "rejoin", "rejoined", "signed", "signs", "signing", "sold", "released", "moving"}
)  # fmt: skip
# what sides do in a report besides playing: "lost to", "losing to", "beating"
_SIDE_VERBS = frozenset(
    {"losing", "beating", "drawing", "facing", "hosting", "playing", "winning", "batted",
     "bowled", "made", "posted", "begin", "begins", "represent", "representing", "lose",
     "lost", "leading", "need", "needed", "qualified", "bidding",
     # a place's name with a plural verb is a side's: "Leicester are bottom", "England have"
     "are", "were", "have"}
)  # fmt: skip
_VERSUS = frozenset({"v", "v.", "vs", "vs."})
_VENUE_SIDES = frozenset({"home", "away", "h", "a"})
# the word before the colon of a team's line-up: "Provisional squad: Myhill, Rose, ..."
_LINEUP_WORDS = frozenset(
    {"squad", "subs", "substitutes", "used", "line-up", "lineup", "xi", "team", "bench",
     "replacements", "starting"}
)  # fmt: skip
# what separates the names of a line-up: "Morgan (Wasilewski 71), Huth"
_LINEUP_SEPARATORS = frozenset({",", ";", "(", ")"})
# lower-case words inside a player's name: "De Laet", "van Persie", "da Silva"
_NAME_PARTICLES = frozenset({"de", "van", "der", "den", "da", "di", "dos", "von", "le", "la"})
_MIN_LINEUP = 4  # names after a colon that make a line-up, not a heading
# the last word of a club's full name, whose first words are its short name:
# "Leicester City" -> "Leicester", "Hamilton Academical" -> "Hamilton"
_CLUB_SUFFIXES = frozenset(
    {"city", "united", "town", "county", "rovers", "athletic", "albion", "wanderers",
     "academical", "hotspur", "argyle", "ct", "fc", "afc", "tigers", "warriors", "sharks",
     "rhinos"}
)  # fmt: skip
_SUFFIX_KEYS = name_keys(_CLUB_SUFFIXES)
# the nicknames of British clubs, as their Wikipedia articles give them, and the clubs
# each may stand for, each club by its names ("west bromwich albion|west brom"); one is
# taken only when the article names exactly one of them as a club ("the Foxes" in a report
# on Leicester City, never where Leicester is no club), and its names then go together
_NICKNAMES: dict[str, tuple[str, ...]] = {
    "foxes": ("leicester city|leicester",),
    "baggies": ("west bromwich albion|west brom",),
    "red devils": ("manchester united",),
    "gunners": ("arsenal",),
    "toffees": ("everton",),
    "hammers": ("west ham united|west ham",),
    "spurs": ("tottenham hotspur|tottenham",),
    "canaries": ("norwich city|norwich",),
    "villans": ("aston villa",),
    "cherries": ("bournemouth",),
    "hornets": ("watford",),
    "eagles": ("crystal palace",),
    "seagulls": ("brighton",),
    "clarets": ("burnley",),
    "black cats": ("sunderland",),
    "potters": ("stoke city|stoke",),
    "swans": ("swansea city|swansea",),
    "terriers": ("huddersfield town|huddersfield",),
    "owls": ("sheffield wednesday",),
    "blades": ("sheffield united",),
    "rams": ("derby county|derby",),
    "magpies": ("newcastle united|newcastle", "notts county"),
    "wolves": ("wolverhampton wanderers|wolverhampton",),
    "bees": ("brentford",),
    "cottagers": ("fulham",),
    "tigers": ("hull city|hull", "leicester tigers"),
    "hoops": ("queens park rangers|qpr", "celtic"),
    "bhoys": ("celtic",),
    "gers": ("rangers",),
    "dons": ("aberdeen", "mk dons", "afc wimbledon"),
    "accies": ("hamilton academical|hamilton",),
    "exiles": ("newport county|newport",),
    "daggers": ("dagenham & redbridge|dagenham redbridge|dagenham",),
    "jambos": ("heart of midlothian|hearts",),
    "hibees": ("hibernian|hibs",),
    "pars": ("dunfermline athletic|dunfermline",),
    "buddies": ("st mirren",),
    "staggies": ("ross county",),
    "warriors": ("wigan warriors|wigan",),
    "sharks": ("sale sharks|sale",),
    "rhinos": ("leeds rhinos|leeds",),
}
_NICKNAME_KEYS = {name_key(k): v for k, v in _NICKNAMES.items()}  # "baggies" -> "bagies"
_CLUB_KEYS = "briefbot.sports.club_keys"  # doc.user_data: one club's other names -> its key
# the first word of a club's name that the NER leaves out
_CLUB_PREFIXES = frozenset(
    {"Real", "Club", "Inter", "Atlético", "Atletico", "Athletic", "Sporting", "Olympique",
     "Dynamo", "Dinamo", "Sparta", "Slavia", "Racing", "Borussia", "Bayer", "Eintracht",
     "Hertha", "Werder", "Celta", "Deportivo", "Spartak", "Lokomotiv", "Rapid", "Shakhtar",
     "AC", "AS", "FC", "SC", "SV", "RB", "VfB", "VfL", "AFC", "CF", "FK", "NK", "CSKA"}
)  # fmt: skip


def mark_clubs(doc: Doc, mentions: list[RawMention], gaz: Gazetteer) -> list[RawMention]:
    """``mentions`` with those of clubs and national sides marked ``club``, labelled ORG and
    grown over the first word of the club's name the NER left out, or over an age side
    after it ("England Under-21").

    A country is a side only in a sports report: "England beat Moldova 5-0" there, where
    "Russia beat back the assault" elsewhere is the state."""
    sentences = {s.start: _about_a_match(s) for s in doc.sents}
    sporty_article = _sports_report(list(sentences.values()))
    match_report = _sports_report([_about_a_match(s, _MATCH_WORDS) for s in doc.sents])
    if sporty_article:
        mentions = lineup_players(doc, mentions)
    out: list[RawMention] = []
    for m in mentions:
        if _may_be_club(doc, m, gaz):
            grown = _with_age_side(doc, _with_prefix(doc, m))
            span = doc[grown.tok_start : grown.tok_end]
            nation = _is_country(gaz, m.key)
            if nation:
                sporty = match_report
            else:
                sporty = sporty_article or sentences.get(span.sent.start, False)
            if grown is not m:
                m, m.club, m.label = grown, True, "ORG"
            elif (sporty or not nation) and _club_position(doc, span, sporty, nation):
                # a name the NER took for a person's stays one unless it is a city
                # (the grouper's call); "Djokovic beat Alcaraz 6-4"
                m.club = True
                m.label = m.label if m.label == "PERSON" else "ORG"
                # "in England's 5-0 win": the locative word governs the win, not the side
                m.cue = m.cue and not _possessive_after(doc, m.tok_end)
        out.append(m)
    return _one_key_per_club(doc, out)


def _one_key_per_club(doc: Doc, mentions: list[RawMention]) -> list[RawMention]:
    """Mentions of a club by its short name or nickname take its full name's key, so that
    they group as one: "Leicester" and "the Foxes" with "Leicester City". The keys found
    are kept on the doc for the names the scanner adds later."""
    keys: dict[str, str] = doc.user_data.setdefault(_CLUB_KEYS, {})
    keys.update(_club_keys(mentions))
    for m in mentions:
        m.key = keys.get(m.key, m.key)
    return mentions


def _club_keys(mentions: list[RawMention]) -> dict[str, str]:
    """Short names and nicknames -> the key of the one club they stand for here."""
    fulls = {m.key for m in mentions if m.club and m.key.split()[-1] in _SUFFIX_KEYS}
    stems: dict[str, set[str]] = {}
    for full in fulls:
        stem = full.rsplit(" ", 1)[0]
        if " " in full and stem:
            stems.setdefault(stem, set()).add(full)
    out = {stem: next(iter(f)) for stem, f in stems.items() if len(f) == 1}
    present = {m.key for m in mentions if m.club} | set(out.values())
    for m in mentions:
        nickname = name_key(m.text.removeprefix("the ").removeprefix("The "))
        named = [names for names in _nickname_clubs(nickname) if set(names) & present]
        if len(named) == 1:
            names = named[0]
            target = out.get(names[0], names[0])
            out.update({name: target for name in names if name != target})
            out[m.key] = target
    return out


def _nickname_clubs(nickname: str) -> list[list[str]]:
    """The clubs a nickname may stand for, each as the keys of its names."""
    clubs = _NICKNAME_KEYS.get(nickname, ())
    return [[name_key(n) for n in club.split("|")] for club in clubs]


def lineup_players(doc: Doc, mentions: list[RawMention]) -> list[RawMention]:
    """``mentions`` with the names of every team line-up as players: "Leicester City:
    Schmeichel, De Laet, Morgan, Huth..., Subs not used: Hamer, King". Each name is a
    person's, whatever else it may be ("King", "Fletcher"), and none runs into the next:
    a mention over two names ("Schmeichel, Schwarzer") gives way to the two."""
    items = [item for colon in _lineup_colons(doc, mentions) for item in _lineup(doc, colon)]
    if not items:
        return mentions
    taken = {i for start, end in items for i in range(start, end)}
    kept = [m for m in mentions if not taken & set(range(m.tok_start, m.tok_end))]
    for start, end in items:
        m = make_mention(doc, start, end, "PERSON")
        if m is not None:
            m.player = True
            kept.append(m)
    return sorted(kept, key=lambda m: m.start)


def _lineup_colons(doc: Doc, mentions: list[RawMention]) -> list[int]:
    """Colons after a line-up's heading: a squad word ("Provisional squad:", "Subs not
    used:") or a club's name ("Leicester City:")."""
    ends = {m.tok_end for m in mentions}  # "Burnley:", even where the NER saw a person
    return [
        t.i
        for t in doc
        if t.text == ":" and t.i > 0 and (doc[t.i - 1].lower_ in _LINEUP_WORDS or t.i in ends)
    ]


def _lineup(doc: Doc, colon: int) -> list[tuple[int, int]]:
    """The names after ``colon`` up to the first word that is no part of a list of
    names, when there are enough of them to be a line-up. A bracket holds a substitute
    and his minute ("Huth (Wasilewski 71)"); one without a number ("Tony Pulis (West
    Brom)") ends the list."""
    items: list[tuple[int, int]] = []
    start: int | None = None
    i = colon + 1
    while i < len(doc):
        tok = doc[i]
        if _name_word(tok) or (start is not None and tok.lower_ in _NAME_PARTICLES):
            start = i if start is None else start
        elif tok.text in _LINEUP_SEPARATORS or tok.like_num or tok.is_space:
            if tok.text == "(" and not _minute_inside(doc, i):
                break
            if start is not None:
                items.append((start, i))
            start = None
        else:
            break
        i += 1
    if start is not None:
        items.append((start, i))
    return items if len(items) >= _MIN_LINEUP else []


def _name_word(tok: Token) -> bool:
    """A capitalised word of a name: "Myhill", "McAuley", "O'Brien", "Oxlade-Chamberlain"."""
    if not tok.text[:1].isupper() or tok.is_stop:
        return False
    return tok.is_alpha or (len(tok.text) > 2 and all(c.isalpha() or c in "'’-" for c in tok.text))


def _minute_inside(doc: Doc, i: int) -> bool:
    """Whether the bracket opening at ``i`` holds a number before it closes."""
    for tok in doc[i + 1 : i + 6]:
        if tok.text == ")":
            return False
        if tok.like_num:
            return True
    return False


def _sports_report(sporty: list[bool]) -> bool:
    """An article with several sentences about matches, or a short one a quarter of whose
    sentences are."""
    found = sum(sporty)
    return found >= _SPORTY_SENTENCES or (found >= 2 and found * _SPORTY_SHARE >= len(sporty))


def _is_city(gaz: Gazetteer, key: str) -> bool:
    found = gaz.matches_key(key)
    return bool(found) and found[0].candidate.source == "city"


def _is_country(gaz: Gazetteer, key: str) -> bool:
    found = gaz.matches_key(key)
    return bool(found) and found[0].candidate.source == "country"


def _may_be_club(doc: Doc, m: RawMention, gaz: Gazetteer) -> bool:
    """A name that may be a club's: no people (a city the NER took for one may: "his
    Aberdeen debut"), player or ground."""
    if m.place_hint or m.player:
        return False
    if m.label == "NORP" and not _is_city(gaz, m.key):
        return False
    words = {t.lower_ for t in doc[m.tok_start : m.tok_end]}
    return not words & _VENUE_WORDS


def _about_a_match(sent: Span, words: frozenset[str] = _SPORT_WORDS) -> bool:
    if _SCORE_IN_TEXT_RE.search(sent.text):
        return True
    return any(t.lower_ in words for t in sent)


def _club_position(doc: Doc, span: Span, sporty: bool, nation: bool = False) -> bool:
    if _score_next_to(doc, span.start, span.end):
        return True
    verb = _head_to_head(span.root)
    if verb is not None and (sporty or verb.lower_ in _MATCH_ONLY):
        return True
    if _home_or_away(doc, span.end):
        return True  # a fixture list: "May 9 Arsenal (home)"
    return sporty and _side_in_a_report(doc, span, nation)


def _side_in_a_report(doc: Doc, span: Span, nation: bool) -> bool:
    """Where a side stands in a sentence or article about matches."""
    if span.end < len(doc) and doc[span.end].text == ":" and _lineup(doc, span.end):
        return True  # "Leicester City: Schmeichel, ..." ("London: Camden, Hackney" elsewhere)
    tok = span.root
    while tok.dep_ == "conj" and tok.head.pos_ == "PROPN" and tok.head.i < tok.i:
        tok = tok.head  # "Sunderland and Fulham battled", "against QPR, Leicester and Preston"
    if tok.dep_ == "appos" and tok.head.lower_ in _SIDE_NOUNS:
        tok = tok.head  # "knocked out by the champions South Africa"
    if tok is not span.root and _head_to_head(tok) is not None:
        return True
    head = tok.head
    if tok.dep_ in ("nsubj", "nsubjpass", "dobj") and head.lower_ in _CLUB_VERBS | _SIDE_VERBS:
        return True
    if tok.dep_ == "dobj" and head.lower_ in _TRANSFERS:
        return True  # "agreed to join Aberdeen"
    if tok.dep_ == "pobj" and _pobj_of_a_side(doc, span, head, nation):
        return True
    if _versus(doc, span) or _former_player(doc, span):
        return True
    if nation:
        return _owns_result(doc, span.end)
    return _owns_club_thing(doc, span.end) or _a_player_of(doc, span.end)


def _pobj_of_a_side(doc: Doc, span: Span, prep: Token, nation: bool = False) -> bool:
    """ "scored for Liverpool", "a game against Warrington", "lost to Durham", "his move to
    Bath", "a final between Liverpool and Forest"; not "his move to Tokyo with the Black
    Rams", where the club comes after the city. A country is a side only "for" or
    "against" which it plays ("caps for England", "a game against Scotland"), never in
    "sanctions against Russia"."""
    word, over = prep.lower_, prep.head.lower_
    if word in ("for", "against"):
        return not nation or over in _PLAYED_FOR
    if word in _PREPS and over in _CLUB_VERBS | _SIDE_VERBS:
        return True
    if word in ("to", "from") and over in _TRANSFERS:
        return span.end >= len(doc) or doc[span.end].lower_ != "with"
    # the parser often hangs "between" elsewhere: "the start of a semi-final between..."
    before = {t.lower_ for t in doc[max(0, prep.i - 3) : prep.i]}
    return word == "between" and (over in _MATCH_NOUNS or bool(before & _MATCH_NOUNS))


def _versus(doc: Doc, span: Span) -> bool:
    """ "West Brom vs Leicester City", "Leeds v Hull": two names over "vs"."""
    after = span.end + 1 < len(doc) and doc[span.end].lower_ in _VERSUS
    before = span.start >= 2 and doc[span.start - 1].lower_ in _VERSUS
    return (after and doc[span.end + 1].pos_ == "PROPN") or (
        before and doc[span.start - 2].pos_ == "PROPN"
    )


def _home_or_away(doc: Doc, end: int) -> bool:
    """ "Arsenal (home)", "Crystal Palace (a)": a fixture list's opponent."""
    words = [t.lower_ for t in doc[end : end + 3]]
    return len(words) == 3 and words[0] == "(" and words[2] == ")" and words[1] in _VENUE_SIDES


def _former_player(doc: Doc, span: Span) -> bool:
    """ "the former Manchester City man", "ex-Sale hooker": a club's former player."""
    before = doc[span.start - 2 : span.start] if span.start >= 2 else doc[0:0]
    after = doc[span.end].lower_ if span.end < len(doc) else ""
    return any(t.lower_ in _FORMER for t in before) and after in _CLUB_NOUNS | {"man"}


def _possessive_after(doc: Doc, end: int) -> bool:
    return end < len(doc) and doc[end].lower_ in ("'s", "’s", "'", "’")


def _owns_result(doc: Doc, end: int) -> bool:
    """ "England's 5-0 victory over Moldova", "Wales' unbeaten run"."""
    return _soon_after_possessive(doc, end, _RESULTS)


def _soon_after_possessive(doc: Doc, end: int, words: frozenset[str]) -> bool:
    """Whether one of ``words`` is among the three after the name and its possessive."""
    i = end + 1 if _possessive_after(doc, end) else end
    return any(t.lower_ in words for t in doc[i : i + 3])


def _a_player_of(doc: Doc, end: int) -> bool:
    """ "Manchester City's Wilfried Bony": a side's possessive before a person's name."""
    if end + 1 >= len(doc) or doc[end].lower_ not in ("'s", "’s"):
        return False
    return doc[end + 1].ent_type_ == "PERSON"


def _score_next_to(doc: Doc, start: int, end: int) -> bool:
    """ "Liverpool 2-1", "2–1 Liverpool", the score as one token or three."""
    after = [t.text for t in doc[end : end + 4]]
    before = [t.text for t in doc[max(0, start - 5) : start] if t.lower_ not in _VERSUS]
    return _starts_with_score(after) or _starts_with_score(before[::-1])


def _starts_with_score(words: list[str]) -> bool:
    """Whether ``words`` (read away from the name) start with a score, and the
    number goes no further ("2-1", "2 - 1", never "10-29" or "1-2-3")."""
    if not words:
        return False
    if _SCORE_TOKEN_RE.match(words[0]):
        rest = words[1:2]
    elif len(words) >= 3 and words[1] in _DASHES and _SCORE_RE.match(words[0]):
        if not _SCORE_RE.match(words[2]):
            return False
        rest = words[3:4]
    else:
        return False
    return not rest or not (rest[0] in _DASHES or rest[0][:1].isdigit())


def _head_to_head(tok: Token) -> Token | None:
    """The match verb over which the name and another proper name meet: "Liverpool
    beat Chelsea", "Ajax drew with PSV", "a win over Crystal Palace"."""
    if tok.dep_ in ("nsubj", "dobj") and tok.head.lower_ in _HEAD_TO_HEAD:
        verb = tok.head
    elif tok.dep_ == "pobj" and tok.head.lower_ in _PREPS and tok.head.head.lower_ in _HEAD_TO_HEAD:
        verb = tok.head.head
        if verb.pos_ == "NOUN":
            return verb  # "a 3-1 win over Crystal Palace", "a draw with Leeds"
    else:
        return None
    for child in verb.children:
        other = child
        if child.dep_ == "prep" and child.lower_ in _PREPS:
            other = next((c for c in child.children if c.dep_ == "pobj"), child)
        if other is not tok and other.dep_ in ("nsubj", "dobj", "pobj") and other.pos_ == "PROPN":
            return verb
    return None


def _owns_club_thing(doc: Doc, end: int) -> bool:
    """ "Liverpool's unbeaten run", "Bournemouth head coach", "Liverpool manager"."""
    return _soon_after_possessive(doc, end, _CLUB_NOUNS)


def _with_age_side(doc: Doc, m: RawMention) -> RawMention:
    """ "England" + "Under-21": the name of an age side, a team of its own."""
    i = m.tok_end
    if i >= len(doc) or not _AGE_SIDE_RE.match(doc[i].text) or not doc[i - 1].whitespace_:
        return m
    grown = make_mention(doc, m.tok_start, i + 1, "ORG")
    if grown is None:
        return m
    grown.cue, grown.credit = m.cue, m.credit
    return grown


def _with_prefix(doc: Doc, m: RawMention) -> RawMention:
    """ "Real" + "Madrid", "Club" + "Brugge"."""
    i = m.tok_start
    if i == 0 or doc[i - 1].text not in _CLUB_PREFIXES or not doc[i - 1].whitespace_:
        return m
    grown = make_mention(doc, i - 1, m.tok_end, "ORG")
    if grown is None:
        return m
    grown.cue, grown.credit = m.cue, m.credit
    return grown
