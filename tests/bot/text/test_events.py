"""Kinds of events: which words name which happening, and which is nearest a date."""

from __future__ import annotations

from bot.text.events import event_class_spans, event_classes, nearest_event_class


def test_different_words_for_one_happening_give_one_class() -> None:
    assert event_classes("The truce held.") == ["ceasefire"]
    assert event_classes("Both sides signed an armistice.") == ["ceasefire"]
    assert event_classes("Russia pulled its last troops out of Qamishli.") == ["withdrawal"]
    assert event_classes("The US plans to draw down its forces.") == ["withdrawal"]
    assert event_classes("Shops reopened in Raqqa.") == []


def test_classes_come_in_list_order_and_spans_in_text_order() -> None:
    text = "Russian forces pulled their troops out of Qamishli after the truce."
    assert event_classes(text) == ["ceasefire", "withdrawal"]
    assert event_class_spans(text) == [(15, 38, "withdrawal"), (61, 66, "ceasefire")]


def _span(text: str, word: str) -> tuple[int, int]:
    start = text.index(word)
    return start, start + len(word)


def test_nearest_class_to_a_date_and_skipped_spans() -> None:
    text = "Putin met Sharaa on Monday, two days after the ceasefire."
    assert nearest_event_class(text, _span(text, "Monday")) == "talks"
    # words inside a skipped span describe another event of the sentence
    after = _span(text, "two days after the ceasefire")
    met = _span(text, "met")
    assert nearest_event_class(text, _span(text, "Monday"), [met, after]) is None
    only = "The ceasefire was agreed on Monday."
    assert nearest_event_class(only, _span(only, "Monday")) == "ceasefire"
    assert nearest_event_class("Nothing happened here.", (0, 7)) is None


def test_a_tie_in_distance_goes_to_the_earlier_class() -> None:
    # both words lie inside the span (distance 0): "ceasefire" precedes "talks"
    assert nearest_event_class("Truce talks resumed.", (0, 11)) == "ceasefire"
