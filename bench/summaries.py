"""Summary quality: briefbot's extractive summary against lead-3 and an oracle.

Data: the CNN/DailyMail articles of ``../shared/eval/summaries/`` (files with a
``bart_reference``; see its SOURCE.md), or ``$BRIEFBOT_EVAL_DIR/summaries``.
Each article's ``article_lines`` are joined into one text with their character
spans, which is what the ingest pipeline hands to ``bot.text.summarize`` after
spaCy. The reference is ``bart_reference`` as stored (PTB-tokenised); it is
not detokenised because rouge-score's tokenizer drops punctuation anyway
("Locke 's" and "Locke's" both become ``locke s``), and it is split into
sentences at its " . " separators for ROUGE-Lsum. All three systems are scored
against that same reference, with rouge-score and the Porter stemmer.

Systems, in the same run:
- briefbot: ``bot.text.summarize.summarize`` with its defaults (``max_sentences=3``) and no
  title (the data set has none); a second row gives it the headline words of
  the article's URL slug, which is what it sees in production (the page title).
- lead-3: the first three entries of ``article_lines``, whatever they are.
- oracle: three sentences chosen greedily to maximise ROUGE-1 + ROUGE-2 against
  the reference itself, a ceiling no summariser can reach without it.

XSum (BBC) articles give a secondary line: their reference is a single
rewritten sentence, so every extractive system scores low there.

    python -m bench.summaries            # quick: 60 CNN/DM and 60 XSum articles
    python -m bench.summaries --full     # all 250 CNN/DM and 251 XSum articles
"""

from __future__ import annotations

import argparse
import ast
import itertools
import json
import os
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from rouge_score import rouge_scorer, tokenizers

from bot.text.summarize import DEFAULT_WEIGHTS, Weights, summarize, summarize_with

QUICK_ARTICLES = 60
BOOTSTRAP = 1000
METRICS = ("rouge1", "rouge2", "rougeLsum")
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"})
LABELS = {"rouge1": "ROUGE-1", "rouge2": "ROUGE-2", "rougeLsum": "ROUGE-Lsum"}

Summarizer = Callable[["Doc"], list[str]]


@dataclass
class Doc:
    """One evaluation article: its sentences as the pipeline would see them."""

    name: str
    lines: list[str]
    reference: list[str]  # reference sentences
    url: str = ""
    text: str = field(init=False)
    spans: list[tuple[int, int]] = field(init=False)

    def __post_init__(self) -> None:
        self.lines = [line.strip() for line in self.lines if line.strip()]
        self.spans = []
        at = 0
        for line in self.lines:
            self.spans.append((at, at + len(line)))
            at += len(line) + 1
        self.text = " ".join(self.lines)


@dataclass
class Result:
    """Mean F1 (x100) per metric for each system, plus what the summaries looked like."""

    corpus: str
    articles: int
    scores: dict[str, dict[str, float]]
    words: dict[str, float]
    ms_per_article: float
    per_article: dict[str, dict[str, list[float]]] = field(default_factory=dict)

    def interval(self, name: str, metric: str, base: str = "lead-3") -> tuple[float, float]:
        """95% paired-bootstrap interval of ``name`` minus ``base`` (F1 x100), seeded."""
        diffs = [
            a - b
            for a, b in zip(
                self.per_article[name][metric], self.per_article[base][metric], strict=True
            )
        ]
        rng = random.Random(0)
        means = sorted(
            100 * sum(rng.choices(diffs, k=len(diffs))) / len(diffs) for _ in range(BOOTSTRAP)
        )
        return means[int(0.025 * BOOTSTRAP)], means[int(0.975 * BOOTSTRAP) - 1]


def eval_dir() -> Path | None:
    """``$BRIEFBOT_EVAL_DIR`` or ``../shared/eval`` next to the repository, if present."""
    env = os.environ.get("BRIEFBOT_EVAL_DIR")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parents[2] / "shared" / "eval")
    for path in candidates:
        if (path / "summaries" / "articles-wbertscore-json").is_dir():
            return path
    return None


def _split_ptb(reference: str) -> list[str]:
    parts = re.split(r"(?<=\s[.!?])\s+", reference.strip())
    return [p for p in parts if p]


def load(folder: Path) -> tuple[list[Doc], list[Doc]]:
    """The CNN/DM and the XSum articles of ``summaries/articles-wbertscore-json``."""
    cnndm: list[Doc] = []
    xsum: list[Doc] = []
    for path in sorted((folder / "summaries" / "articles-wbertscore-json").glob("*.json")):
        raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        lines = raw["article_lines"]
        if isinstance(lines, str):  # one XSum file stores Python literals
            lines = ast.literal_eval(lines)
        if "bart_reference" in raw:
            ref = _split_ptb(raw["bart_reference"])
            cnndm.append(Doc(path.stem, lines, ref, url=raw.get("url", "")))
        else:
            gold = raw.get("Gold") or raw.get("reference") or ""
            xsum.append(Doc(path.stem, lines, [gold.strip()], url=raw.get("url", "")))
    return cnndm, xsum


def slug_title(url: str) -> str:
    """Headline words from a news URL's last path segment ("Gary-Locke-set-..." -> words)."""
    segment = url.rstrip("/").rsplit("/", 1)[-1]
    segment = re.sub(r"\.\w+$", "", segment)
    if segment == "index":
        segment = url.rstrip("/").rsplit("/", 2)[-2]
    return " ".join(w for w in re.split(r"[-_]+", segment) if w and not w.isdigit())


def briefbot(doc: Doc) -> list[str]:
    """briefbot's summary without a title."""
    return summarize(doc.text, doc.spans)


def briefbot_titled(doc: Doc) -> list[str]:
    """briefbot's summary with the URL slug standing in for the headline."""
    return summarize(doc.text, doc.spans, title=slug_title(doc.url))


def lead3(doc: Doc) -> list[str]:
    """The first three sentences, as given."""
    return doc.lines[:3]


class Oracle:
    """Greedy oracle: add the sentence that most raises ROUGE-1 + ROUGE-2 F1, up to 3."""

    def __init__(self, tokenizer: tokenizers.DefaultTokenizer, size: int = 3) -> None:
        self.tokenizer = tokenizer
        self.size = size

    def __call__(self, doc: Doc) -> list[str]:
        ref = self.tokenizer.tokenize(" ".join(doc.reference))
        ref_grams = (Counter(ref), Counter(itertools.pairwise(ref)))
        tokens = [self.tokenizer.tokenize(line) for line in doc.lines]
        chosen: list[int] = []
        best = 0.0
        while len(chosen) < self.size:
            step = max(
                (
                    (self._gain(tokens, [*chosen, i], ref_grams), i)
                    for i in range(len(tokens))
                    if i not in chosen
                ),
                default=(0.0, -1),
            )
            if step[0] <= best:
                break
            best, _ = step
            chosen.append(step[1])
        return [doc.lines[i] for i in sorted(chosen)]

    @staticmethod
    def _gain(
        tokens: list[list[str]], picks: list[int], ref: tuple[Counter[str], Counter[Any]]
    ) -> float:
        unigrams: Counter[str] = Counter()
        bigrams: Counter[Any] = Counter()
        for i in picks:
            unigrams.update(tokens[i])
            bigrams.update(itertools.pairwise(tokens[i]))
        return _f1(unigrams, ref[0]) + _f1(bigrams, ref[1])


def _f1(system: Counter[Any], reference: Counter[Any]) -> float:
    overlap = sum((system & reference).values())
    if not overlap:
        return 0.0
    precision = overlap / sum(system.values())
    recall = overlap / sum(reference.values())
    return 2 * precision * recall / (precision + recall)


def evaluate(corpus: str, docs: Sequence[Doc], systems: dict[str, Summarizer]) -> Result:
    """Mean ROUGE F1 of each system over ``docs``, with briefbot's time per article."""
    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    per_article: dict[str, dict[str, list[float]]] = {
        name: {m: [] for m in METRICS} for name in systems
    }
    words = dict.fromkeys(systems, 0.0)
    elapsed = 0.0
    for doc in docs:
        target = "\n".join(doc.reference)
        for name, system in systems.items():
            started = time.perf_counter()
            summary = system(doc)
            if name == "briefbot":
                elapsed += time.perf_counter() - started
            words[name] += sum(len(s.split()) for s in summary)
            scores = scorer.score(target, "\n".join(summary))
            for metric in METRICS:
                per_article[name][metric].append(scores[metric].fmeasure)
    n = max(len(docs), 1)
    return Result(
        corpus=corpus,
        articles=len(docs),
        scores={k: {m: 100 * sum(v) / n for m, v in t.items()} for k, t in per_article.items()},
        words={k: v / n for k, v in words.items()},
        ms_per_article=1000 * elapsed / n,
        per_article=per_article,
    )


def table(results: Sequence[Result]) -> str:
    """A markdown table of every result, one row per corpus and system."""
    rows = [
        "| set | system | R1 | R2 | RLsum | words |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        for name, s in r.scores.items():
            rows.append(
                f"| {r.corpus} ({r.articles}) | {name} | {s['rouge1']:.2f} | {s['rouge2']:.2f}"
                f" | {s['rougeLsum']:.2f} | {r.words[name]:.0f} |"
            )
    return "\n".join(rows)


def figure_lines(result: Result) -> list[str]:
    """One line per figure: briefbot's score and its ratio to lead-3's in the same run."""
    base = result.scores["lead-3"]
    lines = []
    for name in ("briefbot", "briefbot+title", "briefbot (spaCy)"):
        if name not in result.scores:
            continue
        for metric in METRICS:
            value = result.scores[name][metric]
            low, high = result.interval(name, metric)
            lines.append(
                f"summary {result.corpus} {name} {LABELS[metric]} F1 {value:.2f}"
                f" (lead-3 {base[metric]:.2f}, ratio {value / base[metric]:.3f},"
                f" difference 95% CI {low:+.2f} to {high:+.2f})"
            )
    lines.append(f"summary {result.corpus} briefbot time {result.ms_per_article:.2f} ms/article")
    return lines


def with_spacy(docs: Sequence[Doc], model: str) -> dict[str, Summarizer]:
    """The summary as the ingest pipeline makes it: spaCy sentences and entity spans."""
    import spacy

    nlp = spacy.load(model)
    parsed: dict[str, tuple[list[tuple[int, int]], list[tuple[int, int]]]] = {}
    for doc, parse in zip(docs, nlp.pipe([d.text for d in docs], batch_size=16), strict=True):
        sentences = [(s.start_char, s.end_char) for s in parse.sents]
        entities = [(e.start_char, e.end_char) for e in parse.ents if e.label_ in ENTITY_LABELS]
        parsed[doc.name] = (sentences, entities)

    def pipeline(doc: Doc) -> list[str]:
        sentences, entities = parsed[doc.name]
        return summarize(doc.text, sentences, entity_spans=entities)

    return {"briefbot (spaCy)": pipeline}


def variants() -> dict[str, Summarizer]:
    """briefbot with one part switched off at a time, to show what each part is worth."""
    switches = {
        "position only": replace(DEFAULT_WEIGHTS, centrality=0.0, title=0.0, entities=0.0),
        "no redundancy": replace(DEFAULT_WEIGHTS, redundancy=0.0, duplicate=1.01),
        "always 3 (no budget)": replace(DEFAULT_WEIGHTS, budget_words=10**6),
    }

    def system(weights: Weights) -> Summarizer:
        return lambda doc: summarize_with(doc.text, doc.spans, weights=weights)

    return {name: system(w) for name, w in switches.items()}


def run(full: bool = False, spacy_model: str | None = None, ablation: bool = False) -> list[Result]:
    """Score the systems on CNN/DM (with the oracle) and XSum; [] when the data is absent.

    ``spacy_model`` adds a row fed by spaCy's sentences and entities; ``ablation``
    adds rows with parts of the scorer switched off and the two halves of the set.
    """
    folder = eval_dir()
    if folder is None:
        return []
    cnndm, xsum = load(folder)
    if not full:
        cnndm, xsum = cnndm[:QUICK_ARTICLES], xsum[:QUICK_ARTICLES]
    oracle = Oracle(tokenizers.DefaultTokenizer(use_stemmer=True))
    main_systems: dict[str, Summarizer] = {"briefbot": briefbot, "briefbot+title": briefbot_titled}
    if spacy_model:
        main_systems.update(with_spacy(cnndm, spacy_model))
    if ablation:
        main_systems.update(variants())
    main_systems.update({"lead-3": lead3, "oracle-3": oracle})
    pair: dict[str, Summarizer] = {"briefbot": briefbot, "lead-3": lead3}
    results = [evaluate("CNN/DM", cnndm, main_systems), evaluate("XSum", xsum, pair)]
    if ablation:
        results.append(evaluate("CNN/DM even half", cnndm[0::2], pair))
        results.append(evaluate("CNN/DM odd half", cnndm[1::2], pair))
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """Print the table and the per-figure lines; exit 0 (and say why) without data."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--full", action="store_true", help="all articles, not the quick 60")
    parser.add_argument(
        "--spacy", metavar="MODEL", help="add a row fed by this spaCy model's sentences"
    )
    parser.add_argument("--ablation", action="store_true", help="add ablation and split rows")
    args = parser.parse_args(argv)
    results = run(full=args.full, spacy_model=args.spacy, ablation=args.ablation)
    if not results:
        print(
            "summary: skipped, no ../shared/eval/summaries/articles-wbertscore-json"
            " (set BRIEFBOT_EVAL_DIR to the folder holding summaries/)"
        )
        return 0
    print(table(results))
    print()
    for result in results[:2]:
        print("\n".join(figure_lines(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
