"""The worker processes of ``bench.ingest``, and the pool that hands them work.

``python -m bench.ingest_workers <kind> ...`` starts one process of a kind
(``pipeline``, ``trafilatura`` or ``spacy``), warms it (model, gazetteer,
extraction subprocess, HTTP client), prints ``@@ready``, then does one work
item per line of stdin and answers each with ``@@done <json>`` until ``stop``.
``Pool`` starts such processes and hands out items one at a time, as a queue
would, so that two processes end together.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import OUT, REPO, extraction_pages

SPACY_BATCH = 8
WARM_HTML = (
    b"<html><head><title>Warm up</title></head><body><article><p>"
    + b"The council met in the city on Monday to discuss the new budget plan. " * 8
    + b"</p></article></body></html>"
)

Work = Callable[[Any], dict[str, Any]]


def _pipeline_work(args: argparse.Namespace) -> Work:
    from bot.config import Settings
    from bot.deps import build_deps
    from bot.jobs import pipeline

    settings = Settings(
        redis_url=args.redis,
        data_dir=Path(tempfile.mkdtemp(prefix="bench-ingest-")),
        fetch_allow_hosts=(args.allow,),
        log_level="WARNING",
        # BRIEFBOT_SENTENCE_MODEL=off measures the pipeline without the sentence encoder
        sentence_model=os.environ.get("BRIEFBOT_SENTENCE_MODEL") or Settings.sentence_model,
    )
    deps = build_deps(settings)
    deps.analyzer.analyze("Warm up", WARM_HTML.decode(), "en")
    if deps.encoder is not None:
        deps.encoder.encode("Warm up")
    deps.extractor.from_html(WARM_HTML, "http://example.org/warm")
    deps.fetcher.fetch(f"http://{args.allow}/warm")

    def work(item: list[str]) -> dict[str, Any]:
        team, url = item
        stages: Counter[str] = Counter()

        def timer(stage: str, seconds: float) -> None:
            stages[stage] += seconds

        result = pipeline.ingest_url(deps, team, url, timer)[0]
        article = result.article
        return {
            "status": result.status,
            "reason": result.reason,
            "id": article.id if article else None,
            "words": len(article.text.split()) if article else 0,
            "parsed": bool(article) and not any("skipped" in n for n in article.notes),
            "stages": dict(stages),
        }

    return work


def _trafilatura_work(args: argparse.Namespace) -> Work:
    import trafilatura

    from bot.ingest.extract_worker import TRAFILATURA_OPTIONS

    pages = extraction_pages(args.pages) or []
    htmls = [(p.html.decode("utf-8"), p.url) for p in pages]
    trafilatura.bare_extraction(WARM_HTML.decode(), **TRAFILATURA_OPTIONS)

    def work(index: int) -> dict[str, Any]:
        html, url = htmls[index]
        doc = trafilatura.bare_extraction(html, url=url, **TRAFILATURA_OPTIONS)
        return {"ok": doc is not None}

    return work


def _spacy_work(args: argparse.Namespace) -> Work:
    from bot.config import Settings
    from bot.entities.nlp import load_pipeline

    nlp = load_pipeline(Settings().spacy_model)
    texts: list[str] = json.loads(Path(args.texts).read_text(encoding="utf-8"))
    nlp(WARM_HTML.decode())

    def work(indices: list[int]) -> dict[str, Any]:
        docs = list(nlp.pipe((texts[i] for i in indices), batch_size=SPACY_BATCH))
        return {"tokens": sum(len(d) for d in docs)}

    return work


def serve_items(args: argparse.Namespace) -> int:
    """Serve work items from stdin until ``stop``; one ``@@done`` line per item."""
    makers = {"pipeline": _pipeline_work, "trafilatura": _trafilatura_work, "spacy": _spacy_work}
    work = makers[args.kind](args)
    print("@@ready", flush=True)
    for line in sys.stdin:
        if line.strip() == "stop":
            break
        started = time.perf_counter()
        info = work(json.loads(line))
        info["seconds"] = time.perf_counter() - started
        print("@@done " + json.dumps(info), flush=True)
    return 0


# ---- the parent side ------------------------------------------------------------------


@dataclass
class Run:
    """One kind of work done by ``procs`` processes."""

    kind: str
    procs: int
    wall: float = 0.0
    startup: float = 0.0  # seconds until every process was ready
    infos: list[dict[str, Any]] = field(default_factory=list)

    def stage_totals(self) -> dict[str, float]:
        totals: Counter[str] = Counter()
        for info in self.infos:
            totals.update(info.get("stages", {}))
        return dict(totals)

    @property
    def busy(self) -> float:
        return sum(float(i["seconds"]) for i in self.infos)


def _read_until(proc: subprocess.Popen[str], tag: str) -> str:
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith(tag):
            return line[len(tag) :].strip()
    raise RuntimeError(f"a bench child exited before '{tag}' (logs in {OUT})")


class Pool:
    """``size`` started and warmed child processes of one kind, reused across runs."""

    def __init__(self, kind: str, size: int, child_args: list[str]) -> None:
        OUT.mkdir(parents=True, exist_ok=True)
        self.kind = kind
        self.items: list[Any] = []  # what a ceiling pool works through each round
        started = time.perf_counter()
        self.children = [
            subprocess.Popen(
                [sys.executable, "-m", "bench.ingest_workers", kind, *child_args],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=(OUT / f"ingest-{kind}-{index}.log").open("w"),
                text=True,
                cwd=REPO,
            )
            for index in range(size)
        ]
        for child in self.children:
            _read_until(child, "@@ready")
        self.startup = time.perf_counter() - started

    def run(self, procs: int, items: list[Any]) -> Run:
        """Do ``items`` in the first ``procs`` children; the clock runs from the first item."""
        run = Run(self.kind, procs, startup=self.startup)
        todo: deque[Any] = deque(items)
        lock = threading.Lock()
        errors: list[BaseException] = []

        def feed(child: subprocess.Popen[str]) -> None:
            try:
                while True:
                    with lock:
                        item = todo.popleft() if todo else None
                    if item is None:
                        return
                    info = _ask(child, item)
                    with lock:
                        run.infos.append(info)
            except BaseException as exc:  # reported after the join
                errors.append(exc)
                todo.clear()

        threads = [threading.Thread(target=feed, args=(c,)) for c in self.children[:procs]]
        clock = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        run.wall = time.perf_counter() - clock
        if errors:
            self.close()
            raise RuntimeError(f"{self.kind} failed: {errors[0]} (logs in {OUT})") from errors[0]
        return run

    def close(self) -> None:
        for child in self.children:
            if child.stdin is not None and child.poll() is None:
                with contextlib.suppress(OSError):
                    child.stdin.write("stop\n")
                    child.stdin.flush()
        for child in self.children:
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()


def _ask(child: subprocess.Popen[str], item: Any) -> dict[str, Any]:
    assert child.stdin is not None
    child.stdin.write(json.dumps(item) + "\n")
    child.stdin.flush()
    info: dict[str, Any] = json.loads(_read_until(child, "@@done "))
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="one bench.ingest worker process")
    parser.add_argument("kind", choices=("pipeline", "trafilatura", "spacy"))
    parser.add_argument("--redis")
    parser.add_argument("--allow")
    parser.add_argument("--pages", type=int)
    parser.add_argument("--texts")
    return serve_items(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
