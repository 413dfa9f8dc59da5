"""Every Redis key name briefbot uses, and nothing else.

Layout (``T`` is the Slack team id, ``topic`` a topic slug)::

    bb:schema                         schema version of the layout below
    bb:migrate:lock                   held while one process upgrades the schema
    bb:teams                          set of team ids with data
    bb:{t:T}:...                      one team's articles, indexes, topics, follows
    bb:{t:T:topic}:...                one topic's precomputed state (developments,
                                      timeline, actor/place counts, watermarks)
    bb:{q}:...                        the ingest job queue and its dead letters
    bb:{sched}:...                    digest subscriptions and send guards
    bb:{t:T}:install:...              one workspace's OAuth installation (encrypted)
    bb:{oauth}:...                    installed workspaces, pending deletions, OAuth states
    bb:{feeds}:...                    feed subscriptions, their schedule, items seen
    bb:{alerts}:...                   alert subscriptions, alerts sent, per-channel rates

The part in braces is a Redis Cluster hash tag: every key of one team's index
lives in one slot, and every key of one topic's state lives in one slot, so
the transactions that update them stay legal on a cluster. A write that spans
a team's index and a topic's state is two transactions; each is idempotent.
"""

from __future__ import annotations

import hashlib
import re

SCHEMA_VERSION = 2  # bump with a step in bot/migrations.py
PREFIX = "bb"

_TEAM_RE = re.compile(r"^[A-Za-z0-9_]{1,32}$")
_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def _team(team: str) -> str:
    if not _TEAM_RE.match(team):
        raise ValueError(f"not a valid team id: {team!r}")
    return team


def _slug(topic: str) -> str:
    if not _SLUG_RE.match(topic):
        raise ValueError(f"not a valid topic slug: {topic!r}")
    return topic


def _part(value: str) -> str:
    # ids we build ourselves are safe; anything else must not open a new hash tag
    return value.replace("{", "(").replace("}", ")")


def schema() -> str:
    return f"{PREFIX}:schema"


def teams() -> str:
    return f"{PREFIX}:teams"


def migrate_lock() -> str:
    """held by the one process upgrading the store's schema (``bot.migrations``)."""
    return f"{PREFIX}:migrate:lock"


# ---- team-level -----------------------------------------------------------------


class TeamKeys:
    """Keys of one team's articles and indexes (one cluster slot)."""

    def __init__(self, team: str) -> None:
        self.team = _team(team)
        self.base = f"{PREFIX}:{{t:{self.team}}}"

    def article(self, article_id: str) -> str:
        return f"{self.base}:article:{_part(article_id)}"

    @property
    def articles(self) -> str:
        """zset article id -> ingest time."""
        return f"{self.base}:articles"

    @property
    def unfiled(self) -> str:
        """hash article id -> id of the job that stored it ("" for none), kept until the
        article is filed in all its topics: what a job killed in between left half-done."""
        return f"{self.base}:unfiled"

    @property
    def urls(self) -> str:
        """hash canonical URL -> article id."""
        return f"{self.base}:urls"

    @property
    def hashes(self) -> str:
        """hash content hash -> article id."""
        return f"{self.base}:hashes"

    @property
    def outlets(self) -> str:
        """zset outlet -> article count."""
        return f"{self.base}:outlets"

    @property
    def topics(self) -> str:
        """hash topic slug -> topic definition (JSON)."""
        return f"{self.base}:topics"

    def term(self, term: str) -> str:
        """zset of article ids whose entities or text carry ``term`` (undefined topics)."""
        return f"{self.base}:term:{_part(term)}"

    @property
    def replies(self) -> str:
        """hash article id -> where its Slack summary was posted (JSON)."""
        return f"{self.base}:replies"

    def follows(self, user: str) -> str:
        """set of topic slugs a user follows."""
        return f"{self.base}:follows:{_part(user)}"

    @property
    def install_bot(self) -> str:
        """the workspace's latest installation, bot token included (encrypted JSON)."""
        return f"{self.base}:install:bot"

    def install_user(self, user: str) -> str:
        """the installation made by ``user``, their user token included (encrypted JSON)."""
        return f"{self.base}:install:user:{_part(user)}"

    @property
    def retention(self) -> str:
        """hash: how far the retention sweep got ("text_until": epoch seconds of ingest)."""
        return f"{self.base}:retention"

    @property
    def channel_files(self) -> str:
        """hash channel id -> topic slug every article posted there is filed into."""
        return f"{self.base}:channel_files"

    def event_seen(self, event_id: str) -> str:
        """marker with a TTL: a Slack event or command already handled."""
        return f"{self.base}:seen:{_part(event_id)}"

    # ---- editors' corrections (bot.edits) ----

    @property
    def follows_pattern(self) -> str:
        """SCAN pattern of every user's ``follows`` set."""
        return f"{self.base}:follows:*"

    @property
    def corrections(self) -> str:
        """hash correction number -> correction record (JSON): the audit log."""
        return f"{self.base}:edits:log"

    @property
    def correction_seq(self) -> str:
        """counter: the last correction number given out."""
        return f"{self.base}:edits:seq"

    @property
    def entity_rules(self) -> str:
        """hash name key -> entity rule (JSON): rejected, merged and renamed names."""
        return f"{self.base}:edits:entities"

    @property
    def forgotten(self) -> str:
        """hash canonical URL or content hash -> correction number: articles an
        editor removed, refused when they come again."""
        return f"{self.base}:edits:forgotten"

    @property
    def removed_topics(self) -> str:
        """set of seed topic slugs an editor removed for this team."""
        return f"{self.base}:edits:removed-topics"


# ---- topic-level ----------------------------------------------------------------


class TopicKeys:
    """Keys of one topic's precomputed state (one cluster slot)."""

    def __init__(self, team: str, topic: str) -> None:
        self.team = _team(team)
        self.topic = _slug(topic)
        self.base = f"{PREFIX}:{{t:{self.team}:{self.topic}}}"

    @property
    def pattern(self) -> str:
        """SCAN pattern of every key of this topic's state (removing or renaming a topic)."""
        return f"{self.base}:*"

    @property
    def meta(self) -> str:
        """hash: counters and timestamps (articles, updated_at...)."""
        return f"{self.base}:meta"

    @property
    def articles(self) -> str:
        """zset article id -> publication time."""
        return f"{self.base}:articles"

    @property
    def developments(self) -> str:
        """zset development id -> last_seen time."""
        return f"{self.base}:devs"

    def development(self, dev_id: str) -> str:
        return f"{self.base}:dev:{_part(dev_id)}"

    @property
    def dev_titles(self) -> str:
        """hash development id -> the title an editor gave it (wins over the automatic one)."""
        return f"{self.base}:devs:titles"

    @property
    def article_development(self) -> str:
        """hash article id -> development id (each article in exactly one)."""
        return f"{self.base}:art2dev"

    @property
    def fingerprints(self) -> str:
        """hash article id -> near-duplicate fingerprint (recent articles only)."""
        return f"{self.base}:fps"

    @property
    def timeline(self) -> str:
        """hash event key -> timeline entry (JSON)."""
        return f"{self.base}:timeline"

    @property
    def timeline_by_date(self) -> str:
        """zset event key -> date ordinal."""
        return f"{self.base}:timeline:bydate"

    @property
    def actors(self) -> str:
        """zset actor id -> mentions."""
        return f"{self.base}:actors"

    @property
    def actor_names(self) -> str:
        """hash actor id -> {name, kind} (JSON)."""
        return f"{self.base}:actors:names"

    @property
    def places(self) -> str:
        return f"{self.base}:places"

    @property
    def place_names(self) -> str:
        return f"{self.base}:places:names"

    @property
    def outlets(self) -> str:
        """zset outlet -> article count."""
        return f"{self.base}:outlets"

    @property
    def volume(self) -> str:
        """hash YYYY-MM-DD -> articles ingested that day (digest chart)."""
        return f"{self.base}:volume"

    @property
    def lock(self) -> str:
        """short-lived lock (value: its owner's token) held while one article joins the
        topic's state; also the fence its write is checked against (``bot.store.fence``)."""
        return f"{self.base}:lock"

    @property
    def watermarks(self) -> str:
        """hash scope ("user:U1", "channel:C1", "digest:<sub>") -> ISO time last briefed."""
        return f"{self.base}:watermarks"

    @property
    def dev_changes(self) -> str:
        """zset development id -> epoch seconds of its ``updated_at`` (digests: what changed)."""
        return f"{self.base}:devs:changed"

    @property
    def timeline_seen(self) -> str:
        """zset event key -> epoch seconds the entry was first seen (digests: what is new)."""
        return f"{self.base}:timeline:seen"

    def names_base(self, kind: str, scope: str) -> str:
        """zset name id -> mentions when ``scope`` (a digest) last went out; kind actors/places.

        Digests diff the topic's counts against it to find the names that rose.
        """
        return f"{self.base}:{_part(kind)}:base:{_part(scope)}"

    def names_pending(self, kind: str, scope: str) -> str:
        """the counts read for a digest being sent; becomes ``names_base`` once Slack confirms."""
        return f"{self.base}:{_part(kind)}:pending:{_part(scope)}"

    def names_rise(self, kind: str, scope: str) -> str:
        """scratch zset: counts minus ``names_base``, ranged and deleted in one transaction."""
        return f"{self.base}:{_part(kind)}:rise:{_part(scope)}"


# ---- queue and scheduler --------------------------------------------------------


class QueueKeys:
    """The ingest queue of one workspace (``scope``), or the shared one.

    A deployment that serves one workspace (``SLACK_BOT_TOKEN``) queues and
    reads only that workspace's stream, so its workers never take, and answer
    with their own token, a job of another workspace on the same Redis. The
    CLI and token-less runs use the shared stream. The class attributes name
    the shared stream's keys.
    """

    base = f"{PREFIX}:{{q}}"
    ingest = f"{base}:ingest"  # stream of jobs
    dead = f"{base}:dead"  # stream of jobs that kept failing
    failures = f"{base}:failures"  # hash job id -> last failure reason (until acked/dead)
    group = "workers"

    def __init__(self, scope: str | None = None) -> None:
        if scope:
            self.base = f"{PREFIX}:{{q:{_team(scope)}}}"
            self.ingest = f"{self.base}:ingest"
            self.dead = f"{self.base}:dead"
            self.failures = f"{self.base}:failures"

    def dedup(self, key: str) -> str:
        """Marker with a TTL: a job with this dedup key was enqueued recently.

        The caller's key (often a URL) is hashed so the name stays short and can
        never open a hash tag of its own.
        """
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
        return f"{self.base}:dedup:{digest}"


class SchedKeys:
    base = f"{PREFIX}:{{sched}}"
    subscriptions = f"{base}:subs"  # hash "team/sub_id" -> subscription JSON
    next_id = f"{base}:next_id"

    @classmethod
    def sent(cls, sub_key: str, scheduled_for: str) -> str:
        """Idempotency guard: one digest per subscription and scheduled time."""
        return f"{cls.base}:sent:{_part(sub_key)}:{scheduled_for}"

    last_sent = f"{base}:last_sent"  # hash "team/sub_id" -> ISO time of the last slot sent
    last_tick = f"{base}:last_tick"  # hash: the latest scheduler tick (at, due, sent, failed)

    @classmethod
    def retention_claim(cls, day: str) -> str:
        """the replica that runs the retention sweep of ``day`` (YYYY-MM-DD)."""
        return f"{cls.base}:retention:{_part(day)}"

    @classmethod
    def pace(cls, channel: str) -> str:
        """epoch ms before which nothing more is posted to ``channel`` (shared by replicas)."""
        return f"{cls.base}:pace:{_part(channel)}"


class OAuthKeys:
    """The index of installed workspaces and the OAuth flow's state (one slot).

    Tokens are not here but under each team's own namespace (``TeamKeys.install_*``).
    """

    base = f"{PREFIX}:{{oauth}}"
    workspaces = f"{base}:workspaces"  # hash team -> {installed_at, bot_user, ...} (JSON)
    pending_deletion = f"{base}:uninstalled"  # zset team -> epoch when its data goes

    @classmethod
    def purge_claim(cls, team: str) -> str:
        """held by the one replica deleting an uninstalled workspace's data."""
        return f"{cls.base}:purge:{_team(team)}"

    @classmethod
    def state(cls, state: str) -> str:
        """an OAuth ``state`` handed out for one install, consumed once (TTL)."""
        digest = hashlib.sha256(state.encode("utf-8")).hexdigest()[:32]
        return f"{cls.base}:state:{digest}"


class FeedKeys:
    """Feed subscriptions of every team, their poll schedule and the items seen.

    One hash tag for all of them (as for digest subscriptions), so a poll's
    update of the feed record and of the schedule is one transaction.
    """

    base = f"{PREFIX}:{{feeds}}"
    feeds = f"{base}:all"  # hash "team/feed_id" -> feed JSON
    due = f"{base}:due"  # zset "team/feed_id" -> epoch seconds of the next poll
    next_id = f"{base}:next_id"  # hash team -> last feed number given out

    @classmethod
    def seen(cls, feed_key: str) -> str:
        """zset item key digest -> epoch seconds first seen: items already queued."""
        return f"{cls.base}:seen:{_part(feed_key)}"

    @classmethod
    def claim(cls, feed_key: str, slot: int) -> str:
        """Poll guard: one replica polls a feed per scheduled time (``slot``, epoch seconds)."""
        return f"{cls.base}:claim:{_part(feed_key)}:{slot}"


class AlertKeys:
    """Alert subscriptions (channel x topic), what was alerted, and per-channel rates.

    One hash tag for all, so a claim and the channel's rate count change in one
    script.
    """

    base = f"{PREFIX}:{{alerts}}"
    subscriptions = f"{base}:subs"  # hash "team/channel/topic" -> subscription JSON

    @classmethod
    def sent(cls, sub_key: str, what: str) -> str:
        """Claim: this alert (a development id, or a spike's day) went to this subscription."""
        return f"{cls.base}:sent:{_part(sub_key)}:{_part(what)}"

    @classmethod
    def rate(cls, team: str, channel: str, hour: int) -> str:
        """Alerts posted to ``channel`` in the hour starting at epoch hour ``hour``."""
        return f"{cls.base}:rate:{_team(team)}:{_part(channel)}:{hour}"
