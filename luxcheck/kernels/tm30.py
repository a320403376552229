"""ANSI/IES TM-30-18 (CIE 224:2017) from the samples' CAT02 RGB: CAM02-UCS, Rf and Rg.

:func:`luxcheck.kernels.colorimetry.tm30` does the spectral part (the reference illuminant and
the one matrix product per spectrum that gives the 99 samples' and the white's CAT02 RGB); this
module does the rest, vectorised over spectra, with no trigonometric call:

- CIECAM02 (CIE 159:2004) with CIE 224's viewing conditions: L_A = 100 cd/m², Y_b = 20, average
  surround (F = 1, c = 0.69, N_c = 1), illuminant discounted (D = 1) and Y_w = 100. With D = 1
  and Y_w = 100 the adapted white is (100, 100, 100) for every source, so n, N_bb, z and A_w are
  constants and the test or reference spectrum's scale cancels;
- the eccentricity ``e_t = (cos(h + 2) + 3.8) / 4`` is written with ``cos h = a / r`` and
  ``sin h = b / r`` (``r = √(a² + b²)``), and CAM02-UCS ``a' = M' cos h``, ``b' = M' sin h``
  likewise; ``J`` and ``C`` share one logarithm of ``A / A_w``;
- the hue bin ``⌊h / 22.5°⌋`` of each reference sample is found by comparing a pseudo-angle
  (monotonic in h) with the bin edges' pseudo-angles, without arctan;
- Rf = 10 ln(1 + exp((100 − 6.73 ΔE) / 10)), Rg = 100 × the ratio of the test and reference
  gamut polygons through the 16 hue-bin means of a', b' (a bin's mean over its samples).

colour-science 0.4.7 (``colour.quality.cfi2017``, ``colour.appearance.ciecam02``) is the oracle:
the tests hold Rf and Rg to it within 1e-9.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: CAT02 (CIE 159:2004) and Hunt-Pointer-Estévez matrices.
CAT02 = np.array([[0.7328, 0.4296, -0.1624], [-0.7036, 1.6975, 0.0061], [0.0030, 0.0136, 0.9834]])
_HPE = np.array([[0.38971, 0.68898, -0.07868], [-0.22981, 1.18340, 0.04641], [0.0, 0.0, 1.0]])
_HPE_CAT02_INV = _HPE @ np.linalg.inv(CAT02)

# CIE 224:2017 viewing conditions and the constants of CIECAM02 they fix (Y_w = 100).
_L_A, _Y_B, _C, _N_C, _Y_W = 100.0, 20.0, 0.69, 1.0, 100.0
_N = _Y_B / _Y_W
_K = 1 / (5 * _L_A + 1)
_F_L = 0.2 * _K**4 * (5 * _L_A) + 0.1 * (1 - _K**4) ** 2 * (5 * _L_A) ** (1 / 3)
_N_BB = 0.725 * (1 / _N) ** 0.2
_CZ = _C * (1.48 + np.sqrt(_N))
_FL_42 = (_F_L / 100) ** 0.42
_T_SCALE = 50000 / 13 * _N_C * _N_BB / 4  # e_t · r = (a cos 2 − b sin 2 + 3.8 r) / 4
_M_SCALE = (1.64 - 0.29**_N) ** 0.73 * _F_L**0.25
_COS2, _SIN2 = float(np.cos(2.0)), float(np.sin(2.0))


def _compress(x: FloatArray) -> FloatArray:
    """CIECAM02 post-adaptation non-linear compression, in place of a fresh array."""
    f = np.abs(x)
    f = np.exp(0.42 * np.log(f, out=f), out=f)
    f *= _FL_42
    out = np.divide(f, f + 27.13, out=f)
    out *= 400.0
    np.copysign(out, x, out=out)
    out += 0.1
    return out


def _achromatic(r: FloatArray, g: FloatArray, b: FloatArray) -> FloatArray:
    return (2 * r + g + b / 20 - 0.305) * _N_BB  # type: ignore[no-any-return]


def _white_achromatic() -> float:
    rgb_pw = _HPE_CAT02_INV @ np.full(3, _Y_W)
    r, g, b = (_compress(np.array([v])) for v in rgb_pw)
    return float(_achromatic(r, g, b)[0])


#: The achromatic response of the adapted white (100, 100, 100), the same for every source.
_A_W = _white_achromatic()


def cam02ucs(
    rgb: FloatArray, rgb_w: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """CAM02-UCS J', a', b' of samples, and CIECAM02 a, b (for the hue).

    Parameters
    ----------
    rgb
        The samples' CAT02 RGB (``XYZ @ CAT02.T``), channel-major: shape (N, 3, S) or a view
        of that shape; any common scale of a spectrum's samples and white cancels.
    rgb_w
        The white's CAT02 RGB, shape (N, 3).

    Returns
    -------
    tuple of numpy.ndarray
        ``J'``, ``a'``, ``b'``, ``a``, ``b``, each (N, S).
    """
    scale = _Y_W / rgb_w  # (N, 3): von Kries with D = 1 to the adapted white (100, 100, 100)
    m = _HPE_CAT02_INV[None, :, :] * scale[:, None, :]  # (N, 3, 3) per spectrum
    rgb_p = np.matmul(m, rgb)  # (N, 3, S)
    R, G, B = _compress(rgb_p).transpose(1, 0, 2)  # one call over all three channels
    a = R - (12 / 11) * G + B / 11
    b = (R + G - 2 * B) / 9
    r = np.sqrt(a * a + b * b)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_q = np.log(_achromatic(R, G, B) / _A_W)
        t = _T_SCALE * (_COS2 * a - _SIN2 * b + 3.8 * r) / (R + G + (21 / 20) * B)
        j = 100 * np.exp(_CZ * log_q)
        m_c = _M_SCALE * np.exp(0.9 * np.log(t) + (_CZ / 2) * log_q)
        j_p = 1.7 * j / (1 + 0.007 * j)
        m_p = np.log1p(0.0228 * m_c) / 0.0228
        # M' cos h and M' sin h; at r = 0 (no hue) M' = 0, as colour-science's cos/sin give
        ratio = np.divide(m_p, r, out=np.zeros_like(r), where=r > 0)
    return j_p, ratio * a, ratio * b, a, b


def _pseudo_angle(a: FloatArray, b: FloatArray) -> FloatArray:
    """A number in [0, 4) that grows with the angle of (a, b) from 0° to 360° (the "diamond
    angle": 0 at 0°, 1 at 90°, 2 at 180°, 3 at 270°)."""
    s = np.abs(a) + np.abs(b)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.divide(b, s, out=np.zeros_like(s), where=s > 0)  # sin-like, in [-1, 1]
    # upper half: a ≥ 0 → p in [0, 1], a < 0 → 2 − p; lower half (b < 0): 4 + p or 2 − p
    out = np.where(a >= 0, np.where(b >= 0, p, 4 + p), 2 - p)
    return out  # type: ignore[no-any-return]


_edge_deg = 22.5 * np.arange(1, 16)
#: Hue-bin edges 22.5°·k (k = 1…15) as pseudo-angles.
_BIN_EDGES = _pseudo_angle(np.cos(np.radians(_edge_deg)), np.sin(np.radians(_edge_deg)))


def hue_bins(a: FloatArray, b: FloatArray) -> IntArray:
    """The 16 TM-30 hue bins (0-15) of CIECAM02 a, b: bin k holds 22.5°·k ≤ h < 22.5°·(k+1)."""
    return np.searchsorted(_BIN_EDGES, _pseudo_angle(a, b), side="right")  # type: ignore[no-any-return]


def _polygon_area(x: FloatArray, y: FloatArray) -> FloatArray:
    """Signed shoelace area of closed polygons with vertices (N, K)."""
    out: FloatArray = 0.5 * np.sum(x * np.roll(y, -1, axis=1) - y * np.roll(x, -1, axis=1), axis=1)
    return out


def rf_rg(
    test: tuple[FloatArray, FloatArray, FloatArray],
    reference: tuple[FloatArray, FloatArray, FloatArray],
    bins: IntArray,
) -> tuple[FloatArray, FloatArray]:
    """Rf and Rg of spectra from the samples' J', a', b' under test and reference (N, S each)
    and the reference hue bins (N, S)."""
    jt, at, bt = test
    jr, ar, br = reference
    delta_e = np.sqrt((jt - jr) ** 2 + (at - ar) ** 2 + (bt - br) ** 2)
    rf = 10 * np.log1p(np.exp((100 - 6.73 * delta_e.mean(axis=1)) / 10))
    n = bins.shape[0]
    # per-spectrum hue-bin sums by one bincount over (spectrum, bin) cells: O(N·S)
    cell = (np.arange(n)[:, None] * 16 + bins).ravel()
    size = n * 16
    count = np.bincount(cell, minlength=size).reshape(n, 16)

    def mean(values: FloatArray) -> FloatArray:
        sums = np.bincount(cell, weights=values.ravel(), minlength=size).reshape(n, 16)
        return sums / count  # type: ignore[no-any-return]

    with np.errstate(invalid="ignore", divide="ignore"):
        area_t = _polygon_area(mean(at), mean(bt))
        area_r = _polygon_area(mean(ar), mean(br))
        rg = 100 * area_t / area_r
    return rf, rg
