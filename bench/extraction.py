"""Extraction quality: briefbot's article body against trafilatura called directly.

Data: the article-extraction benchmark in ``../shared/eval/article-extraction/``
(or ``$BRIEFBOT_EVAL_DIR/article-extraction``): 181 saved pages with a
hand-annotated article body each (see its SOURCE.md).

Metric, as the benchmark defines it: both texts are cut into tokens with the
regex ``\\w+`` and into overlapping 4-token shingles; the shingle multisets
give per-page TP, FP and FN, scaled to sum to 1; precision and recall are
averaged over pages, and F1 is the harmonic mean of the two averages.

Systems, in the same run and on the same pages:
- trafilatura direct: ``trafilatura.extract(html, url=..., include_comments=False)``,
  the library's plain call.
- trafilatura direct with briefbot's options: ``bare_extraction`` with metadata and
  ``favor_precision`` in this process, the same call the worker makes.
- briefbot: ``Extractor.from_html`` (worker process, our options, body cleanup
  and the "is this an article?" rules; a refused page scores as empty).
- briefbot, no refusals: the cleaned body even where the "is this an article?"
  rules would refuse the page (the set's paywall teasers have annotated bodies).
- briefbot, no refusals, no cleanup: the worker's raw trafilatura text, to show
  what the cleanup adds.

Speed is pages per second over the same pages, one page at a time; the
worker process hop is measured separately on a small page.

    python -m bench.extraction            # full set (181 pages)
    python -m bench.extraction --quick    # the first 40 pages
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from bot.errors import IngestError
from bot.ingest.article_rules import clean_body, pick_author
from bot.ingest.extract import Extractor
from bot.ingest.extract_worker import TRAFILATURA_OPTIONS, extract_fields

QUICK_PAGES = 40
_TOKEN = re.compile(r"\w+")

Counts = tuple[float, float, float]


def eval_dir() -> Path | None:
    """The benchmark folder, or None when this checkout has no ../shared."""
    base = os.environ.get("BRIEFBOT_EVAL_DIR")
    root = Path(base) if base else Path(__file__).resolve().parents[1] / ".." / "shared" / "eval"
    folder = root / "article-extraction"
    return folder if (folder / "ground-truth.json").is_file() else None


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens)


def page_counts(truth: str, predicted: str) -> Counts:
    """TP, FP, FN of one page over 4-shingles, scaled to sum to 1."""
    want, got = shingles(truth), shingles(predicted)
    tp = sum((want & got).values())
    fp = sum((got - want).values())
    fn = sum((want - got).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def scores(rows: list[Counts]) -> tuple[float, float, float]:
    """(F1, precision, recall), precision and recall macro-averaged over pages."""

    def precision(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else tp / (tp + fp)

    def recall(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else tp / (tp + fn)

    p = statistics.mean(precision(*r) for r in rows if r[0] + r[1] > 0)
    r = statistics.mean(recall(*r) for r in rows if r[0] + r[2] > 0)
    return 2 * p * r / (p + r), p, r


@dataclass
class Result:
    name: str
    f1: float
    precision: float
    recall: float
    pages_per_s: float
    refused: int


def load_pages(folder: Path, limit: int | None) -> list[tuple[str, str, str, str]]:
    """(id, url, html, true body) per page, in id order."""
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[:limit]
    pages = []
    for page_id in ids:
        with gzip.open(folder / "html" / f"{page_id}.html.gz", "rt", encoding="utf-8") as f:
            html = f.read()
        pages.append((page_id, truth[page_id]["url"], html, truth[page_id]["articleBody"]))
    return pages


def run(
    systems: dict[str, Callable[[str, str], str | None]], pages: list[tuple[str, str, str, str]]
) -> list[Result]:
    """Score every system on every page, interleaved page by page.

    Interleaving spreads any load from other processes evenly over the systems,
    so their speeds stay comparable on a busy machine.
    """
    rows: dict[str, list[Counts]] = {name: [] for name in systems}
    seconds = dict.fromkeys(systems, 0.0)
    refused = dict.fromkeys(systems, 0)
    for extract in systems.values():  # warm-up, not timed
        with contextlib.suppress(IngestError):
            extract(pages[0][2], pages[0][1])
    for _id, url, html, truth in pages:
        for name, extract in systems.items():
            started = time.perf_counter()
            try:
                text = extract(html, url)
            except IngestError:
                text = None
            seconds[name] += time.perf_counter() - started
            refused[name] += text is None
            rows[name].append(page_counts(truth, text or ""))
    results = []
    for name in systems:
        f1, p, r = scores(rows[name])
        results.append(Result(name, f1, p, r, len(pages) / seconds[name], refused[name]))
    return results


def hop_overhead(extractor: Extractor, rounds: int = 200) -> dict[str, float]:
    """ms per call of one small page through the worker and in this process.

    The median is what a busy machine gives; the minimum is the cost of the hop
    itself (two pipe writes, one read, JSON both ways) when a core is free.
    """
    html = "<html><body><article>" + "<p>A short paragraph of news text.</p>" * 20
    html += "</article></body></html>"
    body = html.encode()
    header = {"url": None, "encoding": "utf-8", "max_chars": 1_500_000}
    hop, local = [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        extractor.fields(body)
        t1 = time.perf_counter()
        extract_fields(body, header)
        t2 = time.perf_counter()
        hop.append((t1 - t0) * 1000)
        local.append((t2 - t1) * 1000)
    return {
        "hop_median": statistics.median(hop),
        "local_median": statistics.median(local),
        "hop_min": min(hop),
        "local_min": min(local),
    }


def table(results: Iterable[Result], pages: int) -> str:
    lines = [
        f"| extractor ({pages} pages) | F1 | precision | recall | pages/s | refused |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.f1:.3f} | {r.precision:.3f} | {r.recall:.3f} "
            f"| {r.pages_per_s:.1f} | {r.refused} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help=f"first {QUICK_PAGES} pages only")
    args = parser.parse_args(argv)
    folder = eval_dir()
    if folder is None:
        print("extraction: skipped (no ../shared/eval/article-extraction; set BRIEFBOT_EVAL_DIR)")
        return 0
    pages = load_pages(folder, QUICK_PAGES if args.quick else None)
    with Extractor(timeout=30.0) as extractor:

        def briefbot(html: str, url: str) -> str | None:
            return extractor.from_html(html, url).text

        def raw(html: str, url: str) -> str | None:
            return extractor.fields(html, url).get("t_text")

        def cleaned(html: str, url: str) -> str | None:
            fields = extractor.fields(html, url)
            title = fields.get("t_title") or fields.get("og_title")
            return clean_body(fields.get("t_text") or "", title, pick_author(fields))

        def direct(html: str, url: str) -> str | None:
            return trafilatura.extract(html, url=url, include_comments=False)

        def same_call(html: str, url: str) -> str | None:
            doc = trafilatura.bare_extraction(html, url=url, **TRAFILATURA_OPTIONS)
            text = doc.get("text") if isinstance(doc, dict) else getattr(doc, "text", None)
            return text if isinstance(text, str) else None

        results = run(
            {
                "trafilatura direct": direct,
                "trafilatura direct, briefbot's options": same_call,
                "briefbot Extractor.from_html": briefbot,
                "briefbot, no refusals": cleaned,
                "briefbot, no refusals, no cleanup": raw,
            },
            pages,
        )
        hop = hop_overhead(extractor)
    print(table(results, len(pages)))
    print()
    base, ours = results[0], results[2]
    for r in results:
        print(
            f"extraction {r.name}: F1 {r.f1:.3f} P {r.precision:.3f} R {r.recall:.3f}, "
            f"{r.pages_per_s:.1f} pages/s, {r.refused} refused"
        )
    print(f"extraction F1 ratio briefbot/trafilatura: {ours.f1 / base.f1:.4f}")
    print(f"extraction speed ratio briefbot/trafilatura: {ours.pages_per_s / base.pages_per_s:.2f}")
    print(
        f"extraction worker hop: median {hop['hop_median']:.2f} ms vs {hop['local_median']:.2f} ms"
        f" in-process (overhead {hop['hop_median'] - hop['local_median']:.2f} ms); best case "
        f"{hop['hop_min']:.2f} vs {hop['local_min']:.2f} ms "
        f"(overhead {hop['hop_min'] - hop['local_min']:.2f} ms)"
    )
    return 0 if ours.f1 >= base.f1 else 1


if __name__ == "__main__":
    sys.exit(main())
