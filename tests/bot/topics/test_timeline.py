"""Dated events: every date pattern, relative dates, and merging across outlets."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.models import Event, TimelineEntry
from bot.topics.timeline import (
    SentenceInfo,
    entry_from_event,
    event_key,
    extract_events,
    merge_event,
    trim_text,
)

# Wednesday 28 January 2026, mid-morning
PUB = datetime(2026, 1, 28, 9, 30, tzinfo=UTC)
URL = "https://example.org/story"


def days(sentences: list[str], published: datetime | None = PUB) -> list[date]:
    infos = [SentenceInfo(s) for s in sentences]
    return [e.date for e in extract_events(infos, published, URL)]


def one(sentence: str, published: datetime | None = PUB) -> date:
    (found,) = days([sentence], published)
    return found


# ---- explicit dates --------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("On January 20 a ceasefire took effect across the east.", date(2026, 1, 20)),
        ("The army moved in on 15 October after weeks of talks.", date(2025, 10, 15)),
        ("Talks resumed on Jan. 20 in the capital.", date(2026, 1, 20)),
        ("Fighting stopped on 20 January 2026, officials said.", date(2026, 1, 20)),
        ("The deal was signed on January 20th, 2025, in Ankara.", date(2025, 1, 20)),
        ("Voting took place on Sept. 3 in the north.", date(2025, 9, 3)),
        ("The decree (dated 2026-01-19) was published later.", date(2026, 1, 19)),
        ("Envoys meet again on February 3, the ministry said.", date(2026, 2, 3)),
    ],
)
def test_explicit_dates(sentence: str, expected: date) -> None:
    assert one(sentence) == expected


def test_month_without_year_rolls_back_over_new_year() -> None:
    early_january = datetime(2026, 1, 5, tzinfo=UTC)
    assert one("Rebels entered the city on December 30.", early_january) == date(2025, 12, 30)


def test_month_without_year_rolls_forward_for_a_near_future_date() -> None:
    late_december = datetime(2025, 12, 28, tzinfo=UTC)
    assert one("The summit opens on January 3 in Geneva.", late_december) == date(2026, 1, 3)


def test_impossible_day_is_ignored() -> None:
    assert days(["They met on February 30, the paper claimed."]) == []


def test_no_year_and_no_publication_date_gives_nothing() -> None:
    assert days(["On January 20 a ceasefire took effect."], published=None) == []
    assert days(["On January 20, 2026 a ceasefire took effect."], published=None) == [
        date(2026, 1, 20)
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Government forces seized large areas earlier this month.",
        "The offensive began in January and slowed in the spring.",
        "Syria today is a very different country.",
        "Under a 2019 agreement, patrols ran along the border.",
        "The war that started in March 2011 is not over.",
        "Fighting continued this week near the dam.",
    ],
)
def test_expressions_naming_no_day_give_no_event(sentence: str) -> None:
    assert days([sentence]) == []


# ---- weekdays --------------------------------------------------------------------


def test_on_weekday_is_the_latest_such_day_on_or_before_publication() -> None:
    assert one("Officials said on Monday that talks would go on.") == date(2026, 1, 26)
    # published on a Wednesday: "on Wednesday" is that same day
    assert one("Putin received the delegation on Wednesday.") == date(2026, 1, 28)
    assert one("A strike on Thursday hit the depot.") == date(2026, 1, 22)


def test_last_and_next_weekday_are_strictly_before_and_after() -> None:
    assert one("The convoy left last Wednesday.") == date(2026, 1, 21)
    assert one("The convoy left last Tuesday.") == date(2026, 1, 27)
    assert one("Delegations return next Wednesday.") == date(2026, 2, 4)


def test_weekday_in_a_sentence_about_the_future_is_ahead() -> None:
    assert one("The two leaders will meet on Friday in Moscow.") == date(2026, 1, 30)
    assert one("The president is expected in Moscow on Monday.") == date(2026, 2, 2)


def test_the_publication_weekday_stays_that_day_in_a_future_sentence() -> None:
    # AP style: Wednesday's paper saying "is set to meet on Wednesday" means today
    assert one("The two leaders are set to meet in the capital on Wednesday.") == PUB.date()
    assert one("The two leaders will meet next Wednesday.") == date(2026, 2, 4)


def test_an_explicit_date_beside_a_weekday_wins() -> None:
    assert days(["The ministers met on Tuesday (Jan. 13) in the port city."]) == [date(2026, 1, 13)]
    assert days(["Talks opened Jan. 13 (Tuesday) in the port city."]) == [date(2026, 1, 13)]


def test_an_undated_article_dates_nothing_relative() -> None:
    # no publication date: no ingest clock stands in for it
    assert days(["The envoys met on Wednesday and again yesterday."], published=None) == []
    assert days(["The envoys met on January 20, 2026."], published=None) == [date(2026, 1, 20)]


def test_a_future_in_the_passive_is_ahead() -> None:
    # published Wednesday 28 January 2026
    assert one("The winner of the harbour prize will be announced on Friday.") == date(2026, 1, 30)
    assert one("The final award is to be announced on Monday.") == date(2026, 2, 2)


def test_a_future_verb_after_the_day_that_opens_its_clause() -> None:
    sentence = "A few points are left and on Friday the three parties will present their plan."
    assert one(sentence) == date(2026, 1, 30)
    assert one("Officials said on Monday that talks will resume.") == date(2026, 1, 26)


def test_mentioning_an_upcoming_meeting_is_past() -> None:
    assert one("He first mentioned his upcoming meeting on Tuesday in Davos.") == date(2026, 1, 27)


def test_a_range_of_days_is_one_happening_on_its_first_day() -> None:
    assert days(["The first round took place on January 13 and 14 in the port city."]) == [
        date(2026, 1, 13)
    ]
    assert days(["The third round is planned for February 17-18 in Geneva."]) == [date(2026, 2, 17)]
    assert days(["Talks ran 13-14 January in the port city."]) == [date(2026, 1, 13)]
    (line,) = extract_events([SentenceInfo("Talks ran 13-14 January in the port city.")], PUB, URL)
    assert "13-14 January" in line.text  # the line quotes the whole range
    # not a range: a day too far on, or two separate dates
    assert days(["Polls open March 3 and 30 ballots were spoiled."]) == [date(2026, 3, 3)]


def test_an_undated_article_takes_the_year_of_its_full_dates() -> None:
    sentences = ["On January 22, 2026, the envoys met.", "A second round opens on January 23."]
    assert days(sentences, published=None) == [date(2026, 1, 22), date(2026, 1, 23)]
    assert days(["A second round opens on January 23."], published=None) == []


def test_a_dateline_or_time_stamp_is_no_event() -> None:
    assert days(["The Hague, Jan 27 (AP)"]) == []
    assert days(["Published January 24, 2026"]) == []
    assert days(["2026-01-24 10:08"]) == []
    assert days(["date 2026-01-24"]) == []


def test_an_undated_article_takes_the_year_of_its_ingest_day() -> None:
    ingested = datetime(2026, 1, 21, 15, 0, tzinfo=UTC)
    opens = [SentenceInfo("A second round opens on January 23.")]
    assert [e.date for e in extract_events(opens, None, URL, ingested)] == [date(2026, 1, 23)]
    # the article's own full date says more about its time than the ingest day
    dated = [SentenceInfo("The envoys met on January 22, 2024."), *opens]
    assert [e.date for e in extract_events(dated, None, URL, ingested)] == [
        date(2024, 1, 22),
        date(2024, 1, 23),
    ]
    # the year only: a weekday is still not read against the ingest day
    monday = [SentenceInfo("The envoys met on Monday in the port city.")]
    assert extract_events(monday, None, URL, ingested) == []


def test_a_time_stamp_or_dateline_run_into_a_sentence_dates_nothing() -> None:
    # the stamp or dateline dates the page; the sentence's own day is the event's
    assert days(["date 2026-01-27 On Monday the ferry workers ended their strike."]) == [
        date(2026, 1, 26)
    ]
    assert days(["Porto, Jan 27 (Lusa) The ferry workers ended their strike on Monday."]) == [
        date(2026, 1, 26)
    ]


def test_a_date_that_bounds_a_time_is_no_event() -> None:
    assert days(["Talks will resume after February 9, the mediator said."]) == []
    assert days(["The curfew stays in force until 3 February in the capital."]) == []
    assert days(["The truce broke down two days after January 20."]) == [
        date(2026, 1, 22),
        date(2026, 1, 20),
    ]


def test_a_past_verb_after_the_future_clause_keeps_the_weekday_in_the_past() -> None:
    sentence = "Some troops will move to the coast, a source told Reuters on Monday."
    assert one(sentence) == date(2026, 1, 26)
    quoted = '"We will not accept it," a commander said on Tuesday.'
    assert one(quoted) == date(2026, 1, 27)


# ---- relative to publication ------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The minister resigned yesterday.", date(2026, 1, 27)),
        ("The vote is due tomorrow.", date(2026, 1, 29)),
        ("Sirens sounded this morning in the port.", date(2026, 1, 28)),
        ("The barracks were abandoned two days ago, residents said.", date(2026, 1, 26)),
        ("Aid trucks crossed a week ago.", date(2026, 1, 21)),
        ("The base was emptied 3 days ago.", date(2026, 1, 25)),
    ],
)
def test_relative_to_publication(sentence: str, expected: date) -> None:
    assert one(sentence) == expected


def test_last_week_is_seven_days_back_and_approximate() -> None:
    (event,) = extract_events([SentenceInfo("The pullout began last week.")], PUB, URL)
    assert event.date == date(2026, 1, 21)
    assert event.approximate is True
    (exact,) = extract_events([SentenceInfo("The pullout began on Monday.")], PUB, URL)
    assert exact.approximate is False
    assert event_key(event) != event_key(
        Event(date(2026, 1, 21), "The pullout began.", signature=event.signature)
    )


# ---- relative to the narrative ----------------------------------------------------


def test_days_earlier_and_later_count_from_the_previous_dated_sentence() -> None:
    sentences = [
        "Footage aired on January 26 showed vehicles loaded onto a plane.",
        "The barracks had been abandoned two days earlier.",
        "A second flight landed two days later.",
    ]
    assert days(sentences) == [date(2026, 1, 26), date(2026, 1, 24), date(2026, 1, 26)]


def test_same_day_and_next_day() -> None:
    sentences = [
        "Footage aired on January 26 showed the loading.",
        "The same day, a reporter filmed the empty barracks.",
        "The next day, the last convoy left.",
    ]
    assert days(sentences) == [date(2026, 1, 26), date(2026, 1, 26), date(2026, 1, 27)]


def test_within_a_sentence_the_earlier_date_is_the_anchor() -> None:
    sentence = "Video aired on January 26 showed a barracks abandoned two days earlier."
    assert days([sentence]) == [date(2026, 1, 26), date(2026, 1, 24)]


def test_without_a_recent_date_relative_days_count_from_publication() -> None:
    assert one("Two days earlier, the governor had fled.") == date(2026, 1, 26)
    stale = [
        "Talks opened on January 10.",
        "Nothing came of them.",
        "Both sides blamed each other.",
        "Mediators left the city.",
        "Two days later, shelling resumed.",
    ]
    assert days(stale) == [date(2026, 1, 10), date(2026, 1, 30)]


def test_days_after_an_event_dated_earlier_in_the_article() -> None:
    sentences = [
        "The ceasefire agreed on January 20 redrew the map.",
        "Two days after the truce, both sides said it was holding.",
    ]
    assert days(sentences) == [date(2026, 1, 20), date(2026, 1, 22)]


def test_days_after_an_undated_event_dates_that_event_from_the_sentence() -> None:
    sentence = "US officials said on Monday, six days after a ceasefire, that troops may leave."
    assert days([sentence]) == [date(2026, 1, 26), date(2026, 1, 20)]
    other = "On Thursday an official said a review was under way, a day after the two met."
    assert days([other], datetime(2026, 1, 30, tzinfo=UTC)) == [
        date(2026, 1, 29),
        date(2026, 1, 28),
    ]


def test_days_after_an_explicit_date() -> None:
    found = days(["Three days after January 20 the first buses returned."])
    assert found == [date(2026, 1, 23), date(2026, 1, 20)]


def test_a_weekday_before_a_calendar_date_is_the_same_day() -> None:
    assert days(["The truce was signed on Tuesday, January 20, in Damascus."]) == [
        date(2026, 1, 20)
    ]
    assert days(["They met on Monday 19 January."]) == [date(2026, 1, 19)]


# ---- event fields -----------------------------------------------------------------


def test_event_fields_come_from_the_sentence() -> None:
    info = SentenceInfo(
        "Putin received Sharaa in Moscow on Wednesday.", ["Vladimir Putin"], ["Moscow"]
    )
    (event,) = extract_events([info], PUB, URL)
    assert event.text == info.text
    assert event.actors == ["Vladimir Putin"]
    assert event.locations == ["Moscow"]
    assert event.sources == [URL]
    assert event.signature == "talks"
    (no_source,) = extract_events([info], PUB, None)
    assert no_source.sources == []


def test_long_sentences_are_cut_at_a_word_boundary() -> None:
    long = "On January 20 " + "the convoy moved slowly along the damaged road " * 8 + "at dawn."
    (event,) = extract_events([SentenceInfo(long)], PUB, URL)
    assert len(event.text) <= 200
    assert event.text.endswith("…")
    assert long.startswith(event.text[:-1])
    assert trim_text("short one") == "short one"


def test_a_long_sentence_gives_the_clause_that_carries_the_event() -> None:
    sentence = (
        "Dock workers, who walked out over pay in a dispute that has lasted since the spring "
        "and drawn in three unions and the regional council, will vote on Friday on whether "
        "to accept the latest offer from the port operators."
    )
    (event,) = extract_events([SentenceInfo(sentence)], PUB, URL)
    assert len(event.text.split()) <= 25
    assert "will vote on Friday" in event.text
    assert event.text.startswith("Dock workers")
    # extractive: every piece between ellipses is the sentence's own words
    for piece in event.text.split("…"):
        assert piece.strip() in sentence


def test_at_most_two_events_per_sentence_one_per_day() -> None:
    sentence = "Talks on January 10, January 12 and January 14 failed; on January 10 they paused."
    assert days([sentence]) == [date(2026, 1, 10), date(2026, 1, 12)]


# ---- merging across outlets -------------------------------------------------------


def key_of(sentence: str, published: datetime = PUB) -> str:
    (event,) = extract_events([SentenceInfo(sentence)], published, URL)
    return event_key(event)


def test_same_event_in_different_words_gets_one_key() -> None:
    a = key_of("The truce agreed on January 20 left Hasakah for later talks.")
    b = key_of("Damascus and the SDF reached a ceasefire on Tuesday, January 20.")
    c = key_of("Fighting stopped on January 20 when both sides agreed to halt fighting.")
    assert a == b == c == "2026-01-20|ceasefire"


def test_different_events_on_one_day_get_different_keys() -> None:
    withdrawal = key_of("US officials said on Monday that planning for a drawdown was under way.")
    meeting = key_of("The two foreign ministers met in Ankara on Monday.")
    assert withdrawal != meeting
    assert withdrawal.startswith("2026-01-26|")


def test_event_without_a_kind_falls_back_to_the_entity_nearest_the_date() -> None:
    info = SentenceInfo("Residents of Qamishli said life was normal on Tuesday.", [], ["Qamishli"])
    (event,) = extract_events([info], PUB, URL)
    assert event_key(event) == "2026-01-27|qamishli"


def test_event_key_of_an_event_built_elsewhere_uses_its_text() -> None:
    event = Event(date(2026, 1, 20), "A truce took hold across the east.")
    assert event_key(event) == "2026-01-20|ceasefire"


def test_merge_adds_sources_and_keeps_the_clearer_text() -> None:
    now = datetime(2026, 1, 29, tzinfo=UTC)
    first = Event(
        date(2026, 1, 20),
        "The ceasefire that the government and the SDF agreed on January 20, after weeks of "
        "fighting in the east, handed Damascus two governorates and left a third for talks.",
        sources=["https://a.example/1"],
    )
    entry = entry_from_event(first, datetime(2026, 1, 21, tzinfo=UTC))
    second = Event(
        date(2026, 1, 20),
        "A truce agreed on January 20 gave Damascus Raqqa and Deir ez-Zor.",
        sources=["https://b.example/2"],
    )
    merged = merge_event(entry, second, now)
    assert merged.sources == ["https://a.example/1", "https://b.example/2"]
    assert merged.text == second.text
    assert merged.updated_at == now
    assert merged.first_seen == entry.first_seen
    assert entry.sources == ["https://a.example/1"]  # the input is not changed


def test_merge_prefers_a_complete_sentence_over_a_cut_one() -> None:
    entry = TimelineEntry(date(2026, 1, 20), "A truce took hold in the east and then…", ["u1"])
    event = Event(date(2026, 1, 20), "A truce took hold across the whole of the east.", ["u2"])
    assert merge_event(entry, event, PUB).text == event.text


def test_merging_the_same_event_twice_changes_nothing() -> None:
    event = Event(date(2026, 1, 20), "A truce took hold across the east.", sources=["u1"])
    entry = entry_from_event(event, datetime(2026, 1, 21, tzinfo=UTC))
    again = merge_event(entry, event, PUB)
    assert again == entry
    assert again.updated_at == datetime(2026, 1, 21, tzinfo=UTC)
