"""Re-clustering wired into the store (``bot.topics.regroup`` via ``TopicState``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.models import Article, Development
from bot.store import serde
from bot.store.client import text
from bot.store.fence import Fence, FencedWrite
from bot.store.keys import TopicKeys
from bot.store.team import Store
from bot.topics import corrections, regroup
from bot.topics import developments as devs
from bot.topics.state import TopicState
from tests.bot.topics.test_recluster import BRIDGE, article

NOW = datetime(2026, 3, 1, tzinfo=UTC)
TEAM, TOPIC = "T1", "harbour"
CHIEF = ("actor:chief-oduya", "person", "Ada Oduya")
OWNER = ("actor:owner-reyes", "person", "Tomas Reyes")

# One storyline (a mill fire, then its aftermath): the first and the third article
# share little, so in this arrival order one pass splits it in two developments.
FIRE = [
    article(
        "f1",
        "Fire guts the old paper mill at Port Calder",
        "A fire gutted the old paper mill on the Port Calder waterfront overnight. Fire chief "
        "Ada Oduya said forty firefighters fought the blaze until dawn and nobody was hurt.",
        5,
        CHIEF,
    ),
    article(
        "f3",
        "Mill owner promises to rebuild after boiler room fault",
        "The owner of the gutted paper mill said it would be rebuilt and its two hundred workers "
        "kept on full pay while insurers study the boiler room wiring fault.",
        7,
        OWNER,
    ),
    article(
        "f2",
        "Investigators blame faulty wiring for paper mill blaze",
        "Fire investigators said faulty wiring in the boiler room started the blaze that gutted "
        "the Port Calder paper mill, fire chief Ada Oduya told reporters.",
        6,
        CHIEF,
    ),
    article(
        "f4",
        "Paper mill workers to stay on full pay, owner says",
        "Two hundred workers of the paper mill gutted by fire at Port Calder will stay on full "
        "pay until it reopens, the owner told staff, as insurers began studying the boiler room "
        "wiring fault.",
        8,
        OWNER,
    ),
]
STREAM = FIRE + BRIDGE  # seven articles: the seventh join re-clusters


@pytest.fixture
def state(redis_client: Any, monkeypatch: pytest.MonkeyPatch) -> TopicState:
    monkeypatch.setattr(regroup, "RECLUSTER_EVERY", len(STREAM))
    return TopicState(redis_client)


def add(redis_client: Any, state: TopicState, item: Article) -> Development:
    Store(redis_client, []).save_article(TEAM, item)
    return state.add_article(TEAM, TOPIC, item, NOW)


def homes(redis_client: Any) -> dict[str, str]:
    raw = redis_client.hgetall(TopicKeys(TEAM, TOPIC).article_development)
    return {text(a): text(d) for a, d in raw.items()}


def records(redis_client: Any) -> dict[str, Development]:
    k = TopicKeys(TEAM, TOPIC)
    ids = [text(i) for i in redis_client.zrange(k.developments, 0, -1)]
    return {i: serde.loads(Development, redis_client.get(k.development(i))) for i in ids}


def test_a_storyline_split_by_its_arrival_order_is_merged_on_the_nth_join(
    redis_client: Any, state: TopicState
) -> None:
    for item in STREAM[:-1]:
        add(redis_client, state, item)
    before = homes(redis_client)
    assert before["f1"] != before["f3"]  # one pass split the storyline
    assert before["f1"] == before["f2"] and before["f3"] == before["f4"]
    last = add(redis_client, state, STREAM[-1])
    after = homes(redis_client)
    assert len({after[a.id] for a in FIRE}) == 1
    assert len({after[a.id] for a in BRIDGE}) == 1
    assert after["f1"] != after["b1"]
    assert last.id == after[STREAM[-1].id]
    # the merged development kept an id it had, and the other id is gone everywhere
    merged = after["f1"]
    gone = ({before["f1"], before["f3"]} - {merged}).pop()
    assert merged in {before["f1"], before["f3"]}
    k = TopicKeys(TEAM, TOPIC)
    assert not redis_client.exists(k.development(gone))
    assert redis_client.zscore(k.developments, gone) is None
    assert redis_client.zscore(k.dev_changes, gone) is None
    assert redis_client.hget(k.meta, regroup.DUE) == b"0"


def test_every_article_is_in_exactly_one_development_after_re_clustering(
    redis_client: Any, state: TopicState
) -> None:
    for item in STREAM:
        add(redis_client, state, item)
    found = records(redis_client)
    members = [ref.id for dev in found.values() for ref in dev.articles]
    assert sorted(members) == sorted(a.id for a in STREAM)
    assert set(homes(redis_client).values()) == set(found)
    for article_id, dev_id in homes(redis_client).items():
        assert article_id in {ref.id for ref in found[dev_id].articles}
    snap = state.snapshot(TEAM, TOPIC)
    assert sum(d.article_count for d in found.values()) == snap.article_count == len(STREAM)
    assert len(found) == 2


def test_an_unchanged_development_keeps_its_id_and_record(
    redis_client: Any, state: TopicState, monkeypatch: pytest.MonkeyPatch
) -> None:
    k = TopicKeys(TEAM, TOPIC)
    for item in STREAM:
        add(redis_client, state, item)
    bridge_id = homes(redis_client)["b1"]
    # the bridge storyline did not change: its record is the one the joins wrote
    monkeypatch.setattr(regroup, "RECLUSTER_EVERY", 1000)
    for item in STREAM:
        TopicState(redis_client).add_article("T2", TOPIC, item, NOW)
    alone = TopicKeys("T2", TOPIC)
    assert redis_client.hget(alone.article_development, "b1").decode() == bridge_id
    assert redis_client.get(k.development(bridge_id)) == redis_client.get(
        alone.development(bridge_id)
    )
    # a second pass changes nothing: ids and records stay as they are
    monkeypatch.setattr(regroup, "RECLUSTER_EVERY", 1)
    frozen = {i: redis_client.get(k.development(i)) for i in records(redis_client)}
    extra = replace(BRIDGE[0], id="b9", url="https://harbour.example/b9", content_hash="b9")
    add(redis_client, state, extra)
    assert redis_client.hget(k.meta, regroup.DUE) == b"0"  # it ran
    assert homes(redis_client)["b9"] == bridge_id
    assert set(records(redis_client)) == set(frozen)
    for dev_id, raw in frozen.items():
        if dev_id != bridge_id:
            assert redis_client.get(k.development(dev_id)) == raw


def test_a_folded_copy_follows_its_article(redis_client: Any, state: TopicState) -> None:
    copy = replace(
        FIRE[3],
        id="f4-copy",
        url="https://mirror.example/f4",
        outlet="Mirror",
        content_hash="f4-copy",
    )
    for item in [*STREAM[:-1], copy]:
        add(redis_client, state, item)
    assert homes(redis_client)["f4-copy"] == homes(redis_client)["f4"]
    add(redis_client, state, STREAM[-1])  # copies do not count towards the re-clustering
    after = homes(redis_client)
    assert after["f4-copy"] == after["f4"] == after["f1"]
    dev = records(redis_client)[after["f4"]]
    ref = next(r for r in dev.articles if r.id == "f4")
    assert ref.copies == [{"url": "https://mirror.example/f4", "outlet": "Mirror"}]
    assert "Mirror" in dev.outlets
    snap = state.snapshot(TEAM, TOPIC)
    assert snap.article_count == len(STREAM) + 1  # the copy is counted, as before
    assert sum(d.article_count for d in records(redis_client).values()) == len(STREAM)


def test_a_stale_re_clusterer_has_its_write_discarded(
    redis_client: Any, state: TopicState, monkeypatch: pytest.MonkeyPatch
) -> None:
    for item in STREAM[:-1]:
        add(redis_client, state, item)
    k = TopicKeys(TEAM, TOPIC)
    real_plan = regroup.plan
    taken: list[str] = []

    def stalled(*args: Any) -> FencedWrite:
        write = real_plan(*args)
        redis_client.delete(k.lock)  # its lock's life ran out, and another worker took it
        token = Fence(redis_client).acquire(k.lock, 60_000, 0)
        assert token is not None
        taken.append(token)
        return write

    monkeypatch.setattr(regroup, "plan", stalled)
    last = add(redis_client, state, STREAM[-1])
    after = homes(redis_client)
    assert taken and after["f1"] != after["f3"]  # nothing of the re-clustering landed
    assert last.id == after[STREAM[-1].id]
    assert int(redis_client.hget(k.meta, regroup.DUE)) == len(STREAM)  # still due
    assert redis_client.get(k.lock) == taken[0].encode()  # the new owner's lock is intact


def test_a_topic_an_editor_regrouped_is_not_re_clustered(
    redis_client: Any, state: TopicState
) -> None:
    for item in STREAM[:-1]:
        add(redis_client, state, item)
    before = homes(redis_client)
    # an editor moved an article (here back where it was): the grouping is theirs now
    state.edit(TEAM, TOPIC, lambda s: corrections.reassign(s, TEAM, TOPIC, {"f3": before["f3"]}))
    add(redis_client, state, STREAM[-1])
    assert homes(redis_client)["f1"] != homes(redis_client)["f3"]


def test_a_development_an_editor_titled_keeps_its_members(
    redis_client: Any, state: TopicState
) -> None:
    for item in STREAM[:-1]:
        add(redis_client, state, item)
    before = homes(redis_client)
    corrections.set_title(redis_client, TEAM, TOPIC, before["f3"], "Mill owner's plans")
    record = redis_client.get(TopicKeys(TEAM, TOPIC).development(before["f3"]))
    add(redis_client, state, STREAM[-1])
    after = homes(redis_client)
    assert redis_client.hget(TopicKeys(TEAM, TOPIC).meta, regroup.DUE) == b"0"  # it ran
    assert after["f3"] == after["f4"] == before["f3"] != after["f1"]
    assert redis_client.get(TopicKeys(TEAM, TOPIC).development(before["f3"])) == record


def test_a_failing_re_clustering_never_fails_the_join(
    redis_client: Any, state: TopicState, monkeypatch: pytest.MonkeyPatch
) -> None:
    for item in STREAM[:-1]:
        add(redis_client, state, item)

    def broken(*args: Any) -> FencedWrite:
        raise ValueError("a record that cannot be read")

    monkeypatch.setattr(regroup, "plan", broken)
    last = add(redis_client, state, STREAM[-1])
    assert homes(redis_client)[STREAM[-1].id] == last.id
    assert not redis_client.exists(TopicKeys(TEAM, TOPIC).lock)  # given back


def test_a_fingerprint_stored_without_its_posting_time_takes_its_articles() -> None:
    posted_at = datetime(2026, 3, 4, 10, tzinfo=UTC)
    item = replace(FIRE[0], published=None, ingested_at=posted_at, slack_ts="1772618400.0001")
    legacy = replace(devs.fingerprint(item), posted=None)  # as stored by the earlier code
    assert regroup._with_posted(legacy, item).posted == posted_at
    # an article imported from the command line was never posted
    assert regroup._with_posted(legacy, replace(item, slack_ts=None)).posted is None
    # a stored posting time is kept, and an article with no ingest time leaves it unknown
    kept = replace(legacy, posted=NOW)
    assert regroup._with_posted(kept, item).posted == NOW
    assert regroup._with_posted(legacy, replace(item, ingested_at=None)).posted is None
