"""Escaping, links and safe truncation of Slack mrkdwn."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.render.mrkdwn import (
    ELLIPSIS,
    escape,
    host_label,
    is_web_url,
    link,
    truncate,
    truncate_plain,
    unescape,
)

ENTITY_AT = re.compile(r"&(amp|lt|gt);")


def test_escape_replaces_exactly_three_characters() -> None:
    assert (
        escape("a & b <!channel> <@U123> > c") == "a &amp; b &lt;!channel&gt; &lt;@U123&gt; &gt; c"
    )
    assert escape("*bold* _it_ `code` \"q\" 'q'") == "*bold* _it_ `code` \"q\" 'q'"
    assert escape("&amp;") == "&amp;amp;"


@given(st.text())
def test_escaped_text_has_no_angle_brackets_and_round_trips(text: str) -> None:
    escaped = escape(text)
    assert "<" not in escaped and ">" not in escaped
    assert unescape(escaped) == text
    # every ampersand left starts one of the three entities
    assert all(ENTITY_AT.match(escaped, m.start()) for m in re.finditer("&", escaped))


def test_link_escapes_its_label() -> None:
    assert link("https://ex.org/a?b=1&c=2", "Tom & Jerry <!here>") == (
        "<https://ex.org/a?b=1&amp;c=2|Tom &amp; Jerry &lt;!here&gt;>"
    )


def test_link_keeps_url_from_breaking_out() -> None:
    made = link("https://ex.org/a|b>c d", "x")
    assert made == "<https://ex.org/a%7Cb%3Ec%20d|x>"
    assert made.count("|") == 1 and made.count(">") == 1


def test_link_refuses_non_web_urls() -> None:
    for url in (
        "javascript:alert(1)",
        "slack://open",
        "/relative/path",
        "ftp://ex.org/f",
        None,
        "",
    ):
        assert link(url, "a <b>") == "a &lt;b&gt;"
    assert link("HTTPS://EX.ORG/", "ok").startswith("<HTTPS://EX.ORG/|")


def test_helpers() -> None:
    assert (
        is_web_url("http://ex.org") and not is_web_url("http://") and not is_web_url("mailto:a@b")
    )
    assert host_label("https://www.levant.example/story") == "levant.example"


def test_truncate_leaves_short_text_alone() -> None:
    assert truncate("short &amp; sweet", 100) == "short &amp; sweet"
    assert truncate_plain("short", 5) == "short"


def test_truncate_never_cuts_an_entity() -> None:
    text = "x" * 10 + "&amp;" + "y" * 10
    for limit in range(11, 16):
        cut = truncate(text, limit)
        assert cut.endswith(ELLIPSIS)
        assert "&" not in cut or "&amp;" in cut


def test_truncate_never_cuts_a_link() -> None:
    text = "see " + link("https://ex.org/long/path", "the full story") + " now please"
    for limit in range(6, len(text)):
        cut = truncate(text, limit)
        assert len(cut) <= limit
        assert cut.count("<") == cut.count(">")


def test_truncate_prefers_word_boundaries() -> None:
    text = "alpha beta gamma delta epsilon"
    assert truncate(text, 25) == "alpha beta gamma delta…"
    assert truncate_plain(text, 25) == "alpha beta gamma delta…"
    assert truncate("abcdefghij" * 3, 12) == "abcdefghija…"  # no space near: a hard cut


mrkdwn_parts = st.one_of(
    st.text(min_size=1, max_size=12).map(escape),
    st.builds(link, st.just("https://ex.org/p?q=1&r=2"), st.text(min_size=1, max_size=12)),
    st.just(" "),
)


@given(st.lists(mrkdwn_parts, max_size=20).map("".join), st.integers(min_value=0, max_value=200))
def test_truncate_is_safe_for_any_escaped_text(text: str, limit: int) -> None:
    cut = truncate(text, limit)
    assert len(cut) <= limit
    body = cut.removesuffix(ELLIPSIS)
    assert text.startswith(body)
    assert body.count("<") == body.count(">")  # no link cut in half
    tail = body[body.rfind("&") :] if "&" in body else ""
    assert not tail or ENTITY_AT.match(tail)  # no "&am" at the end


# ---- exact cuts: each pins one rule of the truncation (found by `make mutate`) ----------


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("abc", 3, "abc"),  # exactly at the limit: untouched
        # a complete link before the cut stays, even when an earlier link exists
        ("<https://e.org|a> bbbb cccc dddd eeee", 27, "<https://e.org|a> bbbb…"),
        ("<a.org|b> <https://c.org|d> more words here", 30, "<a.org|b> <https://c.org|d>…"),
        # a cut inside a link drops the whole link, wherever it starts
        ("a<https://e.org/long|label> tail", 12, "a…"),
        # a cut inside an entity drops the entity, the last one before the cut
        ("a &amp; b &lt;c and more", 14, "a &amp; b…"),
        ("&lt;tag&gt; rest of it", 4, "…"),
        # a cut right after a complete entity keeps it
        ("ab &lt; cdefgh", 8, "ab &lt;…"),
    ],
)
def test_truncate_cuts_exactly_here(text: str, limit: int, expected: str) -> None:
    assert truncate(text, limit) == expected


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("abcdefghij", 5, "abcd…"),
        ("abc defghij", 5, "abc…"),  # the space before the ellipsis goes
        ("abcdefgh ijklmnop", 11, "abcdefgh i…"),  # a space at exactly 4/5: the word is cut
        ("abcdefg hijklmnop", 11, "abcdefg hi…"),  # a space before 4/5: the word is cut
        ("ab cdefghijklmnop", 11, "ab cdefghi…"),
    ],
)
def test_truncate_plain_cuts_exactly_here(text: str, limit: int, expected: str) -> None:
    assert truncate_plain(text, limit) == expected


def test_a_negative_limit_is_refused_with_a_reason() -> None:
    with pytest.raises(ValueError, match=r"^limit must not be negative$"):
        truncate("abc", -1)


def test_links_and_labels_of_empty_or_odd_input() -> None:
    assert is_web_url("") is False and is_web_url(None) is False
    assert is_web_url("http://[bad") is False  # unparsable
    assert link("https://e.org", "") == "<https://e.org|https://e.org>"
    assert link(None, " ") == ""
    assert host_label("file:///x") == "file:///x"  # no host: the URL itself
    assert host_label("http://[bad") == "http://[bad"  # unparsable: the URL itself
