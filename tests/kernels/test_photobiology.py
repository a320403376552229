"""Tests of luxcheck.kernels.photobiology (IEC 62471 / IEC TR 62778 blue light, CIE S 026
melanopic).

The independent computations below use the tabulated functions directly on the 5 nm grid of the
CIE illuminants (no resampling), coded separately from the module: B(λ) from the IEC 62471
Table 4.2 values, V(λ) from colour-science's CIE 1924 photopic table and
s_mel(λ) from the CIE S 026 Table 2 source file.
"""

from __future__ import annotations

from pathlib import Path

import colour
import numpy as np
import pytest

from luxcheck.analysis.spectral import photobiology_metric_dict
from luxcheck.demo.synth_spectra import random_white_leds
from luxcheck.errors import InputError
from luxcheck.kernels import photobiology as P

ROOT = Path(__file__).resolve().parents[2]

#: IEC 62471:2006 Table 4.2 B(λ), 380-495 nm at 5 nm.
B_380_495 = [
    0.01, 0.013, 0.025, 0.05, 0.10, 0.20, 0.40, 0.80, 0.90, 0.95, 0.98, 1.00,
    1.00, 0.97, 0.94, 0.90, 0.80, 0.70, 0.62, 0.55, 0.45, 0.40, 0.22, 0.16,
]  # fmt: skip

ILLUMINANTS = ["A", "D65", "FL2", "FL11", "LED-B1", "LED-B3", "LED-B5", "LED-BH1", "LED-V2"]


def _b_iec62471(wl: np.ndarray) -> np.ndarray:
    b = np.zeros_like(wl)
    for i, w in enumerate(wl):
        if 300 <= w < 380:
            b[i] = 0.01  # IEC 62471:2006 Table 4.2, row 300-380 nm
        elif 380 <= w <= 495:
            b[i] = B_380_495[round((w - 380) / 5)]
        elif 500 <= w <= 600:
            b[i] = 10 ** ((450 - w) / 50)
        elif 600 < w <= 700:
            b[i] = 0.001
    return b


def _s_mel(wl: np.ndarray) -> np.ndarray:
    lines = (ROOT / "scripts" / "sources" / "cie_s026_2018_melanopic.csv").read_text().splitlines()
    rows = [line.split(",") for line in lines if line and line[0].isdigit()]
    table = {float(a): float(b) for a, b in rows}
    return np.array([table[float(w)] for w in wl])


def _v(wl: np.ndarray) -> np.ndarray:
    v = colour.colorimetry.SDS_LEFS_PHOTOPIC["CIE 1924 Photopic Standard Observer"]
    return np.array([v[w] for w in wl])


def _independent(name: str) -> tuple[float, float]:
    sd = colour.SDS_ILLUMINANTS[name]
    keep = (sd.wavelengths >= 380) & (sd.wavelengths <= 780)
    wl, s = sd.wavelengths[keep], sd.values[keep]
    v = np.sum(s * _v(wl))
    uv = (sd.wavelengths >= 300) & (sd.wavelengths < 380)  # B(λ) from 300 nm where covered
    b_uv = np.sum(sd.values[uv] * _b_iec62471(sd.wavelengths[uv]))
    kbv = (np.sum(s * _b_iec62471(wl)) + b_uv) / (683 * v)
    kmel = np.sum(s * _s_mel(wl)) / (683 * v)
    return kbv, kmel


@pytest.mark.parametrize("name", ILLUMINANTS)
def test_kbv_and_mel_der_match_an_independent_computation(name: str) -> None:
    """K_B,v and mel-DER within 0.5 % of a separate 5 nm summation of the tabulated functions
    (issue 4 accuracy requirement)."""
    sd = colour.SDS_ILLUMINANTS[name]
    kbv, kmel = _independent(name)
    assert float(P.blue_light(sd.wavelengths, sd.values).kbv_w_per_lm) == pytest.approx(
        kbv, rel=5e-3
    )
    mel = P.melanopic(sd.wavelengths, sd.values)
    assert float(mel.der) == pytest.approx(kmel / P.K_MEL_D65_W_PER_LM, rel=5e-3)


def test_synthetic_leds_at_1nm_match_an_independent_computation() -> None:
    """1 nm synthetic LEDs: K_B,v and mel-DER within 0.5 % of a separate sum with B(λ)
    interpolated from its 5 nm table points and the S 026 table (issue 4 accuracy)."""
    wl = np.arange(380.0, 781.0)
    spd, _ = random_white_leds(wl, 5, np.random.default_rng(21))
    grid5 = np.arange(380.0, 781.0, 5.0)
    b = np.interp(wl, grid5, _b_iec62471(grid5))
    b[(wl > 495) & (wl < 500)] = np.interp(wl[(wl > 495) & (wl < 500)], [495, 500], [0.16, 0.1])
    b[(wl >= 500) & (wl <= 600)] = 10 ** ((450 - wl[(wl >= 500) & (wl <= 600)]) / 50)
    b[(wl > 600) & (wl <= 700)] = 0.001
    v = spd @ _v(wl)
    kbv = (spd @ b) / (683 * v)
    der = (spd @ _s_mel(wl)) / (683 * v) / 1.3262e-3
    blue = P.blue_light(wl, spd)
    mel = P.melanopic(wl, spd)
    np.testing.assert_allclose(blue.kbv_w_per_lm, kbv, rtol=5e-3)
    np.testing.assert_allclose(mel.der, der, rtol=5e-3)
    d = photobiology_metric_dict(blue, mel, 2)
    assert d["blue_light_kbv_w_per_lm"] == pytest.approx(kbv[2], rel=5e-3)
    assert np.isnan(d["melanopic_edi_lx"])


@pytest.mark.parametrize(
    ("name", "kbv", "tol"),
    [
        ("A", 0.000307, 0.5e-6),
        ("D65", 0.000985, 0.5e-6),
        ("FL2", 0.00060, 5e-6),
        ("LED-B3", 0.00054, 5e-6),
    ],
)
def test_kbv_reference_values(name: str, kbv: float, tol: float) -> None:
    """K_B,v of CIE illuminants: luxpy 1.11.4's 0.000307 (A) and 0.000985 (D65) and the
    colour-science 0.4.7 / luxpy 1.11.4 values (FL2, LED-B3), each to the digits given. luxpy
    weights from 380 nm (its B(λ) table starts there), so the spectra are given from 380 nm."""
    sd = colour.SDS_ILLUMINANTS[name]
    keep = sd.wavelengths >= 380
    blue = P.blue_light(sd.wavelengths[keep], sd.values[keep])
    assert blue.weighted_from_nm == 380.0
    assert float(blue.kbv_w_per_lm) == pytest.approx(kbv, abs=tol)


def test_b_below_380_nm_weights_uv_power_by_0_01() -> None:
    """Analytic case, IEC 62471:2006 Table 4.2 (B(λ) = 0.01 for 300-380 nm): power added only
    in 300-379 nm raises Σ S·B by exactly 0.01 × its integral (Σ S·V unchanged), so
    ΔK_B,v = 0.01 · ∫S_uv dλ / (683 · Σ S·V)."""
    wl = np.arange(300.0, 781.0)
    visible, _ = random_white_leds(wl, 1, np.random.default_rng(5))
    visible = visible[0]
    visible[wl < 380] = 0.0
    uv = np.where((wl >= 320) & (wl <= 370), 0.3 * np.sin((wl - 320) / 50 * np.pi) ** 2, 0.0)
    base = P.blue_light(wl, visible)
    both = P.blue_light(wl, visible + uv)
    assert both.weighted_from_nm == 300.0
    v_sum = float(visible[(wl >= 380)] @ _v(wl[wl >= 380]))
    expected = 0.01 * uv.sum() / (683 * v_sum)  # 1 nm steps: the sum is the integral
    got = float(both.kbv_w_per_lm - base.kbv_w_per_lm)
    assert got == pytest.approx(expected, rel=5e-3)
    assert got > 0


@pytest.mark.parametrize(("start", "from_nm"), [(250.0, 300.0), (350.5, 351.0), (380.0, 380.0)])
def test_b_weighting_starts_where_the_spectrum_starts(start: float, from_nm: float) -> None:
    """B(λ) is applied from the first whole nm the spectrum covers, not below 300 nm (IEC 62471
    Table 4.2 starts at 300 nm) and never extrapolated below the data (property of the rule)."""
    wl = np.arange(start, 781.0)
    spd = np.ones_like(wl)
    blue = P.blue_light(wl, spd)
    assert blue.weighted_from_nm == from_nm
    n_uv = 380.0 - from_nm  # flat spectrum: the UV part adds 0.01 per nm
    flat = P.blue_light(np.arange(380.0, 781.0), np.ones(401))
    v_sum = float(np.ones(401) @ _v(np.arange(380.0, 781.0)))
    extra = float(blue.kbv_w_per_lm - flat.kbv_w_per_lm) * 683 * v_sum
    assert extra == pytest.approx(0.01 * n_uv, abs=1e-6)


def test_melanopic_reference_values() -> None:
    """CIE S 026: K_mel,v(D65) = 1.3262 mW/lm (so mel-DER(D65) = 1) and mel-DER(A) = 0.4957
    (CIE S 026:2018; luxpy 1.11.4 as oracle); this also checks the transcribed action spectrum."""
    for name, der in (("D65", 1.0), ("A", 0.4957)):
        sd = colour.SDS_ILLUMINANTS[name]
        mel = P.melanopic(sd.wavelengths, sd.values)
        assert float(mel.der) == pytest.approx(der, abs=5e-4)
    d65 = colour.SDS_ILLUMINANTS["D65"]
    k = float(P.melanopic(d65.wavelengths, d65.values).k_mel_v_w_per_lm)
    assert k == pytest.approx(1.3262e-3, rel=5e-4)


def test_blue_light_hazard_table_is_iec62471() -> None:
    """The shipped B(λ) equals IEC 62471 Table 4.2 at its 5 nm points, 0.01 in 300-379 nm, the
    500-600 nm formula, 0.001 up to 700 nm and 0 beyond (IEC 62471:2006 Table 4.2)."""
    lines = (ROOT / "luxcheck" / "data" / "iec62471_blue_light_hazard.csv").read_text().splitlines()
    rows = np.array([[float(v) for v in line.split(",")] for line in lines if line[0].isdigit()])
    table = dict(zip(rows[:, 0], rows[:, 1], strict=True))
    for w in np.arange(300.0, 781.0, 5.0):
        assert table[w] == pytest.approx(_b_iec62471(np.array([w]))[0], rel=1e-9), w
    assert min(table) == 300.0 and table[379.0] == 0.01
    assert table[555.0] == pytest.approx(10 ** (-105 / 50))
    assert table[701.0] == 0.0


def test_weighted_radiance_and_luminance_boundary() -> None:
    """L_B = K_B,v · L_v and the TR 62778 boundary L = limit / K_B,v (analytic)."""
    d65 = colour.SDS_ILLUMINANTS["D65"]
    bl = P.blue_light(d65.wavelengths, d65.values)
    k = float(bl.kbv_w_per_lm)
    assert float(bl.weighted_radiance_w_m2_sr(10000.0)) == pytest.approx(k * 10000.0)
    assert float(bl.weighted_irradiance_w_m2(500.0)) == pytest.approx(k * 500.0)
    boundary = float(P.luminance_boundary_cd_m2(k, 100.0))
    assert float(bl.weighted_radiance_w_m2_sr(boundary)) == pytest.approx(100.0)


def test_risk_group_uses_the_limits_given() -> None:
    """Risk group from L_B and the pack's limits: a value equal to a limit is inside the group;
    NaN is 'not-measured' (logic of IEC 62471 §6.1 groups; limits are the caller's data)."""
    limits = {"RG0": 100.0, "RG1": 10000.0, "RG2": 4e6}
    got = P.risk_group([0.0, 100.0, 100.0001, 10000.0, 4e6, 4.1e6, np.nan], limits)
    assert got.tolist() == ["RG0", "RG0", "RG1", "RG1", "RG2", "RG3", "not-measured"]
    other = P.risk_group([150.0], {"RG0": 200.0, "RG1": 300.0, "RG2": 400.0})
    assert other.tolist() == ["RG0"]


@pytest.mark.parametrize(
    "limits",
    [
        {"RG0": 100.0, "RG1": 10000.0},
        {"RG0": 100.0, "RG1": 50.0, "RG2": 4e6},
        {"RG0": -1.0, "RG1": 1.0, "RG2": 2.0},
    ],
)
def test_risk_group_refuses_bad_limits(limits: dict[str, float]) -> None:
    """Missing, non-increasing or non-positive limits are an InputError, never a guess."""
    with pytest.raises(InputError):
        P.risk_group([50.0], limits)


def test_melanopic_edi() -> None:
    """mel-EDI = mel-DER · E_v with a given illuminance, or from an absolute spectrum; NaN with a
    reason for a relative spectrum without illuminance (CIE S 026 §3.4)."""
    wl = np.arange(380.0, 781.0)
    spd, _ = random_white_leds(wl, 3, np.random.default_rng(8), illuminance_lx=500.0)
    given = P.melanopic(wl, spd, illuminance_lx=[500.0, 400.0, 300.0])
    np.testing.assert_allclose(given.edi_lx, given.der * [500.0, 400.0, 300.0])
    absolute = P.melanopic(wl, spd, spectral_irradiance=True)
    np.testing.assert_allclose(absolute.edi_lx, absolute.der * 500.0, rtol=1e-6)
    relative = P.melanopic(wl, spd)
    assert np.all(np.isnan(relative.edi_lx))
    assert all(relative.reason)
    with pytest.raises(InputError):
        P.melanopic(wl, spd, illuminance_lx=-1.0)


def test_vectorised_over_leading_axes() -> None:
    """(2, 2, n) spectra give (2, 2) results equal to single-spectrum calls."""
    wl = np.arange(380.0, 781.0, 5.0)
    spd, _ = random_white_leds(wl, 4, np.random.default_rng(9))
    batch = P.blue_light(wl, spd.reshape(2, 2, -1)).kbv_w_per_lm
    assert batch.shape == (2, 2)
    assert batch[1, 0] == pytest.approx(float(P.blue_light(wl, spd[2]).kbv_w_per_lm))


def test_invalid_spectra_are_refused() -> None:
    """The same input rules as colorimetry (e.g. too narrow a range) raise InputError."""
    wl = np.arange(400.0, 701.0, 5.0)
    with pytest.raises(InputError, match="380-780"):
        P.blue_light(wl, np.ones(wl.size))
