"""``briefbot brief TOPIC --chart FILE`` / ``--map FILE``: a topic's pictures as PNG files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot import service
from bot.deps import Deps
from bot.errors import InputError


def add_flags(brief: argparse.ArgumentParser) -> None:
    brief.add_argument("--chart", default=None, metavar="FILE", help="write the volume chart (PNG)")
    brief.add_argument("--map", default=None, metavar="FILE", help="write the places map (PNG)")


def write_pictures(deps: Deps, args: argparse.Namespace) -> int:
    """Write the pictures asked for; print each file with its alt text."""
    topic = " ".join(args.topic)
    for path, make in ((args.chart, service.topic_chart), (args.map, service.topic_map)):
        if not path:
            continue
        picture = make(deps, args.team, topic)
        try:
            Path(path).write_bytes(picture.png)
        except OSError as exc:
            raise InputError(f"cannot write {path}: {exc.strerror or exc}") from exc
        print(f"{path}: {picture.alt}", file=sys.stdout)
    return 0
