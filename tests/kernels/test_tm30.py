"""Tests of luxcheck.kernels.tm30 and the TM-30 path of luxcheck.kernels.colorimetry.

Oracle: colour-science 0.4.7 ``colour_fidelity_index(method="ANSI/IES TM-30-18")`` (CIE 224:2017
/ ANSI/IES TM-30-18), and for the hue bins the definition ``⌊h / 22.5°⌋`` with
``h = atan2(b, a)`` in degrees (TM-30-18 §4.2, as colour-science computes it).
"""

from __future__ import annotations

import warnings

import colour
import numpy as np
import pytest

from luxcheck.demo.synth_spectra import random_white_leds, white_led_spd
from luxcheck.kernels import colorimetry as C
from luxcheck.kernels import tm30 as T

_WL = np.arange(380.0, 781.0)


def _colour_tm30(values: np.ndarray) -> tuple[float, float]:
    warnings.filterwarnings("ignore", module="colour")
    colour.utilities.filter_warnings(colour_runtime_warnings=True, colour_usage_warnings=True)
    sd = colour.SpectralDistribution(values, _WL)
    spec = colour.colour_fidelity_index(sd, additional_data=True, method="ANSI/IES TM-30-18")
    return float(spec.R_f), float(spec.R_g)


@pytest.mark.parametrize(
    "cct_range_K",
    [(2200.0, 3990.0), (4010.0, 4990.0), (5010.0, 6500.0), (6500.0, 10000.0)],
    ids=["planckian", "blend", "daylight", "high-cct"],
)
def test_rf_rg_agree_with_colour_science_to_1e9(cct_range_K: tuple[float, float]) -> None:
    """Rf and Rg of white LEDs in each reference range of CIE 224 (Planckian below 4000 K,
    the blend to 5000 K, the D series above, where no wavelength product is taken for the
    reference) equal colour-science's to 1e-9."""
    spd, _ = random_white_leds(_WL, 4, np.random.default_rng(21), cct_range_K=cct_range_K)
    m = C.spectral_metrics(_WL, spd)
    for i, values in enumerate(spd):
        rf, rg = _colour_tm30(values)
        assert abs(float(m.rf[i]) - rf) <= 1e-9
        assert abs(float(m.rg[i]) - rg) <= 1e-9


def test_rf_rg_of_a_spiky_spectrum_agree_with_colour_science() -> None:
    """A narrow-band tri-phosphor-like spectrum (low Rf, Rg above 100) and CIE FL2: colour-science
    to 1e-9 (CIE 224 oracle), away from the smooth LED family."""
    spiky = white_led_spd(_WL, 4000.0)
    for peak, width in ((450.0, 8.0), (545.0, 6.0), (611.0, 5.0)):
        spiky = spiky + 3 * np.exp(-0.5 * ((_WL - peak) / width) ** 2)
    fl2 = colour.SDS_ILLUMINANTS["FL2"].copy().align(colour.SpectralShape(380, 780, 1)).values
    for values in (spiky, fl2):
        rf, rg = _colour_tm30(values)
        m = C.spectral_metrics(_WL, values)
        assert abs(float(m.rf) - rf) <= 1e-9
        assert abs(float(m.rg) - rg) <= 1e-9


def test_hue_bins_follow_the_angle_definition() -> None:
    """hue_bins gives ⌊h / 22.5°⌋ for points all round the circle, on the axes and just either
    side of every bin edge (TM-30-18 hue bins; the definition is the oracle)."""
    rng = np.random.default_rng(3)
    angle = np.concatenate(
        [
            rng.uniform(0, 360, 5000),
            [0.0, 90.0, 180.0, 270.0],
            22.5 * np.arange(16) + 1e-6,
            22.5 * np.arange(1, 17) - 1e-6,
        ]
    )
    radius = rng.uniform(0.1, 50, angle.size)
    a = radius * np.cos(np.radians(angle))
    b = radius * np.sin(np.radians(angle))
    expected = np.floor((np.degrees(np.arctan2(b, a)) % 360) / 22.5).astype(int)
    np.testing.assert_array_equal(T.hue_bins(a, b), expected)


def test_cam02ucs_is_scale_free_and_j_is_100_at_the_white() -> None:
    """With D = 1 and Y_w = 100 (CIE 224) a common scale of samples and white cancels, and a
    sample equal to the white has J' = 1.7·100/1.7 = 100 (CIECAM02: J = 100 at the white;
    CAM02-UCS J' = 1.7 J / (1 + 0.007 J))."""
    rng = np.random.default_rng(8)
    rgb = rng.uniform(5, 120, (3, 3, 7))
    white = rng.uniform(80, 120, (3, 3))
    rgb[:, :, 0] = white
    one = T.cam02ucs(rgb, white)
    scaled = T.cam02ucs(rgb * 7.5, white * 7.5)
    for x, y in zip(one, scaled, strict=True):
        np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-10)
    np.testing.assert_allclose(one[0][:, 0], 1.7 * 100 / 1.7, rtol=1e-12)


@pytest.mark.parametrize("signs", ["positive", "mixed"])
def test_unit_response_is_ciecam02s_compression(signs: str) -> None:
    """400 × the unit response + 0.1 is CIECAM02's post-adaptation compression of the cone
    responses, negative ones included (colour-science's
    ``post_adaptation_non_linear_response_compression_forward``, Luo 2013, as oracle), on the
    path for all-positive responses and on the one that carries signs."""
    from colour.appearance.ciecam02 import (
        post_adaptation_non_linear_response_compression_forward as compression,
    )

    rng = np.random.default_rng(12)
    rgb = rng.uniform(0.01, 150.0, (4, 50))
    if signs == "mixed":
        rgb *= rng.choice([-1.0, 1.0], rgb.shape)
        rgb[0, :3] = 0.0
    got = 400 * T._unit_response(T._F_L / 100 * rgb) + 0.1
    np.testing.assert_allclose(got, compression(rgb, T._F_L), rtol=1e-13, atol=1e-13)


def test_hue_bin_table_equals_the_search_of_the_edges() -> None:
    """The table look-up of hue_bins gives the bin the search of the pseudo-angle edges gives
    (``searchsorted(_BIN_EDGES, p, side="right")``, the definition it replaces), at every edge,
    one step either side of it, at every cell boundary k/1024 and at 4 (property of the
    logic); and no colour (NaN) gives a bin, not an error."""
    edges = T._BIN_EDGES
    cells = np.arange(4 * T._CELLS + 1) / T._CELLS
    p = np.concatenate(
        [edges, np.nextafter(edges, -np.inf), np.nextafter(edges, np.inf), cells, [4.0]]
    )
    p = p[(p >= 0) & (p <= 4)]
    # points (a, b) with these pseudo-angles, so that hue_bins sees them through _pseudo_angle
    quadrant = np.minimum(np.floor(p), 3)
    f = p - quadrant
    base = np.stack([1 - f, f])  # first quadrant: a = 1 - f, b = f gives b / (|a| + |b|) = f
    a = np.choose(quadrant.astype(int), [base[0], -base[1], -base[0], base[1]])
    b = np.choose(quadrant.astype(int), [base[1], base[0], -base[1], -base[0]])
    # and a point whose pseudo-angle 4 + b / (|a| + |b|) rounds to 4 (the table's last cell)
    a, b = np.append(a, 1.0), np.append(b, -1e-20)
    expected = np.searchsorted(edges, T._pseudo_angle(a, b), side="right")
    assert T._pseudo_angle(a, b)[-1] == 4.0
    np.testing.assert_array_equal(T.hue_bins(a, b), expected)
    assert T.hue_bins(np.array([np.nan]), np.array([np.nan])).shape == (1,)


def test_polygon_area_of_a_regular_polygon() -> None:
    """The shoelace area of a regular 16-gon of radius R is 8 R² sin(22.5°) (analytic), and
    negative when the vertices run clockwise."""
    angle = np.radians(22.5 * np.arange(16))
    radius = np.array([[1.0], [3.5]])
    x, y = radius * np.cos(angle), radius * np.sin(angle)
    expected = 8 * radius[:, 0] ** 2 * np.sin(np.radians(22.5))
    np.testing.assert_allclose(T._polygon_area(x, y), expected, rtol=1e-14)
    np.testing.assert_allclose(T._polygon_area(x[:, ::-1], y[:, ::-1]), -expected, rtol=1e-14)


def test_reference_products_equal_colour_sciences_reference_illuminants() -> None:
    """The reference matrix applied to CIE 224's reference illuminant (Planckian below 4000 K,
    the blend to 5000 K, the D series above; computed without the spectra for the D series
    and the blend's D part) equals the matrix applied to colour-science's
    ``sd_reference_illuminant`` at each CCT, every row scaled to its ȳ (the blend is defined
    on equal ȳ; the scale of a reference cancels in CIECAM02 with D = 1)."""
    from colour.quality.cfi2017 import sd_reference_illuminant

    cct = np.array([1500.0, 2700.0, 3999.9, 4000.0, 4437.5, 5000.0, 5000.1, 6500.0, 17000.0])
    ref_matrix = C._tm30_matrices()[1]
    shape = colour.SpectralShape(380, 780, 1)
    expected = np.array([sd_reference_illuminant(t, shape).values for t in cct]) @ ref_matrix
    for order in (np.arange(cct.size), np.arange(cct.size)[::-1], [3, 4, 5]):
        got = C._tm30_reference(cct[order])
        np.testing.assert_allclose(
            got / got[:, -1:], expected[order] / expected[order, -1:], rtol=1e-12, atol=0
        )
