"""ANSI/IES TM-30-18 (CIE 224:2017) from the samples' CAT02 RGB: CAM02-UCS, Rf and Rg.

:func:`luxcheck.kernels.colorimetry.tm30` does the spectral part (the reference illuminant and
the one matrix product per spectrum that gives the 99 samples' and the white's CAT02 RGB); this
module does the rest, vectorised over spectra, with no trigonometric call:

- CIECAM02 (CIE 159:2004) with CIE 224's viewing conditions: L_A = 100 cd/m², Y_b = 20, average
  surround (F = 1, c = 0.69, N_c = 1), illuminant discounted (D = 1) and Y_w = 100. With D = 1
  and Y_w = 100 the adapted white is (100, 100, 100) for every source, so n, N_bb, z and A_w are
  constants and the test or reference spectrum's scale cancels;
- the post-adaptation responses are ``R_a = 400 R' + 0.1`` with ``R' = f / (f + 27.13)``,
  ``f = (F_L R / 100)^0.42`` (one logarithm and one exponential per cone response). Everything
  CIECAM02 takes from them before the next power is linear in (R', G', B'): a, b, the
  achromatic response A and the denominator of t, with the offsets 0.1 cancelling in a, b and
  A (0.1 × (2 + 1 + 1/20) = 0.305) and adding 0.305 to the denominator. One small matrix
  (:data:`_ROWS`) gives them, with the factor 400, N_bb / A_w and the constants of t and M
  folded in;
- the eccentricity ``e_t = (cos(h + 2) + 3.8) / 4`` is written with ``cos h = a / r`` and
  ``sin h = b / r`` (``r = √(a² + b²)``), so ``e_t r = (a cos 2 − b sin 2 + 3.8 r) / 4``, and
  CAM02-UCS ``a' = M' cos h``, ``b' = M' sin h`` likewise; ``J = 100 (A / A_w)^(cz)`` and
  ``M ∝ t^0.9 (A / A_w)^(cz/2)`` share one logarithm of ``A / A_w``: five transcendental calls
  per sample (two logarithms, two exponentials and the ``ln(1 + 0.0228 M)`` of M');
- the hue bin ``⌊h / 22.5°⌋`` of each reference sample is found by comparing a pseudo-angle
  (monotonic in h) with the bin edges' pseudo-angles, without arctan;
- Rf = 10 ln(1 + exp((100 − 6.73 ΔE) / 10)), Rg = 100 × the ratio of the test and reference
  gamut polygons through the 16 hue-bin means of a', b' (a bin's mean over its samples).

The von Kries and HPE step (3 × 3 per spectrum) is numpy's stacked ``matmul``, written
channel-major; the 4 × 3 rows of the linear quantities are one BLAS product over all samples
(measured faster than ``einsum`` with one BLAS thread and with two). The hue bins come from a
table over the pseudo-angle, the gamut areas from two dot products per polygon.

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
_T_SCALE = 50000 / 13 * _N_C * _N_BB / 4  # t = _T_SCALE (a cos 2 − b sin 2 + 3.8 r) / (R_a + …)
_M_SCALE = (1.64 - 0.29**_N) ** 0.73 * _F_L**0.25  # M = _M_SCALE t^0.9 (A / A_w)^(cz/2)
_COS2, _SIN2 = float(np.cos(2.0)), float(np.sin(2.0))
#: t scaled so that t^0.9 carries _M_SCALE and CAM02-UCS's 0.0228: exp(0.9 ln t' + cz/2 ln q)
#: is 0.0228 M; and 3.8 taken out of e_t r, so that t' = (r + (a cos 2 − b sin 2) / 3.8) / den'.
_T_PRIME = _T_SCALE * (0.0228 * _M_SCALE) ** (1 / 0.9) * 3.8


def _unit_response(x: FloatArray) -> FloatArray:
    """``sign(x) f / (f + 27.13)`` with ``f = |x|^0.42``, for ``x = F_L R / 100``: the CIECAM02
    post-adaptation response is 400 times this plus 0.1 (both folded into :data:`_ROWS`).
    ``x`` is overwritten."""
    positive = bool(x.min() > 0)  # as cone responses of real samples are: no sign to carry
    with np.errstate(divide="ignore"):  # a zero response: log 0 = -inf, exp(-inf) = 0
        f = np.log(x) if positive else np.log(np.abs(x))
    f *= 0.42
    np.exp(f, out=f)
    den = np.add(f, 27.13, out=x if positive else None)  # x is no longer needed then
    f /= den
    if not positive:
        np.copysign(f, x, out=f)
    return f


_A_ROW = 400 * np.array([1.0, -12 / 11, 1 / 11])  # a = R_a − 12 G_a / 11 + B_a / 11
_B_ROW = 400 / 9 * np.array([1.0, 1.0, -2.0])  # b = (R_a + G_a − 2 B_a) / 9
# A = (2 R_a + G_a + B_a / 20 − 0.305) N_bb
_ACHROMATIC_ROW = 400 * _N_BB * np.array([2.0, 1.0, 1 / 20])
#: The achromatic response of the adapted white (100, 100, 100), the same for every source.
_A_W = float(_ACHROMATIC_ROW @ _unit_response(_F_L / 100 * _HPE_CAT02_INV @ np.full(3, _Y_W)))
#: From (R', G', B'): a, b, q = A / A_w and t's denominator (R_a + G_a + 21 B_a / 20) / _T_PRIME
#: less its offset 0.305 / _T_PRIME (:data:`_T_OFFSET`).
_ROWS = np.stack(
    [_A_ROW, _B_ROW, _ACHROMATIC_ROW / _A_W, 400 * np.array([1.0, 1.0, 21 / 20]) / _T_PRIME]
)
_T_OFFSET = 0.305 / _T_PRIME


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
    # von Kries with D = 1 to the adapted white (100, 100, 100), then HPE, per spectrum; F_L/100
    # of the compression folded in
    scale = (_F_L / 100 * _Y_W) / rgb_w  # (N, 3)
    m = _HPE_CAT02_INV[None, :, :] * scale[:, None, :]  # (N, 3, 3)
    # channel-major (quantity, N, S) from here on, so each quantity is one contiguous array
    shape = (rgb.shape[0], rgb.shape[2])
    response = np.empty((3, *shape))
    np.matmul(m, rgb, out=response.transpose(1, 0, 2))  # stacked 3 × 3 products
    response = _unit_response(response)  # (3, N, S)
    # one BLAS product over every sample (faster than einsum's loop, with one thread or more)
    a, b, q, den = (_ROWS @ response.reshape(3, -1)).reshape(4, *shape)
    # J', a', b' in one array; its rows hold r, t' and ln q on the way
    jab = np.empty((3, *shape))
    tmp, r, t = jab
    np.multiply(a, a, out=r)
    np.multiply(b, b, out=tmp)
    r += tmp
    np.sqrt(r, out=r)
    # e_t r from a and b themselves, so that it is ≥ 2.8 r ≥ 0 to the last bit
    np.multiply(a, _COS2 / 3.8, out=t)
    np.multiply(b, _SIN2 / 3.8, out=tmp)
    t -= tmp
    t += r
    den += _T_OFFSET
    t /= den  # t' (see _T_PRIME)
    with np.errstate(divide="ignore", invalid="ignore"):  # t' = 0 at r = 0 (no hue): M = 0
        np.log(q, out=q)
        np.multiply(q, _CZ / 2, out=tmp)  # ln (A / A_w)^(cz/2)
        np.log(t, out=t)
    t *= 0.9
    t += tmp
    np.exp(t, out=t)  # 0.0228 M
    t += 1.0
    np.log(t, out=t)  # 0.0228 M' = ln(1 + 0.0228 M)
    tmp *= -2.0
    j = np.exp(tmp, out=tmp)  # 100 / J
    j += 0.7
    np.divide(170.0, j, out=j)  # J' = 1.7 J / (1 + 0.007 J) = 170 / (100 / J + 0.7)
    r *= 0.0228
    # M' cos h and M' sin h; at r = 0 (no hue) M' = 0 and a = b = 0, so a' = b' = 0 as
    # colour-science's cos/sin give
    np.divide(t, r, out=t, where=r > 0)
    np.multiply(t, a, out=r)
    t *= b
    return j, r, t, a, b


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


#: The pseudo-angle's range [0, 4] cut into cells of 1/1024 (a power of two, so the cell of p,
#: ⌊1024 p⌋, is exact); the bin edges are more than a cell apart, so a cell holds at most one.
_CELLS = 1024
#: The bin at each cell's start k / 1024 (k = 0…4096), and the first edge above that start
#: (inf above the last): p in cell k is in bin _CELL_BIN[k] + (p ≥ _CELL_EDGE[k]).
_CELL_BIN = np.searchsorted(_BIN_EDGES, np.arange(4 * _CELLS + 1) / _CELLS, side="right")
_CELL_EDGE = np.append(_BIN_EDGES, np.inf)[_CELL_BIN]


def hue_bins(a: FloatArray, b: FloatArray) -> IntArray:
    """The 16 TM-30 hue bins (0-15) of CIECAM02 a, b: bin k holds 22.5°·k ≤ h < 22.5°·(k+1).

    The bins of the pseudo-angle's edges (:data:`_BIN_EDGES`) by table look-up: the same as
    searching the edges (``np.searchsorted(_BIN_EDGES, p, side="right")``), in fewer passes."""
    p = _pseudo_angle(a, b)
    with np.errstate(invalid="ignore"):  # NaN (no colour): a cell clipped into the table
        cell = (p * _CELLS).astype(np.intp)
    bins: IntArray = np.take(_CELL_BIN, cell, mode="clip")
    bins += p >= np.take(_CELL_EDGE, cell, mode="clip")
    return bins


def _polygon_area(x: FloatArray, y: FloatArray) -> FloatArray:
    """Signed shoelace area of closed polygons with vertices (N, K):
    ½ Σ (x_k y_k+1 − y_k x_k+1), the last vertex joined to the first."""
    out: FloatArray = np.einsum("nk,nk->n", x[:, :-1], y[:, 1:])
    out -= np.einsum("nk,nk->n", y[:, :-1], x[:, 1:])
    out += x[:, -1] * y[:, 0]
    out -= y[:, -1] * x[:, 0]
    out *= 0.5
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
    delta_e = np.subtract(jt, jr)
    delta_e *= delta_e
    tmp = np.subtract(at, ar)
    tmp *= tmp
    delta_e += tmp
    np.subtract(bt, br, out=tmp)
    tmp *= tmp
    delta_e += tmp
    np.sqrt(delta_e, out=delta_e)
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


def rf_rg_of_products(test: FloatArray, reference: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Rf and Rg from the products of the test and reference spectra (N, ≥ 300 each): in each
    row the 99 samples' CAT02 RGB (channel-major) and then the white's."""
    n = test.shape[0]
    jab_t = cam02ucs(test[:, :297].reshape(n, 3, 99), test[:, 297:300])
    jab_r = cam02ucs(reference[:, :297].reshape(n, 3, 99), reference[:, 297:300])
    return rf_rg(jab_t[:3], jab_r[:3], hue_bins(jab_r[3], jab_r[4]))  # the reference's hues
