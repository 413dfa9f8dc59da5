from __future__ import annotations

import pytest

from bot.ingest.urls import article_id, canonical_url, content_hash


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://www.Example.org/a/?utm_source=x&utm_medium=y", "https://example.org/a"),
        ("https://example.org/a#comments", "https://example.org/a"),
        ("HTTPS://EXAMPLE.ORG:443/a?b=2&a=1&fbclid=z", "https://example.org/a?a=1&b=2"),
        ("http://example.org:8080//x//y/", "http://example.org:8080/x/y"),
        ("https://example.org", "https://example.org/"),
        ("http://News.Example.org./a", "http://news.example.org/a"),  # the root's dot
        ("http://example.org:80/a", "http://example.org/a"),  # default ports only
        ("https://example.org:80/a", "https://example.org:80/a"),
        ("http://example.org:81/a", "http://example.org:81/a"),
        ("http://example.org:443/a", "http://example.org:443/a"),
        ("https://example.org:8443/a", "https://example.org:8443/a"),
        ("https://example.org/report/X/", "https://example.org/report/X"),  # case of the path kept
        ("https://example.org/a?empty=&b=1", "https://example.org/a?b=1&empty="),
        ("/relative/story", "/relative/story"),
    ],
)
def test_canonical_url(given: str, expected: str) -> None:
    assert canonical_url(given) == expected


def test_meaningful_parameters_are_kept() -> None:
    assert canonical_url("https://e.org/story?id=12") != canonical_url("https://e.org/story?id=13")


def test_content_hash_folds_case_spacing_and_punctuation() -> None:
    assert content_hash("Russia  withdrew, troops.") == content_hash("russia withdrew troops")
    assert content_hash("Russia withdrew troops") != content_hash("Russia sent troops")


def test_stored_hashes_and_ids_do_not_change_between_versions() -> None:
    """Both are kept in Redis and looked up again: a new way of computing them would
    let every article already stored be fetched and filed a second time."""
    assert content_hash("Russia withdrew troops") == "cdb11588da1c969b0ed523e5d1af979a"
    assert article_id("https://e.org/a", "h") == "40506f4b2b6ffd79"


def test_article_id_is_stable_and_url_based() -> None:
    a = article_id("https://e.org/a", "h1")
    assert a == article_id("https://e.org/a", "h2")
    assert a != article_id(None, "h1")
    assert len(a) == 16
