"""Fenced writes: a short lock with an owner token, and writes that land only
while their writer still owns that lock.

A lock that expires (so a crashed worker cannot block a key forever) is not
enough on its own: a writer that stalls past the lock's life (a GC pause, a
SIGSTOP, a slow Redis client retrying) would wake up and overwrite what the
next owner wrote meanwhile. So the owner's token is checked again in the same
Lua script that applies the write: a stale writer's write is refused whole and
the writer starts over from fresh state. Every key of one write must share a
cluster slot (one hash tag), which is what makes the script legal on a cluster.
"""

from __future__ import annotations

import os
import time
import uuid
from typing import Any

from bot.store.client import RedisClient

# KEYS[1] is the lock, ARGV[1] the owner's token; then each command as
# (number of extra arguments, command, index of its key in KEYS, arguments...).
_APPLY = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local i = 2
while i <= #ARGV do
  local n = tonumber(ARGV[i])
  local args = {}
  for j = 1, n do args[j] = ARGV[i + 2 + j] end
  redis.call(ARGV[i + 1], KEYS[tonumber(ARGV[i + 2])], unpack(args))
  i = i + 3 + n
end
return 1
"""

_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

_POLL_SECONDS = 0.02

Arg = str | bytes | int | float


class FencedWrite:
    """Commands recorded now, applied together by ``Fence.commit`` if still owned."""

    def __init__(self) -> None:
        self._keys: dict[str, int] = {}
        self._args: list[Arg] = []
        self.commands = 0

    def call(self, command: str, key: str, *args: Arg) -> None:
        index = self._keys.setdefault(key, len(self._keys) + 2)  # KEYS[1] is the lock
        self._args.extend([len(args), command, index, *args])
        self.commands += 1

    def keys(self, lock: str) -> list[str]:
        return [lock, *self._keys]

    def args(self, token: str) -> list[Arg]:
        return [token, *self._args]


class Fence:
    """Owner-token locks and the fenced writes made under them."""

    def __init__(self, client: RedisClient) -> None:
        self.redis = client
        self._apply = client.register_script(_APPLY)
        self._release = client.register_script(_RELEASE)

    def acquire(self, lock: str, ttl_ms: int, wait_seconds: float) -> str | None:
        """Take ``lock`` for ``ttl_ms``; its token, or None after ``wait_seconds``."""
        # the pid says which process holds a lock (``redis-cli get`` while debugging)
        token = f"{os.getpid()}:{uuid.uuid4().hex}"
        deadline = time.monotonic() + wait_seconds
        while True:
            if self.redis.set(lock, token, nx=True, px=ttl_ms):
                return token
            if time.monotonic() >= deadline:
                return None
            time.sleep(_POLL_SECONDS)  # a busy topic: poll like redis-py's own Lock

    def commit(self, lock: str, token: str, write: FencedWrite) -> bool:
        """Apply ``write`` atomically if ``token`` still owns ``lock``; False if not."""
        return bool(self._apply(keys=write.keys(lock), args=write.args(token)))

    def release(self, lock: str, token: str) -> bool:
        """Let go of ``lock`` if ``token`` still owns it (never someone else's)."""
        return bool(self._release(keys=[lock], args=[token]))


_Op = tuple[str, bytes | int | None]  # ("set", value) | ("del", None) | ("incr", delta)


def _b(value: Arg) -> bytes:
    return value if isinstance(value, bytes) else str(value).encode()


def _field(name: str | bytes) -> str:
    return name.decode() if isinstance(name, bytes) else name


class Staged:
    """A fenced write built by code that reads back some of what it wrote.

    An editor's correction reads, decides and writes several times in a row
    (take an article out of its development, then rebuild the development
    from the members left). Its writes are recorded here (``write``, a
    ``FencedWrite``) rather than sent, so that ``Fence.commit`` applies them
    all or none, only while the lock is still the writer's. Reads go to
    Redis, except the fields of hashes written earlier in the same write,
    which are answered from what was recorded: the one kind of value a
    correction reads back. A key replaced whole (``restore``) cannot be read
    back at all, rather than read wrong.
    """

    def __init__(self, client: RedisClient) -> None:
        self.redis = client
        self.write = FencedWrite()
        self._hashes: dict[str, dict[str, _Op]] = {}
        self._emptied: set[str] = set()  # deleted in this write: Redis' copy is gone
        self._replaced: set[str] = set()

    # ---- reads -----------------------------------------------------------------------

    def hget(self, key: str, field: str | bytes) -> bytes | None:
        op = self._hashes.get(key, {}).get(_field(field))
        if op is None or op[0] == "incr":
            stored = None if key in self._emptied else self._stored(key, field)
            if op is None:
                return stored
            return str(int(stored or 0) + int(op[1] or 0)).encode()
        return op[1] if op[0] == "set" else None  # type: ignore[return-value]

    def hgetall(self, key: str) -> dict[bytes, bytes]:
        self._readable(key)
        raw: Any = {} if key in self._emptied else self.redis.hgetall(key)
        out = {_b(f): _b(v) for f, v in raw.items()}
        for name, (kind, value) in self._hashes.get(key, {}).items():
            field = name.encode()
            if kind == "set":
                out[field] = value  # type: ignore[assignment]
            elif kind == "del":
                out.pop(field, None)
            else:
                out[field] = str(int(out.get(field, b"0")) + int(value or 0)).encode()
        return out

    def hexists(self, key: str, field: str | bytes) -> bool:
        return self.hget(key, field) is not None

    def _stored(self, key: str, field: str | bytes) -> bytes | None:
        self._readable(key)
        found: Any = self.redis.hget(key, field)
        return None if found is None else _b(found)

    def _readable(self, key: str) -> None:
        if key in self._replaced:
            raise RuntimeError(f"{key} was replaced whole in this write: it cannot be read back")

    # ---- writes ----------------------------------------------------------------------

    def hset(self, key: str, field: str | bytes, value: Arg) -> None:
        self.write.call("HSET", key, field, value)
        self._hashes.setdefault(key, {})[_field(field)] = ("set", _b(value))

    def hdel(self, key: str, *fields: str | bytes) -> None:
        if not fields:
            return
        self.write.call("HDEL", key, *fields)
        for field in fields:
            self._hashes.setdefault(key, {})[_field(field)] = ("del", None)

    def hincrby(self, key: str, field: str | bytes, amount: int) -> None:
        self.write.call("HINCRBY", key, field, amount)
        fields = self._hashes.setdefault(key, {})
        kind, value = fields.get(_field(field), ("incr", 0))
        if kind == "set":
            fields[_field(field)] = ("set", str(int(value or 0) + amount).encode())
        elif kind == "del":
            fields[_field(field)] = ("set", str(amount).encode())
        else:
            fields[_field(field)] = ("incr", int(value or 0) + amount)

    def set(self, key: str, value: Arg) -> None:
        self.write.call("SET", key, value)

    def delete(self, *keys: str) -> None:
        for key in keys:
            self.write.call("DEL", key)
            self._hashes.pop(key, None)
            self._emptied.add(key)
            self._replaced.discard(key)

    def restore(self, key: str, payload: bytes) -> None:
        """Replace ``key`` with a ``DUMP`` of another (no expiry)."""
        self.write.call("RESTORE", key, 0, payload, "REPLACE")
        self._hashes.pop(key, None)
        self._replaced.add(key)

    def zadd(self, key: str, mapping: dict[str, float], *, nx: bool = False) -> None:
        flags: list[Arg] = ["NX"] if nx else []
        pairs: list[Arg] = [x for member, score in mapping.items() for x in (score, member)]
        if pairs:
            self.write.call("ZADD", key, *flags, *pairs)

    def zrem(self, key: str, *members: str | bytes) -> None:
        if members:
            self.write.call("ZREM", key, *members)

    def zincrby(self, key: str, amount: float, member: str | bytes) -> None:
        self.write.call("ZINCRBY", key, amount, member)

    def zremrangebyscore(self, key: str, low: float | str, high: float | str) -> None:
        self.write.call("ZREMRANGEBYSCORE", key, low, high)
