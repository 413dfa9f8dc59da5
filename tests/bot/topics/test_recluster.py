"""Re-clustering: merges and splits that one pass cannot make, the same for any arrival order."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from bot.models import NOT_ANALYSED, Article, ArticleRef, Entity, Place
from bot.text import encoder
from bot.topics import developments as devs
from bot.topics import recluster
from bot.topics.fingerprints import Fingerprint

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
UNION = ("actor:dockers-union", "organization", "Dockers' Union")
MAYOR = ("actor:mayor-lind", "person", "Mara Lind")
PORT = ("geo:calder", "Port Calder")


def article(
    ident: str, title: str, text: str, days: float | None, actor: tuple[str, str, str]
) -> Article:
    return Article(
        id=ident,
        url=f"https://harbour.example/{ident}",
        canonical_url=None,
        title=title,
        text=text,
        content_hash=ident,
        outlet=f"Outlet {ident}",
        published=None if days is None else T0 + timedelta(days=days),
        actors=[Entity(actor[0], actor[2], actor[1], mentions=2, salience=0.8)],  # type: ignore[arg-type]
        locations=[Place(PORT[0], PORT[1], "city", mentions=2, salience=0.6)],
        topics=["harbour"],
    )


# Two storylines of one topic; each article recalls the other in its last sentence.
STRIKE = [
    article(
        "s1",
        "Dock workers walk out at Port Calder over night shifts",
        "Dock workers at Port Calder walked out on Monday in a dispute over night shift pay, "
        "leaving container cranes idle. The union said the strike would last until the port "
        "operator improved its offer. The new harbour bridge opens next month.",
        0,
        UNION,
    ),
    article(
        "s2",
        "Port Calder strike idles cranes for a second day",
        "Container cranes stood idle for a second day as striking dock workers picketed the "
        "gates of Port Calder, demanding better night shift pay from the port operator.",
        1,
        UNION,
    ),
    article(
        "s3",
        "Striking dockers reject port operator's pay offer",
        "Striking dock workers rejected a revised night shift pay offer from the Port Calder "
        "operator, saying the picket lines at the container gates would stay. Traffic on the "
        "harbour bridge is expected to ease congestion later.",
        None,
        UNION,
    ),
]
BRIDGE = [
    article(
        "b1",
        "Mayor opens the new harbour bridge to traffic",
        "Mayor Mara Lind cut the ribbon on the new harbour bridge, a cable-stayed span that "
        "links the old town with the ferry terminal. Cyclists crossed first, then buses.",
        20,
        MAYOR,
    ),
    article(
        "b2",
        "Harbour bridge opening draws crowds of cyclists",
        "Thousands of cyclists crossed the cable-stayed harbour bridge on its opening day as "
        "Mayor Mara Lind promised quieter streets in the old town. Dockers went on strike "
        "earlier this year.",
        20,
        MAYOR,
    ),
    article(
        "b3",
        "Buses reroute over the cable-stayed harbour bridge",
        "City buses were rerouted over the new cable-stayed harbour bridge, cutting the trip "
        "from the old town to the ferry terminal, Mayor Mara Lind's office said.",
        21,
        MAYOR,
    ),
]
ALL = STRIKE + BRIDGE
FPS = {a.id: devs.fingerprint(a) for a in ALL}
GOLD = {"s1": "s", "s2": "s", "s3": "s", "b1": "b", "b2": "b", "b3": "b"}


def as_labels(groups: list[list[str]]) -> dict[str, int]:
    return {i: n for n, group in enumerate(groups) for i in group}


def same_partition(groups: list[list[str]], gold: dict[str, str]) -> bool:
    labels = as_labels(groups)
    return all((labels[a] == labels[b]) == (gold[a] == gold[b]) for a in gold for b in gold)


def test_from_scratch_finds_the_storylines_in_any_order() -> None:
    expected = recluster.cluster(FPS)
    assert same_partition(expected, GOLD)
    for seed in range(5):
        keys = list(FPS)
        random.Random(seed).shuffle(keys)
        assert recluster.cluster({k: FPS[k] for k in keys}) == expected


def test_articles_are_near_by_when_they_appeared_not_by_the_days_they_name() -> None:
    model = recluster.PairModel(FPS)
    # published a day apart; the bridge story three weeks later
    assert model.features("s1", "s2")[3] == pytest.approx(math.exp(-1 / recluster.NEAR_SCALE_DAYS))
    assert model.features("s1", "b1")[3] == pytest.approx(math.exp(-20 / recluster.NEAR_SCALE_DAYS))
    # s3 states no date and its fingerprint has no posting time: neither near nor far
    assert FPS["s3"].published is None and FPS["s3"].posted is None
    assert model.features("s1", "s3")[3] == recluster.NEAR_UNKNOWN
    # an undated page is timed by when its link was posted
    posted = {**FPS, "s3": replace(FPS["s3"], posted=T0 + timedelta(days=2))}
    assert recluster.PairModel(posted).features("s1", "s3")[3] == pytest.approx(
        math.exp(-2 / recluster.NEAR_SCALE_DAYS)
    )
    # a stated publication time wins over a late posting: a link pasted a month on
    late = {**FPS, "s2": replace(FPS["s2"], posted=T0 + timedelta(days=30))}
    assert recluster.PairModel(late).features("s1", "s2") == model.features("s1", "s2")
    # a background paragraph naming the other storyline's day makes no pair nearer
    assert model.probability("s1", "s2") > model.probability("s1", "b1")


def test_a_link_posted_in_slack_is_posted_at_its_ingest_time_and_never_dated_by_it() -> None:
    undated = replace(STRIKE[2], ingested_at=T0 + timedelta(days=5), slack_ts="1772442000.000100")
    fp = devs.fingerprint(undated)
    assert fp.posted == T0 + timedelta(days=5)
    assert fp.published is None and fp.days == []
    # the command line (often a backfill ingested in one go) and feeds post nothing
    assert devs.fingerprint(replace(undated, slack_ts=None)).posted is None
    assert devs.fingerprint(STRIKE[2]).posted is None


def test_rebuild_keeps_ids_creation_times_and_copies() -> None:
    # one pass put b1 with the strike; re-clustering moves it
    old_strike = devs.start_development("harbour", STRIKE[0], FPS["s1"], T0)
    for a in [*STRIKE[1:], BRIDGE[0]]:
        old_strike = devs.join_development(old_strike, a, FPS[a.id], T0 + timedelta(days=1))
    next(r for r in old_strike.articles if r.id == "s1").copies.append(
        {"url": "https://copy.example/s1", "outlet": "Copy"}
    )
    next(r for r in old_strike.articles if r.id == "b1").copies.append(
        {"url": "https://copy.example/b1", "outlet": "Bridge Copy"}
    )
    old_bridge = devs.start_development("harbour", BRIDGE[1], FPS["b2"], T0 + timedelta(days=20))
    old_bridge = devs.join_development(old_bridge, BRIDGE[2], FPS["b3"], T0 + timedelta(days=21))
    assignment = {**dict.fromkeys(["s1", "s2", "s3", "b1"], old_strike.id)}
    assignment.update(dict.fromkeys(["b2", "b3"], old_bridge.id))
    previous = {old_strike.id: old_strike, old_bridge.id: old_bridge}
    now = T0 + timedelta(days=30)
    groups = [["s1", "s2", "s3"], ["b1", "b2", "b3"]]
    articles = {a.id: a for a in ALL}
    rebuilt, where = recluster.rebuild("harbour", groups, articles, FPS, previous, assignment, now)
    assert set(rebuilt) == {old_strike.id, old_bridge.id}
    assert where == {
        **dict.fromkeys(["s1", "s2", "s3"], old_strike.id),
        **dict.fromkeys(["b1", "b2", "b3"], old_bridge.id),
    }
    strike, bridge = rebuilt[old_strike.id], rebuilt[old_bridge.id]
    assert strike.article_count == 3 and bridge.article_count == 3
    assert strike.created_at == old_strike.created_at and strike.updated_at == now
    s1_ref = next(r for r in strike.articles if r.id == "s1")
    assert s1_ref.copies == [{"url": "https://copy.example/s1", "outlet": "Copy"}]
    assert "Copy" in strike.outlets and "Copy" not in bridge.outlets
    assert "Outlet b1" in bridge.outlets and "Outlet b1" not in strike.outlets
    # b1 moved to the bridge story and took its folded copy along
    b1_ref = next(r for r in bridge.articles if r.id == "b1")
    assert b1_ref.copies == [{"url": "https://copy.example/b1", "outlet": "Bridge Copy"}]
    assert "Bridge Copy" in bridge.outlets and "Bridge Copy" not in strike.outlets
    assert strike.first_seen == STRIKE[0].published  # the undated s3 leaves the span alone
    assert strike.last_seen == STRIKE[1].published
    assert isinstance(strike.articles[0], ArticleRef)


def test_unchanged_membership_keeps_updated_at() -> None:
    dev = devs.start_development("harbour", BRIDGE[0], FPS["b1"], T0)
    for a in BRIDGE[1:]:
        dev = devs.join_development(dev, a, FPS[a.id], T0 + timedelta(days=1))
    assignment = dict.fromkeys(["b1", "b2", "b3"], dev.id)
    articles = {a.id: a for a in BRIDGE}
    fps: dict[str, Fingerprint] = {a.id: FPS[a.id] for a in BRIDGE}
    rebuilt, _ = recluster.rebuild(
        "harbour",
        [["b1", "b2", "b3"]],
        articles,
        fps,
        {dev.id: dev},
        assignment,
        T0 + timedelta(days=9),
    )
    assert rebuilt[dev.id].updated_at == dev.updated_at


def test_a_group_split_off_never_takes_an_id_in_use() -> None:
    # the development is named after s1; s1 is split off and s2, s3 keep the development
    dev = devs.start_development("harbour", STRIKE[0], FPS["s1"], T0)
    for a in STRIKE[1:]:
        dev = devs.join_development(dev, a, FPS[a.id], T0)
    assignment = dict.fromkeys(["s1", "s2", "s3"], dev.id)
    articles = {a.id: a for a in STRIKE}
    groups = [["s2", "s3"], ["s1"]]
    rebuilt, where = recluster.rebuild(
        "harbour", groups, articles, FPS, {dev.id: dev}, assignment, T0 + timedelta(days=2)
    )
    assert len(rebuilt) == 2
    assert where["s2"] == where["s3"] == dev.id != where["s1"]
    assert sorted(r.id for d in rebuilt.values() for r in d.articles) == ["s1", "s2", "s3"]


def _unit(axis: int) -> np.ndarray:
    vec = np.zeros(384, dtype=np.float32)
    vec[axis] = 1.0
    return vec


def test_sentence_vectors_add_their_cosine_when_both_articles_have_one() -> None:
    same, other = encoder.pack(_unit(0)), encoder.pack(_unit(1))
    fps = {k: replace(fp, vector=same) for k, fp in FPS.items()}
    fps["b1"] = replace(FPS["b1"], vector=other)
    fps["b2"] = replace(FPS["b2"], vector="")
    model = recluster.PairModel(fps)
    words_only = recluster.PairModel(FPS)
    assert len(model.features("s1", "s2")) == len(recluster.PAIR_FEATURES_MEANING)
    assert model.features("s1", "s2")[-1] == pytest.approx(1.0)
    assert model.features("s1", "b1")[-1] == pytest.approx(0.0)
    # an article without a vector is compared by words, entities and days alone
    assert model.features("s1", "b2") == words_only.features("s1", "b2")
    assert model.probability("s1", "b2") == words_only.probability("s1", "b2")
    # the same words with vectors that agree or disagree: agreement is the likelier pair
    apart = recluster.PairModel({**fps, "s2": replace(FPS["s2"], vector=other)})
    assert model.probability("s1", "s2") > apart.probability("s1", "s2")


def test_a_fingerprint_carries_the_vector_of_an_analysed_article_only() -> None:
    packed = encoder.pack(_unit(3))
    assert devs.fingerprint(replace(STRIKE[0], vector=packed)).vector == packed
    german = replace(STRIKE[0], vector=packed, notes=[f"{NOT_ANALYSED} (language: de)"])
    assert devs.fingerprint(german).vector == ""


def test_an_article_in_another_language_pairs_with_none_however_near_in_time() -> None:
    german = replace(
        STRIKE[1], id="de1", published=STRIKE[0].published, notes=[f"{NOT_ANALYSED} (language: de)"]
    )
    fps = {**FPS, "de1": devs.fingerprint(german)}
    model = recluster.PairModel(fps)
    assert model.features("s1", "de1")[3] == 1.0  # published the same moment
    assert model.probability("s1", "de1") == 0.0
    assert ["de1"] in recluster.cluster(fps)
