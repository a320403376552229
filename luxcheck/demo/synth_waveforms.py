"""Synthetic light waveforms of classroom luminaires, for the demo campaign and the emulators.

Each generator returns the light level at the sample instants ``t_i = i / fs`` (shape ``(n,)``,
arbitrary linear unit, e.g. lux). The shapes are exact constructions with known metrics:

- :func:`dc_ripple` — a DC LED driver with a small sinusoidal ripple:
  ``L = mean (1 + m sin(2π f t + φ))``, percent flicker ``100 m``, flicker index ``m / π``.
- :func:`rectified_mains` — a driver whose light follows the full-wave-rectified mains
  (twice the mains frequency) on top of a constant part: ``L = a + b |sin(π f_r t + φ)|``
  with ``f_r = 2 f_mains``; percent flicker ``100 b / (2a + b)``.
- :func:`pwm` — PWM dimming, ``high`` for a fraction ``duty`` of each period and ``low``
  otherwise. The samples are placed a quarter of a sample step away from the switching
  instants (the default ``phase_cycles``), so no sample falls exactly on an edge: the
  ``sign(sin(...))`` construction puts samples on the zero crossings, where rounding gives
  random levels and spurious low-frequency content.

:func:`add_noise` adds Gaussian noise from a seeded generator; :func:`to_adc` turns light into
the counts of a sensor with a dark offset, a gain, quantisation and an ADC range — the rails
saturate as a real converter does (that is what the flicker kernels' clipping check detects).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import numpy.typing as npt

from luxcheck.errors import InputError

__all__ = [
    "add_noise",
    "dc_ripple",
    "luminaire",
    "pwm",
    "rectified_mains",
    "sample_times",
    "to_adc",
]

FloatArray = npt.NDArray[np.float64]


def _positive(value: float, name: str) -> float:
    v = float(value)
    if not math.isfinite(v) or v <= 0:
        raise InputError(f"{name} = {value!r}: expected a positive number", column=name)
    return v


def _fraction(value: float, name: str, *, closed: bool = True) -> float:
    v = float(value)
    ok = 0.0 <= v <= 1.0 if closed else 0.0 < v < 1.0
    if not math.isfinite(v) or not ok:
        bounds = "[0, 1]" if closed else "(0, 1)"
        raise InputError(f"{name} = {value!r}: expected a number in {bounds}", column=name)
    return v


def sample_times(duration_s: float, sample_rate_hz: float) -> FloatArray:
    """Sample instants ``i / fs`` for ``i = 0 .. round(duration · fs) − 1`` [s]."""
    fs = _positive(sample_rate_hz, "sample_rate_hz")
    n = round(_positive(duration_s, "duration_s") * fs)
    if n < 2:
        raise InputError("a waveform needs at least two samples", column="duration_s")
    times = np.arange(n, dtype=np.float64)
    times /= fs
    return times


def dc_ripple(
    duration_s: float,
    sample_rate_hz: float,
    *,
    mean: float = 1.0,
    percent_flicker: float = 1.0,
    frequency_hz: float = 100.0,
    phase_rad: float = 0.0,
) -> FloatArray:
    """A DC driver with a sinusoidal ripple of the given percent flicker.

    Parameters
    ----------
    duration_s, sample_rate_hz
        Record length [s] and sampling rate [Hz].
    mean
        Mean light level [any unit].
    percent_flicker
        Ripple depth ``100 m`` [%], 0–100.
    frequency_hz
        Ripple frequency [Hz].
    phase_rad
        Phase of the ripple at ``t = 0`` [rad].
    """
    m = _fraction(percent_flicker / 100.0, "percent_flicker")
    f = _positive(frequency_hz, "frequency_hz")
    level = _positive(mean, "mean")
    # mean (1 + m sin(2π f t + φ)), evaluated in place on the sample times (a long record is
    # several MB: no temporary per operation; the same values as the expression)
    x = sample_times(duration_s, sample_rate_hz)
    x *= 2.0 * np.pi * f
    if phase_rad != 0.0:  # adding +0 leaves every phase as it is (none is -0)
        x += phase_rad
    np.sin(x, out=x)
    x *= m
    x += 1.0
    if level != 1.0:  # (multiplying by 1 leaves every value as it is)
        x *= level
    return x


def rectified_mains(
    duration_s: float,
    sample_rate_hz: float,
    *,
    mean: float = 1.0,
    percent_flicker: float = 10.0,
    mains_hz: float = 50.0,
    phase_rad: float = 0.3,
) -> FloatArray:
    """Light following full-wave-rectified mains on a constant part (ripple at 2 × mains).

    ``L = a + b |sin(π f_r t + φ)|`` with ``f_r = 2 · mains_hz``, ``max = a + b``, ``min = a``,
    so percent flicker ``= 100 b / (2a + b)`` and ``mean = a + 2b / π``.

    Parameters
    ----------
    duration_s, sample_rate_hz
        Record length [s] and sampling rate [Hz].
    mean
        Mean light level [any unit].
    percent_flicker
        Percent flicker [%], 0–100 (100: no constant part).
    mains_hz
        Mains frequency [Hz]; the light flickers at twice it.
    phase_rad
        Phase offset [rad] (keeps the cusps of ``|sin|`` off the sample instants).
    """
    t = sample_times(duration_s, sample_rate_hz)
    pf = _fraction(percent_flicker / 100.0, "percent_flicker")
    fr = 2.0 * _positive(mains_hz, "mains_hz")
    # b / (2a + b) = pf  ->  a = b (1 - pf) / (2 pf); mean = a + 2b/pi
    mu = _positive(mean, "mean")
    if pf == 0.0:
        return np.full(t.shape, mu)
    ratio_a_b = (1.0 - pf) / (2.0 * pf)
    b = mu / (ratio_a_b + 2.0 / np.pi)
    a = ratio_a_b * b
    return np.asarray(a + b * np.abs(np.sin(np.pi * fr * t + phase_rad)), dtype=np.float64)


def pwm(
    duration_s: float,
    sample_rate_hz: float,
    *,
    frequency_hz: float,
    duty: float,
    high: float = 1.0,
    low: float = 0.0,
    phase_cycles: float | None = None,
) -> FloatArray:
    """PWM light: ``high`` during the first ``duty`` of each period, ``low`` otherwise.

    Parameters
    ----------
    duration_s, sample_rate_hz
        Record length [s] and sampling rate [Hz].
    frequency_hz
        PWM frequency [Hz].
    duty
        On fraction, strictly between 0 and 1.
    high, low
        Light levels when on and off [any unit], ``high > low >= 0``.
    phase_cycles
        Phase of the first sample within a period [cycles]. Default: a quarter of a sample step
        (``0.25 f / fs``), which keeps every sample off the switching edges whenever
        ``duty · fs / f`` is an integer, so each period then holds exactly that many ``high``
        samples.
    """
    fs = _positive(sample_rate_hz, "sample_rate_hz")
    f = _positive(frequency_hz, "frequency_hz")
    d = _fraction(duty, "duty", closed=False)
    if not (math.isfinite(high) and math.isfinite(low)) or not high > low >= 0:
        raise InputError(f"levels high={high!r}, low={low!r}: expected high > low >= 0")
    n = sample_times(duration_s, fs).size
    phase = 0.25 * f / fs if phase_cycles is None else float(phase_cycles)
    # rounding of i * f / fs is ~1e-16 * i cycles, far below the quarter-step offset
    cycles = np.mod(np.arange(n, dtype=np.float64) * (f / fs) + phase, 1.0)
    return np.where(cycles < d, float(high), float(low)).astype(np.float64)


def add_noise(
    light: npt.ArrayLike, rms: float, *, seed: int | np.random.Generator | None = 0
) -> FloatArray:
    """Add white Gaussian noise of the given RMS [same unit as ``light``] (seeded)."""
    x = np.asarray(light, dtype=np.float64)
    r = float(rms)
    if not math.isfinite(r) or r < 0:
        raise InputError(f"noise rms {rms!r}: expected a number >= 0", column="rms")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    noisy: FloatArray = rng.normal(0.0, r, size=x.shape)
    noisy += x
    return noisy


def to_adc(
    light: npt.ArrayLike,
    *,
    counts_per_unit: float,
    dark_counts: float = 0.0,
    bits: int = 12,
) -> FloatArray:
    """Counts of a light sensor: ``round(dark + gain · light)`` held within ``[0, 2^bits − 1]``.

    Parameters
    ----------
    light
        Light level [any unit].
    counts_per_unit
        Sensor gain [counts per unit of light].
    dark_counts
        Reading in darkness [counts].
    bits
        ADC resolution [bit]; readings beyond the range stay at the rail, as a saturating
        converter's do (detect them with ``flicker_metrics(..., full_scale=2**bits - 1,
        zero_scale=0)``).

    Returns
    -------
    Counts as floats, shape of ``light``.
    """
    gain = _positive(counts_per_unit, "counts_per_unit")
    if not isinstance(bits, int) or not 1 <= bits <= 32:
        raise InputError(f"bits {bits!r}: expected an integer 1-32", column="bits")
    top = float(2**bits - 1)
    level = np.asarray(light, dtype=np.float64)
    counts: FloatArray = np.multiply(level, gain, out=np.empty_like(level))  # then in place
    counts += float(dark_counts)
    np.rint(counts, out=counts)
    np.maximum(counts, 0.0, out=counts)
    np.minimum(counts, top, out=counts)
    return counts


def luminaire(
    duration_s: float,
    sample_rate_hz: float,
    *,
    kind: Literal["dc", "rectified", "pwm"] = "dc",
    mean: float = 1.0,
    percent_flicker: float = 1.0,
    mains_hz: float = 50.0,
    pwm_hz: float = 1000.0,
    duty: float = 0.5,
    noise_rms: float = 0.0,
    seed: int | np.random.Generator | None = 0,
) -> FloatArray:
    """A classroom luminaire's light in one call (for the demo campaign and the emulators).

    Parameters
    ----------
    duration_s, sample_rate_hz
        Record length [s] and sampling rate [Hz].
    kind
        ``'dc'``: DC driver with a ripple at twice ``mains_hz`` (:func:`dc_ripple`);
        ``'rectified'``: light following the rectified mains (:func:`rectified_mains`);
        ``'pwm'``: PWM dimming at ``pwm_hz`` and ``duty`` between 0 and full light, whose
        on-level carries the ``percent_flicker`` ripple of a DC driver.
    mean
        Mean light level of the ``'dc'`` and ``'rectified'`` kinds, the on-level's mean of
        ``'pwm'`` [any unit].
    percent_flicker
        Depth of the mains-related ripple [%].
    mains_hz
        Mains frequency [Hz] (the ripple is at twice it).
    pwm_hz, duty
        PWM frequency [Hz] and on fraction (``'pwm'`` only).
    noise_rms
        White sensor noise [unit of ``mean``], from the seeded generator.
    seed
        Seed or generator of the noise.
    """
    if kind not in ("dc", "rectified", "pwm"):
        raise InputError(f"kind {kind!r}: expected dc, rectified or pwm", column="kind")
    if kind == "rectified":
        x = rectified_mains(
            duration_s,
            sample_rate_hz,
            mean=mean,
            percent_flicker=percent_flicker,
            mains_hz=mains_hz,
        )
    else:
        x = dc_ripple(
            duration_s,
            sample_rate_hz,
            mean=mean,
            percent_flicker=percent_flicker,
            frequency_hz=2.0 * _positive(mains_hz, "mains_hz"),
        )
        if kind == "pwm":
            x = x * pwm(duration_s, sample_rate_hz, frequency_hz=pwm_hz, duty=duty)
    return add_noise(x, noise_rms, seed=seed) if noise_rms > 0 else x
