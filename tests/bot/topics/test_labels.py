"""A development's title and summary: both from one member article (its lead), and
the same for the same members whatever order they arrived in (as when one story is
filed into several topics, or re-filed by a backfill)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import permutations

from bot.models import Article, Development
from bot.topics import developments as devs
from bot.topics.labels import LEAD_POOL
from tests.support.articles import keyed_article

T0 = datetime(2026, 4, 6, 7, 0, tzinfo=UTC)


def harbour(n: int, title: str, summary: str, text: str) -> Article:
    """One report on an invented storm in an invented town."""
    return keyed_article(
        f"https://coast{n}.example/harbour-wall",
        text,
        title=title,
        outlet=f"Coast Post {n}",
        published=T0 + timedelta(hours=n),
        topics=["harbour"],
        summary=[summary],
    )


# The most central headline (h1) and the most central sentence (h2, h3) are in
# different articles: a title chosen apart from the summary takes them apart.
HARBOUR = [
    harbour(
        1,
        "Storm tears hole in Eastmouth harbour wall, council says",
        "Fishing crews moved their boats to the inner basin overnight.",
        "Fishing crews moved their boats to the inner basin overnight. The storm tore a hole "
        "in the Eastmouth harbour wall, the council said. Repairs to the harbour wall will "
        "start when the storm has passed.",
    ),
    harbour(
        2,
        "Council meets on repairs",
        "The storm tore a forty-metre hole in the Eastmouth harbour wall on Sunday night, "
        "the council said.",
        "The storm tore a forty-metre hole in the Eastmouth harbour wall on Sunday night, the "
        "council said. The council meets on Monday to decide on repairs to the wall.",
    ),
    harbour(
        3,
        "Engineers inspect the sea defences",
        "Engineers said the hole the storm tore in the Eastmouth harbour wall would take "
        "months to repair.",
        "Engineers said the hole the storm tore in the Eastmouth harbour wall would take months "
        "to repair. The council has asked for emergency funds for the harbour.",
    ),
    harbour(
        4,
        "Eastmouth harbour wall: what the storm left behind",
        "Insurers sent assessors to the harbour wall and the boatyards on Tuesday.",
        "Insurers sent assessors to the harbour wall and the boatyards on Tuesday. The storm "
        "tore a hole in the wall on Sunday. The council said repairs to the harbour would "
        "take months.",
    ),
]


def build(articles: list[Article]) -> Development:
    """One development of ``articles``, joined in the order given."""
    first, *rest = articles
    dev = devs.start_development("harbour", first, devs.fingerprint(first), T0)
    for a in rest:
        dev = devs.join_development(dev, a, devs.fingerprint(a), T0)
    return dev


def test_title_and_summary_come_from_the_same_article() -> None:
    for order in permutations(HARBOUR):
        dev = build(list(order))
        [lead] = [a for a in HARBOUR if dev.title and a.title.startswith(dev.title.rstrip("…"))]
        assert dev.summary == lead.summary[0], (dev.title, dev.summary)
        assert dev.features.label_source == lead.id
        assert dev.features.summary_sources == [lead.id]


WHAT = ["the council", "engineers", "insurers", "fishing crews", "the mayor", "divers"]


THINGS = ["boats", "cranes", "pontoons", "nets", "sandbags", "ropes", "buoys"]


def report(n: int) -> Article:
    """Report ``n`` of a long-running harbour story, each saying something of its own
    (no two share enough text to be copies of each other)."""
    who = WHAT[n % len(WHAT)]
    said = f"On day {n} {who} spoke about the hole in the Eastmouth harbour wall."
    detail = " ".join(
        f"{THINGS[(i * n + 1) % 7].title()} and {THINGS[(i + n) % 7]} count {n * 10 + i}."
        for i in range(6)
    )
    return harbour(n, f"Eastmouth harbour wall: {who} report, day {n}", said, f"{said} {detail}")


def test_the_same_members_give_the_same_label_in_any_order() -> None:
    # 14 members: more than the lead pool, so an arrival-order pool would differ
    reports = [report(n) for n in range(14)]
    orders = [reports, reports[::-1], reports[7:] + reports[:7], reports[1::2] + reports[::2]]
    for order in [*orders, *(list(o) for o in permutations(HARBOUR))]:
        members = sorted(a.id for a in order)
        dev = build(order)
        reference = build(sorted(order, key=lambda a: a.published or T0))
        assert sorted(r.id for r in dev.articles) == sorted(r.id for r in reference.articles)
        assert (dev.title, dev.summary) == (reference.title, reference.summary), members
    # a member that says little of the story never leads it
    assert build(HARBOUR).title != "Council meets on repairs"


def test_the_lead_is_among_the_newest_members_that_keep_their_sentences() -> None:
    # twelve reports: only the ten newest keep summary candidates, and lead from them
    many = [
        harbour(n, f"Harbour wall report {n}", f"Report {n} on the Eastmouth harbour wall.", "x")
        for n in range(12)
    ]
    dev = build(many[::-1])  # the newest first: arrival order is not publication order
    kept = {ident for ident, _ in dev.features.sentences}
    assert kept == {a.id for a in many[2:]}
    assert dev.features.label_source in kept
    assert len(dev.features.sentences) <= 2 * LEAD_POOL
