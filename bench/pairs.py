"""The re-clustering pair model, fitted on annotated pairs of real news articles.

Every two English articles of one story in the real-news set (``bench/realnews.py``
loads and analyses them as the pipeline does) make a pair: the features
``bot.topics.recluster.PairModel`` gives them (IDF-weighted cosine of terms, of
headline-and-lead terms and of entities, how near in time they appeared
(publication times, else posting times), and with sentence vectors the cosine of
the two: "meaning"), and
whether our annotations put the two in one storyline. A logistic regression
(plain numpy, Newton steps, L2, classes balanced) over those pairs gives
``PAIR_WEIGHTS`` and ``PAIR_BIAS`` (words, entities and days: what the model uses
when an article has no vector) and ``PAIR_WEIGHTS_MEANING`` and
``PAIR_BIAS_MEANING`` (the same and "meaning"); the link threshold is the one
whose worst grouping figure on the same split is highest.

Cross-validation leaves one story out at a time: fitted on the others, scored
on it (pair AUC and the grouping's pairwise precision / recall). With a
handful of stories the spread is wide and the constants are a guess, and the
report says so.

    BRIEFBOT_REALNEWS_TEXTS=/work/realnews/texts python -m bench.pairs --split tune
    ... --cache /tmp/realnews-tune.pickle   # reuse the analysis between runs
    ... --features words                    # one model only (default: both)
    ... --jitter 20                         # groupings with the weights moved by up to 2%
"""

from __future__ import annotations

import argparse
import itertools
import pickle
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from bench.developments import Seed
from bench.realnews import (
    ORDERS,
    GroupingScore,
    Item,
    analyse_all,
    annotations_dir,
    group_stories,
    load,
    texts_dir,
)
from bot.topics import developments as devs
from bot.topics import recluster

# what a cached analysis holds; a cache of another format is analysed again
# (2: articles are links posted in Slack, so that they have a posting time)
CACHE_FORMAT = "2"
L2 = 1.0  # ridge penalty on the weights (not the bias), in units of the pair count
THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(4, 19))


@dataclass
class Pairs:
    x: np.ndarray  # one row of recluster.PAIR_FEATURES per pair
    y: np.ndarray  # 1 when the two articles are of one storyline
    story: list[str]


def build_pairs(items: list[Item], seeds: dict[str, Seed]) -> Pairs:
    """Every two English articles of a story, with their label.

    The IDF weights come from the story's articles, as a re-clustering takes
    them from the topic's recent articles.
    """
    rows: list[list[float]] = []
    labels: list[int] = []
    stories: list[str] = []
    by_story: dict[str, list[Item]] = {}
    for item in items:
        if item.ann["story"] != "none" and item.english and item.id in seeds:
            by_story.setdefault(item.ann["story"], []).append(item)
    for story, members in sorted(by_story.items()):
        fps = {i.id: devs.fingerprint(seeds[i.id].article) for i in members}
        model = recluster.PairModel(fps)
        for a, b in itertools.combinations(members, 2):
            rows.append(model.features(a.id, b.id))
            labels.append(int(a.ann["storyline"] == b.ann["storyline"]))
            stories.append(story)
    widths = {len(r) for r in rows}
    if len(widths) > 1:
        raise SystemExit("pairs: some articles have a sentence vector and some not")
    return Pairs(np.array(rows, dtype=float), np.array(labels, dtype=float), stories)


def without_vectors(seeds: dict[str, Seed]) -> dict[str, Seed]:
    """The same articles without their sentence vectors: what the words-only model sees."""
    return {k: replace(s, article=replace(s.article, vector="")) for k, s in seeds.items()}


def fit(x: np.ndarray, y: np.ndarray, l2: float = L2) -> tuple[np.ndarray, float]:
    """Logistic regression by Newton's method; classes weighted to balance."""
    n, d = x.shape
    design = np.hstack([x, np.ones((n, 1))])
    pos = max(y.sum(), 1.0)
    neg = max(n - y.sum(), 1.0)
    sample_w = np.where(y > 0, n / (2 * pos), n / (2 * neg))
    theta = np.zeros(d + 1)
    ridge = np.full(d + 1, l2)
    ridge[-1] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(design @ theta)))
        grad = design.T @ (sample_w * (p - y)) + ridge * theta
        hess = (
            (design.T * (sample_w * p * (1 - p))) @ design + np.diag(ridge) + 1e-9 * np.eye(d + 1)
        )
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.abs(step).max() < 1e-8:
            break
    return theta[:-1], float(theta[-1])


def auc(scores: np.ndarray, y: np.ndarray) -> float:
    """Area under the ROC curve: the chance a positive pair outscores a negative one (ties half)."""
    pos, neg = scores[y > 0], scores[y == 0]
    if not len(pos) or not len(neg):
        return float("nan")
    neg_sorted = np.sort(neg)
    below = np.searchsorted(neg_sorted, pos, side="left")
    not_above = np.searchsorted(neg_sorted, pos, side="right")
    return float((below + not_above).sum() / 2 / (len(pos) * len(neg)))


@contextmanager
def model(weights: np.ndarray, bias: float, threshold: float) -> Iterator[None]:
    """``bot.topics.recluster`` with these constants for the duration: the words-only
    model's or, with one weight more, the meaning model's."""
    meaning = len(weights) == len(recluster.PAIR_FEATURES_MEANING)
    suffix = "_MEANING" if meaning else ""
    names = (f"PAIR_WEIGHTS{suffix}", f"PAIR_BIAS{suffix}", "LINK_THRESHOLD")
    saved = [getattr(recluster, n) for n in names]
    values = (tuple(float(w) for w in weights), bias, threshold)
    for name, value in zip(names, values, strict=True):
        setattr(recluster, name, value)
    try:
        yield
    finally:
        for name, value in zip(names, saved, strict=True):
            setattr(recluster, name, value)


def grouping(
    items: list[Item], seeds: dict[str, Seed], orders: int
) -> tuple[GroupingScore, float, float]:
    """Publication order, and the worst precision and recall over ``orders`` random orders."""
    ordered = group_stories(items, seeds, None)
    runs = [group_stories(items, seeds, n) for n in range(orders)]
    worst_p = min((r.precision for r in runs), default=ordered.precision)
    worst_r = min((r.recall for r in runs), default=ordered.recall)
    return ordered, worst_p, worst_r


def best_threshold(
    items: list[Item], seeds: dict[str, Seed], w: np.ndarray, b: float, orders: int
) -> tuple[float, str]:
    """The threshold whose worst figure (of P, R, worst-order P, worst-order R) is highest."""
    best: tuple[float, float, str] = (-1.0, 0.5, "")
    for t in THRESHOLDS:
        with model(w, b, t):
            g, wp, wr = grouping(items, seeds, orders)
        low = min(g.precision, g.recall, wp, wr)
        line = f"t={t:.2f}: P/R {g.precision:.3f}/{g.recall:.3f} worst {wp:.3f}/{wr:.3f}"
        print(f"  {line}")
        if low > best[0]:
            best = (low, t, line)
    return best[1], best[2]


def cross_validate(items: list[Item], seeds: dict[str, Seed], pairs: Pairs, orders: int) -> None:
    stories = sorted(set(pairs.story))
    print(f"\nLeave one story out ({len(stories)} stories):\n")
    print("| held-out story | pairs | AUC | P / R (publication order) | worst-order P / R |")
    print("|---|---|---|---|---|")
    figures = []
    for held in stories:
        train = np.array([s != held for s in pairs.story])
        w, b = fit(pairs.x[train], pairs.y[train])
        test_items = [i for i in items if i.ann["story"] == held]
        with model(w, b, recluster.LINK_THRESHOLD):
            g, wp, wr = grouping(test_items, seeds, orders)
        score = auc(pairs.x[~train] @ w + b, pairs.y[~train])
        figures.append((g.precision, g.recall, wp, wr))
        print(
            f"| {held} | {int((~train).sum())} | {score:.3f} | {g.precision:.3f} / {g.recall:.3f} "
            f"| {wp:.3f} / {wr:.3f} |"
        )
    if figures:
        cols = list(zip(*figures, strict=True))
        names = ("precision", "recall", "worst-order precision", "worst-order recall")
        spread = ", ".join(
            f"{n} {min(c):.2f}–{max(c):.2f}" for n, c in zip(names, cols, strict=True)
        )
        print(f"\nSpread across held-out stories: {spread}.")
    if len(stories) < 100:
        print(
            f"Only {len(stories)} stories: these constants are a guess, not a measurement; "
            "the spread above is what one more story could do to them."
        )


def load_seeds(items: list[Item], cache: Path | None) -> dict[str, Seed]:
    from bot.config import Settings

    # a cache made with another sentence model (or none) has other vectors
    key = [
        CACHE_FORMAT,
        Settings.from_env().sentence_model,
        *sorted((i.id, i.ann["sha256"]) for i in items),
    ]
    if cache is not None and cache.is_file():
        stored_key, seeds = pickle.loads(cache.read_bytes())
        if stored_key == key:
            return seeds  # type: ignore[no-any-return]
    seeds = analyse_all(items)
    if cache is not None:
        cache.write_bytes(pickle.dumps((key, seeds)))
    return seeds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("tune", "test", "all"), default="tune")
    parser.add_argument("--cache", type=Path, help="pickle of the analysed articles to reuse")
    parser.add_argument("--orders", type=int, default=ORDERS, help="random arrival orders")
    parser.add_argument(
        "--features",
        choices=("words", "meaning", "both"),
        default="both",
        help="words, entities and days only; with the sentence vectors' cosine; or both",
    )
    parser.add_argument(
        "--jitter", type=int, default=0, help="groupings with the weights moved by up to 2%%"
    )
    args = parser.parse_args(argv)
    loaded = load(annotations_dir(), texts_dir(), args.split)
    if not loaded.items:
        print(f"pairs: skipped, no article texts under {texts_dir()}")
        return 0
    seeds = load_seeds(loaded.items, args.cache)
    with_vectors = any(s.article.vector for s in seeds.values())
    if args.features in ("words", "both"):
        report(args.split, loaded.items, without_vectors(seeds), args.orders, "words", args.jitter)
    if args.features in ("meaning", "both"):
        if not with_vectors:
            print("pairs: no sentence vectors (BRIEFBOT_SENTENCE_MODEL is off?): meaning skipped")
        else:
            report(args.split, loaded.items, seeds, args.orders, "meaning", args.jitter)
    return 0


def report(
    split: str,
    items: list[Item],
    seeds: dict[str, Seed],
    orders: int,
    kind: str,
    jitter: int = 0,
) -> None:
    """Fit one model on every pair, search its threshold and cross-validate it; with
    ``jitter``, also group with that many copies of the weights each moved by up to 2%."""
    pairs = build_pairs(items, seeds)
    names = recluster.PAIR_FEATURES_MEANING if kind == "meaning" else recluster.PAIR_FEATURES
    suffix = "_MEANING" if kind == "meaning" else ""
    positives = int(pairs.y.sum())
    print(
        f"\n## pairs ({split}, {kind}): {len(items)} articles, {len(pairs.y)} pairs "
        f"({positives} of one storyline), features {', '.join(names)}\n"
    )
    alone = ", ".join(f"{n} {auc(pairs.x[:, k], pairs.y):.3f}" for k, n in enumerate(names))
    print(f"pair AUC of each feature alone: {alone}")
    w, b = fit(pairs.x, pairs.y)
    print("Threshold search with the weights fitted on all pairs:")
    threshold, line = best_threshold(items, seeds, w, b, orders)
    print(f"\nrecluster.PAIR_WEIGHTS{suffix} = ({', '.join(f'{v:.3f}' for v in w)})")
    print(f"PAIR_BIAS{suffix} = {b:.3f}")
    print(f"LINK_THRESHOLD = {threshold:.2f}  # {line}")
    print(f"pair AUC (in sample): {auc(pairs.x @ w + b, pairs.y):.3f}")
    with model(w, b, threshold):
        cross_validate(items, seeds, pairs, orders)
    if jitter:
        sensitivity(items, seeds, w, b, threshold, jitter)


def sensitivity(
    items: list[Item], seeds: dict[str, Seed], w: np.ndarray, b: float, t: float, draws: int
) -> None:
    """Grouping with the fitted weights and bias each moved by a random factor in
    [0.98, 1.02]: how much the figures owe to the third digit of the constants."""
    rng = np.random.default_rng(0)
    figures = []
    for _ in range(draws):
        scale = rng.uniform(0.98, 1.02, size=len(w) + 1)
        with model(w * scale[:-1], b * scale[-1], t):
            g = group_stories(items, seeds, None)
        figures.append((g.precision, g.recall))
    p, r = zip(*figures, strict=True)
    print(
        f"\nWeights and bias moved by up to 2% ({draws} draws), publication order: "
        f"precision {min(p):.3f}–{max(p):.3f}, recall {min(r):.3f}–{max(r):.3f}."
    )


if __name__ == "__main__":
    sys.exit(main())
