"""Colour consistency (SDCM, 色容差) between like luminaires: MacAdam steps from the group centre.

A luminaire's distance from the group centre, in the metric of a MacAdam ellipse, is its number
of steps (:func:`colour_consistency_sdcm` gives the method and its limits). The ellipse is, by
default, that of the nominal lamp colour nearest the group (IEC 60081 / GB/T 10682: F6500 …
F2700, shipped as ``luxcheck/data/iec60081_sdcm_ellipses.csv`` with their source and
confidence); MacAdam's (1942) own ellipses (MacAdam, D. L., JOSA 32(5):247-274, 1942; observer
PGN as tabulated in Wyszecki & Stiles, Color Science, 2nd ed., Table 2(5.4.1); shipped as
``luxcheck/data/macadam1942_ellipses.csv``) remain available for comparison.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from luxcheck.errors import InputError
from luxcheck.kernels import cie_tables as tables
from luxcheck.kernels.colorimetry import cct_duv_ohno2013

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class SdcmResult:
    """Colour consistency of a group of like luminaires.

    Attributes
    ----------
    sdcm
        The group's colour consistency: the largest distance of a luminaire from the centre, in
        MacAdam steps [SDCM].
    steps
        Each luminaire's distance from the centre [SDCM], shape (n,).
    centre_xy
        The centre used (the mean CIE 1931 xy of the luminaires unless one was given).
    metric
        The 2×2 MacAdam metric g (x, y) at the centre [1/Δxy²].
    nominal_cct_K
        The nominal colour whose ellipse gave the metric (IEC 60081: 6500 … 2700 K); NaN with
        MacAdam's (1942) ellipses.
    nominal_xy
        That nominal colour's centre (NaN, NaN with MacAdam's ellipses).
    steps_from_nominal
        Each luminaire's distance from the nominal centre [SDCM] (the rated-colour view; NaN
        with MacAdam's ellipses).
    """

    sdcm: float
    steps: FloatArray
    centre_xy: tuple[float, float]
    metric: FloatArray
    nominal_cct_K: float = math.nan
    nominal_xy: tuple[float, float] = (math.nan, math.nan)
    steps_from_nominal: FloatArray | None = None


#: The ellipse sets :func:`colour_consistency_sdcm` can measure steps with.
Ellipses = Literal["iec60081", "macadam1942"]


def iec60081_ellipse(x: float, y: float) -> tuple[float, tuple[float, float], FloatArray]:
    """The IEC 60081 nominal colour nearest a chromaticity, by CCT (in mired: 10⁶/T), with its
    centre and its 2×2 metric g [1/Δxy²] (``luxcheck/data/iec60081_sdcm_ellipses.csv``)."""
    table = tables.load_table(tables.IEC60081_ELLIPSES)
    d = -2 * x + 12 * y + 3
    cct, _ = cct_duv_ohno2013(np.array([4 * x / d]), np.array([6 * y / d]))
    mired = 1e6 / table.column("nominal_cct_K")
    i = int(np.argmin(np.abs(mired - 1e6 / float(cct[0]))))
    g11, g12, g22 = (table.column(c)[i] * 1e4 for c in ("g11_1e4", "g12_1e4", "g22_1e4"))
    g = np.array([[g11, g12], [g12, g22]])
    centre = (float(table.column("x")[i]), float(table.column("y")[i]))
    return float(table.column("nominal_cct_K")[i]), centre, g


def _steps(g: FloatArray, dx: FloatArray, dy: FloatArray) -> FloatArray:
    out: FloatArray = np.sqrt(g[0, 0] * dx**2 + 2 * g[0, 1] * dx * dy + g[1, 1] * dy**2)
    return out


def _macadam_metric(x: float, y: float) -> FloatArray:
    """MacAdam (1942) metric at (x, y): inverse-distance² mix of the 3 nearest ellipses."""
    mac = tables.load_table(tables.MACADAM).values
    cx, cy, a, b, theta = mac.T
    a = a * 1e-3
    b = b * 1e-3
    th = np.radians(theta)
    cos, sin = np.cos(th), np.sin(th)
    g11 = cos**2 / a**2 + sin**2 / b**2
    g22 = sin**2 / a**2 + cos**2 / b**2
    g12 = cos * sin * (1 / a**2 - 1 / b**2)
    d2 = (cx - x) ** 2 + (cy - y) ** 2
    nearest = np.argsort(d2)[:3]
    if d2[nearest[0]] == 0:
        w = np.zeros(3)
        w[0] = 1.0
    else:
        w = 1 / d2[nearest]
        w = w / w.sum()
    g = np.array(
        [
            [np.sum(w * g11[nearest]), np.sum(w * g12[nearest])],
            [np.sum(w * g12[nearest]), np.sum(w * g22[nearest])],
        ]
    )
    return g


def colour_consistency_sdcm(
    x: npt.ArrayLike,
    y: npt.ArrayLike,
    *,
    centre_xy: tuple[float, float] | None = None,
    ellipses: Ellipses = "iec60081",
) -> SdcmResult:
    """Colour consistency (SDCM, 色容差) between like luminaires of one room.

    Each luminaire's chromaticity is compared with the group centre (the mean xy, or a given
    rated centre) using a MacAdam ellipse metric; one step (1 SDCM) is one standard deviation
    of colour matching, and the group's value is the largest luminaire distance.

    Method and reasons. 色容差 is the deviation of each light source of a batch from the rated
    or the mean chromaticity of the batch, in SDCM; a group of like luminaires in a room has no
    rated centre the inspector can read, so the group mean is the centre. The metric is that of
    the IEC 60081 (GB/T 10682) ellipse of the nominal colour nearest the centre by CCT
    (:func:`iec60081_ellipse`: F6500, F5000, F4000, F3500, F3000, F2700; centres C1, ellipse
    coefficients recalled, to be confirmed — see the data file), as lamp meters report SDCM.
    ``ellipses="macadam1942"`` uses MacAdam's (1942) own ellipses instead (observer PGN,
    Wyszecki & Stiles Table 2(5.4.1), "calculated" semi-axes; the inverse-square-distance mix of
    the three nearest ellipse centres), which differ from the IEC ones by up to about 20 %.
    Nominal colours other than IEC 60081's (ANSI C78.377's 4500 K and 5700 K) have no ellipse
    here: a group between two nominal colours takes the nearer one's.

    Parameters
    ----------
    x, y
        CIE 1931 chromaticity of each luminaire, shape (n,), n ≥ 2 unless ``centre_xy`` given.
    centre_xy
        A rated centre (x, y) instead of the group mean.
    ellipses
        ``"iec60081"`` (default) or ``"macadam1942"``.

    Returns
    -------
    SdcmResult
        The group SDCM, each luminaire's steps, the centre and the metric used.

    Raises
    ------
    luxcheck.errors.InputError
        Non-finite or mismatched chromaticities, or fewer than two luminaires without a centre.
    """
    xa = np.asarray(x, dtype=np.float64).reshape(-1)
    ya = np.asarray(y, dtype=np.float64).reshape(-1)
    if xa.shape != ya.shape:
        raise InputError(f"x and y differ in length ({xa.size} vs {ya.size})", column="x, y")
    if xa.size == 0:
        raise InputError("no luminaire chromaticity given", column="x, y")
    if not (np.all(np.isfinite(xa)) and np.all(np.isfinite(ya))):
        raise InputError("chromaticity x, y must be finite numbers", column="x, y")
    if np.any((xa <= 0) | (ya <= 0) | (xa + ya >= 1)):
        raise InputError("chromaticity x, y must lie inside the CIE 1931 diagram", column="x, y")
    if centre_xy is None:
        if xa.size < 2:
            raise InputError("colour consistency needs at least two luminaires", column="x, y")
        cx, cy = float(xa.mean()), float(ya.mean())
    else:
        cx, cy = float(centre_xy[0]), float(centre_xy[1])
    if ellipses == "macadam1942":
        g = _macadam_metric(cx, cy)
        steps = _steps(g, xa - cx, ya - cy)
        return SdcmResult(float(steps.max()), steps, (cx, cy), g)
    if ellipses != "iec60081":
        raise InputError(f"unknown ellipse set {ellipses!r}; expected iec60081 or macadam1942")
    nominal, (nx, ny), g = iec60081_ellipse(cx, cy)
    steps = _steps(g, xa - cx, ya - cy)
    from_nominal = _steps(g, xa - nx, ya - ny)
    return SdcmResult(float(steps.max()), steps, (cx, cy), g, nominal, (nx, ny), from_nominal)
