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
