"""OAuth v2 ("Add to Slack") for bolt: installation and state stores on Redis.

slack-sdk ships file, SQLite, SQLAlchemy and S3 stores and none for Redis; these
two adapt ``bot.store.installs.Installations`` (encrypted records under each
team's namespace) to bolt's ``InstallationStore`` and ``OAuthStateStore``.
Bolt's flow serves ``GET /slack/install`` (sets a state cookie and sends the
user to Slack) and ``GET /slack/oauth_redirect`` (checks the state against the
cookie and this store, calls ``oauth.v2.access``, saves the installation).

Org-wide (Enterprise Grid) installs are not supported: every record is keyed
by its workspace, and an installation without one is refused.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from slack_sdk.oauth.state_store import OAuthStateStore

from bot.config import Settings
from bot.errors import ConfigError
from bot.store.installs import Installations

log = logging.getLogger(__name__)

#: the bot scopes the install asks for: exactly those of deploy/slack-manifest.yaml
#: (tests/test_deploy.py checks that the two agree)
BOT_SCOPES = (
    "channels:history",
    "chat:write",
    "chat:write.public",
    "commands",
    "groups:history",
    "im:history",
    "links:read",
    "links:write",
    "users:read",
    "usergroups:read",
    "channels:read",
    "groups:read",
    "files:write",
)
STATE_SECONDS = 600


class RedisInstallationStore(InstallationStore):
    """Bolt's installation store over ``Installations`` (tokens encrypted at rest)."""

    def __init__(self, installs: Installations) -> None:
        self.installs = installs
        self._logger = log

    @property
    def logger(self) -> logging.Logger:
        return self._logger

    def save(self, installation: Installation) -> None:
        team = installation.team_id
        if not team or installation.is_enterprise_install:
            raise ValueError("org-wide installs are not supported: install to a workspace")
        record: dict[str, Any] = dict(installation.__dict__)
        self.installs.save(team, record, user=installation.user_id)
        log.info(
            "workspace team=%s installed by user=%s bot_user=%s",
            team,
            installation.user_id,
            installation.bot_user_id,
        )

    def save_bot(self, bot: Bot) -> None:
        pass  # ``save`` keeps the whole installation, the bot's token included

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        if not team_id:
            return None
        try:
            record = self.installs.find(team_id, user_id)
        except ValueError:  # not a team id we could hold
            return None
        return None if record is None else Installation(**record)

    def find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        installation = self.find_installation(
            enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=False
        )
        if installation is None or not installation.bot_token:
            return None
        return installation.to_bot()

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        if team_id:
            self.installs.remove_tokens(team_id)

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        if team_id:
            self.installs.remove_tokens(team_id, users=[user_id] if user_id else None)

    def delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        if team_id:
            self.installs.remove_tokens(team_id)


class RedisStateStore(OAuthStateStore):
    """OAuth ``state`` values: issued once, consumed once, expiring after ten minutes.

    Shared by replicas through Redis, so the redirect may land on another
    replica than the install page did.
    """

    def __init__(self, installs: Installations, expiration_seconds: int = STATE_SECONDS) -> None:
        self.installs = installs
        self.expiration_seconds = expiration_seconds

    @property
    def logger(self) -> logging.Logger:
        return log

    def issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(32)
        self.installs.issue_state(state, self.expiration_seconds)
        return state

    def consume(self, state: str) -> bool:
        if not state or len(state) > 200:
            return False
        ok = self.installs.consume_state(state)
        if not ok:
            log.warning("oauth: unknown, expired or reused state refused")
        return ok


def oauth_settings(settings: Settings, installs: Installations) -> OAuthSettings:
    """Bolt's OAuth settings for this deployment (paths: bolt's defaults)."""
    if not (settings.slack_client_id and settings.slack_client_secret):
        raise ConfigError("SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are needed for OAuth")
    store = RedisInstallationStore(installs)
    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        installation_store=store,
        installation_store_bot_only=True,
        state_store=RedisStateStore(installs),
        state_expiration_seconds=STATE_SECONDS,
    )
