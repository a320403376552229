"""Discomfort glare kernels: the CIE 117 unified glare rating (UGR) of sources given as arrays.

UGR = 8·log10[(0.25 / L_b) · Σ L²·ω / p²]   (CIE 117:1995; GB/T 50034-2024 formula A.0.1-1)

with L the luminance of each luminaire toward the eye [cd/m²], ω its solid angle [sr], p the Guth
position index and L_b = E_ind / π the background luminance from the indirect illuminance at
the eye.
Luminaires whose luminous area is below 0.005 m² use the small-source form Σ 200·I² / (r²·p²)
(GB/T 50034-2024 A.0.1-2; CIE 146/147).

The position index comes from the CIE 117 / GB/T 50034-2024 Table A.0.1-1 (shipped as
``luxcheck/data/position_index.csv`` with its sources), bilinearly interpolated. Outside the table
(T/R > 3, H/R > 1.9, or next to a "-" cell) the Luckiesh–Guth closed form as coded in Radiance
``glarendx.c`` is used instead, and the caller is told (:func:`position_index_flagged`).

Background luminance by CIE 190:2010 §4.2 (:func:`cie190_background_luminance`): the indirect
illuminance on the walls between the eye plane and the luminaire plane,
E_WID = (N / A_w)·(Φ_DF·F_T,FW + Φ_DW·(F_T,WW − 1) + Φ_DC·F_T,CW). Φ_DF comes from the
luminaire's cumulative zonal fluxes and the CIE 190 Table 4 factors F_GL (linear in the room
index k = X·Y / (H·(X + Y)), tabulated for 1.0 ≤ k ≤ 4.8). The transfer factors F_T are computed
by flux transfer in the three-surface enclosure (floor cavity at eye height, walls, luminaire
plane) with the room's own reflectances and exact parallel-rectangle form factors; this
reproduces the CIE 190 Table 5 values for its 19 rooms × 5 reflectance sets within 0.0013
(published to three decimals).

The room's observers, luminaire layout and UGR from readings or a photometric file are the
analysis's (:mod:`luxcheck.analysis.glare`).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import IO

import numpy as np
import numpy.typing as npt

from luxcheck.errors import InputError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Luminous areas below this use the small-source formula [m²] (GB/T 50034-2024 A.0.1-2).
SMALL_SOURCE_AREA_M2 = 0.005
#: From this luminous area on, UGR does not apply (luminous ceilings; GB/T 50034-2024 A.0.1-3) [m²].
LUMINOUS_CEILING_AREA_M2 = 1.5
#: Seated and standing eye heights [m] (GB/T 50034-2024 A.0.2).
EYE_HEIGHT_SEATED_M = 1.2
EYE_HEIGHT_STANDING_M = 1.5


# ---------------------------------------------------------------------------- position index
def _data_file(name: str) -> IO[str]:
    # importlib.resources works for the namespace package luxcheck.data in a checkout and a wheel
    return resources.files("luxcheck.data").joinpath(name).open(encoding="utf-8")


@lru_cache(maxsize=1)
def _position_table() -> tuple[FloatArray, FloatArray, FloatArray]:
    rows: list[list[str]] = []
    with _data_file("position_index.csv") as handle:
        for row in csv.reader(line for line in handle if not line.startswith("#")):
            rows.append(row)
    h_axis = np.array([float(v) for v in rows[0][1:]])
    t_axis = np.array([float(r[0]) for r in rows[1:]])
    table = np.array([[float(v) if v else np.nan for v in r[1:]] for r in rows[1:]])
    return t_axis, h_axis, table


def position_table() -> tuple[FloatArray, FloatArray, FloatArray]:
    """Get the tabulated position index: (T/R axis, H/R axis, p table with NaN for "-")."""
    t, h, p = _position_table()
    return t.copy(), h.copy(), p.copy()


def levin_position_index(t_over_r: npt.ArrayLike, h_over_r: npt.ArrayLike) -> FloatArray:
    """Get the Luckiesh–Guth position index in closed form (Levin 1975, as in Radiance).

    p = exp[(35.2 − 0.31889·τ − 1.22·e^(−2τ/9))·10⁻³·σ + (21 + 0.26667·τ − 0.002963·τ²)·10⁻⁵·σ²]
    with σ the angle between the line of sight and the source [°] and τ the angle between the
    vertical plane through the line of sight and the plane through the line of sight and the
    source [°] (0 straight above the line of sight).

    Parameters
    ----------
    t_over_r
        Lateral offset / forward distance [1] (sign ignored).
    h_over_r
        Height above the eye / forward distance [1], ≥ 0.

    References
    ----------
    LBNL Radiance ``src/util/glarendx.c`` ``posindex()``; Luckiesh & Guth (1949).
    """
    t = np.abs(np.asarray(t_over_r, dtype=float))
    h = np.asarray(h_over_r, dtype=float)
    sigma = np.degrees(np.arccos(1.0 / np.sqrt(1.0 + t * t + h * h)))
    tau = np.degrees(np.arctan2(t, h))
    return np.asarray(
        np.exp(
            (35.2 - 0.31889 * tau - 1.22 * np.exp(-tau / 4.5)) * 1e-3 * sigma
            + (21.0 + 0.26667 * tau - 0.002963 * tau * tau) * 1e-5 * sigma * sigma
        ),
        dtype=float,
    )


def position_index_flagged(
    t_over_r: npt.ArrayLike, h_over_r: npt.ArrayLike
) -> tuple[FloatArray, BoolArray]:
    """Get the Guth position index and whether the closed form had to be used.

    Bilinear interpolation in the CIE 117 / GB/T 50034-2024 Table A.0.1-1 (|T/R| ≤ 3,
    0 ≤ H/R ≤ 1.9). Where the point lies outside the table, or one of the four surrounding cells
    is "-", :func:`levin_position_index` is used and the flag is True. H/R < 0 (a source below
    eye level) has no position index in CIE 117: NaN, flag False.

    Returns
    -------
    (p, from_formula)
        Arrays of the broadcast shape of the inputs.
    """
    t = np.abs(np.asarray(t_over_r, dtype=float))
    h = np.asarray(h_over_r, dtype=float)
    t, h = np.broadcast_arrays(t, h)
    t_axis, h_axis, table = _position_table()
    step_t = t_axis[1] - t_axis[0]
    step_h = h_axis[1] - h_axis[0]
    it = np.clip(np.floor(t / step_t + 1e-9).astype(int), 0, t_axis.size - 2)
    ih = np.clip(np.floor(np.where(h >= 0, h, 0.0) / step_h + 1e-9).astype(int), 0, h_axis.size - 2)
    ft = t / step_t - it
    fh = np.where(h >= 0, h, 0.0) / step_h - ih
    # a grid point exactly on a cell edge uses only its own row/column
    p00 = table[it, ih]
    p01 = table[it, ih + 1]
    p10 = table[it + 1, ih]
    p11 = table[it + 1, ih + 1]
    w00 = (1 - ft) * (1 - fh)
    w01 = (1 - ft) * fh
    w10 = ft * (1 - fh)
    w11 = ft * fh
    tiny = 1e-9
    corners = np.stack([p00, p01, p10, p11])
    weights = np.stack([w00, w01, w10, w11])
    needed = weights > tiny
    missing = np.any(needed & np.isnan(corners), axis=0)
    interp = np.sum(np.where(needed, np.nan_to_num(corners) * weights, 0.0), axis=0)
    inside = (t <= t_axis[-1] + tiny) & (h >= 0) & (h <= h_axis[-1] + tiny)
    use_formula = (~inside | missing) & (h >= 0)
    p = np.where(use_formula, levin_position_index(t, h), interp)
    p = np.where(h < 0, np.nan, p)
    return np.asarray(p, dtype=float), np.asarray(use_formula, dtype=bool)


def position_index(t_over_r: npt.ArrayLike, h_over_r: npt.ArrayLike) -> FloatArray:
    """Get the Guth position index p (CIE 117 table, interpolated; closed form outside it).

    See :func:`position_index_flagged` for the rule and the flag.
    """
    return position_index_flagged(t_over_r, h_over_r)[0]


# ---------------------------------------------------------------------------- UGR kernels
def _positive(name: str, value: FloatArray, *, strict: bool) -> None:
    """Refuse infinite and negative (or, ``strict``, zero) values; NaN stands for missing."""
    if np.any(np.isinf(value)):
        raise InputError("expected finite values (NaN for a missing one)", column=name)
    finite = value[np.isfinite(value)]
    if finite.size and (np.any(finite <= 0) if strict else np.any(finite < 0)):
        raise InputError(f"expected {'> 0' if strict else '≥ 0'} values", column=name)


def ugr(
    luminance_cd_m2: npt.ArrayLike,
    solid_angle_sr: npt.ArrayLike,
    position_index: npt.ArrayLike,
    background_luminance_cd_m2: npt.ArrayLike,
    *,
    axis: int = -1,
) -> FloatArray:
    """Compute the unified glare rating of a set of sources (CIE 117:1995).

    UGR = 8·log10[(0.25 / L_b) · Σ L²·ω / p²]

    Parameters
    ----------
    luminance_cd_m2
        Luminance of each source toward the eye, shape (..., n) [cd/m²].
    solid_angle_sr
        Solid angle of each source at the eye, shape (..., n) [sr].
    position_index
        Guth position index of each source, shape (..., n) [1], ≥ 1.
    background_luminance_cd_m2
        Background luminance, shape (...) [cd/m²], > 0.
    axis
        The source axis.

    Returns
    -------
    ndarray
        UGR over the leading axes. NaN where an input is NaN, or where no source contributes
        (Σ = 0: the rating is undefined, not "zero glare").

    Raises
    ------
    InputError
        A negative luminance or solid angle, a position index below 1, or a background
        luminance ≤ 0.

    References
    ----------
    CIE 117:1995; GB/T 50034-2024 Appendix A formula (A.0.1-1).
    """
    lum = np.asarray(luminance_cd_m2, dtype=float)
    omega = np.asarray(solid_angle_sr, dtype=float)
    p = np.asarray(position_index, dtype=float)
    lb = np.asarray(background_luminance_cd_m2, dtype=float)
    _positive("luminance_cd_m2", lum, strict=False)
    _positive("solid_angle_sr", omega, strict=False)
    _positive("background_luminance_cd_m2", lb, strict=True)
    finite_p = p[np.isfinite(p)]
    if finite_p.size and np.any(finite_p < 1.0):
        raise InputError("a position index is ≥ 1 by definition", column="position_index")
    total = np.sum(lum * lum * omega / (p * p), axis=axis)
    return ugr_from_sum(total, lb)


def ugr_from_sum(total: FloatArray, lb: FloatArray) -> FloatArray:
    """UGR = 8·log10[(0.25 / L_b)·Σ] from the sum Σ L²·ω / p² (or Σ 200·I² / (r²·p²) for small
    sources), CIE 117:1995; NaN where Σ = 0 (no source: the rating is undefined)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        value = 8.0 * np.log10(0.25 / lb * total)
    return np.asarray(np.where(total > 0, value, np.nan), dtype=float)


def ugr_small_source(
    intensity_cd: npt.ArrayLike,
    distance_m: npt.ArrayLike,
    position_index: npt.ArrayLike,
    background_luminance_cd_m2: npt.ArrayLike,
    *,
    axis: int = -1,
) -> FloatArray:
    """Compute UGR for small sources (luminous area < 0.005 m²).

    UGR = 8·log10[(0.25 / L_b) · Σ 200·I² / (r²·p²)]   (GB/T 50034-2024 A.0.1-2; CIE 147)

    Parameters
    ----------
    intensity_cd
        Intensity of each source toward the eye, shape (..., n) [cd].
    distance_m
        Source-to-eye distance, shape (..., n) [m], > 0.
    position_index, background_luminance_cd_m2, axis
        As in :func:`ugr`.
    """
    i = np.asarray(intensity_cd, dtype=float)
    r = np.asarray(distance_m, dtype=float)
    p = np.asarray(position_index, dtype=float)
    lb = np.asarray(background_luminance_cd_m2, dtype=float)
    _positive("intensity_cd", i, strict=False)
    _positive("distance_m", r, strict=True)
    _positive("background_luminance_cd_m2", lb, strict=True)
    total = np.sum(200.0 * i * i / (r * r * p * p), axis=axis)
    return ugr_from_sum(total, lb)


def background_luminance(indirect_illuminance_lx: npt.ArrayLike) -> FloatArray:
    """Get the background luminance L_b = E_ind / π [cd/m²] (GB/T 50034-2024 A.0.1)."""
    e = np.asarray(indirect_illuminance_lx, dtype=float)
    _positive("indirect_illuminance_lx", e, strict=True)
    return np.asarray(e / math.pi, dtype=float)


# ---------------------------------------------------------------------------- CIE 190 background
def _parallel_form_factor(a: FloatArray, b: FloatArray, c: FloatArray) -> FloatArray:
    """Form factor between equal, directly opposed rectangles a × b at distance c."""
    x = a / c
    y = b / c
    t1 = 0.5 * np.log((1 + x * x) * (1 + y * y) / (1 + x * x + y * y))
    t2 = x * np.sqrt(1 + y * y) * np.arctan(x / np.sqrt(1 + y * y))
    t3 = y * np.sqrt(1 + x * x) * np.arctan(y / np.sqrt(1 + x * x))
    return np.asarray(
        2.0 / (np.pi * x * y) * (t1 + t2 + t3 - x * np.arctan(x) - y * np.arctan(y)), dtype=float
    )


def transfer_factors(
    x_m: npt.ArrayLike,
    y_m: npt.ArrayLike,
    h_m: npt.ArrayLike,
    rho_ceiling: npt.ArrayLike,
    rho_walls: npt.ArrayLike,
    rho_floor: npt.ArrayLike,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Compute the CIE 190 transfer factors F_T,FW, F_T,WW − 1 and F_T,CW of a box room.

    Three diffuse surfaces — floor cavity (at eye height), walls (between eye and luminaire
    planes, height H), ceiling (luminaire plane) — exchange flux by exact form factors; F_T,XW is
    the total flux arriving at the walls per unit flux first arriving on X:
    F_T = (I − Fᵀ·diag(ρ))⁻¹, taking its wall row.

    Parameters
    ----------
    x_m, y_m
        Room width and length [m].
    h_m
        Luminaire plane above the eye plane [m].
    rho_ceiling, rho_walls, rho_floor
        Reflectances [1], 0 ≤ ρ < 1.

    Returns
    -------
    (ft_fw, ft_ww_minus_1, ft_cw)
        Arrays of the broadcast input shape.
    """
    x, y, h, rc, rw, rf = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (x_m, y_m, h_m, rho_ceiling, rho_walls, rho_floor))
    )
    for name, rho in (("rho_ceiling", rc), ("rho_walls", rw), ("rho_floor", rf)):
        if np.any((rho < 0) | (rho >= 1)):
            raise InputError("expected a reflectance 0 ≤ ρ < 1", column=name)
    a_f = x * y
    a_w = 2 * h * (x + y)
    f_fc = _parallel_form_factor(x, y, h)
    f_fw = 1 - f_fc
    f_wf = a_f * f_fw / a_w
    f_ww = 1 - 2 * f_wf
    zeros = np.zeros_like(x)
    # F[i, j]: from i to j, order floor, walls, ceiling
    form = np.stack(
        [
            np.stack([zeros, f_fw, f_fc], axis=-1),
            np.stack([f_wf, f_ww, f_wf], axis=-1),
            np.stack([f_fc, f_fw, zeros], axis=-1),
        ],
        axis=-2,
    )
    rho = np.stack([rf, rw, rc], axis=-1)
    system = np.eye(3) - np.swapaxes(form, -1, -2) * rho[..., None, :]
    transfer = np.linalg.inv(system)
    return transfer[..., 1, 0], transfer[..., 1, 1] - 1.0, transfer[..., 1, 2]


@lru_cache(maxsize=1)
def _fgl_table() -> tuple[FloatArray, FloatArray]:
    with _data_file("cie190_fgl.csv") as handle:
        rows = list(csv.reader(line for line in handle if not line.startswith("#")))
    data = np.array([[float(v) for v in r] for r in rows[1:]])
    return data[:, 0], data[:, 1:]


def flux_distribution_factors(room_index: npt.ArrayLike) -> FloatArray:
    """Get the CIE 190 Table 4 factors F_GL1..4 for room index k, shape (..., 4).

    Linear in k between the tabulated rooms; NaN outside 1.0 ≤ k ≤ 4.8 (not tabulated).
    """
    k = np.asarray(room_index, dtype=float)
    ks, factors = _fgl_table()
    out = np.stack([np.interp(k, ks, factors[:, i]) for i in range(4)], axis=-1)
    outside = (k < ks[0]) | (k > ks[-1]) | ~np.isfinite(k)
    return np.asarray(np.where(outside[..., None], np.nan, out), dtype=float)


@dataclass(frozen=True)
class FluxFractions:
    """Flux of one luminaire by zone for the CIE 190 background [lm]."""

    cumulative_lm: tuple[float, float, float, float]
    downward_lm: float
    upward_lm: float


def cie190_background_luminance(
    fractions: FluxFractions,
    n_luminaires: npt.ArrayLike,
    x_m: npt.ArrayLike,
    y_m: npt.ArrayLike,
    h_m: npt.ArrayLike,
    rho_ceiling: npt.ArrayLike,
    rho_walls: npt.ArrayLike,
    rho_floor: npt.ArrayLike,
) -> FloatArray:
    """Compute the background luminance by the CIE 190:2010 §4.2 method [cd/m²].

    L_b = E_WID / π, E_WID = (N / A_w)·(Φ_DF·F_T,FW + Φ_DW·(F_T,WW − 1) + Φ_DC·F_T,CW) with
    A_w = 2·H·(X + Y), Φ_DF = Σ Φ_zLi·F_GLi (Table 4 at k), Φ_DW = Φ_down − Φ_DF, Φ_DC = Φ_up,
    and F_T from :func:`transfer_factors`. NaN where k is outside the tabulated 1.0–4.8.
    Vectorised over the room arguments.
    """
    x = np.asarray(x_m, dtype=float)
    y = np.asarray(y_m, dtype=float)
    h = np.asarray(h_m, dtype=float)
    k = x * y / (h * (x + y))
    fgl = flux_distribution_factors(k)
    phi_df = fgl @ np.asarray(fractions.cumulative_lm)
    phi_dw = fractions.downward_lm - phi_df
    ft_fw, ft_ww1, ft_cw = transfer_factors(x, y, h, rho_ceiling, rho_walls, rho_floor)
    a_w = 2 * h * (x + y)
    e_wid = (
        np.asarray(n_luminaires, dtype=float)
        / a_w
        * (phi_df * ft_fw + phi_dw * ft_ww1 + fractions.upward_lm * ft_cw)
    )
    return np.asarray(e_wid / math.pi, dtype=float)
