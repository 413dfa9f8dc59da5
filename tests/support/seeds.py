"""The seed articles shipped in ``bot.seeds``, as files and as pages of the local site."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path
from typing import Any

from tests.support.pages import ArticleServer


def seed_files() -> list[Path]:
    """Every seed article's HTML file, sorted by name."""
    folder = resources.files("bot.seeds").joinpath("articles")
    return sorted(Path(str(folder)).glob("*.html"))


#: four seed articles about Syria (Qamishli, al-Sharaa)
SYRIA_NAMES = [p.name for p in seed_files() if "qamishli" in p.name or "sharaa" in p.name][:4]


def seed_path(name: str) -> Path:
    return Path(str(resources.files("bot.seeds").joinpath("articles"))) / name


def serve_seed(site: ArticleServer, name: str, path: str | None = None, **options: Any) -> str:
    """Serve one seed article on the local site (``options``: ``Route`` fields); returns its URL."""
    return site.html(path or f"/{name}", seed_path(name).read_text(), **options)


def copy_seeds(tmp_path: Path, names: list[str] | None = None) -> Path:
    """Copy the seed articles (or those named) to ``tmp_path / "seeds"``; returns that folder."""
    folder = tmp_path / "seeds"
    folder.mkdir(exist_ok=True)
    for path in seed_files():
        if names is None or path.name in names:
            shutil.copy(path, folder / path.name)
    return folder
