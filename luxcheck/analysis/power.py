"""A classroom's lighting power density and room index from its power readings.

LPD = input power of the general-lighting luminaires / floor area (GB/T 50034-2024 2.0.61);
blackboard lamps are excluded (:func:`general_lighting_power_w`). Room index with the luminaire
height above the desk plane (GB/T 50034-2024 2.0.62). The formulas are the kernel's
(:mod:`luxcheck.kernels.power`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from luxcheck.errors import InputError
from luxcheck.kernels.power import lpd_w_per_m2, room_index
from luxcheck.messages import Message, _n, not_measured
from luxcheck.model import Classroom, PowerReading


def general_lighting_power_w(readings: Iterable[PowerReading]) -> tuple[float, Message | None]:
    """Get the general-lighting input power from a room's power readings [W].

    ``general`` readings are summed (one per circuit). Without one, ``total − board`` is used
    when both were measured. A ``total`` alone cannot separate the blackboard lamps: NaN with a
    reason. Readings must already be the current ones (superseded and voided ones resolved).

    Returns
    -------
    (power_w, reason)
        ``reason`` (a message) is None when the power is determined.

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
        return float(sum(general)), None
    if total and board:
        t = sum(r.power_w for r in total)
        b = sum(r.power_w for r in board)
        if b > t:
            raise InputError(
                f"blackboard-lamp power {b:g} W exceeds the total {t:g} W "
                f"(readings {', '.join(r.reading_id for r in board + total)})",
                column="power_w",
            )
        return float(t - b), None
    if total:
        return math.nan, not_measured(
            Message(_n("only the total power was measured; blackboard lamps cannot be excluded"))
        )
    return math.nan, not_measured(Message(_n("no power reading")))


def power_metrics(
    classroom: Classroom,
    readings: Iterable[PowerReading],
    *,
    reference_plane_m: float | None = None,
) -> tuple[dict[str, float], dict[str, Message]]:
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
    reasons: dict[str, Message] = {}
    power, reason = general_lighting_power_w(readings)
    if reason is None:
        values["lpd_w_per_m2"] = float(lpd_w_per_m2(power, classroom.floor_area_m2))
    else:
        values["lpd_w_per_m2"] = math.nan
        reasons["lpd_w_per_m2"] = reason
    plane = classroom.desk_height_m if reference_plane_m is None else reference_plane_m
    mh = classroom.luminaire_mounting_height_m
    if mh is None:
        values["room_index"] = math.nan
        reasons["room_index"] = not_measured(Message(_n("luminaire mounting height not given")))
    elif mh <= plane:
        raise InputError(
            f"luminaire mounting height {mh:g} m is not above the reference plane {plane:g} m",
            column="luminaire_mounting_height_m",
        )
    else:
        values["room_index"] = float(room_index(classroom.length_m, classroom.width_m, mh - plane))
    return values, reasons
