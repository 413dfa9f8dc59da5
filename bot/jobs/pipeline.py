"""The one orchestrator of an ingest: fetch -> extract -> entities -> summary
-> timeline -> vector -> topics -> store -> developments.

Each stage is a small function in its own module; this module only wires them
and measures them. ``analyse`` builds an ``Article`` without storing it (the
CLI's ``extract``); ``ingest_*`` store it and join it to its topics.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from bot.errors import IngestError, InputError, NotAnArticle
from bot.ingest.feeds import is_feed
from bot.ingest.urls import article_id, canonical_url, content_hash
from bot.models import Article, Development, Extracted, IngestResult
from bot.store.edits import EditStore
from bot.text import summarize
from bot.text.encoder import pack
from bot.topics import corrections, timeline
from bot.topics import definitions as topics
from bot.topics.brief import TopicStores
from bot.topics.entity_rules import apply_rules
from bot.topics.fingerprints import about_text

if TYPE_CHECKING:
    from bot.entities.analyzer import Analysis, EntityAnalyzer
    from bot.ingest.extract import Extractor
    from bot.ingest.fetch import Fetcher
    from bot.text.encoder import SentenceEncoder

log = logging.getLogger(__name__)

T = TypeVar("T")


class IngestDeps(TopicStores, Protocol):
    """The pieces an ingest uses, each built once by ``bot.deps.Deps``."""

    @property
    def fetcher(self) -> Fetcher: ...

    @property
    def extractor(self) -> Extractor: ...

    @property
    def analyzer(self) -> EntityAnalyzer: ...

    @property
    def encoder(self) -> SentenceEncoder | None: ...


StageTimer = Callable[[str, float], None]
ARTICLE_SUFFIXES = {".html", ".htm", ".txt", ".md", ".json"}


def _no_timer(stage: str, seconds: float) -> None:
    return None


@contextmanager
def _timed(stage: str, timer: StageTimer) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timer(stage, time.perf_counter() - start)


# ---- analysis (no storage) ------------------------------------------------------


def analyse(
    deps: IngestDeps,
    extracted: Extracted,
    team: str,
    timer: StageTimer = _no_timer,
    ingested_at: datetime | None = None,
) -> Article:
    """Entities, summary, dated events and topics for extracted text, ingested now
    (or at ``ingested_at``, for a replay)."""
    if not extracted.text.strip():
        raise NotAnArticle("empty text", reason="not an article (no text)")
    title = extracted.title or _first_words(extracted.text)
    vector = _vector_in_background(deps.encoder, title, extracted)
    with _timed("entities", timer):
        analysis = deps.analyzer.analyze(extracted.title, extracted.text, extracted.language)
    canonical = canonical_url(extracted.url) if extracted.url else None
    text_hash = content_hash(extracted.text)
    article = Article(
        id=article_id(canonical, text_hash),
        url=extracted.url,
        canonical_url=canonical,
        title=title,
        text=extracted.text,
        content_hash=text_hash,
        outlet=extracted.outlet,
        author=extracted.author,
        published=extracted.published,
        language=analysis.language,
        actors=analysis.actors,
        locations=analysis.locations,
        notes=list(analysis.notes),
        ingested_at=ingested_at or datetime.now(UTC),
    )
    with _timed("summary", timer):
        article.summary = summarize.summarize(
            extracted.text, analysis.sentences, title=article.title
        )
    if article.not_analysed() is None:  # English date words mean nothing in German
        with _timed("timeline", timer):
            article.events = timeline.extract_events(
                sentence_infos(extracted.text, analysis, extracted.title),
                extracted.published,
                extracted.url,
                article.ingested_at,
            )
        if vector is not None:
            with _timed("vector", timer):  # only the wait beyond the parse
                article.vector = vector.result()
    # editors' entity corrections hold for every later article of the workspace
    article = apply_rules(article, EditStore(deps.store.redis).entity_rules(team))
    article.topics = topics.assign(article, deps.store.topics(team))
    return article


def _vector_in_background(
    encoder: SentenceEncoder | None, title: str, extracted: Extracted
) -> Future[str] | None:
    """The packed sentence vector of the headline and lead, computed on a thread.

    It needs only the text, so it runs while spaCy parses: numpy's matrix products
    and most of spaCy's parse release the interpreter lock, so with a core free the
    vector costs little wall time. None when the encoder is off or the extractor
    already says the text is in another language (it will not be analysed).
    """
    if encoder is None or extracted.language not in (None, "en"):
        return None
    future: Future[str] = Future()

    def run() -> None:
        try:
            future.set_result(pack(encoder.encode(about_text(title, extracted.text))))
        except BaseException as exc:
            future.set_exception(exc)

    threading.Thread(target=run, name="sentence-vector", daemon=True).start()
    return future


def sentence_infos(text: str, analysis: Analysis, title: str = "") -> list[timeline.SentenceInfo]:
    """Each sentence with the canonical actors and places mentioned in it; the headline
    first, when there is one the text does not start with (a headline that names a
    day, "Talks resume in Geneva on Tuesday", dates an event as a sentence does)."""
    names = {a.id: a.name for a in analysis.actors}
    places = {p.id: p.name for p in analysis.locations}
    mentions = sorted(analysis.mentions, key=lambda m: m.start)
    out: list[timeline.SentenceInfo] = []
    head = title.strip()
    if head and not text.lstrip().startswith(head):
        out.append(_headline_info(head, analysis))
    i = 0
    for start, end in analysis.sentences:
        info = timeline.SentenceInfo(text=text[start:end].strip(), actors=[], locations=[])
        while i < len(mentions) and mentions[i].start < start:
            i += 1
        j = i
        while j < len(mentions) and mentions[j].start < end:
            eid = mentions[j].entity_id
            if eid in names and names[eid] not in info.actors:
                info.actors.append(names[eid])
            elif eid in places and places[eid] not in info.locations:
                info.locations.append(places[eid])
            j += 1
        out.append(info)
    return out


def _headline_info(title: str, analysis: Analysis) -> timeline.SentenceInfo:
    """The headline as a sentence, with the entities whose names it spells."""

    def named(names: list[str]) -> bool:
        return any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", title) for n in names if n)

    return timeline.SentenceInfo(
        text=title,
        actors=[a.name for a in analysis.actors if named([a.name, *a.aliases])],
        locations=[p.name for p in analysis.locations if named([p.name, *p.aliases])],
    )


def _first_words(text: str, count: int = 12) -> str:
    words = text.split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


# ---- ingest (with storage) ------------------------------------------------------


def store_article(
    deps: IngestDeps,
    team: str,
    article: Article,
    source: str,
    timer: StageTimer = _no_timer,
    *,
    also: Sequence[str] = (),
    job: str = "",
) -> IngestResult:
    """Store an analysed article and join it to each of its topics, and to ``also``
    (the topic its channel or feed files into) whatever it matches.

    Until it is in all of them the article is marked unfiled by ``job`` (the
    queued job doing this ingest), so that a job given up on after its process
    died in between can undo it (``bot.edits.retention.discard_unfiled``)."""
    article.topics = _with_also(article.topics, also)
    removed = _removed_by_editor(deps, team, article.canonical_url, article.content_hash)
    if removed is not None:
        return IngestResult(source=source, status="failed", reason=removed)
    with _timed("store", timer):
        earlier = deps.store.save_article(team, article, job)
    if earlier:
        ensure_filed(deps, team, earlier)
        file_also(deps, team, earlier, also)
        return IngestResult(source=source, status="duplicate", duplicate_of=earlier)
    with _timed("developments", timer):
        joined = _file(deps, team, article)
    log.info(
        "ingested article=%s team=%s topics=%s developments=%s",
        article.id,
        team,
        ",".join(article.topics) or "-",
        ",".join(d.id for d in joined) or "-",
    )
    return IngestResult(source=source, status="ingested", article=article, developments=joined)


def _removed_by_editor(
    deps: IngestDeps, team: str, canonical: str | None, text_hash: str
) -> str | None:
    """The refusal for an article an editor removed (``briefbot edit forget``), if it was."""
    number = EditStore(deps.store.redis).forgotten_by(team, [canonical or "", text_hash])
    if number is None:
        return None
    return f"removed by an editor (correction #{number}; `edit undo {number}` restores it)"


def _file(deps: IngestDeps, team: str, article: Article) -> list[Development]:
    """Index the article's terms and join it to each of its topics (idempotent).

    The topics are read again after indexing: a topic created meanwhile (since
    ``analyse`` assigned them) either is seen here, or was saved after this read
    and so its backfill, which runs after saving it, finds the article indexed.
    Either way no article arriving during a topic's creation is left out of it.
    """
    deps.store.index_terms(team, article.id, topics.index_terms(article), _when(article))
    for slug in topics.assign(article, deps.store.topics(team)):
        if slug not in article.topics:
            article.topics.append(slug)
    now = datetime.now(UTC)
    joined = []
    for slug in article.topics:
        dev = deps.topic_state.add_article(team, slug, article, now)
        # the title an editor gave is the development's title in link replies too
        joined += corrections.retitled(deps.store.redis, team, slug, [dev])
    deps.store.filed(team, article.id)
    return joined


def ensure_filed(deps: IngestDeps, team: str, article_id: str) -> None:
    """Finish filing a stored article whose ingest stopped between the two
    transactions (stored, not yet in its topics): a retry then completes it."""
    article = deps.store.get_article(team, article_id)
    if article is None:
        return
    # only topics that still exist: an editor may have removed one, or the article from it
    known = {t.name for t in deps.store.topics(team)}
    missing = [
        s
        for s in article.topics
        if s in known and not deps.topic_state.contains(team, s, article.id)
    ]
    if missing:
        log.warning("article=%s team=%s was not filed in %s: filing now", article_id, team, missing)
        _file(deps, team, replace(article, topics=missing))
    else:
        deps.store.filed(team, article_id)


def _with_also(topics: list[str], also: Sequence[str]) -> list[str]:
    return [*topics, *(slug for slug in dict.fromkeys(also) if slug and slug not in topics)]


def file_also(deps: IngestDeps, team: str, article_id: str, also: Sequence[str]) -> None:
    """File a stored article into the ``also`` topics it is not in yet (a known link
    posted again in a channel that files into a topic)."""
    if not any(also):
        return
    article = deps.store.get_article(team, article_id)
    if article is None:
        return
    missing = [slug for slug in _with_also(article.topics, also) if slug not in article.topics]
    if not missing:
        return
    article.topics = [*article.topics, *missing]
    deps.store.replace_article(team, article)
    now = datetime.now(UTC)
    for slug in missing:
        deps.topic_state.add_article(team, slug, article, now)
    log.info("article=%s team=%s also filed in %s", article_id, team, ",".join(missing))


def _when(article: Article) -> float:
    return (article.published or article.ingested_at or datetime.now(UTC)).timestamp()


def ingest_url(
    deps: IngestDeps,
    team: str,
    url: str,
    timer: StageTimer = _no_timer,
    *,
    also: Sequence[str] = (),
    job: str = "",
    **slack: str,
) -> list[IngestResult]:
    """Fetch, analyse and store one URL; a known URL is not fetched again.

    A feed URL (RSS or Atom) ingests each of its items: one result per item.
    ``also`` names topics the article is filed into whatever it matches;
    ``job`` is the queued job doing it (see ``store_article``).
    """
    try:
        removed = _removed_by_editor(deps, team, canonical_url(url), "")
        if removed is not None:
            return [IngestResult(source=url, status="failed", reason=removed)]
        known = deps.store.find_duplicate(team, canonical_url(url), "")
        if known:
            ensure_filed(deps, team, known)
            file_also(deps, team, known, also)
            return [IngestResult(source=url, status="duplicate", duplicate_of=known)]
        with _timed("fetch", timer):
            page = deps.fetcher.fetch(url)
        if is_feed(page.content_type, page.body):
            return _ingest_feed(deps, team, page.body, page.final_url, timer, also, job)
        with _timed("extract", timer):
            extracted = deps.extractor.from_page(page)
        article = analyse(deps, extracted, team, timer)
        article.slack_channel = slack.get("channel")
        article.slack_ts = slack.get("ts")
        return [store_article(deps, team, article, url, timer, also=also, job=job)]
    except IngestError as exc:
        log.info("ingest failed url=%s team=%s reason=%s detail=%s", url, team, exc.reason, exc)
        return [
            IngestResult(source=url, status="failed", reason=exc.reason, retryable=exc.retryable)
        ]


def _ingest_feed(
    deps: IngestDeps,
    team: str,
    body: bytes,
    base_url: str,
    timer: StageTimer,
    also: Sequence[str],
    job: str,
) -> list[IngestResult]:
    from bot.ingest.feeds import feed_links

    links = feed_links(body, base_url)
    if not links:
        return [IngestResult(source=base_url, status="failed", reason="empty or unreadable feed")]
    results: list[IngestResult] = []
    for link in links:
        results.extend(ingest_url(deps, team, link, timer, also=also, job=job))
    return results


def extract_path(deps: IngestDeps, path: Path) -> Extracted:
    from bot.ingest.extract import read_article_file

    return read_article_file(path, deps.extractor)


def ingest_path(deps: IngestDeps, team: str, path: Path) -> IngestResult:
    """Analyse and store one article file."""
    try:
        extracted = extract_path(deps, path)
        article = analyse(deps, extracted, team)
        return store_article(deps, team, article, str(path))
    except (IngestError, InputError) as exc:
        reason = exc.reason if isinstance(exc, IngestError) else str(exc)
        reason = reason.removeprefix(f"{path}: ")  # the caller names the file
        log.info("ingest failed path=%s reason=%s", path, reason)
        return IngestResult(source=str(path), status="failed", reason=reason)


def expand_sources(sources: list[str]) -> list[str]:
    """Folders become the article files inside them (sorted); URLs and files stay."""
    out: list[str] = []
    for source in sources:
        path = Path(source)
        if not source.startswith(("http://", "https://")) and path.is_dir():
            out.extend(
                str(p) for p in sorted(path.rglob("*")) if p.suffix.lower() in ARTICLE_SUFFIXES
            )
        else:
            out.append(source)
    return out
