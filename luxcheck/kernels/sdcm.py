"""Colour consistency (SDCM, 色容差) between like luminaires: MacAdam steps from the group centre.

MacAdam's (1942) ellipses (MacAdam, D. L., JOSA 32(5):247-274, 1942; observer PGN as tabulated
in Wyszecki & Stiles, Color Science, 2nd ed., Table 2(5.4.1); shipped as
``luxcheck/data/macadam1942_ellipses.csv``) define the local metric of the SDCM unit; a
luminaire's distance from the group centre in that metric is its number of steps
(:func:`colour_consistency_sdcm` gives the method and its limits).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from luxcheck.errors import InputError
from luxcheck.kernels import cie_tables as tables

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
    """

    sdcm: float
    steps: FloatArray
    centre_xy: tuple[float, float]
    metric: FloatArray


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
    x: npt.ArrayLike, y: npt.ArrayLike, *, centre_xy: tuple[float, float] | None = None
) -> SdcmResult:
    """Colour consistency (SDCM, 色容差) between like luminaires of one room.

    Each luminaire's chromaticity is compared with the group centre (the mean xy, or a given
    rated centre) using the MacAdam ellipse metric there; one step (1 SDCM) is one standard
    deviation of colour matching, and the group's value is the largest luminaire distance.

    Method and reasons. MacAdam's (1942) ellipses (observer PGN, Wyszecki & Stiles Table
    2(5.4.1), "calculated" semi-axes) are the measured data the SDCM unit is defined on; the
    metric at the centre is the inverse-square-distance mix of the metrics of the three nearest
    ellipse centres (for classroom whites these are the ellipses at xy (0.305, 0.323),
    (0.385, 0.393) and (0.472, 0.399), which bracket 2700-6500 K). The IEC 60081 / ANSI C78.377
    ellipses for nominal lamp colours are derived from the same data but their parameters
    could not be verified from the sources available to luxcheck, and a group of like
    luminaires in a room has no rated centre to compare with, so the group mean is the centre
    (GB/T 50034 speaks of 色容差 between like light sources). Expect the result to differ from
    a meter's IEC-ellipse SDCM by up to about 20 % near the ellipse-step boundaries.

    Parameters
    ----------
    x, y
        CIE 1931 chromaticity of each luminaire, shape (n,), n ≥ 2 unless ``centre_xy`` given.
    centre_xy
        A rated centre (x, y) instead of the group mean.

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
    g = _macadam_metric(cx, cy)
    dx = xa - cx
    dy = ya - cy
    steps = np.sqrt(g[0, 0] * dx**2 + 2 * g[0, 1] * dx * dy + g[1, 1] * dy**2)
    return SdcmResult(float(steps.max()) if steps.size else float("nan"), steps, (cx, cy), g)
