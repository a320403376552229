"""``luxcheck demo`` end to end on a tiny campaign (issue 9): everything it prints was
computed from the campaign file it wrote, and without WeasyPrint the PDF sample is skipped
with a plain message instead of failing (the wheel without the pdf extra)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from luxcheck.compliance.judge import judge_campaign
from luxcheck.demo.runner import run_demo
from luxcheck.journal.store import CampaignStore


def test_tiny_demo_prints_what_the_campaign_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec

    def no_weasyprint(name: str, *args: object) -> object:
        return None if name == "weasyprint" else real(name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(importlib.util, "find_spec", no_weasyprint)
    lines: list[str] = []
    path = run_demo(tmp_path, n_classrooms=3, seed=5, use_pty=False, jobs=1, say=lines.append)
    text = "\n".join(lines)
    assert "PDF sample skipped: WeasyPrint is not installed" in text
    with CampaignStore.open(path) as store:
        _, rollup = judge_campaign(store)
    rate = 100.0 * rollup.passed / rollup.rooms
    assert f"classrooms: 3  pass: {rollup.passed} ({rate:.1f} %)" in text
    assert (tmp_path / "reports" / "index.html").is_file()
    assert (tmp_path / "reports-en" / "index.html").is_file()
    # running it again replaces the demo campaign (safe to run twice)
    run_demo(tmp_path, n_classrooms=3, seed=5, use_pty=False, jobs=1, say=lambda _: None)


def test_demo_never_deletes_a_real_campaign(tmp_path: Path) -> None:
    """A campaign at the demo's path that is not a demo campaign is refused, not replaced."""
    from luxcheck.errors import InputError
    from luxcheck.model import Campaign

    CampaignStore.create(tmp_path / "demo.lux", Campaign("NJ2026", "real work")).close()
    with pytest.raises(InputError, match="not a demo campaign"):
        run_demo(tmp_path, n_classrooms=2, use_pty=False, say=lambda _: None)
    with CampaignStore.open(tmp_path / "demo.lux") as store:
        assert store.campaign.campaign_id == "NJ2026"


def test_demo_store_holds_computed_values_to_their_possible_range(tmp_path: Path) -> None:
    """The demo's campaign is checked like every command's (luxcheck.cli.campaign_file): a
    uniformity (a ratio of a minimum to a mean, so in [0, 1] by definition, GB/T 5700-2023
    §3) stored outside its range is read back as not measured with a reason naming the
    classroom, never judged."""
    from luxcheck.demo.plan import plan_campaign
    from luxcheck.demo.runner import prepare_store

    plans = plan_campaign(1, 7)
    room = plans[0].classroom.classroom_id
    with prepare_store(tmp_path / "d.lux", plans, "test") as store:
        store.put_metrics(room, {"desk_uniformity": 1.5}, input_hash="x")
        values, reasons = store.metrics(room)
    assert values["desk_uniformity"] is None
    assert room in reasons["desk_uniformity"]
