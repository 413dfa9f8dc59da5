"""``briefbot feed`` end to end, as separate processes on the embedded store,
with a feed and its articles served on loopback."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.test_cli import briefbot
from tests.support.pages import ArticleServer
from tests.support.seeds import SYRIA_NAMES, serve_seed


def test_feed_add_poll_list_remove(tmp_path: Path, article_site: ArticleServer) -> None:
    links = [serve_seed(article_site, name) for name in SYRIA_NAMES[:2]]
    entries = "".join(
        f'<entry><id>urn:{i}</id><link href="{url}"/></entry>' for i, url in enumerate(links)
    )
    feed_url = article_site.add(
        "/atom",
        f'<feed xmlns="http://www.w3.org/2005/Atom">{entries}</feed>'.encode(),
        content_type="application/atom+xml",
    )
    data = tmp_path / "data"
    env = {"BRIEFBOT_FETCH_ALLOW_HOSTS": article_site.allow_entry}

    def run(*args: str) -> tuple[int, str]:
        done = briefbot("feed", *args, data_dir=data, env=env)
        return done.returncode, done.stdout + done.stderr

    assert run("add", feed_url, "--topic", "desk") == (
        0,
        f"feed 1 added: {feed_url}, filed into desk\n",
    )
    code, out = run("add", "ftp://example.org/feed")
    assert code == 1 and "scheme not allowed" in out
    code, out = run("poll", "--once")
    assert code == 0 and "feed T_LOCAL/1: new, 2 new" in out
    assert run("poll", "--once") == (0, "no feed is due\n")
    code, out = run("list", "--json")
    [feed] = json.loads(out)
    assert (feed["items"], feed["topic"], feed["last_error"]) == (2, "desk", None)
    assert all(article_site.route(f"/{name}").hits == 1 for name in SYRIA_NAMES[:2])
    code, out = run("list")
    assert code == 0 and out.startswith(f"1. {feed_url} -> desk  (2 items; last success 20")
    assert run("remove", "1") == (0, "feed 1 removed\n")
    code, out = run("remove", "1")
    assert code == 1 and "no feed 1" in out
    assert run("list") == (0, "No feeds yet.\n")
