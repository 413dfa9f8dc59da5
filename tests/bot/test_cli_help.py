"""Every option of every ``briefbot`` command says what it does in ``--help``."""

from __future__ import annotations

import argparse

from bot.cli import _parser


def _parsers(
    parser: argparse.ArgumentParser, name: str
) -> list[tuple[str, argparse.ArgumentParser]]:
    found = [(name, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                found += _parsers(sub, f"{name} {sub_name}")
    return found


def test_every_option_has_help() -> None:
    silent = [
        f"{name} {action.dest}"
        for name, parser in _parsers(_parser(), "briefbot")
        for action in parser._actions
        if not isinstance(action, (argparse._HelpAction, argparse._SubParsersAction))
        and not action.help
    ]
    assert silent == []
