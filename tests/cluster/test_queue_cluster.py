"""``tests/bot/test_queue.py`` again, against the 3-master cluster."""

from __future__ import annotations

from tests.bot import test_queue as base
from tests.cluster.reuse import redis_tests

REUSED = redis_tests(
    base,
    uses={"redis_client"},
    exclude={
        # both build plain redis.Redis clients from a redis:// URL themselves
        "test_no_job_lost_when_queue_objects_are_rebuilt": "standalone client by URL",
        "test_works_with_resp3_and_decoded_responses": "standalone client by URL",
    },
)
globals().update(REUSED)


def test_the_queue_tests_were_picked_up() -> None:
    for name in ("enqueue_claim_ack_round_trip", "dedup_key_refuses_a_second_job_for_a_day"):
        assert f"test_{name}" in REUSED
    assert "test_dead_letter_clears_the_dedup_marker" in REUSED
    assert "test_job_of_a_vanished_consumer_is_reclaimed" in REUSED
    assert len(REUSED) >= 12
