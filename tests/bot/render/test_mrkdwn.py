"""Escaping, links and safe truncation of Slack mrkdwn."""

from __future__ import annotations

import re

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
