"""The install pages through the WSGI surface: served when Socket Mode carries the
events too (installing is always a browser visiting the bot), and the stores
bolt's flow uses."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Installation

from bot.config import Settings
from bot.deps import Deps, build_deps
from bot.slack.app import create_app
from bot.slack.oauth import RedisInstallationStore, RedisStateStore
from bot.slack.server import make_wsgi
from tests.fakeslack import FakeSlack


@pytest.fixture
def oauth_deps(redis_url: str, redis_client: Any, tmp_path: Path) -> Any:
    settings = Settings(
        redis_url=redis_url,
        data_dir=tmp_path / "data",
        slack_client_id="111.222",
        slack_client_secret="shh",
        token_key=Fernet.generate_key().decode(),
    )
    deps = build_deps(settings)
    yield deps
    deps.close()


def _get(wsgi: Any, path: str, method: str = "GET") -> tuple[str, bytes]:
    seen: dict[str, str] = {}

    def start_response(status: str, headers: list[tuple[str, str]], *exc: Any) -> None:
        seen["status"] = status

    environ = {
        "PATH_INFO": path,
        "REQUEST_METHOD": method,
        "QUERY_STRING": "",
        "wsgi.input": io.BytesIO(b""),
        "CONTENT_LENGTH": "0",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "3000",
        "wsgi.url_scheme": "http",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    body = b"".join(wsgi(environ, start_response))
    return seen["status"], body


def test_install_pages_are_served_when_socket_mode_carries_the_events(
    oauth_deps: Deps, fake_slack: FakeSlack
) -> None:
    app = create_app(oauth_deps, WebClient(base_url=fake_slack.base_url), lambda *a: None)
    wsgi = make_wsgi(oauth_deps, None, oauth_app=app)  # as serve builds it in Socket Mode
    status, body = _get(wsgi, "/slack/install")
    assert status.startswith("200") and b"slack.com/oauth/v2/authorize" in body
    assert b"client_id=111.222" in body
    assert _get(wsgi, "/slack/events", "POST")[0].startswith("404")
    assert fake_slack.calls("auth.test") == []  # OAuth mode needs no token to start


def test_the_installation_store_round_trips_and_refuses_org_installs(oauth_deps: Deps) -> None:
    assert oauth_deps.installs is not None
    store = RedisInstallationStore(oauth_deps.installs)
    store.save(
        Installation(user_id="U1", team_id="TA", bot_token="xoxb-a", bot_user_id="UBA", bot_id="BA")
    )
    bot = store.find_bot(enterprise_id=None, team_id="TA")
    assert bot is not None and (bot.bot_token, bot.bot_user_id) == ("xoxb-a", "UBA")
    assert store.find_bot(enterprise_id=None, team_id="not a team!") is None
    with pytest.raises(ValueError, match="org-wide"):
        store.save(Installation(user_id="U1", enterprise_id="E1", is_enterprise_install=True))
    store.delete_installation(enterprise_id=None, team_id="TA")
    assert store.find_bot(enterprise_id=None, team_id="TA") is None


def test_a_state_is_good_once(oauth_deps: Deps) -> None:
    assert oauth_deps.installs is not None
    states = RedisStateStore(oauth_deps.installs)
    state = states.issue()
    assert states.consume(state) is True
    assert states.consume(state) is False
    assert states.consume("x" * 500) is False
