"""Flicker on a real sensor (issue 20 item 3): the noise floor of a record, "no periodic flicker
detected" below it, and the fundamental and dominant frequencies that select a limit.

Sources: analytic waveforms (a DC level with white Gaussian noise, sums of sinusoids); the
statistics of the periodogram of white Gaussian noise (exponentially distributed bins, Scargle
1982, ApJ 263:835) from which the floor is derived; the GB 40070-2021 波动深度 table of the pack
(C1 + R).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luxcheck.analysis.flicker import flicker_metric_dict
from luxcheck.kernels import flicker as fl


def _floor_expected(sigma: float, n: int) -> float:
    """The floor the module defines, for white noise of relative RMS ``sigma`` and ``n`` samples
    (the noise power per bin is 4 sigma^2 / n; the threshold z times it; the 95 % upper limit
    adds 1.645 projected standard deviations; the worst peak-bin power is 0.4803 A^2)."""
    m = n // 2 - 2 - 2 - 2  # searched bins 3 .. n/2 - 4
    z = -math.log(-math.expm1(math.log1p(-fl.DETECTION_FALSE_ALARM) / m))
    noise = 4.0 * sigma**2 / n
    worst = (2.0 / 3.0) * (2.0 / math.pi / 0.75) ** 2
    return 100.0 * (math.sqrt(z * noise) + 1.6448536 * math.sqrt(noise / 2.0)) / math.sqrt(worst)


def _tones(n: int, fs: float, *components: tuple[float, float, float]) -> np.ndarray:
    """1 + Σ A cos(2π f t + φ) for (f [Hz], A [relative], φ [rad])."""
    t = np.arange(n) / fs
    x = np.ones(n)
    for f, a, phase in components:
        x += a * np.cos(2.0 * np.pi * f * t + phase)
    return x


def test_dc_with_0_2_percent_noise_has_no_flicker_frequency() -> None:
    """Issue 20 item 3(a): a flicker-free (DC) luminaire measured with σ = 0.2 % white noise gave
    a "frequency" of 18.7 Hz and a percent flicker of 0.81 % (the noise's extremes). Analytic: the
    light has no periodic component, so no frequency is reported, the reason states the floor,
    and the percent flicker is the floor (an upper bound) with a note saying so."""
    fs, n = 10_000.0, 20_000
    x = 400.0 * (1.0 + np.random.default_rng(7).normal(0.0, 0.002, n))
    r = fl.flicker_metrics(x, fs, pst=False)
    assert np.isnan(r.frequency_hz)
    assert np.isnan(r.dominant_frequency_hz)
    floor = float(r.noise_floor_percent)
    assert floor == pytest.approx(_floor_expected(0.002, n), rel=0.1)
    assert float(r.percent_flicker) == floor
    assert str(r.reasons["frequency_hz"].item()) == (
        f"no periodic flicker detected above the noise floor {floor:.2g} %"
    )
    assert "no periodic flicker detected" in str(r.notes["percent_flicker"].item())
    assert np.isnan(r.flicker_index)
    assert fl.percent_flicker(x) > 0.5  # what the record's extremes would have said


@settings(max_examples=15, deadline=None)
@given(
    sigma=st.floats(1e-4, 5e-3),
    seed=st.integers(0, 2**32 - 1),
    fs=st.sampled_from([2000.0, 5000.0, 10_000.0, 20_000.0]),
    duration=st.sampled_from([0.5, 1.0, 2.0]),
)
def test_noise_alone_is_rarely_periodic_flicker(
    sigma: float, seed: int, fs: float, duration: float
) -> None:
    """Property (Scargle 1982 false-alarm probability 1e-3 per record): of 64 records of DC
    light with white Gaussian noise of any RMS, at most 2 show a frequency (expected 0.064;
    a binomial tail of 4e-5 for 3 or more; a check of 2000 records at σ = 0.39 %, 5 kHz, 1 s
    found none), every other one has a percent flicker equal to its floor, and the floor
    scales with σ/√n as the periodogram statistics say (±25 %). A single record can be a
    false alarm: the test bounds the rate, as the detector's definition does."""
    n = int(fs * duration)
    x = 1.0 + np.random.default_rng(seed).normal(0.0, sigma, (64, n))
    r = fl.flicker_metrics(x, fs, pst=False)
    quiet = np.isnan(r.frequency_hz)
    assert (~quiet).sum() <= 2
    np.testing.assert_array_equal(r.percent_flicker[quiet], r.noise_floor_percent[quiet])
    np.testing.assert_allclose(r.noise_floor_percent, _floor_expected(sigma, n), rtol=0.25)


@settings(max_examples=25, deadline=None)
@given(
    sigma=st.floats(1e-4, 3e-3),
    f=st.floats(20.0, 900.0),
    above=st.floats(2.0, 50.0),
    phase=st.floats(0.0, 6.28),
    seed=st.integers(0, 2**32 - 1),
)
def test_modulation_above_the_floor_is_detected(
    sigma: float, f: float, above: float, phase: float, seed: int
) -> None:
    """Property (analytic sinusoid plus white noise): a sinusoidal modulation whose percent
    flicker is at least twice the record's floor is detected at its frequency (Grandke
    interpolation, ±0.1 Hz on a 2 s record) as the dominant component, and no fundamental is
    reported above it."""
    fs, n = 4000.0, 8000
    depth = above * _floor_expected(sigma, n) / 100.0
    x = _tones(n, fs, (f, depth, phase)) + np.random.default_rng(seed).normal(0.0, sigma, n)
    r = fl.flicker_metrics(x, fs, pst=False)
    assert float(r.dominant_frequency_hz) == pytest.approx(f, abs=0.1)
    # the fundamental is the tone's, unless a noise false alarm (probability 1e-3 per record)
    # lies below it: never above the tone
    assert float(r.frequency_hz) <= f + 0.1
    assert "percent_flicker" not in r.notes


def test_fundamental_and_dominant_of_50_and_100_hz() -> None:
    """Issue 20 item 3(b), analytic: 0.3 % at 50 Hz and 0.8 % at 100 Hz repeat every 20 ms, so
    the fundamental is 50 Hz, while the strongest component is at 100 Hz; the percent flicker
    of 1 + 0.003 cos θ + 0.008 cos 2θ is 100 (max − min) / (max + min) with max 1.011 and min
    1 − 0.0081406 (at cos θ = −3/32): 0.95566 %."""
    fs, n = 10_000.0, 20_000
    x = _tones(n, fs, (50.0, 0.003, 0.0), (100.0, 0.008, 0.0))
    r = fl.flicker_metrics(x, fs, pst=False)
    assert float(r.frequency_hz) == pytest.approx(50.0, abs=1e-6)
    assert float(r.dominant_frequency_hz) == pytest.approx(100.0, abs=1e-6)
    c = -3.0 / 32.0
    high, low = 1.011, 1.0 + 0.003 * c + 0.008 * (2 * c * c - 1)
    assert float(r.percent_flicker) == pytest.approx(100 * (high - low) / (high + low), rel=1e-6)
    values, _ = flicker_metric_dict(r)
    assert values["flicker_frequency_hz"] == pytest.approx(50.0, abs=1e-6)
    assert values["flicker_dominant_frequency_hz"] == pytest.approx(100.0, abs=1e-6)


def test_noiseless_harmonics_are_not_leakage() -> None:
    """Analytic: a 100 Hz tone between bins (1.3 s record: 130 periods, bin width 0.77 Hz) has
    Hann leakage at every bin but no local maximum besides its own; the fundamental and
    dominant are both 100 Hz and the floor is at rounding level."""
    fs, n = 5000.0, 6500
    x = _tones(n, fs, (100.37, 0.05, 0.4))
    r = fl.flicker_metrics(x, fs, pst=False)
    assert float(r.frequency_hz) == pytest.approx(100.37, abs=0.01)
    assert float(r.dominant_frequency_hz) == pytest.approx(100.37, abs=0.01)
    assert float(r.noise_floor_percent) < 0.01


def test_slow_drift_is_not_called_flicker_free() -> None:
    """Analytic: a 3 Hz, 50 % modulation over 0.5 s (1.5 periods) is no noise: its percent
    flicker is far above what the record's noise explains, so it keeps its measured percent
    flicker and the reason "fewer than two periods" (not "no periodic flicker detected")."""
    fs = 4000.0
    x = _tones(2000, fs, (3.0, 0.5, 0.1))
    r = fl.flicker_metrics(x, fs, pst=False)
    assert np.isnan(r.frequency_hz)
    assert "fewer than two periods" in str(r.reasons["frequency_hz"].item())
    assert float(r.percent_flicker) == pytest.approx(fl.percent_flicker(x))
    assert "percent_flicker" not in r.notes
