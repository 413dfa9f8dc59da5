"""Digest content against a real Redis: exactly what changed since the scope's
last digest (developments, timeline, names that rose), one line when nothing
did, and the CLI preview printing the same content."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import redis

from bot import render
from bot.cli import main
from bot.deps import Deps
from bot.digests.assemble import FIRST_WINDOW, digest_for, mark_sent
from bot.models import Brief, Digest
from bot.store.keys import TopicKeys
from tests.support.digests import add, utc

T0 = utc(2026, 3, 2, 6)
SCOPE = "digest:1"


def only(digest: Digest) -> Brief:
    assert len(digest.briefs) == 1
    return digest.briefs[0]


def test_empty_topic_is_one_quiet_line(deps: Deps) -> None:
    digest = digest_for(deps, "T1", ["syria"], scope=SCOPE, now=T0)
    brief = only(digest)
    assert brief.known_topic and brief.quiet
    assert (brief.developments, brief.actors, brief.locations, brief.timeline) == ([], [], [], [])
    assert brief.since == T0 - FIRST_WINDOW
    text = render.digest_text(digest)
    assert [line for line in text.splitlines()[1:] if line] == [
        "syria: nothing new since 2026-03-01 06:00 UTC."
    ]


def test_busy_topic_lists_exactly_what_changed_since_the_last_digest(deps: Deps) -> None:
    quake = add(deps, "quake", 1, T0)
    port = add(deps, "port", 1, T0)
    vote = add(deps, "vote", 1, T0 + timedelta(minutes=5))
    first = digest_for(deps, "T1", ["syria"], scope=SCOPE, now=T0 + timedelta(hours=1))
    assert {d.id for d in only(first).developments} == {quake.id, port.id, vote.id}
    assert only(first).marks.developments == {d: "new" for d in (quake.id, port.id, vote.id)}
    mark_sent(deps, SCOPE, first)

    # after the first digest: one story moves on, one starts, two stay still
    quake2 = add(deps, "quake", 2, T0 + timedelta(hours=3))
    dam = add(deps, "dam", 1, T0 + timedelta(hours=4))
    assert quake2.id == quake.id and dam.id not in {quake.id, port.id, vote.id}
    second = digest_for(deps, "T1", ["syria"], scope=SCOPE, now=T0 + timedelta(hours=24))
    brief = only(second)
    assert not brief.quiet and brief.since == first.generated_at
    assert {d.id for d in brief.developments} == {quake.id, dam.id}
    assert brief.marks.developments == {quake.id: "updated", dam.id: "new"}
    assert sorted(e.text for e in brief.timeline) == ["dam step 1", "quake step 2"]
    assert brief.marks.new_events == {0, 1}
    # the quake's council gained 2 mentions and the dam's 1; the others none
    assert [(a.name, a.mentions) for a in brief.actors] == [
        ("Quake Council", 2),
        ("Dam Council", 1),
    ]
    assert [p.name for p in brief.locations] == ["Quakeville", "Damville"]
    for dev in brief.developments:  # each with its sources
        assert dev.articles and all(ref.url for ref in dev.articles)

    mark_sent(deps, SCOPE, second)
    third = digest_for(deps, "T1", ["syria"], scope=SCOPE, now=T0 + timedelta(hours=48))
    assert only(third).quiet and only(third).actors == []


def test_the_watermark_moves_only_when_marked_sent(deps: Deps) -> None:
    dev = add(deps, "port", 1, T0)
    for hours in (1, 2):  # a send that failed: the next attempt shows the same
        digest = digest_for(deps, "T1", ["syria"], scope=SCOPE, now=T0 + timedelta(hours=hours))
        assert [d.id for d in only(digest).developments] == [dev.id]
    mark_sent(deps, SCOPE, digest)
    assert only(digest_for(deps, "T1", ["syria"], scope=SCOPE, now=T0 + timedelta(hours=3))).quiet


def test_scopes_are_independent(deps: Deps) -> None:
    dev = add(deps, "vote", 1, T0)
    mark_sent(deps, "digest:1", digest_for(deps, "T1", ["syria"], scope="digest:1", now=T0))
    other = digest_for(deps, "T1", ["syria"], scope="digest:2", now=T0 + timedelta(hours=1))
    assert [d.id for d in only(other).developments] == [dev.id]


def test_first_digest_covers_the_last_day(deps: Deps) -> None:
    add(deps, "quake", 1, T0 - timedelta(days=2))
    recent = add(deps, "port", 1, T0 - timedelta(hours=2))
    digest = digest_for(deps, "T1", ["syria"], scope=SCOPE, now=T0)
    assert [d.id for d in only(digest).developments] == [recent.id]


def test_unknown_and_repeated_topics(deps: Deps) -> None:
    digest = digest_for(deps, "T1", ["syria", "Syria", "zzqx"], scope=SCOPE, now=T0)
    assert [(b.topic, b.known_topic) for b in digest.briefs] == [("syria", True), ("zzqx", False)]


def test_a_preview_writes_nothing(deps: Deps, redis_client: redis.Redis) -> None:
    add(deps, "dam", 1, T0)
    before = set(redis_client.keys("*"))
    digest = digest_for(deps, "T1", [], now=T0 + timedelta(hours=1))  # every topic with articles
    assert [b.topic for b in digest.briefs] == ["syria"]
    assert [a.name for a in only(digest).actors] == ["Dam Council"]
    assert set(redis_client.keys("*")) == before
    assert not redis_client.exists(TopicKeys("T1", "syria").names_pending("actors", SCOPE))


def test_cli_digest_prints_what_a_subscription_would_send(
    deps: Deps, redis_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.now(UTC)
    add(deps, "quake", 1, now - timedelta(hours=2))
    add(deps, "port", 1, now - timedelta(hours=1))
    monkeypatch.setenv("REDIS_URL", redis_url)
    assert main(["digest", "syria", "--team", "T1"]) == 0
    printed = capsys.readouterr().out
    expected = digest_for(deps, "T1", ["syria"])
    # the same digest, but for the first line (it carries the time it was made)
    assert (
        printed.rstrip().splitlines()[1:] == render.digest_text(expected).rstrip().splitlines()[1:]
    )
    blocks = str(render.blocks_to_dicts(render.digest_blocks(expected)))
    for dev in only(expected).developments:
        assert dev.title in printed and dev.title in blocks
