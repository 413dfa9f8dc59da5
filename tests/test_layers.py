"""The layer contract in pyproject.toml ([tool.importlinter]), which ``make lint`` runs.

The contract is only worth something if it fails when a rule is broken: each
case copies ``bot/`` and ``handlers/`` into a temporary folder, adds one import
that a rule forbids, and checks that ``lint-imports`` fails naming it, while the
untouched copy passes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import REPO

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter not installed")


def lint_copy(tmp_path: Path, module: str | None = None, line: str = "") -> tuple[int, str]:
    """Run lint-imports on a copy of the tree, with ``line`` appended to ``module``."""
    for package in ("bot", "handlers"):
        shutil.copytree(REPO / package, tmp_path / package, ignore=shutil.ignore_patterns("data"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    if module is not None:
        path = tmp_path / (module.replace(".", "/") + ".py")
        path.write_text(path.read_text() + f"\n{line}  # noqa\n")
    # the copy comes first on the path, ahead of the installed (editable) tree
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.returncode, done.stdout + done.stderr


def test_the_tree_keeps_every_contract(tmp_path: Path) -> None:
    code, out = lint_copy(tmp_path)
    assert code == 0, out
    assert "0 broken" in out


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        # a lower layer importing a higher one
        ("bot.topics.state", "import bot.digests.state", "a lower layer never imports"),
        ("bot.store.team", "import bot.deps", "a lower layer never imports"),
        # the core reaching Slack or the handlers
        ("bot.jobs.pipeline", "import slack_sdk", "never imports Slack"),
        ("bot.ingest.fetch", "import handlers", "never imports Slack"),
        ("bot.render.text", "import slack_bolt", "Rendering uses slack_sdk"),
        # the text toolkit depending on our models
        ("bot.text.similarity", "import bot.models", "imports nothing else of ours"),
        # a cycle inside one package
        ("bot.topics.timeline", "import bot.topics.state", "No import cycles"),
    ],
)
def test_breaking_a_rule_fails_the_lint(
    tmp_path: Path, module: str, line: str, broken: str
) -> None:
    code, out = lint_copy(tmp_path, module, line)
    assert code != 0, out
    broken_lines = [row for row in out.splitlines() if row.endswith("BROKEN")]
    assert any(broken in row for row in broken_lines), out
    assert module.rsplit(".", 1)[1] in out  # cycles are named relative to the package
