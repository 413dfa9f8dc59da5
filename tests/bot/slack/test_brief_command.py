from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import CommandError
from bot.slack.brief_command import MAX_TEXT, Command, parse


@pytest.mark.parametrize("text", ["", "  ", "help", "HELP", "?", "\u00a0"])
def test_help(text: str) -> None:
    assert parse(text).kind == "help"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("syria", Command("brief", topic="syria")),
        ("  Syria   Russia  ", Command("brief", topic="Syria Russia")),
        ("topics", Command("topics")),
        ("follow syria", Command("follow", topic="syria")),
        ("unfollow  syria", Command("unfollow", topic="syria")),
        (
            'topic add council "town hall", mayor',
            Command("topic_add", topic="council", aliases=["town hall", "mayor"]),
        ),
        (
            "digest syria, ukraine at 07:00 weekdays",
            Command("digest_add", topics=["syria", "ukraine"], hour=7, days="weekdays"),
        ),
        ("digest syria at 7.30", Command("digest_add", topics=["syria"], hour=7, minute=30)),
        (
            "digest syria at 18:05 fri,mon,wed",
            Command("digest_add", topics=["syria"], hour=18, minute=5, days="mon,wed,fri"),
        ),
        ("digest list", Command("digest_list")),
        ("digest remove 12", Command("digest_remove", sub_id="12")),
    ],
)
def test_commands(text: str, expected: Command) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "when"),
    [
        # issue 14: this subscribed to Mondays only
        ("digest syria, ukraine at 19:30 mon wed fri", (19, 30, "mon,wed,fri")),
        ("digest syria at 19:30 mon,wed,fri", (19, 30, "mon,wed,fri")),
        ("digest syria at 7am", (7, 0, "daily")),
        ("digest syria at 7 a.m. weekdays", (7, 0, "weekdays")),
        ("digest syria at 7:30pm every weekday", (19, 30, "weekdays")),
        ("digest syria at 12am daily", (0, 0, "daily")),
        ("digest syria at 12pm Mondays and Thursdays", (12, 0, "mon,thu")),
        ("digest syria at 06:15 every day", (6, 15, "daily")),
        ("digest syria at 9am weekends", (9, 0, "sat,sun")),
    ],
)
def test_digest_schedules_read_as_people_write_them(text: str, when: tuple[int, int, str]) -> None:
    cmd = parse(text)
    assert (cmd.hour, cmd.minute, cmd.days) == when


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("follow", "which topic"),
        ("topic", "topic add"),
        ("topic remove x", "topic add"),
        ('topic add "unbalanced', "quotes"),
        ("digest syria", "at 07:00"),
        ("digest syria at 25:00", "not a time"),
        ("digest syria at 07:00 someday", "not a day"),
        ("digest syria at 07:00 mon someday", "07:00 weekdays"),
        ("digest syria at 7", "7am"),
        ("digest syria at 13pm", "not a time"),
        ("digest remove ../../etc", "which subscription"),
        ("x" * (MAX_TEXT + 1), "too long"),
        ("y" * 80, "at most"),
    ],
)
def test_bad_input_gets_a_usable_message(text: str, needle: str) -> None:
    with pytest.raises(CommandError, match=needle):
        parse(text)


@given(st.text(max_size=700))
def test_parser_never_fails_unexpectedly(text: str) -> None:
    try:
        cmd = parse(text)
    except CommandError as exc:
        assert str(exc)
        return
    assert cmd.kind in {
        "help",
        "brief",
        "topics",
        "follow",
        "unfollow",
        "topic_add",
        "digest_add",
        "digest_list",
        "digest_remove",
    }
    if cmd.kind == "brief":
        assert cmd.topic and len(cmd.topic) <= 64


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60))
def test_any_short_topic_word_is_a_brief_or_a_subcommand(word: str) -> None:
    try:
        cmd = parse(word)
    except CommandError:
        return
    # a lone word is a brief, or one of the subcommands that take no argument
    assert cmd.kind in {"help", "brief", "topics", "alerts_list", "channel_show"}


@pytest.mark.parametrize(
    ("text", "edit", "args"),
    [
        ("edit forget <https://x.example/a|x.example/a>", "forget", ("https://x.example/a",)),
        ("edit remove https://x.example/a from syria", "remove", ("https://x.example/a", "syria")),
        ("edit merge d-1 d-2 d-3", "merge", ("d-1", "d-2", "d-3")),
        ("edit rename d-1 to The port deal", "rename", ("d-1", "The port deal")),
        ("edit move https://x.example/a to d-2", "move", ("https://x.example/a", "d-2")),
        ("edit move https://x.example/a new", "move", ("https://x.example/a", "")),
        ("edit entity reject Reuters", "entity-reject", ("Reuters",)),
        (
            "edit entity merge Al Qamishli into Qamishli",
            "entity-merge",
            ("Al Qamishli", "Qamishli"),
        ),
        (
            "edit entity rename Ahmad --to Ahmed al-Sharaa",
            "entity-rename",
            ("Ahmad", "Ahmed al-Sharaa"),
        ),
        ("edit topic remove said", "topic-remove", ("said",)),
        ("edit topic rename syria to levant", "topic-rename", ("syria", "levant")),
        ("edit topic alias syria add al sham", "topic-alias-add", ("syria", "al sham")),
        ("edit topic clean", "topic-clean", ()),
        ("edit log", "log", ()),
        ("edit undo #3", "undo", ("3",)),
    ],
)
def test_edit_commands(text: str, edit: str, args: tuple[str, ...]) -> None:
    assert parse(text) == Command("edit", edit=edit, args=args)


@pytest.mark.parametrize(
    "text", ["edit", "edit merge d-1", "edit entity merge Qamishli", "edit undo x", "edit move u"]
)
def test_incomplete_edits_get_the_list_of_corrections(text: str) -> None:
    with pytest.raises(CommandError, match="corrections:"):
        parse(text)


def test_feed_commands() -> None:
    added = parse("feed add <https://news.example/rss|news.example/rss> to Syria war")
    assert (added.kind, added.url, added.topic) == (
        "feed_add",
        "https://news.example/rss",
        "Syria war",
    )
    plain = parse("feed add https://news.example/feed.json")
    assert (plain.kind, plain.url, plain.topic) == (
        "feed_add",
        "https://news.example/feed.json",
        "",
    )
    assert parse("feed list").kind == "feed_list"
    removed = parse("feed remove 12")
    assert (removed.kind, removed.sub_id) == ("feed_remove", "12")


@pytest.mark.parametrize("text", ["feed", "feed add", "feed remove x", "feed remove", "feed zap"])
def test_bad_feed_commands_say_how(text: str) -> None:
    with pytest.raises(CommandError):
        parse(text)


def test_channel_commands() -> None:
    assert parse("channel").kind == "channel_show"
    assert parse("channel clear").kind == "channel_clear"
    files = parse("channel files Syria war")
    assert (files.kind, files.topic) == ("channel_files", "Syria war")
    with pytest.raises(CommandError):
        parse("channel files")
    with pytest.raises(CommandError):
        parse("channel zap")


def test_digest_pictures_switch() -> None:
    on = parse("digest pictures 3 on")
    assert (on.kind, on.sub_id, on.days) == ("digest_pictures", "3", "on")
    assert parse("digest pictures 3 OFF").days == "off"
    for bad in ("digest pictures", "digest pictures 3", "digest pictures 3 maybe"):
        with pytest.raises(CommandError):
            parse(bad)
