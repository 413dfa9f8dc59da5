"""Is this text shaped like an article? Markup, code and licences are not news.

``briefbot ingest README.md`` once filed the project's README into two topics,
with "Slack" and "Redis" among the actors. Length cannot tell: a two-paragraph
news brief is short and an article, a README is long and not one. Shape can:

* **Markdown documentation**: headings, fenced code blocks, tables, inline
  `code`, command lines (``$ make test``). A news story in Markdown may have a
  few subheads or a results table; documentation has code blocks, or several of
  these at once.
* **Source code**: a large share of the lines look like code (keywords that
  open a statement, lines that end in ``{``, ``;``, ``):``, a density of
  brackets and operators that prose never has), or a ``#!`` first line.
* **Licence text**: the MIT, Apache, GPL and BSD formulas.
* **No article text** (files and plain-text pages; an extracted web page has
  the length rules of ``article_rules``): not one complete sentence of
  reporting, or lines that are nearly all one to three words (a list).

``problem`` names what it found ("looks like Markdown documentation: headings,
code blocks"); ``bot.ingest.article_rules`` turns that into the refusal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text.sentences import ANY_SCRIPT, ends_a_sentence, split_sentences

# file suffixes that are code or configuration, refused before they are read
_CODE_SUFFIXES = """
    .py .pyi .pyw .ipynb .js .mjs .cjs .jsx .ts .tsx .go .rs .c .h .cc .cpp .hpp .cs .java
    .kt .kts .scala .swift .rb .php .pl .pm .lua .r .jl .sh .bash .zsh .fish .ps1 .bat .cmd
    .sql .css .scss .less .vue .svelte .yaml .yml .toml .ini .cfg .conf .lock .xml .xsl
    .gradle .make .mk .cmake .dockerfile .tf .proto .graphql
"""
CODE_SUFFIXES = frozenset(_CODE_SUFFIXES.split())

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+\S")
_UNDERLINE = re.compile(r"^\s{0,3}(?:=+|-+)\s*$")  # setext headings: a line of = or -
_FENCE = re.compile(r"^\s{0,3}(?:```|~~~)")
_TABLE_ROW = re.compile(r"^\s*\|.*\|.*\|\s*$")
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_COMMAND = re.compile(r"^\s*(?:\$|>>>|PS>|C:\\>)\s+\S")
_CODE_START = re.compile(
    r"""^\s*(?:
        (?:def|class|async\ def|elif|except|lambda|yield|raise|assert)\b
       |(?:import|from)\s+[\w.]+(?:\s+import\b|\s*;?$)
       |(?:function|const|let|var|export|module\.exports|require\()\b
       |(?:public|private|protected|static|void|package|namespace|using|template)\b
       |\#\s*(?:include|define|ifn?def|endif|pragma)\b
       |(?:fn|func|impl|struct|enum|trait|interface|pub)\s+\w
       |(?:if|for|while|switch|catch)\s*\(
       |(?:return|break|continue)\b[^.!?]*$
       |@\w+(?:\(|$)
       |(?:SELECT|INSERT|UPDATE|DELETE|CREATE)\s+[A-Z*]
       |[\w.\[\]"']+\s*(?:=|\+=|-=|:=)\s*\S[^.!?]*$
    )""",
    re.X,
)
_CODE_END = re.compile(r"(?:[{};]|\)\s*:|=>|->|\\|[\[(]|^\s*[\])}]+[,;]?)\s*$")
_SYMBOLS = re.compile(r"[{}\[\]()<>=;:_#*/\\|$@&^~`+%]")
_LICENCE = re.compile(
    r"permission is hereby granted, free of charge"
    r"|licensed under the apache license"
    r"|gnu (?:lesser |affero )?general public license"
    r"|redistribution and use in source and binary forms"
    r"|the software is provided \"?as is\"?, without warranty"
    r"|this source code form is subject to the terms of the mozilla public",
    re.I,
)

# "the end.Next sentence": a stop glued to the next word, as some scraped text has
_STOP_GLUED = re.compile(r"([a-z]{2}[.!?][\"'”’]?)([A-Z])")

SENTENCE_WORDS = 6  # a complete sentence of reporting has at least this many words
SENTENCE_MAX_WORDS = 90  # and at most this many (more: list lines run together)
CODE_SHARE = 0.3  # of the non-empty lines, code-like: source code
CODE_MIN_LINES = 4
SYMBOL_DENSITY = 0.12  # symbols per non-space character that prose never reaches
LIST_MIN_LINES = 10
LIST_SHARE = 0.8  # of the non-empty lines, of at most three words: a list
MANY_HEADINGS = 4
MANY_INLINE_CODE = 4


@dataclass(frozen=True)
class Shape:
    """What a text is made of, line by line."""

    lines: int  # non-empty
    headings: int
    fences: int  # fence lines (two per code block)
    table_rows: int
    inline_code: int
    commands: int
    code_lines: int
    sentences: int  # complete sentences of reporting
    short_lines: int  # of at most three words: list items, not wrapped prose
    shebang: bool
    licence: bool
    symbol_density: float


def word_count(text: str) -> int:
    """Words, counting each Chinese or Japanese character as one (no spaces there)."""
    cjk = len(_CJK.findall(text))
    return len(_CJK.sub(" ", text).split()) + cjk


def shape_of(text: str) -> Shape:
    lines = [line for line in text.splitlines() if line.strip()]
    in_fence = False
    fences = code = 0
    prose: list[str] = []  # the lines that may be reporting, a blank line between paragraphs
    for raw in text.splitlines():
        line = raw.strip()
        if _FENCE.match(raw):
            fences += 1
            in_fence = not in_fence
        elif in_fence:
            code += 1
        elif not line or _HEADING.match(raw) or _TABLE_ROW.match(raw) or _UNDERLINE.match(raw):
            prose.append("")  # a table (results, standings) is data, not code
        elif _is_code(raw):
            code += 1
            prose.append("")
        else:
            prose.append(line.lstrip("-*>•").strip())
    visible = re.sub(r"\s+", "", text)
    return Shape(
        lines=len(lines),
        headings=sum(1 for i, line in enumerate(lines) if _is_heading(lines, i)),
        fences=fences,
        table_rows=sum(1 for line in lines if _TABLE_ROW.match(line)),
        inline_code=len(_INLINE_CODE.findall(text)),
        commands=sum(1 for line in lines if _COMMAND.match(line)),
        code_lines=code,
        sentences=_sentences("\n".join(prose)),
        short_lines=sum(1 for line in lines if word_count(line) <= 3),
        shebang=bool(lines) and lines[0].lstrip().startswith("#!"),
        licence=bool(_LICENCE.search(" ".join(text.split()))),
        symbol_density=len(_SYMBOLS.findall(visible)) / max(len(visible), 1),
    )


def problem(text: str, *, markup: bool = True) -> str | None:
    """What makes ``text`` something other than an article, or None.

    ``markup``: the text is as written (a file, a text/plain page), so Markdown
    shows; an extracted HTML body has lost it and is judged on code and prose.
    """
    shape = shape_of(text)
    if shape.shebang:
        return "looks like a script (it starts with #!)"
    if shape.licence:
        return "looks like a software licence"
    if markup:
        signs = _markdown_signs(shape)
        # subheads and a results table are news too; code, with anything else, is not
        code = bool({"code blocks", "inline code"} & set(signs))
        if (code and len(signs) >= 2) or shape.fences >= 4 or len(signs) >= 3:
            return "looks like Markdown documentation: " + ", ".join(signs)
    if shape.code_lines >= CODE_MIN_LINES and shape.code_lines >= CODE_SHARE * shape.lines:
        return f"looks like source code: {shape.code_lines} of {shape.lines} lines are code"
    if not markup:  # an extracted page is judged by the length rules of article_rules
        return None
    if shape.lines >= LIST_MIN_LINES and shape.short_lines >= LIST_SHARE * shape.lines:
        return "looks like a list, not article text"
    if shape.sentences == 0:
        if shape.symbol_density >= SYMBOL_DENSITY:
            return "looks like code or data, not prose"
        return "no sentences of article text"
    return None


def _markdown_signs(shape: Shape) -> list[str]:
    signs = []
    if shape.headings >= MANY_HEADINGS:
        signs.append("headings")
    if shape.fences >= 2:
        signs.append("code blocks")
    if shape.table_rows >= 3:
        signs.append("tables")
    if shape.inline_code >= MANY_INLINE_CODE:
        signs.append("inline code")
    if shape.commands >= 2:
        signs.append("command lines")
    return signs


def _is_heading(lines: list[str], i: int) -> bool:
    if _HEADING.match(lines[i]):
        return True
    # "Title\n=====": the underline makes the line above a heading
    return i + 1 < len(lines) and bool(_UNDERLINE.match(lines[i + 1])) and len(lines[i]) < 80


def _is_code(line: str) -> bool:
    if _CODE_START.match(line) or _CODE_END.search(line):
        return not _is_sentence(line)
    visible = line.replace(" ", "")
    return len(visible) >= 8 and len(_SYMBOLS.findall(visible)) / len(visible) >= 0.25


def _sentences(prose: str) -> int:
    """Complete sentences of reporting in ``prose`` (paragraphs joined across line
    breaks, as hard-wrapped text needs). A paragraph that does not end with a stop
    still counts its sentences that do (a teaser line after it, a cut-off end)."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", prose)]
    count = 0
    for paragraph in (_STOP_GLUED.sub(r"\1 \2", p) for p in paragraphs):
        for start, end in split_sentences(paragraph, ANY_SCRIPT):
            count += _is_sentence(paragraph[start:end])
    return count


def _is_sentence(text: str) -> bool:
    """A complete sentence of enough words (not a run of list items), few symbols."""
    text = text.strip()
    long_run = len(text.split()) > SENTENCE_MAX_WORDS  # spaces: CJK sentences have none
    if word_count(text) < SENTENCE_WORDS or long_run or not ends_a_sentence(text):
        return False
    visible = text.replace(" ", "")
    return len(_SYMBOLS.findall(visible)) / max(len(visible), 1) < SYMBOL_DENSITY
