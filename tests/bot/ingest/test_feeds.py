from __future__ import annotations

from bot.ingest.feeds import MAX_ITEMS, feed_links, is_feed

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><title>a</title><link>https://news.example/a</link></item>
<item><title>b</title><link>/b</link></item>
<item><title>c</title><link>javascript:alert(1)</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">
<entry><link rel="alternate" href="https://n.example/1"/><link rel="edit" href="https://n.example/e"/></entry>
</feed>"""


def test_rss_links_are_absolute_and_http_only() -> None:
    assert feed_links(RSS, "https://news.example/feed.xml") == [
        "https://news.example/a",
        "https://news.example/b",
    ]


def test_atom_takes_the_alternate_link() -> None:
    assert feed_links(ATOM, "https://n.example/") == ["https://n.example/1"]


def test_entity_expansion_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><rss>&b;</rss>'
    )
    assert feed_links(bomb, "https://x.example/") == []


def test_garbage_is_an_empty_feed() -> None:
    assert feed_links(b"\x00\xffnot xml", "https://x.example/") == []


def test_item_count_is_capped() -> None:
    items = b"".join(b"<item><link>https://x.example/%d</link></item>" % i for i in range(200))
    assert (
        len(feed_links(b"<rss><channel>" + items + b"</channel></rss>", "https://x.example/"))
        == MAX_ITEMS
    )


def test_feed_detection() -> None:
    assert is_feed("application/rss+xml", b"")
    assert is_feed("text/xml", RSS)
    assert not is_feed("text/html", b"<html><body>rss</body></html>")
