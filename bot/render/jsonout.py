"""The JSON outputs of INTERFACE.md: extraction JSON, brief JSON, and the digest's.

Field names here are a contract with operators and acceptance checks: extend,
never rename.
"""

from __future__ import annotations

from typing import Any

from bot.models import Article, Brief, Development, Digest, Marks
from bot.store.serde import to_jsonable


def extraction_json(article: Article) -> dict[str, Any]:
    """``briefbot extract --json``."""
    return {
        "url": article.url,
        "title": article.title,
        "outlet": article.outlet,
        "author": article.author,
        "published": _iso(article.published),
        "language": article.language,
        "summary": list(article.summary),
        "actors": [
            {
                "name": a.name,
                "kind": a.kind,
                "mentions": a.mentions,
                "aliases": a.aliases,
                "id": a.id,
            }
            for a in article.actors
        ],
        "locations": [
            {
                "name": p.name,
                "kind": p.kind,
                "country": p.country,
                "lat": p.lat,
                "lon": p.lon,
                "mentions": p.mentions,
                "aliases": p.aliases,
                "id": p.id,
            }
            for p in article.locations
        ],
        "events": [
            {
                "date": e.date.isoformat(),
                "text": e.text,
                "actors": e.actors,
                "locations": e.locations,
            }
            for e in article.events
        ],
        "topics": list(article.topics),
        "notes": list(article.notes),
        "word_count": len(article.text.split()),
    }


def brief_json(brief: Brief) -> dict[str, Any]:
    """``briefbot brief TOPIC --json``."""
    return {
        "topic": brief.topic,
        "team": brief.team,
        "generated_at": _iso(brief.generated_at),
        "since": _iso(brief.since),
        "known_topic": brief.known_topic,
        "quiet": brief.quiet,
        "article_count": brief.article_count,
        "source_count": brief.source_count,
        "developments": [_development(d, brief.marks) for d in brief.developments],
        "actors": [{"name": a.name, "kind": a.kind, "mentions": a.mentions} for a in brief.actors],
        "locations": [
            {"name": p.name, "country": p.country, "mentions": p.mentions, "kind": p.kind}
            for p in brief.locations
        ],
        "timeline": [
            {
                "date": e.date.isoformat(),
                "text": e.text,
                "sources": e.sources,
                "is_new": i in brief.marks.new_events,
            }
            for i, e in enumerate(brief.timeline)
        ],
    }


def digest_json(digest: Digest) -> dict[str, Any]:
    """``briefbot digest --json``: the digest's fields, each development and timeline
    entry with its marks (``is_new``, ``is_updated``) as in the brief JSON; each
    development with ``also_in`` (the digest's other topics that have the same
    story), each topic with ``shown_under`` (its developments shown under another
    topic: id -> that topic)."""
    return {**to_jsonable(digest), "briefs": [_digest_brief(b) for b in digest.briefs]}


def _digest_brief(brief: Brief) -> dict[str, Any]:
    data: dict[str, Any] = to_jsonable(brief)
    del data["marks"]  # shown on each development and entry instead
    # the brief JSON's shape: no clustering features (internal state, ~90 KB a digest)
    data["developments"] = [
        {**_development(d, brief.marks), "also_in": brief.also_in.get(d.id, [])}
        for d in brief.developments
    ]
    del data["also_in"]  # on each development instead; ``shown_under`` stays
    data["timeline"] = [
        {**to_jsonable(e), "is_new": i in brief.marks.new_events}
        for i, e in enumerate(brief.timeline)
    ]
    return data


def _development(dev: Development, marks: Marks) -> dict[str, Any]:
    mark = marks.developments.get(dev.id)
    return {
        "id": dev.id,
        "title": dev.title,
        "summary": dev.summary,
        "is_new": mark == "new",
        "is_updated": mark == "updated",
        "first_seen": _iso(dev.first_seen),
        "last_seen": _iso(dev.last_seen),
        "updated_at": _iso(dev.updated_at),
        "article_count": dev.article_count,
        "outlets": dev.outlets,
        "articles": [
            {
                "id": a.id,
                "url": a.url,
                "title": a.title,
                "outlet": a.outlet,
                "published": _iso(a.published),
                "copies": a.copies,
            }
            for a in dev.articles
        ],
        "actors": dev.actors,
        "locations": dev.locations,
    }


def _iso(value: Any) -> str | None:
    return None if value is None else str(to_jsonable(value))
