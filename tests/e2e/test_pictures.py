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
