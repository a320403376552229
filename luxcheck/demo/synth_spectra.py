"""Synthetic white-LED spectra: a model for demos, emulators and tests (not measured data).

Model
-----
A phosphor-converted white LED is modelled as the sum of three Gaussian bands in wavelength:

- the blue pump LED (peak 440-460 nm, FWHM 15-25 nm);
- a broad yellow-green garnet phosphor (YAG/LuAG; peak 530-570 nm, FWHM 90-130 nm);
- a red nitride phosphor (peak 610-660 nm, FWHM 60-100 nm), which raises Ra and R9.

With the band shapes fixed, the blue and red weights (green weight 1) are solved from two linear
equations so that the mixture has exactly the requested chromaticity: the point at distance
``duv`` from the Planckian locus at ``cct_K`` (CIE 1960 UCS, Duv positive above the locus). The
band shapes therefore set the colour rendering: a weak, short-wavelength red band gives Ra about
70 and R9 well below zero; a strong, long, broad red band gives Ra above 90 and R9 above 50.
Shapes for which no non-negative weights reach the target raise ``ValueError``.

Everything is vectorised: parameters broadcast over a leading batch axis.
"""

from __future__ import annotations

import functools

import numpy as np
import numpy.typing as npt

from luxcheck.kernels import colorimetry

FloatArray = npt.NDArray[np.float64]

__all__ = ["random_white_leds", "white_led_spd"]

_FWHM_TO_SIGMA = 1.0 / (2.0 * np.sqrt(2.0 * np.log(2.0)))
#: Maximum luminous efficacy of radiation [lm/W] (CIE photopic, 683 lm/W at 555 nm).
K_M_LM_PER_W = 683.0


def _band(wl: FloatArray, peak_nm: FloatArray, fwhm_nm: FloatArray) -> FloatArray:
    sigma = np.asarray(fwhm_nm, dtype=np.float64)[..., None] * _FWHM_TO_SIGMA
    peak = np.asarray(peak_nm, dtype=np.float64)[..., None]
    out: FloatArray = np.exp(-0.5 * ((wl - peak) / sigma) ** 2)
    return out


_Bands = tuple[list[FloatArray], FloatArray, list[FloatArray]]


def _bands(
    wl: FloatArray,
    bp: FloatArray,
    bw: FloatArray,
    gp: FloatArray,
    gw: FloatArray,
    rp: FloatArray,
    rw: FloatArray,
) -> _Bands:
    """The blue, green and red bands (peaks ``bp, gp, rp``, widths ``bw, gw, rw`` [nm], shape
    (N,)): on the colorimetry grid, their XYZ (N, 3 bands, 3), and at ``wl``."""
    grid = colorimetry.WAVELENGTH_NM
    cmf = colorimetry._cmf_1931()
    comps_grid = [_band(grid, bp, bw), _band(grid, gp, gw), _band(grid, rp, rw)]
    xyz = np.stack([c @ cmf for c in comps_grid], axis=1)
    comps = [_band(wl, bp, bw), _band(wl, gp, gw), _band(wl, rp, rw)]
    return comps_grid, xyz, comps


@functools.lru_cache(maxsize=8)
def _one_led_bands(wl_bytes: bytes, wl_shape: tuple[int, ...], *shape: float) -> _Bands:
    """:func:`_bands` of one spectrum (the same arrays, computed once for a room's
    spectra of one LED: its general luminaires' and often its blackboard lamps'); read-only."""
    wl = np.frombuffer(wl_bytes, dtype=np.float64).reshape(wl_shape)
    comps_grid, xyz, comps = _bands(wl, *(np.array([value]) for value in shape))
    for array in (*comps_grid, xyz, *comps):
        array.flags.writeable = False
    return comps_grid, xyz, comps


def _target_uv(cct_K: FloatArray, duv: FloatArray) -> tuple[FloatArray, FloatArray]:
    """uv (CIE 1960) at distance duv from the Planckian locus at cct_K (Ohno 2013 inverse)."""
    wl = colorimetry.WAVELENGTH_NM
    cmf = colorimetry._cmf_1931()
    t = np.asarray(cct_K, dtype=np.float64).reshape(-1)
    u0, v0 = colorimetry._uv(colorimetry._planck(wl, t) @ cmf)
    u1, v1 = colorimetry._uv(colorimetry._planck(wl, t + 0.01) @ cmf)
    du, dv = u0 - u1, v0 - v1
    h = np.hypot(du, dv)
    d = np.broadcast_to(np.asarray(duv, dtype=np.float64), t.shape)
    return u0 - d * dv / h, v0 + d * du / h


def white_led_spd(
    wavelength_nm: npt.ArrayLike,
    cct_K: npt.ArrayLike,
    *,
    duv: npt.ArrayLike = 0.0,
    blue_peak_nm: npt.ArrayLike = 450.0,
    blue_fwhm_nm: npt.ArrayLike = 20.0,
    green_peak_nm: npt.ArrayLike = 550.0,
    green_fwhm_nm: npt.ArrayLike = 110.0,
    red_peak_nm: npt.ArrayLike = 630.0,
    red_fwhm_nm: npt.ArrayLike = 80.0,
    illuminance_lx: npt.ArrayLike | None = None,
) -> FloatArray:
    """Synthesise white-LED spectra with an exact target CCT and Duv (see the module model).

    Parameters
    ----------
    wavelength_nm
        Output wavelengths, shape (n,) [nm].
    cct_K
        Target correlated colour temperature(s) [K]; all parameters broadcast together.
    duv
        Target distance from the Planckian locus (positive above) [1].
    blue_peak_nm, blue_fwhm_nm, green_peak_nm, green_fwhm_nm, red_peak_nm, red_fwhm_nm
        Band centres and full widths at half maximum [nm].
    illuminance_lx
        If given, the spectra are scaled to spectral irradiance [W·m⁻²·nm⁻¹] giving this
        illuminance; otherwise they are relative with peak 1.

    Returns
    -------
    numpy.ndarray
        Spectra of shape (batch..., n).

    Raises
    ------
    ValueError
        When the band shapes cannot reach the target chromaticity with non-negative weights.
    """
    wl = np.asarray(wavelength_nm, dtype=np.float64)
    args = np.broadcast_arrays(
        *[
            np.asarray(a, dtype=np.float64)
            for a in (
                cct_K,
                duv,
                blue_peak_nm,
                blue_fwhm_nm,
                green_peak_nm,
                green_fwhm_nm,
                red_peak_nm,
                red_fwhm_nm,
            )
        ]
    )
    lead = args[0].shape
    cct, d, bp, bw, gp, gw, rp, rw = (a.reshape(-1) for a in args)
    cmf = colorimetry._cmf_1931()
    if cct.size == 1:  # one spectrum: its bands are those of the last spectra of that shape
        shape = (float(bp[0]), float(bw[0]), float(gp[0]), float(gw[0]), float(rp[0]), float(rw[0]))
        comps_grid, xyz, comps = _one_led_bands(wl.tobytes(), wl.shape, *shape)
    else:
        comps_grid, xyz, comps = _bands(wl, bp, bw, gp, gw, rp, rw)
    u_t, v_t = _target_uv(cct, d)
    # CIE 1960: u = 4X/(X+15Y+3Z), v = 6Y/(X+15Y+3Z) → linear constraints on the weights.
    den = xyz[..., 0] + 15 * xyz[..., 1] + 3 * xyz[..., 2]
    row_u = 4 * xyz[..., 0] - u_t[:, None] * den
    row_v = 6 * xyz[..., 1] - v_t[:, None] * den
    # weights (w_blue, 1, w_red): A @ [w_b, w_r] = -green column
    a = np.stack(
        [np.stack([row_u[:, 0], row_u[:, 2]], -1), np.stack([row_v[:, 0], row_v[:, 2]], -1)], 1
    )
    rhs = -np.stack([row_u[:, 1], row_v[:, 1]], -1)
    w = np.linalg.solve(a, rhs[..., None])[..., 0]
    if np.any(w < 0):
        bad = int(np.flatnonzero((w < 0).any(axis=1))[0])
        raise ValueError(
            f"bands of spectrum #{bad + 1} cannot reach {cct[bad]:.0f} K, Duv {d[bad]:+.4f} "
            "with non-negative weights; move the red or green band"
        )
    spd = w[:, :1] * comps[0] + comps[1] + w[:, 1:] * comps[2]
    if illuminance_lx is None:
        spd = spd / spd.max(axis=1, keepdims=True)
    else:
        grid_spd = w[:, :1] * comps_grid[0] + comps_grid[1] + w[:, 1:] * comps_grid[2]
        lux = K_M_LM_PER_W * (grid_spd @ cmf[:, 1])
        target = np.broadcast_to(np.asarray(illuminance_lx, dtype=np.float64), lead).reshape(-1)
        spd = spd * (target / lux)[:, None]
    out: FloatArray = spd.reshape(*lead, wl.size)
    return out


def random_white_leds(
    wavelength_nm: npt.ArrayLike,
    n: int,
    rng: np.random.Generator,
    *,
    cct_range_K: tuple[float, float] = (3000.0, 6500.0),
    duv_range: tuple[float, float] = (-0.003, 0.003),
    illuminance_lx: float | None = None,
) -> tuple[FloatArray, dict[str, FloatArray]]:
    """Draw ``n`` realistic classroom white LEDs (Ra about 70-95, R9 from negative to positive).

    Parameters
    ----------
    wavelength_nm
        Output wavelengths [nm].
    n
        Number of spectra.
    rng
        Random generator (pass a seeded one for reproducible campaigns).
    cct_range_K, duv_range
        Uniform ranges of the target CCT [K] and Duv [1].
    illuminance_lx
        Scale to this illuminance (spectral irradiance output) instead of peak 1.

    Returns
    -------
    tuple
        The spectra (n, len(wavelength_nm)) and the drawn parameters by name.
    """
    params = {
        "cct_K": rng.uniform(*cct_range_K, n),
        "duv": rng.uniform(*duv_range, n),
        "blue_peak_nm": rng.uniform(445.0, 458.0, n),
        "blue_fwhm_nm": rng.uniform(16.0, 24.0, n),
        "green_peak_nm": rng.uniform(530.0, 560.0, n),
        "green_fwhm_nm": rng.uniform(95.0, 125.0, n),
        "red_peak_nm": rng.uniform(605.0, 655.0, n),
        "red_fwhm_nm": rng.uniform(60.0, 100.0, n),
    }
    spd = white_led_spd(wavelength_nm, illuminance_lx=illuminance_lx, **params)
    return spd, params
