"""A rendered picture: PNG bytes with the file name, title and alt text it goes out with."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Picture:
    filename: str
    title: str
    alt: str  # what it shows, in words: a picture never replaces the text
    png: bytes
