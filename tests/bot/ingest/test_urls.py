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
    ],
)
def test_canonical_url(given: str, expected: str) -> None:
    assert canonical_url(given) == expected


def test_meaningful_parameters_are_kept() -> None:
    assert canonical_url("https://e.org/story?id=12") != canonical_url("https://e.org/story?id=13")


def test_content_hash_folds_case_spacing_and_punctuation() -> None:
    assert content_hash("Russia  withdrew, troops.") == content_hash("russia withdrew troops")
    assert content_hash("Russia withdrew troops") != content_hash("Russia sent troops")


def test_article_id_is_stable_and_url_based() -> None:
    a = article_id("https://e.org/a", "h1")
    assert a == article_id("https://e.org/a", "h2")
    assert a != article_id(None, "h1")
    assert len(a) == 16
