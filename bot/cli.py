"""The ``briefbot`` command line: demo, ingest, extract, brief, digest, serve, worker, status,
admin."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from bot import __version__, cli_feeds, cli_pictures, render
from bot.config import TEAM_LOCAL, Settings
from bot.deps import Deps, build_deps
from bot.errors import BriefbotError, InputError
from bot.jobs import pipeline
from bot.logs import setup_logging
from bot.models import IngestResult
from bot.render.jsonout import brief_json, digest_json, extraction_json
from bot.store.serde import to_jsonable

log = logging.getLogger("briefbot")

Command = Callable[[Deps, argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        setup_logging(settings.log_level, settings.log_format)
        if args.command in ("serve", "worker"):
            from bot.runtime import run_command

            return run_command(settings, args)
        deps = build_deps(settings)
    except BriefbotError as exc:
        print(f"briefbot: {exc}", file=sys.stderr)
        return 2
    try:
        command: Command = COMMANDS[args.command]
        return command(deps, args)
    except BriefbotError as exc:
        print(f"briefbot: {exc}", file=sys.stderr)
        return 1
    finally:
        deps.close()


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="briefbot", description="Briefs on developing stories.")
    p.add_argument("--version", action="version", version=f"briefbot {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="ingest the sample articles and print a brief and a digest")
    ing = sub.add_parser("ingest", help="ingest article files, folders, URLs and feeds")
    ing.add_argument("sources", nargs="+", metavar="PATH_OR_URL")
    ing.add_argument("--team", default=TEAM_LOCAL)
    ing.add_argument("--channel", default=None)
    ext = sub.add_parser("extract", help="analyse one article without storing it")
    ext.add_argument("source", metavar="PATH_OR_URL")
    ext.add_argument("--json", action="store_true", default=True)
    br = sub.add_parser("brief", help="print the brief for a topic")
    br.add_argument("topic", nargs="+")
    _output_flags(br)
    br.add_argument("--since", type=_iso_datetime, default=None, metavar="ISO_DATETIME")
    cli_pictures.add_flags(br)
    dg = sub.add_parser("digest", help="print the digest a subscription would send now")
    dg.add_argument("topics", nargs="*")
    _output_flags(dg)
    sv = sub.add_parser("serve", help="run the Slack app")
    sv.add_argument("--port", type=int, default=3000)
    sv.add_argument("--no-workers", action="store_true")
    wk = sub.add_parser("worker", help="run ingest workers only")
    wk.add_argument("--concurrency", type=int, default=None)
    wk.add_argument(
        "--port", type=int, default=None, help="serve /healthz and /metrics on this port"
    )
    st = sub.add_parser("status", help="store, counts, queue, model and versions")
    st.add_argument("--json", action="store_true")
    _admin_parser(sub)
    cli_feeds.add_parser(sub)
    return p


def _admin_parser(sub: Any) -> None:
    adm = sub.add_parser("admin", help="operator's tools: dead-lettered jobs, subscriptions")
    verbs = adm.add_subparsers(dest="admin", required=True)
    subs = verbs.add_parser("subscriptions", help="digest subscriptions of every workspace")
    subs.add_argument("--team", default=None, help="only this workspace's")
    subs.add_argument("--json", action="store_true", help="one JSON list instead of a table")
    dead = verbs.add_parser("dead", help="jobs that kept failing: list, retry or drop them")
    acts = dead.add_subparsers(dest="action", required=True)
    ls = acts.add_parser("list", help="the newest dead letters, newest first")
    ls.add_argument("--team", default=None, help="only this workspace's stream")
    ls.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    ls.add_argument("--json", action="store_true", help="one JSON list instead of a table")
    for action, what in (("retry", "queue again as new jobs"), ("drop", "delete")):
        act = acts.add_parser(action, help=f"{what}: the named dead letters, or --all")
        act.add_argument("names", nargs="*", metavar="SCOPE/ENTRY", help="as `list` shows them")
        act.add_argument("--all", action="store_true", help="every dead letter (of --team)")
        act.add_argument("--team", default=None, help="with --all: only this workspace's")


def _output_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--team", default=TEAM_LOCAL)
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--blocks", action="store_true")


def _iso_datetime(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date-time: {value!r}") from exc
    return parsed if parsed.tzinfo else parsed.astimezone()


def _print_json(data: object) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


# ---- commands --------------------------------------------------------------------


def cmd_ingest(deps: Deps, args: argparse.Namespace) -> int:
    results = ingest_sources(deps, args.team, args.sources)
    print(summary_line(results))
    return 0 if any(r.status == "ingested" for r in results) or not results else 1


def ingest_sources(deps: Deps, team: str, sources: list[str]) -> list[IngestResult]:
    """Ingest every source with a progress bar on a terminal."""
    from tqdm import tqdm

    items = pipeline.expand_sources(sources)
    results: list[IngestResult] = []
    bar = tqdm(items, unit="article", disable=not sys.stderr.isatty(), file=sys.stderr)
    for source in bar:
        bar.set_postfix_str(Path(source).name[:30])
        if source.startswith(("http://", "https://")):
            results.extend(pipeline.ingest_url(deps, team, source))
        elif Path(source).is_file():
            results.append(pipeline.ingest_path(deps, team, Path(source)))
        else:
            results.append(IngestResult(source=source, status="failed", reason="no such file"))
    return results


def summary_line(results: list[IngestResult]) -> str:
    counts = Counter(r.status for r in results)
    reasons = Counter(r.reason for r in results if r.status == "failed")
    line = (
        f"{counts['ingested']} ingested, {counts['duplicate']} duplicates, "
        f"{counts['failed']} failed"
    )
    if reasons:
        line += " (" + ", ".join(f"{n} {why}" for why, n in reasons.most_common()) + ")"
    return line


def cmd_extract(deps: Deps, args: argparse.Namespace) -> int:
    source: str = args.source
    if source.startswith(("http://", "https://")):
        extracted = deps.extractor.from_page(deps.fetcher.fetch(source))
    elif Path(source).is_file():
        extracted = pipeline.extract_path(deps, Path(source))
    else:
        raise InputError(f"no such file: {source}")
    article = pipeline.analyse(deps, extracted, TEAM_LOCAL)
    _print_json(extraction_json(article))
    return 0


def _emit(
    args: argparse.Namespace,
    as_json: Callable[[], object],
    as_blocks: Callable[[], list[Any]],
    as_text: Callable[[], str],
) -> int:
    """Print in the format the flags ask for: --json, --blocks, or text."""
    if args.json:
        _print_json(as_json())
    elif args.blocks:
        _print_json(render.blocks_to_dicts(as_blocks()))
    else:
        print(as_text())
    return 0


def cmd_brief(deps: Deps, args: argparse.Namespace) -> int:
    from bot.topics.brief import brief_for

    if args.chart or args.map:
        return cli_pictures.write_pictures(deps, args)
    brief = brief_for(deps, args.team, " ".join(args.topic), since=args.since, mark_seen=False)
    return _emit(args, lambda: brief_json(brief), lambda: render.brief_blocks(brief),
                 lambda: render.brief_text(brief))  # fmt: skip


def cmd_digest(deps: Deps, args: argparse.Namespace) -> int:
    from bot.digests.assemble import digest_for

    digest = digest_for(deps, args.team, list(args.topics))
    return _emit(args, lambda: digest_json(digest), lambda: render.digest_blocks(digest),
                 lambda: render.digest_text(digest))  # fmt: skip


def cmd_demo(deps: Deps, args: argparse.Namespace) -> int:
    from bot.digests.assemble import digest_for
    from bot.topics.brief import brief_for

    folder = resources.files("bot.seeds").joinpath("articles")
    with resources.as_file(folder) as path:
        results = ingest_sources(deps, TEAM_LOCAL, [str(path)])
    print(f"Seed articles: {summary_line(results)}\n")
    print(render.brief_text(brief_for(deps, TEAM_LOCAL, "syria", mark_seen=False)))
    print()
    print(render.digest_text(digest_for(deps, TEAM_LOCAL, ["syria"])))
    return 0


def cmd_status(deps: Deps, args: argparse.Namespace) -> int:
    from bot.status import collect_status, status_text

    status = collect_status(deps)
    print(json.dumps(status, indent=2) if args.json else status_text(status))
    return 0


def cmd_admin(deps: Deps, args: argparse.Namespace) -> int:
    from bot import admin

    if args.admin == "subscriptions":
        found = admin.subscriptions(deps, args.team)
        if args.json:
            _print_json([to_jsonable(s) | {"last_sent_for": s.last_sent_for} for s in found])
        else:
            print(render.subscriptions_text(found))
        return 0
    if args.action == "list":
        letters = admin.list_dead(deps, args.team, args.limit)
        if args.json:
            _print_json([d.as_json() for d in letters])
        else:
            print(render.dead_letters_text(letters))
        return 0
    act = admin.retry_dead if args.action == "retry" else admin.drop_dead
    outcome = act(deps, args.names, every=args.all, team=args.team)
    verb = "retried" if args.action == "retry" else "dropped"
    print(f"{len(outcome.done)} {verb}" + "".join(f"\n  {n}" for n in outcome.done))
    for name in outcome.missing:
        print(f"briefbot: no dead letter {name} (already retried or dropped?)", file=sys.stderr)
    return 1 if outcome.missing else 0


COMMANDS: dict[str, Command] = {
    "admin": cmd_admin,
    "feed": cli_feeds.cmd_feed,
    "demo": cmd_demo,
    "ingest": cmd_ingest,
    "extract": cmd_extract,
    "brief": cmd_brief,
    "digest": cmd_digest,
    "status": cmd_status,
}
