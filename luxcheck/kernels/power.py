"""Lighting power density and room index.

LPD = input power of the general-lighting luminaires (lamps, drivers, ballasts) / floor area
(GB/T 50034-2024 2.0.61). Blackboard lamps are excluded by the caller, which passes the
general-lighting power only (:func:`luxcheck.analysis.power.general_lighting_power_w`).

Room index RI = L·W / (h·(L + W)) = 2S / (h·P) with S the floor area and P the perimeter
(GB/T 50034-2024 2.0.62), h the luminaire height above the reference plane. Packs use it for the
LPD correction of small rooms (RI ≤ 1, GB 55015-2021); the threshold and the correction are pack
data, not code.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from luxcheck.errors import InputError

FloatArray = npt.NDArray[np.float64]


def _array(value: npt.ArrayLike, name: str, *, strict: bool) -> FloatArray:
    arr = np.asarray(value, dtype=float)
    if np.any(~np.isfinite(arr)):
        raise InputError("expected finite numbers", column=name)
    if np.any(arr <= 0) if strict else np.any(arr < 0):
        raise InputError(f"expected values {'> 0' if strict else '≥ 0'}", column=name)
    return arr


def lpd_w_per_m2(general_power_w: npt.ArrayLike, floor_area_m2: npt.ArrayLike) -> FloatArray:
    """Compute the lighting power density [W/m²].

    Parameters
    ----------
    general_power_w
        Input power of the general-lighting circuit [W], ≥ 0 (blackboard lamps excluded).
    floor_area_m2
        Floor area [m²], > 0.

    References
    ----------
    GB/T 50034-2024 2.0.61; GB 7793-2010 (board lamps excluded).
    """
    p = _array(general_power_w, "general_power_w", strict=False)
    a = _array(floor_area_m2, "floor_area_m2", strict=True)
    return np.asarray(p / a, dtype=float)


def room_index(
    length_m: npt.ArrayLike, width_m: npt.ArrayLike, height_above_plane_m: npt.ArrayLike
) -> FloatArray:
    """Compute the room index RI = L·W / (h·(L + W)) [1] (GB/T 50034-2024 2.0.62).

    Parameters
    ----------
    length_m, width_m
        Room length and width [m], > 0.
    height_above_plane_m
        Luminaire height above the reference (desk) plane [m], > 0.
    """
    length = _array(length_m, "length_m", strict=True)
    width = _array(width_m, "width_m", strict=True)
    h = _array(height_above_plane_m, "height_above_plane_m", strict=True)
    return np.asarray(length * width / (h * (length + width)), dtype=float)
