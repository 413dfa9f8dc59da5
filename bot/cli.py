"""The ``briefbot`` command line: demo, ingest, extract, brief, digest, serve, worker, status,
admin, export, import, migrate."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from bot import __version__, cli_edit, cli_feeds, cli_pictures, render
from bot.config import TEAM_LOCAL, Settings
from bot.deps import Deps, build_deps
from bot.errors import BriefbotError, IngestError, InputError
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
        # ``migrate`` upgrades the store itself, to report what it did
        deps = build_deps(settings, upgrade=args.command != "migrate")
    except BriefbotError as exc:
        print(f"briefbot: {exc}", file=sys.stderr)
        return 2
    try:
        command: Command = COMMANDS[args.command]
        return command(deps, args)
    except BriefbotError as exc:
        print(f"briefbot: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `briefbot brief syria | head`: the reader had enough
        sys.stderr.close()
        return 0
    finally:
        deps.close()


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="briefbot", description="Briefs on developing stories.")
    p.add_argument("--version", action="version", version=f"briefbot {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "demo", help="ingest the sample articles and print a brief and a digest",
        description="Ingest the bundled seed articles into the store and print /brief syria "
        "and a morning digest. Running it twice gives the same brief.",
    )  # fmt: skip
    ing = sub.add_parser("ingest", help="ingest article files, folders, URLs and feeds")
    ing.add_argument("sources", nargs="+", metavar="PATH_OR_URL",
                     help=".html/.txt/.md/.json files, folders, article or feed URLs")  # fmt: skip
    ing.add_argument("--team", default=TEAM_LOCAL, help=TEAM_HELP)
    ing.add_argument("--channel", default=None, help="Slack channel id to record as the source")
    ext = sub.add_parser("extract", help="analyse one article without storing it")
    ext.add_argument("source", metavar="PATH_OR_URL", help="an article file or URL")
    ext.add_argument("--json", action="store_true", default=True,
                     help="print the extraction JSON (the only format; the default)")  # fmt: skip
    br = sub.add_parser("brief", help="print the brief for a topic (one per topic named)")
    br.add_argument("topic", nargs="+", metavar="TOPIC",
                    help='topics or aliases; quote a name of words: "united states"')  # fmt: skip
    _output_flags(br)
    br.add_argument("--since", type=_iso_datetime, default=None, metavar="ISO_DATETIME",
                    help="only developments and events published since then (2026-01-25 or "
                    "2026-01-25T08:00:00+00:00)")  # fmt: skip
    cli_pictures.add_flags(br)
    dg = sub.add_parser("digest", help="print the digest a subscription would send now")
    dg.add_argument("topics", nargs="*", metavar="TOPIC", help="topics (default: all with news)")
    _output_flags(dg)
    sv = sub.add_parser("serve", help="run the Slack app")
    sv.add_argument("--port", type=int, default=3000, help="HTTP port (default 3000)")
    sv.add_argument("--no-workers", action="store_true",
                    help="run no ingest workers here (run `briefbot worker` instead)")  # fmt: skip
    wk = sub.add_parser("worker", help="run ingest workers only")
    wk.add_argument("--concurrency", type=int, default=None,
                    help="worker threads (default BRIEFBOT_WORKER_CONCURRENCY)")  # fmt: skip
    wk.add_argument(
        "--port", type=int, default=None, help="serve /healthz and /metrics on this port"
    )
    st = sub.add_parser("status", help="store, counts, queue, model and versions")
    st.add_argument("--json", action="store_true", help="one JSON object instead of text")
    _admin_parser(sub)
    _backup_parser(sub)
    cli_edit.add_parser(sub)
    cli_feeds.add_parser(sub)
    return p


def _backup_parser(sub: Any) -> None:
    exp = sub.add_parser("export", help="write the store (or one workspace) to a backup file")
    exp.add_argument("file", metavar="FILE", help="JSON lines; '-' for standard output")
    exp.add_argument("--team", action="append", default=None, help="only this workspace's data")
    imp = sub.add_parser("import", help="restore a backup file written by `export`")
    imp.add_argument("file", metavar="FILE", help="a file `briefbot export` wrote")
    imp.add_argument(
        "--replace",
        action="store_true",
        help="first delete the store's data of the file's workspaces",
    )
    sub.add_parser("migrate", help="upgrade the store's schema to this version's")


def _admin_parser(sub: Any) -> None:
    adm = sub.add_parser("admin", help="operator's tools: dead-lettered jobs, subscriptions")
    verbs = adm.add_subparsers(dest="admin", required=True)
    subs = verbs.add_parser("subscriptions", help="digest subscriptions of every workspace")
    subs.add_argument("--team", default=None, help="only this workspace's")
    subs.add_argument("--json", action="store_true", help="one JSON list instead of a table")
    verbs.add_parser("sweep", help="apply the retention settings now (serve does it once a day)")
    feeds = verbs.add_parser("feeds", help="feed subscriptions of every workspace")
    feeds.add_argument("--team", default=None, help="only this workspace's")
    feeds.add_argument("--json", action="store_true", help="one JSON list instead of lines")
    spaces = verbs.add_parser("workspaces", help="installed workspaces (OAuth mode)")
    spaces.add_argument("--json", action="store_true", help="one JSON list instead of a table")
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


TEAM_HELP = f"Slack workspace (team) id; default {TEAM_LOCAL}, the CLI's own"


def _output_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--team", default=TEAM_LOCAL, help=TEAM_HELP)
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="print JSON instead of text")
    fmt.add_argument("--blocks", action="store_true", help="print the Slack Block Kit blocks")


def _iso_datetime(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date-time: {value!r}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _print_json(data: object) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


# ---- commands --------------------------------------------------------------------


def cmd_ingest(deps: Deps, args: argparse.Namespace) -> int:
    results = ingest_sources(deps, args.team, args.sources)
    for failed in (r for r in results if r.status == "failed"):
        print(f"briefbot: {failed.source}: {failed.reason}", file=sys.stderr)
    print(summary_line(results))
    # an article already stored is no failure; only "nothing could be ingested" is
    return 1 if results and all(r.status == "failed" for r in results) else 0


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
    try:
        if source.startswith(("http://", "https://")):
            extracted = deps.extractor.from_page(deps.fetcher.fetch(source))
        elif Path(source).is_file():
            extracted = pipeline.extract_path(deps, Path(source))
        else:
            raise InputError(f"no such file: {source}")
        article = pipeline.analyse(deps, extracted, TEAM_LOCAL)
    except IngestError as exc:
        log.info("extract failed source=%s reason=%s detail=%s", source, exc.reason, exc)
        raise InputError(f"{source}: {exc.reason}") from exc
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
    """One brief per topic named: ``brief syria ukraine`` is two briefs, not one topic."""
    from bot.topics.brief import brief_for, published_since

    if args.chart or args.map:
        return cli_pictures.write_pictures(deps, args)
    briefs = []
    for topic in dict.fromkeys(args.topic):
        brief = brief_for(deps, args.team, topic, mark_seen=False)
        briefs.append(published_since(brief, args.since) if args.since else brief)
    if len(briefs) == 1:
        one = briefs[0]
        return _emit(args, lambda: brief_json(one), lambda: render.brief_blocks(one),
                     lambda: render.brief_text(one))  # fmt: skip
    return _emit(
        args,
        lambda: [brief_json(b) for b in briefs],
        lambda: [block for b in briefs for block in render.brief_blocks(b)],
        lambda: "\n".join(render.brief_text(b) for b in briefs),
    )


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

    if args.admin == "feeds":
        feeds = deps.feeds.for_team(args.team) if args.team else deps.feeds.all()
        feeds = sorted(feeds, key=lambda f: (f.team, int(f.id) if f.id.isdigit() else 0))
        if args.json:
            _print_json([to_jsonable(f) for f in feeds])
        else:
            print(render.admin_feeds_text(feeds))
        return 0
    if args.admin == "sweep":
        from bot.edits.retention import sweep

        print(f"retention sweep: {sweep(deps).line()}")
        return 0
    if args.admin == "subscriptions":
        found = admin.subscriptions(deps, args.team)
        if args.json:
            _print_json([to_jsonable(s) | {"last_sent_for": s.last_sent_for} for s in found])
        else:
            print(render.subscriptions_text(found))
        return 0
    if args.admin == "workspaces":
        spaces = admin.workspaces(deps)
        if args.json:
            _print_json([w.as_json() for w in spaces])
        else:
            print(render.workspaces_text(spaces))
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


def cmd_export(deps: Deps, args: argparse.Namespace) -> int:
    from bot.store import backup

    if args.file == "-":
        count = backup.export(deps.redis, sys.stdout, args.team)
    else:
        target = Path(args.file)
        partial = target.with_name(target.name + ".partial")
        try:
            with partial.open("w", encoding="utf-8") as out:
                count = backup.export(deps.redis, out, args.team)
            partial.replace(target)  # a cut-short export never looks like a whole one
        except OSError as exc:
            raise InputError(f"cannot write {target}: {exc.strerror or exc}") from exc
        print(f"exported {count} keys to {target}", file=sys.stderr)
    return 0


def cmd_import(deps: Deps, args: argparse.Namespace) -> int:
    from bot import migrations
    from bot.store import backup

    result = backup.import_file(deps.redis, Path(args.file), replace=args.replace)
    upgraded = migrations.upgrade(deps.redis)
    whose = ", ".join(result.teams) if result.teams else "every workspace"
    print(f"imported {result.keys} keys ({whose}, schema {result.schema})")
    for line in upgraded.steps:
        print(f"  upgraded {line}")
    return 0


def cmd_migrate(deps: Deps, args: argparse.Namespace) -> int:
    from bot import migrations

    upgraded = migrations.upgrade(deps.redis)
    if not upgraded.steps:
        print(f"store schema {upgraded.now}: up to date")
    for line in upgraded.steps:
        print(f"upgraded {line}")
    return 0


COMMANDS: dict[str, Command] = {
    "admin": cmd_admin,
    "export": cmd_export,
    "import": cmd_import,
    "migrate": cmd_migrate,
    "feed": cli_feeds.cmd_feed,
    "demo": cmd_demo,
    "ingest": cmd_ingest,
    "extract": cmd_extract,
    "brief": cmd_brief,
    "digest": cmd_digest,
    "edit": cli_edit.run,
    "status": cmd_status,
}
