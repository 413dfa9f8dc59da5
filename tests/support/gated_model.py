"""``briefbot`` with the NLP model's loading held until a file exists.

Usage: ``python -m tests.support.gated_model GATE_FILE serve|worker [ARGS...]``

Everything else is the real command (``bot.cli.main``: settings, logging,
signal handlers, HTTP server, workers). Only ``load_pipeline`` waits, so a test
can ask ``/healthz`` while the model is certainly not loaded, then create the
gate and see it turn ready. Loading a model takes seconds on a fast machine and
more on a busy one; racing it would make the "before" answer a matter of luck.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

GIVE_UP_SECONDS = 120.0  # a test that never opens the gate must not leave a process behind


def main(argv: list[str]) -> int:
    gate = Path(argv[1])
    import bot.entities.nlp as nlp

    real = nlp.load_pipeline

    def gated_load(*args: Any, **kwargs: Any) -> Any:
        deadline = time.monotonic() + GIVE_UP_SECONDS
        while not gate.exists():
            if time.monotonic() > deadline:
                raise RuntimeError(f"the test never created {gate}")
            time.sleep(0.02)
        return real(*args, **kwargs)

    nlp.load_pipeline = gated_load  # type: ignore[assignment]
    from bot.cli import main as briefbot

    return briefbot(argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
