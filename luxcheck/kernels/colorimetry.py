"""Colorimetry kernels vectorised over whole campaigns: XYZ, CCT, Duv, CIE 13.3 CRI, TM-30.

Every function takes spectra of shape ``(..., n_wavelengths)`` and returns arrays over the leading
axes, so a campaign's spectra go through in one call (chunked internally to bound memory).

Conventions (each is tested in ``tests/kernels/test_colorimetry.py``)
-------------------------------------------------------------
- **Observers.** CIE 1931 2° for XYZ, chromaticity, CCT, Duv and CIE 13.3 CRI; CIE 1964 10° for
  ANSI/IES TM-30-18 (CIE 224:2017) Rf and Rg.
- **Working grid.** Spectra are resampled to 1 nm on 360-780 nm (the ASTM E308 practice range
  used by colour-science and CIE 13.3). Uniformly spaced input (1, 2, 5, 10 nm …) is
  interpolated with the Sprague (1880) quintic per CIE 167:2005; non-uniform input with a cubic
  spline (not-a-knot). Outside the measured range the spectrum is **extrapolated with its edge
  value** (constant), which only matters for 360-379 nm when a meter starts at 380 nm. This is
  colour-science's convention, so results agree with it to the stated tolerances.
- **Input rules.** Wavelengths finite and strictly increasing (no duplicates), at least six of
  them, covering at least 380-780 nm; spectra finite, not all zero, and no value below
  ``-negative_tolerance × peak`` (dark noise around zero is accepted and kept as measured,
  never clipped). Anything else raises :class:`luxcheck.errors.InputError`.
- **XYZ** are plain sums ``Σ S(λ) x̄(λ) Δλ`` (Δλ = 1 nm) with no normalisation: for a spectral
  irradiance in W·m⁻²·nm⁻¹, ``683 × Y`` is the illuminance in lx.
- **CCT and Duv** by Ohno (2013) on a Planckian table from 1000 K to 100 000 K with colour-
  science's spacing (1.001 ratio), triangular solution for |Duv| < 0.002 and parabolic
  otherwise. **Duv is positive above the Planckian locus** (greenish). A CCT outside
  1000-25 000 K is refused: ``cct_K`` and ``duv`` are NaN and ``reason`` says why.
- **CIE 13.3-1995 CRI.** The test source's CCT for choosing the reference is Robertson's (1968)
  method (as in CIE 13.3 and colour-science); the reference is a Planckian radiator below
  5000 K and CIE daylight (D-series, M1 and M2 rounded to 3 decimals, basis functions linearly
  interpolated from 5 nm as CIE 15 prescribes) at or above 5000 K. Von Kries adaptation in
  CIE 1960 UCS, CIE 1964 U*V*W*, ``Ri = 100 − 4.6 ΔE``, ``Ra`` the mean of the unrounded
  R1-R8. No rounding of xy or of the indices (report rounding is the caller's business).
  **Validity flag** (CIE 13.3 DC ≤ 5.4×10⁻³): ``cri_valid`` is False when |Duv| > 5.4×10⁻³
  or the CCT lies outside 1000-25 000 K. Ra and R1-R14 are NaN only outside that CCT range;
  beyond the Duv tolerance they are computed (no Chinese clause gates Ra or R9 on Duv) and
  ``cri_note`` carries the CIE 13.3 caveat to the verdict.
- **TM-30-18.** 380-780 nm, CIE 1964 10°, 99 CES, CIECAM02 (L_A = 100 cd/m², Y_b = 20, average
  surround, illuminant discounted) and CAM02-UCS; reference chosen from the Ohno (2013) CCT of
  the test source: Planckian below 4000 K, D-series (Sprague-interpolated basis) above 5000 K and
  a Y-normalised linear blend in between; ``Rf = 10 ln(1 + exp((100 − 6.73 ΔE)/10))``;
  ``Rg`` = 100 × ratio of the 16-hue-bin gamut areas. NaN (with ``tm30_reason``) outside
  1000-25 000 K, or when ``tm30=False``.

References
----------
CIE 13.3-1995; CIE 15:2018; CIE 167:2005; CIE 224:2017; ANSI/IES TM-30-18; Ohno, Y. (2014)
LEUKOS 10(1):47-55; Robertson, A. R. (1968) JOSA 58(11):1528-1535; colour-science 0.4.7
(``colour.quality.cri``, ``colour.quality.cfi2017``, ``colour.temperature``), whose conventions
these kernels reproduce.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache

import numpy as np
import numpy.typing as npt

from luxcheck.errors import InputError
from luxcheck.kernels import cie_tables as tables
from luxcheck.kernels import tm30 as tm30_cam
from luxcheck.messages import Message, _n

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
StrArray = npt.NDArray[np.str_]
#: Per spectrum, a :class:`~luxcheck.messages.Message` or None.
ReasonArray = npt.NDArray[np.object_]

__all__ = [
    "CCT_MAX_K",
    "CCT_MIN_K",
    "CRI_DUV_TOLERANCE",
    "WAVELENGTH_NM",
    "SpectralMetrics",
    "cct_duv_ohno2013",
    "cct_robertson1968",
    "cri_cie133",
    "resample_spectra",
    "spectral_metrics",
    "tm30",
    "xyz",
]

#: The working grid [nm]: 360-780 nm at 1 nm (ASTM E308 practice range, CIE 13.3).
WAVELENGTH_NM: FloatArray = np.arange(360.0, 781.0)
#: Wavelengths every input must cover [nm].
REQUIRED_RANGE_NM = (380.0, 780.0)
#: Range of CCT accepted by this module [K] (Ohno 2013 table use, CIE 224 / TM-30 range).
CCT_MIN_K = 1000.0
CCT_MAX_K = 25000.0
#: CIE 13.3-1995 tolerance on the distance from the Planckian locus (DC) for a valid CRI.
CRI_DUV_TOLERANCE = 5.4e-3
#: Planck's radiation constants as used by colour-science (c1 [W m²], c2 [m K]).
_C1 = 3.741771e-16
_C2 = 1.4388e-2
#: Spectra per internal chunk (bounds memory for 100 000 spectra well below 1 GiB).
_CHUNK = 4096

_WL_TM30 = np.arange(380.0, 781.0)
_TM30_SLICE = slice(20, 421)  # 380-780 nm inside WAVELENGTH_NM


# --------------------------------------------------------------------------------------------
# Input validation and resampling
# --------------------------------------------------------------------------------------------


def _validate_wavelengths(wavelength_nm: npt.ArrayLike, source: str | None) -> FloatArray:
    try:
        wl = np.asarray(wavelength_nm, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"wavelengths must be numbers [nm] ({exc})", source=source) from exc
    if wl.ndim != 1:
        raise InputError(
            f"wavelengths must be one-dimensional, got shape {wl.shape}", source=source
        )
    if wl.size < 6:
        raise InputError(f"need at least 6 wavelengths, got {wl.size}", source=source)
    bad = np.flatnonzero(~np.isfinite(wl))
    if bad.size:
        raise InputError(
            f"wavelength #{bad[0] + 1} is {wl[bad[0]]}; expected a finite number [nm]",
            source=source,
        )
    step = np.diff(wl)
    dup = np.flatnonzero(step == 0)
    if dup.size:
        raise InputError(f"duplicate wavelength {wl[dup[0]]:g} nm", source=source)
    dec = np.flatnonzero(step < 0)
    if dec.size:
        raise InputError(
            f"wavelengths must increase: {wl[dec[0]]:g} nm is followed by {wl[dec[0] + 1]:g} nm",
            source=source,
        )
    lo, hi = REQUIRED_RANGE_NM
    if wl[0] > lo or wl[-1] < hi:
        raise InputError(
            f"spectrum covers {wl[0]:g}-{wl[-1]:g} nm; expected at least {lo:g}-{hi:g} nm",
            source=source,
        )
    return wl


def _validate_values(
    wl: FloatArray, spd: npt.ArrayLike, negative_tolerance: float, source: str | None
) -> FloatArray:
    try:
        values = np.asarray(spd, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"spectral values must be numbers ({exc})", source=source) from exc
    if values.ndim == 0 or values.shape[-1] != wl.size:
        raise InputError(
            f"spectra have shape {values.shape}; expected (..., {wl.size}) to match the "
            f"{wl.size} wavelengths",
            source=source,
        )
    flat = values.reshape(-1, wl.size)
    bad = ~np.isfinite(flat)
    if bad.any():
        row, col = np.argwhere(bad)[0]
        raise InputError(
            f"spectrum #{row + 1} at {wl[col]:g} nm is {flat[row, col]}; expected a finite number",
            source=source,
        )
    peak = flat.max(axis=-1)
    zero = np.flatnonzero(peak <= 0)
    if zero.size:
        raise InputError(
            f"spectrum #{zero[0] + 1} is all zero (or negative); expected a measured spectrum",
            source=source,
        )
    floor = -negative_tolerance * peak[:, None]
    neg = flat < floor
    if neg.any():
        row, col = np.argwhere(neg)[0]
        raise InputError(
            f"spectrum #{row + 1} at {wl[col]:g} nm is {flat[row, col]:.4g}, below the noise "
            f"allowance of -{negative_tolerance:g} × peak ({floor[row, 0]:.4g}); expected a "
            "non-negative spectral power",
            source=source,
        )
    return values


def _sprague_matrix(wl: FloatArray, target: FloatArray) -> FloatArray:
    """Linear map (len(target), len(wl)) of Sprague interpolation on a uniform grid (CIE 167)."""
    n = wl.size
    h = (wl[-1] - wl[0]) / (n - 1)
    # Boundary extension coefficients (CIE 167:2005), applied to the identity.
    coef = np.array(
        [
            [884, -1960, 3033, -2648, 1080, -180],
            [508, -540, 488, -367, 144, -24],
            [-24, 144, -367, 488, -540, 508],
            [-180, 1080, -2648, 3033, -1960, 884],
        ],
        dtype=np.float64,
    )
    eye = np.eye(n)
    ext = np.zeros((n + 4, n))
    ext[2 : n + 2] = eye
    ext[0, :6] = coef[0] / 209
    ext[1, :6] = coef[1] / 209
    ext[n + 2, n - 6 :] = coef[2] / 209
    ext[n + 3, n - 6 :] = coef[3] / 209
    xp = np.concatenate([[wl[0] - 2 * h, wl[0] - h], wl, [wl[-1] + h, wl[-1] + 2 * h]])
    i = np.searchsorted(xp, target) - 1
    x = (target - xp[i]) / (xp[i + 1] - xp[i])
    w = np.array(
        [
            (2, -16, 0, 16, -2, 0),
            (-1, 16, -30, 16, -1, 0),
            (-9, 39, -70, 66, -33, 7),
            (13, -64, 126, -124, 61, -12),
            (-5, 25, -50, 50, -25, 5),
        ],
        dtype=np.float64,
    )
    # a_k = Σ_j w[k, j] r[i - 2 + j] / 24 ; y = r[i] + Σ_k a_k x^(k+1)
    powers = x[:, None] ** np.arange(1, 6)[None, :]  # (t, 5)
    weights = powers @ w / 24  # (t, 6) weights on r[i-2 .. i+3]
    weights[:, 2] += 1.0
    rows = i[:, None] + np.arange(-2, 4)[None, :]  # (t, 6) indices into ext
    out: FloatArray = np.einsum("tj,tjn->tn", weights, ext[rows])
    return out


@lru_cache(maxsize=64)
def _resampling_matrix(wl_key: bytes, target_key: bytes) -> FloatArray:
    wl = np.frombuffer(wl_key, dtype=np.float64)
    target = np.frombuffer(target_key, dtype=np.float64)
    inside = (target >= wl[0]) & (target <= wl[-1])
    matrix = np.zeros((target.size, wl.size))
    step = np.diff(wl)
    uniform = np.allclose(step, step[0], rtol=1e-9, atol=1e-9)
    if uniform:
        matrix[inside] = _sprague_matrix(wl, target[inside])
    else:
        from scipy.interpolate import CubicSpline  # lazily: non-uniform grids only

        spline = CubicSpline(wl, np.eye(wl.size), axis=0, bc_type="not-a-knot")
        matrix[inside] = spline(target[inside])
    # Declared extrapolation: the edge value (constant), as colour-science does.
    matrix[target < wl[0], 0] = 1.0
    matrix[target > wl[-1], -1] = 1.0
    # Exact nodes stay exact (no round-off from evaluating the polynomial at x = 1).
    hit = np.searchsorted(wl, target)
    exact = inside & (hit < wl.size)
    exact[exact] = wl[hit[exact]] == target[exact]
    matrix[exact] = 0.0
    matrix[np.flatnonzero(exact), hit[exact]] = 1.0
    matrix.setflags(write=False)
    return matrix


@lru_cache(maxsize=64)
def _selection(wl_key: bytes, target_key: bytes) -> npt.NDArray[np.intp] | None:
    """When every target wavelength is an input node or outside the input (constant edge
    value), resampling only picks columns: their indices; None when it interpolates."""
    matrix = _resampling_matrix(wl_key, target_key)
    picked = np.argmax(matrix, axis=1)
    one_hot = np.zeros_like(matrix)
    one_hot[np.arange(matrix.shape[0]), picked] = 1.0
    return picked if np.array_equal(matrix, one_hot) else None


def _resampled(values: FloatArray, wl: FloatArray, target: FloatArray) -> FloatArray:
    """``values @ matrix.T`` with the resampling matrix of ``wl`` → ``target``, or a column
    selection when the spectra are already on the target's nodes (a 1 nm export)."""
    wl_key, target_key = wl.tobytes(), np.ascontiguousarray(target, dtype=np.float64).tobytes()
    picked = _selection(wl_key, target_key)
    if picked is not None:
        return np.ascontiguousarray(np.take(values, picked, axis=-1))
    out: FloatArray = values @ _resampling_matrix(wl_key, target_key).T
    return out


def resample_spectra(
    wavelength_nm: npt.ArrayLike,
    spd: npt.ArrayLike,
    *,
    target_nm: FloatArray = WAVELENGTH_NM,
    negative_tolerance: float = 0.01,
    source: str | None = None,
) -> FloatArray:
    """Validate spectra and resample them to a 1 nm grid.

    Parameters
    ----------
    wavelength_nm
        Wavelengths of the samples, shape (n,), strictly increasing, covering 380-780 nm [nm].
    spd
        Spectra, shape (..., n) [any spectral unit, e.g. W·m⁻²·nm⁻¹].
    target_nm
        Output wavelengths [nm]; default 360-780 nm at 1 nm.
    negative_tolerance
        Values down to ``-negative_tolerance × peak`` count as dark noise and are kept;
        anything lower is an error. [1]
    source
        Where the data came from, for error messages (a file name).

    Returns
    -------
    numpy.ndarray
        Spectra on ``target_nm``, shape (..., len(target_nm)). Sprague (CIE 167) for uniform
        input, not-a-knot cubic spline otherwise; constant extrapolation outside the input.

    Raises
    ------
    luxcheck.errors.InputError
        NaN or infinite values, duplicate or decreasing wavelengths, fewer than 6 samples, a range
        narrower than 380-780 nm, an all-zero spectrum, or negative values beyond the noise
        allowance.
    """
    wl = _validate_wavelengths(wavelength_nm, source)
    values = _validate_values(wl, spd, negative_tolerance, source)
    return _resampled(values, wl, np.ascontiguousarray(target_nm, dtype=np.float64))


# --------------------------------------------------------------------------------------------
# Tables on the working grid
# --------------------------------------------------------------------------------------------


@cache
def _cmf_1931() -> FloatArray:
    return tables.on_grid(tables.CMF_1931, WAVELENGTH_NM)


@cache
def _cmf_1964_tm30() -> FloatArray:
    return tables.on_grid(tables.CMF_1964, _WL_TM30)


def _interpolated_table(name: str, target: FloatArray, *, linear: bool) -> FloatArray:
    table = tables.load_table(name)
    wl = table.values[:, 0]
    values = table.values[:, 1:]
    if linear:
        return np.stack([np.interp(target, wl, v) for v in values.T], axis=-1)
    matrix = _resampling_matrix(wl.tobytes(), np.ascontiguousarray(target).tobytes())
    return matrix @ values


@cache
def _tcs_cie133() -> FloatArray:
    """TCS01-14 on 360-780 nm at 1 nm (Sprague from 5 nm, as colour-science reshapes them)."""
    return _interpolated_table(tables.TCS_CIE133, WAVELENGTH_NM, linear=False)


@cache
def _d_basis_linear() -> FloatArray:
    """S0, S1, S2 on 360-780 nm, linearly interpolated from 5 nm (CIE 15; CIE 13.3 path)."""
    return _interpolated_table(tables.D_SERIES, WAVELENGTH_NM, linear=True)


@cache
def _d_basis_sprague_tm30() -> FloatArray:
    """S0, S1, S2 on 380-780 nm, Sprague-interpolated (the CIE 224 / TM-30 path)."""
    return _interpolated_table(tables.D_SERIES, _WL_TM30, linear=False)


@cache
def _ces_tm30() -> FloatArray:
    return tables.on_grid(tables.TM30_CES, _WL_TM30)


# --------------------------------------------------------------------------------------------
# XYZ and chromaticity
# --------------------------------------------------------------------------------------------


def xyz(spd_1nm: FloatArray) -> FloatArray:
    """CIE 1931 2° tristimulus values of spectra on the working grid.

    Parameters
    ----------
    spd_1nm
        Spectra on :data:`WAVELENGTH_NM` (360-780 nm, 1 nm), shape (..., 421).

    Returns
    -------
    numpy.ndarray
        X, Y, Z stacked on the last axis, shape (..., 3): ``Σ S(λ) x̄(λ) Δλ`` with Δλ = 1 nm.
    """
    out: FloatArray = np.asarray(spd_1nm) @ _cmf_1931()
    return out


def _uv(XYZ: FloatArray) -> tuple[FloatArray, FloatArray]:
    X, Y, Z = XYZ[..., 0], XYZ[..., 1], XYZ[..., 2]
    den = X + 15 * Y + 3 * Z
    return 4 * X / den, 6 * Y / den


def _planck(wavelength_nm: FloatArray, cct_K: FloatArray) -> FloatArray:
    """Relative Planckian spectra, shape (len(cct), len(wl)) (colour-science constants)."""
    lam = wavelength_nm * 1e-9
    with np.errstate(over="ignore"):
        return (_C1 * lam**-5 / np.pi) / np.expm1(_C2 / (lam[None, :] * cct_K[:, None])) * 1e-9


# --------------------------------------------------------------------------------------------
# CCT: Robertson 1968 and Ohno 2013
# --------------------------------------------------------------------------------------------


def cct_robertson1968(u: FloatArray, v: FloatArray) -> tuple[FloatArray, FloatArray]:
    """CCT and Duv by Robertson (1968) isotemperature lines in CIE 1960 UCS.

    Parameters
    ----------
    u, v
        CIE 1960 UCS chromaticity, any shape [1].

    Returns
    -------
    tuple of numpy.ndarray
        CCT [K] and Duv [1] (positive above the locus). The table spans 1667 K to infinity;
        outside it the method clamps (CIE 13.3 uses it only to pick the reference illuminant).
    """
    rob = tables.load_table(tables.ROBERTSON).values
    r_itl, u_itl, v_itl, t_itl = rob.T
    shape = np.shape(u)
    uu_ = np.reshape(u, (-1, 1))
    vv_ = np.reshape(v, (-1, 1))
    length = np.hypot(1.0, t_itl)
    du_itl = 1.0 / length
    dv_itl = t_itl / length
    dt = -(uu_ - u_itl[1:]) * dv_itl[1:] + (vv_ - v_itl[1:]) * du_itl[1:]
    mask = dt <= 0
    i = np.where(mask.any(axis=1), np.argmax(mask, axis=1) + 1, 30)
    idx = np.arange(i.size)
    dt_current = -np.minimum(dt[idx, i - 1], 0.0)
    dt_previous = dt[idx, i - 2]
    with np.errstate(invalid="ignore", divide="ignore"):
        f = np.where(i == 1, 0.0, dt_current / (dt_previous + dt_current))
    mired = r_itl[i - 1] * f + r_itl[i] * (1 - f)
    with np.errstate(divide="ignore"):
        T = 1e6 / mired
    u_i = u_itl[i - 1] * f + u_itl[i] * (1 - f)
    v_i = v_itl[i - 1] * f + v_itl[i] * (1 - f)
    du_i = du_itl[i] * (1 - f) + du_itl[i - 1] * f
    dv_i = dv_itl[i] * (1 - f) + dv_itl[i - 1] * f
    norm = np.hypot(du_i, dv_i)
    duv = (uu_[:, 0] - u_i) * du_i / norm + (vv_[:, 0] - v_i) * dv_i / norm
    return T.reshape(shape), (-duv).reshape(shape)


@cache
def _ohno_table() -> FloatArray:
    """Planckian table (T, u, v) from 1000 K to 100 000 K with colour-science's spacing."""
    start, end, spacing = 1000.0, 100000.0, 1.001
    ti = [start, start + 1]
    next_ti = start + 1
    next_spacing = spacing
    while (next_ti := next_ti * next_spacing) < end:
        ti.append(next_ti)
        d = min(max((next_ti - 1000.0) / (100000.0 - 1000.0), 0.0), 1.0)
        next_spacing = spacing * (1 - d) + (1 + (spacing - 1) / 10) * d
    t = np.array([*ti, end - 1, end])
    spectra = _planck(WAVELENGTH_NM, t)
    u, v = _uv(spectra @ _cmf_1931())
    table = np.stack([t, u, v], axis=-1)
    table.setflags(write=False)
    return table


def _nearest_in_window(
    table: FloatArray, u: FloatArray, v: FloatArray, centre: npt.NDArray[np.intp], half: int
) -> tuple[npt.NDArray[np.intp], BoolArray]:
    """The nearest entry of the Planckian table to (u, v) among the entries ``centre ± half``,
    and whether it lies on the window's edge (then a nearer one may lie beyond)."""
    offsets = np.arange(-half, half + 1)
    rows = np.clip(centre[:, None] + offsets[None, :], 0, table.shape[0] - 1)
    # squared distances: the same nearest entry as colour-science's Euclidean norm (a square
    # root of the same sum), without a root per table entry
    du = table[:, 1][rows] - u[:, None]
    dv = table[:, 2][rows] - v[:, None]
    du *= du
    dv *= dv
    du += dv
    k = np.argmin(du, axis=1)
    return rows[np.arange(u.size), k], (k == 0) | (k == offsets.size - 1)


def cct_duv_ohno2013(
    u: npt.ArrayLike, v: npt.ArrayLike, *, guess_K: npt.ArrayLike | None = None
) -> tuple[FloatArray, FloatArray]:
    """CCT and Duv by Ohno (2013), vectorised (no range gate; see :func:`spectral_metrics`).

    Parameters
    ----------
    u, v
        CIE 1960 UCS chromaticity, any shape [1].
    guess_K
        Where to start the search of the Planckian table, same shape [K]; default Robertson's
        (1968) CCT. Only the cost depends on it: the nearest table entry is searched in a
        window of ± 4 entries around the guess, then of ± 24 around the entry found where that
        was on the window's edge, and in the whole table where it still is.

    Returns
    -------
    tuple of numpy.ndarray
        CCT [K] and Duv [1], positive above the Planckian locus. Triangular solution when
        |Duv| < 0.002, parabolic otherwise (Ohno 2014, colour-science's threshold).
    """
    u_arr = np.asarray(u, dtype=np.float64)
    v_arr = np.asarray(v, dtype=np.float64)
    shape = u_arr.shape
    uf = u_arr.reshape(-1)
    vf = v_arr.reshape(-1)
    table = _ohno_table()
    tt, tu, tv = table[:, 0], table[:, 1], table[:, 2]
    n_table = tt.size
    # Local search around the guess, full search where that is inconclusive.
    if guess_K is None:
        guess, _ = cct_robertson1968(uf, vf)
    else:
        guess = np.asarray(guess_K, dtype=np.float64).reshape(-1)
    centre = np.searchsorted(tt, np.nan_to_num(guess, nan=tt[-1], posinf=tt[-1]))
    # a narrow window about the guess; where its nearest entry is on its edge, a wider one
    # about that entry; where that one's is on its edge too, the whole table
    index, unsure = _nearest_in_window(table, uf, vf, centre, 4)
    if unsure.any():
        index[unsure], wide_unsure = _nearest_in_window(
            table, uf[unsure], vf[unsure], index[unsure], 24
        )
        unsure[unsure] = wide_unsure
    if unsure.any():
        full = (tu[None, :] - uf[unsure, None]) ** 2 + (tv[None, :] - vf[unsure, None]) ** 2
        index[unsure] = np.argmin(full, axis=1)
    index = np.clip(index, 1, n_table - 2)
    ip, i0, i_n = index - 1, index, index + 1
    dip = np.hypot(tu[ip] - uf, tv[ip] - vf)
    di = np.hypot(tu[i0] - uf, tv[i0] - vf)
    din = np.hypot(tu[i_n] - uf, tv[i_n] - vf)
    Tip, Ti, Tin = tt[ip], tt[i0], tt[i_n]
    uip, vip, uin, vin = tu[ip], tv[ip], tu[i_n], tv[i_n]
    length = np.hypot(uin - uip, vin - vip)
    x = (dip**2 - din**2 + length**2) / (2 * length)
    T_t = Tip + (Tin - Tip) * (x / length)
    vtx = vip + (vin - vip) * (x / length)
    sign = np.sign(vf - vtx)
    with np.errstate(invalid="ignore"):
        duv_t = np.sqrt(dip**2 - x**2) * sign
    X = (Tin - Ti) * (Tip - Tin) * (Ti - Tip)
    a = (Tip * (din - di) + Ti * (dip - din) + Tin * (di - dip)) / X
    b = -(Tip**2 * (din - di) + Ti**2 * (dip - din) + Tin**2 * (di - dip)) / X
    c = (
        -(dip * (Tin - Ti) * Ti * Tin + di * (Tip - Tin) * Tip * Tin + din * (Ti - Tip) * Tip * Ti)
        / X
    )
    T_p = -b / (2 * a)
    duv_p = (a * T_p**2 + b * T_p + c) * sign
    parabolic = np.abs(duv_t) >= 0.002
    cct = np.where(parabolic, T_p, T_t)
    duv = np.where(parabolic, duv_p, duv_t)
    return cct.reshape(shape), duv.reshape(shape)


# --------------------------------------------------------------------------------------------
# CIE 13.3-1995 colour rendering index
# --------------------------------------------------------------------------------------------


def _cie_d_xy(cct_K: FloatArray) -> tuple[FloatArray, FloatArray]:
    """CIE daylight locus chromaticity at a CCT (CIE 15:2018 eq. 4.7-4.9)."""
    t = cct_K
    x = np.where(
        t <= 7000,
        -4.607e9 / t**3 + 2.9678e6 / t**2 + 0.09911e3 / t + 0.244063,
        -2.0064e9 / t**3 + 1.9018e6 / t**2 + 0.24748e3 / t + 0.23704,
    )
    y = -3.0 * x**2 + 2.87 * x - 0.275
    return x, y


def _d_coefficients(cct_K: FloatArray) -> tuple[FloatArray, FloatArray]:
    """M1 and M2 of the CIE D series at CCTs, rounded to 3 decimals (CIE 15)."""
    x, y = _cie_d_xy(cct_K)
    m = 0.0241 + 0.2562 * x - 0.7341 * y
    m1 = np.around((-1.3515 - 1.7703 * x + 5.9114 * y) / m, 3)
    m2 = np.around((0.03 - 31.4424 * x + 30.0717 * y) / m, 3)
    return m1, m2


def _d_series(basis: FloatArray, cct_K: FloatArray) -> FloatArray:
    """CIE D-series spectra at CCTs, M1 and M2 rounded to 3 decimals (CIE 15)."""
    m1, m2 = _d_coefficients(cct_K)
    s0, s1, s2 = np.ascontiguousarray(basis.T)  # rows, not strided columns, to stream
    out: FloatArray = np.multiply.outer(m1, s1)
    out += s0  # S0 + M1 S1, then + M2 S2: the order of the sum as written in CIE 15
    out += np.multiply.outer(m2, s2)
    return out


@cache
def _cri_weights() -> FloatArray:
    """(421, 14*3) matrix: S @ W gives the unnormalised XYZ of the 14 TCS under S."""
    tcs = _tcs_cie133()  # (421, 14)
    cmf = _cmf_1931()  # (421, 3)
    w = (tcs[:, :, None] * cmf[:, None, :]).reshape(WAVELENGTH_NM.size, 14 * 3)
    w.setflags(write=False)
    return w


def _tcs_uvw(spd: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Source u, v and the 14 samples' u, v, Y (Y of the source = 100)."""
    src = spd @ _cmf_1931()
    u_s, v_s = _uv(src)
    samples = (spd @ _cri_weights()).reshape(-1, 14, 3) * (100.0 / src[:, 1])[:, None, None]
    u_i, v_i = _uv(samples)
    return u_s, v_s, u_i, v_i, samples[..., 1]


def cri_cie133(spd_1nm: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """CIE 13.3-1995 Ra and R1-R14 of spectra on the working grid (no validity gate).

    Parameters
    ----------
    spd_1nm
        Spectra on :data:`WAVELENGTH_NM`, shape (N, 421).

    Returns
    -------
    tuple of numpy.ndarray
        ``ra`` (N,), ``ri`` (N, 14) and the Robertson CCT used to pick the reference (N,) [K].
    """
    spd = np.asarray(spd_1nm, dtype=np.float64).reshape(-1, WAVELENGTH_NM.size)
    u_t, v_t, u_i, v_i, y_i = _tcs_uvw(spd)
    cct_r, _ = cct_robertson1968(u_t, v_t)
    planck = cct_r < 5000
    ref = np.empty_like(spd)
    if planck.any():
        ref[planck] = _planck(WAVELENGTH_NM, cct_r[planck])
    if (~planck).any():
        ref[~planck] = _d_series(_d_basis_linear(), cct_r[~planck])
    u_r, v_r, u_ri, v_ri, y_ri = _tcs_uvw(ref)

    def c_term(u: FloatArray, v: FloatArray) -> FloatArray:
        out: FloatArray = (4 - u - 10 * v) / v
        return out

    def d_term(u: FloatArray, v: FloatArray) -> FloatArray:
        out: FloatArray = (1.708 * v + 0.404 - 1.481 * u) / v
        return out

    cr_ct = (c_term(u_r, v_r) / c_term(u_t, v_t))[:, None]
    dr_dt = (d_term(u_r, v_r) / d_term(u_t, v_t))[:, None]
    ci, di = c_term(u_i, v_i), d_term(u_i, v_i)
    den = 16.518 + 1.481 * cr_ct * ci - dr_dt * di
    u_a = (10.872 + 0.404 * cr_ct * ci - 4 * dr_dt * di) / den
    v_a = 5.52 / den

    w_t = 25 * np.cbrt(y_i) - 17
    w_r = 25 * np.cbrt(y_ri) - 17
    ur, vr = u_r[:, None], v_r[:, None]
    d_u = 13 * w_t * (u_a - ur) - 13 * w_r * (u_ri - ur)
    d_v = 13 * w_t * (v_a - vr) - 13 * w_r * (v_ri - vr)
    delta_e = np.sqrt(d_u**2 + d_v**2 + (w_t - w_r) ** 2)
    ri = 100 - 4.6 * delta_e
    ra = ri[:, :8].mean(axis=1)
    return ra, ri, cct_r


# --------------------------------------------------------------------------------------------
# ANSI/IES TM-30-18 (CIE 224:2017) Rf and Rg
# --------------------------------------------------------------------------------------------


@cache
def _tm30_matrices() -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """The one product per spectrum TM-30 needs, as matrices on 380-780 nm.

    Columns of the test matrix (401, 303): the 99 CES samples' CAT02 RGB under the 10° observer,
    channel-major (R of the 99, G, B), the white's CAT02 RGB and the 2° XYZ (for the CCT). The
    reference matrix (401, 301) has the samples, the white and the 2° ȳ (for the CIE 224 blend).
    The third array is the reference matrix applied to the D-series basis S0, S1, S2 (3, 301):
    a D-series reference needs no product over wavelengths, its row is ``(1, M1, M2) @ it``.
    The fourth is the reference matrix with Planck's ``c1 λ⁻⁵ / π`` (and the nm⁻¹ of
    :func:`_planck`) folded into its rows: a Planckian reference's row is
    ``1 / (exp(c2 / λT) − 1) @ it``.
    """
    rgb_bar = _cmf_1964_tm30() @ tm30_cam.CAT02.T  # (401, 3)
    samples = (_ces_tm30()[:, None, :] * rgb_bar[:, :, None]).reshape(_WL_TM30.size, 3 * 99)
    cmf2 = _cmf_1931()[_TM30_SLICE]
    test = np.ascontiguousarray(np.hstack([samples, rgb_bar, cmf2]))
    ref = np.ascontiguousarray(np.hstack([samples, rgb_bar, cmf2[:, 1:2]]))
    basis = _d_basis_sprague_tm30().T @ ref
    lam = _WL_TM30 * 1e-9
    planck = np.ascontiguousarray((_C1 * lam**-5 / np.pi * 1e-9)[:, None] * ref)
    for m in (test, ref, basis, planck):
        m.setflags(write=False)
    return test, ref, basis, planck


def _d_products(cct_K: FloatArray) -> FloatArray:
    """The reference matrix applied to CIE D-series spectra at CCTs: ``(1, M1, M2)`` of
    :func:`_d_series` (M1, M2 rounded as there) times the applied basis, one small product
    and no spectra."""
    coefficients = np.empty((cct_K.size, 3))
    coefficients[:, 0] = 1.0
    coefficients[:, 1], coefficients[:, 2] = _d_coefficients(cct_K)
    out: FloatArray = coefficients @ _tm30_matrices()[2]  # S0 + M1 S1 + M2 S2, applied
    return out


def _planck_products(cct_K: FloatArray) -> FloatArray:
    """The reference matrix applied to Planckian spectra (:func:`_planck`) at CCTs: one
    exponential per wavelength and one product. ``exp(x) − 1`` rather than the slower ``expm1``:
    CIE 224's Planckian references lie at or below 5000 K, where ``x = c2 / λT ≥ 3.6``
    (λ ≤ 780 nm), so ``exp(x) ≥ 36`` and subtracting 1 loses no digits (the two agree to a few
    units in the last place)."""
    x = np.multiply.outer(1.0 / cct_K, _C2 / (_WL_TM30 * 1e-9))  # (N, 401)
    with np.errstate(over="ignore"):
        np.exp(x, out=x)
    x -= 1.0
    np.reciprocal(x, out=x)
    out: FloatArray = x @ _tm30_matrices()[3]
    return out


def _tm30_reference(cct_K: FloatArray) -> FloatArray:
    """The reference matrix applied to the CIE 224 reference spectra at CCTs (N, 301): a
    Planckian radiator below 4000 K, the D series above 5000 K and, in between, the blend of
    the two normalised to equal ȳ (the last column)."""
    high = cct_K > 5000
    planck = ~high
    if not planck.any():
        return _d_products(cct_K)
    p = _planck_products(cct_K[planck])
    mix = cct_K[planck] >= 4000  # the blends, among the Planckian rows
    if mix.any():  # (1 − m) P / ȳ_P + m D / ȳ_D, m = (T − 4000 K) / 1000 K
        t = cct_K[planck][mix]
        m = (t - 4000) / 1000
        blend = p[mix]
        blend *= ((1 - m) / blend[:, -1])[:, None]
        d = _d_products(t)
        d *= (m / d[:, -1])[:, None]
        blend += d
        p[mix] = blend
    if planck.all():  # no copy into place
        return p
    out = np.empty((cct_K.size, p.shape[1]))
    out[planck] = p
    out[high] = _d_products(cct_K[high])
    return out


def tm30(
    spd_1nm: FloatArray, *, cct_guess_K: FloatArray | None = None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """ANSI/IES TM-30-18 fidelity Rf and gamut Rg of spectra on the working grid.

    One product over wavelengths per test spectrum and per Planckian (or blended) reference;
    the colour appearance part is :mod:`luxcheck.kernels.tm30`.

    Parameters
    ----------
    spd_1nm
        Spectra on :data:`WAVELENGTH_NM`, shape (N, 421); only 380-780 nm is used.
    cct_guess_K
        Where to start the search for the CCT (see :func:`cct_duv_ohno2013`), shape (N,) [K];
        the result does not depend on it.

    Returns
    -------
    tuple of numpy.ndarray
        ``rf`` (N,), ``rg`` (N,) and the Ohno (2013) CCT used for the reference (N,) [K]. No
        range gate here (see :func:`spectral_metrics`).
    """
    spd = np.asarray(spd_1nm, dtype=np.float64).reshape(-1, WAVELENGTH_NM.size)[:, _TM30_SLICE]
    test = spd @ _tm30_matrices()[0]
    u, v = _uv(test[:, 300:303])
    cct, _ = cct_duv_ohno2013(u, v, guess_K=cct_guess_K)
    ref = _tm30_reference(cct)
    rf, rg = tm30_cam.rf_rg_of_products(test, ref)
    return rf, rg, cct


# --------------------------------------------------------------------------------------------
# The one-call campaign kernel
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpectralMetrics:
    """Colorimetry of a batch of spectra; every field is an array over the leading axes.

    Attributes
    ----------
    X, Y, Z
        CIE 1931 2° tristimulus values ``Σ S x̄ Δλ`` (Δλ = 1 nm) in the input's unit × nm.
    x, y, u_prime, v_prime
        CIE 1931 xy and CIE 1976 u′v′ chromaticity [1].
    cct_K, duv
        Ohno (2013) CCT [K] and Duv [1] (positive above the Planckian locus); NaN outside
        1000-25 000 K.
    ra, ri
        CIE 13.3 Ra and R1-R14 (``ri`` has a trailing axis of 14); NaN only where the CCT is
        outside 1000-25 000 K. Outside the CIE 13.3 Duv tolerance they are computed and
        ``cri_note`` says so.
    rf, rg
        ANSI/IES TM-30-18 Rf and Rg; NaN where ``tm30_reason`` is set.
    cri_valid
        True where |Duv| ≤ 5.4×10⁻³ and the CCT lies in 1000-25 000 K (CIE 13.3).
    reason
        Why CCT/CRI are not given, a :class:`~luxcheck.messages.Message` (None where they
        are), e.g. "CCT 800 K outside 1000-25000 K (Ohno 2013 range)".
    cri_note
        A note on Ra/R1-R14 that are given outside the CIE 13.3 tolerance (|Duv| > 5.4×10⁻³:
        CIE 13.3-1995 calls the index less meaningful there), None elsewhere.
    tm30_reason
        Why Rf/Rg are not given (None where they are).
    """

    X: FloatArray
    Y: FloatArray
    Z: FloatArray
    x: FloatArray
    y: FloatArray
    u_prime: FloatArray
    v_prime: FloatArray
    cct_K: FloatArray
    duv: FloatArray
    ra: FloatArray
    ri: FloatArray
    rf: FloatArray
    rg: FloatArray
    cri_valid: BoolArray
    reason: ReasonArray
    tm30_reason: ReasonArray = field(repr=False)
    cri_note: ReasonArray = field(repr=False, default_factory=lambda: np.full((), None, object))

    @property
    def shape(self) -> tuple[int, ...]:
        """The leading shape (the batch shape of the input spectra)."""
        return tuple(self.X.shape)


def _metrics_chunk(
    spd: FloatArray, with_tm30: bool
) -> dict[str, FloatArray | BoolArray | ReasonArray]:
    XYZ = xyz(spd)
    X, Y, Z = XYZ[:, 0], XYZ[:, 1], XYZ[:, 2]
    total = X + Y + Z
    x = X / total
    y = Y / total
    u, v = _uv(XYZ)
    cct, duv = cct_duv_ohno2013(u, v)
    in_range = (cct >= CCT_MIN_K) & (cct <= CCT_MAX_K)
    near_locus = np.abs(duv) <= CRI_DUV_TOLERANCE
    valid = in_range & near_locus
    reason = np.full(spd.shape[0], None, dtype=object)
    for i in np.flatnonzero(~in_range):
        reason[i] = Message(
            _n("CCT {cct:.0f} K outside {low:.0f}-{high:.0f} K (Ohno 2013 range)"),
            cct=float(cct[i]),
            low=CCT_MIN_K,
            high=CCT_MAX_K,
        )
    cri_note = np.full(spd.shape[0], None, dtype=object)
    for i in np.flatnonzero(in_range & ~near_locus):
        cri_note[i] = Message(
            _n(
                "|Duv| {duv:.4f} > {tol}: outside the CIE 13.3-1995 tolerance, where CIE 13.3 "
                "calls the colour rendering index less meaningful"
            ),
            duv=float(abs(duv[i])),
            tol=CRI_DUV_TOLERANCE,
        )
    ra, ri, _ = cri_cie133(spd)
    # computed wherever the CCT is in range: no Chinese clause gates Ra or R9 on Duv; the
    # note travels with the values (cri_note) to the verdict and the report
    ra = np.where(in_range, ra, np.nan)
    ri = np.where(in_range[:, None], ri, np.nan)
    tm30_reason = np.full(spd.shape[0], None, dtype=object)
    if with_tm30:
        # the CCT on 360-780 nm starts the search for the one on 380-780 nm (TM-30's)
        rf, rg, cct10 = tm30(spd, cct_guess_K=cct)
        ok = (cct10 >= CCT_MIN_K) & (cct10 <= CCT_MAX_K)
        for i in np.flatnonzero(~ok):
            tm30_reason[i] = Message(
                _n("CCT {cct:.0f} K outside {low:.0f}-{high:.0f} K (TM-30)"),
                cct=float(cct10[i]),
                low=CCT_MIN_K,
                high=CCT_MAX_K,
            )
        rf = np.where(ok, rf, np.nan)
        rg = np.where(ok, rg, np.nan)
    else:
        rf = np.full(spd.shape[0], np.nan)
        rg = np.full(spd.shape[0], np.nan)
        tm30_reason.fill(Message(_n("TM-30 not computed (tm30=False)")))
    return {
        "X": X,
        "Y": Y,
        "Z": Z,
        "x": x,
        "y": y,
        "u_prime": u,
        "v_prime": 1.5 * v,
        "cct_K": np.where(in_range, cct, np.nan),
        "duv": np.where(in_range, duv, np.nan),
        "ra": ra,
        "ri": ri,
        "rf": rf,
        "rg": rg,
        "cri_valid": valid,
        "reason": reason,
        "tm30_reason": tm30_reason,
        "cri_note": cri_note,
    }


def spectral_metrics(
    wavelength_nm: npt.ArrayLike,
    spd: npt.ArrayLike,
    *,
    tm30: bool = True,
    negative_tolerance: float = 0.01,
    source: str | None = None,
) -> SpectralMetrics:
    """Compute XYZ, chromaticity, CCT, Duv, CIE 13.3 CRI and TM-30 for a batch of spectra.

    Parameters
    ----------
    wavelength_nm
        Wavelengths, shape (n,), strictly increasing, covering at least 380-780 nm [nm].
    spd
        Spectral power (irradiance, radiance or relative), shape (..., n).
    tm30
        Compute ANSI/IES TM-30-18 Rf and Rg (about 10× the cost of the rest); when False they
        are NaN with a reason.
    negative_tolerance
        Dark-noise allowance for negative values, as a fraction of each spectrum's peak [1].
    source
        File name used in error messages.

    Returns
    -------
    SpectralMetrics
        Arrays over the leading axes of ``spd``; see the module docstring for the conventions.

    Raises
    ------
    luxcheck.errors.InputError
        Invalid wavelengths or spectral values (see :func:`resample_spectra`).

    Examples
    --------
    >>> import numpy as np
    >>> wl = np.arange(380.0, 781.0, 5.0)
    >>> m = spectral_metrics(wl, np.ones((2, wl.size)), tm30=False)
    >>> m.cct_K.shape, bool(m.cri_valid[0])
    ((2,), False)
    """
    wl = _validate_wavelengths(wavelength_nm, source)
    values = _validate_values(wl, spd, negative_tolerance, source)
    lead = values.shape[:-1]
    flat = values.reshape(-1, wl.size)
    parts: list[dict[str, FloatArray | BoolArray | ReasonArray]] = []
    for start in range(0, max(flat.shape[0], 1), _CHUNK):
        chunk = _resampled(flat[start : start + _CHUNK], wl, WAVELENGTH_NM)
        parts.append(_metrics_chunk(chunk, tm30))
    merged: dict[str, np.ndarray] = {}  # type: ignore[type-arg]
    for key in parts[0]:
        arr = np.concatenate([p[key] for p in parts], axis=0)
        merged[key] = arr.reshape(lead + arr.shape[1:])
    return SpectralMetrics(**merged)
