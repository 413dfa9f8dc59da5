"""Run one command against a redis-server of its own.

    python -m tests.support.private_redis COMMAND [ARGS…]

``make mutate`` runs its tests this way. Its two test sessions at once take a
database each on that server (``own_database``), and no test session of another
checkout on this machine, which may be flushing any database of the shared
Redis, can touch theirs. The server keeps nothing on disk and stops with the
command; the command's exit code is returned.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.support.redis_proc import RedisProc


def main(command: list[str]) -> int:
    if not command:
        print(__doc__, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="briefbot-redis-") as folder:
        server = RedisProc(Path(folder), durable=False)
        server.start()
        try:
            return subprocess.call(command, env={**os.environ, "REDIS_URL": server.url})
        finally:
            server.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
