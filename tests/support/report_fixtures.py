"""Report fixtures: a small campaign with real readings and hand-built Verdict records.

The verdicts are constructed here (the compliance engine is another module); their limits are
the GB 7793-2010 / GB 40070-2021 values, used only as
realistic data to print.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from luxcheck.compliance.schema import AcceptancePolicy, DecisionRule
from luxcheck.compliance.verdict import Verdict
from luxcheck.journal.store import CampaignStore
from luxcheck.messages import Message, not_measured
from luxcheck.model import (
    Campaign,
    IlluminanceReading,
    Instrument,
    MeasurementSession,
    School,
    SpectrumReading,
    WaveformReading,
)
from luxcheck.report.assemble import build_classroom_report
from luxcheck.report.model import (
    ChromaticityPoint,
    ClassroomReportData,
    FigureInputs,
    LimitCurve,
    PackRef,
    PolicyStatement,
    ReportContext,
    UgrObserver,
)
from tests.support.builders import T0, make_classroom

PACKS = (
    PackRef("gb-7793-2010", "1"),
    PackRef("gb-40070-2021", "1"),
    PackRef("profile:cn-classroom", "1f78bb6045bfc365"),  # as luxcheck.report.assemble writes
)
POLICY = PolicyStatement(AcceptancePolicy("direct").describe(), DecisionRule("simple").describe())
CURVES = (
    LimitCurve(
        "GB 40070",
        np.array([1.0, 10.0, 10.0, 90.0, 90.0, 3125.0]),
        np.array([0.1, 0.1, 0.1, 0.9, 2.88, 100.0]),
    ),
    LimitCurve(
        "IEEE 1789",
        np.array([1.0, 90.0, 90.0, 1250.0]),
        np.array([0.025, 2.25, 7.2, 100.0]),
        advisory=True,
        clause="low risk",
        clause_zh="低风险",
    ),
)
CONTEXT = ReportContext("cn-classroom", POLICY, PACKS, {"ordinary": CURVES})
XSS = "<script>alert(1)</script>"
#: The refusals of the issuing rules (prepare → review → approve by three different people of
#: the profile in their roles; ISO/IEC 17025:2017 §7.8.2.1), with the demo lab profile
#: (``luxcheck/data/demo-lab.toml``: li.ming prepares, zhao.hong reviews, chen.jun reviews and
#: approves): the sign-offs before, the one refused, a part of its message.
SIGN_OFF_REFUSALS: tuple[tuple[tuple[tuple[str, str], ...], tuple[str, str], str], ...] = (
    ((), ("review", "zhao.hong"), "prepare it first"),
    ((), ("prepare", "nobody"), "no person 'nobody'"),
    ((), ("review", "li.ming"), "may not review"),
    ((("prepare", "li.ming"),), ("approve", "chen.jun"), "before it is reviewed"),
    (
        (("prepare", "li.ming"), ("review", "chen.jun")),
        ("approve", "chen.jun"),
        "three different people",
    ),
    ((("prepare", "li.ming"), ("review", "zhao.hong")), ("review", "chen.jun"), "already"),
)


def verdicts_full(desk_mean: float = 431.0) -> list[Verdict]:
    """A classroom that fails U0 (0.698 against ≥ 0.70) and flicker, passes the rest."""
    return [
        Verdict(
            "gb7793.desk-mean",
            "desk_illuminance_mean_lx",
            "pass",
            desk_mean,
            300.0,
            ">=",
            desk_mean - 300.0,
            "lx",
            "GB 7793-2010",
            "5.1",
            "shall",
            "verified",
        ),
        Verdict(
            "gb7793.desk-u0",
            "desk_uniformity",
            "fail",
            0.698,
            0.7,
            ">=",
            -0.002,
            "1",
            "GB 7793-2010",
            "5.1",
            "shall",
            "verified",
        ),
        Verdict(
            "gb40070.cct",
            "cct_K",
            "pass",
            5003.0,
            (3300.0, 5300.0),
            "range",
            297.0,
            "K",
            "GB 40070-2021",
            "4.3",
            "shall",
            "verified",
        ),
        Verdict(
            "gb40070.flicker",
            "flicker_percent",
            "fail",
            5.0,
            3.2,
            "<=",
            -1.8,
            "%",
            "GB 40070-2021",
            "Table 2",
            "shall",
            "to-be-confirmed",
        ),
        Verdict(
            "gb7793.ugr",
            "ugr",
            "pass",
            16.3,
            19.0,
            "<=",
            2.7,
            "1",
            "GB 7793-2010",
            "5.2",
            "should",
            "verified",
        ),
        Verdict(
            "gb40070.blue",
            "blue_light_risk_group",
            "pass",
            "RG0",
            ("RG0",),
            "in",
            None,
            "",
            "GB 40070-2021",
            "4.4",
            "shall",
            "verified",
        ),
    ]


def verdicts_pass() -> list[Verdict]:
    """Every shall-requirement passes."""
    return [v for v in verdicts_full() if v.status == "pass"]


def verdicts_not_measured() -> list[Verdict]:
    """Nothing was measured: every requirement is not-measured with its reason."""
    return [
        Verdict(
            v.requirement_id,
            v.metric,
            "not-measured",
            None,
            v.limit,
            v.comparator,
            None,
            v.unit,
            v.standard,
            v.clause,
            v.obligation,
            v.confidence,
            reason=not_measured(),
        )
        for v in verdicts_full()
    ]


def fill_store(store: CampaignStore, *, school_name: str | None = None) -> None:
    """Readings for classroom R101 of the ``store`` fixture (session SE1) and a second,
    empty classroom R102; optionally a second school with a hostile name."""
    rng = np.random.default_rng(7)
    readings: list[object] = []
    k = 0
    for y in np.linspace(2.6, 8.0, 4):
        for x in np.linspace(0.7, 6.5, 4):
            k += 1
            readings.append(
                IlluminanceReading(
                    f"d{k}",
                    "SE1",
                    T0,
                    "T10A-1",
                    surface="desk",
                    x_m=float(x),
                    y_m=float(y),
                    illuminance_lx=float(400 + 60 * rng.random()),
                    point=k,
                )
            )
    for i, x in enumerate((0.5, 2.0, 3.5)):
        readings.append(
            IlluminanceReading(
                f"b{i}",
                "SE1",
                T0,
                "T10A-1",
                surface="board",
                x_m=x,
                y_m=0.6,
                illuminance_lx=520.0 + 20 * i,
            )
        )
    wl = np.arange(380.0, 781.0)
    spd = np.exp(-(((wl - 450) / 12) ** 2)) + 0.8 * np.exp(-(((wl - 560) / 50) ** 2))
    readings.append(SpectrumReading("sp1", "SE1", T0, None, wavelength_nm=wl, values=spd))
    t = np.arange(5000) / 10_000.0
    readings.append(
        WaveformReading(
            "wf1",
            "SE1",
            T0,
            None,
            samples=1 + 0.05 * np.sin(2 * np.pi * 100 * t + 0.3),
            sample_rate_hz=10_000.0,
        )
    )
    store.add_readings(readings)  # type: ignore[arg-type]
    metrics: dict[str, float | str | None] = {
        "desk_illuminance_mean_lx": 431.0,
        "desk_uniformity": 0.698,
        "cct_K": 5003.0,
        "cri_ra": 83.2,
        "flicker_frequency_hz": 100.0,
        "flicker_percent": 5.0,
        "ugr": 16.3,
        "flicker_svm": None,
        **{f"cri_r{i}": 95.0 - 6.0 * i for i in range(1, 15)},
    }
    store.put_metrics(
        "R101",
        metrics,
        input_hash="h1",
        reasons={
            "flicker_svm": Message(
                "sampling {rate:g} Hz < {needed:g} Hz required", rate=2000.0, needed=4000.0
            ).to_json()
        },
    )
    store.add_classroom(make_classroom("R102", name="教室 R102"))
    store.add_instrument(
        Instrument(
            "CL200-1", "Konica Minolta CL-200A", "A1", dt.date(2026, 5, 2), 3.5, kind="chroma"
        )
    )
    store.add_session(
        MeasurementSession(
            "SE2", "R102", "李工", T0 + dt.timedelta(days=1), ("CL200-1",), notes=XSS
        )
    )
    if school_name is not None:
        store.add_school(School("S02", school_name, "鼓楼区"))
        store.add_classroom(make_classroom("R201", "S02", notes=XSS))


def figure_extras() -> FigureInputs:
    """Inputs the analysis would add: chromaticity, UGR observers, luminaires, limit curves."""
    return FigureInputs(
        chromaticity=ChromaticityPoint(0.3447, 0.3553, 5003.0, 0.0012),
        flicker_limits=CURVES,
        ugr_observers=(UgrObserver("A", 3.6, 9.0, 16.3), UgrObserver("B", 0.0, 4.5, 15.1)),
        luminaires_m=tuple((x, y) for x in (1.2, 3.6, 6.0) for y in (2.5, 5.0, 7.5)),
    )


def make_store(path: Path) -> CampaignStore:
    """The conftest ``store`` campaign, for module-scoped fixtures (one school S01, classroom
    R101, instrument T10A-1, session SE1), filled by :func:`fill_store`."""
    store = CampaignStore.create(path, Campaign("C1", "测试活动"))
    store.add_school(School("S01", "第一中学", "玄武区"))
    store.add_classroom(make_classroom())
    store.add_instrument(
        Instrument("T10A-1", "Konica Minolta T-10A", "20311045", dt.date(2026, 3, 1), 4.0)
    )
    store.add_session(MeasurementSession("SE1", "R101", "张工", T0, ("T10A-1",)))
    return store


def report_of(
    store: CampaignStore, room: str, verdicts: list[Verdict], status: str
) -> ClassroomReportData:
    """A classroom report with the analysis' figure extras and a fixed report date."""
    return build_classroom_report(
        store,
        room,
        verdicts,
        status,
        POLICY,
        profile_id="cn-classroom",
        packs=PACKS,
        figures=figure_extras(),
        issued_on=dt.date(2026, 11, 3),
    )
