"""Developments: grouping a topic's articles into storylines, incrementally.

A new article is compared with a bounded set of candidate developments (the
store passes the ~50 most recently active) and either joins the best one or
starts a new one. One pass depends on arrival order; ``bot.topics.recluster``
re-clusters a topic's recent articles with merges and splits (the benchmarks run
it periodically; the store does not call it yet). Each development carries
capped clustering features (``DevelopmentFeatures``, in ``bot.models``) so that
joining costs the same for a development of 3 articles or of 30,000:

    entities    top ``MAX_ENTITIES`` actor and place ids (and name keys), by weight
    terms       top ``MAX_TERMS`` stemmed content terms, by weight
    lead        top ``MAX_TERMS`` stemmed terms of the members' headlines and leads
    signatures  (id, MinHash) of the last ``MAX_SIGNATURES`` members
    names       id -> (name, "actor" | "place") for the kept entity ids
    sentences   (id, sentence): summary candidates of the ``LEAD_POOL`` newest-published
                members (``bot.topics.labels`` takes title and summary from one of them)
    summary_sources   articles the current summary was taken from
    label_source      the member article the title and summary were taken from

Feature weights decay by ``DECAY`` at each join, so a long-running development
follows what it is about now rather than what its first articles said.

Matching (``choose_development``, ``match_score``) on the article's
``Fingerprint`` (``bot.topics.fingerprints``):

* entity overlap and term overlap, both cosine, mixed ``ENTITY_SHARE`` to the
  rest, each feature down-weighted by how central it is to the *other*
  candidates (the topic's country and perennial actors cannot tell them apart);
* the headline fit: an article whose main actor or place the development hardly
  knows (under ``HEADLINE_SHARE`` of its top weight) loses up to
  ``HEADLINE_PENALTY`` of its score, however much background the two share
  ("US prepares to draw down" is not the ceasefire story that it recalls);
* the best MinHash match with a recent member as a floor;
* times a time factor: 1 inside the development's span, falling towards
  ``TIME_FLOOR`` with a half-life of ``TIME_HALF_LIFE_DAYS`` outside it (an
  undated article: when its link was posted against when the members' were).

The best candidate is joined when its score reaches ``MATCH_THRESHOLD``. The
constants were tuned on the seed articles (``bench/developments.py``) for
publication order and for random arrival orders together.

Everything here is pure: no Redis, no NLP model, no I/O, no clock.
"""

from __future__ import annotations

import copy
import hashlib
import math
from datetime import datetime

from bot.models import Article, ArticleRef, Development, DevelopmentFeatures, NameKind
from bot.text import similarity
from bot.text.sentences import lead_end_of
from bot.topics.fingerprints import EPOCH, Fingerprint, aware, fingerprint, near_duplicate_of
from bot.topics.labels import LEAD_POOL, relabel, summary_for, title_for

__all__ = [
    "Fingerprint",
    "choose_development",
    "fingerprint",
    "fold_duplicate",
    "join_development",
    "near_duplicate_of",
    "rank_score",
    "start_development",
    "summary_for",
    "title_for",
]

MAX_ENTITIES = 40
MAX_TERMS = 60
MAX_SIGNATURES = 10
MAX_REFS = 20
MAX_OUTLETS = 50
DECAY = 0.95
MATCH_THRESHOLD = 0.23
HEADLINE_PENALTY = 0.4
HEADLINE_SHARE = 0.2
ENTITY_SHARE = 0.5  # of the match score, when both sides have entities
LEAD_SHARE = 0.5  # of the text part: headline-and-lead terms against all terms
# links to one storyline are posted days apart at most; real news, tune half, one pass:
# pair precision / recall 0.323 / 0.597 with (0.5, 7 days), 0.755 / 0.478 with these
# (3 stories: a guess). Re-clustering, which restores the recall, does not use them.
TIME_HALF_LIFE_DAYS = 2.0
TIME_FLOOR = 0.2
# a feature central to other candidates (summed shares >= 1 / COMMON_GAIN) keeps
# only 1 - COMMON_DROP of its weight; see _commonness_weights
COMMON_DROP = 0.8
COMMON_GAIN = 0.5


def choose_development(
    article: Article, fp: Fingerprint, candidates: list[Development]
) -> Development | None:
    """The candidate this article belongs to, or None to start a new development."""
    if not candidates:
        return None
    ent_w = _commonness_weights([c.features.entities for c in candidates])
    term_w = _commonness_weights([c.features.terms for c in candidates])
    lead_w = _commonness_weights([c.features.lead for c in candidates])
    scored = [(match_score(fp, c, ent_w, term_w, lead_w), c.id, c) for c in candidates]
    score, _, best = max(scored, key=lambda s: (s[0], s[1]))
    return best if score >= MATCH_THRESHOLD else None


def match_score(
    fp: Fingerprint,
    dev: Development,
    ent_w: dict[str, float] | None = None,
    term_w: dict[str, float] | None = None,
    lead_w: dict[str, float] | None = None,
) -> float:
    """Similarity of an article to a development, in [0, 1]; see the module docstring."""
    feats = dev.features
    ent = similarity.cosine(fp.entities, feats.entities, ent_w)
    txt = similarity.cosine(fp.terms, feats.terms, term_w)
    if fp.lead and feats.lead:
        # what the article is about (headline, lead) outweighs its background paragraphs
        lead = similarity.cosine(fp.lead, feats.lead, lead_w)
        txt = LEAD_SHARE * lead + (1 - LEAD_SHARE) * txt
    both = fp.entities and feats.entities
    base = ENTITY_SHARE * ent + (1 - ENTITY_SHARE) * txt if both else txt
    copies = [similarity.jaccard_estimate(fp.minhash, sig) for _, sig in feats.signatures]
    base = max([base * _headline_fit(fp, feats.entities), *copies])
    return base * time_factor(fp, dev)


def _headline_fit(fp: Fingerprint, dev_entities: dict[str, float]) -> float:
    # An article whose main actor or place the development hardly knows reports
    # something else, however much background the two share.
    if not fp.entities or not dev_entities:
        return 1.0
    main = max(fp.entities, key=lambda k: (fp.entities[k], k))
    share = dev_entities.get(main, 0.0) / max(dev_entities.values())
    return 1.0 - HEADLINE_PENALTY * max(0.0, 1.0 - share / HEADLINE_SHARE)


def time_factor(fp: Fingerprint, dev: Development) -> float:
    """1 inside the development's time span, falling towards ``TIME_FLOOR`` as the gap grows.

    A dated article is placed against the publication span of the development's
    dated members; an undated one by when its link was posted, against when the
    development's members were posted (``created_at`` to ``updated_at``), so a
    page with no date neither stretches a span nor escapes the sign that
    storylines are days apart. Nothing known on either side says nothing: 1.
    """
    moment, first, last = fp.published, dev.first_seen, dev.last_seen
    if moment is None or first is None or last is None:
        moment, first, last = fp.posted, dev.created_at, dev.updated_at
    if moment is None:
        return 1.0
    moment = aware(moment)
    gap = max(
        (moment - aware(last)).total_seconds(),
        (aware(first) - moment).total_seconds(),
        0.0,
    )
    decay = math.exp(-math.log(2) * gap / 86400 / TIME_HALF_LIFE_DAYS)
    return TIME_FLOOR + (1 - TIME_FLOOR) * decay


def _commonness_weights(vectors: list[dict[str, float]]) -> dict[str, float]:
    """Weights that fade features central to more than one candidate.

    A feature's share in a candidate is its weight over that candidate's largest
    weight. The shares summed over candidates, less the largest, say how central
    the feature is to the *other* candidates: the topic's country or perennial
    actors are central everywhere and cannot tell candidates apart, while a
    place that one development is about and the others only mention keeps most
    of its weight. Candidates that do not have the feature at all (unrelated
    stories) change nothing.
    """
    shares: dict[str, list[float]] = {}
    for vec in vectors:
        top = max(vec.values(), default=0.0)
        for key, weight in vec.items():
            if top > 0:
                shares.setdefault(key, []).append(weight / top)
    out = {}
    for key, values in shares.items():
        if len(values) > 1:
            spread = sum(values) - max(values)
            out[key] = 1.0 - COMMON_DROP * min(spread * COMMON_GAIN, 1.0)
    return out


def development_id(topic: str, first_article_id: str) -> str:
    """Stable short id: the same topic and first article always give the same id."""
    digest = hashlib.blake2b(f"{topic}\x00{first_article_id}".encode(), digest_size=5)
    return "d-" + digest.hexdigest()


def start_development(topic: str, article: Article, fp: Fingerprint, now: datetime) -> Development:
    """A new development of ``topic`` with ``article`` as its only member."""
    dev = Development(
        id=development_id(topic, article.id),
        topic=topic,
        title="",
        summary="",
        first_seen=fp.published,
        last_seen=fp.published,
        updated_at=now,
        created_at=now,
        features=DevelopmentFeatures(),
    )
    _add_member(dev, article, fp, now)
    relabel(dev)
    return dev


def join_development(
    dev: Development, article: Article, fp: Fingerprint, now: datetime
) -> Development:
    """A copy of ``dev`` with ``article`` added; joining the same article twice is a no-op."""
    out = copy.deepcopy(dev)
    if _is_member(out, article.id):
        return out
    _add_member(out, article, fp, now)
    relabel(out)
    return out


def fold_duplicate(
    dev: Development, original_id: str, article: Article, now: datetime
) -> Development:
    """A copy of ``dev`` with ``article`` recorded as a copy of ``original_id``.

    The copy's outlet becomes a source of the development but the article count
    does not change. A new outlet carrying the story is news to an editor, so
    ``updated_at`` moves; folding the same copy twice changes nothing.
    """
    out = copy.deepcopy(dev)
    copy_entry = {"url": article.url or article.canonical_url or "", "outlet": article.outlet or ""}
    for ref in out.articles:
        if ref.id == original_id:
            if copy_entry in ref.copies or (copy_entry["url"] == ref.url and ref.url):
                return out
            ref.copies.append(copy_entry)
            break
    _add_outlet(out, article.outlet)
    out.updated_at = now
    return out


def _is_member(dev: Development, article_id: str) -> bool:
    if any(ref.id == article_id for ref in dev.articles):
        return True
    return any(ident == article_id for ident, _ in dev.features.signatures)


def _add_member(dev: Development, article: Article, fp: Fingerprint, now: datetime) -> None:
    ref = ArticleRef(
        id=article.id,
        url=article.url or article.canonical_url,
        title=article.title,
        outlet=article.outlet,
        published=fp.published,
    )
    dev.articles = sorted([ref, *dev.articles], key=_ref_order)[:MAX_REFS]
    dev.article_count += 1
    _add_outlet(dev, article.outlet)
    if fp.published is not None:  # an undated member leaves the span alone
        dev.first_seen = min(aware(dev.first_seen or fp.published), fp.published)
        dev.last_seen = max(aware(dev.last_seen or fp.published), fp.published)
    dev.updated_at = now
    _merge_features(dev, article, fp)


def _ref_order(ref: ArticleRef) -> tuple[float, str]:
    moment = aware(ref.published) if ref.published else EPOCH
    return (-moment.timestamp(), ref.id)


def _add_outlet(dev: Development, outlet: str | None) -> None:
    if outlet and outlet not in dev.outlets and len(dev.outlets) < MAX_OUTLETS:
        dev.outlets.append(outlet)


def _merge_features(dev: Development, article: Article, fp: Fingerprint) -> None:
    feats = dev.features
    feats.entities = _decayed_sum(feats.entities, fp.entities, MAX_ENTITIES)
    feats.terms = _decayed_sum(feats.terms, fp.terms, MAX_TERMS)
    feats.lead = _decayed_sum(feats.lead, fp.lead, MAX_TERMS)
    sigs = [s for s in feats.signatures if s[0] != article.id]
    feats.signatures = [*sigs, (article.id, list(fp.minhash))][-MAX_SIGNATURES:]
    names = dict(feats.names)
    names.update({e.id: (e.name, "actor") for e in article.actors})
    names.update({p.id: (p.name, "place") for p in article.locations})
    feats.names = {k: v for k, v in names.items() if k in feats.entities}
    ranked = sorted(feats.entities.items(), key=lambda kv: (-kv[1], kv[0]))
    dev.actors = _names_of(ranked, feats.names, "actor")
    dev.locations = _names_of(ranked, feats.names, "place")
    # the candidates of the newest-published members, whatever order they came in:
    # the label is then the same for the same members in every topic
    pool = {ref.id for ref in dev.articles[:LEAD_POOL]}
    sentences = [s for s in feats.sentences if s[0] != article.id and s[0] in pool]
    if article.id in pool:
        sentences += [(article.id, s) for s in _summary_candidates(article)]
    feats.sentences = sentences


def _decayed_sum(old: dict[str, float], new: dict[str, float], limit: int) -> dict[str, float]:
    merged = {k: v * DECAY for k, v in old.items()}
    for key, weight in new.items():
        merged[key] = merged.get(key, 0.0) + weight
    return similarity.top_weights(merged, limit)


def _names_of(
    ranked: list[tuple[str, float]],
    names: dict[str, tuple[str, NameKind]],
    kind: NameKind,
    limit: int = 8,
) -> list[str]:
    out: list[str] = []
    for ident, _ in ranked:
        entry = names.get(ident)
        if entry and entry[1] == kind and entry[0] not in out:
            out.append(entry[0])
    return out[:limit]


def _summary_candidates(article: Article) -> list[str]:
    if article.summary:
        return list(article.summary[:2])
    lead = article.text[: lead_end_of(article.text)].strip()
    return [lead] if lead else []


def rank_score(dev: Development, now: datetime) -> float:
    """Ordering score for the topic's zset: recency plus weight, on a scale of days.

    ``last_seen`` in days since the epoch, plus log2 of a weight built from the
    number of outlets (copies included), the article count and the actors named.
    Adding a log weight to a linear time is the same ordering as an exponential
    decay of the weight with a one-day half-life, and it does not depend on
    ``now`` (used only to clamp future dates), so stored scores never go stale:
    a development seen one day later outranks one with twice the weight. A
    development with no dated member ranks by when an article last joined it.
    """
    last = min(aware(dev.last_seen or dev.updated_at), aware(now))
    sources = max(len(dev.outlets), 1)
    weight = sources + 0.5 * math.log2(max(dev.article_count, 1)) + 0.25 * min(len(dev.actors), 4)
    return last.timestamp() / 86400 + math.log2(weight)
