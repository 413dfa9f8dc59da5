"""``briefbot edit``: editors' corrections from the command line.

Each subcommand calls one operation of ``bot.edits`` and prints the correction
it recorded (its number is what ``edit undo`` takes). Who corrected is
``cli:<login>``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.config import TEAM_LOCAL
from bot.store.serde import to_jsonable

if TYPE_CHECKING:
    from bot.deps import Deps
    from bot.store.edits import Correction


TEAM_HELP = f"Slack workspace (team) id; default {TEAM_LOCAL}, the CLI's own"


def add_parser(sub: Any) -> None:
    """The ``edit`` command and its subcommands, on the CLI's subparsers."""
    ed = sub.add_parser("edit", help="correct briefbot: forget, merge, move, entities, topics")
    verbs = ed.add_subparsers(dest="edit", required=True, metavar="CORRECTION")

    def verb(name: str, help_text: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = verbs.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--team", default=TEAM_LOCAL, help=TEAM_HELP)
        return p

    fg = verb("forget", "remove an article from briefbot entirely (topics, developments, counts)")
    fg.add_argument("article", metavar="URL", help="the article's URL, id or ingested file")
    rf = verb("remove", "take an article out of one topic (it stays in its other topics)")
    rf.add_argument("article", metavar="URL", help="the article's URL, id or ingested file")
    rf.add_argument("--topic", required=True, help="the topic to take it out of")
    mg = verb("merge", "merge developments into the first one (ids from `brief TOPIC --json`)")
    mg.add_argument("dev_ids", nargs="+", metavar="DEV_ID", help="two or more, of one topic")
    rt = verb("rename", "give a development a title of your own (it holds as articles join)")
    rt.add_argument("dev_id", metavar="DEV_ID", help="from `brief TOPIC --json`")
    rt.add_argument("--to", dest="title", nargs="+", required=True, metavar="TITLE",
                    help="the new title")  # fmt: skip
    mv = verb("move", "move an article to another development or to a new one of its own")
    mv.add_argument("article", metavar="URL", help="the article's URL, id or ingested file")
    where = mv.add_mutually_exclusive_group(required=True)
    where.add_argument("--to", metavar="DEV_ID", help="the development to move it to")
    where.add_argument("--new", action="store_true", help="a new development of its own")
    mv.add_argument("--topic", default=None, help="with --new: only in this topic")

    en = verbs.add_parser("entity", help="reject, merge or rename an actor or place")
    ent = en.add_subparsers(dest="action", required=True, metavar="ACTION")
    for action, help_text, flag in (
        ("reject", "not an actor or place: never extracted again in this workspace", None),
        ("merge", "the same actor or place as another: counted as that one", "--into"),
        ("rename", "give an actor or place another name", "--to"),
    ):
        p = ent.add_parser(action, help=help_text, description=help_text)
        p.add_argument("name", nargs="+", metavar="NAME", help="the name as briefbot shows it")
        if flag:
            p.add_argument(flag, dest="target", nargs="+", required=True, metavar="NAME",
                           help="the other name")  # fmt: skip
        p.add_argument("--team", default=TEAM_LOCAL, help=TEAM_HELP)

    tp = verbs.add_parser("topic", help="remove or rename a topic, change its aliases")
    tps = tp.add_subparsers(dest="action", required=True, metavar="ACTION")
    rm = tps.add_parser("remove", help="remove a topic, its state and its follows")
    rm.add_argument("name", nargs="+", metavar="NAME", help="the topic's name or an alias")
    rn = tps.add_parser("rename", help="rename a topic (the old name stays an alias)")
    rn.add_argument("name", nargs="+", metavar="NAME", help="the topic's name or an alias")
    rn.add_argument("--to", dest="target", nargs="+", required=True, metavar="NAME",
                    help="the new name")  # fmt: skip
    al = tps.add_parser("alias", help="add or remove aliases of a topic")
    al.add_argument("name", nargs="+", metavar="NAME", help="the topic's name or an alias")
    al.add_argument("--add", action="append", default=[], metavar="ALIAS", help="repeatable")
    al.add_argument("--remove", action="append", default=[], metavar="ALIAS", help="repeatable")
    cl = tps.add_parser("clean", help="remove automatic topics nobody follows or gets a digest of")
    for p in (rm, rn, al, cl):
        p.add_argument("--team", default=TEAM_LOCAL, help=TEAM_HELP)

    lg = verb("log", "list corrections, newest first: who, when, what")
    lg.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    lg.add_argument("--json", action="store_true", help="one JSON list instead of lines")
    ud = verb("undo", "undo a correction (its number from `edit log`)")
    ud.add_argument("number", type=int, metavar="N", help="the correction's number")


def run(deps: Deps, args: argparse.Namespace) -> int:
    from bot import edits  # here: the other commands need not import it
    from bot.edits.common import check_team

    team = check_team(args.team)
    who = edits.cli_editor()
    verb = args.edit
    if verb == "log":
        found = edits.log(deps, team, args.limit)
        if args.json:
            print(json.dumps([to_jsonable(c) for c in found], indent=2, ensure_ascii=False))
        else:
            print("\n".join(log_line(c) for c in found) or "no corrections yet")
        return 0
    if verb == "topic" and args.action == "clean":
        cleaned = edits.clean_topics(deps, team, who)
        print("\n".join(f"#{c.number} {c.what}" for c in cleaned) or "no topic to clean")
        return 0
    done = _correct(deps, args, team, who)
    print(f"#{done.number} {done.what}")
    return 0


def _correct(deps: Deps, args: argparse.Namespace, team: str, who: str) -> Correction:
    from bot import edits

    if getattr(args, "article", None) and Path(args.article).is_file():
        from bot.edits.common import article_id_of_file

        args.article = article_id_of_file(deps, team, Path(args.article)) or args.article
    name = " ".join(getattr(args, "name", None) or [])
    target = " ".join(getattr(args, "target", None) or [])
    actions: dict[str, Callable[[], Correction]] = {
        "forget": lambda: edits.forget(deps, team, who, args.article),
        "remove": lambda: edits.remove_from_topic(deps, team, who, args.article, args.topic),
        "merge": lambda: edits.merge(deps, team, who, args.dev_ids),
        "rename": lambda: edits.rename_development(
            deps, team, who, args.dev_id, " ".join(args.title)
        ),
        "move": lambda: edits.move(deps, team, who, args.article, to=args.to, topic=args.topic),
        "undo": lambda: edits.undo(deps, team, who, args.number),
        "entity": lambda: edits.correct_entity(deps, team, who, args.action, name, target),
        "topic remove": lambda: edits.remove_topic(deps, team, who, name),
        "topic rename": lambda: edits.rename_topic(deps, team, who, name, target),
        "topic alias": lambda: edits.change_aliases(deps, team, who, name, args.add, args.remove),
    }
    key = f"topic {args.action}" if args.edit == "topic" else args.edit
    return actions[key]()


def log_line(c: Correction) -> str:
    when = c.at.strftime("%Y-%m-%d %H:%M UTC")
    line = f"#{c.number}  {when}  {c.who}  {c.action}: {c.what}"
    if c.undone_at is not None:
        line += f"  (undone by {c.undone_by} at {c.undone_at.strftime('%Y-%m-%d %H:%M UTC')})"
    return line
