"""``briefbot export`` / ``import``: a lossless round trip, per workspace or all, and
files that are not whole write nothing."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import redis

from bot.cli import main
from bot.deps import Deps
from bot.errors import InputError
from bot.jobs import pipeline
from bot.models import Article
from bot.render.jsonout import brief_json
from bot.store import backup, keys
from bot.topics.brief import brief_for
from tests.support.articles import harvest, story_article, troops
from tests.support.subscriptions import add_subscription

# analysed articles of four storylines and a dated event (no NLP: the round trip is
# about what is stored, not how it was found)
ARTICLES = [
    troops(),
    harvest(),
    *(story_article(story, n) for story in ("quake", "port", "vote") for n in (1, 2, 3)),
]


def _ingest(deps: Deps, team: str, articles: list[Article] | None = None) -> None:
    for article in ARTICLES if articles is None else articles:
        pipeline.store_article(deps, team, replace(article), article.url or "")


def _briefs(deps: Deps, team: str) -> dict[str, Any]:
    out = {}
    for topic in ("syria", "ukraine"):
        found = brief_json(brief_for(deps, team, topic, mark_seen=False))
        found.pop("generated_at")
        out[topic] = found
    return out


def _export(client: redis.Redis, teams: list[str] | None = None) -> str:
    buffer = io.StringIO()
    backup.export(client, buffer, teams)
    return buffer.getvalue()


def _write(tmp_path: Path, content: str) -> Path:
    path = tmp_path / "backup.jsonl"
    path.write_text(content, encoding="utf-8")
    return path


def test_a_round_trip_gives_the_same_briefs_follows_and_subscriptions(
    deps: Deps, redis_client: redis.Redis, tmp_path: Path
) -> None:
    _ingest(deps, "T1")
    _ingest(deps, "T2", ARTICLES[:3])
    deps.store.follow("T1", "U1", "syria")
    add_subscription(redis_client, team="T1")
    before = {t: _briefs(deps, t) for t in ("T1", "T2")}
    assert before["T1"]["syria"]["article_count"] > 0
    path = _write(tmp_path, _export(redis_client))
    redis_client.flushdb()
    assert brief_json(brief_for(deps, "T1", "syria", mark_seen=False))["article_count"] == 0

    result = backup.import_file(redis_client, path)

    assert result.teams is None and result.keys > 10
    assert {t: _briefs(deps, t) for t in ("T1", "T2")} == before
    assert deps.store.followed("T1", "U1") == ["syria"]
    assert [s.team for s in deps.subscriptions.all()] == ["T1"]


def test_one_workspace_is_exported_alone_and_restored_beside_another(
    deps: Deps, redis_client: redis.Redis, tmp_path: Path
) -> None:
    _ingest(deps, "T1")
    _ingest(deps, "T2", ARTICLES[:3])
    add_subscription(redis_client, team="T1")
    add_subscription(redis_client, team="T2", channel="C2")
    t1 = _briefs(deps, "T1")
    content = _export(redis_client, ["T1"])
    records = [json.loads(line) for line in content.splitlines()]
    names = [r["key"] for r in records if r["t"] == "key"]
    assert names and not [n for n in names if n.startswith(("bb:{t:T2}", "bb:{t:T2:"))]
    fields = [f for r in records if r.get("type") == "fields" for f, _ in r["data"]]
    assert fields and all(f.startswith("T1/") for f in fields)
    # T1's data is lost; T2 keeps working and must not be touched by the restore
    for name in list(redis_client.scan_iter(match="bb:{t:T1*")):
        redis_client.delete(name)
    t2 = _briefs(deps, "T2")

    backup.import_file(redis_client, _write(tmp_path, content))

    assert _briefs(deps, "T1") == t1 and _briefs(deps, "T2") == t2
    assert sorted(s.team for s in deps.subscriptions.all()) == ["T1", "T2"]


def test_a_store_with_that_data_is_refused_unless_replace_and_replace_leaves_no_mix(
    deps: Deps, redis_client: redis.Redis, tmp_path: Path
) -> None:
    _ingest(deps, "T1", ARTICLES[:4])
    t1 = _briefs(deps, "T1")
    path = _write(tmp_path, _export(redis_client, ["T1"]))
    _ingest(deps, "T1", ARTICLES[4:])  # ingested after the backup
    assert _briefs(deps, "T1") != t1
    with pytest.raises(InputError, match=r"already holds workspace T1 data.*--replace"):
        backup.import_file(redis_client, path)

    backup.import_file(redis_client, path, replace=True)

    assert _briefs(deps, "T1") == t1


def test_a_cut_short_or_edited_file_writes_nothing(
    redis_client: redis.Redis, tmp_path: Path
) -> None:
    redis_client.hset("bb:{t:T1}:urls", mapping={"https://a.example/1": "a1"})
    redis_client.zadd("bb:{t:T1}:articles", {"a1": 1.0})
    lines = _export(redis_client).splitlines(keepends=True)
    redis_client.flushdb()
    cases = {
        "no end line": "".join(lines[:-1]),
        "a line lost": "".join(lines[:1] + lines[2:]),
        "not JSON": "".join([*lines[:1], "{oops\n", *lines[1:]]),
        "foreign key": "".join(lines).replace("bb:{t:T1}:urls", "bb:{q}:ingest"),
    }
    for case, content in cases.items():
        with pytest.raises(InputError):
            backup.import_file(redis_client, _write(tmp_path, content))
        assert redis_client.dbsize() == 0, case


def test_binary_values_large_keys_and_expiry_survive(
    redis_client: redis.Redis, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup, "CHUNK", 3)  # a large key: several lines
    blob = bytes(range(256))
    redis_client.set("bb:{t:T1}:article:x", blob, px=3_600_000)
    redis_client.hset("bb:{t:T1}:urls", mapping={f"u{i}": f"a{i}" for i in range(10)})
    redis_client.zadd("bb:{t:T1:syria}:articles", {f"a{i}": i + 0.5 for i in range(7)})
    redis_client.rpush("bb:{t:T1:syria}:list", *[f"v{i}" for i in range(8)])
    content = _export(redis_client)
    assert sum('"bb:{t:T1}:urls"' in line for line in content.splitlines()) == 4
    redis_client.flushdb()

    backup.import_file(redis_client, _write(tmp_path, content))

    assert redis_client.get("bb:{t:T1}:article:x") == blob
    assert 0 < redis_client.pttl("bb:{t:T1}:article:x") <= 3_600_000
    assert len(redis_client.hgetall("bb:{t:T1}:urls")) == 10
    assert redis_client.zscore("bb:{t:T1:syria}:articles", "a6") == 6.5
    assert redis_client.lrange("bb:{t:T1:syria}:list", 0, -1) == [
        f"v{i}".encode() for i in range(8)
    ]


def test_short_lived_keys_and_the_queue_are_not_exported(redis_client: redis.Redis) -> None:
    redis_client.set("bb:{t:T1}:seen:Ev1", "1", ex=60)
    redis_client.set("bb:{t:T1:syria}:lock", "token", px=5000)
    redis_client.xadd("bb:{q}:ingest", {"kind": "ingest_url"})
    redis_client.zadd("bb:{t:T1}:articles", {"a1": 1.0})
    exported = [json.loads(line).get("key") for line in _export(redis_client).splitlines()]
    assert exported[1:-1] == ["bb:{t:T1}:articles"]


def test_an_export_from_a_newer_briefbot_is_refused(tmp_path: Path) -> None:
    header = {"t": "header", "format": backup.FORMAT, "version": backup.VERSION}
    header |= {"schema": keys.SCHEMA_VERSION + 1, "teams": None}
    end = {"t": "end", "keys": 0, "lines": 0}
    path = _write(tmp_path, json.dumps(header) + "\n" + json.dumps(end) + "\n")
    with pytest.raises(InputError, match="newer briefbot"):
        backup.check(path)


def test_the_cli_exports_and_imports_a_file(
    deps: Deps,
    redis_client: redis.Redis,
    redis_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("REDIS_URL", redis_url)
    _ingest(deps, "T1", ARTICLES[:3])
    before = _briefs(deps, "T1")
    target = tmp_path / "out" / "b.jsonl"
    assert main(["export", str(target)]) == 1  # its folder does not exist: one line, exit 1
    assert "cannot write" in capsys.readouterr().err
    target = tmp_path / "b.jsonl"
    assert main(["export", str(target), "--team", "T1"]) == 0
    assert not target.with_name("b.jsonl.partial").exists()
    assert main(["import", str(target)]) == 1
    assert "--replace" in capsys.readouterr().err
    redis_client.flushdb()
    assert main(["import", str(target)]) == 0
    assert "imported" in capsys.readouterr().out
    assert _briefs(deps, "T1") == before
