"""Export and import of the stored state, streamed as JSON lines.

The format (``briefbot-export`` version 1) is one JSON object per line:

    {"t": "header", "format": "briefbot-export", "version": 1, "schema": 2,
     "teams": ["T1"] | null, "created_at": "2026-12-07T10:00:00+00:00"}
    {"t": "key", "key": "bb:{t:T1}:urls", "type": "hash", "ttl_ms": null,
     "first": true, "data": [["https://…", "a1b2…"], …]}
    …
    {"t": "end", "keys": 1234, "lines": 1300}

A key's value comes in chunks of at most ``CHUNK`` items, so neither side holds a
large key in memory: the chunk marked ``first`` replaces what the key held, the
others add to it. ``type`` is ``string`` (``data`` one value), ``hash`` (field,
value pairs), ``zset`` (member, score pairs), ``set`` or ``list`` (values), or
``fields`` — some fields of a shared hash (a workspace's digest subscriptions in
the scheduler's hash), written without touching the other fields. A value is
text when it is UTF-8, else ``{"b64": "…"}``. ``ttl_ms`` keeps a key's expiry.

What is exported is the state a brief, digest or follow reads: articles and their
indexes, topics and their developments, timelines and counts, follows, watermarks,
digest subscriptions. Not exported: the job queue and dead letters (work in flight
belongs to the running deployment), locks, "event seen" markers, pacing and
send guards — short-lived keys that a restore must not bring back.

An import reads the file twice: once to check it is whole (a header of a version
it knows, every line valid, the end line's counts right), then to write it. A
truncated or edited file therefore writes nothing.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from bot.errors import InputError
from bot.store import keys
from bot.store.client import RedisClient, text, unavailable_on_error
from bot.store.keys import PREFIX, AlertKeys, FeedKeys, SchedKeys, TeamKeys

FORMAT = "briefbot-export"
VERSION = 1
CHUNK = 500  # items per line of a large key

# short-lived keys a restore must not bring back (see the module docstring)
_SKIPPED_PARTS = (":seen:", ":lock", ":pending:", ":rise:")
# shared hashes whose fields start with "TEAM/": a workspace's share of them
_TEAM_FIELD_HASHES = (
    SchedKeys.subscriptions,
    SchedKeys.last_sent,
    FeedKeys.feeds,
    AlertKeys.subscriptions,
)


@dataclass
class ImportResult:
    keys: int
    teams: list[str] | None
    schema: int


# ---- export -------------------------------------------------------------------------


@unavailable_on_error
def export(client: RedisClient, out: IO[str], teams: list[str] | None = None) -> int:
    """Write the store (or only ``teams``' data) to ``out``; returns the number of keys."""
    schema = int(client.get(keys.schema()) or keys.SCHEMA_VERSION)
    header = {
        "t": "header",
        "format": FORMAT,
        "version": VERSION,
        "schema": schema,
        "teams": teams,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    _write(out, header)
    count = lines = 0
    for name in _exported_keys(client, teams):
        for line in _key_lines(client, name, teams):
            _write(out, line)
            lines += 1
        count += 1
    _write(out, {"t": "end", "keys": count, "lines": lines})
    return count


def _write(out: IO[str], record: dict[str, Any]) -> None:
    out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")


def _exported_keys(client: RedisClient, teams: list[str] | None) -> Iterator[str]:
    yield from _state_keys(client, teams)
    if teams is not None:
        yield from (k for k in _TEAM_FIELD_HASHES if client.exists(k))


def _state_keys(client: RedisClient, teams: list[str] | None) -> Iterator[str]:
    """Keys of the store's state (or of ``teams``'), each once; not the shared hashes."""
    if teams is None:
        patterns = [f"{PREFIX}:*"]
    else:
        patterns = []
        for team in teams:
            base = TeamKeys(team).base  # validates the id
            patterns += [f"{base}:*", base.replace("}", ":*}") + ":*"]
    seen: set[str] = set()
    for pattern in patterns:
        for raw in client.scan_iter(match=pattern, count=1000):
            name = text(raw)
            if name not in seen and _is_state(name, teams):
                seen.add(name)
                yield name


def _is_state(name: str, teams: list[str] | None) -> bool:
    if any(part in name for part in _SKIPPED_PARTS):
        return False
    if name == keys.schema() or name.startswith(f"{PREFIX}:{{q"):
        return False  # the job queue and dead letters
    if name.startswith(SchedKeys.base):
        return teams is None and name in (*_TEAM_FIELD_HASHES, SchedKeys.next_id)
    return True


def _key_lines(client: RedisClient, name: str, teams: list[str] | None) -> Iterator[dict[str, Any]]:
    kind = text(client.type(name))
    ttl = int(client.pttl(name))
    base = {"t": "key", "key": name, "ttl_ms": ttl if ttl > 0 else None}
    if teams is not None and name in _TEAM_FIELD_HASHES:
        prefixes = tuple(f"{t}/" for t in teams)
        pairs = (
            (f, v) for f, v in client.hscan_iter(name, count=CHUNK) if text(f).startswith(prefixes)
        )
        yield from _chunks(base | {"type": "fields"}, ([_enc(f), _enc(v)] for f, v in pairs))
        return
    if kind == "string":
        yield base | {"type": "string", "first": True, "data": _enc(client.get(name))}
    elif kind == "hash":
        items = ([_enc(f), _enc(v)] for f, v in client.hscan_iter(name, count=CHUNK))
        yield from _chunks(base | {"type": "hash"}, items)
    elif kind == "zset":
        items = ([_enc(m), s] for m, s in client.zscan_iter(name, count=CHUNK))
        yield from _chunks(base | {"type": "zset"}, items)
    elif kind == "set":
        yield from _chunks(base | {"type": "set"}, (_enc(m) for m in client.sscan_iter(name)))
    elif kind == "list":
        yield from _chunks(base | {"type": "list"}, (_enc(v) for v in _list_items(client, name)))
    # a key that expired meanwhile ("none") or a type we never write is left out


def _list_items(client: RedisClient, name: str) -> Iterator[Any]:
    start = 0
    while batch := client.lrange(name, start, start + CHUNK - 1):
        yield from batch
        start += CHUNK


def _chunks(base: dict[str, Any], items: Iterable[Any]) -> Iterator[dict[str, Any]]:
    batch: list[Any] = []
    first = True
    for item in items:
        batch.append(item)
        if len(batch) == CHUNK:
            yield base | {"first": first, "data": batch}
            batch, first = [], False
    if batch or first:
        yield base | {"first": first, "data": batch}


def _enc(raw: bytes | str | None) -> str | dict[str, str]:
    value = raw.encode() if isinstance(raw, str) else (raw or b"")
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return {"b64": base64.b64encode(value).decode("ascii")}


def _dec(value: Any) -> bytes:
    if isinstance(value, dict) and set(value) == {"b64"}:
        return base64.b64decode(value["b64"], validate=True)
    if isinstance(value, str):
        return value.encode("utf-8")
    raise ValueError(f"not an exported value: {value!r}")


# ---- import -------------------------------------------------------------------------


def check(path: Path) -> dict[str, Any]:
    """Read the whole file and return its header; ``InputError`` when it is not whole."""
    header: dict[str, Any] | None = None
    key_lines = 0
    end: dict[str, Any] | None = None
    for number, record in _records(path):
        if end is not None:
            raise InputError(f"{path}: line {number} after the end line")
        if number == 1:
            header = _checked_header(path, record)
        elif record.get("t") == "key":
            _checked_key(path, number, record)
            key_lines += 1
        elif record.get("t") == "end":
            end = record
        else:
            raise InputError(f"{path}: line {number} is not a header, key or end line")
    if header is None or end is None:
        raise InputError(f"{path}: incomplete export (no end line): nothing was imported")
    if end.get("lines") != key_lines:
        raise InputError(
            f"{path}: the end line counts {end.get('lines')} key lines, the file has {key_lines}"
        )
    return header


def _records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}: line {number} is not JSON ({exc.msg})") from exc
                if not isinstance(record, dict):
                    raise InputError(f"{path}: line {number} is not a JSON object")
                yield number, record
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text") from exc


def _checked_header(path: Path, record: dict[str, Any]) -> dict[str, Any]:
    if record.get("t") != "header" or record.get("format") != FORMAT:
        raise InputError(f"{path}: not a briefbot export (no {FORMAT} header)")
    if record.get("version") != VERSION:
        raise InputError(
            f"{path}: export format version {record.get('version')}; this briefbot reads {VERSION}"
        )
    schema = record.get("schema")
    if not isinstance(schema, int) or schema < 1:
        raise InputError(f"{path}: the header has no schema version")
    if schema > keys.SCHEMA_VERSION:
        raise InputError(
            f"{path}: written by a newer briefbot (store schema {schema}, "
            f"this one knows {keys.SCHEMA_VERSION}); upgrade briefbot to import it"
        )
    teams = record.get("teams")
    if teams is not None:
        for team in teams:
            TeamKeys(str(team))  # ValueError on an id that could not have been exported
    return record


_TYPES = {"string", "hash", "zset", "set", "list", "fields"}


def _checked_key(path: Path, number: int, record: dict[str, Any]) -> None:
    name, kind = record.get("key"), record.get("type")
    if not isinstance(name, str) or not name.startswith(f"{PREFIX}:") or kind not in _TYPES:
        raise InputError(f"{path}: line {number} is not a key of briefbot's store")
    if not _is_state(name, None):
        raise InputError(f"{path}: line {number} names a key an export never holds: {name}")
    try:
        _decoded(record)
    except (ValueError, TypeError) as exc:
        raise InputError(f"{path}: line {number}: {exc}") from exc


def _decoded(record: dict[str, Any]) -> list[Any]:
    kind, data = record["type"], record.get("data")
    if kind == "string":
        return [_dec(data)]
    if not isinstance(data, list):
        raise ValueError("data is not a list")
    if kind in ("hash", "fields"):
        return [(_dec(f), _dec(v)) for f, v in data]
    if kind == "zset":
        return [(_dec(m), float(s)) for m, s in data]
    return [_dec(v) for v in data]


@unavailable_on_error
def import_file(client: RedisClient, path: Path, replace: bool = False) -> ImportResult:
    """Check the whole file, then write it.

    A store that already holds data of the file's workspaces (any data, for an
    export of everything) is refused unless ``replace``: then that data is deleted
    first, so the store ends as the export was, not a mix of both.
    """
    header = check(path)
    teams: list[str] | None = header.get("teams")
    if next(_state_keys(client, teams), None) is not None:
        if not replace:
            whose = "workspace " + ", ".join(teams) if teams else "briefbot"
            raise InputError(
                f"the store already holds {whose} data; import into an empty store, "
                "or pass --replace to delete that data first"
            )
        _clear(client, teams)
    written = 0
    for _, record in _records(path):
        if record.get("t") != "key":
            continue
        _apply(client, record)
        written += 1 if record.get("first") or record["type"] == "fields" else 0
    for team in header.get("teams") or []:
        client.sadd(keys.teams(), team)
    current = int(client.get(keys.schema()) or 0)
    if not current or header["schema"] < current:
        # the imported data is of the file's schema; start-up (or ``migrate``) upgrades it
        client.set(keys.schema(), header["schema"])
    return ImportResult(keys=written, teams=header.get("teams"), schema=header["schema"])


def delete_teams(client: RedisClient, teams: list[str]) -> None:
    """Delete these workspaces' state: what an export of them holds (uninstall purge)."""
    _clear(client, teams)


def _clear(client: RedisClient, teams: list[str] | None) -> None:
    for name in list(_state_keys(client, teams)):
        client.delete(name)
    for shared in _TEAM_FIELD_HASHES:
        if teams is None:
            client.delete(shared)
            continue
        prefixes = tuple(f"{t}/" for t in teams)
        fields = [f for f in client.hkeys(shared) if text(f).startswith(prefixes)]
        if fields:
            client.hdel(shared, *fields)


def _apply(client: RedisClient, record: dict[str, Any]) -> None:
    name, kind, values = record["key"], record["type"], _decoded(record)
    with client.pipeline(transaction=True) as pipe:
        if record.get("first") and kind != "fields":
            pipe.delete(name)
        if kind == "string":
            pipe.set(name, values[0])
        elif kind in ("hash", "fields") and values:
            pipe.hset(name, mapping=dict(values))
        elif kind == "zset" and values:
            pipe.zadd(name, {m: s for m, s in values})
        elif kind == "set" and values:
            pipe.sadd(name, *values)
        elif kind == "list" and values:
            pipe.rpush(name, *values)
        if record.get("ttl_ms") and kind != "fields":
            pipe.pexpire(name, int(record["ttl_ms"]))
        if kind == "fields" and name == FeedKeys.feeds and values:
            # a workspace's feeds come without the shared schedule: due again as saved
            pipe.zadd(FeedKeys.due, {f: _next_due(v) for f, v in values})
        pipe.execute()


def _next_due(raw: bytes) -> float:
    try:
        return float(json.loads(raw).get("next_due") or 0.0)
    except (ValueError, AttributeError):
        return 0.0  # due at once: the poller reads the record and reports what is wrong
