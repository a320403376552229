"""Tests of luxcheck.kernels.sdcm: colour consistency in MacAdam steps (moved with the code from
tests/kernels/test_colorimetry.py). colour-science 0.4.7 has no SDCM or IEC 60081 ellipse
function, so the oracles are analytic (a point on the n-step ellipse boundary is n SDCM) and
the MacAdam (1942) data it ships."""

from __future__ import annotations

import numpy as np
import pytest
from colour.models.datasets.macadam_ellipses import DATA_MACADAM_1942_ELLIPSES

from luxcheck.errors import InputError
from luxcheck.kernels import cie_tables as tables
from luxcheck.kernels.sdcm import colour_consistency_sdcm, iec60081_ellipse

_ELLIPSE_4000K = DATA_MACADAM_1942_ELLIPSES[13]  # centre (0.385, 0.393)


@pytest.mark.parametrize("n_steps", [1.0, 3.0, 5.0])
def test_sdcm_counts_macadam_steps_along_an_ellipse(n_steps: float) -> None:
    """At a MacAdam (1942) ellipse centre, a luminaire n semi-axes away is n steps, along both
    axes (analytic, Wyszecki & Stiles Table 2(5.4.1) 'calculated' axes)."""
    cx, cy, a, b, theta = (
        *_ELLIPSE_4000K[:2],
        *(_ELLIPSE_4000K[5:7] * 1e-3),
        np.radians(_ELLIPSE_4000K[7]),
    )
    major = np.array([np.cos(theta), np.sin(theta)]) * a * n_steps
    minor = np.array([-np.sin(theta), np.cos(theta)]) * b * n_steps
    x = np.array([cx + major[0], cx + minor[0]])
    y = np.array([cy + major[1], cy + minor[1]])
    res = colour_consistency_sdcm(x, y, centre_xy=(cx, cy), ellipses="macadam1942")
    np.testing.assert_allclose(res.steps, [n_steps, n_steps], rtol=1e-9)
    assert res.sdcm == pytest.approx(n_steps)


def test_sdcm_of_identical_luminaires_is_zero_and_uses_the_group_mean() -> None:
    """Like luminaires with one chromaticity are 0 SDCM apart; the centre is the group mean."""
    res = colour_consistency_sdcm([0.38, 0.38, 0.38], [0.377, 0.377, 0.377])
    assert res.sdcm == pytest.approx(0.0, abs=1e-9)
    assert res.centre_xy == pytest.approx((0.38, 0.377))
    spread = colour_consistency_sdcm([0.379, 0.381], [0.377, 0.377])
    assert spread.steps[0] == pytest.approx(spread.steps[1])
    assert 0 < spread.sdcm < 5


@pytest.mark.parametrize(
    ("x", "y"),
    [
        ([0.38], [0.38]),
        ([0.38, np.nan], [0.38, 0.38]),
        ([0.38, 0.39], [0.38]),
        ([0.8, 0.3], [0.3, 0.3]),
    ],
)
def test_sdcm_bad_input(x: list[float], y: list[float]) -> None:
    """One luminaire without a centre, NaN, mismatched lengths or an impossible xy: InputError."""
    with pytest.raises(InputError):
        colour_consistency_sdcm(x, y)


def _nominal(cct: float) -> tuple[float, float, np.ndarray]:
    table = tables.load_table(tables.IEC60081_ELLIPSES)
    i = int(np.flatnonzero(table.column("nominal_cct_K") == cct)[0])
    g11, g12, g22 = (table.column(c)[i] * 1e4 for c in ("g11_1e4", "g12_1e4", "g22_1e4"))
    return table.column("x")[i], table.column("y")[i], np.array([[g11, g12], [g12, g22]])


@pytest.mark.parametrize("nominal", [6500.0, 5000.0, 4000.0, 3500.0, 3000.0, 2700.0])
@pytest.mark.parametrize("n_steps", [1.0, 3.0, 5.0, 7.0])
def test_a_point_on_the_n_step_iec_ellipse_boundary_is_n_sdcm(
    nominal: float, n_steps: float
) -> None:
    """Analytic: on the boundary of the n-step ellipse of an IEC 60081 nominal colour
    (g11·Δx² + 2·g12·ΔxΔy + g22·Δy² = n²), in any direction, a luminaire is n SDCM from the
    nominal centre; with the centre given, the group value is n."""
    cx, cy, g = _nominal(nominal)
    phi = np.radians(np.arange(0.0, 360.0, 15.0))
    u = np.stack([np.cos(phi), np.sin(phi)])
    t = n_steps / np.sqrt(np.einsum("in,ij,jn->n", u, g, u))
    x, y = cx + t * u[0], cy + t * u[1]
    res = colour_consistency_sdcm(x, y, centre_xy=(cx, cy))
    assert res.nominal_cct_K == nominal
    np.testing.assert_allclose(res.steps, n_steps, rtol=1e-9)
    assert res.steps_from_nominal is not None
    np.testing.assert_allclose(res.steps_from_nominal, n_steps, rtol=1e-9)
    assert res.sdcm == pytest.approx(n_steps, rel=1e-9)


def test_two_luminaires_symmetric_about_the_mean_are_half_their_distance_each() -> None:
    """Analytic: two luminaires at the mean ± d (d on the 2-step boundary of F4000) are 2 SDCM
    from their mean each (the mean is the centre: 色容差 against the batch mean)."""
    cx, cy, g = _nominal(4000.0)
    u = np.array([1.0, 0.3]) / np.hypot(1.0, 0.3)
    d = 2.0 / np.sqrt(u @ g @ u) * u
    res = colour_consistency_sdcm([cx + d[0], cx - d[0]], [cy + d[1], cy - d[1]])
    assert res.centre_xy == pytest.approx((cx, cy))
    np.testing.assert_allclose(res.steps, [2.0, 2.0], rtol=1e-9)


@pytest.mark.parametrize(
    ("xy", "nominal"),
    [
        ((0.3127, 0.3290), 6500.0),  # D65 chromaticity, 6504 K
        ((0.3805, 0.3768), 4000.0),  # about 3990 K on the locus
        ((0.4000, 0.3900), 3500.0),  # about 3710 K: nearer 3500 K than 4000 K in mired
        ((0.4476, 0.4074), 3000.0),  # CIE illuminant A is 2856 K: nearer 3000 K than 2700 K
    ],
)
def test_the_nominal_colour_is_the_nearest_by_cct(xy: tuple[float, float], nominal: float) -> None:
    """The ellipse is that of the IEC 60081 nominal colour nearest the group centre's CCT in
    mired (property of the rule; CCT by Ohno 2013)."""
    assert iec60081_ellipse(*xy)[0] == nominal


def test_iec_and_macadam_1942_ellipses_agree_in_size_near_4000_k() -> None:
    """The IEC 60081 F4000 ellipse and MacAdam's (1942) data near (0.385, 0.393) are the same
    phenomenon: a 0.003 step along x measures within 25 % of each other (Wyszecki & Stiles
    Table 2(5.4.1); IEC 60081's ellipses derive from MacAdam's)."""
    x, y = [0.3785, 0.3815], [0.380, 0.380]
    iec = colour_consistency_sdcm(x, y).sdcm
    mac = colour_consistency_sdcm(x, y, ellipses="macadam1942").sdcm
    assert iec == pytest.approx(mac, rel=0.25)
