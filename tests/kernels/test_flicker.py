"""Tests of luxcheck.kernels.flicker: analytic cases, the SVM closed forms, the IEC TR 61547-1 chain
against the IEC 61000-4-15 response tables and an independent steady-state oracle, record
rules, limits from data, and properties.

Sources are named in each docstring.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import signal

from luxcheck.demo import synth_waveforms as sw
from luxcheck.errors import InputError
from luxcheck.kernels import flicker as fl
from luxcheck.kernels.piecewise import PiecewiseLinear

FS = 20000.0

# GB 40070-2021 波动深度 limit table (C1 + R): 0.1 % up to
# 10 Hz, 0.01·f % to 90 Hz, 0.032·f % to 3125 Hz, no limit above.
GB40070 = PiecewiseLinear(
    of="flicker_frequency_hz",
    x=(0.0, 10.0, 90.0, 90.0, 3125.0),
    y=(0.1, 0.1, 0.9, 2.88, 100.0),
    step_side="left",
    beyond="no-limit",
)


def sine(m: float, f: float, duration: float = 1.0, fs: float = FS, phase: float = 0.0):
    t = np.arange(round(duration * fs)) / fs
    return 1.0 + m * np.sin(2 * np.pi * f * t + phase)


# ----------------------------------------------------------------------------- analytic cases
@pytest.mark.parametrize("m", [1.0, 0.3, 0.05])
def test_sine_percent_flicker_and_index(m: float) -> None:
    """Analytic: L0(1 + m sin 2πft) → percent flicker 100·m, FI m/π."""
    r = fl.flicker_metrics(sine(m, 100.0), FS, pst=False)
    assert r.frequency_hz == pytest.approx(100.0, abs=1e-6)
    assert r.percent_flicker == pytest.approx(100 * m, rel=1e-9)
    # rectangle rule over 200 samples per period: relative error ≈ (π/200)²/3 = 8e-5
    assert r.flicker_index == pytest.approx(m / math.pi, rel=1.5e-4)


@pytest.mark.parametrize("duty", [0.25, 0.5, 0.1])
def test_rectangular_percent_and_index(duty: float) -> None:
    """Analytic: rectangular 0 ↔ L, duty D → 100 % and FI = 1 − D."""
    x = sw.pwm(1.0, FS, frequency_hz=100.0, duty=duty, high=3.0)
    r = fl.flicker_metrics(x, FS, pst=False)
    assert r.frequency_hz == pytest.approx(100.0, abs=1e-6)
    assert r.percent_flicker == 100.0
    assert r.flicker_index == pytest.approx(1 - duty, abs=1e-12)


def test_dc_gives_zero_for_every_metric() -> None:
    """Analytic (issue 5): a constant light → 0 for all metrics and IEEE 1789 no-effect."""
    x = np.full(30 * 4000, 250.0)
    r = fl.flicker_metrics(x, 4000.0)
    assert r.frequency_hz == 0.0
    assert r.percent_flicker == 0.0
    assert r.flicker_index == 0.0
    assert r.svm == 0.0
    assert r.pst_lm == 0.0
    assert r.ieee1789 == "no-effect"
    assert all(r.reasons[k].item() is None for k in fl.FIELDS)


def test_non_integer_periods() -> None:
    """Analytic (issue 5 "non-integer numbers of periods"): a 100.37 Hz tone over 1 s still
    gives its frequency, FI m/π (whole periods only) and SVM m/T(f) (Hann + lobe energy)."""
    m, f = 0.3, 100.37
    r = fl.flicker_metrics(sine(m, f, phase=0.4), FS, pst=False)
    assert r.frequency_hz == pytest.approx(f, abs=1e-3)
    assert r.flicker_index == pytest.approx(m / math.pi, rel=2e-3)
    assert r.svm == pytest.approx(m / fl.svm_threshold(f), rel=2e-3)


# ----------------------------------------------------------------------------- SVM
@pytest.mark.parametrize(
    ("f", "t_cie", "t_aalto"),
    [
        (100, 0.2554, 0.2563),
        (120, 0.2756, 0.2757),
        (200, 0.3654, 0.3654),
        (300, 0.4915, 0.4915),
        (1000, 0.9732, 0.9732),
        (2000, 0.9998, 0.9998),
    ],
)
def test_svm_threshold_table(f: float, t_cie: float, t_aalto: float) -> None:
    """CIE TN 006:2016 T(f) formula, evaluated by hand: T(f) for c = 7.10 Hz and c = 10 Hz."""
    assert fl.svm_threshold(f) == pytest.approx(t_cie, abs=6e-5)
    assert fl.svm_threshold(f, c_hz=fl.SVM_C_HZ_AALTO) == pytest.approx(t_aalto, abs=6e-5)


@pytest.mark.parametrize(
    ("f", "svm_cie", "svm_aalto"), [(100.0, 3.916, 3.902), (120.0, 3.629, 3.627)]
)
def test_svm_of_full_sine(f: float, svm_cie: float, svm_aalto: float) -> None:
    """CIE TN 006:2016: SVM of a pure sine with m = 1 is C/T(f) = 1/T(f)."""
    x = sine(1.0, f, phase=0.2)
    assert fl.svm(x, FS) == pytest.approx(svm_cie, abs=6e-4)
    assert fl.svm(x, FS, c_hz=fl.SVM_C_HZ_AALTO) == pytest.approx(svm_aalto, abs=6e-4)


def test_svm_of_square_wave() -> None:
    """CIE TN 006:2016 formula: 100 Hz square, 50 % duty, 0 ↔ 2·mean → SVM 4.988 (c 7.10) and
    4.970 (c 10); closed form from the odd harmonics 4/(nπ) up to 2 kHz."""
    x = sw.pwm(1.0, FS, frequency_hz=100.0, duty=0.5, high=2.0)
    assert fl.svm(x, FS) == pytest.approx(4.988, abs=1e-3)
    assert fl.svm(x, FS, c_hz=fl.SVM_C_HZ_AALTO) == pytest.approx(4.970, abs=1e-3)


def test_svm_threshold_modulation_at_100hz() -> None:
    """CIE TN 006:2016 formula: a 100 Hz sine with m = 25.5 % gives SVM = 1 (c = 7.10 Hz)."""
    assert fl.svm(sine(0.255, 100.0), FS) == pytest.approx(1.0, abs=2e-3)


@pytest.mark.parametrize("duty", [0.1, 0.25, 0.7])
def test_svm_rectangular_closed_form(duty: float) -> None:
    """Independent closed form (CIE TN 006:2016 formula): a rectangular wave of duty D has
    harmonics C_n = 2|sin(πnD)|/(πnD) relative to its mean; SVM = (Σ (C_n/T(nf))^3.7)^(1/3.7)
    over nf ≤ 2 kHz."""
    f = 250.0
    x = sw.pwm(2.0, FS, frequency_hz=f, duty=duty, high=5.0, low=1.0)
    mean = 1.0 + 4.0 * duty
    nn = np.arange(1, int(2000 // f) + 1)
    c = 2 * 4.0 * np.abs(np.sin(np.pi * nn * duty)) / (np.pi * nn) / mean
    expected = np.sum((c / fl.svm_threshold(nn * f)) ** 3.7) ** (1 / 3.7)
    assert fl.svm(x, FS) == pytest.approx(expected, rel=1e-3)


# ----------------------------------------------------------------------------- PstLM oracle
def _analog_chain(freq_hz: np.ndarray) -> np.ndarray:
    """IEC TR 61547-1 blocks B (HP 0.05 Hz, Butterworth 6th order 35 Hz, W(s)) as analog
    transfer functions evaluated at jω."""
    s = 2j * np.pi * freq_hz
    tau = 1 / (2 * np.pi * 0.05)
    hp = tau * s / (tau * s + 1)
    z, p, k = signal.butter(6, 2 * np.pi * 35.0, analog=True, output="zpk")
    _, bw = signal.freqs_zpk(z, p, k, worN=2 * np.pi * freq_hz)
    return hp * bw * _w_light(s)


def _w_light(s: np.ndarray) -> np.ndarray:
    """IEC TR 61547-1 eq. (A.5) eye weighting W(s), coefficients as in the Philips reference
    implementation (P. Beeckman 2017, light_flickermeter_metric_PstLM.m, MATLAB Central 63445),
    which agree with the Aalto 2022 implementation
    (MantelV/Aalto-implementations-for-flickermeter-and-SVM-meter): two independent transcriptions
    of the TR. The response-table tests below only check the rest of the chain around W(s) (it
    cancels in the reference lamp G = W_voltage / W_light)."""
    return np.polyval([0.041661, 44.758, 2715.6, 29839, 0], s) / np.polyval(
        [1, 196.32, 11781, 534820, 3505380], s
    )


def _analog_smooth(freq_hz: np.ndarray) -> np.ndarray:
    return 1 / (1 + 2j * np.pi * freq_hz * 0.3)


def oracle_pst(period_wave: np.ndarray, f: float) -> tuple[float, float]:
    """Steady-state PstLM and P_inst,max of a periodic relative light waveform, computed in the
    frequency domain with the ANALOG transfer functions of IEC TR 61547-1 (no discretisation,
    no start-up transient, exact time distribution over one period)."""
    u = period_wave / period_wave.mean() - 1.0
    m = u.size
    harmonics = np.arange(m // 2 + 1) * f
    y = np.fft.irfft(np.fft.rfft(u) * _analog_chain(harmonics), n=m)
    q = np.fft.rfft(y * y) * _analog_smooth(harmonics)
    ref = 0.0063 / 2 * abs(_analog_chain(np.array([8.8]))[0])
    scale = 2 / (ref**2 * (1 + abs(_analog_smooth(np.array([17.6]))[0])))
    p = scale * np.fft.irfft(q, n=m)

    def level(x: float) -> float:
        return float(np.quantile(p, 1 - x / 100))

    terms = [
        (0.0314, [0.1]),
        (0.0525, [0.7, 1, 1.5]),
        (0.0657, [2.2, 3, 4]),
        (0.28, [6, 8, 10, 13, 17]),
        (0.08, [30, 50, 80]),
    ]
    pst = math.sqrt(sum(w * np.mean([level(x) for x in xs]) for w, xs in terms))
    return pst, float(p.max())


def _shape(kind: str, delta: float, t_cycles: np.ndarray) -> np.ndarray:
    """Relative light 1 ± delta/2 (delta = ΔL/L peak-to-peak): sine or 50 % rectangular."""
    if kind == "sine":
        return 1 + delta / 2 * np.sin(2 * np.pi * t_cycles)
    return np.where(np.mod(t_cycles, 1.0) < 0.5, 1 + delta / 2, 1 - delta / 2)


def test_pst_calibration_point() -> None:
    """IEC TR 61547-1 calibration as coded in the Aalto MATLAB implementation (scaling after
    Mombauer 1998): a 8.8 Hz sine of ΔL/L = 0.630 % peak-to-peak gives P_inst,max = 1."""
    fs = 4000.0
    x = sine(0.0063 / 2, 8.8, duration=20.0, fs=fs)
    p = fl.pst_lm_instantaneous(x, fs)
    assert p[int(10 * fs) :].max() == pytest.approx(1.0, rel=0.01)
    assert oracle_pst(_shape("sine", 0.0063, np.arange(4096) / 4096), 8.8)[1] == pytest.approx(
        1.0, rel=1e-6
    )


# Frequencies of the IEC 61000-4-15 / IEC TR 61547-1 response tables (a subset); the light
# modulation that gives PstLM = 1 is derived from the analog steady-state oracle (an
# independent computation; the published tables are checked further below).
PST_FREQUENCIES = [0.5, 1.0, 2.0, 5.0, 8.8, 13.5, 20.0, 33.3]


@pytest.mark.parametrize("kind", ["sine", "rectangular"])
def test_pst_derived_response_table(kind: str) -> None:
    """IEC TR 61547-1 response-table check, derived: for each frequency the modulation that
    the analog steady-state oracle puts at PstLM = 1 must give PstLM = 1 through the discrete
    flickermeter within 1 % (issue: ±5 %; observed 0.1 %; 30 s records at 4 kHz, batched)."""
    fs = 4000.0
    n = int(30 * fs)
    t = np.arange(n) / fs
    rows = []
    for f in PST_FREQUENCIES:
        pst_ref, _ = oracle_pst(_shape(kind, 0.01, np.arange(2**15) / 2**15), f)
        delta1 = 0.01 / pst_ref  # Pst is proportional to the modulation depth
        phase = 0.25 / fs * f  # keeps rectangular edges off the samples
        rows.append(_shape(kind, delta1, t * f + phase))
    r = fl.flicker_metrics(np.array(rows), fs, svm_c_hz=fl.SVM_C_HZ_CIE)
    assert all(reason is None for reason in r.reasons["pst_lm"].flat)
    np.testing.assert_allclose(r.pst_lm, 1.0, rtol=0.01)


# ------------------------------------------- PstLM against the IEC 61000-4-15 response tables
# IEC TR 61547-1 builds the light flickermeter from the IEC 61000-4-15 voltage flickermeter by
# removing the 60 W reference lamp: both weighting filters share one denominator
# (IEC 61000-4-15 denominator), so the ratio G(s) = W_voltage(s) / W_light(s) is the lamp's light
# response to the squared (demodulated) voltage. Feeding the light flickermeter the light that
# G makes of a voltage test signal must therefore reproduce the voltage flickermeter's own
# response tables. The one free gain is fixed by the TR's calibration point (8.8 Hz sine of
# 0.630 % peak-to-peak light ↔ the 0.250 % of Table 1a, both P_inst,max = 1), not fitted.
#
# IEC 61000-4-15:2010 (ed. 2) weighting filter, 230 V lamp: K, λ, ω1..ω4 (5.4.3 of the standard,
# also in Solcept flicker_sim and QWTB). Table values: IEC 61000-4-15:2010 Tables 1a, 2a and 5,
# 230 V / 50 Hz, as transcribed in QWTB verify_flicker_sim.m (M. Šíra, CMI, 2012).
_IEC_K = 1.74802
_IEC_LAMBDA = 2 * np.pi * 4.05981
_IEC_W = 2 * np.pi * np.array([9.15494, 2.27979, 1.22535, 21.9])  # ω1, ω2, ω3, ω4

_TABLE_1A_HZ = [*np.arange(0.5, 8.01, 0.5), 8.8, *np.arange(9.5, 12.01, 0.5)]
_TABLE_1A_HZ += [*np.arange(13.0, 25.01, 1.0), 100 / 3]
_TABLE_1A_DVV_PCT = [
    2.325, 1.397, 1.067, 0.879, 0.747, 0.645, 0.564, 0.497, 0.442, 0.396, 0.357, 0.325, 0.300,
    0.280, 0.265, 0.256, 0.250, 0.254, 0.261, 0.271, 0.283, 0.298, 0.314, 0.351, 0.393, 0.438,
    0.486, 0.537, 0.590, 0.646, 0.704, 0.764, 0.828, 0.894, 0.964, 1.037, 2.128,
]  # fmt: skip
_TABLE_2A_HZ = [*np.arange(0.5, 8.01, 0.5), 8.8, *np.arange(9.5, 12.01, 0.5)]
_TABLE_2A_HZ += [*np.arange(13.0, 21.01, 1.0), 21.5, *np.arange(22.0, 25.01, 1.0)]
_TABLE_2A_HZ += [25.5, 28.0, 30.5, 100 / 3]
_TABLE_2A_DVV_PCT = [
    0.509, 0.467, 0.429, 0.398, 0.370, 0.352, 0.342, 0.332, 0.312, 0.291, 0.268, 0.248, 0.231,
    0.216, 0.207, 0.199, 0.196, 0.199, 0.203, 0.212, 0.222, 0.233, 0.245, 0.272, 0.308, 0.341,
    0.376, 0.411, 0.446, 0.497, 0.553, 0.585, 0.592, 0.612, 0.680, 0.743, 0.764, 0.806, 0.915,
    0.847, 1.671,
]  # fmt: skip
_TABLE_5_CPM = [1.0, 2.0, 7.0, 39.0, 110.0, 1620.0, 4000.0]
_TABLE_5_DVV_PCT = [2.715, 2.191, 1.450, 0.894, 0.722, 0.407, 2.343]


def _lamp_response(freq_hz: np.ndarray) -> np.ndarray:
    """G(jω) = W_voltage / W_light: the reference lamp the TR removed (proper, stable)."""
    s = 2j * np.pi * np.maximum(freq_hz, 1e-9)  # both filters have a zero at s = 0
    w1, w2, w3, w4 = _IEC_W
    w_voltage = (
        _IEC_K * w1 * s / (s**2 + 2 * _IEC_LAMBDA * s + w1**2) * (1 + s / w2)
        / ((1 + s / w3) * (1 + s / w4))
    )  # fmt: skip
    return w_voltage / _w_light(s)


def _reference_lamp_light(
    kind: str, freq_hz: list[float], dvv_pct: list[float], fs: float, duration_s: float
) -> np.ndarray:
    """Light of the reference lamp on a 50 Hz supply modulated as in IEC 61000-4-15 (sine or
    rectangular, ΔV/V peak-to-peak): the squared voltage through G (in the frequency domain,
    so the carrier's intermodulation with the modulation is kept, as the voltage meter sees
    it), with the gain fixed by the TR calibration point."""
    n = round(duration_s * fs)
    t = np.arange(n) / fs
    g = _lamp_response(np.fft.rfftfreq(n, 1 / fs))
    gain = 0.630 / (2 * 0.250 * abs(_lamp_response(np.array([8.8]))[0]))
    rows = []
    for f, dvv in zip(freq_hz, dvv_pct, strict=True):
        cycles = t * f + 0.25 / fs * f  # rectangular edges off the samples
        if kind == "sine":
            v = dvv / 200 * np.sin(2 * np.pi * cycles)
        else:
            v = np.where(np.mod(cycles, 1.0) < 0.5, dvv / 200, -dvv / 200)
        u = math.sqrt(2) * (1 + v) * np.sin(2 * np.pi * 50.0 * t + 0.3)
        p = u * u / np.mean(u * u) - 1
        rows.append(1 + gain * np.fft.irfft(np.fft.rfft(p) * g, n=n))
    return np.array(rows)


@pytest.mark.parametrize(
    ("kind", "freq_hz", "dvv_pct"),
    [
        ("sine", _TABLE_1A_HZ, _TABLE_1A_DVV_PCT),
        ("rectangular", _TABLE_2A_HZ, _TABLE_2A_DVV_PCT),
    ],
    ids=["table-1a-sine", "table-2a-rectangular"],
)
def test_pst_iec_61000_4_15_pinst_tables(kind: str, freq_hz: list[float], dvv_pct: list[float]):
    """IEC 61000-4-15:2010 Tables 1a (37 sine rows) and 2a (41 rectangular rows), 230 V/50 Hz:
    the reference lamp's light for each tabulated ΔV/V gives P_inst,max = 1 through this light
    flickermeter. The issue asks ±5 %; the test holds it to ±2 % so that a drift shows
    (observed: within 0.4 % sine, 1.2 % rectangular). 30 s records at 4 kHz; the maximum is
    taken after the first 10 s (settling of the 0.05 Hz high-pass)."""
    fs = 4000.0
    light = _reference_lamp_light(kind, freq_hz, dvv_pct, fs, 30.0)
    p_max = fl.pst_lm_instantaneous(light, fs)[:, int(10 * fs) :].max(axis=1)
    np.testing.assert_allclose(p_max, 1.0, rtol=0.02)


def test_pst_iec_61000_4_15_table_5() -> None:
    """IEC 61000-4-15:2010 Table 5, 230 V/50 Hz: rectangular changes from 1 to 4000 per minute
    of the tabulated ΔV/V give Pst = 1; the reference lamp's light gives PstLM = 1 ± 2 % here
    (issue: ±5 %; observed: within 0.5 %). This checks the percentile statistic, not only the
    filters: 10 min evaluated after the 10 s settling, at the 2 kHz minimum sampling rate."""
    fs = 2000.0
    freq_hz = [cpm / 120.0 for cpm in _TABLE_5_CPM]  # two changes per period
    light = _reference_lamp_light("rectangular", freq_hz, _TABLE_5_DVV_PCT, fs, 610.0)
    np.testing.assert_allclose(fl.pst_lm(light, fs), 1.0, rtol=0.02)


def test_pst_of_high_frequency_ripple_is_small() -> None:
    """Anchors.md §5.4 lesson 2: a 100 Hz rectangular ripple built without the sign(sin)
    crossing trap gives PstLM ≈ 0 (the trap gave 0.72); the 35 Hz low-pass removes it."""
    fs = 10000.0
    x = sw.pwm(25.0, fs, frequency_hz=100.0, duty=0.5, high=1.2, low=0.8)
    assert fl.pst_lm(x, fs) < 0.05


# ----------------------------------------------------------------------------- record rules
def test_svm_needs_4khz() -> None:
    """CIE TN 006:2016 (≥ 4 kHz sampling): SVM below 4 kHz sampling is NaN with a reason."""
    r = fl.flicker_metrics(sine(0.2, 100.0, fs=2000.0), 2000.0, pst=False)
    assert np.isnan(r.svm)
    assert str(r.reasons["svm"].item()) == "sampling 2000 Hz < 4000 Hz required"
    assert r.percent_flicker == pytest.approx(20.0, rel=1e-6)


def test_pst_needs_20s() -> None:
    """IEC TR 61547-1 / issue 5: PstLM below 20 s of record is NaN with a reason."""
    r = fl.flicker_metrics(sine(0.2, 100.0, duration=1.0, fs=4000.0), 4000.0)
    assert np.isnan(r.pst_lm)
    assert str(r.reasons["pst_lm"].item()) == "record 1 s < 20 s required"
    assert r.svm == pytest.approx(0.2 / fl.svm_threshold(100.0), rel=1e-6)


def test_flicker_index_needs_two_periods() -> None:
    """Issue 5: flicker index with fewer than two periods is NaN with a reason."""
    x = sine(0.5, 3.0, duration=0.5, fs=4000.0, phase=0.1)
    r = fl.flicker_metrics(x, 4000.0, pst=False)
    assert np.isnan(r.flicker_index)
    assert "fewer than two periods" in str(r.reasons["flicker_index"])
    assert np.isnan(r.frequency_hz)
    assert r.ieee1789 == ""
    assert r.reasons["ieee1789"].item() is not None


# ----------------------------------------------------------------------------- dark, gain, clipping
def test_dark_offset_is_subtracted() -> None:
    """Analytic: a sensor with a dark offset of 200 counts reads 200 + g·L; subtracting the dark
    level gives the light's own percent flicker (quantisation ≤ 1 count of 2000)."""
    light = sw.rectified_mains(1.0, FS, mean=1.0, percent_flicker=12.0)
    counts = sw.to_adc(light, counts_per_unit=2000.0, dark_counts=200.0, bits=14)
    r = fl.flicker_metrics(
        counts, FS, dark_level=200.0, full_scale=2**14 - 1, zero_scale=0, pst=False
    )
    assert not r.clipped
    assert r.percent_flicker == pytest.approx(12.0, abs=0.1)
    assert r.frequency_hz == pytest.approx(100.0, abs=0.01)
    raw = fl.flicker_metrics(counts, FS, pst=False)
    assert raw.percent_flicker < 11.0  # without the dark subtraction the depth is understated


def test_clipping_is_flagged() -> None:
    """Issue 5: a waveform that saturates the ADC is flagged; shape metrics are NaN with the
    reason, the frequency is still reported."""
    light = sw.dc_ripple(1.0, FS, mean=1.0, percent_flicker=30.0, frequency_hz=100.0)
    counts = sw.to_adc(light, counts_per_unit=3500.0, bits=12)  # peaks at 4550 > 4095
    r = fl.flicker_metrics(counts, FS, full_scale=4095, pst=False)
    assert r.clipped
    assert np.isnan(r.percent_flicker)
    assert np.isnan(r.svm)
    assert np.isnan(r.flicker_index)
    assert str(r.reasons["percent_flicker"].item()) == "clipped: samples at full scale 4095"
    assert r.frequency_hz == pytest.approx(100.0, abs=0.01)


def test_negative_light_is_not_measured() -> None:
    """Standards of the work: an over-subtracted dark level gives negative light → NaN with a
    reason, not a percent flicker above 100."""
    x = sw.pwm(1.0, FS, frequency_hz=100.0, duty=0.5, high=1.0, low=0.01)
    r = fl.flicker_metrics(x, FS, dark_level=0.05, pst=False)
    assert np.isnan(r.percent_flicker)
    assert "negative light" in str(r.reasons["percent_flicker"])


def test_noise_does_not_move_svm_or_frequency() -> None:
    """Property of the SVM definition: white noise of 0.5 % RMS spreads over 2000 bins, and the
    3.7-norm keeps its contribution far below the 10 % ripple's (< 1 % change)."""
    x = sw.add_noise(sine(0.1, 120.0), 0.005, seed=3)
    r = fl.flicker_metrics(x, FS, pst=False)
    assert r.frequency_hz == pytest.approx(120.0, abs=0.01)
    assert r.svm == pytest.approx(0.1 / fl.svm_threshold(120.0), rel=0.01)


@settings(max_examples=40, deadline=None)
@given(
    gain=st.floats(1e-3, 1e4),
    m=st.floats(0.0, 1.0),
    f=st.floats(80.0, 1500.0),
    phase=st.floats(0.0, 6.28),
)
def test_scale_invariance(gain: float, m: float, f: float, phase: float) -> None:
    """Hypothesis: percent flicker and SVM do not change when the signal is scaled (they are
    ratios); percent flicker lies in [0, 100]."""
    x = sine(m, f, duration=1.0, fs=8000.0, phase=phase)
    a = fl.flicker_metrics(x, 8000.0, pst=False)
    b = fl.flicker_metrics(gain * x, 8000.0, pst=False)
    assert 0.0 <= a.percent_flicker <= 100.0
    assert b.percent_flicker == pytest.approx(a.percent_flicker, rel=1e-9, abs=1e-9)
    assert b.svm == pytest.approx(a.svm, rel=1e-9, abs=1e-12)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), rows=st.integers(1, 4))
def test_batch_equals_loop(seed: int, rows: int) -> None:
    """Hypothesis: the batched result over (2, rows, n) equals a loop over single rows."""
    rng = np.random.default_rng(seed)
    fs = 4000.0
    t = np.arange(int(1.5 * fs)) / fs
    f = rng.uniform(20, 400, size=(2, rows, 1))
    m = rng.uniform(0, 1, size=(2, rows, 1))
    x = 5.0 * (1 + m * np.sin(2 * np.pi * f * t + rng.uniform(0, 6, size=(2, rows, 1))))
    x = x + rng.normal(0, 0.01, size=x.shape)
    batch = fl.flicker_metrics(x, fs, pst=False)
    assert batch.shape == (2, rows)
    for i in range(2):
        for j in range(rows):
            one = fl.flicker_metrics(x[i, j], fs, pst=False)
            for name in ("frequency_hz", "percent_flicker", "flicker_index", "svm"):
                np.testing.assert_allclose(getattr(batch, name)[i, j], getattr(one, name))
            assert batch.ieee1789[i, j] == one.ieee1789


def test_pst_batch_equals_loop() -> None:
    """Batched PstLM over rows equals a per-row computation (sosfilt along axis=-1)."""
    fs = 2000.0
    x = np.stack([sine(0.01, 5.0, 21.0, fs), sine(0.02, 13.0, 21.0, fs), np.full(42000, 3.0)])
    batch = fl.flicker_metrics(x, fs)
    for i in range(3):
        assert batch.pst_lm[i] == pytest.approx(fl.flicker_metrics(x[i], fs).pst_lm, rel=1e-12)


# ----------------------------------------------------------------------------- limits from data


@pytest.mark.parametrize(
    ("f", "limit"),
    [(100.0, 3.2), (200.0, 6.4), (50.0, 0.5), (3125.0, 100.0), (90.0, 0.9), (5.0, 0.1)],
)
def test_gb40070_limit_at_frequency(f: float, limit: float) -> None:
    """GB 40070-2021 table, analytic limit checks: GB 40070 波动深度 limit at f."""
    assert fl.percent_flicker_limit(f, GB40070) == pytest.approx(limit, rel=1e-12)


def test_gb40070_no_limit_above_3125() -> None:
    """GB 40070-2021 table: no limit above 3125 Hz (NaN = nothing to comply with)."""
    assert np.isnan(fl.percent_flicker_limit(4000.0, GB40070))


# ----------------------------------------------------------------------------- metric ids


def test_bad_sample_rate() -> None:
    """Bad input: a non-positive sampling rate is an InputError naming the field."""
    with pytest.raises(InputError, match="sample_rate_hz"):
        fl.flicker_metrics(np.ones(100), 0.0)


# ----------------------------------------------------------------------------- synthetic waveforms
def test_pwm_has_exact_duty_per_period() -> None:
    """Issue 5 sign(sin) trap: the exact construction gives exactly duty·fs/f high samples in
    every period, with no sample on an edge."""
    x = sw.pwm(1.0, 20000.0, frequency_hz=250.0, duty=0.3, high=2.0, low=0.5)
    per_period = x.reshape(-1, 80)
    assert np.all((per_period == 2.0).sum(axis=1) == 24)


def test_rectified_mains_percent_and_mean() -> None:
    """Analytic: a + b|sin| has max a + b, min a (percent flicker 100 b/(2a+b)) and mean
    a + 2b/π; the flicker is at twice the mains frequency."""
    x = sw.rectified_mains(1.0, FS, mean=300.0, percent_flicker=25.0, mains_hz=50.0, phase_rad=0.0)
    r = fl.flicker_metrics(x, FS, pst=False)
    assert x.mean() == pytest.approx(300.0, rel=1e-4)  # sampled mean of |sin|
    assert r.percent_flicker == pytest.approx(25.0, rel=1e-6)
    assert r.frequency_hz == pytest.approx(100.0, abs=1e-6)


@settings(max_examples=50, deadline=None)
@given(
    values=st.lists(st.floats(0.0, 1e6), min_size=8, max_size=64),
    offset=st.floats(1e-3, 10.0),
)
def test_percent_flicker_range(values: list[float], offset: float) -> None:
    """Hypothesis: for any non-negative light (not all zero) percent flicker is in [0, 100]."""
    x = np.asarray(values) + offset
    assert 0.0 <= fl.percent_flicker(x) <= 100.0


def test_dark_level_shape_mismatch() -> None:
    """Bad input: a dark level per waveform of the wrong shape is an InputError."""
    with pytest.raises(InputError, match="dark level"):
        fl.flicker_metrics(np.ones((3, 100)), 4000.0, dark_level=[0.0, 1.0], pst=False)


@pytest.mark.parametrize(
    ("kind", "pf", "f", "dominant"),
    [("dc", 2.0, 100.0, 100.0), ("rectified", 30.0, 100.0, 100.0), ("pwm", 100.0, 100.0, 1000.0)],
)
def test_luminaire_generator(kind: str, pf: float, f: float, dominant: float) -> None:
    """Analytic (constructions of synth_waveforms): each luminaire kind has its percent flicker
    and its flicker frequency. PWM dimming at 1 kHz whose on-level carries a 3 % ripple at
    100 Hz repeats every 10 ms: its fundamental is 100 Hz, its dominant component the PWM
    frequency (100 % modulation)."""
    x = sw.luminaire(1.0, FS, kind=kind, mean=400.0, percent_flicker=pf if kind != "pwm" else 3.0)
    r = fl.flicker_metrics(x, FS, pst=False)
    # the cusp of |sin| falls between samples (phase 0.3 rad): the sampled minimum sits up to
    # b·sin(π/400) above a, i.e. < 0.5 % of the percent flicker at 200 samples per period
    assert r.percent_flicker == pytest.approx(pf, rel=5e-3)
    assert r.frequency_hz == pytest.approx(f, abs=0.01)
    assert r.dominant_frequency_hz == pytest.approx(dominant, abs=0.01)


def test_small_duty_pwm_reports_fundamental_under_noise() -> None:
    """Property of the frequency rule: a 5 % duty PWM has its 2nd harmonic at 0.99 of the
    fundamental (|sin 2x|/2 vs |sin x|); with sensor noise the reported frequency must stay the
    PWM frequency (a doubled frequency would double the GB 40070 limit)."""
    x = sw.pwm(1.0, FS, frequency_hz=500.0, duty=0.05, high=1.0)
    rows = np.stack([sw.add_noise(x, 0.05, seed=s) for s in range(20)])
    r = fl.flicker_metrics(rows, FS, pst=False)
    # (taking the strongest component instead reports 1000 Hz for 4 of these 20 records)
    np.testing.assert_allclose(r.frequency_hz, 500.0, atol=0.05)


def test_one_sample_pulses_do_not_report_nyquist() -> None:
    """Edge case: a pulse one sample wide per period has equal harmonics up to Nyquist, where
    the spectrum folds (double amplitude); the fundamental must still be reported."""
    x = sw.pwm(1.0, FS, frequency_hz=500.0, duty=0.02, high=1.0)
    assert fl.flicker_metrics(x, FS, pst=False).frequency_hz == pytest.approx(500.0, abs=0.01)


def test_standalone_kernels_keep_leading_shape() -> None:
    """Vectorisation (docs/architecture.md, kernels take arrays): the single-metric kernels take
    (..., n) and return (...)."""
    x = np.stack([[sine(0.2, 100.0), sine(0.4, 120.0, phase=0.3)]] * 3)  # (3, 2, n)
    f = fl.flicker_frequency(x, FS)
    assert f.shape == (3, 2)
    np.testing.assert_allclose(f[:, 0], 100.0, atol=1e-6)
    np.testing.assert_allclose(f[:, 1], 120.0, atol=1e-6)
    fi = fl.flicker_index(x, FS, f)
    np.testing.assert_allclose(fi[:, 1], 0.4 / math.pi, rtol=2e-4)
    assert fl.percent_flicker(x).shape == (3, 2)
    assert fl.svm(x, FS).shape == (3, 2)


def test_pst_needs_2khz() -> None:
    """IEC TR 61547-1 implementations (Aalto 2022 MATLAB, Philips 2017): fs >= 2 kHz for PstLM."""
    r = fl.flicker_metrics(sine(0.01, 8.8, duration=25.0, fs=1000.0), 1000.0)
    assert np.isnan(r.pst_lm)
    assert str(r.reasons["pst_lm"].item()) == "sampling 1000 Hz < 2000 Hz required"
