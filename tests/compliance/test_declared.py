"""What the classroom record declares about its luminaires, and the limits that depend on it
(issue 20, items 2 and 6).

- GB 40070-2021's R9 > 0 is a clause on LED luminaires (its wording: LED 灯具的特殊显色指数
  R9 应大于 0); GB 55016-2021 §3.3.5's R9 ≥ 0 applies to every light source.
- GB 40070-2021 judges the blue-light risk group assessed under IEC 62471 / IEC TR 62778 (the
  luminaire's test report or marking); a group derived from field readings is an indication.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from luxcheck.compliance.engine import evaluate
from luxcheck.compliance.verdict import Verdict
from luxcheck.messages import Message
from luxcheck.model import LUMINAIRE_TECHNOLOGIES, RISK_GROUPS
from tests.support.rooms import GOOD


def _by_id(verdicts: list[Verdict]) -> dict[str, Verdict]:
    return {v.requirement_id: v for v in verdicts}


def _reason(v: Verdict) -> str:
    assert isinstance(v.reason, Message)
    return str(v.reason)


def test_fluorescent_classroom_is_not_failed_on_the_led_r9_clause() -> None:
    """R9 = -5 under fluorescent lamps: GB 40070's LED clause does not apply (and says why);
    GB 55016 §3.3.5's R9 ≥ 0 still fails it."""
    metrics = {**GOOD, "cri_r9": -5.0}
    verdicts = _by_id(evaluate(metrics, "cn-classroom", technology="fluorescent"))
    assert verdicts["gb40070.cri-r9"].status == "not-applicable"
    assert "applies to LED luminaires; these are fluorescent" in _reason(verdicts["gb40070.cri-r9"])
    assert verdicts["gb55016.cri-r9"].status == "fail"


def test_led_classroom_fails_r9_of_zero_under_gb40070_only() -> None:
    """R9 = 0: GB 40070 asks R9 > 0 (fail), GB 55016 asks R9 ≥ 0 (pass)."""
    verdicts = _by_id(evaluate({**GOOD, "cri_r9": 0.0}, "cn-classroom", technology="led"))
    assert verdicts["gb40070.cri-r9"].status == "fail"
    assert verdicts["gb55016.cri-r9"].status == "pass"
    assert verdicts["gb40070.cri-r9"].reason is None


def test_unrecorded_technology_assumes_led_and_says_so() -> None:
    """No technology in the record: the LED clause applies (retrofits install LED) and the
    verdict says that LED was assumed."""
    verdict = _by_id(evaluate({**GOOD, "cri_r9": 0.0}, "cn-classroom"))["gb40070.cri-r9"]
    assert verdict.status == "fail"
    assert "luminaire technology not recorded: LED assumed" in _reason(verdict)


@given(
    technology=st.sampled_from((None, *LUMINAIRE_TECHNOLOGIES)),
    r9=st.floats(-100.0, 100.0, allow_nan=False),
)
def test_technology_only_selects_the_led_clause(technology: str | None, r9: float) -> None:
    """Property: the technology never changes a verdict but those of the LED-only clauses
    (GB 40070's R9 > 0 of the general luminaires and of the blackboard lamps), and those are not
    applicable exactly for a recorded technology other than LED."""
    metrics = {**GOOD, "cri_r9": r9, "board_cri_r9": r9}
    base = _by_id(evaluate(metrics, "cn-classroom", technology="led"))
    other = _by_id(evaluate(metrics, "cn-classroom", technology=technology))
    assert base.keys() == other.keys()
    for rid, verdict in other.items():
        if rid in ("gb40070.cri-r9", "gb40070.board-cri-r9"):
            expected = technology in ("fluorescent", "other")
            assert (verdict.status == "not-applicable") is expected
        else:
            assert verdict.status == base[rid].status


def test_assessed_group_is_judged_and_the_field_indication_shown() -> None:
    """GB 40070 judges the assessed group: RG0 declared passes even where the field readings
    indicate RG1 (flagged as a disagreement to check), RG1 declared fails."""
    metrics = {**GOOD, "blue_light_risk_group": "RG1"}
    declared = {"blue_light_risk_group": "RG0", "board_blue_light_risk_group": "RG0"}
    verdict = _by_id(evaluate(metrics, "cn-classroom", declared=declared))[
        "gb40070.blue-light-risk-group"
    ]
    assert (verdict.status, verdict.measured) == ("pass", "RG0")
    assert "field indication RG1 disagrees with the assessed group" in _reason(verdict)
    declared["blue_light_risk_group"] = "RG1"
    verdict = _by_id(evaluate(metrics, "cn-classroom", declared=declared))[
        "gb40070.blue-light-risk-group"
    ]
    assert (verdict.status, verdict.measured) == ("fail", "RG1")
    assert _reason(verdict) == "field indication RG1"


def test_unrecorded_assessed_group_is_not_measured_never_a_pass() -> None:
    """No assessed group in the record: the requirement is not measured (the field
    indication is not the assessment the clause calls for), and the reason names both."""
    declared = {"blue_light_risk_group": None, "board_blue_light_risk_group": None}
    verdicts = _by_id(evaluate(GOOD, "cn-classroom", declared=declared))
    verdict = verdicts["gb40070.blue-light-risk-group"]
    assert verdict.status == "not-measured"
    assert "assessed group" in _reason(verdict) and "field indication: RG0" in _reason(verdict)


@given(assessed=st.sampled_from(RISK_GROUPS), indication=st.sampled_from((None, *RISK_GROUPS)))
def test_verdict_follows_the_assessed_group_alone(assessed: str, indication: str | None) -> None:
    """Property: the verdict depends on the assessed group only (pass exactly for RG0, the
    group GB 40070 allows), whatever the field indication."""
    metrics = {**GOOD, "blue_light_risk_group": indication}
    declared = {"blue_light_risk_group": assessed, "board_blue_light_risk_group": "RG0"}
    verdict = _by_id(evaluate(metrics, "cn-classroom", declared=declared))[
        "gb40070.blue-light-risk-group"
    ]
    assert verdict.status == ("pass" if assessed == "RG0" else "fail")
