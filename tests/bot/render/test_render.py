"""Rendering briefs, digests and replies: exact key parts, Slack's limits, escaping."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot import render
from bot.digests.subscriptions import Subscription
from bot.models import (
    Article,
    ArticleRef,
    Brief,
    Development,
    Digest,
    Entity,
    IngestResult,
    Marks,
    Place,
    RankedName,
    TimelineEntry,
    Topic,
)
from bot.render.fit import text_size

NOW = datetime(2026, 1, 28, 14, 0, tzinfo=UTC)
SINCE = datetime(2026, 1, 25, 9, 0, tzinfo=UTC)
HOSTILE = "Breaking <!channel> & <@U123> <https://evil.example|click>"
# what may legitimately remain between angle brackets in our mrkdwn
ALLOWED_TOKENS = re.compile(r"<(https?://[^<>|]+\|[^<>]*|!date\^\d+\^[^<>|]*\|[^<>]*|#C[A-Z0-9]+)>")


def ref(n: int, outlet: str, copies: list[dict[str, str]] | None = None) -> ArticleRef:
    url = f"https://{outlet.lower().replace(' ', '')}.example/{n}"
    return ArticleRef(str(n), url, f"Story {n}", outlet, NOW, copies or [])


def dev(n: int = 1, **changes: Any) -> Development:
    base = Development(
        id=f"d{n}",
        topic="syria",
        title="Russia pulls troops out of Qamishli",
        summary="Russian forces left the airport on Tuesday. Officials confirmed it.",
        first_seen=datetime(2026, 1, 22, 9, tzinfo=UTC),
        last_seen=datetime(2026, 1, 28, 9, tzinfo=UTC),
        updated_at=NOW,
        created_at=datetime(2026, 1, 26, 9, tzinfo=UTC),
        articles=[
            ref(1, "Levant Ledger", [{"url": "https://copy.example/1", "outlet": "Copy Times"}]),
            ref(2, "Atlas Daily"),
        ],
        article_count=5,
        outlets=["Levant Ledger", "Atlas Daily", "Copy Times", "Desert Post", "Gulf Wire"],
    )
    return replace(base, **changes)


def all_new(developments: list[Development], new_events: frozenset[int] = frozenset()) -> Marks:
    return Marks({d.id: "new" for d in developments}, new_events)


def brief(**changes: Any) -> Brief:
    base = Brief(
        topic="syria",
        team="T1",
        generated_at=NOW,
        article_count=18,
        source_count=6,
        developments=[
            dev(1),
            dev(2, title="Sharaa and Putin discuss the bases"),
        ],
        actors=[
            RankedName("Ahmed al-Sharaa", "person", 12),
            RankedName("Vladimir Putin", "person", 9),
        ],
        locations=[RankedName("Qamishli", "city", 8, "SY"), RankedName("Tartus", "city", 3, "SY")],
        timeline=[
            TimelineEntry(
                date(2026, 1, 20),
                "Ceasefire between the SDF and Damascus",
                ["https://levant.example/1", "https://www.atlas.example/2"],
            ),
            TimelineEntry(
                date(2026, 1, 27),
                "Troops leave Qamishli",
                ["https://l.example/3"],
                approximate=True,
            ),
        ],
        since=SINCE,
        marks=Marks({"d1": "new", "d2": "updated"}, frozenset({1})),
    )
    return replace(base, **changes)


def dicts(blocks: Any) -> list[dict[str, Any]]:
    return render.blocks_to_dicts(blocks)


def texts(blocks: list[dict[str, Any]]) -> list[str]:
    """Every text string in the blocks, at any depth."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "text" and isinstance(item, str):
                    found.append(item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(blocks)
    return found


def assert_no_raw_markup(blocks: list[dict[str, Any]]) -> None:
    """No mention, broadcast or foreign link survives: only our links and date tokens."""
    for text in texts(blocks):
        leftover = ALLOWED_TOKENS.sub("", text)
        assert "<" not in leftover and ">" not in leftover, text


def assert_within_limits(blocks: list[dict[str, Any]], max_blocks: int = 50) -> None:
    assert len(blocks) <= max_blocks
    assert text_size(blocks) <= 11_000
    for block in blocks:
        if block["type"] == "section":
            assert len(block.get("text", {}).get("text", "")) <= 3000
            assert len(block.get("fields", [])) <= 10
            assert all(len(f["text"]) <= 2000 for f in block.get("fields", []))
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "context":
            assert len(block["elements"]) <= 10


# ---- briefs as blocks -----------------------------------------------------------------


def test_brief_blocks_layout() -> None:
    blocks = dicts(render.brief_blocks(brief()))
    assert [b["type"] for b in blocks] == [
        "header", "section", "divider", "section", "section", "section", "section", "context",
        "actions",
    ]  # fmt: skip
    assert blocks[0]["text"] == {"type": "plain_text", "text": "Brief: syria", "emoji": True}
    assert blocks[1]["text"]["text"] == (
        "*18 articles* from *6 outlets*\n1 new, 1 updated since "
        "<!date^1769331600^{date_short_pretty} {time}|2026-01-25 09:00 UTC>."
    )
    assert blocks[3]["text"]["text"] == (
        "*1. New: Russia pulls troops out of Qamishli*\n"
        "Russian forces left the airport on Tuesday. Officials confirmed it.\n"
        "_5 articles · Jan 22–28 · <https://levantledger.example/1|Levant Ledger>, "
        "<https://atlasdaily.example/2|Atlas Daily>, <https://copy.example/1|Copy Times> "
        "(+2 more)_ · `d1`"
    )
    assert blocks[4]["text"]["text"].startswith("*2. Update: Sharaa and Putin discuss the bases*")
    assert [f["text"] for f in blocks[5]["fields"]] == [
        "*Who is involved*\nAhmed al-Sharaa (12), Vladimir Putin (9)",
        "*Where*\nQamishli (SY), Tartus (SY)",
    ]
    timeline = blocks[6]["text"]["text"].split("\n")
    assert timeline[0] == "*Timeline*"
    assert timeline[1] == (
        "`2026-01-20` Ceasefire between the SDF and Damascus — "
        "<https://levant.example/1|levant.example>, <https://www.atlas.example/2|atlas.example>"
    )
    assert (
        timeline[2]
        == "`~2026-01-27` *New:* Troops leave Qamishli — <https://l.example/3|l.example>"
    )
    buttons = blocks[8]["elements"]
    assert [(b["action_id"], b["value"], b["text"]["text"]) for b in buttons] == [
        ("brief_post", "syria", "Post to channel"),
        ("brief_follow", "syria", "Follow"),
    ]


def test_brief_without_actions_has_no_buttons() -> None:
    blocks = dicts(render.brief_blocks(brief(), actions=False))
    assert "actions" not in [b["type"] for b in blocks]


def test_first_brief_marks_nothing() -> None:
    blocks = dicts(render.brief_blocks(brief(since=None)))
    joined = "\n".join(texts(blocks))
    assert "New:" not in joined and "Update:" not in joined and "since" not in joined
    assert blocks[1]["text"]["text"] == "*18 articles* from *6 outlets*"


def test_quiet_brief_says_so() -> None:
    quiet = brief(developments=[dev(1)], quiet=True, marks=Marks())
    blocks = dicts(render.brief_blocks(quiet))
    assert "Nothing new since <!date^1769331600^" in blocks[1]["text"]["text"]
    assert blocks[3]["text"]["text"].startswith("*1. Russia pulls troops")


def test_brief_with_no_articles_yet() -> None:
    empty = brief(article_count=0, source_count=0, developments=[], actors=[], locations=[],
                  timeline=[], since=None)  # fmt: skip
    blocks = dicts(render.brief_blocks(empty))
    assert [b["type"] for b in blocks] == ["header", "section", "context", "actions"]
    assert blocks[1]["text"]["text"].startswith("No articles on syria yet.")
    assert [b["action_id"] for b in blocks[3]["elements"]] == ["brief_follow"]
    assert "No articles on syria yet." in render.brief_text(empty)


def test_unknown_topic_explains_how_to_define_it() -> None:
    unknown = Brief(topic="zz<top>", team="T1", generated_at=NOW, article_count=0,
                    source_count=0, known_topic=False)  # fmt: skip
    blocks = dicts(render.brief_blocks(unknown))
    assert [b["type"] for b in blocks] == ["header", "section", "context"]
    text = blocks[1]["text"]["text"]
    assert "is not a topic here yet" in text
    assert "`/brief topic add zz&lt;top&gt; &lt;aliases…&gt;`" in text
    assert_no_raw_markup(blocks)


def test_hostile_strings_are_escaped_everywhere() -> None:
    bad_ref = ArticleRef("a", "javascript:alert(1)", HOSTILE, HOSTILE, None)
    hostile_dev = dev(1, title=HOSTILE, summary=HOSTILE, outlets=[HOSTILE], articles=[bad_ref])
    nasty = brief(
        topic="syria <!here>",
        developments=[hostile_dev],
        actors=[RankedName(HOSTILE, "person", 3)],
        locations=[RankedName(HOSTILE, "city", 2, "SY")],
        timeline=[
            TimelineEntry(date(2026, 1, 2), HOSTILE, ["javascript:x", "https://ok.example/"])
        ],
        marks=all_new([hostile_dev]),
    )
    blocks = dicts(render.brief_blocks(nasty))
    assert_no_raw_markup(blocks)
    dumped = json.dumps(blocks)
    assert "&lt;!channel&gt;" in dumped and "&lt;@U123&gt;" in dumped and " &amp; " in dumped
    assert "javascript:" not in dumped
    assert blocks[0]["text"]["text"] == "Brief: syria &lt;!here&gt;"
    assert "<!" not in render.brief_fallback(nasty)
    digest = Digest(team="T1", generated_at=NOW, briefs=[nasty])
    assert_no_raw_markup(dicts(render.digest_blocks(digest)))
    assert_no_raw_markup([render.home_view([nasty], ["syria <!here>", HOSTILE])])


def test_huge_brief_is_fitted_to_slack_limits() -> None:
    long = "Word &amp; <stuff> " * 200
    devs = [dev(i, title=f"Development {i} " + "t" * 300, summary=long) for i in range(200)]
    entries = [
        TimelineEntry(date(2020, 1, 1) + timedelta(days=i), f"Event {i} " + long, ["https://e.example/"])
        for i in range(500)
    ]  # fmt: skip
    names = [RankedName(f"Name {i} " + "n" * 100, "person", 500 - i, "SY") for i in range(300)]
    huge = brief(topic="t" * 400, developments=devs, timeline=entries, actors=names,
                 locations=names, marks=all_new(devs, frozenset({3})))  # fmt: skip
    blocks = dicts(render.brief_blocks(huge))
    assert_within_limits(blocks)
    assert blocks[0]["type"] == "header" and blocks[-1]["type"] == "actions"
    joined = "\n".join(texts(blocks))
    assert "*1. New: Development 0 " in joined  # the top development always stays
    assert "Shortened to fit in Slack" in joined
    # timeline entries go first, the oldest of them before the new one
    assert "Event 3 " in joined or "Timeline" not in joined


def test_timeline_trimming_keeps_new_and_recent_entries() -> None:
    entries = [
        TimelineEntry(date(2026, 1, 1) + timedelta(days=i), f"Event {i} " + "x" * 400,
                      ["https://e.example/"])
        for i in range(40)
    ]  # fmt: skip
    marks = Marks({"d1": "new", "d2": "updated"}, frozenset({0}))
    blocks = dicts(render.brief_blocks(brief(timeline=entries, marks=marks)))
    assert_within_limits(blocks)
    shown = {int(m) for m in re.findall(r"Event (\d+) ", "\n".join(texts(blocks)))}
    assert 0 in shown and 39 in shown and 1 not in shown
    assert shown == {0} | set(range(40 - len(shown) + 1, 40))


def test_long_single_texts_are_cut_safely() -> None:
    title = "&" * 400
    blocks = dicts(render.brief_blocks(brief(topic=title, developments=[dev(1, title=title)])))
    assert_within_limits(blocks)
    header = blocks[0]["text"]["text"]
    assert header.endswith("…") and not re.search(r"&(a|am|amp)?…$", header)


# ---- plain text ----------------------------------------------------------------------------


def test_brief_text_reads_like_the_cli_example() -> None:
    assert render.brief_text(brief()) == (
        "Brief: syria — 18 articles from 6 outlets (generated 2026-01-28 14:00 UTC)\n"
        "1 new, 1 updated since 2026-01-25 09:00 UTC.\n"
        "Developments\n"
        "  1. [NEW] Russia pulls troops out of Qamishli — 5 articles, Jan 22–28\n"
        "     Russian forces left the airport on Tuesday. Officials confirmed it.\n"
        "     Sources: Levant Ledger, Atlas Daily (+3)\n"
        "  2. [UPDATE] Sharaa and Putin discuss the bases — 5 articles, Jan 22–28\n"
        "     Russian forces left the airport on Tuesday. Officials confirmed it.\n"
        "     Sources: Levant Ledger, Atlas Daily (+3)\n"
        "Who: Ahmed al-Sharaa (12), Vladimir Putin (9)\n"
        "Where: Qamishli (SY), Tartus (SY)\n"
        "Timeline\n"
        "  2026-01-20  Ceasefire between the SDF and Damascus [2 sources]\n"
        "  ~2026-01-27 [NEW] Troops leave Qamishli [1 source]\n"
    )


def test_brief_text_is_not_escaped_and_shows_quiet() -> None:
    quiet = brief(topic="a & b", developments=[dev(1)], quiet=True, marks=Marks())
    text = render.brief_text(quiet)
    assert text.startswith("Brief: a & b — ")
    assert "Nothing new since 2026-01-25 09:00 UTC." in text


def test_date_spans() -> None:
    def span_of(first: datetime | None, last: datetime | None) -> str:
        return render.brief_text(brief(developments=[dev(1, first_seen=first, last_seen=last)]))

    assert "5 articles, Jan 28\n" in span_of(NOW, NOW)
    assert "Jan 30 – Feb 2" in span_of(
        datetime(2026, 1, 30, tzinfo=UTC), datetime(2026, 2, 2, tzinfo=UTC)
    )
    assert "Dec 30, 2025 – Jan 2, 2026" in span_of(
        datetime(2025, 12, 30, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC)
    )
    # a development of undated pages has no span: never the ingest day
    assert "5 articles, date unknown\n" in span_of(None, None)


# ---- digests --------------------------------------------------------------------------------


def test_digest_blocks_and_text() -> None:
    quiet = brief(topic="ukraine", developments=[], timeline=[], quiet=True, marks=Marks())
    unknown = Brief(topic="mars", team="T1", generated_at=NOW, article_count=0, source_count=0,
                    known_topic=False, quiet=True)  # fmt: skip
    digest = Digest(team="T1", generated_at=NOW, briefs=[brief(), quiet, unknown])
    blocks = dicts(render.digest_blocks(digest))
    assert_within_limits(blocks)
    assert blocks[0]["text"]["text"] == "Morning digest"
    joined = "\n".join(texts(blocks))
    assert "*syria* — 1 new, 1 updated · 18 articles from 6 outlets" in joined
    assert "*ukraine*: nothing new since <!date^1769331600^" in joined
    assert "*mars*: not a topic here" in joined
    assert "New: Russia pulls troops out of Qamishli*" in joined
    text = render.digest_text(digest)
    assert "ukraine: nothing new since 2026-01-25 09:00 UTC." in text
    assert "  - [NEW] Russia pulls troops out of Qamishli — 5 articles, Jan 22–28" in text
    assert render.digest_fallback(digest) == (
        "Morning digest: syria (1 new, 1 updated), ukraine (nothing new), mars (nothing new)"
    )
    rising = (
        "Rising: Ahmed al-Sharaa (+12), Vladimir Putin (+9) · Places: Qamishli (+8), Tartus (+3)"
    )
    assert rising in joined and f"  {rising}" in text


def test_busy_digest_fits() -> None:
    devs = [dev(j) for j in range(8)]
    busy = [brief(topic=f"topic{i}", developments=devs, marks=all_new(devs)) for i in range(15)]
    blocks = dicts(render.digest_blocks(Digest(team="T1", generated_at=NOW, briefs=busy)))
    assert_within_limits(blocks)
    assert "*topic14*" in "\n".join(texts(blocks))  # every topic keeps its line


def test_empty_digest() -> None:
    blocks = dicts(render.digest_blocks(Digest(team="T1", generated_at=NOW)))
    assert "No topics with articles yet" in blocks[-1]["text"]["text"]
    assert (
        render.digest_fallback(Digest(team="T1", generated_at=NOW))
        == "Morning digest: no topics yet"
    )


# ---- replies to links ------------------------------------------------------------------------


def article(**changes: Any) -> Article:
    base = Article(
        id="a1",
        url="https://levant.example/story?id=1&x=2",
        canonical_url=None,
        title="Troops <leave> Qamishli & the airport",
        text="…",
        content_hash="h",
        outlet="Levant Ledger",
        published=datetime(2026, 1, 27, 8, tzinfo=UTC),
        summary=["Russian forces left the airport.", "Officials confirmed it."],
        actors=[Entity("person:putin", "Vladimir Putin", "person")],
        locations=[Place("geo:1", "Qamishli", "city", "SY")],
        topics=["syria"],
    )
    return replace(base, **changes)


def test_ingest_reply_for_an_article() -> None:
    result = IngestResult(
        source="https://levant.example/story?id=1&x=2",
        status="ingested",
        article=article(),
        # the article started the first development and joined the second
        developments=[
            dev(1, article_count=1, articles=[ref(1, "Levant Ledger")]),
            dev(2, title="Sharaa meets Putin"),
        ],
    )
    blocks = dicts(render.ingest_reply_blocks(result))
    assert_within_limits(blocks)
    assert blocks[0]["text"]["text"] == (
        "*<https://levant.example/story?id=1&amp;x=2|"
        "Troops &lt;leave&gt; Qamishli &amp; the airport>*\nLevant Ledger · Jan 27, 2026"
    )
    assert blocks[1]["text"]["text"] == "Russian forces left the airport. Officials confirmed it."
    assert [f["text"] for f in blocks[2]["fields"]] == [
        "*Key actors*\nVladimir Putin",
        "*Places*\nQamishli (SY)",
    ]
    assert (
        blocks[3]["text"]["text"]
        == "New storyline in _syria_: *Russia pulls troops out of Qamishli*"
    )
    assert blocks[4]["text"]["text"] == (
        "Update to a storyline in _syria_: *Sharaa meets Putin* — now 5 articles from 5 outlets"
    )
    assert blocks[5]["elements"][0]["text"] == "Topics: syria"
    assert render.ingest_fallback(result) == "Troops &lt;leave&gt; Qamishli &amp; the airport"


def test_ingest_reply_for_another_language_says_it_was_not_analysed() -> None:
    german = article(
        title="Truppen verlassen den Flughafen",
        language="de",
        actors=[],
        locations=[],
        notes=["not analysed (language: de)"],
    )
    result = IngestResult(source="https://x.example/a", status="ingested", article=german)
    text = json.dumps(dicts(render.ingest_reply_blocks(result)))
    assert "not analysed (language: de)" in text


def test_ingest_reply_for_a_failure() -> None:
    failed = IngestResult(source="http://10.0.0.1/x", status="failed",
                          reason="address not allowed (private network)")  # fmt: skip
    blocks = dicts(render.ingest_reply_blocks(failed))
    assert blocks[0]["text"]["text"] == (
        "Couldn't summarise this link: address not allowed (private network)"
    )
    assert blocks[1]["elements"][0]["text"] == "<http://10.0.0.1/x|10.0.0.1>"
    assert render.ingest_fallback(failed) == (
        "Couldn't summarise this link: address not allowed (private network)"
    )
    bad_scheme = IngestResult(
        source="file:///etc/passwd", status="failed", reason="scheme not allowed"
    )
    assert_no_raw_markup(dicts(render.ingest_reply_blocks(bad_scheme)))


def test_duplicate_replies() -> None:
    link = "https://fake.slack/archives/C1/p1769000000000042"
    assert dicts(render.duplicate_reply_blocks("A <b> & c", link))[0]["text"]["text"] == (
        f"Already summarised: <{link}|A &lt;b&gt; &amp; c>"
    )
    assert dicts(render.duplicate_reply_blocks("A & c", None))[0]["text"]["text"] == (
        "Already summarised: *A &amp; c*"
    )
    assert "javascript" not in json.dumps(dicts(render.duplicate_reply_blocks("x", "javascript:1")))
    dup = IngestResult(source="https://ex.org/a", status="duplicate", article=article())
    assert (
        "Already summarised: *Troops &lt;leave&gt;"
        in dicts(render.ingest_reply_blocks(dup))[0]["text"]["text"]
    )


# ---- help, topics, subscriptions, messages, home ---------------------------------------------


def test_help_lists_the_commands() -> None:
    blocks = dicts(render.help_blocks("/brief"))
    text = "\n".join(texts(blocks))
    usages = [
        "`/brief &lt;topic&gt;`",
        "`/brief topics`",
        "`/brief follow &lt;topic&gt;`",
        "`/brief digest list`",
        "`/brief topic add &lt;name&gt; alias, other alias`",
    ]
    assert all(usage in text for usage in usages)
    assert_no_raw_markup(blocks)


def test_topics_blocks() -> None:
    topics = [
        (Topic("syria", aliases=["syrian", "damascus"]), 18),
        (Topic("<x>", defined_by="auto"), 1),
    ]
    blocks = dicts(render.topics_blocks(topics))
    assert blocks[1]["text"]["text"] == (
        "• *syria* — 18 articles · also syrian, damascus\n"
        "• *&lt;x&gt;* — 1 article · _from a search_"
    )
    assert "No topics yet" in dicts(render.topics_blocks([]))[0]["text"]["text"]
    many = [(Topic(f"topic-{i}-" + "x" * 100, aliases=["a" * 50] * 10), i) for i in range(1000)]
    fitted = dicts(render.topics_blocks(many))
    assert_within_limits(fitted)
    assert "more topics not shown" in fitted[-1]["elements"][0]["text"]


def test_subscriptions_blocks() -> None:
    sub = Subscription(id="3", team="T1", channel="C123", topics=["syria", "iran"], hour=7,
                       minute=0, days="weekdays", timezone="Europe/Paris")  # fmt: skip
    blocks = dicts(render.subscriptions_blocks([sub]))
    assert blocks[1]["text"]["text"] == (
        "• `3` syria, iran at 07:00 weekdays (Europe/Paris) in <#C123>"
    )
    assert "No digests yet" in dicts(render.subscriptions_blocks([]))[0]["text"]["text"]


def test_message_is_escaped_but_keeps_bold() -> None:
    blocks = dicts(render.message("You now follow *a <!here> & b*."))
    assert blocks == [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "You now follow *a &lt;!here&gt; &amp; b*."},
        }
    ]
    assert render.blocks_text(render.message("x" * 5000)).endswith("…")


def test_home_view() -> None:
    view = render.home_view([brief()], ["syria", "ukraine"])
    assert view["type"] == "home"
    text = "\n".join(texts(view["blocks"]))
    assert "*syria*\n*18 articles* from *6 outlets*" in text
    assert "Also following: ukraine" in text
    assert "How to use briefbot" in text
    nobody = render.home_view([], [])
    assert "You don't follow any topic yet" in "\n".join(texts(nobody["blocks"]))
    devs = [dev(j, summary="s" * 400) for j in range(8)]
    busy = [brief(topic=f"t{i}", developments=devs, marks=all_new(devs)) for i in range(60)]
    crowded = render.home_view(busy, [b.topic for b in busy])
    assert_within_limits(crowded["blocks"], max_blocks=100)


def test_fallbacks() -> None:
    assert render.brief_fallback(brief()) == (
        "Brief: syria — 1 new, 1 updated · 18 articles from 6 outlets"
    )
    assert render.brief_fallback(brief(article_count=0, developments=[], since=None)) == (
        "Brief: syria — no articles yet"
    )
    assert render.blocks_text(render.brief_blocks(brief())) == "Brief: syria"
