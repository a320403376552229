"""The compliance engine: boundary cases at every limit, worked cases per profile (each citing
its clause), decision rules, room results, the campaign roll-up and hypothesis properties."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luxcheck.compliance import engine as C
from luxcheck.compliance import packs as S
from luxcheck.compliance import schema
from luxcheck.compliance.verdict import Verdict
from luxcheck.errors import InputError
from luxcheck.model import ROOM_TYPES
from luxcheck.vocabulary import metric_bounds
from tests.support.rooms import GOOD
from tests.support.user_packs import write_profile

PROFILES = ("cn-classroom", "cn-classroom-2013", "jiangsu-2021", "en-12464-1-2021")


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    C.clear_cache()


def by_id(verdicts: list[Verdict]) -> dict[str, Verdict]:
    return {v.requirement_id: v for v in verdicts}


def judge(
    profile: str, room_type: str = "ordinary", **changes: float | str | None
) -> dict[str, Verdict]:
    metrics = dict(GOOD)
    metrics.update(changes)
    return by_id(C.evaluate(metrics, profile, room_type))


# --------------------------------------------------------------------------- boundaries
def _numeric_limits() -> list[tuple[str, str, schema.Limit]]:
    reg = S.load_registry()
    out = []
    for pid in PROFILES:
        prof = reg.profile(pid)
        for lim in reg.profile_limits(prof):
            if lim.comparator in (">=", ">", "<=", "<") and lim.function is None:
                room = "ordinary" if lim.applies_to_room("ordinary") else lim.room_types[0]
                out.append((pid, room, lim))
    return out


@pytest.mark.parametrize(
    ("profile", "room", "limit"),
    _numeric_limits(),
    ids=lambda x: x.id if isinstance(x, schema.Limit) else str(x),
)
def test_exactly_at_every_limit(profile: str, room: str, limit: schema.Limit) -> None:
    """At the limit, ≥ and ≤ pass while > and < fail; a step beyond fails, a step inside
    passes (issue 3: boundary cases exactly at each limit). The limit the engine applies is
    the pack value, or value / MF for maintained illuminance under initial-over-mf."""
    policy = S.get_profile(profile).acceptance
    assert limit.value is not None
    at = (
        limit.value / policy.maintenance_factor
        if (limit.maintained and policy.policy == "initial-over-mf" and policy.maintenance_factor)
        else limit.value
    )
    step = max(abs(at) * 1e-6, 1e-9)
    inside = at + step if limit.comparator in (">=", ">") else at - step
    outside = at - step if limit.comparator in (">=", ">") else at + step
    for value, expected in (
        (at, "pass" if limit.comparator in (">=", "<=") else "fail"),
        (inside, "pass"),
        (outside, "fail"),
    ):
        lo, hi = metric_bounds(limit.metric)
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            continue  # a limit at the edge of the physical range has no value beyond it
        verdicts = by_id(C.evaluate({limit.metric: value}, profile, room))
        v = verdicts[limit.id]
        assert v.status == expected, (value, v)
        assert v.limit == pytest.approx(at)
        assert v.clause == limit.clause
        assert v.standard == limit.standard_id


def test_range_limits_are_inclusive_at_both_ends() -> None:
    """GB 40070-2021: 3300 K ≤ CCT ≤ 5300 K; both ends pass."""
    for cct, expected in ((3299.9, "fail"), (3300.0, "pass"), (5300.0, "pass"), (5300.1, "fail")):
        assert judge("cn-classroom", cct_K=cct)["gb40070.cct"].status == expected


# --------------------------------------------------------------------------- worked cases
def test_cn_classroom_good_room_passes() -> None:
    """cn-classroom: a room meeting GB 7793-2010, GB/T 36876-2018 §4.1/§4.2, GB 40070-2021
    and GB/T 50034-2024 §4.4.1/§4.4.2 passes, and every verdict carries its own clause."""
    verdicts = C.evaluate(GOOD, "cn-classroom")
    result = C.room_result(verdicts)
    assert result.status == "pass", [v for v in verdicts if v.status != "pass"]
    ids = {v.requirement_id for v in verdicts}
    # overlapping requirements are each reported (no dedup): desk 300 lx thrice
    assert {"gb7793.desk-illuminance", "gb36876.desk-illuminance"} <= ids
    clauses = {v.requirement_id: v.clause for v in verdicts}
    assert clauses["gb36876.desk-illuminance"] == "4.1"
    assert clauses["gb36876.board-uniformity"] == "4.2"
    assert clauses["gb50034-2024.pst-lm"] == "4.4.1"
    assert clauses["gb50034-2024.svm"] == "4.4.2"


def test_cn_classroom_desk_300_lx() -> None:
    """GB 7793-2010 and GB/T 36876-2018 §4.1: desk Ē ≥ 300 lx, compared directly (common
    laboratory practice: the field reading against the maintained value)."""
    v = judge("cn-classroom", desk_illuminance_mean_lx=300.0)
    assert v["gb7793.desk-illuminance"].status == "pass"
    assert v["gb36876.desk-illuminance"].status == "pass"
    assert v["gb36876.desk-illuminance"].margin == 0.0
    v = judge("cn-classroom", desk_illuminance_mean_lx=299.9)
    assert v["gb36876.desk-illuminance"].status == "fail"
    assert v["gb36876.desk-illuminance"].margin == pytest.approx(-0.1)


def test_cn_classroom_ra_and_r9() -> None:
    """GB 40070-2021: Ra ≥ 80 (80 passes) and LED R9 > 0 (0 fails, 0.1 passes)
    (GB 7793-2010 Ra; GB 40070-2021 Ra and R9)."""
    v = judge("cn-classroom", cri_ra=80.0, cri_r9=0.0)
    assert v["gb40070.cri-ra"].status == "pass"
    assert v["gb40070.cri-r9"].status == "fail"
    assert v["gb40070.cri-r9"].obligation == "shall"
    assert C.room_result(list(v.values())).status == "fail"
    assert judge("cn-classroom", cri_r9=0.1)["gb40070.cri-r9"].status == "pass"
    assert judge("cn-classroom", cri_r9=-47.3)["gb40070.cri-r9"].status == "fail"  # FL1, §5.3


def test_cn_classroom_cct_clauses_differ() -> None:
    """CCT 5400 K: fails GB 40070-2021 (≤ 5300 K, shall) and GB/T 36876 (should) but passes
    GB 7793-2010 (3300–5500 K): each clause reported on its own."""
    v = judge("cn-classroom", cct_K=5400.0)
    assert v["gb40070.cct"].status == "fail"
    assert v["gb36876.cct"].status == "fail"
    assert v["gb36876.cct"].obligation == "should"
    assert v["gb7793.cct"].status == "pass"
    assert v["gb7793.cct"].limit == (3300.0, 5500.0)
    assert v["gb40070.cct"].margin == pytest.approx(-100.0)


def test_cn_classroom_flicker_table() -> None:
    """GB 40070-2021 波动深度 table: at 100 Hz the limit is 3.2 %;
    at exactly 90 Hz 0.9 %; above 3125 Hz there is no limit (not-applicable)."""
    v = judge("cn-classroom", flicker_percent=3.2)["gb40070.flicker-percent"]
    assert (v.status, v.limit, v.confidence) == ("pass", 3.2, "to-be-confirmed")
    assert judge("cn-classroom", flicker_percent=3.21)["gb40070.flicker-percent"].status == "fail"
    at90 = judge("cn-classroom", flicker_frequency_hz=90.0, flicker_percent=0.9)
    assert at90["gb40070.flicker-percent"].status == "pass"
    above = judge("cn-classroom", flicker_frequency_hz=90.0, flicker_percent=0.91)
    assert above["gb40070.flicker-percent"].status == "fail"
    fast = judge("cn-classroom", flicker_frequency_hz=4000.0, flicker_percent=60.0)
    assert fast["gb40070.flicker-percent"].status == "not-applicable"
    assert fast["gb40070.flicker-percent"].limit is None
    board = judge("cn-classroom", board_flicker_frequency_hz=200.0, board_flicker_percent=6.4)
    assert board["gb40070.board-flicker-percent"].status == "pass"
    assert board["gb40070.board-flicker-percent"].limit == 6.4


def test_cn_classroom_pst_and_svm() -> None:
    """GB/T 50034-2024 §4.4.1 PstLM ≤ 1 and §4.4.2 SVM ≤ 1.3."""
    v = judge("cn-classroom", flicker_pst_lm=1.0, flicker_svm=1.3)
    assert v["gb50034-2024.pst-lm"].status == "pass"
    assert v["gb50034-2024.svm"].status == "pass"
    assert judge("cn-classroom", flicker_svm=1.31)["gb50034-2024.svm"].status == "fail"


def test_cn_classroom_blue_light_risk_groups() -> None:
    """GB 40070-2021: RG0 for general luminaires, RG0 or RG1 for blackboard luminaires
    (GB 40070-2021, assessed per IEC TR 62778)."""
    v = judge("cn-classroom", blue_light_risk_group="RG1", board_blue_light_risk_group="RG1")
    assert v["gb40070.blue-light-risk-group"].status == "fail"
    assert v["gb40070.blue-light-risk-group"].limit == ("RG0",)
    assert v["gb40070.board-blue-light-risk-group"].status == "pass"
    v = judge("cn-classroom", board_blue_light_risk_group="RG2")
    assert v["gb40070.board-blue-light-risk-group"].status == "fail"


def test_cn_classroom_should_failure_does_not_fail_room() -> None:
    """GB 7793-2010 UGR 不宜大于 19 is a should-clause: UGR 20 is listed as a failed should
    item (README, How results are decided); the room fails only on GB 55016-2021 §3.3.4
    (不应高于 19, shall)."""
    verdicts = C.evaluate({**GOOD, "ugr": 20.0}, "cn-classroom")
    result = C.room_result(verdicts)
    assert result.status == "fail"
    assert {v.requirement_id for v in result.failed_should} == {"gb7793.ugr", "gb36876.ugr"}
    assert [v.requirement_id for v in result.failed_shall] == ["gb55016.ugr"]


def test_cn_classroom_art_room_uses_the_2024_room_table() -> None:
    """An art room: GB/T 50034-2024 Table 5.3.8 (美术教室) Ē ≥ 500 lx and Ra ≥ 90 apply;
    GB/T 36876 and GB 40070 do not (their scopes cover ordinary classrooms only)."""
    v = judge("cn-classroom", "art", desk_illuminance_mean_lx=450.0, cri_ra=85.0)
    assert v["gb50034-2024.art.illuminance"].status == "fail"
    assert v["gb50034-2024.art.illuminance"].clause == "Table 5.3.8 (art room)"
    assert v["gb50034-2024.art.cri-ra"].status == "fail"
    assert v["gb7793.desk-illuminance"].status == "pass"
    assert not any(k.startswith(("gb36876.", "gb40070.")) for k in v)
    assert "gb50034-2024.computer.illuminance" not in v


def test_jiangsu_initial_over_maintenance_factor() -> None:
    """Jiangsu 2021: initial Ē ≥ maintained / 0.8, so 375 lx desk and 625 lx board
    (Jiangsu 2021 操作规程 technical indicators)."""
    v = judge("jiangsu-2021", desk_illuminance_mean_lx=375.0, board_illuminance_mean_lx=625.0)
    desk = v["jiangsu2021.desk-illuminance"]
    assert (desk.status, desk.limit) == ("pass", 375.0)
    assert "MF 0.8" in str(desk.reason)
    assert v["jiangsu2021.board-illuminance"].limit == 625.0
    assert v["gb7793.desk-illuminance"].limit == 375.0  # the policy holds for every pack
    v = judge("jiangsu-2021", desk_illuminance_mean_lx=374.9, board_illuminance_mean_lx=624.9)
    assert v["jiangsu2021.desk-illuminance"].status == "fail"
    assert v["jiangsu2021.board-illuminance"].status == "fail"
    art = judge("jiangsu-2021", "art", desk_illuminance_mean_lx=625.0)
    assert art["jiangsu2021.art-computer.desk-illuminance"].limit == 625.0
    assert art["jiangsu2021.art-computer.desk-illuminance"].status == "pass"


def test_jiangsu_strict_comparators() -> None:
    """Jiangsu 2021: Ra > 90 (90 fails), UGR < 19 (19 fails), CCT 4300–5300 K, U0 ≥ 0.7,
    board U0 ≥ 0.8 (Jiangsu 2021 操作规程)."""
    v = judge("jiangsu-2021", cri_ra=90.0, ugr=19.0, cct_K=4299.0, desk_uniformity=0.7)
    assert v["jiangsu2021.cri-ra"].status == "fail"
    assert v["jiangsu2021.ugr"].status == "fail"
    assert v["jiangsu2021.cct"].status == "fail"
    assert v["jiangsu2021.desk-uniformity"].status == "pass"
    assert v["gb7793.ugr"].status == "pass"  # GB 7793 allows UGR = 19
    v = judge("jiangsu-2021", cri_ra=90.1, ugr=18.9, cct_K=4300.0, board_uniformity=0.79)
    assert v["jiangsu2021.cri-ra"].status == "pass"
    assert v["jiangsu2021.ugr"].status == "pass"
    assert v["jiangsu2021.cct"].status == "pass"
    assert v["jiangsu2021.board-uniformity"].status == "fail"


def test_en_12464_classroom() -> None:
    """EN 12464-1:2021: classroom Ēm 500 lx, UGR_L 19, U0 0.60, Ra 80; boards 500 lx,
    U0 0.70 (EN 12464-1:2021 education table). 420 lx passes the Chinese 300 lx but fails EN."""
    v = judge("en-12464-1-2021")
    assert v["en12464.classroom.illuminance"].status == "fail"
    assert v["en12464.classroom.illuminance-modified"].obligation == "advisory"
    v = judge("en-12464-1-2021", desk_illuminance_mean_lx=500.0, board_uniformity=0.7)
    assert v["en12464.classroom.illuminance"].status == "pass"
    assert v["en12464.board.uniformity"].status == "pass"
    assert judge("en-12464-1-2021", board_uniformity=0.69)["en12464.board.uniformity"].status == (
        "fail"
    )
    assert C.room_result(list(v.values())).status == "pass"


def test_cn_classroom_2013_board_uniformity() -> None:
    """GB 50034-2013 board U0 0.70 (R, to-be-confirmed) vs GB 7793-2010 0.8: board U0 0.75
    passes the 2013 clause and fails the GB 7793-2010 clause (board U0 0.8)."""
    v = judge("cn-classroom-2013", board_uniformity=0.75)
    assert v["gb50034-2013.board.uniformity"].status == "pass"
    assert v["gb50034-2013.board.uniformity"].confidence == "to-be-confirmed"
    assert v["gb7793.board-uniformity"].status == "fail"
    assert v["gb31831.flicker-percent"].limit == 3.2
    assert "gb40070.cri-r9" not in v


# --------------------------------------------------------------------------- not measured
@pytest.mark.parametrize("missing", [None, math.nan, "absent"])
def test_missing_metric_is_not_measured(missing: float | str | None) -> None:
    """README, How results are decided: a missing, None or NaN metric is not-measured, never a pass,
    and the room is incomplete."""
    metrics = dict(GOOD)
    if missing == "absent":
        del metrics["desk_uniformity"]
    else:
        metrics["desk_uniformity"] = missing
    verdicts = by_id(C.evaluate(metrics, "cn-classroom", reasons={"desk_uniformity": "grid"}))
    v = verdicts["gb7793.desk-uniformity"]
    assert v.status == "not-measured"
    assert v.measured is None
    assert "grid" in str(v.reason)
    result = C.room_result(list(verdicts.values()))
    assert result.status == "incomplete"
    assert v in result.open_shall


def test_flicker_without_frequency_is_not_measured() -> None:
    """The GB 40070 limit depends on the frequency: without it the verdict is not-measured."""
    v = judge("cn-classroom", flicker_frequency_hz=None)["gb40070.flicker-percent"]
    assert v.status == "not-measured"
    assert "flicker_frequency_hz" in str(v.reason)


def test_text_metric_nan_is_not_measured() -> None:
    """A risk group handed over as NaN (a pandas gap) is not measured."""
    v = judge("cn-classroom", blue_light_risk_group=math.nan)["gb40070.blue-light-risk-group"]
    assert v.status == "not-measured"


# --------------------------------------------------------------------------- decision rule
def test_guarded_acceptance_band() -> None:
    """ILAC-G8 guarded acceptance: with U = 15 lx around 300 lx, 315 passes, 300 and 286 are
    indeterminate, 284 fails; without an uncertainty the rule falls back to simple."""
    u = {"desk_illuminance_mean_lx": 15.0}
    cases = {315.0: "pass", 300.0: "indeterminate", 286.0: "indeterminate", 284.0: "fail"}
    for lx, expected in cases.items():
        verdicts = C.evaluate(
            {**GOOD, "desk_illuminance_mean_lx": lx},
            "cn-classroom",
            uncertainty=u,
            decision_rule="guarded",
        )
        v = by_id(verdicts)["gb7793.desk-illuminance"]
        assert v.status == expected, lx
        assert v.decision_rule == "guarded"
    v = by_id(C.evaluate(GOOD, "cn-classroom", uncertainty=u, decision_rule="guarded"))
    assert v["gb7793.desk-uniformity"].decision_rule == "simple"
    assert "no expanded uncertainty" in str(v["gb7793.desk-uniformity"].reason)


def test_guarded_range_and_room_result() -> None:
    """Guarded acceptance on a range (GB 40070 CCT 3300–5300 K) with U = 50 K: 5260 K is
    indeterminate, so the room is incomplete rather than passed."""
    verdicts = C.evaluate(
        {**GOOD, "cct_K": 5260.0},
        "cn-classroom",
        uncertainty={"cct_K": 50.0},
        decision_rule="guarded",
    )
    v = by_id(verdicts)["gb40070.cct"]
    assert v.status == "indeterminate"
    assert C.room_result(verdicts).status == "incomplete"
    v = by_id(
        C.evaluate(
            {**GOOD, "cct_K": 5400.0},
            "cn-classroom",
            uncertainty={"cct_K": 50.0},
            decision_rule="guarded",
        )
    )["gb40070.cct"]
    assert v.status == "fail"


def test_guarded_profile_from_standards_dir(tmp_path: Path) -> None:
    """A profile may set rule = "guarded" itself (README, How results are decided)."""
    write_profile(
        tmp_path, "guarded", [("gb-t-36876-2018", ["gb36876.desk-illuminance"])], rule="guarded"
    )
    verdicts = C.evaluate(
        {"desk_illuminance_mean_lx": 305.0},
        "guarded",
        uncertainty={"desk_illuminance_mean_lx": 12.0},
        standards_dir=tmp_path,
    )
    assert [(v.requirement_id, v.status) for v in verdicts] == [
        ("gb36876.desk-illuminance", "indeterminate")
    ]


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("metrics", "match"),
    [
        ({"desk_lux": 300.0}, "unknown metric id 'desk_lux'"),
        ({"desk_illuminance_mean_lx": "300"}, "expected a number"),
        ({"desk_illuminance_mean_lx": True}, "expected a number"),
        ({"desk_illuminance_mean_lx": -1.0}, "outside the possible range"),
        ({"desk_uniformity": 1.2}, "outside the possible range"),
        ({"flicker_percent": math.inf}, "outside the possible range"),
        ({"blue_light_risk_group": "rg0"}, "expected one of RG0, RG1, RG2, RG3"),
        ({"blue_light_risk_group": 0.0}, "expected one of RG0"),
    ],
)
def test_bad_metrics_are_input_errors(metrics: Mapping[str, object], match: str) -> None:
    """Bad input is an InputError naming the metric; never clipped or coerced."""
    with pytest.raises(InputError, match=match):
        C.evaluate(metrics, "cn-classroom")  # type: ignore[arg-type]


def test_bad_arguments_are_input_errors() -> None:
    """Unknown profile (lists the available ones), room type, rule or uncertainty."""
    with pytest.raises(InputError, match="cn-classroom-2013"):
        C.evaluate(GOOD, "cn-classroom-2099")
    with pytest.raises(InputError, match="ordinary, art"):
        C.evaluate(GOOD, "cn-classroom", "gym")
    with pytest.raises(InputError, match="decision rule"):
        C.evaluate(GOOD, "cn-classroom", decision_rule="lenient")
    with pytest.raises(InputError, match="≥ 0"):
        C.evaluate(GOOD, "cn-classroom", uncertainty={"ugr": -1.0})
    with pytest.raises(InputError, match="numeric metric"):
        C.evaluate(GOOD, "cn-classroom", uncertainty={"blue_light_risk_group": 1.0})


def test_profile_lookup_is_punctuation_insensitive() -> None:
    """Property: 'CN Classroom' names cn-classroom (ids ignore case and punctuation)."""
    assert C.evaluate(GOOD, "CN Classroom") == C.evaluate(GOOD, "cn-classroom")


# --------------------------------------------------------------------------- room, campaign
def _v(status: str, obligation: str = "shall", metric: str = "ugr", rid: str = "x") -> Verdict:
    return Verdict(
        rid, metric, status, None, None, "<=", None, "1", "S", "1", obligation, "verified"
    )  # type: ignore[arg-type]


def test_room_result_rules() -> None:
    """README, How results are decided: pass only if every applicable shall passes; fail if any
    shall fails; otherwise incomplete. Should failures are listed separately; advisory never counts;
    not-applicable shall-requirements are satisfied; no shall-requirement → incomplete."""
    assert C.room_result([_v("pass"), _v("not-applicable")]).status == "pass"
    assert C.room_result([_v("pass"), _v("fail", "should")]).status == "pass"
    assert C.room_result([_v("pass"), _v("fail", "advisory")]).status == "pass"
    assert C.room_result([_v("pass"), _v("indeterminate")]).status == "incomplete"
    assert C.room_result([_v("fail"), _v("not-measured")]).status == "fail"
    assert C.room_result([]).status == "incomplete"
    assert C.room_result([_v("pass", "should")]).status == "incomplete"
    r = C.room_result([_v("fail", rid="a"), _v("fail", "should", rid="b"), _v("pass")])
    assert [v.requirement_id for v in r.failed_shall] == ["a"]
    assert [v.requirement_id for v in r.failed_should] == ["b"]
    assert r.counts == {"fail": 2, "pass": 1}


def test_campaign_rollup() -> None:
    """Per-school pass counts and per-metric failure counts over a small campaign."""
    good = C.room_result(C.evaluate(GOOD, "cn-classroom"))
    dim = C.room_result(C.evaluate({**GOOD, "desk_illuminance_mean_lx": 250.0}, "cn-classroom"))
    red = C.room_result(C.evaluate({**GOOD, "cri_r9": -5.0, "ugr": 21.0}, "cn-classroom"))
    gap = C.room_result(C.evaluate({**GOOD, "flicker_svm": None}, "cn-classroom"))
    roll = C.campaign_rollup(
        [("S1", "101", good), ("S1", "102", dim), ("S2", "201", red), ("S2", "202", gap)]
    )
    assert (roll.rooms, roll.passed, roll.failed, roll.incomplete) == (4, 1, 2, 1)
    assert [(s.school_id, s.rooms, s.passed, s.failed) for s in roll.schools] == [
        ("S1", 2, 1, 1),
        ("S2", 2, 0, 1),
    ]
    assert roll.metric_failures == {"desk_illuminance_mean_lx": 1, "cri_r9": 1, "ugr": 1}
    assert roll.metric_should_failures == {"ugr": 1}
    assert roll.requirement_failures["gb7793.desk-illuminance"] == 1
    assert roll.failing_rooms == (("S1", "102"), ("S2", "201"))
    assert roll.incomplete_rooms == (("S2", "202"),)
    with pytest.raises(InputError, match="given twice"):
        C.campaign_rollup([("S1", "101", good), ("S1", "101", good)])


# --------------------------------------------------------------------------- properties
_ONE_SIDED = [
    (pid, lim)
    for pid in PROFILES
    for lim in S.profile_limits(pid)
    if lim.comparator in (">=", ">", "<=", "<")
]


@settings(max_examples=100, deadline=None)
@given(
    case=st.sampled_from(_ONE_SIDED),
    a=st.floats(min_value=0.0, max_value=1.0),
    b=st.floats(min_value=0.0, max_value=1.0),
    u=st.sampled_from([None, 0.0, 0.01, 0.3]),
)
def test_monotonicity(case: tuple[str, schema.Limit], a: float, b: float, u: float | None) -> None:
    """Hypothesis property (issue 3): raising a value limited by ≥ (or >) never turns pass
    into fail, lowering a value limited by ≤ (or <) never does — under both decision rules."""
    profile, lim = case
    lo, hi = metric_bounds(lim.metric)
    span_lo = lo if lo is not None else -100.0
    span_hi = hi if hi is not None else 2.0 * (lim.value if lim.value else 100.0) + 10.0
    x1, x2 = sorted(span_lo + t * (span_hi - span_lo) for t in (a, b))
    room = "ordinary" if lim.applies_to_room("ordinary") else lim.room_types[0]
    rank = {"fail": 0, "indeterminate": 1, "pass": 2}

    def status(x: float) -> str:
        metrics: dict[str, float | str | None] = {lim.metric: x}
        if lim.function is not None:
            metrics[lim.function.of] = 100.0
        unc = None if u is None else {lim.metric: u * (span_hi - span_lo)}
        rule = None if u is None else "guarded"
        v = by_id(C.evaluate(metrics, profile, room, uncertainty=unc, decision_rule=rule))
        return v[lim.id].status

    s1, s2 = status(x1), status(x2)
    if lim.comparator in (">=", ">"):
        assert rank[s2] >= rank[s1], (x1, s1, x2, s2)
    else:
        assert rank[s1] >= rank[s2], (x1, s1, x2, s2)


_ALL_METRICS = sorted({lim.metric for pid in PROFILES for lim in S.profile_limits(pid)})


@settings(max_examples=60, deadline=None)
@given(
    profile=st.sampled_from(PROFILES),
    room=st.sampled_from(ROOM_TYPES),
    dropped=st.sets(st.sampled_from(_ALL_METRICS)),
    scale=st.floats(min_value=0.5, max_value=1.5),
)
def test_not_measured_never_passes_and_room_needs_every_shall(
    profile: str, room: str, dropped: set[str], scale: float
) -> None:
    """Hypothesis properties (issue 3): a not-measured metric never yields a pass, and a room
    passes only if every applicable shall-clause passes (fails iff one fails)."""
    metrics: dict[str, float | str | None] = {}
    for key, value in GOOD.items():
        if key in dropped:
            metrics[key] = None
        elif isinstance(value, float) and (metric_bounds(key)[1] is None):
            metrics[key] = value * scale
        else:
            metrics[key] = value
    verdicts = C.evaluate(metrics, profile, room)
    for v in verdicts:
        if v.metric in dropped:
            assert v.status == "not-measured"
    shall = [v for v in verdicts if v.obligation == "shall" and v.status != "not-applicable"]
    result = C.room_result(verdicts)
    assert (result.status == "pass") == (bool(shall) and all(v.status == "pass" for v in shall))
    assert (result.status == "fail") == any(v.status == "fail" for v in shall)
