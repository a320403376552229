"""The session resolution rule (issue 18; docs/sessions.md, README "How results are decided").

Source: issue 18 — "for each quantity, the latest valid (not voided) session that measured it
wins; a re-test may cover only some quantities". The properties below are the rule itself,
checked against a direct restatement on random session histories (hypothesis).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from luxcheck.analysis.campaign import analyse_rooms
from luxcheck.analysis.grids import PointPlan, point_plan
from luxcheck.analysis.metrics import RoomMetrics
from luxcheck.analysis.sessions import metric_sessions, metric_sources, quantity, resolve
from luxcheck.model import (
    AnyReading,
    IlluminanceReading,
    MeasurementSession,
    PowerReading,
    SpectrumReading,
)
from tests.support.builders import T0, make_classroom

QUANTITIES = ("desk", "board", "power")


def _session(i: int, kind: str = "first", start_h: int | None = None) -> MeasurementSession:
    return MeasurementSession(
        f"S{i}", "R101", "张工", T0 + dt.timedelta(hours=i if start_h is None else start_h),
        kind=kind,
    )  # fmt: skip


def _reading(session_id: str, q: str, n: int, value: float = 500.0) -> AnyReading:
    at = T0 + dt.timedelta(days=1)
    if q == "power":
        return PowerReading(f"{session_id}.p{n}", session_id, at, circuit="general", power_w=value)
    return IlluminanceReading(
        f"{session_id}.{q}{n}", session_id, at, surface=q, x_m=1.0, y_m=1.0, point=n,
        illuminance_lx=value,
    )  # fmt: skip


def test_quantity_groups_follow_the_guided_steps() -> None:
    """Property of the rule: the desk grid, the board grid, each power circuit and each
    luminaire's spectrum are separate quantities (a re-test may cover only one)."""
    desk = _reading("S1", "desk", 0)
    board = _reading("S1", "board", 0)
    power = _reading("S1", "power", 0)
    spectrum = SpectrumReading(
        "S1.sp", "S1", T0, wavelength_nm=np.arange(380.0, 781.0), values=np.ones(401),
        luminaire="board",
    )  # fmt: skip
    assert [quantity(r) for r in (desk, board, power, spectrum)] == [
        "desk-grid",
        "board-grid",
        "power-general",
        "spectrum-board",
    ]


def test_partial_retest_replaces_only_what_it_measured() -> None:
    """Issue 18: a re-test of the desk grid only keeps the first test's board grid."""
    first, retest = _session(1), _session(2, "retest")
    readings = [
        _reading("S1", "desk", 0, 300.0),
        _reading("S1", "board", 0, 400.0),
        _reading("S2", "desk", 0, 550.0),
    ]
    out = resolve(readings, [retest, first])
    assert {r.reading_id for r in out.readings} == {"S1.board0", "S2.desk0"}
    assert out.source == {"desk-grid": "S2", "board-grid": "S1"}
    # the first test's values: re-tests left out
    assert resolve(readings, [first, retest], kinds=("first",)).source == {
        "desk-grid": "S1",
        "board-grid": "S1",
    }


def test_voided_retest_brings_the_first_test_back() -> None:
    """Issue 18: 'session void of the re-test brings the first test's values back'."""
    readings = [_reading("S1", "desk", 0, 300.0), _reading("S2", "desk", 0, 550.0)]
    sessions = [_session(1), _session(2, "retest")]
    assert resolve(readings, sessions).source == {"desk-grid": "S2"}
    out = resolve(readings, sessions, voided={"S2"})
    assert out.source == {"desk-grid": "S1"}
    assert [r.reading_id for r in out.readings] == ["S1.desk0"]


def test_latest_by_start_time_not_by_id_or_journal_order() -> None:
    """The rule orders sessions by their start instant: a session journalled later but started
    earlier (imported afterwards) does not win."""
    early, late = _session(9, start_h=1), _session(1, start_h=5)
    readings = [_reading("S1", "desk", 0), _reading("S9", "desk", 0)]  # S9 journalled last
    assert resolve(readings, [early, late]).source == {"desk-grid": "S1"}


histories = st.lists(
    st.tuples(
        st.integers(0, 5),  # start hour (ties broken by id)
        st.booleans(),  # voided
        st.sets(st.sampled_from(QUANTITIES)),  # quantities measured
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=150, deadline=None)
@given(histories)
def test_rule_against_its_statement(history: list[tuple[int, bool, set[str]]]) -> None:
    """Hypothesis: on random histories, each quantity comes from the latest (start, id)
    not-voided session that measured it; every kept reading is of that session; nothing of a
    voided session is kept; a quantity no valid session measured is absent."""
    sessions = [_session(i, start_h=h) for i, (h, _, _) in enumerate(history)]
    voided = {f"S{i}" for i, (_, v, _) in enumerate(history) if v}
    readings = [
        _reading(f"S{i}", q, n)
        for i, (_, _, qs) in enumerate(history)
        for q in sorted(qs)
        for n in range(2)
    ]
    out = resolve(readings, sessions, voided)
    for q in QUANTITIES:
        valid = [(h, f"S{i}") for i, (h, v, qs) in enumerate(history) if q in qs and not v]
        name = quantity(_reading("S0", q, 0))
        if not valid:
            assert name not in out.source
            continue
        # the rule's order: start instant, then session id
        assert out.source[name] == max(valid)[1]
        kept = [r for r in out.readings if quantity(r) == name]
        assert kept and all(r.session_id == out.source[name] for r in kept)
        assert len(kept) == 2
    assert not any(r.session_id in voided for r in out.readings)


def test_metric_sources_name_the_retest_and_the_first_value() -> None:
    """Analytic case: a desk re-test at a uniform 550 lx over a first test at 300 lx gives
    desk_illuminance_mean_lx 550 from the re-test with the first test's 300 lx kept beside it;
    the board grid (first test only) is attributed to the first test."""
    room = make_classroom()
    desk, board = point_plan(room, "desk"), point_plan(room, "board")

    def grid(sid: str, plan: PointPlan, surface: str, lx: float) -> list[AnyReading]:
        return [
            IlluminanceReading(
                f"{sid}.{surface}{p.index}",
                sid,
                T0 + dt.timedelta(days=2),
                surface=surface,
                x_m=p.x_m,
                y_m=p.y_m,
                point=p.index,
                illuminance_lx=lx,
            )
            for p in plan.points
        ]

    readings = [
        *grid("S1", desk, "desk", 300.0),
        *grid("S1", board, "board", 400.0),
        *grid("S2", desk, "desk", 550.0),
    ]
    sessions = [_session(1), _session(2, "retest")]

    def analyse(chosen: list[AnyReading]) -> RoomMetrics:
        return analyse_rooms([(room, chosen)])[room.classroom_id]

    final = resolve(readings, sessions)
    metrics = analyse(list(final.readings))
    assert metrics.values["desk_illuminance_mean_lx"] == 550.0
    sources = metric_sources(readings, sessions, set(), metrics, analyse)
    desk_mean = sources["desk_illuminance_mean_lx"]
    assert desk_mean.session_id == "S2" and desk_mean.retested
    assert desk_mean.first_value == 300.0 and desk_mean.first_session_id == "S1"
    board_mean = sources["board_illuminance_mean_lx"]
    assert board_mean.session_id == "S1" and not board_mean.retested
    # one session only: every metric from it, no analysis repeated
    single = resolve(readings[: desk.n_points], [_session(1)])
    calls: list[int] = []

    def counted(chosen: list[AnyReading]) -> RoomMetrics:
        calls.append(1)
        return analyse(chosen)

    only = metric_sessions(single, analyse(list(single.readings)), counted)
    assert set(only.values()) == {"S1"} and not calls
