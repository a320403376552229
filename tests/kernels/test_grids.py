"""Tests of luxcheck.kernels.grids: point plans, grid statistics, daylight subtraction, isolux."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from luxcheck.errors import InputError
from luxcheck.kernels import grids


# ---------------------------------------------------------------------------- statistics
def test_stats_known_values() -> None:
    """GB/T 50034-2024 2.0.39: U0 = Emin/Ē; Emin/Emax kept apart."""
    s = grids.illuminance_stats([300.0, 400.0, 500.0])
    assert (float(s.mean_lx), float(s.min_lx), float(s.max_lx)) == (400.0, 300.0, 500.0)
    assert float(s.u0) == pytest.approx(0.75)
    assert float(s.u_min_max) == pytest.approx(0.6)
    assert s.reason.item() is None


def test_missing_point_makes_row_not_measured() -> None:
    """Issue 6: a missing point never shrinks the grid; the row's statistics are NaN."""
    s = grids.illuminance_stats([[300.0, math.nan, 500.0], [300.0, 400.0, 500.0]])
    assert math.isnan(s.mean_lx[0])
    assert math.isnan(s.u0[0])
    assert math.isnan(s.min_lx[0])
    assert str(s.reason[0]) == "1 of 3 points missing"
    assert s.mean_lx[1] == 400.0
    assert s.reason[1] is None
    zero = grids.illuminance_stats([0.0, 0.0])
    assert math.isnan(float(zero.u0))
    assert "uniformity undefined" in str(zero.reason.item())


def test_stats_refuse_negative_infinite_and_bad_weights() -> None:
    """Over-range or impossible values are errors, never numbers."""
    with pytest.raises(InputError, match="negative illuminance"):
        grids.illuminance_stats([300.0, -1.0])
    with pytest.raises(InputError, match="infinite"):
        grids.illuminance_stats([300.0, math.inf])
    with pytest.raises(InputError, match="weights"):
        grids.illuminance_stats([300.0, 200.0], [1.0])
    with pytest.raises(InputError, match="weights"):
        grids.illuminance_stats([300.0, 200.0], [1.0, -1.0])


grid_values = hnp.arrays(
    np.float64,
    st.tuples(st.integers(1, 5), st.integers(1, 30)),
    # illuminance meters resolve 0.01 lx: values are 0 or at least 1e-3 lx (no subnormal floats,
    # whose products underflow to 0 and would test float arithmetic, not the statistic)
    elements=st.one_of(st.just(0.0), st.floats(min_value=1e-3, max_value=5000.0)),
)


@settings(max_examples=80, deadline=None)
@given(
    values=grid_values, scale=st.floats(min_value=0.01, max_value=100.0), seed=st.integers(0, 999)
)
def test_stats_properties(values: np.ndarray, scale: float, seed: int) -> None:
    """Properties (issue 6): U0 ∈ [0, 1]; scale invariance; permutation invariance;
    batched equals looped."""
    s = grids.illuminance_stats(values)
    ok = np.isfinite(s.u0)
    assert np.all((s.u0[ok] >= 0) & (s.u0[ok] <= 1 + 1e-12))
    assert np.all((s.u_min_max[ok] >= 0) & (s.u_min_max[ok] <= s.u0[ok] + 1e-12))
    scaled = grids.illuminance_stats(values * scale)
    np.testing.assert_allclose(scaled.u0, s.u0, rtol=1e-9)
    np.testing.assert_allclose(scaled.mean_lx, s.mean_lx * scale, rtol=1e-9)
    order = np.random.default_rng(seed).permutation(values.shape[-1])
    permuted = grids.illuminance_stats(values[:, order])
    np.testing.assert_allclose(permuted.mean_lx, s.mean_lx, rtol=1e-12)
    np.testing.assert_array_equal(permuted.min_lx, s.min_lx)
    for i, row in enumerate(values):
        one = grids.illuminance_stats(row)
        assert float(one.mean_lx) == pytest.approx(s.mean_lx[i], rel=1e-12)
        np.testing.assert_equal(float(one.u0), s.u0[i])
    np.testing.assert_allclose(
        grids.illuminance_stats(values.T, axis=0).mean_lx, s.mean_lx, rtol=1e-12
    )


def test_daylight_subtraction() -> None:
    """Test laboratories' acceptance practice: lights-on minus lights-off per point; a negative
    difference is refused."""
    np.testing.assert_allclose(
        grids.daylight_subtract([520.0, 480.0, math.nan], [120.0, 80.0, 50.0]),
        [400.0, 400.0, math.nan],
    )
    with pytest.raises(InputError, match=r"point\(s\) 1: daylight changed"):
        grids.daylight_subtract([520.0, 80.0], [120.0, 100.0])


def test_initial_required() -> None:
    """Jiangsu 2021 操作规程: 300 lx / MF 0.8 = 375 lx; 500 / 0.8 = 625."""
    np.testing.assert_allclose(grids.initial_required([300.0, 500.0], 0.8), [375.0, 625.0])
    with pytest.raises(InputError, match="maintenance_factor"):
        grids.initial_required(300.0, 1.2)


# ---------------------------------------------------------------------------- U0 in floating point
_POSITIVE = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)


@given(value=_POSITIVE, n=st.integers(min_value=1, max_value=60))
def test_u0_of_equal_values_is_exactly_one(value: float, n: int) -> None:
    stats = grids.illuminance_stats(np.full(n, value))
    assert stats.u0 == 1.0
    assert stats.u_min_max == 1.0


def test_u0_of_512_lx_over_the_blackboard_is_one() -> None:
    """A constant meter (emu://t-10a?lux=512) over a 6-point board gave 1.0000000000000002."""
    assert grids.illuminance_stats(np.full(6, 512.0)).u0 == 1.0
    corner = grids.illuminance_stats(np.full((3, 9), 512.0), [1, 2, 1, 2, 4, 2, 1, 2, 1])
    assert np.all(corner.u0 == 1.0)


@given(values=st.lists(_POSITIVE, min_size=1, max_size=60))
def test_u0_of_positive_values_is_in_0_1(values: list[float]) -> None:
    stats = grids.illuminance_stats(values)
    assert 0.0 < stats.u0 <= 1.0
    assert stats.u0 == pytest.approx(min(values) / stats.mean_lx, rel=1e-12)


@given(
    values=st.lists(_POSITIVE, min_size=4, max_size=4),
    weights=st.lists(st.floats(min_value=0.1, max_value=4.0), min_size=4, max_size=4),
)
def test_weighted_u0_is_in_0_1(values: list[float], weights: list[float]) -> None:
    stats = grids.illuminance_stats(values, weights)
    assert 0.0 < stats.u0 <= 1.0
