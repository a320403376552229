"""Tests of luxcheck.kernels.glare: position index, UGR kernels, CIE 190 background, room UGR."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luxcheck.errors import InputError
from luxcheck.kernels import glare

DATA = Path(__file__).parents[1] / "data" / "photometry"


def _csv(name: str) -> tuple[list[str], np.ndarray]:
    lines = [ln for ln in (DATA / name).read_text().splitlines() if not ln.startswith("#")]
    header = lines[0].split(",")
    return header, np.array([[float(v) for v in ln.split(",")] for ln in lines[1:]])


# ---------------------------------------------------------------------------- position index
@pytest.mark.parametrize(
    ("t_over_r", "h_over_r", "expected"),
    [
        (0.0, 0.0, 1.00),
        (0.0, 0.5, 2.86),
        (0.0, 1.0, 7.00),
        (0.0, 1.5, 13.15),
        (0.5, 0.5, 2.91),
        (1.0, 0.0, 2.11),
        (1.0, 1.0, 7.00),
        (2.0, 1.0, 8.90),
        (3.0, 0.0, 4.22),
    ],
)
def test_position_index_matches_printed_cells(
    t_over_r: float, h_over_r: float, expected: float
) -> None:
    """GB/T 50034-2024 Table A.0.1-1 sample cells as printed."""
    p, flag = glare.position_index_flagged(t_over_r, h_over_r)
    assert float(p) == pytest.approx(expected, abs=1e-9)
    assert not bool(flag)


@pytest.mark.parametrize(
    ("t_over_r", "h_over_r", "expected"),
    [
        (0.0, 0.5, 2.86),
        (0.0, 1.0, 7.06),
        (0.0, 1.5, 13.19),
        (0.5, 0.5, 2.92),
        (1.0, 0.0, 2.05),
        (1.0, 1.0, 7.03),
        (2.0, 1.0, 8.30),
        (3.0, 0.0, 4.67),
    ],
)
def test_levin_closed_form(t_over_r: float, h_over_r: float, expected: float) -> None:
    """Radiance glarendx.c closed form (LBNL-ETA/Radiance src/util/glarendx.c)."""
    assert float(glare.levin_position_index(t_over_r, h_over_r)) == pytest.approx(
        expected, abs=0.006
    )


def test_position_index_interpolates_bilinearly() -> None:
    """Analytic: the centre of a table cell is the mean of its four corners."""
    t, h, table = glare.position_table()
    p = glare.position_index(t[5] + 0.05, h[5] + 0.05)
    assert float(p) == pytest.approx(table[5:7, 5:7].mean(), rel=1e-12)
    # along one axis only
    assert float(glare.position_index(0.0, 0.05)) == pytest.approx((1.00 + 1.26) / 2)


def test_position_index_outside_table_uses_flagged_formula() -> None:
    """Issue 6 rule: closed form only outside the table (or next to a '-' cell), flagged."""
    tr = np.array([3.5, 0.0, 0.05, 1.0])
    hr = np.array([0.5, 1.85, 1.75, 2.5])
    p, flag = glare.position_index_flagged(tr, hr)
    assert flag.tolist() == [True, True, True, True]
    np.testing.assert_allclose(p, glare.levin_position_index(tr, hr))
    inside, inside_flag = glare.position_index_flagged(0.35, 1.15)
    assert not bool(inside_flag)
    assert float(inside) == pytest.approx((7.40 + 8.40 + 7.30 + 8.30) / 4)


def test_position_index_symmetric_in_t_and_nan_below_eye() -> None:
    """Property: p depends on |T/R|; sources below the eye have no CIE 117 position index."""
    assert float(glare.position_index(-1.3, 0.4)) == float(glare.position_index(1.3, 0.4))
    p, flag = glare.position_index_flagged(0.5, -0.1)
    assert math.isnan(float(p))
    assert not bool(flag)


def test_position_table_shape_and_order() -> None:
    """CIE 117 Table 4.1 layout: 31 T/R rows × 20 H/R columns, p ≥ 1, rising with H/R."""
    t, h, table = glare.position_table()
    assert table.shape == (31, 20)
    np.testing.assert_allclose(t, np.arange(31) / 10)
    np.testing.assert_allclose(h, np.arange(20) / 10)
    values = table[np.isfinite(table)]
    assert values.min() == 1.0
    for row in table:
        assert np.all(np.diff(row[np.isfinite(row)]) > 0)
    assert int(np.isnan(table).sum()) == 13


# ---------------------------------------------------------------------------- UGR kernels
def test_ugr_worked_example() -> None:
    """Analytic, CIE 117:1995 formula: L 5000 cd/m², ω 0.01 sr, p 1, L_b 40 cd/m² → 25.551."""
    value = glare.ugr([5000.0], [0.01], [1.0], 40.0)
    assert float(value) == pytest.approx(25.551, abs=5e-4)


def test_infinite_inputs_are_refused() -> None:
    """An infinite background luminance would give UGR = −∞, which reads as a pass of
    'UGR ≤ 19': infinite inputs are an InputError (NaN still means a missing value)."""
    with pytest.raises(InputError, match="finite"):
        glare.ugr([5000.0], [0.01], [1.0], math.inf)
    with pytest.raises(InputError, match="finite"):
        glare.ugr([math.inf], [0.01], [1.0], 40.0)
    assert math.isnan(float(glare.ugr([5000.0], [0.01], [1.0], math.nan)))


def test_small_source_equals_large_source_at_0_005_m2() -> None:
    """Analytic: 200·I²/r² = L²ω with A = 0.005 m² (L = I/A, ω = A/r²; GB/T A.0.1-1/-2)."""
    i = np.array([300.0, 120.0])
    r = np.array([2.5, 4.0])
    p = np.array([1.4, 3.2])
    small = glare.ugr_small_source(i, r, p, 12.0)
    area = 0.005
    large = glare.ugr(i / area, area / r**2, p, 12.0)
    assert float(small) == pytest.approx(float(large), rel=1e-12)


def test_ugr_refuses_bad_input() -> None:
    """Bad input is an InputError naming the argument, never a number."""
    with pytest.raises(InputError, match="luminance_cd_m2"):
        glare.ugr([-1.0], [0.01], [1.0], 10.0)
    with pytest.raises(InputError, match="background_luminance_cd_m2"):
        glare.ugr([100.0], [0.01], [1.0], 0.0)
    with pytest.raises(InputError, match="position_index"):
        glare.ugr([100.0], [0.01], [0.5], 10.0)
    with pytest.raises(InputError, match="indirect_illuminance_lx"):
        glare.background_luminance(-5.0)


def test_ugr_without_sources_is_nan() -> None:
    """No source in view: UGR undefined (NaN), not a low rating."""
    assert math.isnan(float(glare.ugr([0.0, 0.0], [0.01, 0.02], [1.0, 2.0], 10.0)))


sources = st.integers(min_value=1, max_value=8)
positive = st.floats(min_value=1.0, max_value=1e5)


@settings(max_examples=60, deadline=None)
@given(
    n=sources,
    seed=st.integers(0, 2**31 - 1),
    factor=st.floats(min_value=1.01, max_value=100.0),
)
def test_ugr_rises_with_luminance_and_falls_with_background(
    n: int, seed: int, factor: float
) -> None:
    """Property (issue 6): scaling L by k adds 16·log10 k; scaling L_b by k subtracts 8·log10 k."""
    rng = np.random.default_rng(seed)
    lum = rng.uniform(100, 20000, n)
    omega = rng.uniform(1e-4, 0.05, n)
    p = rng.uniform(1.0, 15.0, n)
    lb = rng.uniform(5, 100)
    base = float(glare.ugr(lum, omega, p, lb))
    brighter = float(glare.ugr(lum * factor, omega, p, lb))
    darker_bg = float(glare.ugr(lum, omega, p, lb * factor))
    assert brighter > base
    assert brighter - base == pytest.approx(16 * math.log10(factor), rel=1e-9)
    assert darker_bg < base
    assert base - darker_bg == pytest.approx(8 * math.log10(factor), rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(n=sources, rooms=st.integers(1, 6), seed=st.integers(0, 2**31 - 1))
def test_ugr_batched_equals_looped_and_permutation_invariant(n: int, rooms: int, seed: int) -> None:
    """Property (issue 6): batched over rooms equals a loop; source order does not matter."""
    rng = np.random.default_rng(seed)
    lum = rng.uniform(100, 20000, (rooms, n))
    omega = rng.uniform(1e-4, 0.05, (rooms, n))
    p = rng.uniform(1.0, 15.0, (rooms, n))
    lb = rng.uniform(5, 100, rooms)
    batched = glare.ugr(lum, omega, p, lb)
    looped = [float(glare.ugr(lum[i], omega[i], p[i], lb[i])) for i in range(rooms)]
    np.testing.assert_allclose(batched, looped, rtol=1e-12)
    order = rng.permutation(n)
    np.testing.assert_allclose(
        glare.ugr(lum[:, order], omega[:, order], p[:, order], lb), batched, rtol=1e-12
    )
    # the source axis can be any axis
    np.testing.assert_allclose(glare.ugr(lum.T, omega.T, p.T, lb, axis=0), batched, rtol=1e-12)


# ---------------------------------------------------------------------------- CIE 190 background
def test_transfer_factors_reproduce_cie190_table5() -> None:
    """CIE 190:2010 Table 5 (19 rooms × 5 reflectance sets) by three-surface flux transfer."""
    _, table = _csv("cie190_table5_ft.csv")
    x, y, rc, rw, rf = (table[:, i] for i in range(5))
    ft = glare.transfer_factors(x, y, 1.0, rc, rw, rf)
    for computed, published in zip(ft, (table[:, 5], table[:, 6], table[:, 7]), strict=True):
        np.testing.assert_allclose(computed, published, atol=0.0015)


def test_transfer_factors_without_reflection() -> None:
    """Analytic: black surfaces transfer nothing (F_T,FW = F_T,WW − 1 = F_T,CW = 0)."""
    for value in glare.transfer_factors(7.2, 9.0, 1.65, 0.0, 0.0, 0.0):
        assert float(value) == pytest.approx(0.0, abs=1e-15)
    with pytest.raises(InputError, match="rho_walls"):
        glare.transfer_factors(7.2, 9.0, 1.65, 0.7, 1.0, 0.2)


def test_flux_distribution_factors_interpolate_and_refuse_outside() -> None:
    """CIE 190 Table 4 rows reproduce at their k; between them linear; outside 1.0–4.8 NaN."""
    np.testing.assert_allclose(glare.flux_distribution_factors(2.67), [0.28, 0.165, 0.499, 0.006])
    mid = glare.flux_distribution_factors(2.2)
    np.testing.assert_allclose(
        mid, (np.array([0.338, 0.257, 0.351, -0.018]) + np.array([0.296, 0.203, 0.449, -0.006])) / 2
    )
    assert np.all(np.isnan(glare.flux_distribution_factors([0.8, 5.0])))
