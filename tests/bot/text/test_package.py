"""The text toolkit stands alone: it imports nothing of ours outside ``bot.text``."""

from __future__ import annotations

import ast
from pathlib import Path

import bot.text

PACKAGE = Path(bot.text.__file__).parent
# modules first, then those that may import them: a later module never imported earlier
ORDER = [
    "names",
    "datelines",
    "sentences",
    "events",
    "terms",
    "similarity",
    "dates",
    "summarize",
    "encoder",
]


def _our_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{a.name}" for a in node.names]
            found.update(n for n in [node.module, *names] if n.split(".")[0] == "bot")
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "bot")
    return found


def test_text_imports_nothing_else_of_ours() -> None:
    modules = sorted(PACKAGE.glob("*.py"))
    assert {p.stem for p in modules} == {"__init__", *ORDER}
    for path in modules:
        outside = {m for m in _our_imports(path) if not m.startswith("bot.text")}
        assert not outside, (path.name, outside)


def test_imports_inside_the_package_point_one_way() -> None:
    for i, name in enumerate(ORDER):
        ours = _our_imports(PACKAGE / f"{name}.py")
        imported = {m.split(".")[2] for m in ours if m.count(".") >= 2}
        later = imported & set(ORDER[i:])
        assert not later, (name, later)
