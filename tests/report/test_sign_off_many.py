"""Signing many reports at once (luxcheck.report.issue.sign_off_many, with_documents).

Property of the logic: a batch is the one-by-one sign-offs in one transaction, with the
records read once — the same report numbers, sign-off rows and issue states as
:func:`sign_off` and :func:`with_document` one at a time give, and the same refusals with the
same messages (the issue's rules: prepare → review → approve by three different people of the
profile in their roles; ISO/IEC 17025:2017 §7.8.2.1), a refused batch recording nothing. The
demo lab profile ``luxcheck/data/demo-lab.toml``: li.ming prepares, zhao.hong reviews,
chen.jun reviews and approves.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from luxcheck.analysis.campaign import analyse_campaign
from luxcheck.compliance.judge import judge_campaign
from luxcheck.demo.plan import plan_campaign
from luxcheck.demo.runner import measure_campaign, prepare_store
from luxcheck.errors import InputError
from luxcheck.journal.store import CampaignStore
from luxcheck.lab import LabProfile, load_lab_profile
from luxcheck.report.assemble import report_context
from luxcheck.report.gather import gather_reports
from luxcheck.report.issue import sign_off, sign_off_many, with_document, with_documents
from luxcheck.report.model import ClassroomReportData
from luxcheck.resources import data_dir
from tests.support.report_fixtures import SIGN_OFF_REFUSALS

START = dt.datetime(2026, 11, 2, 8, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)
STAFF = (("prepare", "li.ming"), ("review", "zhao.hong"), ("approve", "chen.jun"))


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three demo classrooms, measured and analysed, nothing signed."""
    path = tmp_path_factory.mktemp("many") / "c.lux"
    plans = plan_campaign(3, seed=11)
    store = prepare_store(path, plans, "sign-off batch")
    measure_campaign(store, plans, start=START)
    analyse_campaign(store, jobs=1)
    store.close()
    return path


def _open(campaign: Path, tmp_path: Path) -> tuple[CampaignStore, list[ClassroomReportData]]:
    tmp_path.mkdir()
    copy = tmp_path / "c.lux"
    shutil.copy(campaign, copy)
    store = CampaignStore.open(copy)
    judged, _rollup = judge_campaign(store)
    context = report_context(store.campaign.profile)
    lab = load_lab_profile(data_dir() / "demo-lab.toml")
    return store, gather_reports(store, judged, context, lab, jobs=1).reports


def _records(store: CampaignStore) -> tuple[list[object], list[object]]:
    revisions = store.report_revisions()
    return revisions, [s for r in revisions for s in store.signoffs(r.report_number)]


def _lab() -> LabProfile:
    return load_lab_profile(data_dir() / "demo-lab.toml")


def test_a_batch_records_what_one_by_one_records(campaign: Path, tmp_path: Path) -> None:
    """Property: numbers, sign-off rows and issue states equal the one-by-one path's, for a
    batch that prepares, reviews and approves, then prepares a changed report again."""
    lab = _lab()
    context = report_context("cn-classroom")
    one, reports = _open(campaign, tmp_path / "one")
    for report in reports:
        for role, who in STAFF:
            sign_off(one, report, lab, role, who, now=NOW)
    single = [with_document(one, r, lab, context) for r in reports]
    many, same = _open(campaign, tmp_path / "many")
    batch = sign_off_many(many, [(r, role, who) for r in same for role, who in STAFF], lab, now=NOW)
    assert [r.report_number for r in batch] == [
        r.document.issue.report_number for r in single for _ in STAFF
    ]
    assert _records(many) == _records(one)
    read_back = with_documents(many, same, lab, context)
    assert [r.document for r in read_back] == [r.document for r in single]
    assert [r.document.issue.status for r in read_back] == ["issued"] * 3
    assert [r.issued_on for r in read_back] == [r.issued_on for r in single]
    one.close()
    many.close()


@pytest.mark.parametrize(
    ("steps", "failing", "message"),
    [
        *SIGN_OFF_REFUSALS,
        ((("prepare", "li.ming"),), ("sign", "li.ming"), "expected prepare, review or approve"),
    ],
)
def test_a_batch_is_refused_as_one_by_one_and_records_nothing(
    campaign: Path,
    tmp_path: Path,
    steps: tuple[tuple[str, str], ...],
    failing: tuple[str, str],
    message: str,
) -> None:
    """The issue's rules: the refusal of the batch is the one-by-one refusal (same message),
    and the batch leaves the records as they were (all or nothing)."""
    lab = _lab()
    one, reports = _open(campaign, tmp_path / "one")
    report = reports[0]
    for role, who in steps:
        sign_off(one, report, lab, role, who, now=NOW)
    with pytest.raises(InputError) as single:
        sign_off(one, report, lab, *failing, now=NOW)
    assert message in str(single.value)
    many, same = _open(campaign, tmp_path / "many")
    before = _records(many)
    # a clean sign-off of another report before the refused one: refused with the rest
    batch = [*((same[0], r, w) for r, w in steps), (same[1], "prepare", "li.ming")]
    with pytest.raises(InputError) as refused:
        sign_off_many(many, [*batch, (same[0], *failing)], lab, now=NOW)
    assert str(refused.value) == str(single.value)
    assert _records(many) == before
    one.close()
    many.close()
