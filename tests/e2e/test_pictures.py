"""``/brief chart`` and ``/brief map`` through the real app: acknowledged at once,
then drawn and shared with files.getUploadURLExternal + files.completeUploadExternal
(the fake Slack keeps the uploaded bytes); and ``briefbot brief --chart/--map``."""

from __future__ import annotations

from pathlib import Path

from bot.deps import Deps
from bot.jobs import pipeline
from tests.bot.pictures.test_pictures import png_size
from tests.e2e.test_cli import briefbot
from tests.fakeslack import FakeSlack, command_body, slash_command
from tests.support.app import SlackPoster
from tests.support.seeds import SYRIA_NAMES, copy_seeds, seed_path


def test_chart_and_map_are_shared_in_the_channel(
    deps: Deps, slack_post: SlackPoster, fake_slack: FakeSlack
) -> None:
    for name in SYRIA_NAMES:
        pipeline.ingest_path(deps, "T1", seed_path(name))
    for n, what in enumerate(("chart", "map"), start=1):
        response = slack_post.post(command_body(slash_command(f"{what} syria", channel="CDESK")))
        assert response.status_code == 200 and f"Drawing the {what}" in response.text
        [*_, done] = fake_slack.wait_for("files.completeUploadExternal", count=n, timeout=60)
        assert done.params["channel_id"] == "CDESK"
        [*_, asked] = fake_slack.calls("files.getUploadURLExternal")
        assert asked.params["filename"] == f"syria-{what}.png"
        assert "syria" in asked.params["alt_txt"]
        data = fake_slack.state.uploads[str(done.params["files"][0]["id"])]
        assert len(data) == int(asked.params["length"])
        assert png_size(data)[0] == 800
    alt = fake_slack.calls("files.getUploadURLExternal")[1].params["alt_txt"]
    assert "Qamishli" in alt  # the map names the brief's places


def test_the_cli_writes_the_pictures(tmp_path: Path) -> None:
    data = tmp_path / "data"
    folder = copy_seeds(tmp_path, SYRIA_NAMES)
    assert briefbot("ingest", str(folder), data_dir=data).returncode == 0
    chart, places = tmp_path / "chart.png", tmp_path / "map.png"
    run = briefbot("brief", "syria", "--chart", str(chart), "--map", str(places), data_dir=data)
    assert run.returncode == 0, run.stderr
    assert png_size(chart.read_bytes()) == (800, 320)
    assert png_size(places.read_bytes()) == (800, 500)
    assert f"{chart}: Bar chart of syria" in run.stdout and f"{places}: Map of syria" in run.stdout


def test_a_digest_with_pictures_on_gets_them_in_its_thread(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    from datetime import UTC, datetime

    from bot import service
    from bot.digests.scheduler import DigestScheduler
    from bot.slack.brief_command import parse
    from bot.slack.client import SlackClients
    from bot.slack.digests import SlackDigestSender
    from handlers.digests import answer_digest_command
    from tests.support.subscriptions import add_subscription

    for name in SYRIA_NAMES[:2]:
        pipeline.ingest_path(deps, "T1", seed_path(name))
    now = datetime.now(UTC).replace(second=1, microsecond=0)
    plain = add_subscription(deps.redis, channel="CPLAIN", hour=now.hour, minute=now.minute)
    sub = add_subscription(deps.redis, channel="CPICS", hour=now.hour, minute=now.minute)
    asker = {"team_id": "T1", "channel_id": "CPICS", "user_id": "U1"}
    answer = answer_digest_command(deps, asker, parse(f"digest pictures {sub.id} on"))
    assert "with a chart and a map" in str(answer)
    clients = SlackClients(deps.settings, deps.metrics, deps.bot_token)
    sender = SlackDigestSender(
        clients, deps.metrics, lambda s, d: service.digest_pictures(deps, s.team, s.topics)
    )
    results = DigestScheduler(deps, sender, grace_seconds=3600).tick(now)
    assert sorted(r.outcome for r in results) == ["sent", "sent"]
    [digest] = fake_slack.messages("CPICS")
    shared = fake_slack.calls("files.completeUploadExternal")
    assert [c.params["thread_ts"] for c in shared] == [digest["ts"]] * 2  # chart and map
    assert all(c.params["channel_id"] == "CPICS" for c in shared)
    assert fake_slack.messages(plain.channel) and len(shared) == 2  # none for the plain one
