"""Lighting power density and room index.

LPD = input power of the general-lighting luminaires (lamps, drivers, ballasts) / floor area
(GB/T 50034-2024 2.0.61; standards.md §4.5). Blackboard lamps are excluded by construction:
callers pass the general circuit only, or the total and the board circuit separately
(:func:`general_lighting_power_w`).

Room index RI = L·W / (h·(L + W)) = 2S / (h·P) with S the floor area and P the perimeter
(GB/T 50034-2024 2.0.62), h the luminaire height above the reference plane. Packs use it for the
LPD correction of small rooms (RI ≤ 1, GB 55015, R); the threshold and the correction are pack
data, not code.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from luxcheck.errors import InputError
from luxcheck.model import Classroom, PowerReading

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
    GB/T 50034-2024 2.0.61; GB 7793-2010; [P-localtab] (board lamps excluded).
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


def general_lighting_power_w(readings: Iterable[PowerReading]) -> tuple[float, str]:
    """Get the general-lighting input power from a room's power readings [W].

    ``general`` readings are summed (one per circuit). Without one, ``total − board`` is used
    when both were measured. A ``total`` alone cannot separate the blackboard lamps: NaN with a
    reason. Readings must already be the current ones (superseded and voided ones resolved).

    Returns
    -------
    (power_w, reason)
        ``reason`` is "" when the power is determined.

    Raises
    ------
    InputError
        The board power exceeds the total.
    """
    readings = list(readings)  # read three times below; a generator would be empty after one
    general = [r.power_w for r in readings if r.circuit == "general"]
    board = [r for r in readings if r.circuit == "board"]
    total = [r for r in readings if r.circuit == "total"]
    if general:
        return float(sum(general)), ""
    if total and board:
        t = sum(r.power_w for r in total)
        b = sum(r.power_w for r in board)
        if b > t:
            raise InputError(
                f"blackboard-lamp power {b:g} W exceeds the total {t:g} W "
                f"(readings {', '.join(r.reading_id for r in board + total)})",
                column="power_w",
            )
        return float(t - b), ""
    if total:
        return (
            math.nan,
            "not measured: only the total power was measured; blackboard lamps cannot be excluded",
        )
    return math.nan, "not measured: no power reading"


def power_metrics(
    classroom: Classroom,
    readings: Iterable[PowerReading],
    *,
    reference_plane_m: float | None = None,
) -> tuple[dict[str, float], dict[str, str]]:
    """Get ``lpd_w_per_m2`` and ``room_index`` of a classroom.

    The room index uses the luminaire mounting height above the desk plane (``desk_height_m``,
    or ``reference_plane_m`` if given); NaN with a reason when the mounting height is unknown.

    Returns
    -------
    (values, reasons)
        Metric id → value, and metric id → why it is NaN.
    """
    readings = list(readings)
    values: dict[str, float] = {}
    reasons: dict[str, str] = {}
    power, reason = general_lighting_power_w(readings)
    if math.isfinite(power):
        values["lpd_w_per_m2"] = float(lpd_w_per_m2(power, classroom.floor_area_m2))
    else:
        values["lpd_w_per_m2"] = math.nan
        reasons["lpd_w_per_m2"] = reason
    plane = classroom.desk_height_m if reference_plane_m is None else reference_plane_m
    mh = classroom.luminaire_mounting_height_m
    if mh is None:
        values["room_index"] = math.nan
        reasons["room_index"] = "not measured: luminaire mounting height not given"
    elif mh <= plane:
        raise InputError(
            f"luminaire mounting height {mh:g} m is not above the reference plane {plane:g} m",
            column="luminaire_mounting_height_m",
        )
    else:
        values["room_index"] = float(room_index(classroom.length_m, classroom.width_m, mh - plane))
    return values, reasons
