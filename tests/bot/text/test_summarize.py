"""Extractive summaries: boilerplate never chosen, 2-4 sentences in document order."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.text.sentences import split_sentences
from bot.text.summarize import is_boilerplate, summarize

# A short made-up report, one sentence a line: the lead, then background.
BODY = [
    "Russian troops began leaving the airport at Qamishli on Monday, two local officials said.",
    "Convoys of trucks and armoured vehicles drove south towards the coast throughout the day.",
    "The pullback follows weeks of talks between Damascus and Moscow on the future of the bases.",
    "Residents said the runway lights were switched off shortly after the last helicopter left.",
    "Officials in Damascus did not comment on the timing of the withdrawal from the airport.",
    "The airport had served as a Russian hub in the north-east of Syria since the year 2019.",
    "Local traders said they expected fewer flights and less business over the coming months.",
    "A spokesman for the Kurdish-led administration said talks on the airport would continue.",
]

FURNITURE = [
    "By Jane Doe and Omar Haddad",
    "Photo: A convoy leaves the airport at Qamishli (Reuters/Staff Photographer)",
    "Scroll down for video",
    "Pictured: armoured vehicles on the road south of the city on Monday",
    "Follow us on Twitter for the latest updates from the region.",
    "Sign up for our morning newsletter to get the news before breakfast.",
    "Read more: What the Russian bases in Syria are worth to Moscow",
    "© 2025 Example News Ltd. All rights reserved.",
]


def text_of(lines: list[str], sep: str = " ") -> tuple[str, list[tuple[int, int]]]:
    """Join sentences into one text, with each sentence's character span."""
    spans, at = [], 0
    for line in lines:
        spans.append((at, at + len(line)))
        at += len(line) + len(sep)
    return sep.join(lines), spans


def normalised(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


# -- is_boilerplate --------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        *FURNITURE,
        "BY JOHN SMITH, DEFENCE CORRESPONDENT",
        "Photo credit: Ministry of Defence handout picture of the base",
        "The harbour at Tartus on a clear morning in May (Getty Images)",
        "Image licensed under CC BY 4.0 by the photographer named on the page",
        "Share this article with your friends and family on social media",
        "https://example.com/news/2025/01/russia-syria-bases-talks-hmeimim-tartus",
        "What do you think about the new ceasefire in the north of the country?",
        "Troops left.",  # under 6 words
        " ".join(["word"] * 81),  # over 80 words
        "Bizarre scene: residents filmed the convoy as it crossed the bridge at dawn",
        "Watch the video: the last helicopter takes off from the runway at Qamishli",
    ],
)
def test_boilerplate_is_recognised(sentence: str) -> None:
    assert is_boilerplate(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        *BODY,
        "(Reuters) - Russian forces began withdrawing from the airport at Qamishli on Monday.",
        "(CNN)A new law banning the procedure was signed by the governor on Tuesday.",
        "By that stage, the convoy had already left the base near the city.",
        "By Monday, the last Russian helicopters had left the airport, residents said.",
        "The copyright dispute between the two broadcasters reached the High Court on Tuesday.",
        "The newsletter of the ministry listed the names of every soldier who had served there.",
        "Sharaa: 'We will keep talking about the bases,' he told reporters in Moscow.",
        "Asked whether the bases would stay, he said: 'Why would you think otherwise?' and left.",
        "Sat at one of the cafÃ©'s tables is a trader who sells spare parts for trucks.",
    ],
)
def test_reporting_is_not_boilerplate(sentence: str) -> None:
    assert not is_boilerplate(sentence)


# -- summarize ----------------------------------------------------------------------


def test_summary_is_taken_from_the_lead_in_document_order() -> None:
    text, spans = text_of(BODY)
    summary = summarize(text, spans)
    assert 2 <= len(summary) <= 3
    assert summary[0] == BODY[0]
    positions = [BODY.index(s) for s in summary]
    assert positions == sorted(positions)


def test_furniture_interleaved_with_the_body_is_never_chosen() -> None:
    lines = [FURNITURE[0], FURNITURE[1], BODY[0], FURNITURE[2], FURNITURE[3], BODY[1]]
    lines += [FURNITURE[4], BODY[2], FURNITURE[5], FURNITURE[6], *BODY[3:], FURNITURE[7]]
    text, spans = text_of(lines, sep="\n")
    for max_sentences in (2, 3, 4):
        summary = summarize(text, spans, max_sentences=max_sentences)
        assert summary
        assert not set(summary) & set(FURNITURE)
        assert set(summary) <= set(BODY)


def test_sentence_count_follows_max_and_the_word_budget() -> None:
    text, spans = text_of(BODY)
    assert len(summarize(text, spans, max_sentences=2)) == 2
    assert len(summarize(text, spans, max_sentences=1)) == 1
    # short sentences: the budget lets a fourth one in when asked for
    short = [" ".join(s.split()[:9]).rstrip(",") + "." for s in BODY]
    text, spans = text_of(short)
    assert len(summarize(text, spans, max_sentences=4)) == 4
    # long lead sentences (about 45 words each) fill the budget with two
    lower = [s[0].lower() + s[1:] for s in BODY]
    long = [
        f"{BODY[a][:-1]}, and {lower[b][:-1]}; {lower[c]}"
        for a, b, c in ((0, 1, 2), (3, 4, 5), (6, 7, 1))
    ]
    text, spans = text_of(long)
    assert len(summarize(text, spans, max_sentences=4)) == 2


@pytest.mark.parametrize("bad", [0, 5, -1])
def test_max_sentences_out_of_range_is_refused(bad: int) -> None:
    with pytest.raises(ValueError, match="max_sentences"):
        summarize("One sentence here that is long enough.", [(0, 38)], max_sentences=bad)


def test_empty_and_one_sentence_texts() -> None:
    assert summarize("", []) == []
    assert summarize("   \n ", split_sentences("   \n ")) == []
    one = "Russian troops began leaving the airport at Qamishli on Monday."
    assert summarize(one, split_sentences(one)) == [one]
    # too short to be a summary sentence, but it is all the text there is
    tiny = "Troops left Qamishli."
    assert summarize(tiny, split_sentences(tiny)) == [tiny]
    # nothing but furniture gives nothing
    text, spans = text_of(FURNITURE)
    assert summarize(text, spans) == []


def test_whitespace_is_normalised_and_text_is_verbatim() -> None:
    text = (
        "Russian troops began  leaving the airport\nat Qamishli on Monday, officials said.\n"
        "Convoys of trucks drove south towards\tthe coast throughout the day."
    )
    spans = [(0, text.index("\n", 60)), (text.index("Convoys"), len(text))]
    summary = summarize(text, spans)
    assert summary == [
        "Russian troops began leaving the airport at Qamishli on Monday, officials said.",
        "Convoys of trucks drove south towards the coast throughout the day.",
    ]


def test_the_headline_is_not_body_even_when_the_parser_runs_it_into_the_lead() -> None:
    title = "Russia leaves Qamishli: what the pullback means"
    text = "\n".join([title, *BODY])
    # a parser that missed the line break hands over the headline and lead as one span
    first_end = text.index(BODY[0]) + len(BODY[0])
    spans = [(0, first_end), *[(text.index(s), text.index(s) + len(s)) for s in BODY[1:]]]
    summary = summarize(text, spans, title=title)
    assert summary[0] == BODY[0]
    assert not any(title in s for s in summary)
    # a headline cut in two on its colon is skipped as well
    colon = title.index(":")
    _, body_spans = text_of(BODY)
    spans = [(0, colon + 1), (colon + 2, len(title))]
    spans += [(a + len(title) + 1, b + len(title) + 1) for a, b in body_spans]
    summary = summarize(text, spans, title=title)
    assert summary[0] == BODY[0]
    assert all(s in BODY for s in summary)


def test_a_title_made_from_the_first_words_keeps_the_lead() -> None:
    text, spans = text_of(BODY)
    title = " ".join(text.split()[:20]) + "…"  # what the pipeline does without a headline
    assert summarize(text, spans, title=title)[0] == BODY[0]


def test_a_line_that_only_introduces_what_follows_is_skipped() -> None:
    lines = ["The ministry listed the conditions for the handover of the airport:", *BODY]
    text, spans = text_of(lines, sep="\n")
    assert lines[0] not in summarize(text, spans, max_sentences=4)


def test_split_fragments_are_rejoined_not_dropped() -> None:
    first = "Both the captain and the hooker, who have played 300 games for the club, are to retire"
    rest = "at the end of May, the club said on Thursday."
    lines = [first, rest, *BODY[1:4]]
    text, spans = text_of(lines)
    summary = summarize(text, spans)
    assert summary[0] == f"{first} {rest}"
    assert rest not in summary


def test_near_repeats_fill_the_summary_only_when_nothing_else_is_left() -> None:
    lines = [f"Officials in town number {n} reported calm streets today." for n in range(5)]
    text, spans = text_of(lines)
    assert summarize(text, spans, max_sentences=4) == lines[:2]


def test_a_repeated_sentence_is_not_chosen_twice() -> None:
    # Daily Mail style: a caption that repeats the lead word for word, minus the label
    lines = [BODY[0], BODY[0].replace(" on Monday", ""), *BODY[1:]]
    text, spans = text_of(lines)
    summary = summarize(text, spans, max_sentences=4)
    assert summary.count(BODY[0]) == 1
    assert lines[1] not in summary


def test_same_input_same_output_whatever_the_span_order() -> None:
    text, spans = text_of(BODY)
    first = summarize(text, spans, title="Russia leaves Qamishli")
    again = summarize(text, list(reversed(spans)), title="Russia leaves Qamishli")
    assert first == again == summarize(text, spans, title="Russia leaves Qamishli")


def test_entity_spans_are_accepted_and_keep_the_bounds() -> None:
    text, spans = text_of(BODY)
    entities = [(m.start(), m.end()) for m in re.finditer(r"Qamishli|Damascus|Moscow", text)]
    summary = summarize(text, spans, entity_spans=entities, max_sentences=4)
    assert 2 <= len(summary) <= 4
    assert all(s in BODY for s in summary)


def test_fallback_splitter_works_on_non_english_text() -> None:
    text = (
        "Die russischen Truppen haben am Montag den Flughafen von Qamischli verlassen. "
        "Nach Angaben von Anwohnern fuhren die Konvois in Richtung Küste. "
        "Die Regierung in Damaskus äußerte sich zunächst nicht zu dem Abzug."
    )
    summary = summarize(text, split_sentences(text))
    assert summary[0].startswith("Die russischen Truppen")
    assert 2 <= len(summary) <= 3


SENTENCES = st.sampled_from(BODY + FURNITURE + ["Short one.", "and a lower-case tail end."])


@settings(max_examples=60, deadline=None)
@given(st.lists(SENTENCES, max_size=14), st.integers(min_value=1, max_value=4))
def test_summaries_are_bounded_ordered_verbatim_and_clean(
    lines: list[str], max_sentences: int
) -> None:
    text = "\n".join(lines)
    summary = summarize(text, split_sentences(text), max_sentences=max_sentences)
    assert len(summary) <= max_sentences
    usable = {s for s in lines if s in BODY}
    if len(usable) >= 2 and max_sentences >= 2:
        assert len(summary) >= 2
    flat, cursor = normalised(text), 0
    for sentence in summary:  # each one verbatim, after the one before it
        cursor = flat.find(sentence, cursor)
        assert cursor >= 0
        cursor += len(sentence)
    assert not set(summary) & set(FURNITURE)


def test_not_below_lead3_on_the_quick_benchmark_set() -> None:
    """The issue's target, on the first 60 CNN/DM articles (skipped without the data)."""
    from bench import summaries

    folder = summaries.eval_dir()
    if folder is None:
        pytest.skip("no ../shared/eval/summaries (set BRIEFBOT_EVAL_DIR)")
    cnndm, _ = summaries.load(folder)
    docs = cnndm[: summaries.QUICK_ARTICLES]
    result = summaries.evaluate(
        "CNN/DM", docs, {"briefbot": summaries.briefbot, "lead-3": summaries.lead3}
    )
    for metric in ("rouge1", "rouge2"):
        assert result.scores["briefbot"][metric] >= result.scores["lead-3"][metric]
