"""Tests of luxcheck.kernels.power: lighting power density and room index."""

from __future__ import annotations

import numpy as np
import pytest

from luxcheck.errors import InputError
from luxcheck.kernels import power


def test_lpd_definition() -> None:
    """GB/T 50034-2024 2.0.61: general-lighting input power / floor area (330 W, 9 × 7.2 m)."""
    assert float(power.lpd_w_per_m2(330.0, 64.8)) == pytest.approx(330 / 64.8)
    np.testing.assert_allclose(power.lpd_w_per_m2([330.0, 0.0], [64.8, 50.0]), [330 / 64.8, 0.0])
    with pytest.raises(InputError, match="floor_area_m2"):
        power.lpd_w_per_m2(330.0, 0.0)
    with pytest.raises(InputError, match="general_power_w"):
        power.lpd_w_per_m2(-1.0, 60.0)


def test_room_index_equals_gb50034_2s_over_hl() -> None:
    """GB/T 50034-2024 2.0.62: RI = 2S/(h·L) (S area, L perimeter) = L·W/(h·(L + W))."""
    length, width, h = 9.0, 7.2, 2.1
    expected = 2 * length * width / (h * 2 * (length + width))
    assert float(power.room_index(length, width, h)) == pytest.approx(expected)
    assert float(power.room_index(10.0, 10.0, 2.5)) == pytest.approx(2.0)
    with pytest.raises(InputError, match="height_above_plane_m"):
        power.room_index(9.0, 7.2, 0.0)
