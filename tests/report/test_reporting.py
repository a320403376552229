"""Reports: data assembly, rendering under StrictUndefined, golden verdict table, escaping,
missing measurements, safe paths, incremental rendering, digest, export and the CLI."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import jinja2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luxcheck.cli import main
from luxcheck.cli import report as cli_report
from luxcheck.compliance.engine import room_result
from luxcheck.compliance.verdict import Verdict
from luxcheck.errors import InputError
from luxcheck.journal.store import CampaignStore
from luxcheck.model import Campaign, IlluminanceReading, School
from luxcheck.report import advice, render
from luxcheck.report.assemble import build_classroom_report
from luxcheck.report.files import inside, safe_component
from luxcheck.report.format import Formatter, pass_rate, translations
from luxcheck.report.model import (
    CampaignDashboardData,
    ClassroomReportData,
    ClassroomSummary,
    PackRef,
    RoomOutcome,
)
from luxcheck.report.pages import ClassroomPages
from luxcheck.report.provenance import digest, store_digest
from luxcheck.report.render import render_campaign
from luxcheck.report.templates import environment
from tests.support.builders import T0
from tests.support.html_tables import table_rows
from tests.support.report_fixtures import (
    PACKS,
    POLICY,
    XSS,
    fill_store,
    report_of,
    verdicts_full,
    verdicts_not_measured,
    verdicts_pass,
)
from tests.support.results_table import result_items

ROOT = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------- helpers
def empty_report(store: CampaignStore, room: str) -> ClassroomReportData:
    """The report of a classroom where nothing was measured."""
    return build_classroom_report(
        store,
        room,
        verdicts_not_measured(),
        "incomplete",
        POLICY,
        profile_id="cn-classroom",
        packs=PACKS,
    )


@pytest.fixture
def filled(store: CampaignStore) -> CampaignStore:
    fill_store(store, school_name=XSS)
    return store


# --------------------------------------------------------------------------- digest
def test_digest_covers_readings_and_pack_versions(filled: CampaignStore) -> None:
    """Analytic property of the integrity hash (README: SHA-256 over the raw readings and pack
    versions): it changes with any raw reading, including a correction that supersedes another, and
    with a pack version; pack order does not matter; recomputation from the store gives the same
    value."""
    first = store_digest(filled, "R101", PACKS)
    assert first == store_digest(filled, "R101", tuple(reversed(PACKS)))
    assert first != store_digest(filled, "R101", (PACKS[0], PackRef("gb-40070-2021", "2")))
    filled.add_reading(
        IlluminanceReading(
            "d1b", "SE1", T0, "T10A-1", supersedes="d1", x_m=0.7, y_m=2.6, illuminance_lx=401.0
        )
    )
    assert store_digest(filled, "R101", PACKS) != first
    assert len(first) == 64


_cell = st.one_of(
    st.none(),
    st.integers(-5, 5),
    st.floats(allow_nan=False, width=32),
    st.text(max_size=3),
    st.binary(max_size=3),
)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.lists(_cell, max_size=3), max_size=3),
    st.lists(st.lists(_cell, max_size=3), max_size=3),
)
def test_digest_distinguishes_rows(a: list, b: list) -> None:
    """Hypothesis property: typed, length-prefixed encoding — different row lists (e.g. the
    int 1 vs the text "1", or a split cell) never share a digest."""
    if [[(type(x), x) for x in r] for r in a] == [[(type(x), x) for x in r] for r in b]:
        assert digest(a, PACKS) == digest(b, PACKS)
    else:
        assert digest(a, PACKS) != digest(b, PACKS)


# --------------------------------------------------------------------------- outcome
def test_overall_pass_is_refused_when_verdicts_contradict_it() -> None:
    """README, How results are decided: a room passes only when every applicable shall-requirement
    passes; not measured is never a pass. The report model refuses a 'pass' the verdicts
    contradict."""
    with pytest.raises(InputError, match=r"gb7793\.desk-u0"):
        RoomOutcome.from_verdicts("pass", tuple(verdicts_full()))
    with pytest.raises(InputError, match=r"gb7793\.desk-mean"):
        RoomOutcome.from_verdicts("pass", tuple(verdicts_not_measured()))
    with pytest.raises(InputError, match="no shall-verdicts"):
        RoomOutcome.from_verdicts("pass", ())
    outcome = RoomOutcome.from_verdicts("fail", tuple(verdicts_full()))
    assert outcome.failed_shall == ("gb7793.desk-u0", "gb40070.flicker")
    assert RoomOutcome.from_verdicts("pass", tuple(verdicts_pass())).status == "pass"


def test_pass_with_an_unmeasured_should_item_is_reported() -> None:
    """README, How results are decided: only shall-requirements decide the room. A room whose
    shall-items all pass and whose should-item (UGR, 宜) was not measured passes, and the report
    lists the unmeasured item (the report model once refused this and stopped the whole report
    run)."""
    ugr = next(v for v in verdicts_full() if v.obligation == "should")
    unmeasured = dataclasses.replace(ugr, status="not-measured", measured=None, margin=None)
    others = [v for v in verdicts_pass() if v.requirement_id != ugr.requirement_id]
    verdicts = (*others, unmeasured)
    outcome = RoomOutcome.from_verdicts("pass", verdicts)
    assert outcome.status == "pass"
    assert outcome.not_measured == (unmeasured.requirement_id,)
    with pytest.raises(InputError, match="contradicts"):
        RoomOutcome.from_verdicts("incomplete", verdicts)


def _summary(room: str, verdicts: list[Verdict]) -> ClassroomSummary:
    """A dashboard line for a classroom of school S01 with these verdicts."""
    outcome = RoomOutcome.from_verdicts(room_result(verdicts).status, tuple(verdicts))
    return ClassroomSummary(
        "S01", room, room, "", "", "ordinary", outcome, tuple(verdicts), {}, dt.date(2026, 11, 3)
    )


def test_quantity_pass_rate_counts_every_room_it_applies_to(tmp_path: Path) -> None:
    """The pass rate by quantity is passed / classrooms the quantity applies to: 1 pass
    and 99 not measured is 1.0 %, never 100 %; a not-applicable room is left out, and the
    school and campaign rates count rooms the same way (1 pass out of 101 rooms)."""
    not_applicable = [
        dataclasses.replace(v, status="not-applicable", limit=None)
        if v.requirement_id == "gb7793.desk-mean"
        else v
        for v in verdicts_not_measured()
    ]
    rooms = (
        _summary("R000", verdicts_pass()),
        *(_summary(f"R{i:03d}", verdicts_not_measured()) for i in range(1, 100)),
        _summary("R100", not_applicable),
    )
    data = CampaignDashboardData(
        Campaign("C1", "测试活动"),
        (School("S01", "第一中学"),),
        rooms,
        "cn-classroom",
        PACKS,
    )
    view = ClassroomPages(tmp_path, "en").dashboard_view(data)
    metrics = {m["metric_id"]: m for m in view["metrics"]}
    mean = metrics["desk_illuminance_mean_lx"]
    assert (mean["applicable"], mean["pass"], mean["not_measured"]) == ("100", "1", "99")
    assert mean["rate"] == "1.0 %"
    assert metrics["desk_uniformity"]["rate"] == "0.0 %"  # 99 not measured, 1 room without
    assert view["totals"]["rate"] == view["schools"][0]["rate"] == "1.0 %"  # 1 / 101
    assert pass_rate(0, 0) != pass_rate(0, 0)  # nothing to rate: NaN
    text = ClassroomPages(tmp_path, "zh").render_dashboard(data)
    assert "该项未测量或无法判定的教室不计为合格" in text


# --------------------------------------------------------------------------- templates
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_template_renders_under_strict_undefined(
    filled: CampaignStore, tmp_path: Path, lang: str
) -> None:
    """Every template renders with fixture data (full figures, no figures, school, dashboard)
    under StrictUndefined, and the environment really is strict: a missing variable raises."""
    full = report_of(filled, "R101", verdicts_full(), "fail")
    empty = empty_report(filled, "R102")
    summary = render_campaign([full, empty], tmp_path / lang, lang=lang)
    assert summary.rendered == 2
    for path in (
        "index.html",
        "schools/S01/index.html",
        "schools/S01/R101.html",
        "schools/S01/R102.html",
        "verdicts.csv",
        "static/report.css",
        "static/dashboard.js",
        f"static/page-{lang}.css",
        "static/fonts/LuxcheckSansSC-Regular.otf",
    ):
        assert (tmp_path / lang / path).is_file(), path
    env = environment(lang)
    assert env.undefined is jinja2.StrictUndefined
    assert env.autoescape is True
    pages = ClassroomPages(tmp_path / lang, lang)
    view = pages.classroom_view(empty)
    del view["integrity"]
    with pytest.raises(jinja2.UndefinedError):
        env.get_template("classroom.html.j2").render(**view)


def test_results_table_golden_zh_and_en(filled: CampaignStore, tmp_path: Path) -> None:
    """Golden check of the results table: measured at the quantity's resolution with the
    deciding digit where the rounded value would read as the limit (U0 0.698 against ≥ 0.70,
    GB/T 8170-2008 §4.3 full-value comparison), limits (≥, range, set) at the quantity's
    resolution, the clause with its obligation as the clause words it (应 / 宜, "shall" /
    "should"), the single-item verdict, in Chinese and English; the threshold confidence is
    not in the table (it is in Annex A)."""
    report = report_of(filled, "R101", verdicts_full(), "fail")
    zh = [
        (i.n, i.item, i.measured, i.lines, i.verdict)
        for i in result_items(ClassroomPages(tmp_path, "zh").render_classroom(report))
    ]
    assert zh == [
        ("1", "课桌面平均照度", "431 lx", [("≥ 300 lx", ["GB 7793-2010 5.1（应）"], "")], "合格"),
        ("2", "课桌面照度均匀度", "0.698", [("≥ 0.70", ["GB 7793-2010 5.1（应）"], "")], "不合格"),
        ("3", "统一眩光值", "16.3", [("≤ 19.0", ["GB 7793-2010 5.2（宜）"], "")], "合格"),
        (
            "4",
            "相关色温",
            "5,003 K",
            [("3,300–5,300 K", ["GB 40070-2021 4.3（应）"], "")],
            "合格",
        ),
        ("5", "波动深度", "5.00%", [("≤ 3.20%", ["GB 40070-2021 Table 2（应）"], "")], "不合格"),
        (
            "6",
            "蓝光危害类别(一般照明灯具)",
            "RG0",
            [("RG0", ["GB 40070-2021 4.4（应）"], "")],
            "合格",
        ),
    ]
    text = ClassroomPages(tmp_path, "en").render_classroom(report)
    en = result_items(text)
    assert (en[1].item, en[1].measured, en[1].lines, en[1].verdict) == (
        "Desk uniformity U0 (Emin/Eavg)",
        "0.698",
        [("≥ 0.70", ["GB 7793-2010 5.1 (shall)"], "")],
        "Fail",
    )
    assert en[2].lines[0][1] == ["GB 7793-2010 5.2 (should)"]
    assert (en[4].measured, en[4].lines[0][0]) == ("5.00 %", "≤ 3.20 %")
    table = text[text.index('<table class="results">') : text.index("</table>")]
    assert "Verified" not in table and "To be confirmed" not in table
    annex = table_rows(text, "annex-confidence")
    flicker = ["GB 40070-2021 Table 2", "Percent flicker (modulation depth)", "≤ 3.20 %"]
    assert ["5", *flicker, "shall", "To be confirmed"] in annex


def test_outcome_first_in_plain_words(filled: CampaignStore, tmp_path: Path) -> None:
    """The overall result comes before the identification and names the failed shall-items."""
    text = ClassroomPages(tmp_path, "zh").render_classroom(
        report_of(filled, "R101", verdicts_full(), "fail")
    )
    assert text.index('id="outcome"') < text.index('id="identification"')
    assert "总体结论：<strong>不合格</strong>" in text.replace(": ", "：")
    assert "不符合“应”条款要求的项目：课桌面照度均匀度、波动深度" in text
    assert "强制" not in text
    advice = table_rows(text, "advice")
    assert [row[0] for row in advice] == ["课桌面照度均匀度", "波动深度"]
    assert advice[0][2].startswith("改善课桌面照度均匀度")
    assert advice[1][2].startswith("更换为无频闪的驱动电源或灯具")


def test_every_metric_with_a_limit_has_specific_advice() -> None:
    """Every metric a bundled pack limits gets rectification advice of its own family, not
    the generic sentence, and the advice has a Chinese translation (the rectification list is
    what a school acts on)."""
    from luxcheck.compliance.packs import load_registry

    registry = load_registry()
    generic_only = {"luminaire_efficiency_percent", "board_luminaire_efficiency_percent"}
    metrics = {limit.metric for limit in registry.limits.values()}
    missing = sorted(m for m in metrics - generic_only if advice.advice_key(m) is None)
    assert not missing, missing
    zh = translations("zh").gettext
    key = advice.advice_key("board_luminaire_distance_max_m")
    assert key == "board_luminaire_distance"
    assert zh(advice._ADVICE[key]).startswith("调整黑板灯位置")


def test_every_advice_family_of_the_metric_table_has_advice() -> None:
    """The metric table names only advice families that have a sentence (no silent generic)."""
    from luxcheck.vocabulary import METRICS

    families = {m.advice for m in METRICS.values() if m.advice is not None}
    assert families <= set(advice._ADVICE), families - set(advice._ADVICE)


def test_unmeasured_recommendation_does_not_claim_acceptance_depends_on_it(
    filled: CampaignStore, tmp_path: Path
) -> None:
    """'The classroom cannot be accepted without it' is said only of an unmeasured
    shall-item. A room that passes with its should-item (UGR, 宜) not measured gets advice
    saying acceptance does not depend on it, in the classroom report and in the dashboard's
    rectification list, in Chinese and English; unmeasured shall-items keep the old advice."""
    ugr = next(v for v in verdicts_full() if v.requirement_id == "gb7793.ugr")
    unmeasured = dataclasses.replace(ugr, status="not-measured", measured=None, margin=None)
    verdicts = [*(v for v in verdicts_pass() if v.requirement_id != ugr.requirement_id), unmeasured]
    passing = report_of(filled, "R101", verdicts, "pass")
    empty = empty_report(filled, "R102")  # every item not measured, UGR included
    for lang, shall_text, should_text in (
        ("zh", "教室无法通过验收", "不影响教室能否通过验收"),
        ("en", "cannot be accepted without it", "acceptance does not depend on it"),
    ):
        pages = ClassroomPages(tmp_path / lang, lang)
        advice = table_rows(pages.render_classroom(passing), "advice")
        assert len(advice) == 1, advice
        assert should_text in advice[0][2]
        assert shall_text not in advice[0][2]
        data = CampaignDashboardData(
            passing.campaign,
            (passing.school,),
            (ClassroomSummary.from_report(passing), ClassroomSummary.from_report(empty)),
            "cn-classroom",
            PACKS,
        )
        rect = pages.dashboard_view(data)["rectification"]
        assert len(rect) == 7  # R101's UGR and R102's six items
        for r in rect:
            recommended = r["metric"] == pages.fmt.metric_name("ugr")
            assert (should_text in r["advice"]) is recommended, r
            assert (shall_text in r["advice"]) is not recommended, r


def test_flicker_chart_draws_only_the_curves_the_profile_applies_to_the_room(
    filled: CampaignStore,
) -> None:
    """The flicker chart's limit curves come from the profile's packs, per room type: in
    cn-classroom only GB 40070-2021 (a shall-limit, its pack's points) and only for ordinary
    rooms; en-12464-1-2021 has no flicker limit, so no curve; IEEE 1789 (advisory, in no bundled
    profile) is drawn grey and labelled by clause only where a profile includes it. A laboratory
    classroom's report carries no GB 40070 curve."""
    from luxcheck.compliance.judge import judge_campaign
    from luxcheck.compliance.packs import load_registry
    from luxcheck.model import ROOM_TYPES
    from luxcheck.report.assemble import classroom_reports, flicker_curves, report_context
    from tests.support.builders import make_classroom

    registry = load_registry()
    cn = report_context("cn-classroom").flicker_limits
    assert [(c.label("zh"), c.label("en"), c.advisory) for c in cn["ordinary"]] == [
        ("GB 40070-2021 波动深度限值", "GB 40070-2021 limit", False)
    ]
    gb = registry.limits["gb40070.flicker-percent"].function
    assert gb is not None
    assert cn["ordinary"][0].frequency_hz.tolist() == [1.0, *(x for x in gb.x if x > 0)]
    points = zip(gb.x, gb.y, strict=True)
    assert cn["ordinary"][0].percent.tolist() == [0.1, *(y for x, y in points if x > 0)]
    assert all(cn[t] == () for t in ROOM_TYPES if t != "ordinary")
    en = report_context("en-12464-1-2021").flicker_limits
    assert all(en[t] == () for t in ROOM_TYPES)
    old = report_context("cn-classroom-2013").flicker_limits
    assert [c.label("en") for c in old["laboratory"]] == ["GB/T 31831-2015 limit"]
    ids = ("gb40070.flicker-percent", "ieee1789.low-risk", "ieee1789.no-effect")
    lab = flicker_curves([registry.limits[i] for i in ids], "laboratory")
    assert [c.advisory for c in lab] == [True, True]
    assert [c.label("en") for c in lab] == [
        "IEEE 1789-2015 limit, 8.1.1 (Figure 20, low-risk region)",
        "IEEE 1789-2015 limit, 8.1.1 (Figure 20, no-observable-effect region)",
    ]
    # end to end: each classroom report gets the curves of its own room type
    filled.add_classroom(make_classroom("R103", room_type="laboratory"))
    filled.put_metrics(
        "R103", {"flicker_frequency_hz": 100.0, "flicker_percent": 5.0}, input_hash="h3"
    )
    judged, _ = judge_campaign(filled)
    reports = {r.classroom.classroom_id: r for r in classroom_reports(filled, judged)}
    labels = [c.label("en") for c in reports["R101"].figures.flicker_limits]
    assert labels == ["GB 40070-2021 limit"]
    assert reports["R103"].figures.flicker_limits == ()


def test_input_text_is_escaped_everywhere(filled: CampaignStore, tmp_path: Path) -> None:
    """XSS: a school name and notes of ``<script>alert(1)</script>`` show as text in the
    classroom report, the school summary and the dashboard; no such element is created."""
    room = empty_report(filled, "R201")
    other = report_of(filled, "R101", verdicts_full(), "fail")
    render_campaign([room, other], tmp_path)
    for path in ("schools/S02/R201.html", "schools/S02/index.html", "index.html"):
        text = (tmp_path / path).read_text("utf-8")
        assert "<script>alert" not in text, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text, path
    csv_text = (tmp_path / "verdicts.csv").read_text("utf-8-sig")
    assert XSS in csv_text  # CSV is data, not markup: kept verbatim


def test_missing_measurements_render_not_measured_never_pass(
    filled: CampaignStore, tmp_path: Path
) -> None:
    """A classroom without readings renders with 'not measured' items and an 'incomplete'
    outcome, no crash and no pass anywhere in its verdict table (not-measured is never a pass)."""
    report = empty_report(filled, "R102")
    assert report.figures.desk is None
    assert report.figures.spectrum is None
    text = ClassroomPages(tmp_path, "zh").render_classroom(report)
    items = result_items(text)
    assert len(items) == 6
    assert {i.verdict for i in items} == {"未测量"}
    assert all(i.measured == "—" for i in items)
    assert "总体结论：<strong>未完成</strong>" in text.replace(": ", "：")
    assert "合格" not in "".join(i.verdict for i in items)
    assert "无图表" in text


def test_ugr_labels_at_the_blackboard_wall_go_below_their_point(tmp_path: Path) -> None:
    """Property of the UGR figure: a label is set above its observer's point, except within
    a metre of the blackboard wall, where the plan's background draws the blackboard and its
    caption above the room: there it goes below the point; observers at one spot (the teacher
    where the front-wall observer sits) get one line each, none on top of another."""
    from luxcheck.report.charts import ReportFigures
    from luxcheck.report.model import UgrObserver
    from tests.support.builders import make_classroom

    room = make_classroom("R101", "S01")
    observers = (
        UgrObserver("front-wall-mid", room.width_m / 2, 0.0, 17.7),
        UgrObserver("teacher", room.width_m / 2, 0.0, 18.5),
        UgrObserver("rear-row", room.width_m / 2, room.length_m - 0.6, 13.7),
    )
    figures = ReportFigures(tmp_path, "en")
    _name, g = figures._room_background(room)
    markup = "".join(m["markup"] for m in figures._ugr_marks(g, observers) if m is not None)
    ys = {
        label.split(":")[0]: float(y)
        for y, label in re.findall(r'<text x="[\d.]+" y="([\d.]+)"[^>]*>([^<]+)</text>', markup)
    }
    circles = [float(y) for y in re.findall(r'<circle cx="[\d.]+" cy="([\d.]+)"', markup)]
    front, _teacher, rear = circles
    assert ys["front wall, middle"] > front and ys["teacher, standing"] > front  # below
    assert abs(ys["teacher, standing"] - ys["front wall, middle"]) >= 11  # a line apart
    assert ys["back row"] < rear  # above the point


@pytest.mark.parametrize(
    ("lang", "names"),
    [
        ("zh", ["后墙中点", "前墙中点", "左墙中点", "右墙中点", "讲台教师", "后排座位"]),
        ("en", ["back wall, middle", "front wall, middle", "left wall, middle",
                "right wall, middle", "teacher, standing", "back row"]),
    ],
)  # fmt: skip
def test_ugr_observers_are_named_in_the_reports_language(
    tmp_path: Path, lang: str, names: list[str]
) -> None:
    """The UGR figure names each observer position luxcheck evaluates (GB/T 50034-2024
    A.0.2's wall midpoints, the teacher, the back row: glare.standard_observers) in the
    report's language; the ids ('front-wall-mid') printed on Chinese pages before. An id
    luxcheck does not name is shown as it is."""
    from luxcheck.analysis.glare import standard_observers
    from luxcheck.report.charts import ReportFigures
    from luxcheck.report.model import UgrObserver
    from tests.support.builders import make_classroom

    room = make_classroom("R101", "S01")
    observers = [UgrObserver(o.name, o.x_m, o.y_m, 17.5) for o in standard_observers(room)]
    observers.append(UgrObserver("corner-7", 1.0, 5.0, 16.0))
    figures = ReportFigures(tmp_path, lang)
    _name, g = figures._room_background(room)
    markup = "".join(m["markup"] for m in figures._ugr_marks(g, observers) if m is not None)
    labels = re.findall(r"<text [^>]*>([^<]+)</text>", markup)
    assert labels == [f"{name}: UGR 17.5" for name in names] + ["corner-7: UGR 16.0"]


def test_store_figures_and_overlay_position(filled: CampaignStore, tmp_path: Path) -> None:
    """Figure inputs come from the store (16 desk points, 3 board points, spectrum, waveform,
    CRI from R1–R14 metrics, flicker point) and the caller (chromaticity, UGR); the measured
    chromaticity is overlaid at the pixel the background's axes geometry gives."""
    report = report_of(filled, "R101", verdicts_full(), "fail")
    figs = report.figures
    assert figs.desk is not None
    assert figs.desk.x_m.size == 16
    assert figs.board is not None
    assert figs.board.value_lx.tolist() == [520.0, 540.0, 560.0]
    assert figs.cri is not None
    assert figs.cri.ri[0] == pytest.approx(89.0)
    assert figs.flicker_point is not None
    assert figs.flicker_point.percent == 5.0
    render_campaign([report], tmp_path)
    text = (tmp_path / "schools/S01/R101.html").read_text("utf-8")
    pages = ClassroomPages(tmp_path, "zh")
    backgrounds = render._backgrounds(pages, [figs])
    _name, geometry = backgrounds["chromaticity"]
    px, py = geometry.to_pixels(0.3447, 0.3553)  # type: ignore[misc]
    assert f'cx="{px:.1f}" cy="{py:.1f}"' in text
    for kind in (
        "plan-8x9-",
        "isolux-",
        "board-4x1.5-",
        "spectrum-",
        "cri-",
        "waveform-",
        "chromaticity-",
        "flicker-",
    ):
        assert f"../../figures/{kind}" in text, kind
    # desk, board, spectrum, chromaticity, CRI, waveform, flicker, UGR
    assert text.count('<svg class="overlay"') == 8
    assert text.count("<polyline") == 2
    assert "A: UGR 16.3" in text
    assert "B: UGR 15.1" in text
    assert "采样率" in text
    assert "10,000 Hz" in text
    assert "采样率 2000 Hz 低于要求的 4000 Hz" in text  # reason of a metric not computed, in zh


# --------------------------------------------------------------------------- formatting
def test_formatter_locale_rules() -> None:
    """Locale formatting (Python, not templates): Chinese and English dates, grouping, the
    true minus sign, units (W/m2 → W/m²; % without a space in Chinese)."""
    zh, en = Formatter("zh"), Formatter("en")
    assert zh.date(dt.date(2026, 11, 2)) == "2026年11月2日"
    assert en.date(dt.date(2026, 11, 2)) == "2 November 2026"
    assert zh.number(-1234.5, 1) == "−1,234.5"
    assert zh.number(float("nan"), 1) == "—"
    assert zh.metric_value("lpd_w_per_m2", 8.123) == "8.12 W/m²"
    assert zh.metric_value("flicker_percent", 3.2) == "3.20%"
    assert en.metric_value("flicker_percent", 3.2) == "3.20 %"
    with pytest.raises(InputError, match="language"):
        Formatter("fr")


def test_failing_value_against_a_range_is_never_printed_as_compliant() -> None:
    """Decimals are added for a range limit as for ≥/≤ (one rule): CCT 5,300.4 K against
    3,300–5,300 K (GB 40070-2021, a shall-clause; the engine's verdict) prints out of range,
    not as "5,300 K", and the item fails although GB 7793-2010's wider 3,300–5,500 K (宜) is
    met; 3,299.6 K likewise at the lower bound. A value well inside keeps the quantity's
    resolution, and the limits keep theirs (never "3,300.0–5,300.0 K")."""
    from luxcheck.compliance.engine import evaluate
    from luxcheck.compliance.items import group_verdicts

    def shown(cct: float) -> tuple[str, list[str], str]:
        (item,) = group_verdicts(
            v for v in evaluate({"cct_K": cct}, "cn-classroom") if v.metric == "cct_K"
        )
        f = Formatter("en")
        return f.measured(item), [f.limit(line, item.metric) for line in item.lines], item.status

    limits = ["3,300–5,500 K", "3,300–5,300 K"]
    assert shown(5300.4) == ("5,300.4 K", limits, "fail")
    assert shown(3299.6) == ("3,299.6 K", limits, "fail")
    assert shown(5300.0) == ("5,300 K", limits, "pass")
    assert shown(5003.0) == ("5,003 K", limits, "pass")


# --------------------------------------------------------------------------- safe paths
def symlinked_out(tmp_path: Path) -> tuple[Path, Path]:
    """An output folder whose schools/S01 is a symlink to a folder outside it."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    out = tmp_path / "out"
    (out / "schools").mkdir(parents=True)
    os.symlink(outside, out / "schools" / "S01")
    return outside, out


def test_safe_file_names_and_no_writes_outside(tmp_path: Path) -> None:
    """Output names come from ids with only [A-Za-z0-9_.-], never starting with a dot, and
    every path is checked to resolve inside --out, symlinks included."""
    assert safe_component("R101") == "R101"
    assert safe_component("../../etc/passwd") == "_.._etc_passwd"
    assert safe_component("教室 1") == "___1"
    for bad in ("", "..", "..."):
        with pytest.raises(InputError):
            safe_component(bad)
    with pytest.raises(InputError, match="outside"):
        inside(tmp_path, "..", "x.html")
    _outside, out = symlinked_out(tmp_path)
    with pytest.raises(InputError, match="outside"):
        inside(out, "schools", "S01", "R101.html")


def test_symlinked_output_folder_is_refused(filled: CampaignStore, tmp_path: Path) -> None:
    """A school folder that is a symlink out of --out makes the batch fail before writing."""
    outside, out = symlinked_out(tmp_path)
    with pytest.raises(InputError, match="outside"):
        render_campaign([report_of(filled, "R101", verdicts_full(), "fail")], out)
    assert list(outside.iterdir()) == []


# --------------------------------------------------------------------------- incremental
def test_incremental_rendering_only_changed_classrooms(
    filled: CampaignStore, tmp_path: Path
) -> None:
    """Re-running renders nothing when nothing changed; a new reading in one classroom (its
    digest changes) re-renders only that classroom; shared figures are drawn once."""
    a = report_of(filled, "R101", verdicts_full(), "fail")
    b = empty_report(filled, "R102")
    first = render_campaign([a, b], tmp_path)
    assert (first.rendered, first.skipped) == (2, 0)
    figures_before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "figures").iterdir()}
    again = render_campaign([a, b], tmp_path)
    assert (again.rendered, again.skipped) == (0, 2)
    filled.add_reading(
        IlluminanceReading("x1", "SE2", T0, None, x_m=1.0, y_m=3.0, illuminance_lx=300.0)
    )
    b2 = empty_report(filled, "R102")
    third = render_campaign([a, b2], tmp_path)
    assert (third.rendered, third.skipped) == (1, 1)
    for name, mtime in figures_before.items():
        assert (tmp_path / "figures" / name).stat().st_mtime_ns == mtime
    assert render_campaign([a, b2], tmp_path, force=True).rendered == 2


def test_shared_backgrounds_are_read_not_drawn_and_pages_equal(
    filled: CampaignStore, tmp_path: Path
) -> None:
    """Property of the logic (ReportFigures.share_backgrounds): an output folder given the
    backgrounds another run of the same language drew writes byte for byte the pages and
    figures of one that draws them itself, without drawing any; backgrounds of the other
    language are not taken (their labels differ)."""
    from luxcheck.report.charts import ReportFigures
    from luxcheck.report.figures import FigureRenderer

    reports = [report_of(filled, "R101", verdicts_full(), "fail"), empty_report(filled, "R102")]
    render_campaign(reports, tmp_path / "drawn")
    render_campaign(reports, tmp_path / "english", lang="en")
    shared = ReportFigures(tmp_path / "shared", "zh")
    assert shared.share_backgrounds(tmp_path / "english") == 0
    copied = shared.share_backgrounds(tmp_path / "drawn")
    assert copied == len(list((tmp_path / "drawn" / "figures").glob("*.json"))) > 0
    assert shared.share_backgrounds(tmp_path / "drawn") == 0  # the ones here are kept
    drawn: list[str] = []
    originals = {
        name: getattr(FigureRenderer, name)
        for name in ("plan_background", "flicker_background", "chromaticity_background")
    }
    try:
        for name, method in originals.items():

            def counted(self: object, *a: object, _m=method, _n=name, **k: object) -> object:
                drawn.append(_n)
                return _m(self, *a, **k)

            setattr(FigureRenderer, name, counted)
        render_campaign(reports, tmp_path / "shared")
    finally:
        for name, method in originals.items():
            setattr(FigureRenderer, name, method)
    assert drawn == []
    for folder in ("schools/S01", "figures"):
        one = sorted((tmp_path / "drawn" / folder).iterdir())
        two = sorted((tmp_path / "shared" / folder).iterdir())
        assert [p.name for p in one] == [p.name for p in two]
        for a, b in zip(one, two, strict=True):
            assert a.read_bytes() == b.read_bytes(), a.name


def test_process_pool_matches_in_process(filled: CampaignStore, tmp_path: Path) -> None:
    """The process pool (spawn) writes the same classroom HTML as rendering in-process."""
    reports = [
        report_of(filled, "R101", verdicts_full(), "fail"),
        empty_report(filled, "R102"),
    ]
    render_campaign(reports, tmp_path / "one", jobs=1)
    render_campaign(reports, tmp_path / "two", jobs=2)
    for name in ("R101.html", "R102.html"):
        one = (tmp_path / "one/schools/S01" / name).read_text("utf-8")
        two = (tmp_path / "two/schools/S01" / name).read_text("utf-8")
        assert one == two


# --------------------------------------------------------------------------- export
def test_csv_export_all_verdicts(filled: CampaignStore, tmp_path: Path) -> None:
    """CSV of every verdict: UTF-8 with BOM (Excel), machine values, and a cell that a
    spreadsheet would run as a formula is neutralised (CSV injection)."""
    filled.add_school(School("S03", '=HYPERLINK("x")'))
    from tests.support.builders import make_classroom

    filled.add_classroom(make_classroom("R301", "S03"))
    reports = [
        report_of(filled, "R101", verdicts_full(), "fail"),
        empty_report(filled, "R301"),
    ]
    render_campaign(reports, tmp_path)
    raw = (tmp_path / "verdicts.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 12
    u0 = next(
        r for r in rows if r["requirement_id"] == "gb7793.desk-u0" and r["classroom_id"] == "R101"
    )
    assert (u0["measured"], u0["limit"], u0["margin"], u0["status"]) == (
        "0.698",
        "0.7",
        "-0.002",
        "fail",
    )
    hostile = next(r for r in rows if r["school_id"] == "S03")
    assert hostile["school_name"].startswith("'=")
    # the stored reason stays machine text; reason_text is in the export's language (zh)
    assert (hostile["status"], hostile["reason"], hostile["reason_text"]) == (
        "not-measured",
        "not measured",
        "未测量",
    )
    # the same table as an Excel workbook: numbers as numbers, hostile text as text
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "verdicts.xlsx")["verdicts"]
    table = list(sheet.iter_rows(values_only=True))
    header = list(table[0])
    assert len(table) == 13
    book = [dict(zip(header, row, strict=True)) for row in table[1:]]
    u0x = next(
        r for r in book if r["requirement_id"] == "gb7793.desk-u0" and r["classroom_id"] == "R101"
    )
    assert (u0x["measured"], u0x["limit"], u0x["margin"]) == (0.698, 0.7, -0.002)
    hostile_cell = next(
        c for row in sheet.iter_rows(min_row=2) for c in row if c.value == '=HYPERLINK("x")'
    )
    assert hostile_cell.data_type == "s"  # stored as text, never a formula


# --------------------------------------------------------------------------- CLI
def test_cli_report_and_verify(
    filled: CampaignStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`luxcheck report` (judged by the compliance engine) writes the campaign; `luxcheck
    verify` of an unsigned report checks the campaign (digest and items match) but exits 1,
    since no laboratory signature holds; after a new reading the digest mismatches; a file
    that is no report exits 2."""
    out = tmp_path / "out"
    assert main(["report", str(filled.path), "--out", str(out), "--jobs", "1"]) == 0
    assert "3 classroom reports (3 rendered, 0 unchanged)" in capsys.readouterr().out
    report = out / "schools/S01/R101.html"
    assert main(["verify", str(report), "--campaign", str(filled.path)]) == 1
    printed = capsys.readouterr().out
    assert "carries no laboratory signature" in printed
    assert "campaign: OK: SHA-256" in printed
    assert "table cells and" in printed and "match the results recomputed" in printed
    filled.add_reading(IlluminanceReading("late", "SE1", T0, None, illuminance_lx=1.0))
    assert main(["verify", str(report), "--campaign", str(filled.path)]) == 1
    assert "MISMATCH for classroom R101" in capsys.readouterr().out
    assert main(["verify", str(out / "verdicts.csv"), "--campaign", str(filled.path)]) == 2
    assert "not a report" in capsys.readouterr().err


def test_report_renders_a_room_whose_glare_readings_are_refused(
    filled: CampaignStore, tmp_path: Path
) -> None:
    """Two background luminances for one observer: the analysis gives UGR not measured with
    the reason, and `luxcheck report` still writes the room (the per-observer plan is empty)
    instead of stopping on the kernel's error."""
    from luxcheck.model import LuminanceReading

    filled.add_readings(
        [
            LuminanceReading(
                f"G{i}",
                "SE1",
                T0,
                target="background",
                luminance_cd_m2=20.0 * i,
                observer="rear-row",
            )
            for i in (1, 2)
        ]
    )
    assert main(["analyse", str(filled.path)]) == 0
    out = tmp_path / "out"
    assert main(["report", str(filled.path), "--out", str(out), "--jobs", "1"]) == 0
    text = (out / "schools/S01/R101.html").read_text("utf-8")
    assert "G1 and G2" in text


def test_progress_bar_on_a_pipe() -> None:
    """Progress on a non-terminal: a line per 10 % and the final line."""
    stream = io.StringIO()
    bar = cli_report.ProgressBar("reports", stream)
    for done in range(0, 21):
        bar(done, 20)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 11
    assert lines[-1].startswith("reports [" + "#" * 30 + "] 20/20")


def test_catalogs_complete_and_compiled() -> None:
    """Every message of the templates and of the Python renderer has a Chinese and an English
    translation, and the committed .mo files are compiled from the .po sources."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts/update_catalogs.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert translations("zh").gettext("Pass") == "合格"


def test_figure_geometry_round_trip() -> None:
    """AxesGeometry maps the axes corners to the bbox pixels (linear and log axes) and refuses
    points off the chart or not finite."""
    from luxcheck.report.figures import AxesGeometry

    g = AxesGeometry(400, 300, 50, 350, 20, 270, (0.0, 0.8), (1.0, 100.0), False, True)
    assert g.to_pixels(0.0, 1.0) == (50.0, 270.0)
    assert g.to_pixels(0.8, 100.0) == (350.0, 20.0)
    assert g.to_pixels(0.4, 10.0) == pytest.approx((200.0, 145.0))
    assert g.to_pixels(0.9, 10.0) is None
    assert g.to_pixels(0.4, 0.0) is None
    assert g.to_pixels(float("nan"), 10.0) is None


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_fixed_layouts_give_the_drawn_geometry(lang: str, fmt: str) -> None:
    """Analytic case (figure size x dpi, axes rectangle in figure fractions): the geometry a
    render worker takes from a shared background's fixed layout, without drawing it, is the
    one read off the drawn figure (matplotlib), so its overlays sit where they would."""
    from luxcheck.report.figures import CHROMATICITY_LAYOUT, FLICKER_LAYOUT, FigureRenderer
    from luxcheck.report.format import translations
    from luxcheck.report.model import LimitCurve

    figures = FigureRenderer(translations(lang).gettext, fmt, lang)
    curve = LimitCurve("IEEE 1789", np.array([1.0, 90.0, 1250.0]), np.array([0.1, 0.1, 10.0]))
    _, chromaticity = figures.chromaticity_background()
    _, flicker = figures.flicker_background((curve,))
    assert chromaticity == CHROMATICITY_LAYOUT.geometry()
    assert flicker == FLICKER_LAYOUT.geometry()


def test_a_background_locks_only_its_own_key(tmp_path: Path) -> None:
    """Property of the logic (charts._drawing): while one process draws a background, another
    may lock (and draw) a background of another key, but not the same one, nor the whole file
    (share_backgrounds)."""
    fcntl = pytest.importorskip("fcntl")
    import multiprocessing
    import multiprocessing.queues

    from luxcheck.report.charts import _drawing, lock_range

    lock = tmp_path / ".backgrounds.lock"
    assert lock_range("chromaticity-zh-2.png") != lock_range("plan-8x10-zh-2.png")

    def try_lock(
        key: str | None, out: multiprocessing.queues.Queue[tuple[str | None, bool]]
    ) -> None:
        length, offset = lock_range(key)
        with open(lock, "a+b") as handle:
            try:
                fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB, length, offset)
            except OSError:
                out.put((key, False))
            else:
                out.put((key, True))

    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    with _drawing(lock, "chromaticity-zh-2.png"):
        for key in ("chromaticity-zh-2.png", "plan-8x10-zh-2.png", None):
            child = context.Process(target=try_lock, args=(key, queue))
            child.start()
            child.join(30)
    got = dict(queue.get(timeout=30) for _ in range(3))
    assert got == {"chromaticity-zh-2.png": False, "plan-8x10-zh-2.png": True, None: False}


@settings(max_examples=300, deadline=None)
@given(
    x=st.floats(0.0, 400.0),
    label=st.text(st.sampled_from("0123456789., =+KUGRDuvxy-教室黑板前墙"), max_size=60),
    font=st.sampled_from([8.0, 10.0]),
)
def test_a_label_stays_inside_its_figure(x: float, label: str, font: float) -> None:
    """Property of the logic (svg.label_position): a point's label goes right of it when its
    estimated width fits there, else left when that fits, else centred as far as the figure
    allows; a label no wider than the figure never runs off either edge, and one set right of
    its point starts the gap away from it."""
    from luxcheck.report import svg
    from luxcheck.report.figures import AxesGeometry

    g = AxesGeometry(400, 300, 50, 350, 20, 270, (0.0, 0.8), (0.0, 0.9), False, False)
    width = svg.text_width(label, font)
    at, anchor = svg.label_position(g, x, 8.0, label, font)
    left = {"start": at, "end": at - width, "middle": at - width / 2}[anchor]
    if width <= g.width_px:
        assert left >= -1e-9 and left + width <= g.width_px + 1e-9
    if x + 8.0 + width <= g.width_px:
        assert (at, anchor) == (x + 8.0, "start")
    # a wide character is estimated at one em, a narrow one at no less than 0.6 em
    assert svg.text_width("教室", 10.0) == 20.0 and svg.text_width("UGR", 10.0) == 18.0


def test_planckian_and_spectral_locus_against_colour_science() -> None:
    """The figures' loci (5 nm CMF table shipped for figures) against colour-science 0.4.7
    (oracle): Planckian xy at 2856 K and 6504 K within 2e-4, spectral locus at 550 nm."""
    colour = pytest.importorskip("colour")
    from luxcheck.report.figures import planckian_xy, spectral_locus_xy

    cmfs = colour.colorimetry.MSDS_CMFS["CIE 1931 2 Degree Standard Observer"]
    for t in (2856.0, 6504.0):
        sd = colour.sd_blackbody(t, colour.SpectralShape(360, 830, 1))
        expected = colour.XYZ_to_xy(colour.sd_to_XYZ(sd, cmfs, method="Integration"))
        assert planckian_xy(t) == pytest.approx(expected, abs=2e-4)
    xyz550 = cmfs[550]
    assert spectral_locus_xy()[(550 - 360) // 5] == pytest.approx(
        xyz550[:2] / xyz550.sum(), abs=1e-6
    )
    assert np.all(np.isfinite(spectral_locus_xy()))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80))
def test_safe_component_property(name: str) -> None:
    """Hypothesis property: any id either is refused or becomes a single safe path component
    (allowed characters only, no leading dot, ≤ 64 characters, never '.' or '..')."""
    try:
        cleaned = safe_component(name)
    except InputError:
        return
    assert re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}", cleaned)
    assert cleaned not in (".", "..")


def test_svg_figures_and_points_outside_the_plan(store: CampaignStore, tmp_path: Path) -> None:
    """SVG figure format: frames are SVG, the isolux raster stays PNG (named .png); a desk
    point outside the drawn plan (x beyond the room) is named in the caption, not hidden."""
    fill_store(store)
    store.add_reading(
        IlluminanceReading("far", "SE1", T0, None, x_m=20.0, y_m=3.0, illuminance_lx=410.0)
    )
    report = report_of(store, "R101", verdicts_full(), "fail")
    render_campaign([report], tmp_path, figure_format="svg")
    names = {p.name for p in (tmp_path / "figures").iterdir()}
    assert any(n.startswith("isolux-") and n.endswith(".png") for n in names)
    assert any(n.startswith("plan-8x9-") and n.endswith(".svg") for n in names)
    for name in names:
        if name.endswith(".png"):
            assert (tmp_path / "figures" / name).read_bytes().startswith(b"\x89PNG")
    text = (tmp_path / "schools/S01/R101.html").read_text("utf-8")
    assert "超出平面图范围的测点：17。" in text


def test_report_figures_are_what_the_analysis_stored(filled: CampaignStore) -> None:
    """The analysis stores the desk-plane surface, the UGR at every standard observer and the
    luminaire layout; the report reads them back unchanged (it runs no kernel): the same
    numbers the kernels give for this room."""
    from luxcheck.analysis import glare, grids
    from luxcheck.analysis.campaign import DESK_SURFACE_STEP_M, analyse_campaign, room_glare
    from luxcheck.compliance.judge import judge_campaign
    from luxcheck.model import IlluminanceReading, LuminanceReading
    from luxcheck.report.assemble import classroom_reports

    room = filled.classroom("R102")
    plan = grids.point_plan(room, "desk")
    observer = glare.standard_observers(room)[0].name
    filled.add_readings(
        [
            IlluminanceReading(
                f"e{i}",
                "SE2",
                T0,
                None,
                surface="desk",
                x_m=float(x),
                y_m=float(y),
                illuminance_lx=380.0 + 7.0 * i,
                point=i,
            )
            for i, (x, y) in enumerate(zip(plan.x_m, plan.y_m, strict=True))
        ]
        + [
            LuminanceReading(
                f"l{i}",
                "SE2",
                T0,
                target="luminaire",
                luminance_cd_m2=3000.0 + 100 * i,
                observer=observer,
                luminaire=f"L{i}",
            )
            for i in range(1, room.luminaire_count + 1)
        ]
        + [
            LuminanceReading(
                "bg", "SE2", T0, target="background", luminance_cd_m2=30.0, observer=observer
            )
        ]
    )
    analyse_campaign(filled, jobs=1)
    judged, _ = judge_campaign(filled, classroom_ids=["R102"])
    (report,) = classroom_reports(filled, judged)
    readings = filled.readings("R102")
    figs = report.figures

    desk = [r for r in readings if isinstance(r, IlluminanceReading) and r.surface == "desk"]
    xs, ys, grid = grids.isolux_surface(
        plan, grids.values_from_readings(plan, desk), DESK_SURFACE_STEP_M
    )
    assert figs.desk_surface is not None
    np.testing.assert_array_equal(figs.desk_surface.x_m, xs)
    np.testing.assert_array_equal(figs.desk_surface.y_m, ys)
    np.testing.assert_array_equal(figs.desk_surface.value_lx, grid)

    per_observer = {o.observer.name: o.ugr for o in room_glare(room, readings).per_observer}
    expected = [
        (o.name, o.x_m, o.y_m, per_observer.get(o.name, math.nan))
        for o in glare.standard_observers(room)
    ]
    stored = [(o.label, o.x_m, o.y_m, o.ugr) for o in figs.ugr_observers]
    assert len(stored) == len(expected) > 0
    assert math.isfinite(stored[0][3])
    for got, want in zip(stored, expected, strict=True):
        assert got[:3] == want[:3]
        assert got[3] == want[3] or (math.isnan(got[3]) and math.isnan(want[3]))
    layout = glare.luminaire_layout(room)
    assert figs.luminaires_m == tuple((float(p[0]), float(p[1])) for p in layout)


def test_report_states_the_measuring_point_plans(filled: CampaignStore, tmp_path: Path) -> None:
    """The report names the plan the grid values belong to (issue 20 item 8: the same room
    reads U0 0.87 on 9 points and 0.70 on the 56-point centre grid). Analytic case: the
    7.2 m × 6.2 m desk area of make_classroom at the 1.0 m default spacing gives
    ⌈7.2⌉ = 8 columns and ⌈6.2⌉ = 7 rows of cells, the 4.0 m × 1.2 m board at 0.5 m 8 × 3."""
    text = ClassroomPages(tmp_path, "zh").render_classroom(
        report_of(filled, "R101", verdicts_full(), "fail")
    )
    plans = text[text.index('class="facts plans"') :].split("</table>", 1)[0]
    desk, board = plans.split("</tr>")[:2]
    assert "课桌面" in desk and "黑板" in board
    assert "GB/T 5700-2008 中心布点法：7 × 8 = 56 个测点" in desk.replace(":", "：")
    assert "y 2.20–8.40 m" in desk
    assert "3 × 8 = 24 个测点" in board
