"""Issuing classroom reports (issue 16; ISO/IEC 17025 §7.8): ``luxcheck report prepare |
review | approve`` with the laboratory profile, their refusals, expired calibration, revisions
that name the report they replace (§7.8.8), drafts without a profile, append-only records.

Sources: ISO/IEC 17025:2017 §7.8.2.1 (a report's unique identification and the identity of the
persons authorising it), §7.8.8 (amendments to issued reports are new, identified documents
naming the one they replace); the issue's rules (three different people of the profile in their
roles; an instrument out of calibration on the test date blocks issuing); the demo lab profile
``luxcheck/data/demo-lab.toml`` (li.ming prepares, zhao.hong reviews, chen.jun reviews and
approves).
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from pathlib import Path

import pytest

from luxcheck.cli import main
from luxcheck.journal.store import CampaignStore
from luxcheck.model import (
    Campaign,
    EnvironmentRecord,
    IlluminanceReading,
    Instrument,
    MeasurementSession,
    School,
)
from luxcheck.resources import data_dir
from tests.support.builders import T0, make_classroom
from tests.support.report_fixtures import SIGN_OFF_REFUSALS, fill_store

LAB = str(data_dir() / "demo-lab.toml")


def _campaign(path: Path, *, due: dt.date = dt.date(2027, 2, 28)) -> Path:
    """The report fixtures' campaign (R101 measured in session SE1 on 2026-11-02 with T10A-1),
    its instrument calibrated on 2026-03-01 and due on ``due``."""
    store = CampaignStore.create(path, Campaign("C1", "测试活动", client="玄武区教育局"))
    store.add_school(School("S01", "第一中学", "玄武区", "玄武区示例路 2 号"))
    store.add_classroom(make_classroom())
    store.add_instrument(
        Instrument(
            "T10A-1",
            "Konica Minolta T-10A",
            "20311045",
            dt.date(2026, 3, 1),
            4.0,
            name="照度计",
            calibration_certificate="JZ2026-0001",
            calibration_due=due,
        )
    )
    store.add_session(MeasurementSession("SE1", "R101", "张工", T0, ("T10A-1",)))
    fill_store(store)
    store.close()
    return path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _sign(capsys: pytest.CaptureFixture[str], campaign: Path, role: str, who: str) -> tuple:
    return _run(
        capsys, "report", role, str(campaign), "--classroom", "R101", "--by", who, "--lab", LAB
    )


def test_prepare_review_approve_issue_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Three different people in their roles issue the report: its number follows the
    profile's pattern ({lab}-{year}-{seq:05d}), the rendered report carries the number, the
    three names and no draft mark; the sign-offs are append-only rows (triggers refuse edits)."""
    campaign = _campaign(tmp_path / "c.lux")
    code, out, err = _sign(capsys, campaign, "prepare", "li.ming")
    assert code == 0, err
    number = re.search(r"report (DEMOLAB-\d{4}-00001) \(revision 1\)", out)
    assert number, out
    assert _sign(capsys, campaign, "review", "zhao.hong")[0] == 0
    assert _sign(capsys, campaign, "approve", "chen.jun")[0] == 0
    code, out, err = _run(
        capsys, "report", str(campaign), "--out", str(tmp_path / "r"), "--lab", LAB, "--jobs", "1"
    )
    assert code == 0, err
    assert "issued: 1" in out
    html = (tmp_path / "r" / "schools" / "S01" / "R101.html").read_text(encoding="utf-8")
    for text in (
        number.group(1),
        "李明",
        "赵红",
        "陈军",
        "检验检测报告",
        "以下空白",
        "JZ2026-0001",
    ):
        assert text in html, text
    assert 'class="watermark"' not in html
    assert "草稿" not in html
    with CampaignStore.open(campaign) as store:
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            store._db.execute("UPDATE report_signoff SET person_id = 'x'")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            store._db.execute("DELETE FROM report_revision")
        assert [s.role for s in store.signoffs(number.group(1))] == [
            "prepare",
            "review",
            "approve",
        ]


@pytest.mark.parametrize(("steps", "failing", "message"), SIGN_OFF_REFUSALS)
def test_sign_off_refusals(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    steps: tuple[tuple[str, str], ...],
    failing: tuple[str, str],
    message: str,
) -> None:
    """Each refusal of the issue's rules exits 2 with a message and writes nothing: review
    before preparation, an unknown person, a person without the role, approval before review,
    the same person twice, a role signed twice."""
    campaign = _campaign(tmp_path / "c.lux")
    for role, who in steps:
        assert _sign(capsys, campaign, role, who)[0] == 0
    with CampaignStore.open(campaign) as store:
        before = (
            len(store.report_revisions()),
            sum(len(store.signoffs(r.report_number)) for r in store.report_revisions()),
        )
    code, _out, err = _sign(capsys, campaign, *failing)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    with CampaignStore.open(campaign) as store:
        after = (
            len(store.report_revisions()),
            sum(len(store.signoffs(r.report_number)) for r in store.report_revisions()),
        )
    assert after == before


def test_sign_off_needs_a_lab_profile_and_a_person(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --lab or LUXCHECK_LAB nothing can be signed; without --by nobody signs."""
    monkeypatch.delenv("LUXCHECK_LAB", raising=False)
    campaign = _campaign(tmp_path / "c.lux")
    code, _, err = _run(capsys, "report", "review", str(campaign), "--all", "--by", "zhao.hong")
    assert code == 2 and "laboratory profile" in err
    code, _, err = _run(capsys, "report", "review", str(campaign), "--all", "--lab", LAB)
    assert code == 2 and "--by" in err


def test_expired_calibration_blocks_issuing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """T10A-1's calibration ran out on 2026-10-31, before the session of 2026-11-02: preparing
    is refused naming the instrument, and the rendered report says it cannot be issued."""
    campaign = _campaign(tmp_path / "c.lux", due=dt.date(2026, 10, 31))
    code, _out, err = _sign(capsys, campaign, "prepare", "li.ming")
    assert code == 2
    assert "T10A-1" in err and "expired" in err and "20311045" in err
    code, _out, err = _run(
        capsys, "report", str(campaign), "--out", str(tmp_path / "r"), "--lab", LAB, "--jobs", "1"
    )
    assert code == 0, err
    html = (tmp_path / "r" / "schools" / "S01" / "R101.html").read_text(encoding="utf-8")
    assert "仪器 T10A-1 在检测日期已超出校准有效期" in html
    assert 'class="watermark"' in html


def test_correction_after_issue_is_a_new_revision_naming_the_replaced_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """ISO/IEC 17025 §7.8.8: a reading corrected after issue changes the content; the issued
    report is not overwritten — preparing again gives revision 2 with its own number, which
    names the report it replaces; the rendered report is a draft until approved again and
    then states the replacement."""
    campaign = _campaign(tmp_path / "c.lux")
    for role, who in (("prepare", "li.ming"), ("review", "zhao.hong"), ("approve", "chen.jun")):
        assert _sign(capsys, campaign, role, who)[0] == 0
    with CampaignStore.open(campaign) as store:
        first = store.report_revisions("R101")[0].report_number
        store.add_reading(
            IlluminanceReading(
                "d1-fix", "SE1", T0, "T10A-1", surface="desk", x_m=0.7, y_m=2.6,
                illuminance_lx=455.0, point=1, supersedes="d1",
            )
        )  # fmt: skip
    out_dir = str(tmp_path / "r")
    code, out, _ = _run(capsys, "report", str(campaign), "--out", out_dir, "--lab", LAB)
    assert "issued: 0" in out
    html = (tmp_path / "r" / "schools" / "S01" / "R101.html").read_text(encoding="utf-8")
    assert 'class="watermark"' in html and first in html  # "replaces" the issued one
    code, out, err = _sign(capsys, campaign, "prepare", "li.ming")
    assert code == 0, err
    assert f"(revision 2, replaces {first})" in out
    second = re.search(r"report (\S+) \(revision 2", out)
    assert second and second.group(1) != first
    for role, who in (("review", "zhao.hong"), ("approve", "chen.jun")):
        assert _sign(capsys, campaign, role, who)[0] == 0
    code, out, _ = _run(capsys, "report", str(campaign), "--out", out_dir, "--lab", LAB)
    assert "issued: 1" in out
    html = (tmp_path / "r" / "schools" / "S01" / "R101.html").read_text(encoding="utf-8")
    assert f"替代报告 {first}" in html and second.group(1) in html
    with CampaignStore.open(campaign) as store:
        assert [r.revision for r in store.report_revisions("R101")] == [1, 2]


def test_without_a_lab_profile_reports_are_plain_drafts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 16: without a profile a report is marked 草稿, 不作为检验检测报告, never issued; an
    environmental condition not recorded reads 未记录 (never invented)."""
    monkeypatch.delenv("LUXCHECK_LAB", raising=False)
    campaign = _campaign(tmp_path / "c.lux")
    with CampaignStore.open(campaign) as store:
        store.add_environment(
            EnvironmentRecord("SE1.env.1", "SE1", T0, temperature_C=21.5, warmup_min=20.0)
        )
    code, out, err = _run(capsys, "report", str(campaign), "--out", str(tmp_path / "r"))
    assert code == 0, err
    assert "(no laboratory profile)" in out
    html = (tmp_path / "r" / "schools" / "S01" / "R101.html").read_text(encoding="utf-8")
    assert "草稿，不作为检验检测报告" in html
    assert 'class="watermark"' in html
    assert "21.5 °C" in html and "20.0 min" in html
    env = html[html.index('id="environment"') : html.index('id="results"')]
    assert env.count("未记录") == 3  # humidity, voltage, stray light


def test_logo_seal_and_english_cover(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The profile's logo and seal images are inlined on the cover (self-contained HTML, no
    file link); the English report carries the same document in English."""
    from PIL import Image

    for name, colour in (("logo.png", "navy"), ("seal.png", "red")):
        Image.new("RGB", (8, 8), colour).save(tmp_path / name)
    text = Path(LAB).read_text(encoding="utf-8")
    text = text.replace("[[person]]", 'logo = "logo.png"\nseal = "seal.png"\n\n[[person]]', 1)
    (tmp_path / "lab.toml").write_text(text, encoding="utf-8")
    campaign = _campaign(tmp_path / "c.lux")
    code, _out, err = _run(
        capsys, "report", str(campaign), "--out", str(tmp_path / "r"), "--lang", "en",
        "--lab", str(tmp_path / "lab.toml"), "--jobs", "1",
    )  # fmt: skip
    assert code == 0, err
    html = (tmp_path / "r" / "schools" / "S01" / "R101.html").read_text(encoding="utf-8")
    cover = html[html.index('id="cover"') : html.index('id="statements"')]
    assert cover.count('src="data:image/png;base64,') == 2
    for text in (
        "Test report", "Report number", "(not numbered)", "Example Lighting Test Laboratory",
        "within 15 days of its receipt", "Prepared by", "Reviewed by", "Approved by",
        "(blank below)", "GB/T 5700-2008", "Calibration due", "28 February 2027",
        "DRAFT — not approved",
    ):  # fmt: skip
        assert text in html, text
