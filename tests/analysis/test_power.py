"""Tests of luxcheck.analysis.power (moved with the code from tests/kernels/test_power.py)."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from luxcheck.analysis import power
from luxcheck.errors import InputError
from luxcheck.model import PowerReading
from tests.support.builders import make_classroom

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def _p(rid: str, circuit: str, watts: float) -> PowerReading:
    return PowerReading(rid, "SE1", T0, circuit=circuit, power_w=watts)  # type: ignore[arg-type]


def test_general_power_excludes_board_lamps() -> None:
    """A local classroom acceptance table and a tender requirements list: blackboard lamps are
    excluded from LPD."""
    assert power.general_lighting_power_w(
        [_p("a", "general", 200.0), _p("b", "general", 130.0), _p("c", "board", 80.0)]
    ) == (330.0, None)
    assert power.general_lighting_power_w([_p("t", "total", 410.0), _p("b", "board", 80.0)]) == (
        330.0,
        None,
    )
    value, reason = power.general_lighting_power_w([_p("t", "total", 410.0)])
    assert math.isnan(value)
    assert "blackboard lamps cannot be excluded" in str(reason)
    value, reason = power.general_lighting_power_w([])
    assert math.isnan(value)
    assert str(reason) == "not measured: no power reading"
    with pytest.raises(InputError, match="exceeds the total"):
        power.general_lighting_power_w([_p("t", "total", 50.0), _p("b", "board", 80.0)])
    # an iterator (the signature takes any Iterable) gives the same answer as a list
    readings = [_p("t", "total", 410.0), _p("b", "board", 80.0)]
    assert power.general_lighting_power_w(iter(readings)) == (330.0, None)


def test_power_metrics_of_a_classroom() -> None:
    """Metric ids lpd_w_per_m2 and room_index (mounting 2.85 m, desk 0.75 m → h = 2.1 m)."""
    values, reasons = power.power_metrics(make_classroom(), [_p("a", "general", 330.0)])
    assert values["lpd_w_per_m2"] == pytest.approx(330 / 64.8)
    assert values["room_index"] == pytest.approx(64.8 / (2.1 * 16.2))
    assert reasons == {}
    values, reasons = power.power_metrics(make_classroom(luminaire_mounting_height_m=None), [])
    assert math.isnan(values["lpd_w_per_m2"])
    assert math.isnan(values["room_index"])
    assert set(reasons) == {"lpd_w_per_m2", "room_index"}
