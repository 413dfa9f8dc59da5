"""Re-clustering a topic's recent articles: the merges and splits one pass cannot make.

Joining one article at a time (``bot.topics.developments``) depends on arrival
order: the first article of a storyline decides what later ones compare
against, and two developments that turn out to be one story never merge. So,
periodically, the recent articles of a topic are clustered again from scratch,
in an order that does not depend on when their links were pasted:

* each two articles get a probability of being one storyline from a pair model
  (a logistic regression over ``PAIR_FEATURES``, fitted on annotated pairs of
  real news by ``python -m bench.pairs``): cosine of their term vectors, of
  their headline-and-lead vectors and of their entity vectors, each feature
  weighted by its inverse document frequency among these articles (what every
  article of the topic says cannot tell storylines apart), and how close in
  time the two appeared (``near``: publication times, else the times their
  links were posted; links to one storyline are posted days apart at most, so
  a backfill of old undated pages ingested at once loses this sign and leans on
  the others); when both have a
  sentence vector (``Fingerprint.vector``, see ``bot.text.encoder``) a second set
  of weights adds the cosine of the two vectors ("meaning"): reports of one
  happening told in other words meet there, and articles that share a story's
  vocabulary but report different happenings part;
* average-linkage agglomerative clustering merges the two groups with the
  highest mean pair probability until none reaches ``LINK_THRESHOLD``;
* ``rebuild`` turns the groups into developments, keeping the id of the
  development that held most of a group's members, so briefs and digests see
  the same development updated rather than a new one.

The store runs it every ``regroup.RECLUSTER_EVERY`` joins of a topic
(``bot.topics.state`` calls ``bot.topics.regroup``, which reads the inputs from
Redis and writes the result through the topic's fence);
``bench.developments.run_grouping`` runs it on its own every ``RECLUSTER_EVERY``
articles and at the end of the stream.

Everything here is pure: no Redis, no NLP model (vectors come computed), no I/O,
no clock.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Mapping
from datetime import datetime

from bot.models import Article, Development
from bot.text import encoder, similarity
from bot.topics import developments as devs
from bot.topics.fingerprints import EPOCH, Fingerprint

PAIR_FEATURES = ("terms", "lead", "entities", "near")
PAIR_WEIGHTS = (5.081, 4.341, 2.605, 5.144)
PAIR_BIAS = -3.549
# with both sentence vectors: the same features and their cosine (bench.pairs fits both)
PAIR_FEATURES_MEANING = (*PAIR_FEATURES, "meaning")
PAIR_WEIGHTS_MEANING = (4.500, 3.698, 2.147, 4.862, 3.399)
PAIR_BIAS_MEANING = -5.418
# fitted on 104 real articles of 3 stories (tune half): a guess, see docs/benchmarks.md
LINK_THRESHOLD = 0.7
NEAR_SCALE_DAYS = 5.0  # near = exp(-gap / NEAR_SCALE_DAYS), gap between the two articles' times
NEAR_UNKNOWN = 0.5  # near when either time is unknown (a fingerprint stored without one)
MAX_ARTICLES = 150  # the most recent articles re-clustered; pairs grow as its square


Vectors = Mapping[str, Mapping[str, float]]


def idf(vectors: list[Mapping[str, float]]) -> dict[str, float]:
    """Inverse document frequency of each feature among ``vectors``."""
    df = Counter(key for vec in vectors for key in vec)
    n = len(vectors)
    return {key: math.log((n + 1) / (count + 0.5)) for key, count in df.items()}


class PairModel:
    """Pair probabilities among one set of fingerprints (their IDF is computed once)."""

    def __init__(self, fps: Mapping[str, Fingerprint]) -> None:
        self.fps = fps
        values = list(fps.values())
        self.term_idf = idf([f.terms for f in values])
        self.lead_idf = idf([f.lead for f in values])
        self.entity_idf = idf([f.entities for f in values])
        self.vectors = {ident: encoder.unpack(f.vector) for ident, f in fps.items()}

    def features(self, a: str, b: str) -> list[float]:
        """``PAIR_FEATURES`` of two articles, and their "meaning" when both have a vector."""
        fa, fb = self.fps[a], self.fps[b]
        values = [
            similarity.cosine(fa.terms, fb.terms, self.term_idf),
            similarity.cosine(fa.lead, fb.lead, self.lead_idf),
            similarity.cosine(fa.entities, fb.entities, self.entity_idf),
            near(fa, fb),
        ]
        meaning = encoder.cosine(self.vectors[a], self.vectors[b])
        return values if meaning is None else [*values, meaning]

    def probability(self, a: str, b: str) -> float:
        if not self.fps[a].terms or not self.fps[b].terms:
            # not analysed (another language) or no words: nothing to compare but the
            # time, and appearing the same day is no sign of one storyline by itself
            return 0.0
        values = self.features(a, b)
        bias, weights = (
            (PAIR_BIAS, PAIR_WEIGHTS)
            if len(values) == len(PAIR_FEATURES)
            else (PAIR_BIAS_MEANING, PAIR_WEIGHTS_MEANING)
        )
        z = bias + sum(w * v for w, v in zip(weights, values, strict=True))
        return 1.0 / (1.0 + math.exp(-z))


def article_time(fp: Fingerprint) -> datetime | None:
    """When the article appeared: its publication time, else when its link was posted."""
    return fp.published or fp.posted


def near(a: Fingerprint, b: Fingerprint) -> float:
    """How close in time two articles appeared: 1 the same moment, 1/e ``NEAR_SCALE_DAYS`` apart.

    The days an article's events name are no help here (background paragraphs
    name the days of earlier storylines; pair AUC 0.52 on real news), while the
    time it appeared is the strongest single sign of a storyline (0.93).
    """
    ta, tb = article_time(a), article_time(b)
    if ta is None or tb is None:
        return NEAR_UNKNOWN
    gap = abs((ta - tb).total_seconds()) / 86_400
    return math.exp(-gap / NEAR_SCALE_DAYS)


def cluster(fps: Mapping[str, Fingerprint], threshold: float | None = None) -> list[list[str]]:
    """Groups of article ids, by average linkage over pair probabilities.

    Every article starts alone (not from the developments one pass left, whose wrong
    merges a split never undid: docs/benchmarks.md, "Real news, fourth round"), and the
    result does not depend on the order of ``fps``: ids are taken in order of their
    earliest day (undated last) and id, and ties go to the earliest pair.
    """
    limit = LINK_THRESHOLD if threshold is None else threshold
    ids = sorted(fps, key=lambda i: (min(fps[i].days, default=math.inf), i))
    model = PairModel(fps)
    prob: dict[tuple[str, str], float] = {}
    for x in range(len(ids)):
        for y in range(x + 1, len(ids)):
            prob[(ids[x], ids[y])] = prob[(ids[y], ids[x])] = model.probability(ids[x], ids[y])
    start = [[i] for i in ids]
    groups: dict[int, list[str]] = dict(enumerate(start))
    sums: dict[tuple[int, int], float] = {}
    for x in range(len(start)):
        for y in range(x + 1, len(start)):
            sums[(x, y)] = sum(prob[(a, b)] for a in start[x] for b in start[y])
    _merge(groups, sums, limit)
    return [groups[k] for k in sorted(groups)]


def _merge(groups: dict[int, list[str]], sums: dict[tuple[int, int], float], limit: float) -> None:
    """Average linkage in place: merge the two groups of highest mean pair probability
    (ties: the lowest ids) until none reaches ``limit``; ``sums[(x, y)]`` (x < y) is the
    total probability between groups x and y. A heap of candidate merges, where an entry
    whose groups changed since it was pushed is skipped, makes a pass over 150 articles
    O(n² log n) rather than O(n³): it runs under the topic's lock."""
    heap = [(-total / (len(groups[x]) * len(groups[y])), x, y) for (x, y), total in sums.items()]
    heapq.heapify(heap)
    while heap:
        negative, x, y = heapq.heappop(heap)
        if x not in groups or y not in groups:
            continue  # one of the two was merged away since
        mean = sums[(x, y)] / (len(groups[x]) * len(groups[y]))
        if mean != -negative:
            continue  # pushed before one of the two grew: a newer entry holds its mean
        if mean < limit:
            break
        groups[x] += groups.pop(y)
        del sums[(x, y)]
        for other in groups:
            if other == x:
                continue
            kx, ky = (min(x, other), max(x, other)), (min(y, other), max(y, other))
            total = sums.pop(kx) + sums.pop(ky)
            sums[kx] = total
            heapq.heappush(heap, (-total / (len(groups[x]) * len(groups[other])), *kx))


def rebuild(
    topic: str,
    groups: list[list[str]],
    articles: Mapping[str, Article],
    fps: Mapping[str, Fingerprint],
    previous: Mapping[str, Development],
    assignment: Mapping[str, str],
    now: datetime,
) -> tuple[dict[str, Development], dict[str, str]]:
    """Developments for ``groups``, and article id -> development id.

    A group keeps the id of the previous development (``assignment``) holding
    most of its members, unless another group took it first, and its creation
    time; each member's folded copies follow it from whichever development held
    it. A development whose members did not change keeps its ``updated_at``.
    """
    out: dict[str, Development] = {}
    where: dict[str, str] = {}
    taken: set[str] = set()
    # folded copies are not members: they follow their original wherever it goes
    folded = {ref.id: ref.copies for d in previous.values() for ref in d.articles if ref.copies}
    for group in groups:
        members = sorted(group, key=lambda i: (fps[i].published or EPOCH, i))
        votes = Counter(assignment[i] for i in members if i in assignment)
        reuse = next(
            (d for d, _ in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0])) if d not in taken),
            None,
        )
        dev = devs.start_development(topic, articles[members[0]], fps[members[0]], now)
        for ident in members[1:]:
            dev = devs.join_development(dev, articles[ident], fps[ident], now)
        old = previous.get(reuse) if reuse else None
        if reuse is None:
            # a group split off may start with the article another development was named after
            n = 0
            while dev.id in taken or dev.id in previous or dev.id in assignment.values():
                n += 1
                dev.id = devs.development_id(topic, f"{members[0]}#{n}")
        else:
            dev.id = reuse
        taken.add(dev.id)
        if old is not None:
            dev.created_at = old.created_at
            old_members = {i for i, d in assignment.items() if d == old.id}
            if old_members == set(members):
                dev.updated_at = old.updated_at
        _carry_copies(dev, folded)
        out[dev.id] = dev
        where.update(dict.fromkeys(members, dev.id))
    return out, where


def _carry_copies(dev: Development, folded: Mapping[str, list[dict[str, str]]]) -> None:
    for ref in dev.articles:
        ref.copies = list(folded.get(ref.id, ref.copies))
        for entry in ref.copies:
            outlet = entry.get("outlet")
            if outlet and outlet not in dev.outlets and len(dev.outlets) < devs.MAX_OUTLETS:
                dev.outlets.append(outlet)
