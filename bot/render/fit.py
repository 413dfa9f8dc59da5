"""Fitting a message into Slack's Block Kit limits by dropping its least useful parts.

A message is first laid out as a list of ``Piece``s: whole blocks, or mrkdwn
lines that join their neighbours of the same group into one section (split at
3,000 characters). Each piece has a drop rank: 0 for what must stay (the
header, the first development, the buttons); otherwise higher ranks are dropped
first (for a brief: old timeline entries, then developments beyond the top
three, then the names, then the second and third developments).

``fit`` drops pieces until the message has at most ``max_blocks`` blocks and at
most ``max_chars`` characters of text, then builds the blocks once. When
something was dropped it says so in a short context line, so a reader knows the
message was shortened. Slack has refused messages near 12,000 characters even
within the per-block limits, hence the default budget of 11,000.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.render.mrkdwn import truncate

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_CHARS = 11_000
SECTION_MAX = 3_000
FIELD_MAX = 2_000
FIELDS_MAX = 10
HEADER_MAX = 150
CONTEXT_ELEMENTS_MAX = 10
# room kept for the "shortened" note that fit() may add
NOTE_RESERVE = 160


@dataclass
class Piece:
    """One unit of a message: a block, or a mrkdwn line of a section group."""

    block: Block | None = None
    line: str | None = None
    group: str | None = None  # lines of one group, side by side, share sections
    drop: int = 0  # 0: always kept; otherwise higher ranks are dropped first
    heading: bool = False  # a group's title line: shown only with at least one other line
    footer: bool = False  # the "shortened" note goes before the first footer piece
    size: int = 0  # characters of text, computed on creation

    def __post_init__(self) -> None:
        if self.block is not None:
            self.size = text_size(self.block.to_dict())
        elif self.line is not None:
            self.line = truncate(self.line, SECTION_MAX)
            self.size = len(self.line) + 1


def block_piece(block: Block, drop: int = 0, *, footer: bool = False) -> Piece:
    return Piece(block=block, drop=drop, footer=footer)


def line_piece(line: str, group: str, drop: int = 0, *, heading: bool = False) -> Piece:
    return Piece(line=line, group=group, drop=drop, heading=heading)


def text_size(value: Any) -> int:
    """Characters of text in a block dict: every ``text`` string, at any depth."""
    if isinstance(value, dict):
        total = 0
        for key, item in value.items():
            if key == "text" and isinstance(item, str):
                total += len(item)
            else:
                total += text_size(item)
        return total
    if isinstance(value, list):
        return sum(text_size(item) for item in value)
    return 0


def fit(
    pieces: list[Piece],
    *,
    max_blocks: int = MAX_MESSAGE_BLOCKS,
    max_chars: int = MAX_CHARS,
    note: Callable[[int], str] | None = None,
) -> list[Block]:
    """Blocks for ``pieces`` within ``max_blocks`` and ``max_chars``.

    Pieces are dropped highest rank first (the later piece among equal ranks).
    ``note(n)`` gives the mrkdwn of the context line added when ``n`` pieces were
    dropped; by default a generic one.
    """
    kept = _shrink(pieces, max_blocks, max_chars)
    blocks = list(_assemble(kept, _visible_groups(kept)))
    dropped = _countable(pieces) - _countable(kept)
    if dropped > 0:
        text = (note or _default_note)(dropped)
        at = next((i for i, p in enumerate(kept) if p.footer), None)
        at_block = (
            len(blocks) if at is None else len(list(_assemble(kept[:at], _visible_groups(kept))))
        )
        blocks.insert(at_block, context(text))
    return blocks[:max_blocks]


def _default_note(dropped: int) -> str:
    things = "item" if dropped == 1 else "items"
    return f"_Shortened to fit in Slack: {dropped} {things} left out._"


def _countable(pieces: list[Piece]) -> int:
    return sum(1 for p in pieces if not p.heading)


def _shrink(pieces: list[Piece], max_blocks: int, max_chars: int) -> list[Piece]:
    """Drop the fewest pieces, in drop order, that bring the message within limits."""
    blocks, chars = measure(pieces)
    if blocks <= max_blocks and chars <= max_chars:
        return list(pieces)
    order = sorted(
        (i for i, p in enumerate(pieces) if p.drop > 0),
        key=lambda i: (pieces[i].drop, i),
        reverse=True,
    )
    budget_blocks, budget_chars = max_blocks - 1, max_chars - NOTE_RESERVE

    def without(count: int) -> list[Piece]:
        gone = set(order[:count])
        return [p for i, p in enumerate(pieces) if i not in gone]

    def fits(count: int) -> bool:
        blocks, chars = measure(without(count))
        return blocks <= budget_blocks and chars <= budget_chars

    low, high = 0, len(order)  # binary search for the fewest drops that fit
    while low < high:
        middle = (low + high) // 2
        if fits(middle):
            high = middle
        else:
            low = middle + 1
    return without(low)


def measure(pieces: list[Piece]) -> tuple[int, int]:
    """(blocks, characters) that ``pieces`` would make, without building blocks."""
    visible = _visible_groups(pieces)
    blocks = chars = 0
    section = 0  # characters in the section being filled, 0 when none is open
    previous: str | None = None
    for piece in pieces:
        if piece.line is None or piece.group not in visible:
            section, previous = 0, None
            if piece.block is not None:
                blocks, chars = blocks + 1, chars + piece.size
            continue
        if piece.group != previous or section + piece.size > SECTION_MAX:
            blocks, section = blocks + 1, 0
        section += piece.size
        chars += piece.size
        previous = piece.group
    return blocks, chars


def _visible_groups(pieces: list[Piece]) -> set[str]:
    """Groups with at least one line that is not a heading."""
    return {p.group for p in pieces if p.line is not None and not p.heading and p.group}


def _assemble(pieces: list[Piece], visible: set[str]) -> Iterator[Block]:
    lines: list[str] = []
    previous: str | None = None
    for piece in pieces:
        if piece.line is None or piece.group not in visible:
            if lines:
                yield section("\n".join(lines))
            lines, previous = [], None
            if piece.block is not None:
                yield piece.block
            continue
        size = sum(len(x) + 1 for x in lines)
        if lines and (piece.group != previous or size + len(piece.line) + 1 > SECTION_MAX):
            yield section("\n".join(lines))
            lines = []
        lines.append(piece.line)
        previous = piece.group
    if lines:
        yield section("\n".join(lines))


# ---- block builders that respect the per-block limits -------------------------------


def section(mrkdwn: str, fields: list[str] | None = None) -> SectionBlock:
    """A mrkdwn section; text cut at 3,000 and fields at 10 x 2,000, safely."""
    text = MarkdownTextObject(text=truncate(mrkdwn, SECTION_MAX)) if mrkdwn.strip() else None
    objects = [MarkdownTextObject(text=truncate(f, FIELD_MAX)) for f in (fields or []) if f.strip()]
    if text is None and not objects:
        text = MarkdownTextObject(text=" ")
    return SectionBlock(text=text, fields=objects[:FIELDS_MAX] or None)


def context(*mrkdwn: str) -> ContextBlock:
    """A context block of up to 10 mrkdwn elements."""
    elements = [MarkdownTextObject(text=truncate(m, SECTION_MAX)) for m in mrkdwn if m.strip()]
    return ContextBlock(elements=elements[:CONTEXT_ELEMENTS_MAX] or [MarkdownTextObject(text=" ")])
