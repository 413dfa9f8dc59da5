"""Sentence boundaries: the three rule sets, line breaks, and where a lead ends."""

from __future__ import annotations

from bot.text.sentences import (
    ANY_SCRIPT,
    ENGLISH,
    SentenceRules,
    cut_at_line_breaks,
    ends_a_sentence,
    lead_end_of,
    split_sentences,
)


def sentences(text: str, rules: SentenceRules = ENGLISH) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text, rules)]


# -- ENGLISH -------------------------------------------------------------------------


def test_english_respects_abbreviations_quotes_and_lines() -> None:
    text = (
        'He said "It is over." Then Gov. Brownback left for the U.S. capital. '
        "J. Smith arrived at 3.5 p.m. on Monday! Was it policy? Yes.\n"
        "  A new paragraph starts here  \n\nAnd another one."
    )
    assert sentences(text) == [
        'He said "It is over."',
        "Then Gov. Brownback left for the U.S. capital.",
        "J. Smith arrived at 3.5 p.m. on Monday!",
        "Was it policy?",
        "Yes.",
        "A new paragraph starts here",
        "And another one.",
    ]


def test_english_keeps_every_closing_mark_with_its_sentence() -> None:
    text = 'Then (it ended.) [Next] one. "Why?" she asked.'
    assert sentences(text) == ["Then (it ended.)", "[Next] one.", '"Why?" she asked.']


def test_empty_text_has_no_sentences() -> None:
    for rules in (ENGLISH, ANY_SCRIPT):
        assert split_sentences("", rules) == []
        assert split_sentences(" \n\n \t", rules) == []


# -- ANY_SCRIPT (languages without a model) ------------------------------------------


def test_any_script_splits_german_by_punctuation_and_lines() -> None:
    text = "Erste Zeile. Zweiter Satz!\n\nDritter Satz? Ja."
    assert sentences(text, ANY_SCRIPT) == ["Erste Zeile.", "Zweiter Satz!", "Dritter Satz?", "Ja."]


def test_any_script_knows_other_capitals_but_no_abbreviations() -> None:
    text = "Затем войска ушли. Émile waited. Gov. Brownback left."
    assert sentences(text, ANY_SCRIPT) == [
        "Затем войска ушли.",
        "Émile waited.",
        "Gov.",
        "Brownback left.",
    ]
    # the English rules split before ASCII capitals only, and skip "Gov."
    assert sentences(text) == ["Затем войска ушли. Émile waited.", "Gov. Brownback left."]


def test_any_script_leaves_a_closing_quote_out_of_both_sentences() -> None:
    text = "Он сказал: «Мы уходим.» Затем войска ушли."
    assert sentences(text, ANY_SCRIPT) == ["Он сказал: «Мы уходим.", "Затем войска ушли."]


# -- line breaks and leads -----------------------------------------------------------


def test_parser_spans_are_cut_at_line_breaks_and_trimmed() -> None:
    text = "Headline without a stop\n  First sentence. Second one.  \n\nNext."
    spans = [(0, text.index("Next") - 1), (text.index("Next"), len(text))]
    assert [text[a:b] for a, b in cut_at_line_breaks(text, spans)] == [
        "Headline without a stop",
        "First sentence. Second one.",
        "Next.",
    ]


def test_the_lead_ends_after_any_stop_and_whitespace() -> None:
    text = "Gov. Smith spoke at 3 p.m. on Monday. Then he left.\nNo stop here\nLast one."
    assert text[: lead_end_of(text, 1)] == "Gov. "
    assert text[: lead_end_of(text, 3)] == "Gov. Smith spoke at 3 p.m. on Monday. "
    # a line break counts only after a stop; a short text is all lead, within the cap
    assert lead_end_of(text, 5) == len(text)
    assert lead_end_of(text, 5, max_chars=20) == 20
    assert lead_end_of(text, 0) == 0


def test_a_line_ends_a_sentence_in_any_script() -> None:
    for line in ["He left.", "他走了。", "Wirklich？", "«Nous partons»", "Why? ", '"Go"']:
        assert ends_a_sentence(line), line
    for line in ["Read more", "Home | News", "Sport: live scores", ""]:
        assert not ends_a_sentence(line), line
