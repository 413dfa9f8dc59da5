from __future__ import annotations

from bot.ingest.feeds import MAX_ITEMS, feed_links, is_feed, parse_feed

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


def _rss(count: int) -> bytes:
    items = b"".join(b"<item><link>https://x.example/%d</link></item>" % i for i in range(count))
    return b"<rss><channel>" + items + b"</channel></rss>"


def test_item_count_is_capped() -> None:
    assert len(feed_links(_rss(MAX_ITEMS + 50), "https://x.example/")) == MAX_ITEMS


def test_a_burst_of_a_hundred_new_items_is_read_whole() -> None:
    # items past the cap are never seen by a later poll (the newest come first)
    assert len(feed_links(_rss(100), "https://x.example/")) == 100


def test_feed_detection() -> None:
    assert is_feed("application/rss+xml", b"")
    assert is_feed("text/xml", RSS)
    assert not is_feed("text/html", b"<html><body>rss</body></html>")


# ---- items with stable keys: RSS guid, Atom id, JSON Feed ------------------------------

JSON_FEED = b"""{"version": "https://jsonfeed.org/version/1.1", "title": "t",
 "items": [{"id": "j-2", "url": "https://j.example/2", "title": "Two"},
           {"id": 1, "external_url": "/1"},
           {"id": "j-x", "url": "file:///etc/passwd"},
           "junk", {"title": "no link"}]}"""


def test_items_carry_guid_and_id_as_keys() -> None:
    rss = b"""<rss version="2.0"><channel><item><title>a</title><guid>g-1</guid>
    <link>https://news.example/a</link></item><item><link>https://news.example/b</link></item>
    </channel></rss>"""
    items = parse_feed(rss, "https://news.example/")
    assert items is not None
    assert [(i.key, i.link, i.title) for i in items] == [
        ("g-1", "https://news.example/a", "a"),
        ("https://news.example/b", "https://news.example/b", ""),  # no guid: the link
    ]
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>tag:n,2026:1</id>
    <link href="https://n.example/1"/></entry></feed>"""
    assert [i.key for i in parse_feed(atom, "https://n.example/") or []] == ["tag:n,2026:1"]


def test_json_feed_items_are_read_and_only_http_links_kept() -> None:
    items = parse_feed(JSON_FEED, "https://j.example/feed.json")
    assert items is not None
    assert [(i.key, i.link) for i in items] == [
        ("j-2", "https://j.example/2"),
        ("1", "https://j.example/1"),
    ]
    assert feed_links(JSON_FEED, "https://j.example/") == [
        "https://j.example/2",
        "https://j.example/1",
    ]
    assert is_feed("application/feed+json", b"") and is_feed("application/json", JSON_FEED)


def test_what_is_no_feed_is_none() -> None:
    assert parse_feed(b"<html><body>x</body></html>", "https://x.example/") is None
    assert parse_feed(b'{"version": "2", "items": []}', "https://x.example/") is None
    assert parse_feed(b"{not json", "https://x.example/") is None
    assert parse_feed(b"[" * 100_000, "https://x.example/") is None  # deep nesting
    assert parse_feed(b"<rss><channel/></rss>", "https://x.example/") == []
