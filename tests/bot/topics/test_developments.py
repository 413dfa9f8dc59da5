"""Developments: grouping, near-duplicates, bounded features, labels and ranking."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.models import Article, Development, Entity, Place
from bot.store import serde
from bot.store.serde import to_jsonable
from bot.topics import developments as devs
from tests.support.paths import REPO

T0 = datetime(2026, 1, 26, 8, 0, tzinfo=UTC)
ROOT = REPO

SHARAA = ("actor:ahmed-shara", "person")
PUTIN = ("actor:vladimir-putin", "person")
SDF = ("actor:sdf", "organization")


def article(
    ident: str,
    title: str,
    text: str,
    *,
    outlet: str = "Gulf Wire",
    hours: float = 0,
    actors: list[tuple[str, str, str]] | None = None,
    places: list[tuple[str, str]] | None = None,
    summary: list[str] | None = None,
) -> Article:
    """A hand-built analysed article; actors as (id, kind, name), places as (id, name)."""
    return Article(
        id=ident,
        url=f"https://{outlet.lower().replace(' ', '')}.example/{ident}",
        canonical_url=None,
        title=title,
        text=text,
        content_hash=ident,
        outlet=outlet,
        published=T0 + timedelta(hours=hours),
        actors=[Entity(i, n, k, mentions=2, salience=0.8) for i, k, n in actors or []],  # type: ignore[arg-type]
        locations=[Place(i, n, "city", mentions=2, salience=0.8) for i, n in places or []],
        topics=["syria"],
        summary=summary or [],
    )


# Three outlets on the Russian pullout from Qamishli, each spelling it differently.
WITHDRAWAL = [
    article(
        "w1",
        "Russian troops leave Qamishli airport base",
        "Russian troops have begun leaving their base at the airport in Qamishli, residents "
        "said, loading armoured vehicles onto Il-76 transport planes. The pullout from the "
        "northeastern city follows weeks of pressure from Damascus. Some of the soldiers are "
        "expected to move to the Hmeimim air base on the coast.",
        outlet="Gulf Wire",
        places=[("geo:173377", "Qamishli"), ("facility:hmeimim", "Hmeimim Air Base")],
        summary=["Russian troops have begun leaving their base at the airport in Qamishli."],
    ),
    article(
        "w2",
        "Kremlin silent as its soldiers quit Kamishli",
        "Moscow has said nothing about the departure of its soldiers from Kamishli, where "
        "transport planes were seen loading armoured vehicles at the airport this week. The "
        "troops are heading to the Khmeimim air base, a local official said.",
        outlet="Eurasia Monitor",
        hours=20,
        places=[("geo:173377", "Kamishli"), ("facility:hmeimim", "Khmeimim Air Base")],
        summary=["Moscow has said nothing about the departure of its soldiers from Kamishli."],
    ),
    article(
        "w3",
        "Russian pullout from Al Qamishli gathers pace",
        "More Il-76 flights left the airport at Al Qamishli on Tuesday as Russian troops "
        "continued their pullout, loading vehicles and equipment bound for the Hmeimim base.",
        outlet="Levant Ledger",
        hours=30,
        places=[("geo:173377", "Al Qamishli"), ("facility:hmeimim", "Hmeimim")],
        summary=["More Il-76 flights left the airport at Al Qamishli on Tuesday."],
    ),
]

TALKS = article(
    "t1",
    "Putin hosts Sharaa for Kremlin talks on Russian bases",
    "Vladimir Putin received Ahmed al-Sharaa in the Kremlin for talks on the future of "
    "Russia's naval station at Tartus and its air base. The two presidents discussed "
    "economic ties and reconstruction contracts, officials on both sides said.",
    outlet="Atlas Daily",
    hours=48,
    actors=[(PUTIN[0], PUTIN[1], "Vladimir Putin"), (SHARAA[0], SHARAA[1], "Ahmed al-Sharaa")],
    places=[("geo:524901", "Moscow"), ("geo:tartus", "Tartus")],
    summary=["Vladimir Putin received Ahmed al-Sharaa in the Kremlin for talks on bases."],
)

CEASEFIRE = article(
    "c1",
    "Government and SDF agree ceasefire in the east",
    "The Syrian government and the Kurdish-led SDF agreed a ceasefire that hands Damascus "
    "control of Raqqa and Deir ez-Zor after weeks of fighting along the Euphrates. The truce "
    "leaves the fate of Hasakah province to later negotiations.",
    outlet="Northern Dispatch",
    hours=-100,
    actors=[(SDF[0], SDF[1], "Syrian Democratic Forces")],
    places=[("geo:raqqa", "Raqqa"), ("geo:deir", "Deir ez-Zor")],
    summary=["The government and the SDF agreed a ceasefire that hands Damascus Raqqa."],
)


def run(articles: list[Article]) -> dict[str, Development]:
    """Feed articles through the incremental steps; article id -> its development."""
    developments: dict[str, Development] = {}
    where: dict[str, str] = {}
    for a in articles:
        fp = devs.fingerprint(a)
        now = a.published or T0
        chosen = devs.choose_development(a, fp, list(developments.values()))
        dev = (
            devs.start_development("syria", a, fp, now)
            if chosen is None
            else devs.join_development(chosen, a, fp, now)
        )
        developments[dev.id] = dev
        where[a.id] = dev.id
    return {a: developments[d] for a, d in where.items()}


# ---- grouping ----------------------------------------------------------------------


def test_same_story_from_three_outlets_with_differing_spellings_joins() -> None:
    result = run([CEASEFIRE, *WITHDRAWAL, TALKS])
    assert result["w1"].id == result["w2"].id == result["w3"].id
    dev = result["w3"]
    assert dev.article_count == 3
    assert set(dev.outlets) == {"Gulf Wire", "Eurasia Monitor", "Levant Ledger"}


def test_distinct_stories_stay_apart() -> None:
    result = run([CEASEFIRE, *WITHDRAWAL, TALKS])
    assert len({result[k].id for k in ("c1", "w1", "t1")}) == 3


def test_spelling_variants_match_on_text_alone() -> None:
    bare = [
        article(a.id, a.title, a.text, outlet=a.outlet or "", hours=i * 10)
        for i, a in enumerate(WITHDRAWAL)
    ]
    result = run(bare)
    assert result["w1"].id == result["w2"].id == result["w3"].id


def test_no_candidates_means_a_new_development() -> None:
    fp = devs.fingerprint(TALKS)
    assert devs.choose_development(TALKS, fp, []) is None


def test_time_gap_lowers_the_match() -> None:
    fp_first = devs.fingerprint(WITHDRAWAL[0])
    dev = devs.start_development("syria", WITHDRAWAL[0], fp_first, T0)
    near = devs.fingerprint(WITHDRAWAL[1])
    far = devs.Fingerprint(near.minhash, near.terms, near.entities, T0 + timedelta(days=60))
    assert devs.match_score(far, dev) < devs.match_score(near, dev)
    assert devs.time_factor(fp_first, dev) == 1.0


# ---- ids, joins ------------------------------------------------------------------------


def test_development_id_is_stable_and_short() -> None:
    fp = devs.fingerprint(TALKS)
    a = devs.start_development("syria", TALKS, fp, T0)
    b = devs.start_development("syria", TALKS, fp, T0 + timedelta(days=1))
    assert a.id == b.id == devs.development_id("syria", "t1")
    assert a.id.startswith("d-") and len(a.id) == 12
    assert devs.development_id("ukraine", "t1") != a.id


def test_start_fills_the_development_from_its_article() -> None:
    fp = devs.fingerprint(TALKS)
    dev = devs.start_development("syria", TALKS, fp, T0)
    assert dev.article_count == 1
    assert dev.first_seen == dev.last_seen == TALKS.published
    assert dev.created_at == dev.updated_at == T0
    assert dev.articles[0].id == "t1" and dev.articles[0].url == TALKS.url
    assert dev.outlets == ["Atlas Daily"]
    assert set(dev.actors[:2]) == {"Vladimir Putin", "Ahmed al-Sharaa"}
    assert "Moscow" in dev.locations
    assert dev.title and dev.summary


def test_join_updates_a_copy_and_is_idempotent() -> None:
    first, second = WITHDRAWAL[0], WITHDRAWAL[1]
    dev = devs.start_development("syria", first, devs.fingerprint(first), T0)
    later = T0 + timedelta(hours=21)
    joined = devs.join_development(dev, second, devs.fingerprint(second), later)
    assert dev.article_count == 1  # the input is not changed
    assert joined.article_count == 2
    assert [r.id for r in joined.articles] == ["w2", "w1"]  # newest first
    assert joined.last_seen == second.published
    assert joined.updated_at == later
    assert joined.created_at == T0
    again = devs.join_development(joined, second, devs.fingerprint(second), later)
    assert again.article_count == 2
    assert again == joined


def test_join_keeps_first_seen_when_an_older_article_arrives_late() -> None:
    late = WITHDRAWAL[2]
    dev = devs.start_development("syria", late, devs.fingerprint(late), T0)
    old = article("w0", "Russia weighs Qamishli exit", "Russian troops may leave.", hours=-40)
    joined = devs.join_development(dev, old, devs.fingerprint(old), T0)
    assert joined.first_seen == old.published
    assert joined.last_seen == late.published
    assert [r.id for r in joined.articles] == ["w3", "w0"]


# ---- near-duplicates ---------------------------------------------------------------


BODY = (
    "Russian soldiers have moved out of a makeshift barracks next to the airport in "
    "Qamishli, residents of the northeastern city said on Sunday, in the clearest sign yet "
    "that Moscow is winding down its small garrison there. Two residents said the "
    "prefabricated buildings stood empty and that trucks had left through the main gate "
    "during the night. A local official confirmed that the site had been cleared but gave "
    "no figures. A Russian transport aircraft landed at the airport on Thursday, according "
    "to a video circulated by Kurdish media, and flights have continued since."
)


def test_syndicated_copy_is_a_near_duplicate() -> None:
    original = article("o1", "Russian soldiers vacate barracks", BODY)
    copy_text = BODY.replace("next to", "beside").replace("on Sunday", "on Sunday.")
    copy = article("c2", "Russian soldiers leave barracks at Qamishli", copy_text + " (Wire)")
    other = WITHDRAWAL[1]
    recent = {"o1": devs.fingerprint(original), "w2": devs.fingerprint(other)}
    assert devs.near_duplicate_of(devs.fingerprint(copy), recent) == "o1"
    assert devs.near_duplicate_of(devs.fingerprint(other), {"o1": recent["o1"]}) is None
    assert devs.near_duplicate_of(devs.fingerprint(copy), {}) is None


def test_a_rewrite_of_the_same_story_is_not_a_duplicate() -> None:
    original = article("o1", "Russian soldiers vacate barracks", BODY)
    rewrite = WITHDRAWAL[0]
    recent = {"o1": devs.fingerprint(original)}
    assert devs.near_duplicate_of(devs.fingerprint(rewrite), recent) is None


def test_fold_duplicate_records_the_copy_without_counting_it() -> None:
    original = article("o1", "Russian soldiers vacate barracks", BODY)
    dev = devs.start_development("syria", original, devs.fingerprint(original), T0)
    copy = article("c2", "Russian soldiers leave barracks", BODY, outlet="Meridian Post")
    later = T0 + timedelta(hours=3)
    folded = devs.fold_duplicate(dev, "o1", copy, later)
    assert folded.article_count == 1
    assert folded.articles[0].copies == [{"url": copy.url, "outlet": "Meridian Post"}]
    assert folded.outlets == ["Gulf Wire", "Meridian Post"]
    assert folded.updated_at == later
    assert dev.articles[0].copies == []  # the input is not changed
    assert devs.fold_duplicate(folded, "o1", copy, later + timedelta(hours=1)) == folded


def test_minhash_is_the_same_in_another_process() -> None:
    fp = devs.fingerprint(article("o1", "Russian soldiers vacate barracks", BODY))
    code = (
        "import json, sys; from bot.text import similarity; "
        "print(json.dumps(similarity.minhash(similarity.shingles(sys.stdin.read()))))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code],
        input=BODY,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert json.loads(out.stdout) == fp.minhash


def test_fingerprint_round_trips_through_json() -> None:
    fp = devs.fingerprint(TALKS)
    again = serde.loads(devs.Fingerprint, serde.dumps(fp))
    assert again == fp
    assert len(fp.minhash) == 64
    assert fp.published == TALKS.published


def test_a_fingerprint_stored_by_the_earlier_code_still_loads() -> None:
    # json.dumps of the former Fingerprint.to_dict: spaced separators, same fields
    raw = (
        '{"minhash": [3771888229, 1417208856], "terms": {"airport": 0.13135172284870714}, '
        '"entities": {"geo:173377": 0.45}, "published": "2026-01-26T08:00:00+00:00", '
        '"shingle_count": 10}'
    )
    fp = serde.loads(devs.Fingerprint, raw)
    assert fp == devs.Fingerprint(
        minhash=[3771888229, 1417208856],
        terms={"airport": 0.13135172284870714},
        entities={"geo:173377": 0.45},
        published=datetime(2026, 1, 26, 8, 0, tzinfo=UTC),
        shingle_count=10,
    )
    # the fields added since (headline-and-lead terms, reported days, sentence vector,
    # posting time) start empty; re-clustering takes the posting time from the article
    added = {"lead": {}, "days": [], "vector": "", "posted": None}
    assert json.loads(serde.dumps(fp)) == {**json.loads(raw), **added}


def test_an_undated_article_has_an_unknown_date_not_its_ingest_time() -> None:
    undated = article("u1", "Talks in Moscow", "Leaders met in Moscow for talks.")
    undated.published = None
    undated.ingested_at = T0 + timedelta(days=300)
    fp = devs.fingerprint(undated)
    assert fp.published is None
    assert serde.loads(devs.Fingerprint, serde.dumps(fp)) == fp


def test_an_undated_member_never_stretches_the_span() -> None:
    first = WITHDRAWAL[0]
    dev = devs.start_development("syria", first, devs.fingerprint(first), T0)
    undated = article("u2", "Russian troops leave Qamishli", "Russian troops left Qamishli.")
    undated.published = None
    ingest = T0 + timedelta(days=300)  # pasted months later
    undated.ingested_at = ingest
    undated.slack_ts = "1779200000.000100"  # a link posted in Slack
    fp = devs.fingerprint(undated)
    # no date: timed by its posting, months after the development's, so a weak fit
    assert devs.time_factor(fp, dev) == pytest.approx(devs.TIME_FLOOR, abs=1e-6)
    # posted the day the development's members were: no time penalty
    assert devs.time_factor(replace(fp, posted=T0), dev) == 1.0
    # nothing known (stored before posting times were kept): no time evidence
    assert devs.time_factor(replace(fp, posted=None), dev) == 1.0
    joined = devs.join_development(dev, undated, fp, ingest)
    assert joined.first_seen == joined.last_seen == first.published
    assert joined.updated_at == ingest
    assert joined.articles[-1].published is None


def test_a_development_of_undated_articles_has_no_span_and_still_ranks() -> None:
    undated = article("u3", "Talks in Moscow", "Leaders met in Moscow for talks.")
    undated.published = None
    dev = devs.start_development("syria", undated, devs.fingerprint(undated), T0)
    assert dev.first_seen is None and dev.last_seen is None
    assert devs.rank_score(dev, T0) > devs.rank_score(dev, T0 - timedelta(days=3))
    dated = devs.join_development(dev, TALKS, devs.fingerprint(TALKS), T0)
    assert dated.first_seen == dated.last_seen == TALKS.published
    assert serde.loads(Development, serde.dumps(dev)) == dev


# ---- bounded features --------------------------------------------------------------


def test_features_stay_bounded_after_500_joins() -> None:
    first = WITHDRAWAL[0]
    dev = devs.start_development("syria", first, devs.fingerprint(first), T0)
    for i in range(500):
        words = " ".join(f"word{i}x{j} term{(i * 7 + j) % 997}" for j in range(30))
        a = article(
            f"a{i}",
            f"Report {i} on Qamishli",
            f"Report number {i}. {words}.",
            outlet=f"Outlet {i % 80}",
            hours=i,
            actors=[(f"actor:a{i}-{k}", "person", f"Person {i} {k}") for k in range(5)],
            places=[(f"geo:{i}-{k}", f"Place {i} {k}") for k in range(3)],
            summary=[f"Sentence {i} about the pullout from the airport in Qamishli."],
        )
        dev = devs.join_development(dev, a, devs.fingerprint(a), T0 + timedelta(hours=i))
    feats = dev.features
    assert dev.article_count == 501
    assert len(dev.articles) == devs.MAX_REFS
    assert dev.articles[0].id == "a499"
    assert len(dev.outlets) <= devs.MAX_OUTLETS
    assert len(feats.entities) <= devs.MAX_ENTITIES
    assert len(feats.terms) <= devs.MAX_TERMS
    assert len(feats.signatures) == devs.MAX_SIGNATURES
    assert len(feats.sentences) <= 2 * devs.MAX_SIGNATURES
    assert set(feats.names) <= set(feats.entities)
    assert len(dev.actors) <= 8 and len(dev.locations) <= 8
    assert len(json.dumps(to_jsonable(dev))) < 40_000


# ---- labels ----------------------------------------------------------------------------


def test_titles_differ_between_developments_and_drop_outlet_suffixes() -> None:
    result = run([CEASEFIRE, *WITHDRAWAL, TALKS])
    titles = {result[k].title for k in ("c1", "w1", "t1")}
    assert len(titles) == 3
    assert result["t1"].title == "Putin hosts Sharaa for Kremlin talks on Russian bases"
    suffixed = article("s1", "Russian troops quit Qamishli airport | Gulf Wire", "Troops left.")
    dev = devs.start_development("syria", suffixed, devs.fingerprint(suffixed), T0)
    assert dev.title == "Russian troops quit Qamishli airport"


def test_titles_and_summaries_never_start_with_a_dateline() -> None:
    wire = [
        ("d1", "KYIV (Reuters) - Grain ships leave the southern port under escort"),
        ("d2", "MOSCOW: Grain ships leave the southern port as escorts gather"),
        ("d3", "WASHINGTON, Jan 5 — Grain ships leave the southern port, officials say"),
    ]
    for ident, title in wire:
        lead = title + ". The convoy of grain ships sailed at dawn."
        a = article(ident, title, lead, summary=[lead])
        dev = devs.start_development("syria", a, devs.fingerprint(a), T0)
        assert dev.title.startswith("Grain ships leave the southern port"), dev.title
        assert dev.summary.startswith("Grain ships leave"), dev.summary


def test_title_is_the_member_headline_most_central_to_the_development() -> None:
    dev = run(WITHDRAWAL)["w3"]
    assert dev.title in {a.title for a in WITHDRAWAL}
    assert len(dev.title) <= 90
    odd = article("w4", "Weather: a cold week ahead for the north", "Snow is expected.")
    joined = devs.join_development(dev, odd, devs.fingerprint(odd), T0)
    assert joined.title != odd.title


def test_summary_is_chosen_from_member_sentences() -> None:
    dev = run(WITHDRAWAL)["w3"]
    pool = [s for a in WITHDRAWAL for s in a.summary]
    assert dev.summary
    assert any(s in dev.summary for s in pool)
    assert set(dev.features.summary_sources) <= {"w1", "w2", "w3"}
    chosen = devs.summary_for(dev, ["The weather was mild.", *pool])
    assert chosen.startswith(tuple(pool))
    assert devs.summary_for(dev, []) == ""


def test_summary_adds_a_second_sentence_only_when_it_says_something_else() -> None:
    dev = run(WITHDRAWAL)["w3"]
    short = "Russian troops left the airport in Qamishli."
    same = "Russian troops left the Qamishli airport."
    other = "Il-76 planes carried armoured vehicles to the Hmeimim air base on the coast."
    assert devs.summary_for(dev, [short, same]) in {short, same}
    both = devs.summary_for(dev, [short, same, other])
    assert other in both and (short in both or same in both)


# ---- ranking --------------------------------------------------------------------------


def _dev(last_seen: datetime, outlets: int, count: int = 1) -> Development:
    return Development(
        id="d-x",
        topic="syria",
        title="t",
        summary="s",
        first_seen=last_seen,
        last_seen=last_seen,
        updated_at=last_seen,
        created_at=last_seen,
        article_count=count,
        outlets=[f"o{i}" for i in range(outlets)],
    )


def test_rank_prefers_recent_then_weighty_developments() -> None:
    now = T0 + timedelta(days=10)
    recent = _dev(T0 + timedelta(days=3), outlets=1)
    old_big = _dev(T0, outlets=4, count=6)
    same_day_small = _dev(T0, outlets=1)
    assert devs.rank_score(recent, now) > devs.rank_score(old_big, now)
    assert devs.rank_score(old_big, now) > devs.rank_score(same_day_small, now)


def test_rank_does_not_drift_with_the_clock_but_clamps_the_future() -> None:
    dev = _dev(T0, outlets=2)
    assert devs.rank_score(dev, T0 + timedelta(days=1)) == devs.rank_score(
        dev, T0 + timedelta(days=30)
    )
    future = _dev(T0 + timedelta(days=5), outlets=2)
    assert devs.rank_score(future, T0) == devs.rank_score(dev, T0)
