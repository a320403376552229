"""Illuminance grid statistics: mean, minimum, maximum and uniformities of point grids.

Statistics (GB/T 50034-2024 2.0.39 for U0; GB/T 5700-2008 for the weights of the four-corner
method): Ē = Σ wᵢ·Eᵢ / Σ wᵢ (wᵢ = 1 for the centre-point method; 1, 2, 4 for the corner, edge and
interior points of the four-corner method), U0 = Emin / Ē and, where a pack asks for it,
Emin / Emax. A missing point makes the statistic not-measured (NaN with a reason), never a smaller
grid.

The point plans a room's grids follow, and the metric ids of the statistics, are the analysis's
(:mod:`luxcheck.analysis.grids`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from luxcheck.errors import InputError
from luxcheck.messages import Message, _n

FloatArray = npt.NDArray[np.float64]


# ---------------------------------------------------------------------------- statistics
@dataclass(frozen=True)
class IlluminanceStats:
    """Grid statistics over the leading axes of the input.

    ``reason`` is None where the statistics are valid, else a :class:`~luxcheck.messages.Message`
    saying why they are NaN (e.g. "3 of 56 points missing").
    """

    mean_lx: FloatArray
    min_lx: FloatArray
    max_lx: FloatArray
    u0: FloatArray
    u_min_max: FloatArray
    n_points: int
    n_missing: npt.NDArray[np.int_]
    reason: npt.NDArray[np.object_]


def check_illuminance(values: FloatArray, name: str) -> None:
    """Refuse infinite or negative illuminances (NaN, a missing point, is allowed)."""
    if np.any(np.isinf(values)):
        raise InputError(
            "infinite illuminance: expected finite values or NaN (missing)", column=name
        )
    finite = values[np.isfinite(values)]
    if finite.size and np.any(finite < 0):
        index = int(np.flatnonzero(np.nan_to_num(values.ravel(), nan=0.0) < 0)[0])
        raise InputError(
            f"negative illuminance {values.ravel()[index]:g} lx at flat position {index}",
            column=name,
        )


def illuminance_stats(
    illuminance_lx: npt.ArrayLike,
    weights: npt.ArrayLike | None = None,
    *,
    axis: int = -1,
) -> IlluminanceStats:
    """Compute mean, min, max, U0 = Emin/Ē and Emin/Emax of illuminance grids.

    Parameters
    ----------
    illuminance_lx
        Point illuminances, shape (..., n) [lx]; NaN marks a missing point.
    weights
        Weights of the points in the mean, shape (n,) (e.g. the weights of a
        four-corner plan); default equal weights.
    axis
        The point axis.

    Returns
    -------
    IlluminanceStats
        Every statistic of a grid with a missing point is NaN, with the reason
        "k of n points missing". A grid whose mean is 0 lx has NaN uniformities.

    Raises
    ------
    InputError
        A negative or infinite illuminance, or weights of the wrong shape or sign.

    References
    ----------
    GB/T 50034-2024 2.0.39 (U0); GB/T 5700-2008 (point weights of the four-corner method).
    """
    values = np.moveaxis(np.asarray(illuminance_lx, dtype=float), axis, -1)
    if values.ndim == 0 or values.shape[-1] == 0:
        raise InputError("expected at least one point", column="illuminance_lx")
    check_illuminance(values, "illuminance_lx")
    n = values.shape[-1]
    if weights is None:
        w = np.full(n, 1.0 / n)
    else:
        w = np.asarray(weights, dtype=float)
        if w.shape != (n,):
            raise InputError(f"expected {n} weights, got shape {w.shape}", column="weights")
        if np.any(~np.isfinite(w)) or np.any(w < 0) or not w.sum() > 0:
            raise InputError("expected finite weights ≥ 0 with a positive sum", column="weights")
        w = w / w.sum()
    missing = np.isnan(values)
    n_missing = missing.sum(axis=-1)
    bad = n_missing > 0
    mean = np.where(bad, np.nan, np.nansum(values * w, axis=-1))
    filled = np.where(missing, np.nan, values)
    with np.errstate(invalid="ignore", divide="ignore"):
        lo = np.where(bad, np.nan, np.min(np.where(missing, np.inf, filled), axis=-1))
        hi = np.where(bad, np.nan, np.max(np.where(missing, -np.inf, filled), axis=-1))
        # U0 = Σw / Σ w·(E/Emin), the same ratio as Emin/Ē: every E/Emin is ≥ 1 exactly in
        # floating point and both sums add the same number of terms in the same order, so
        # U0 ≤ 1 holds (rounding is monotonic) and equal values give exactly 1 (Emin/Ē itself
        # can come out as 1.0000000000000002)
        wide = np.broadcast_to(w, filled.shape)
        ratio_sum = np.sum(filled / np.where(lo > 0, lo, 1.0)[..., None] * wide, axis=-1)
        u0 = np.where(
            mean > 0,
            np.where(lo > 0, np.sum(wide, axis=-1) / ratio_sum, lo / np.where(mean > 0, mean, 1.0)),
            np.nan,
        )
        umm = np.where(hi > 0, lo / np.where(hi > 0, hi, 1.0), np.nan)
    reason = np.full(np.shape(n_missing), None, dtype=object)
    for index, k in np.ndenumerate(n_missing):
        if k:
            reason[index] = Message(_n("{k} of {n} points missing"), k=int(k), n=n)
        elif mean[index] == 0:
            reason[index] = Message(_n("mean illuminance is 0 lx: uniformity undefined"))
    return IlluminanceStats(
        mean_lx=np.asarray(mean, dtype=float),
        min_lx=np.asarray(lo, dtype=float),
        max_lx=np.asarray(hi, dtype=float),
        u0=np.asarray(u0, dtype=float),
        u_min_max=np.asarray(umm, dtype=float),
        n_points=n,
        n_missing=np.asarray(n_missing),
        reason=reason,
    )


def daylight_subtract(lights_on_lx: npt.ArrayLike, lights_off_lx: npt.ArrayLike) -> FloatArray:
    """Get the electric-lighting illuminance: lights-on minus lights-off, point by point [lx].

    The inspector measures each point with the lights on and again with them off (daylight
    only); the difference is the installation's contribution (GB/T 5700-2008
    practice for rooms with daylight).
    NaN (a missing reading) stays NaN.

    Raises
    ------
    InputError
        A point where lights-off exceeds lights-on (daylight changed between the readings): the
        point must be re-measured; it is never clipped to 0.
    """
    on = np.asarray(lights_on_lx, dtype=float)
    off = np.asarray(lights_off_lx, dtype=float)
    if on.shape != off.shape:
        raise InputError(
            f"lights-on shape {on.shape} differs from lights-off shape {off.shape}",
            column="lights_off_lx",
        )
    check_illuminance(on, "lights_on_lx")
    check_illuminance(off, "lights_off_lx")
    diff = on - off
    negative = np.flatnonzero(np.nan_to_num(diff.ravel(), nan=0.0) < 0)
    if negative.size:
        points = ", ".join(str(int(i)) for i in negative[:10])
        raise InputError(
            f"lights-off exceeds lights-on at point(s) {points}: daylight changed between the "
            "readings; re-measure these points",
            column="lights_off_lx",
        )
    return np.asarray(diff, dtype=float)


def initial_required(maintained_lx: npt.ArrayLike, maintenance_factor: npt.ArrayLike) -> FloatArray:
    """Get the initial illuminance a new installation must reach: Ē_maintained / MF [lx].

    For packs whose acceptance policy compares initial readings with maintained values divided
    by the maintenance factor (e.g. Jiangsu 2021: 300 lx / 0.8 = 375 lx). The
    maintained value and MF come from the pack, never from code.
    """
    m = np.asarray(maintained_lx, dtype=float)
    mf = np.asarray(maintenance_factor, dtype=float)
    if np.any(~np.isfinite(mf)) or np.any((mf <= 0) | (mf > 1)):
        raise InputError("expected a maintenance factor 0 < MF ≤ 1", column="maintenance_factor")
    return np.asarray(m / mf, dtype=float)
