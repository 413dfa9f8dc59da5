"""Where editors' corrections are kept: the audit log, entity rules, forgotten
articles and removed seed topics of one team.

The operations themselves are in ``bot.edits``; this module only reads and
writes their records, with every key name from ``bot.store.keys``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.models import Article
from bot.store import serde
from bot.store.client import RedisClient, text, unavailable_on_error
from bot.store.keys import TeamKeys

LOG_LIMIT = 1000  # corrections listed at most (newest first)


@dataclass
class Correction:
    """One editor's correction, as the audit log keeps it."""

    number: int
    who: str  # "U123" in Slack, "cli:<login>" from the command line
    at: datetime
    action: str  # forget, merge, move, entity-reject, ..., undo
    what: str  # a line that says what was corrected, for the log
    payload: str = "{}"  # JSON: what undoing it needs
    undone_at: datetime | None = None
    undone_by: str = ""


@dataclass
class EntityRule:
    """A correction of one actor or place name, applied to every later article.

    ``action`` reject drops the entity; merge folds it into ``target``; rename
    gives it the name ``target`` (its id stays, so its counts stay together).
    ``key`` is the corrected name folded (``bot.topics.entity_rules.rule_key``).
    """

    action: str  # "reject", "merge" or "rename"
    key: str
    name: str
    target: str = ""
    target_id: str = ""  # the merge target's id, when briefbot already knew it
    target_kind: str = ""


class EditStore:
    def __init__(self, client: RedisClient) -> None:
        self.redis = client

    # ---- the audit log --------------------------------------------------------------

    @unavailable_on_error
    def record(self, team: str, correction: Correction) -> Correction:
        """Store ``correction`` under the next number and return it numbered."""
        k = TeamKeys(team)
        correction.number = int(self.redis.incr(k.correction_seq))
        self.redis.hset(k.corrections, str(correction.number), serde.dumps(correction))
        return correction

    @unavailable_on_error
    def save(self, team: str, correction: Correction) -> None:
        self.redis.hset(TeamKeys(team).corrections, str(correction.number), serde.dumps(correction))

    @unavailable_on_error
    def get(self, team: str, number: int) -> Correction | None:
        raw = self.redis.hget(TeamKeys(team).corrections, str(number))
        return serde.loads(Correction, raw) if raw else None

    @unavailable_on_error
    def log(self, team: str, limit: int = LOG_LIMIT) -> list[Correction]:
        """The team's corrections, newest first."""
        k = TeamKeys(team)
        last = int(self.redis.get(k.correction_seq) or 0)
        numbers = [str(n) for n in range(last, max(last - limit, 0), -1)]
        if not numbers:
            return []
        raws = self.redis.hmget(k.corrections, numbers)
        return [serde.loads(Correction, r) for r in raws if r]

    # ---- entity rules ---------------------------------------------------------------

    @unavailable_on_error
    def entity_rules(self, team: str) -> list[EntityRule]:
        raw = self.redis.hgetall(TeamKeys(team).entity_rules)
        return [serde.loads(EntityRule, v) for _, v in sorted(raw.items())]

    @unavailable_on_error
    def entity_rule(self, team: str, key: str) -> EntityRule | None:
        raw = self.redis.hget(TeamKeys(team).entity_rules, key)
        return serde.loads(EntityRule, raw) if raw else None

    @unavailable_on_error
    def set_entity_rule(self, team: str, rule: EntityRule) -> None:
        self.redis.hset(TeamKeys(team).entity_rules, rule.key, serde.dumps(rule))

    @unavailable_on_error
    def drop_entity_rule(self, team: str, key: str) -> None:
        self.redis.hdel(TeamKeys(team).entity_rules, key)

    # ---- forgotten articles -----------------------------------------------------------

    @unavailable_on_error
    def forget_marks(self, team: str, marks: list[str], number: int) -> None:
        if marks:
            self.redis.hset(TeamKeys(team).forgotten, mapping={m: number for m in marks})

    @unavailable_on_error
    def unforget_marks(self, team: str, marks: list[str]) -> None:
        if marks:
            self.redis.hdel(TeamKeys(team).forgotten, *marks)

    @unavailable_on_error
    def forgotten_by(self, team: str, marks: list[str]) -> int | None:
        """The correction that removed an article with any of these marks, if one did."""
        marks = [m for m in marks if m]
        if not marks:
            return None
        for raw in self.redis.hmget(TeamKeys(team).forgotten, marks):
            if raw:
                return int(text(raw))
        return None

    @unavailable_on_error
    def remove_article(self, team: str, article: Article, terms: Iterable[str]) -> None:
        """Delete a stored article and every team index entry that points at it."""
        k = TeamKeys(team)
        pipe = self.redis.pipeline(transaction=True)
        pipe.delete(k.article(article.id))
        if article.canonical_url:
            pipe.hdel(k.urls, article.canonical_url)
        pipe.hdel(k.hashes, article.content_hash)
        pipe.zrem(k.articles, article.id)
        if article.outlet:
            pipe.zincrby(k.outlets, -1, article.outlet)
            pipe.zremrangebyscore(k.outlets, "-inf", 0)
        pipe.hdel(k.replies, article.id)
        pipe.hdel(k.unfiled, article.id)
        pipe.execute()
        for term in terms:  # one by one: term keys are many and a pipeline of them is big
            self.redis.zrem(k.term(term), article.id)

    @unavailable_on_error
    def rewrite_article(self, team: str, article: Article) -> None:
        """Store a corrected copy of an article that is already stored (its topics)."""
        self.redis.set(TeamKeys(team).article(article.id), serde.pack(article), xx=True)

    @unavailable_on_error
    def drop_topic_definition(self, team: str, slug: str) -> None:
        self.redis.hdel(TeamKeys(team).topics, slug)

    @unavailable_on_error
    def followers(self, team: str, slug: str) -> list[str]:
        """Users of the team who follow ``slug``."""
        out = []
        for key in self.redis.scan_iter(match=TeamKeys(team).follows_pattern, count=500):
            if self.redis.sismember(key, slug):
                out.append(text(key).rsplit(":", 1)[1])
        return sorted(out)

    # ---- removed seed topics ----------------------------------------------------------

    @unavailable_on_error
    def removed_topics(self, team: str) -> set[str]:
        return {text(m) for m in self.redis.smembers(TeamKeys(team).removed_topics)}

    @unavailable_on_error
    def set_topic_removed(self, team: str, slug: str, removed: bool) -> None:
        k = TeamKeys(team)
        if removed:
            self.redis.sadd(k.removed_topics, slug)
        else:
            self.redis.srem(k.removed_topics, slug)
