"""The "only article-shaped input" rule (``bot.ingest.shape``): what it lets through
and what it refuses.

News that must pass, from ``../shared/eval`` (or ``$BRIEFBOT_EVAL_DIR``):

- the 181 annotated article bodies of ``article-extraction``, each as it would come
  from a ``.txt``/``.md`` file (Markdown signs and the "no sentence" rule apply);
- the 501 news articles of ``summaries`` (one paragraph per line), the same way;
- the 181 saved HTML pages through ``Extractor.from_html``: refusals by the shape
  rule, apart from the existing length and paywall rules.

Input that must be refused: this repository's Markdown files and its Python
modules read as text (the ``.py`` suffix alone refuses them; this measures the
line rule that catches code pasted into a ``.txt``).

    python -m bench.article_shape
"""

from __future__ import annotations

import ast
import json
from collections import Counter

from bench.common import REPO, eval_root, extraction_pages, machine, skip_message
from bot.errors import NotAnArticle
from bot.ingest import shape
from bot.ingest.extract import Extractor


def judged(texts: list[str]) -> Counter[str]:
    """``passed`` or the refusal's reason (its figures cut off), per text."""
    out: Counter[str] = Counter()
    for text in texts:
        found = shape.problem(text, markup=True)
        out["passed" if found is None else found.split(":")[0]] += 1
    return out


def line(name: str, counts: Counter[str], total: int) -> str:
    refused = ", ".join(f"{n} {why}" for why, n in counts.most_common() if why != "passed")
    return f"shape {name}: {counts['passed']}/{total} passed" + (
        f" (refused: {refused})" if refused else ""
    )


def news_bodies() -> list[str]:
    truth = json.loads((eval_root() / "article-extraction" / "ground-truth.json").read_text())
    return [v["articleBody"] for v in truth.values() if (v.get("articleBody") or "").strip()]


def summary_articles() -> list[str]:
    out = []
    for path in sorted((eval_root() / "summaries" / "articles-wbertscore-json").glob("*.json")):
        lines = json.loads(path.read_text(encoding="utf-8"))["article_lines"]
        if isinstance(lines, str):  # one file stores a Python literal
            lines = ast.literal_eval(lines)
        out.append("\n".join(str(x).strip() for x in lines if str(x).strip()))
    return out


def html_pages() -> Counter[str]:
    out: Counter[str] = Counter()
    pages = extraction_pages() or []
    with Extractor(timeout=30) as extractor:
        for page in pages:
            try:
                extractor.from_html(page.html, page.url)
                out["passed"] += 1
            except NotAnArticle as exc:
                kind = "shape" if "looks like" in exc.reason else "other rules"
                out[f"{kind}: {exc.reason}"] += 1
    return out


def own_files(pattern: str) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(REPO.glob(pattern)) if p.is_file()]


def main() -> None:
    print(f"# {machine()}")
    if extraction_pages(1) is None:
        print(skip_message("article_shape"))
        return
    bodies, articles = news_bodies(), summary_articles()
    print(line("news bodies as text files", judged(bodies), len(bodies)))
    print(line("summary-set articles as text files", judged(articles), len(articles)))
    pages = html_pages()
    shaped = sum(n for why, n in pages.items() if why.startswith("shape"))
    print(f"shape news pages (HTML): {sum(pages.values())} pages, {shaped} refused by shape")
    for why, n in sorted(pages.items()):
        print(f"  {n} {why}")
    docs = own_files("*.md") + own_files("docs/*.md")
    code = own_files("bot/**/*.py") + own_files("handlers/*.py") + own_files("bench/*.py")
    code = [c for c in code if len(c.split()) >= 40]  # an empty __init__ says nothing
    refused_docs = len(docs) - judged(docs)["passed"]
    refused_code = len(code) - judged(code)["passed"]
    print(f"shape this repository's Markdown: {refused_docs}/{len(docs)} refused")
    print(f"shape this repository's Python read as text: {refused_code}/{len(code)} refused")


if __name__ == "__main__":
    main()
