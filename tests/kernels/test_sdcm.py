"""Tests of luxcheck.kernels.sdcm: colour consistency in MacAdam steps (moved with the code from
tests/kernels/test_colorimetry.py)."""

from __future__ import annotations

import numpy as np
import pytest
from colour.models.datasets.macadam_ellipses import DATA_MACADAM_1942_ELLIPSES

from luxcheck.errors import InputError
from luxcheck.kernels.sdcm import colour_consistency_sdcm

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
    res = colour_consistency_sdcm(x, y, centre_xy=(cx, cy))
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
