"""The results by quantity in the reports: one row per quantity with every limit and clause
(HTML and PDF text), shall/should worded as the clause says, the deciding digit, the comparison
method, and each failing quantity named once in the school summary, the dashboard and the
rectification list."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luxcheck.compliance.engine import evaluate, room_result
from luxcheck.journal.store import CampaignStore
from luxcheck.report.format import Formatter
from luxcheck.report.model import (
    CampaignDashboardData,
    ClassroomReportData,
    ClassroomSummary,
    SchoolSummaryData,
)
from luxcheck.report.pages import ClassroomPages
from luxcheck.report.render import render_campaign
from tests.support.report_fixtures import fill_store, make_store, report_of
from tests.support.results_table import result_items
from tests.support.rooms import GOOD

#: A classroom of cn-classroom that fails board uniformity (GB 7793-2010 §5.3, GB/T 36876-2018
#: §4.2, GB 55016-2021 §3.3.3 item 2: ≥ 0.80, all 应) and UGR (GB 55016-2021 §3.3.4 应 ≤ 19),
#: and whose Ra was not measured (limited ≥ 80 by four standards).
FAILING = {**GOOD, "board_uniformity": 0.797, "ugr": 20.4, "cri_ra": None}


def _report(store: CampaignStore, metrics: dict[str, float | str | None]) -> ClassroomReportData:
    verdicts = evaluate(metrics, "cn-classroom", "ordinary")
    return report_of(store, "R101", verdicts, room_result(verdicts).status)


@pytest.fixture
def failing(store: CampaignStore) -> ClassroomReportData:
    fill_store(store)
    return _report(store, FAILING)


def test_one_row_per_quantity_with_all_its_clauses(
    failing: ClassroomReportData, tmp_path: Path
) -> None:
    """Every quantity is one row of the results table. Ra (not measured) is one row whose one
    limit, ≥ 80.0, cites GB 7793-2010 (its light-source clause, 宜), GB/T 36876-2018,
    GB 40070-2021 and GB 55016-2021 §3.3.5 (应): the four packs' clauses, once each. Desk mean
    cites GB 7793-2010 5.2 and GB/T 36876-2018 4.1 in one line; desk U0 shows both its limits
    (≥ 0.70 and ≥ 0.60, GB 55016-2021 §3.3.3) in its row."""
    text = ClassroomPages(tmp_path, "zh").render_classroom(failing)
    items = result_items(text)
    ids = [i.metric_id for i in items]
    assert len(ids) == len(set(ids)) == len({v.metric for v in failing.verdicts})
    by_id = {i.metric_id: i for i in items}
    ra = by_id["cri_ra"]
    assert (ra.item, ra.measured, ra.verdict) == ("一般显色指数 Ra", "—", "未测量")
    ((limit, clauses, _mark),) = ra.lines
    assert limit == "≥ 80.0"
    assert [c.split(" ")[0] for c in clauses] == ["GB", "GB/T", "GB", "GB"]
    assert [re.match(r"(GB/T|GB) [\d-]+", c).group(0) for c in clauses] == [  # type: ignore[union-attr]
        "GB 7793-2010",
        "GB/T 36876-2018",
        "GB 40070-2021",
        "GB 55016-2021",
    ]
    assert clauses[0].endswith("（宜）") and clauses[3].startswith("GB 55016-2021 3.3.5")
    assert all(c.endswith("（应）") for c in clauses[1:])
    assert by_id["desk_illuminance_mean_lx"].lines == [
        ("≥ 300 lx", ["GB 7793-2010 5.2（应）", "GB/T 36876-2018 4.1（应）"], "")
    ]
    assert [line[0] for line in by_id["desk_uniformity"].lines] == ["≥ 0.70", "≥ 0.60"]
    board = by_id["board_uniformity"]
    assert (board.measured, board.verdict, len(board.lines)) == ("0.797", "不合格", 1)
    assert len(board.lines[0][1]) == 3  # GB 7793, GB/T 36876, GB 55016: one limit, three clauses
    # the conclusion names each quantity once
    conclusion = text[text.index('id="outcome"') : text.index('id="identification"')]
    assert conclusion.count("黑板面照度均匀度") == 1
    assert conclusion.count("一般显色指数 Ra") == 1


def test_should_clause_of_a_recommended_standard_reads_yi_never_mandatory(
    failing: ClassroomReportData, tmp_path: Path
) -> None:
    """GB/T 36876-2018 is a recommended standard; its UGR clause (pack gb36876.ugr: 统一眩光值
    不宜大于, obligation "should") prints as 宜 / "should", its §4.1 desk illuminance (应) as
    应 / "shall"; "强制" (mandatory) is printed nowhere, in Chinese, and neither is
    "mandatory" in English."""
    zh = ClassroomPages(tmp_path / "zh", "zh").render_classroom(failing)
    ugr = next(i for i in result_items(zh) if i.metric_id == "ugr")
    gbt = [c for c in ugr.lines[0][1] if c.startswith("GB/T 36876-2018")]
    assert len(gbt) == 1 and gbt[0].endswith("（宜）")
    assert "GB 55016-2021 3.3.4" in " ".join(ugr.lines[0][1])
    assert "强制" not in zh
    en = ClassroomPages(tmp_path / "en", "en").render_classroom(failing)
    ugr_en = next(i for i in result_items(en) if i.metric_id == "ugr")
    assert any(
        c.startswith("GB/T 36876-2018") and c.endswith("(should)") for c in ugr_en.lines[0][1]
    )
    assert "GB/T 36876-2018 4.1 (shall)" in en
    assert "andatory" not in en


def test_conclusion_states_the_comparison_method_and_confidence_annex(
    failing: ClassroomReportData, tmp_path: Path
) -> None:
    """The report states how values were compared (GB/T 8170-2008 §4.3, 全数值比较法, as the
    engine compares unrounded values) and the single-item rule, and lists the threshold
    confidence in Annex A, not in the results table: GB 40070-2021's flicker limit is
    to be confirmed in its pack (gb40070.flicker-percent)."""
    text = ClassroomPages(tmp_path, "zh").render_classroom(failing)
    assert "GB/T 8170-2008 第 4.3 条采用全数值比较法" in text
    assert "任一“应”条款限值不符合，该项目即为不合格" in text
    table = text[text.index('<table class="results">') : text.index("</table>")]
    assert "核实" not in table
    annex = text[text.index('id="annex-confidence"') :]
    assert "附录 A 限值核实状态" in annex
    assert re.search(r"GB 40070-2021 [^<]*波动深度[^<]*</td><td>波动深度[^<]*</td>", annex)
    assert "待核实" in annex
    assert "附录 B 标准数据包版本" in text


def test_deciding_digit_only_where_rounding_would_read_as_the_limit() -> None:
    """GB/T 8170-2008 §4.3 (full-value comparison) with display at the quantity's resolution
    (vocabulary: desk U0 two decimals): U0 0.6996 against ≥ 0.70 prints 0.6996 (0.70 would
    read as the limit and a pass), 0.73 prints 0.73 (no extra digit where none decides), and
    0.7049 (a pass) prints 0.705; the limit keeps the quantity's resolution (≥ 0.70)."""
    f = Formatter("zh")
    assert f.measured_decimals("desk_uniformity", 0.6996, [0.7]) == 4
    assert f.number(0.6996, 4) == "0.6996"
    assert f.measured_decimals("desk_uniformity", 0.7298, [0.7]) == 2
    assert f.measured_decimals("desk_uniformity", 0.7049, [0.7]) == 3
    assert f.measured_decimals("desk_uniformity", 0.7, [0.7]) == 2  # at the limit: as it is
    assert f.limit_decimals("desk_uniformity", 0.7) == 2
    assert f.limit_decimals("desk_uniformity", 0.125) == 3  # a pack's digit is never dropped
    assert f.limit_decimals("flicker_percent", 3.2000266) == 2  # derived (interpolated)
    assert f.limit_decimals("desk_illuminance_mean_lx", 375.0) == 0  # 300 lx / MF 0.8


@settings(max_examples=300, deadline=None)
@given(
    st.floats(0.0, 1.0, allow_nan=False),
    st.sampled_from([0.4, 0.6, 0.7, 0.8, 0.125]),
)
def test_printed_value_never_contradicts_the_verdict(measured: float, limit: float) -> None:
    """Property of the display rule: the printed measured value, read back, lies on the same
    side of the limit as the value judged (equal only when it is equal), so a failing value
    never prints as the limit or beyond it (GB/T 8170-2008 §4.3, full-value comparison)."""
    f = Formatter("en")
    decimals = f.measured_decimals("desk_uniformity", measured, [limit])
    if decimals == 6:
        return  # closer than 10⁻⁶: the cap (finer than any lux meter resolves)
    shown = float(f.number(measured, decimals).replace(",", ""))
    assert (shown > limit) - (shown < limit) == (measured > limit) - (measured < limit)


def test_summaries_and_rectification_name_each_quantity_once(
    failing: ClassroomReportData, tmp_path: Path
) -> None:
    """Board uniformity fails the same ≥ 0.80 in three packs (GB 7793-2010 §5.3, GB/T
    36876-2018 §4.2, GB 55016-2021 §3.3.3): the school summary names it once with its value
    and limit, the rectification list has one entry per quantity of the classroom, and the
    dashboard's pass rate by quantity has one row per quantity."""
    pages = ClassroomPages(tmp_path, "zh")
    summary = ClassroomSummary.from_report(failing)
    school = pages.school_view(SchoolSummaryData(failing.campaign, failing.school, (summary,)))
    (row,) = school["rows"]
    assert row["failed"] == "黑板面照度均匀度 (0.797; ≥ 0.80)、统一眩光值 (20.4; ≤ 19.0)"
    assert row["missing"] == "一般显色指数 Ra"
    data = CampaignDashboardData(
        failing.campaign, (failing.school,), (summary,), "cn-classroom", failing.packs
    )
    view = pages.dashboard_view(data)
    rect = Counter((r["classroom"], r["metric"]) for r in view["rectification"])
    assert set(rect.values()) == {1}
    assert sorted(m for _c, m in rect) == sorted(
        ["黑板面照度均匀度", "统一眩光值", "一般显色指数 Ra"]
    )
    metrics = [m["metric_id"] for m in view["metrics"]]
    assert len(metrics) == len(set(metrics))
    board = next(m for m in view["metrics"] if m["metric_id"] == "board_uniformity")
    assert (board["fail"], board["applicable"]) == ("1", "1")
    assert board["clauses"].count("（应）") == 3


def test_school_and_dashboard_polish(failing: ClassroomReportData, tmp_path: Path) -> None:
    """The school list is headed by the classrooms' results, not by '教室数' (a count); its
    table sorts by a click (the shared script) and dates do not wrap; the dashboard's overview
    no longer prints raw pack hashes: they are in its annex; a waveform mean of 2,400 counts
    is printed as 2,400, not 2,400.0000."""
    render_campaign([failing], tmp_path)
    school = (tmp_path / "schools/S01/index.html").read_text("utf-8")
    assert "<h2>各教室检测结论</h2>" in school
    assert "<h2>教室数</h2>" not in school
    assert 'class="summary sortable"' in school and "static/dashboard.js" in school
    assert '<td class="date" data-value="' in school
    dashboard = (tmp_path / "index.html").read_text("utf-8")
    overview = dashboard[: dashboard.index('id="by-school"')]
    annex = dashboard[dashboard.index('id="annex-packs"') :]
    pack = failing.packs[0]
    assert pack.pack_id not in overview
    assert f"<td>{pack.pack_id}</td><td><code>{pack.version}</code></td>" in annex
    assert Formatter("en").significant(2400.0) == "2,400"
    assert Formatter("en").significant(0.0123456) == "0.01235"


pdf_tools = pytest.mark.skipif(
    importlib.util.find_spec("weasyprint") is None or shutil.which("pdftotext") is None,
    reason="PDF needs WeasyPrint and poppler's pdftotext",
)


@pdf_tools
def test_pdf_results_one_row_per_quantity(tmp_path: Path) -> None:
    """The classroom PDF's text (pdftotext): between the results heading and the table notes,
    Ra is named once (its four packs' clauses beside it, GB 7793-2010's 宜 among them), desk
    mean once with GB 7793-2010 5.2 and GB/T 36876-2018 4.1, and '强制' nowhere in the PDF."""
    store = make_store(tmp_path / "c.lux")
    fill_store(store)
    report = _report(store, FAILING)
    render_campaign([report], tmp_path / "out", pdf=True)
    store.close()
    text = subprocess.run(
        ["pdftotext", "-raw", str(tmp_path / "out/schools/S01/R101.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "强制" not in text
    results = text[text.index("检测结果\n") : text.index("单项判定：")]
    assert len(re.findall(r"(?<!灯)一般显色指数 Ra", results)) == 1
    assert results.count("课桌面平均照度") == 1
    assert results.count("黑板面照度均匀度") == 1
    for clause in ("GB 7793-2010 5.2（应）", "GB/T 36876-2018 4.1（应）", "GB 55016-2021 3.3.5"):
        assert clause in results, clause
    assert "（宜）" in results


def test_limits_that_differ_are_each_marked_in_the_row(
    store: CampaignStore, tmp_path: Path
) -> None:
    """Desk U0 0.65 fails ≥ 0.70 (GB 7793-2010 §5.2, GB/T 36876-2018 §4.1, 应) and meets ≥ 0.60
    (GB 55016-2021 §3.3.3 item 1, 应): one row, both limits, each marked with its own result,
    and the single-item verdict is a fail (any shall-limit failing fails the item)."""
    fill_store(store)
    report = _report(store, {**GOOD, "desk_uniformity": 0.65})
    items = result_items(ClassroomPages(tmp_path, "zh").render_classroom(report))
    u0 = next(i for i in items if i.metric_id == "desk_uniformity")
    assert [(limit, mark) for limit, _clauses, mark in u0.lines] == [
        ("≥ 0.70", "不合格"),
        ("≥ 0.60", "合格"),
    ]
    assert (u0.measured, u0.verdict) == ("0.65", "不合格")
    mean = next(i for i in items if i.metric_id == "desk_illuminance_mean_lx")
    assert [mark for _limit, _clauses, mark in mean.lines] == [""]  # one limit: no mark


def test_a_summary_takes_over_the_reports_grouped_results(
    failing: ClassroomReportData,
) -> None:
    """Property of the logic (ClassroomSummary.from_report): a summary's results by quantity
    are those grouped from its verdicts, whether or not its report has grouped them already
    (then they are the same object, not grouped again)."""
    import dataclasses

    from luxcheck.compliance.items import group_verdicts

    fresh = dataclasses.replace(failing)  # a copy with nothing grouped yet
    assert "items" not in fresh.__dict__
    before = ClassroomSummary.from_report(fresh)
    assert before.items == group_verdicts(fresh.verdicts)
    grouped = fresh.items
    after = ClassroomSummary.from_report(fresh)
    assert after.items is grouped
    assert after.items == before.items
