"""What every correction shares: finding what it names, recording it, the topic lock."""

from __future__ import annotations

import getpass
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.errors import InputError
from bot.ingest.urls import canonical_url
from bot.models import Article
from bot.store.edits import Correction, EditStore
from bot.store.keys import TeamKeys
from bot.topics import corrections

if TYPE_CHECKING:
    from bot.deps import Deps

_ARTICLE_ID = re.compile(r"^[A-Za-z0-9_:.-]{1,128}$")


def edits(deps: Deps) -> EditStore:
    return EditStore(deps.redis)


def cli_editor() -> str:
    """Who corrects from the command line: ``cli:<login>``."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):  # no login name (a container without a passwd entry)
        return "cli"


def check_team(team: str) -> str:
    try:
        TeamKeys(team)
    except ValueError as exc:
        raise InputError(f"not a workspace id: {team!r}") from exc
    return team


def record(deps: Deps, team: str, who: str, action: str, what: str, **payload: Any) -> Correction:
    """Add a correction to the team's audit log; ``payload`` is what undoing it needs."""
    entry = Correction(
        number=0, who=who, at=datetime.now(UTC), action=action, what=what,
        payload=json.dumps(payload, ensure_ascii=False),
    )  # fmt: skip
    return edits(deps).record(team, entry)


def find_article(deps: Deps, team: str, ref: str) -> Article:
    """The stored article ``ref`` names: its URL or its id.

    Never a file name: Slack users name articles too, and must not make the
    server read its own files (the CLI resolves a file with ``article_id_of_file``).
    """
    ref = ref.strip()
    if not ref:
        raise InputError("which article? give its URL")
    store = deps.store
    found: str | None = None
    if ref.startswith(("http://", "https://")):
        try:
            found = store.find_duplicate(team, canonical_url(ref), "")
        except ValueError as exc:  # urlsplit on a malformed address (a bad port, "[::1")
            raise InputError(f"not a usable URL: {ref[:200]}") from exc
    elif _ARTICLE_ID.match(ref) and store.get_article(team, ref) is not None:
        found = ref
    article = store.get_article(team, found) if found else None
    if article is None:
        raise InputError(f"no article {ref[:200]} in workspace {team}")
    return article


def article_id_of_file(deps: Deps, team: str, path: Path) -> str | None:
    """The id of the stored article ingested from the file ``path`` (by its text)."""
    from bot.ingest.urls import content_hash
    from bot.jobs.pipeline import extract_path

    return deps.store.find_duplicate(team, None, content_hash(extract_path(deps, path).text))


def topics_holding(deps: Deps, team: str, article_id: str) -> list[str]:
    return [
        t.name
        for t in deps.store.topics(team)
        if deps.topic_state.contains(team, t.name, article_id)
    ]


def topic_of_development(deps: Deps, team: str, dev_id: str) -> str:
    for topic in deps.store.topics(team):
        if corrections.has_development(deps.redis, team, topic.name, dev_id):
            return topic.name
    raise InputError(f"no development {dev_id} in workspace {team} (see `brief TOPIC --json`)")


def now() -> datetime:
    return datetime.now(UTC)
