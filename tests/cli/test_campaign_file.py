"""Every command opens a campaign through one checked path: a damaged, truncated or foreign
file is refused with exit 2 and a message naming it, and nothing is written into it; a computed
metric outside its possible range is a problem of its classroom, not an abort of the campaign."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from luxcheck.cli import main
from luxcheck.cli.campaign_file import open_campaign
from tests.support.report_fixtures import fill_store, make_store


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("campaign") / "small.lux"
    store = make_store(path)
    fill_store(store)
    store.close()
    return path


def _damaged(campaign: Path, tmp_path: Path, how: str) -> Path:
    path = tmp_path / f"{how}.lux"
    shutil.copy(campaign, path)
    data = bytearray(path.read_bytes())
    if how == "overwritten":
        middle = len(data) // 2
        data[middle : middle + 8192] = b"\xff" * 8192
    else:
        del data[len(data) // 2 :]
    path.write_bytes(bytes(data))
    return path


def _commands(path: Path, tmp_path: Path) -> list[list[str]]:
    (tmp_path / "report.html").write_text("<html></html>", encoding="utf-8")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "campaign.csv").write_text("campaign_id,name\nC1,测试活动\n", encoding="utf-8")
    p = str(path)
    return [
        ["analyse", p],
        ["report", p, "--out", str(tmp_path / "out"), "--jobs", "1"],
        ["verify", str(tmp_path / "report.html"), "--campaign", p],
        ["campaign", "export", p, "--out", str(tmp_path / "export")],
        ["campaign", "import", str(folder), "--into", p],
        ["measure", p, "--classroom", "R101", "--inspector", "x", "--auto"],
    ]


@pytest.mark.parametrize("how", ["overwritten", "truncated", "not-sqlite"])
def test_every_command_refuses_a_damaged_file(
    campaign: Path, tmp_path: Path, how: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if how == "not-sqlite":
        path = tmp_path / "notes.lux"
        path.write_text("campaign_id,name\nC1,x\n" * 100, encoding="utf-8")
    else:
        path = _damaged(campaign, tmp_path, how)
    before = path.read_bytes()
    for argv in _commands(path, tmp_path):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert str(path) in err, (argv, err)
        assert "Traceback" not in err
        assert "damaged" in err or "not a luxcheck campaign file" in err, err
        assert path.read_bytes() == before, argv
    assert not (tmp_path / "export" / "campaign.csv").exists()


def test_damaged_file_message(
    campaign: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = _damaged(campaign, tmp_path, "truncated")
    assert main(["analyse", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"luxcheck: error: {path}: the campaign file is damaged (")
    assert "\n" not in err


def test_a_sound_file_opens(campaign: Path, tmp_path: Path) -> None:
    path = tmp_path / "copy.lux"
    shutil.copy(campaign, path)
    with open_campaign(path) as store:
        assert store.campaign.campaign_id == "C1"


def test_out_of_range_metric_is_a_problem_of_its_classroom(
    campaign: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A constant meter gave a board U0 of 1.0000000000000002: the report stopped for the
    whole campaign ("is outside the possible range [0, 1]") naming no classroom."""
    path = tmp_path / "copy.lux"
    shutil.copy(campaign, path)
    with open_campaign(path) as store:
        values, reasons = store.metrics("R101")
        store.put_metrics(
            "R101",
            {**values, "board_uniformity": 1.0000000000000002},
            input_hash="h2",
            reasons=reasons,
        )
    with open_campaign(path) as store:
        values, reasons = store.metrics("R101")
    assert values["board_uniformity"] is None
    assert reasons["board_uniformity"] == (
        "classroom R101: the computed board_uniformity 1.0000000000000002 is outside the "
        "possible range [0, 1]; re-analyse after checking its readings"
    )
    assert main(["report", str(path), "--out", str(tmp_path / "out"), "--jobs", "1"]) == 0
    assert "Traceback" not in capsys.readouterr().err
