"""Retention: old articles leave briefbot consistently, old texts are dropped without
changing briefs, old timeline lines go, and the daily sweep runs once across replicas."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import redis

from bot.deps import Deps
from bot.edits import retention
from bot.jobs import pipeline
from bot.models import Article, Brief
from bot.store.keys import TeamKeys
from bot.topics.brief import brief_for
from tests.support.articles import story_article, troops

NOW = datetime(2027, 6, 1, 12, tzinfo=UTC)


def _store(deps: Deps, article: Article, days_ago: float) -> Article:
    aged = replace(article, ingested_at=NOW - timedelta(days=days_ago))
    assert pipeline.store_article(deps, "T1", aged, aged.url or "").status == "ingested"
    return aged


def _brief(deps: Deps) -> Brief:
    return brief_for(deps, "T1", "syria", mark_seen=False)


def _titles(brief: Brief) -> dict[str, int]:
    return {d.title: d.article_count for d in brief.developments}


def test_expired_articles_leave_topics_developments_counts_and_indexes(
    deps: Deps, redis_client: redis.Redis
) -> None:
    old = [_store(deps, story_article("quake", n), 400) for n in (1, 2, 3)]
    mixed_old = _store(deps, story_article("dam", 1), 400)
    kept = [_store(deps, story_article("port", n), 10) for n in (1, 2)]
    kept.append(_store(deps, story_article("dam", 2), 10))
    before = _brief(deps)
    assert before.article_count == 7
    assert any(a.name == "Quake Council" for a in before.actors)

    result = retention.sweep(deps, NOW)

    assert result.articles_removed == 4
    after = _brief(deps)
    assert after.article_count == 3
    assert sum(d.article_count for d in after.developments) == 3
    assert not any("Earthquake" in d.title for d in after.developments)  # all its articles went
    assert not any(a.name == "Quake Council" for a in after.actors)
    dam = next(a for a in after.actors if a.name == "Dam Council")
    assert dam.mentions == 2  # article 2's mentions only: article 1's were taken back
    for article in [*old, mixed_old]:
        assert deps.store.get_article("T1", article.id) is None
        assert deps.store.find_duplicate("T1", article.canonical_url, article.content_hash) is None
    assert {a.id for a in deps.store.get_articles("T1", [a.id for a in kept])} == {
        a.id for a in kept
    }
    # a copy posted again later is welcome: retention is not an editor's "forget"
    again = replace(old[0], ingested_at=NOW)
    assert pipeline.store_article(deps, "T1", again, "again").status == "ingested"


def test_old_texts_are_dropped_and_the_brief_does_not_change(deps: Deps) -> None:
    aged = _store(deps, story_article("port", 1), 100)
    fresh = _store(deps, story_article("port", 2), 5)
    before = _brief(deps)

    result = retention.sweep(deps, NOW)

    assert result.texts_dropped == 1 and result.articles_removed == 0
    kept = deps.store.get_article("T1", aged.id)
    assert kept is not None and kept.text == "" and kept.title == aged.title
    assert kept.summary == aged.summary
    assert deps.store.get_article("T1", fresh.id).text == fresh.text  # type: ignore[union-attr]
    after = _brief(deps)
    assert _titles(after) == _titles(before) and after.article_count == before.article_count
    # the next sweep starts where this one stopped: nothing to read again
    assert retention.sweep(deps, NOW).texts_dropped == 0


def test_timeline_lines_older_than_the_event_setting_go(deps: Deps) -> None:
    _store(deps, troops(), 2)  # its event is dated 26 January 2026
    assert [e.date.isoformat() for e in _brief(deps).timeline] == ["2026-01-26"]
    deps.settings = replace(deps.settings, retain_event_days=30)

    result = retention.sweep(deps, datetime(2026, 3, 1, tzinfo=UTC))

    assert result.events_removed == 1
    assert _brief(deps).timeline == []
    assert _brief(deps).article_count == 1  # the article itself stays


def test_zero_keeps_everything(deps: Deps) -> None:
    _store(deps, story_article("port", 1), 5000)
    deps.settings = replace(deps.settings, retain_text_days=0, retain_article_days=0)
    assert retention.sweep(deps, NOW) == retention.SweepResult(teams=1)


def test_the_daily_sweep_runs_once_a_day_across_replicas(
    deps: Deps, redis_client: redis.Redis
) -> None:
    _store(deps, story_article("quake", 1), 400)
    assert retention.sweep_daily(deps, NOW) is not None
    assert retention.sweep_daily(deps, NOW + timedelta(hours=5)) is None  # another replica
    assert retention.sweep_daily(deps, NOW + timedelta(days=1)) is not None
    assert redis_client.zcard(TeamKeys("T1").articles) == 0


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"BRIEFBOT_RETAIN_ARTICLE_DAYS": "-1"}, "BRIEFBOT_RETAIN_ARTICLE_DAYS"),
        ({"BRIEFBOT_RETAIN_TEXT_DAYS": "400"}, "at most BRIEFBOT_RETAIN_ARTICLE_DAYS"),
        ({"BRIEFBOT_RETAIN_EVENT_DAYS": "-5"}, "BRIEFBOT_RETAIN_EVENT_DAYS"),
    ],
)
def test_retention_settings_that_cannot_work_are_refused(env: dict[str, str], needle: str) -> None:
    from pathlib import Path

    from bot.config import ConfigError, Settings

    with pytest.raises(ConfigError, match=needle):
        Settings.from_env(env, dotenv=Path("/nonexistent"))
