"""The periodogram of light waveforms: Fourier components, the noise floor, the fundamental and
the dominant flicker frequency (used by :mod:`luxcheck.kernels.flicker`).

Pure numpy, vectorised over rows (one waveform per row, mean-normalised, DC removed).

**Noise floor and detection**: the record's Hann periodogram (scaled so that a tone of
relative amplitude ``C`` has main-lobe energy ``C²``) is white Gaussian noise wherever there
is no periodic component; its bins are then exponentially distributed, so the noise power
per bin is the median over the bins divided by ln 2 (robust: a periodic waveform occupies a
few bins). A component (a local maximum within its ±2-bin main lobe) is *detected* when its
peak bin exceeds ``z`` times the noise power, with ``z = −ln(1 − (1 − p)^(1/M))`` for ``M``
searched bins and the false-alarm probability ``p = 10⁻³`` per record (Scargle, J. D. 1982,
ApJ 263:835, the false-alarm level of the periodogram), and is at least 10⁻³ of the
strongest component (window leakage and rounding are no components). The **noise floor** is
the depth (percent flicker ``100 A``) of the sinusoid detected with probability 0.95 at the
worst position between bins (Hann scalloping: peak-bin power ``0.4803 A²``), the upper
limit of a non-detection in the sense of Kashyap, V. L. et al. 2010, ApJ 719:900. Where
nothing is detected and the record's own percent flicker is within what that noise
explains (its samples stay within ``t σ`` of the mean, ``t`` the normal quantile of
``p / 2n``: a union bound), the record has **no periodic flicker**: the frequencies are NaN
with the reason "no periodic flicker detected above the noise floor …", and the percent
flicker is the floor (an upper bound) with a note. A record that varies more than its
noise explains without a detected component (a swing slower than two periods) keeps its
measured percent flicker and the reason "fewer than two periods".
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = [
    "DETECTION_FALSE_ALARM",
    "DYNAMIC_RANGE",
    "FUNDAMENTAL_RATIO",
    "HANN_LOBE_BINS",
    "Components",
    "Periodic",
    "components",
    "find_components",
    "frequencies",
    "search_components",
    "spectrum",
]

FloatArray = npt.NDArray[np.float64]

#: A component counts as the dominant one if it is at least this fraction of the strongest one
#: (algorithm constant of :func:`frequencies`, not a limit).
FUNDAMENTAL_RATIO = 0.9
#: Probability that white noise alone gives a detected component anywhere in a record
#: (Scargle 1982 false-alarm probability; algorithm constant, not a limit).
DETECTION_FALSE_ALARM = 1e-3
#: A component weaker than this fraction of the strongest is window leakage or rounding, not
#: a component (-60 dB; algorithm constant).
DYNAMIC_RANGE = 1e-3
# One-sided 95 % normal quantile: the floor is an upper limit at 95 % detection probability.
_UPPER_LIMIT_Z = 1.6448536269514722
# Peak-bin power of a unit-amplitude tone half a bin off (periodic Hann window, power scaled so
# that the main-lobe energy of a tone of amplitude C is C**2): (2/3)·(sinc(1/2)/(3/4))**2.
_WORST_PEAK_POWER = (2.0 / 3.0) * (2.0 / math.pi / 0.75) ** 2
# Hann main lobe half-width in bins; the energy within it is > 99.9 % of a tone's energy.
HANN_LOBE_BINS = 2


@functools.lru_cache(maxsize=8)
def _hann(n: int) -> FloatArray:
    """Periodic Hann window of ``n`` samples (read-only, computed once per length: a campaign
    has a few record lengths)."""
    # periodic Hann: its DFT has exactly three non-zero bins (-1/4, 1/2, -1/4)
    w = np.asarray(0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(n) / n), dtype=np.float64)
    w.flags.writeable = False
    return w


def spectrum(rows: FloatArray) -> tuple[npt.NDArray[np.complex128], FloatArray]:
    """Hann-windowed rfft of mean-normalised rows; returns (spectrum, window)."""
    n = rows.shape[-1]
    w = _hann(n)
    return np.fft.rfft(rows * w, axis=-1), w


@dataclass(frozen=True)
class Components:
    """The Fourier components of Hann-windowed rows (see :func:`components`), with the scaled
    power of the bins they were found in; computed once, read by the frequency search and by
    SVM (:func:`luxcheck.kernels.flicker.flicker_metrics`)."""

    k: npt.NDArray[np.int64]  # bin numbers 3 .. kmax
    is_peak: npt.NDArray[np.bool_]  # (rows, bins): the bin is a component
    amplitude: FloatArray  # (rows, bins): main-lobe amplitude of each bin
    power: FloatArray  # (rows, kmax + 3): scaled power of bins 0 .. kmax + 2

    def upto(self, kmax: int) -> Components:
        """The components of bins ``3 .. kmax`` (``kmax`` at most this one's): each bin's
        values depend only on its ±2 neighbours, so they are the leading columns (views)."""
        kmax = min(kmax, self.power.shape[-1] - 1 - HANN_LOBE_BINS)
        m = max(0, kmax - HANN_LOBE_BINS)
        return Components(
            self.k[:m],
            self.is_peak[:, :m],
            self.amplitude[:, :m],
            self.power[:, : kmax + HANN_LOBE_BINS + 1],
        )


def components(
    spec: npt.NDArray[np.complex128], window: FloatArray, kmax: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_], FloatArray]:
    """Fourier components of Hann-windowed rows, bins ``3 .. kmax``.

    Returns the bin numbers ``k``, a mask of the bins that are components (the largest bin
    within their own main lobe of ±2 bins; ties go to the lowest bin) and the amplitude of each
    bin's main lobe: ``sqrt(Σ power)`` over ±2 bins, scaled so that a tone ``C cos(2πft)``
    gives ``C`` wherever it falls between bins. DC and its leakage (bins 0-2) are skipped.
    """
    found = find_components(spec, window, kmax)
    return found.k, found.is_peak, found.amplitude


def find_components(spec: npt.NDArray[np.complex128], window: FloatArray, kmax: int) -> Components:
    """:func:`components` with the scaled power of the bins (see :class:`Components`)."""
    n = window.size
    lobe = HANN_LOBE_BINS
    kmax = min(kmax, spec.shape[-1] - 1)
    head = spec[:, : kmax + lobe + 1]
    power = (head.real**2 + head.imag**2) * (4.0 / (n * float(np.sum(window**2))))
    k = np.arange(1 + lobe, kmax + 1)
    # bins k + d for |d| <= lobe all lie inside power (1 <= k + d <= kmax + lobe): slices are
    # views, no copies
    lo, hi = 1 + lobe, kmax + 1
    centre = power[:, lo:hi]
    is_peak = centre > power[:, lo - 1 : hi - 1]
    lobe_energy = centre.copy()
    for d in range(-lobe, lobe + 1):
        if d == 0:
            continue
        neighbour = power[:, lo + d : hi + d]
        lobe_energy += neighbour
        if d > 0:
            is_peak &= centre >= neighbour
        else:
            is_peak &= centre > neighbour
    return Components(k, is_peak, np.sqrt(lobe_energy), power)


def _median_rows(values: FloatArray) -> FloatArray:
    """``np.median(values, axis=-1)`` of rows ``(rows, m)``, ``m >= 1``: the same order
    statistics (the middle one, or the mean of the middle two) from one partition at the
    middle; ``np.median`` also partitions for the row's maximum to look for NaN, which here
    costs five times the median itself. A row with NaN is NaN, as in ``np.median`` (its sum
    is NaN exactly then: the values are powers, never negative)."""
    m = values.shape[-1]
    h = m // 2
    if m % 2:
        middle = np.partition(values, h, axis=-1)[:, h]
    else:
        part = np.partition(values, [h - 1, h], axis=-1)
        middle = (part[:, h - 1] + part[:, h]) / 2.0
    return np.asarray(np.where(np.isnan(values.sum(axis=-1)), np.nan, middle), dtype=np.float64)


def _noise_floor(power: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Noise power per bin and detection threshold of each row (see :func:`_frequencies`).

    ``power`` is the scaled Hann periodogram of the searched bins. The noise power per bin is
    the median over the bins divided by ln 2 (the periodogram of white Gaussian noise is
    exponentially distributed, whose median is ln 2 times its mean; the median ignores the few
    bins a periodic waveform occupies). The threshold is the level that the largest of ``M``
    noise bins exceeds with probability :data:`DETECTION_FALSE_ALARM`:
    ``z = −ln(1 − (1 − p)^(1/M))`` times the noise power (Scargle 1982, eq. 18 ff.).
    """
    m = max(power.shape[-1], 1)
    noise = _median_rows(power) / math.log(2.0) if power.shape[-1] else np.zeros(0)
    z = -math.log(-math.expm1(math.log1p(-DETECTION_FALSE_ALARM) / m))
    return np.asarray(noise, dtype=np.float64), np.asarray(z * noise, dtype=np.float64)


def _interpolated(
    spec: npt.NDArray[np.complex128], kk: npt.NDArray[np.int64], sample_rate_hz: float, n: int
) -> FloatArray:
    """Frequency [Hz] of the component in bin ``kk`` of each row: the Grandke estimate for a
    Hann window (exact for a pure tone between bins)."""
    rows = np.arange(spec.shape[0])
    peak = np.abs(spec[rows, kk])
    left = np.abs(spec[rows, kk - 1])
    right = np.abs(spec[rows, np.minimum(kk + 1, spec.shape[-1] - 1)])
    use_right = right >= left
    nb = np.where(use_right, right, left)
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = np.where(peak > 0, nb / np.where(peak > 0, peak, 1.0), 0.0)
        delta = (2.0 * alpha - 1.0) / (alpha + 1.0)
    delta = np.clip(delta, 0.0, 1.0) * np.where(use_right, 1.0, -1.0)
    return np.asarray((kk + delta) * sample_rate_hz / n, dtype=np.float64)


@dataclass(frozen=True)
class Periodic:
    """What the spectrum of each row says about its periodic content (see :func:`_frequencies`)."""

    fundamental_hz: FloatArray
    dominant_hz: FloatArray
    floor_amplitude: FloatArray  # relative amplitude (1 = the mean) of the noise floor
    detected: npt.NDArray[np.bool_]
    noise_power: FloatArray  # mean noise power per bin (scaled periodogram)


def search_components(spec: npt.NDArray[np.complex128], window: FloatArray) -> Components:
    """The components :func:`frequencies` searches: bins 3 up to a main lobe short of Nyquist,
    where the two sides of the spectrum fold together."""
    return find_components(spec, window, spec.shape[-1] - 2 - HANN_LOBE_BINS)


def frequencies(
    spec: npt.NDArray[np.complex128],
    window: FloatArray,
    sample_rate_hz: float,
    found: Components | None = None,
) -> Periodic:
    """Fundamental and dominant flicker frequency [Hz] of each row, and its noise floor.

    A Fourier component (a local maximum of the Hann spectrum within its main lobe) is
    *detected* when its peak bin rises above the noise threshold of :func:`_noise_floor` and
    its amplitude is at least :data:`DYNAMIC_RANGE` of the strongest component's (below that a
    "component" is window leakage or rounding). The **fundamental** is the lowest-frequency
    detected component; the **dominant** one the lowest whose amplitude is at least
    :data:`FUNDAMENTAL_RATIO` of the strongest (for a rectangular wave the fundamental is never
    weaker than a harmonic, ``|sin(nx)| <= n |sin x|``, but at small duty the first harmonics
    are nearly as strong and noise could promote one). Both are NaN where nothing is detected.

    The floor is the relative amplitude of the sinusoidal modulation that is detected with 95 %
    probability wherever it falls between bins: its peak bin, at the worst position (half a
    bin off, Hann scalloping loss: power factor 0.4803 of the amplitude squared), must exceed
    the threshold by 1.645 standard deviations of the noise projected on it (an upper limit
    in the sense of Kashyap et al. 2010: the intensity that would have been detected with
    probability 0.95). Percent flicker of a sinusoid of relative amplitude ``A`` is ``100 A``.

    ``found`` is :func:`search_components` of the same spectrum, where the caller has it.
    """
    n = window.size
    if found is None:
        found = search_components(spec, window)
    k, is_peak, amp = found.k, found.is_peak, found.amplitude
    nrow = spec.shape[0]
    if k.size == 0:
        nan = np.full(nrow, np.nan)
        none = np.zeros(nrow, dtype=bool)
        return Periodic(nan, nan.copy(), np.full(nrow, np.inf), none, np.full(nrow, np.inf))
    # the scaled power of bins k (a view: found.power starts at bin 0)
    power = found.power[:, k[0] : k[-1] + 1]
    noise, threshold = _noise_floor(power)
    amp = np.where(is_peak, amp, 0.0)
    strongest = amp.max(axis=-1)
    detected = (
        is_peak
        & (power > threshold[:, None])
        & (amp >= DYNAMIC_RANGE * strongest[:, None])
        & (amp > 0)
    )
    has = detected.any(axis=-1)
    loudest = np.where(detected, amp, 0.0).max(axis=-1)
    dominant = detected & (amp >= FUNDAMENTAL_RATIO * loudest[:, None])
    k_fund = k[np.argmax(detected, axis=-1)]
    k_dom = k[np.argmax(dominant, axis=-1)]
    fundamental = np.where(has, _interpolated(spec, k_fund, sample_rate_hz, n), np.nan)
    dominant_hz = np.where(has, _interpolated(spec, k_dom, sample_rate_hz, n), np.nan)
    floor = (np.sqrt(threshold) + _UPPER_LIMIT_Z * np.sqrt(noise / 2.0)) / math.sqrt(
        _WORST_PEAK_POWER
    )
    return Periodic(fundamental, dominant_hz, np.asarray(floor, dtype=np.float64), has, noise)
