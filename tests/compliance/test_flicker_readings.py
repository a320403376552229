"""Which frequency selects the GB 40070-2021 波动深度 limit, and a record without periodic flicker
(issue 20 item 3).

The limit is a function of the flicker frequency (standards/gb-40070-2021.toml: f ≤ 10 Hz
0.1 %, 10-90 Hz 0.01·f %, 90-3125 Hz 0.032·f %; C1 + R). The public material does not say
whether f is the fundamental or the strongest component, so the pack reads it at both
(``also_of``) and a disagreement is indeterminate (standards/README.md). Sources: the pack's
table; analytic waveforms through the kernel; properties of the rule.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luxcheck.analysis.flicker import flicker_metric_dict
from luxcheck.compliance import engine as C
from luxcheck.compliance.verdict import Verdict
from luxcheck.kernels import flicker as fl
from tests.support.rooms import GOOD

GB40070 = "gb40070.flicker-percent"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    C.clear_cache()


def _verdict(
    metrics: dict[str, float | str | None], reasons: dict[str, object] | None = None
) -> Verdict:
    room = {**GOOD, **metrics}
    verdicts = C.evaluate(room, "cn-classroom", reasons=reasons)  # type: ignore[arg-type]
    return next(v for v in verdicts if v.requirement_id == GB40070)


def _gb40070(f: float) -> float:
    """The pack's table (C1 + R)."""
    if f <= 10:
        return 0.1
    if f <= 90:
        return 0.01 * f
    return 0.032 * f


def test_50_and_100_hz_readings_disagree() -> None:
    """Issue 20 item 3(b): 0.3 % at 50 Hz plus 0.8 % at 100 Hz (percent flicker 0.956 %) passes
    at the dominant 100 Hz (limit 3.2 %) and fails at the fundamental 50 Hz (limit 0.5 %): the
    verdict is indeterminate and names both readings, never a silent pass."""
    fs, n = 10_000.0, 20_000
    t = np.arange(n) / fs
    x = 1 + 0.003 * np.cos(2 * np.pi * 50 * t) + 0.008 * np.cos(2 * np.pi * 100 * t)
    values, reasons = flicker_metric_dict(fl.flicker_metrics(x, fs, pst=False))
    v = _verdict(values, reasons)  # type: ignore[arg-type]
    assert v.status == "indeterminate"
    assert v.limit == pytest.approx(0.5)  # the fundamental's reading is printed as the limit
    text = str(v.reason)
    assert "the verdict depends on which frequency" in text
    assert "flicker_frequency_hz = 50 Hz: limit 0.5 %, fails" in text
    assert "flicker_dominant_frequency_hz = 100 Hz: limit 3.2 %, passes" in text
    assert C.room_result([v]).status == "incomplete"


def test_readings_that_agree_give_the_verdict_with_both_stated() -> None:
    """GB 40070 table: 2 % at 100 Hz (fundamental = dominant) passes 3.2 %; 8 % fails at 100 Hz
    (3.2 %) and at a 200 Hz dominant component (6.4 %) alike."""
    ok = _verdict(
        {
            "flicker_frequency_hz": 100.0,
            "flicker_dominant_frequency_hz": 100.0,
            "flicker_percent": 2.0,
        }
    )
    assert ok.status == "pass"
    assert ok.margin == pytest.approx(1.2)
    assert "limit at flicker_dominant_frequency_hz = 100 Hz" in str(ok.reason)
    bad = _verdict(
        {
            "flicker_frequency_hz": 100.0,
            "flicker_dominant_frequency_hz": 200.0,
            "flicker_percent": 8.0,
        }
    )
    assert bad.status == "fail"


def test_campaign_without_the_dominant_reading_is_judged_on_the_fundamental() -> None:
    """A campaign analysed before the dominant frequency existed has only the fundamental: the
    verdict is the one reading's (GB 40070 table at 100 Hz)."""
    v = _verdict({"flicker_frequency_hz": 100.0, "flicker_percent": 2.0})
    assert v.status == "pass"
    assert v.limit == pytest.approx(3.2)


def test_dc_luminaire_with_sensor_noise_passes_at_the_strictest_limit() -> None:
    """Issue 20 item 3(a): DC light with σ = 0.2 % noise has no flicker frequency; its percent
    flicker is the record's floor (0.02 %), which meets the strictest value of the GB 40070
    table (0.1 %, f ≤ 10 Hz): a pass whatever the frequency, with the floor and the rule
    stated. The same record used to fail at 0.81 % against 0.19 % at a "frequency" of 18.7 Hz."""
    fs, n = 10_000.0, 20_000
    x = 1.0 + np.random.default_rng(7).normal(0.0, 0.002, n)
    values, reasons = flicker_metric_dict(fl.flicker_metrics(x, fs, pst=False))
    v = _verdict(values, reasons)  # type: ignore[arg-type]
    assert v.status == "pass"
    assert v.limit == pytest.approx(0.1)
    text = str(v.reason)
    assert "no periodic flicker detected" in text
    assert "judged against the strictest limit of the curve, 0.1 %" in text


def test_a_floor_above_the_strictest_limit_is_not_a_pass() -> None:
    """Never a pass the record cannot show: a floor of 0.3 % (a noisy sensor) with no frequency
    cannot meet the 0.1 % limit that applies below 10 Hz, so the verdict is not measured with
    the reason of the missing frequency."""
    why = "no periodic flicker detected above the noise floor 0.3 %"
    v = _verdict(
        {
            "flicker_frequency_hz": None,
            "flicker_dominant_frequency_hz": None,
            "flicker_percent": 0.3,
        },
        {"flicker_frequency_hz": why},
    )
    assert v.status == "not-measured"
    assert why in str(v.reason)


@settings(max_examples=60, deadline=None)
@given(
    f1=st.floats(1.0, 4000.0),
    f2=st.floats(1.0, 4000.0),
    pf=st.floats(0.0, 100.0),
)
def test_indeterminate_exactly_when_the_readings_disagree(f1: float, f2: float, pf: float) -> None:
    """Property of the rule: judged at the fundamental f1 and at the dominant f2, the verdict is
    the common one when both readings agree (no limit above 3125 Hz counts as complying) and
    indeterminate when they differ."""

    def alone(f: float) -> str:
        return "pass" if f > 3125 or pf <= _gb40070(f) + 1e-12 else "fail"

    v = _verdict(
        {"flicker_frequency_hz": f1, "flicker_dominant_frequency_hz": f2, "flicker_percent": pf}
    )
    a, b = alone(f1), alone(f2)
    if a != b:
        assert v.status == "indeterminate"
    elif f1 > 3125:
        assert v.status == "not-applicable"
    else:
        assert v.status == a
