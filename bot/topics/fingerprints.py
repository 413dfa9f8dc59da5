"""Fingerprints of articles: what grouping and duplicate detection need to know.

A ``Fingerprint`` is small (the store keeps one per recent article, through
``bot.store.serde``): a 64-slot MinHash of the body's word 5-shingles, for syndicated
copies, and two weighted vectors for grouping:

* ``terms``: stemmed content words, counted three times in the headline, twice
  in the lead sentence and a quarter in the rest of the body (news says what
  happened first; the body is background that several developments share).
  Names are reduced to a spelling-tolerant skeleton and demonyms/capitals to
  their country (``bot.text.terms``), so "Kamishli"/"Qamishli" and "the Kremlin"/
  "Russia" meet.
* ``entities``: the analyser's actor and place ids and their name keys, by
  salience, tripled when the headline names them and tripled again for the
  lead. The topic's own name ("Syria" in the Syria topic) counts for little.
* ``days``: the publication day and the exact days of the events it reports.
* ``posted``: when its link was posted in Slack (the ingest time), which grouping
  compares when the page states no publication time; never a date shown.
* ``vector``: the article's sentence vector (``Article.vector``, computed at ingest
  from ``about_text``), which re-clustering compares by cosine.
* ``lead``: the stemmed content words of the headline and the lead alone, what
  the article is *about*; background paragraphs that recall other storylines
  do not reach it. Real pages open with furniture (an outlet's name, a date
  line, "Left Menu"), so the lead is the first sentence of the first lines
  long enough to be prose (``headline_and_lead``).

Everything here is pure: no Redis, no NLP model, no I/O, no clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.models import Article
from bot.text import similarity
from bot.text.datelines import strip_dateline
from bot.text.names import skeleton
from bot.text.sentences import lead_end_of
from bot.text.terms import content_terms, name_skeletons, name_words, term_counts, words

FP_TERMS = 25
FP_ENTITIES = 24  # ids and name keys
TERM_WEIGHTS = (3.0, 2.0, 0.25)  # headline, lead, rest of the body
LEAD_SENTENCES = 1
ENTITY_TITLE_BOOST = 2.0
ENTITY_LEAD_BOOST = 2.0
NAME_SHARE = 0.5  # of an entity's weight that goes to its spelling-tolerant name key
TOPIC_WEIGHT = 0.3  # for "syria", "syrian", Syria itself in a Syria topic
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
HEADLINE_MIN_WORDS = 4  # a shorter title is an outlet's name or a section, not a headline
PROSE_MIN_WORDS = 6  # a shorter line before the story is page furniture
MAX_DAYS = 8
LEAD_WORDS = 30  # the lead: first sentences of the first prose lines, up to this many words


@dataclass
class Fingerprint:
    """What developments need to know about one article."""

    minhash: list[int]
    terms: dict[str, float]
    entities: dict[str, float]
    published: datetime | None  # None: the article states no date (never the ingest time)
    shingle_count: int = 0
    lead: dict[str, float] = field(default_factory=dict)  # headline and lead terms
    # the days it is about: its publication day and the exact days its events name
    # (proleptic ordinals); empty when the article gives no date at all
    days: list[int] = field(default_factory=list)
    vector: str = ""  # bot.text.encoder.pack of the headline and lead; "" when none
    # when its link was posted (the ingest time): when it entered the newsroom's stream.
    # Grouping may compare it (links to one storyline are posted days apart at most);
    # it never dates the article or a development (see ``published``)
    posted: datetime | None = None


def fingerprint(article: Article) -> Fingerprint:
    """Fingerprint an analysed article.

    The time is the publication time only: an undated page has an unknown date,
    not the day its link was pasted, so it neither stretches a development's
    span nor counts as close in time (``time_factor`` is neutral for it).
    """
    body = article.text or article.title
    shingle_set = similarity.shingles(body)
    # another language (not analysed): its words and names are no evidence for or
    # against an English development, so it joins none and none joins it; only a
    # copy of its own text (MinHash) still folds into it
    analysed = article.not_analysed() is None
    return Fingerprint(
        minhash=similarity.minhash(shingle_set),
        terms=_term_weights(article) if analysed else {},
        entities=_entity_weights(article) if analysed else {},
        published=aware(article.published) if article.published else None,
        shingle_count=len(shingle_set),
        lead=_lead_weights(article) if analysed else {},
        days=_days(article),
        vector=article.vector if analysed else "",
        posted=posted_at(article),
    )


def posted_at(article: Article) -> datetime | None:
    """When the newsroom posted the article's link: its ingest time, for a link posted
    in Slack only. An operator's import from the command line is often a backfill of
    old pages ingested in one go, and a feed's first poll brings its backlog: such an
    ingest time says nothing about when the story happened."""
    if article.slack_ts is None or article.ingested_at is None:
        return None
    return aware(article.ingested_at)


def _topic_words(article: Article) -> set[str]:
    return {w for topic in article.topics for w in words(topic.replace("-", " "))}


def _term_weights(article: Article) -> dict[str, float]:
    topic_words = _topic_words(article)
    counts = term_counts(article.title, article.text, TERM_WEIGHTS, LEAD_SENTENCES)
    weights: dict[str, float] = {}
    for term, count in counts.items():
        w = math.log1p(count)
        if any(term.startswith(t[:5]) for t in topic_words if len(t) >= 4):
            w *= TOPIC_WEIGHT
        weights[term] = w
    return similarity.normalize(similarity.top_weights(weights, FP_TERMS))


def headline_and_lead(title: str, text: str) -> tuple[str, str]:
    """What the article says it is about: its headline and its lead.

    The headline is the title when it has ``HEADLINE_MIN_WORDS`` words or more.
    The lead is the first sentences of the first lines of at least
    ``PROSE_MIN_WORDS`` words, up to ``LEAD_WORDS`` words, without a dateline;
    shorter lines before it (an outlet's name, a date, a menu) are skipped.
    """
    headline = title.strip() if len(title.split()) >= HEADLINE_MIN_WORDS else ""
    lead: list[str] = []
    count = 0
    for line in text.splitlines():
        line = line.strip()
        if len(line.split()) < PROSE_MIN_WORDS or line == headline:
            continue
        first = strip_dateline(line[: lead_end_of(line, 1)].strip())
        lead.append(first)
        count += len(first.split())
        if count >= LEAD_WORDS:
            break
    return headline, " ".join(lead)


def about_text(title: str, text: str) -> str:
    """The headline and the lead as one text: what the sentence encoder reads."""
    return ". ".join(part for part in headline_and_lead(title, text) if part)


def _lead_weights(article: Article) -> dict[str, float]:
    headline, lead = headline_and_lead(article.title, article.text)
    names = frozenset(name_words(article.text))
    counts: dict[str, float] = {}
    for term in content_terms(f"{headline}\n{lead}", names):
        counts[term] = counts.get(term, 0.0) + 1.0
    topic_words = _topic_words(article)
    weights = {}
    for term, count in counts.items():
        w = math.log1p(count)
        if any(term.startswith(t[:5]) for t in topic_words if len(t) >= 4):
            w *= TOPIC_WEIGHT
        weights[term] = w
    return similarity.normalize(similarity.top_weights(weights, FP_TERMS))


def _days(article: Article) -> list[int]:
    days = {e.date.toordinal() for e in article.events if not e.approximate}
    if article.published is not None:
        days.add(aware(article.published).date().toordinal())
    return sorted(days)[-MAX_DAYS:]


def _entity_weights(article: Article) -> dict[str, float]:
    """Entity ids and spelling-tolerant name keys, by salience where the story is told.

    Each entity counts under its id and under ``n:<name key>``, half each: the
    analyser may give "Raqqa" and "Raqqa Governorate", or a place and a
    misread person of the same name, different ids.
    """
    title = _skeletons(article.title)
    lead = _skeletons(article.text[: lead_end_of(article.text, LEAD_SENTENCES)])
    topic_words = _topic_words(article)
    weights: dict[str, float] = {}
    items = [(e.id, e.name, e.mentions, e.salience, e.kind == "person") for e in article.actors]
    items += [(p.id, p.name, p.mentions, p.salience, False) for p in article.locations]
    for ident, name, mentions, salience, person in items:
        w = salience if salience > 0 else 1.0 + math.log(max(mentions, 1))
        key = name_skeletons(name, person)
        # the headline and the lead say who and where the story is about
        w *= 1.0 + ENTITY_TITLE_BOOST * any(k in title for k in key)
        w *= 1.0 + ENTITY_LEAD_BOOST * any(k in lead for k in key)
        if topic_words and set(words(name)) <= topic_words:
            w *= TOPIC_WEIGHT  # "Syria" in the Syria topic names the topic, not the story
        weights[ident] = weights.get(ident, 0.0) + w * (1 - NAME_SHARE)
        if key:
            name_id = "n:" + "-".join(key)
            weights[name_id] = weights.get(name_id, 0.0) + w * NAME_SHARE
    return similarity.normalize(similarity.top_weights(weights, FP_ENTITIES))


def _skeletons(text: str) -> set[str]:
    return {skeleton(w) for w in words(text)}


def aware(moment: datetime) -> datetime:
    """``moment`` with UTC as its zone when it has none."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def near_duplicate_of(
    fp: Fingerprint, recent: dict[str, Fingerprint], threshold: float = 0.85
) -> str | None:
    """The id of an earlier article sharing at least ``threshold`` of its text, or None.

    Shared text is the estimated Jaccard similarity of the word 5-shingle sets
    (64-slot MinHash, standard error about 0.045 near 0.85). On ties the
    earliest article wins, so every copy folds into the first one seen.
    """
    best: tuple[float, datetime, str] | None = None
    for article_id, other in recent.items():
        score = similarity.jaccard_estimate(fp.minhash, other.minhash)
        if score < threshold:
            continue
        key = (-score, aware(other.published or EPOCH), article_id)
        if best is None or key < best:
            best = key
    return None if best is None else best[2]
