from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.slack.message_links import MAX_LINKS_PER_MESSAGE, links_in


def test_plain_and_labelled_links_in_order() -> None:
    text = "see <https://a.example/x?a=1&amp;b=2|the story> and <http://b.example/>"
    assert links_in(text) == ["https://a.example/x?a=1&b=2", "http://b.example/"]


def test_mentions_and_other_schemes_are_not_links() -> None:
    text = "<@U123> <#C123|general> <!here> <!channel> <mailto:a@b.example> <ftp://x.example/f>"
    assert links_in(text) == []


def test_repeats_are_dropped_and_the_count_is_capped() -> None:
    text = " ".join(f"<https://a.example/{i}> <https://a.example/{i}>" for i in range(20))
    links = links_in(text)
    assert len(links) == MAX_LINKS_PER_MESSAGE == len(set(links))


def test_no_text() -> None:
    assert links_in(None) == [] and links_in("") == []


@given(st.text(max_size=300))
def test_only_http_links_come_out(text: str) -> None:
    for link in links_in(text):
        assert link.lower().startswith(("http://", "https://"))
        assert " " not in link and ">" not in link
