"""Page -> article text and metadata, under a hard time limit.

trafilatura runs in persistent worker processes (``bot.ingest.extract_worker``),
reused across calls. A call that runs over ``timeout`` kills its worker
(SIGKILL: lxml cannot be interrupted from inside) and raises
``ExtractTimeout``; the next call starts a fresh one. The parent sends the
page bytes and gets a small JSON object back, so the hop costs well under a
millisecond on top of the extraction itself (docs/benchmarks.md).

Files (``read_article_file``): ``.html``/``.htm`` go through the same
extraction; ``.txt``/``.md`` take the first non-empty line as the title;
``.json`` is ``{"text", "title", "url", "published", "outlet", "author"}``
with only ``text`` required. Whatever the format, only article-shaped text is
taken: code files, Markdown documentation, licences and text without a sentence
of reporting are refused with the reason (``article_rules.check_shape``).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bot.errors import ExtractTimeout, InputError, NotAnArticle
from bot.ingest import article_rules as rules
from bot.ingest.charset import decode_bytes
from bot.ingest.extract_worker import frame
from bot.ingest.language import detect_language
from bot.models import Extracted, Page

MAX_HTML_BYTES = 6_000_000  # bytes sent to a worker at most (the fetch cap is 5 MB)
MAX_HTML_CHARS = 1_500_000  # text handed to trafilatura after scripts are stripped
MAX_FILE_BYTES = 20_000_000
START_TIMEOUT = 60.0  # a cold worker imports trafilatura and lxml
HTML_TYPES = frozenset({"", "text/html", "application/xhtml+xml"})
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent


class _Worker:
    """One child process (``python -m bot.ingest.extract_worker``) and its pipes."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.ingest.extract_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            bufsize=0,
            cwd=_PACKAGE_ROOT,  # so that "bot" imports even without an install
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self._stdin = self.process.stdin
        self._out = self.process.stdout.fileno()
        try:
            ready = self._read_frame(time.monotonic() + START_TIMEOUT)
        except EOFError:
            ready = None
        if ready != b"ready":
            self.kill()
            raise RuntimeError("the extraction worker did not start")

    def run(self, header: bytes, body: bytes, timeout: float) -> dict[str, Any] | None:
        """The worker's answer, or None when it ran over ``timeout`` (then it is killed)."""
        deadline = time.monotonic() + timeout
        message = memoryview(frame(header) + frame(body))
        while message:  # a raw pipe write may be partial
            written = self._stdin.write(message) or 0
            message = message[written:]
        data = self._read_frame(deadline)
        if data is None:
            self.kill()
            return None
        answer: dict[str, Any] = json.loads(data)
        return answer

    def _read_frame(self, deadline: float) -> bytes | None:
        head = self._read_exact(4, deadline)
        if head is None:
            return None
        return self._read_exact(int.from_bytes(head, "big"), deadline)

    def _read_exact(self, size: int, deadline: float) -> bytes | None:
        """``size`` bytes from the worker, None at the deadline, EOFError if it died."""
        buf = bytearray()
        while len(buf) < size:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self._out], [], [], remaining)[0]:
                return None
            chunk = os.read(self._out, min(size - len(buf), 1 << 20))
            if not chunk:
                raise EOFError("the extraction worker exited")
            buf += chunk
        return bytes(buf)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        self.process.kill()
        self._close_pipes()
        self.process.wait()

    def stop(self) -> None:
        self._close_pipes()  # the worker reads end of input and exits on its own
        try:
            self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.kill()

    def _close_pipes(self) -> None:
        for pipe in (self.process.stdin, self.process.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()


class Extractor:
    """Extracts articles in up to ``processes`` worker processes; thread-safe."""

    def __init__(self, *, timeout: float, processes: int = 1) -> None:
        self.timeout = timeout
        self._processes = max(1, processes)
        self._idle: list[_Worker] = []
        self._started = 0
        self._closed = False
        self._cond = threading.Condition()

    # ---- public ---------------------------------------------------------------

    def from_page(self, page: Page) -> Extracted:
        """Extract a fetched page (HTML, or plain text served as text/plain)."""
        if page.content_type == "text/plain":
            text, _ = decode_bytes(page.body, page.encoding, sniff_meta=False)
            return _from_text(text, page.final_url)
        if page.content_type not in HTML_TYPES:
            raise NotAnArticle(page.final_url, reason=f"not an article ({page.content_type})")
        return self.from_html(page.body, page.final_url, encoding=page.encoding)

    def from_html(
        self, html: str | bytes, url: str | None = None, *, encoding: str | None = None
    ) -> Extracted:
        """Extract the article of one HTML page; ``NotAnArticle`` when there is none."""
        fields = self.fields(html, url, encoding=encoding)
        return build_extracted(fields, url)

    def fields(
        self, html: str | bytes, url: str | None = None, *, encoding: str | None = None
    ) -> dict[str, Any]:
        """The raw fields the worker extracts (for benchmarks and diagnostics)."""
        body = html.encode("utf-8", errors="replace") if isinstance(html, str) else html
        if isinstance(html, str):
            encoding = "utf-8"
        if not body.strip():
            raise NotAnArticle(url or "", reason="not an article (empty page)")
        header = {"url": url, "encoding": encoding, "max_chars": MAX_HTML_CHARS}
        answer = self._run(json.dumps(header).encode("utf-8"), body[:MAX_HTML_BYTES], url)
        if not answer.get("ok"):
            raise NotAnArticle(
                f"{url}: {answer.get('error')}",
                reason="not an article (the page could not be read)",
            )
        fields: dict[str, Any] = answer["fields"]
        return fields

    def close(self) -> None:
        """Stop every worker process."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._cond.notify_all()
        for worker in idle:
            worker.stop()

    def __enter__(self) -> Extractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- worker pool ----------------------------------------------------------

    def _run(self, header: bytes, body: bytes, url: str | None) -> dict[str, Any]:
        worker = self._acquire()
        answer: dict[str, Any] | None = None
        try:
            try:
                answer = worker.run(header, body, self.timeout)
            except (EOFError, OSError):
                # the worker died between calls or during this one: one fresh try
                worker.kill()
                worker = _Worker()
                answer = worker.run(header, body, self.timeout)
        finally:
            self._release(worker if worker.alive and answer is not None else None)
        if answer is None:
            raise ExtractTimeout(f"{url}: extraction over {self.timeout}s")
        return answer

    def _acquire(self) -> _Worker:
        with self._cond:
            while True:
                if self._closed:
                    raise RuntimeError("the extractor is closed")
                if self._idle:
                    return self._idle.pop()
                if self._started < self._processes:
                    self._started += 1
                    break
                self._cond.wait()
        try:
            return _Worker()
        except BaseException:
            self._release(None)
            raise

    def _release(self, worker: _Worker | None) -> None:
        """Return a healthy worker to the pool, or free the slot of a dead one."""
        with self._cond:
            if worker is None:
                self._started -= 1
            elif self._closed:
                worker.stop()
            else:
                self._idle.append(worker)
            self._cond.notify()


def build_extracted(fields: dict[str, Any], url: str | None) -> Extracted:
    """Turn worker fields into an ``Extracted``, or raise ``NotAnArticle``."""
    raw_title = (fields.get("t_title") or fields.get("og_title") or "").strip()
    author = rules.pick_author(fields)
    body = rules.clean_body(fields.get("t_text") or "", raw_title, author)
    page_url = url or fields.get("t_url")
    rules.check_article(body, fields, page_url)
    return Extracted(
        url=page_url,
        title=rules.pick_title(fields, body),
        text=body,
        outlet=rules.pick_outlet(fields, page_url),
        author=author,
        published=rules.pick_published(fields),
        language=detect_language(body, fields.get("html_lang") or fields.get("og_locale")),
    )


# ---- files --------------------------------------------------------------------


def read_article_file(path: Path, extractor: Extractor) -> Extracted:
    """Read one article file (.html, .htm, .txt, .md, .json); ``InputError`` otherwise."""
    suffix = path.suffix.lower()
    rules.check_suffix(path.name)
    if suffix not in (".html", ".htm", ".txt", ".md", ".json"):
        raise InputError(f"{path}: unsupported file type {suffix or '(none)'}")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(f"{path}: file too large ({size} bytes)")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    if suffix in (".html", ".htm"):
        return extractor.from_html(data, None)
    text, _ = decode_bytes(data, None, sniff_meta=False)
    if suffix == ".json":
        return _from_json(text, path)
    return _from_text(text, None, markdown=suffix == ".md")


def _from_text(text: str, url: str | None, *, markdown: bool = False) -> Extracted:
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise NotAnArticle(url or "", reason="not an article (empty file)")
    rules.check_shape(text, url, markup=True)  # a README, code, a licence, a list
    title = lines[first].strip()
    if markdown:
        title = title.lstrip("#").strip()
    body = "\n".join(line.rstrip() for line in lines[first + 1 :]).strip()
    if not body:
        raise NotAnArticle(url or "", reason="not an article (no text after the title)")
    return Extracted(url=url, title=title, text=body, language=detect_language(body))


def _from_json(text: str, path: Path) -> Extracted:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InputError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected one JSON object")
    body = data.get("text")
    if not isinstance(body, str) or not body.strip():
        raise InputError(f"{path}: 'text' is required and must be a non-empty string")
    strings = {k: data.get(k) for k in ("title", "url", "outlet", "author", "published")}
    for key, value in strings.items():
        if value is not None and not isinstance(value, str):
            raise InputError(f"{path}: '{key}' must be a string")
    published = rules.parse_datetime(strings["published"]) if strings["published"] else None
    if strings["published"] and published is None:
        raise InputError(f"{path}: 'published' is not an ISO 8601 date: {strings['published']!r}")
    body = body.strip()
    rules.check_shape(body, strings["url"], markup=True)
    return Extracted(
        url=strings["url"],
        title=(strings["title"] or "").strip() or rules.pick_title({}, body),
        text=body,
        outlet=strings["outlet"],
        author=strings["author"],
        published=published,
        language=detect_language(
            body, data.get("language") if isinstance(data.get("language"), str) else None
        ),
    )
