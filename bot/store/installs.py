"""Installed workspaces (OAuth mode): their tokens, encrypted at rest, and their end.

A workspace that installs the app gets one record under its own namespace
(``TeamKeys.install_bot``, and ``install_user`` per installing user), holding
what Slack's ``oauth.v2.access`` answered. The record is encrypted as a whole with
Fernet (AES-128-CBC plus HMAC-SHA256, from ``cryptography``) under
``BRIEFBOT_TOKEN_KEY``: a copy of Redis, an RDB file or an export alone gives
no token. An index (``OAuthKeys.workspaces``) lists the workspaces with the
non-secret facts an operator wants (install time, bot user).

Uninstalling removes the tokens at once and schedules the workspace's data for
deletion after a grace period (``OAuthKeys.pending_deletion``); installing again
within it cancels the deletion. ``claim_due`` hands each due deletion to one
replica only (a lock per workspace that lapses if that replica dies midway).

The records are plain dicts: this module knows nothing of Slack's SDK; the
adapter to bolt's ``InstallationStore`` is ``bot.slack.oauth``.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from bot.errors import ConfigError
from bot.store.client import RedisClient, text, unavailable_on_error
from bot.store.keys import OAuthKeys, TeamKeys

log = logging.getLogger(__name__)

PURGE_CLAIM_SECONDS = 600  # a purge that takes longer is taken over by another replica


class TokenCipher:
    """Encrypts and decrypts installation records with the operator's key."""

    def __init__(self, key: str) -> None:
        try:
            self._fernet = Fernet(key.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            raise ConfigError(
                "BRIEFBOT_TOKEN_KEY is not a valid key (32 random bytes, url-safe base64): "
                "see docs/slack-setup.md for how to make one"
            ) from None

    def seal(self, record: dict[str, Any]) -> bytes:
        return self._fernet.encrypt(json.dumps(record, sort_keys=True).encode("utf-8"))

    def open(self, sealed: bytes | str) -> dict[str, Any] | None:
        """The record, or None when it was sealed under another key (logged)."""
        raw = sealed.encode("ascii") if isinstance(sealed, str) else sealed
        try:
            return dict(json.loads(self._fernet.decrypt(raw)))
        except InvalidToken:
            log.error("an installation record does not open with BRIEFBOT_TOKEN_KEY (changed?)")
            return None


@dataclass
class Workspace:
    """What ``briefbot admin workspaces`` lists about one installed workspace."""

    team: str
    name: str
    installed_at: float  # epoch seconds of the latest install
    bot_user: str
    has_token: bool
    delete_after: float | None  # epoch seconds; set once uninstalled

    def as_json(self) -> dict[str, Any]:
        return {
            "team": self.team,
            "name": self.name,
            "installed_at": _iso(self.installed_at),
            "bot_user": self.bot_user,
            "has_token": self.has_token,
            "pending_deletion": self.delete_after is not None,
            "delete_after": _iso(self.delete_after) if self.delete_after is not None else None,
        }


def _iso(epoch: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


class Installations:
    """The installed workspaces of one deployment, in Redis."""

    def __init__(self, client: RedisClient, cipher: TokenCipher | None) -> None:
        # without a cipher (no BRIEFBOT_TOKEN_KEY) only the non-secret index is usable
        self.redis = client
        self._cipher = cipher

    @property
    def cipher(self) -> TokenCipher:
        if self._cipher is None:
            raise ConfigError("BRIEFBOT_TOKEN_KEY is not set: installed tokens cannot be read")
        return self._cipher

    # ---- installing -------------------------------------------------------------

    @unavailable_on_error
    def save(self, team: str, record: dict[str, Any], user: str | None = None) -> None:
        """Store an installation of ``team`` (its latest; also ``user``'s own one).

        A workspace that was uninstalled and installs again within the grace
        period keeps its data: the pending deletion is cancelled.
        """
        keys = TeamKeys(team)  # validates the id
        sealed = self.cipher.seal(record)
        self.redis.set(keys.install_bot, sealed)
        if user:
            self.redis.set(keys.install_user(user), sealed)
        facts = {
            "installed_at": float(record.get("installed_at") or time.time()),
            "bot_user": str(record.get("bot_user_id") or ""),
            "name": str(record.get("team_name") or ""),
        }
        self.redis.hset(OAuthKeys.workspaces, team, json.dumps(facts))
        if self.redis.zrem(OAuthKeys.pending_deletion, team):
            log.info("workspace team=%s installed again: its data is kept", team)

    @unavailable_on_error
    def find(self, team: str, user: str | None = None) -> dict[str, Any] | None:
        """The latest installation of ``team`` (or ``user``'s), decrypted; None if none."""
        keys = TeamKeys(team)
        sealed = self.redis.get(keys.install_user(user) if user else keys.install_bot)
        return None if sealed is None else self.cipher.open(sealed)

    def bot_token(self, team: str) -> str | None:
        record = self.find(team)
        token = (record or {}).get("bot_token")
        return str(token) if token else None

    # ---- uninstalling -----------------------------------------------------------

    @unavailable_on_error
    def remove_tokens(self, team: str, *, users: list[str] | None = None) -> int:
        """Delete the team's installation (or only these ``users``' ones); how many went."""
        keys = TeamKeys(team)
        names = [keys.install_user(u) for u in users] if users is not None else [keys.install_bot]
        if users is None:
            names += [text(k) for k in self.redis.scan_iter(match=keys.install_user("*"))]
        return int(self.redis.delete(*names)) if names else 0

    @unavailable_on_error
    def uninstall(self, team: str, grace_seconds: float, now: float | None = None) -> float:
        """Tokens gone now; data deleted ``grace_seconds`` from ``now``. Returns that time."""
        self.remove_tokens(team)
        when = (time.time() if now is None else now) + grace_seconds
        # NX: a second uninstall event (Slack sends both kinds) does not push it back
        self.redis.zadd(OAuthKeys.pending_deletion, {team: when}, nx=True)
        log.info("workspace team=%s uninstalled: tokens removed, data goes at %s", team, _iso(when))
        return when

    @unavailable_on_error
    def claim_due(self, now: float | None = None) -> list[str]:
        """Workspaces whose data is due for deletion and that this caller now owns.

        Each is claimed with a lock that lapses after ``PURGE_CLAIM_SECONDS``, so a
        replica that dies midway leaves it to another; ``purged`` ends it.
        """
        at = time.time() if now is None else now
        found: Any = self.redis.zrangebyscore(OAuthKeys.pending_deletion, "-inf", at)
        due = [text(t) for t in found]
        return [
            team
            for team in due
            if self.redis.set(OAuthKeys.purge_claim(team), "1", nx=True, ex=PURGE_CLAIM_SECONDS)
        ]

    @unavailable_on_error
    def purged(self, team: str) -> None:
        """The workspace's data is gone: forget it here too."""
        self.redis.hdel(OAuthKeys.workspaces, team)
        self.redis.zrem(OAuthKeys.pending_deletion, team)
        self.redis.delete(OAuthKeys.purge_claim(team))

    # ---- listing ----------------------------------------------------------------

    @unavailable_on_error
    def team_ids(self) -> list[str]:
        """Workspaces installed now (not uninstalled), sorted."""
        members: Any = self.redis.zrange(OAuthKeys.pending_deletion, 0, -1)
        pending = {text(t) for t in members}
        every = (text(t) for t in self.redis.hkeys(OAuthKeys.workspaces))
        return sorted(t for t in every if t not in pending)

    @unavailable_on_error
    def workspaces(self) -> list[Workspace]:
        """Every workspace known here, installed or pending deletion, by install time."""
        scored: Any = self.redis.zrange(OAuthKeys.pending_deletion, 0, -1, withscores=True)
        pending = {text(t): float(s) for t, s in scored}
        found = []
        for raw_team, raw in self.redis.hgetall(OAuthKeys.workspaces).items():
            team, facts = text(raw_team), json.loads(text(raw))
            found.append(
                Workspace(
                    team=team,
                    name=str(facts.get("name") or ""),
                    installed_at=float(facts.get("installed_at") or 0.0),
                    bot_user=str(facts.get("bot_user") or ""),
                    has_token=bool(self.redis.exists(TeamKeys(team).install_bot)),
                    delete_after=pending.get(team),
                )
            )
        return sorted(found, key=lambda w: (w.installed_at, w.team))

    # ---- OAuth state ------------------------------------------------------------

    @unavailable_on_error
    def issue_state(self, state: str, ttl_seconds: int) -> None:
        self.redis.set(OAuthKeys.state(state), "1", ex=max(1, ttl_seconds))

    @unavailable_on_error
    def consume_state(self, state: str) -> bool:
        """True once for a state this deployment issued and that has not expired."""
        return bool(self.redis.delete(OAuthKeys.state(state)))
