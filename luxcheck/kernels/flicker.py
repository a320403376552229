"""Flicker metrics of light waveforms: frequency, percent flicker, flicker index, SVM, PstLM.

Every kernel is pure numpy/scipy and vectorised over leading axes: ``samples`` has shape
``(..., n)`` (one waveform per row, uniformly sampled) and every result field has the leading
shape ``(...)``. A metric the record cannot support is NaN with a reason, never a guess.

Definitions and sources:

- **Percent flicker** (波动深度, modulation depth; IES Lighting Handbook, 10th ed.; GB/T
  31831-2015 term 3.2):
  ``100 · (Lmax − Lmin) / (Lmax + Lmin)`` over the record.
- **Flicker index** (IES Lighting Handbook, 10th ed.): area of the waveform above its
  time-average divided by the total area, over a whole number of periods of the flicker
  frequency (at least two).
- **Noise floor and detection**: see :mod:`luxcheck.kernels.periodogram`.
- **Flicker frequency**: the **fundamental**, the lowest-frequency detected component (the
  repetition frequency of the waveform), Grandke interpolation between bins. The **dominant**
  frequency is the strongest component's, taking the lowest component of at least 0.9 of the
  strongest (for rectangular PWM the fundamental is never weaker than a harmonic,
  ``|sin(nx)| <= n |sin x|``, and the 0.9 keeps it when noise would let a nearly equal
  harmonic of a small-duty PWM win). The two coincide for PWM and rectified-mains light; GB
  40070-2021 does not say (in the public material) which it means, so the packs read the
  limit at both (``also_of``) and a disagreement is an indeterminate verdict.
- **SVM** (CIE TN 006:2016, IEC TR 63158:2018): ``(Σ_m (C_m / T(f_m))^3.7)^(1/3.7)``
  over the Fourier components ``C_m`` (amplitudes relative to the DC value) up to 2 kHz, with
  ``T(f) = 1 / (1 + exp(−a (f − b))) + 20 exp(−f / c)``. Constants: ``a = 0.00518 /Hz``,
  ``b = 306.6 Hz`` and the exponent 3.7 (as in the Aalto University SVM meter code);
  ``c = 7.10 Hz`` as recalled for CIE TN 006 (to be checked against the text), whereas the
  Aalto code uses 10 Hz — the ``svm_c_hz`` option selects it (< 0.5 % difference for
  components at or above 100 Hz).
  Components are found as local maxima of a Hann-windowed spectrum and their amplitude is taken
  from the energy of the main lobe (±2 bins), which is exact for a tone anywhere between bins;
  this replaces the zero-padding of the Aalto implementation (same aim: no scalloping loss).
  Requires ≥ 4 kHz sampling (so that 2 kHz is below Nyquist) and ≥ 1 s of record
  (CIE TN 006:2016).
- **PstLM** (IEC TR 61547-1:2017 light flickermeter; coefficients as in the Aalto University
  implementation and the Philips 2017 reference implementation): input normalised by its mean
  and DC removed; 1st-order high-pass 0.05 Hz; 6th-order Butterworth low-pass 35 Hz; eye
  weighting filter
  ``W(s) = (0.041661 s⁴ + 44.758 s³ + 2715.6 s² + 29839 s) /
  (s⁴ + 196.32 s³ + 11781 s² + 534820 s + 3505380)``; squaring; 1st-order low-pass with
  τ = 300 ms; scaling so that a sinusoidal relative light change of 0.630 % peak-to-peak at
  8.8 Hz gives ``P_inst,max = 1`` (Mombauer 1998); all analog filters discretised with the
  bilinear transform at the record's sampling rate. The statistic is the IEC 61000-4-15
  one: ``PstLM = sqrt(0.0314 P0.1 + 0.0525 P1s + 0.0657 P3s + 0.28 P10s + 0.08 P50s)`` with
  the smoothed percentiles ``P1s = mean(P0.7, P1, P1.5)``, ``P3s = mean(P2.2, P3, P4)``,
  ``P10s = mean(P6, P8, P10, P13, P17)``, ``P50s = mean(P30, P50, P80)``, where ``Px`` is the
  level of ``P_inst`` exceeded during x % of the evaluated time (exact empirical quantiles in
  place of the meter's histogram classes).
  Record rule (decision): the first 10 s of ``P_inst`` are discarded as the settling time of
  the 0.05 Hz high-pass (τ = 3.2 s, as in the Aalto implementation of IEC TR 61547-1), and the
  record must be at least 20 s long (the IEC TR 61547-1 implementations' minimum), so the
  statistic covers at least 10 s. Sampling must be ≥ 2 kHz (the same implementations' minimum;
  it keeps the 100 Hz mains ripple from aliasing into the 0.05–35 Hz band).

Validation (tests/kernels/test_flicker.py): percent flicker, flicker index and SVM against
analytic cases and closed forms. PstLM: (a) the TR calibration point (8.8 Hz,
0.630 % peak-to-peak → ``P_inst,max = 1``); (b) the published response tables of the voltage
flickermeter the TR is derived from, IEC 61000-4-15:2010 Tables 1a (37 sine rows), 2a (41
rectangular rows, both ``P_inst,max = 1``) and 5 (7 rows of rectangular changes per minute,
``Pst = 1``), 230 V/50 Hz. The two weighting filters share their denominator, so their ratio is
the 60 W reference lamp that the TR removed; the light that this lamp makes of each tabulated
voltage modulation, with the one gain fixed by (a), must give 1 here. Observed: within 0.4 %
(sine), 1.2 % (rectangular) and 0.5 % (Table 5, which also checks the percentile statistic);
the required tolerance is ±5 %. (c) For sine and 50 % rectangular light modulation from 0.5 to
33.3 Hz, an independent steady-state computation with the *analog* transfer functions agrees
within 0.1 %. The TR's own Table A.1 is not in public material; since the TR defines the light
flickermeter as the voltage one without the lamp, (b) tests the same response. The filter
coefficients and the scaling are used as published.

Dark offset and gain: ``dark_level`` is subtracted first; every metric is a ratio, so a gain
does not change it. Clipping: samples at or beyond ``full_scale`` (upper ADC rail) or
``zero_scale`` (lower rail) flag the row as clipped, and every metric but the frequency is then
NaN with a reason (a clipped waveform has a wrong shape; its frequency is still right).

IEEE 1789-2015 class and the GB 40070-2021 波动深度 limit are evaluated from limit curves passed
in as :class:`~luxcheck.kernels.piecewise.PiecewiseLinear` (data from ``standards/*.toml``, never
from code): this module reads no pack; :func:`luxcheck.compliance.curves.ieee1789_curves` does.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import Any

import numpy as np
import numpy.typing as npt

from luxcheck.errors import InputError
from luxcheck.kernels.periodogram import (
    DETECTION_FALSE_ALARM,
    DYNAMIC_RANGE,
    FUNDAMENTAL_RATIO,
    HANN_LOBE_BINS,
    Components,
    find_components,
    frequencies,
    search_components,
    spectrum,
)
from luxcheck.kernels.piecewise import PiecewiseLinear
from luxcheck.messages import Message, _n

__all__ = [
    "DETECTION_FALSE_ALARM",
    "DYNAMIC_RANGE",
    "FIELDS",
    "FUNDAMENTAL_RATIO",
    "PSTLM_DISCARD_S",
    "PSTLM_MIN_RECORD_S",
    "PSTLM_MIN_SAMPLE_RATE_HZ",
    "SVM_A_PER_HZ",
    "SVM_B_HZ",
    "SVM_C_HZ_AALTO",
    "SVM_C_HZ_CIE",
    "SVM_EXPONENT",
    "SVM_MAX_FREQUENCY_HZ",
    "SVM_MIN_RECORD_S",
    "SVM_MIN_SAMPLE_RATE_HZ",
    "FlickerMetrics",
    "flicker_frequency",
    "flicker_index",
    "flicker_metrics",
    "ieee1789_class",
    "percent_flicker",
    "percent_flicker_limit",
    "pst_lm",
    "pst_lm_instantaneous",
    "svm",
    "svm_threshold",
]

FloatArray = npt.NDArray[np.float64]

# ----------------------------------------------------------------------------- SVM constants
#: T(f) logistic slope a [1/Hz] — CIE TN 006:2016 / IEC TR 63158:2018.
SVM_A_PER_HZ = 0.00518
#: T(f) logistic midpoint b [Hz] — same source.
SVM_B_HZ = 306.6
#: T(f) low-frequency decay c [Hz] as recalled for CIE TN 006:2016 (to be checked).
SVM_C_HZ_CIE = 7.10
#: T(f) low-frequency decay c [Hz] as coded in the Aalto University SVM meter.
SVM_C_HZ_AALTO = 10.0
#: Minkowski exponent of the SVM summation (CIE TN 006:2016).
SVM_EXPONENT = 3.7
#: Highest Fourier component included in SVM [Hz] (CIE TN 006:2016).
SVM_MAX_FREQUENCY_HZ = 2000.0
#: Lowest sampling rate for SVM [Hz] (2 kHz below Nyquist; CIE TN 006:2016).
SVM_MIN_SAMPLE_RATE_HZ = 4000.0
#: Shortest record for SVM [s] (CIE TN 006:2016).
SVM_MIN_RECORD_S = 1.0

# --------------------------------------------------------------------------- PstLM constants
_PST_HP_HZ = 0.05  # IEC TR 61547-1 block B high-pass cut-off
_PST_LP_HZ = 35.0  # 6th-order Butterworth low-pass cut-off
_PST_LP_ORDER = 6
_PST_W_NUM = (0.041661, 44.758, 2715.6, 29839.0, 0.0)  # eye weighting W(s), light version
_PST_W_DEN = (1.0, 196.32, 11781.0, 534820.0, 3505380.0)
_PST_SMOOTH_TAU_S = 0.300  # block C sliding-mean first-order low-pass
_PST_REF_FREQUENCY_HZ = 8.8  # calibration: 8.8 Hz sine ...
_PST_REF_DELTA = 0.00630  # ... of 0.630 % peak-to-peak relative change gives P_inst,max = 1
#: Record length that is discarded as filter settling before the statistic [s].
PSTLM_DISCARD_S = 10.0
#: Shortest record for PstLM [s] (IEC TR 61547-1 implementations: > 20 s).
PSTLM_MIN_RECORD_S = 20.0
#: Lowest sampling rate for PstLM [Hz] (IEC TR 61547-1 implementations: fs >= 2 kHz).
PSTLM_MIN_SAMPLE_RATE_HZ = 2000.0
# IEC 61000-4-15 statistic: (weight, percentages averaged into the smoothed percentile)
_PST_TERMS: tuple[tuple[float, tuple[float, ...]], ...] = (
    (0.0314, (0.1,)),
    (0.0525, (0.7, 1.0, 1.5)),
    (0.0657, (2.2, 3.0, 4.0)),
    (0.28, (6.0, 8.0, 10.0, 13.0, 17.0)),
    (0.08, (30.0, 50.0, 80.0)),
)

#: Field names of :class:`FlickerMetrics` that carry a metric (keys of ``reasons``).
FIELDS: tuple[str, ...] = (
    "frequency_hz",
    "dominant_frequency_hz",
    "noise_floor_percent",
    "percent_flicker",
    "flicker_index",
    "svm",
    "pst_lm",
    "ieee1789",
)

# Rows processed together (bounds the working memory of the FFT stage to ~ this many samples).
_BLOCK_SAMPLES = 1_000_000


@dataclass(frozen=True)
class FlickerMetrics:
    """Flicker metrics of waveforms, arrays over the leading axes of the input.

    Attributes
    ----------
    frequency_hz
        Flicker frequency [Hz]: the fundamental, the lowest-frequency component above the noise
        floor (see the module notes); 0 for a constant waveform; NaN (with a reason) where no
        periodic flicker is detected.
    dominant_frequency_hz
        The strongest component's frequency [Hz] (ties within :data:`FUNDAMENTAL_RATIO` go to
        the lowest); equal to ``frequency_hz`` for PWM and rectified-mains light.
    noise_floor_percent
        The record's noise floor as a percent flicker [%]: the depth of the weakest sinusoidal
        modulation the record detects with 95 % probability (see the module notes).
    percent_flicker
        Percent flicker = 波动深度 [%].
    flicker_index
        IES flicker index [1].
    svm
        Stroboscopic visibility measure [1].
    pst_lm
        Short-term flicker indicator PstLM [1].
    ieee1789
        IEEE 1789-2015 class: ``'no-effect'``, ``'low-risk'``, ``'high-risk'``, or ``''`` when
        it cannot be determined.
    clipped
        True where samples reach an ADC rail.
    sample_rate_hz
        Sampling rate of the records [Hz].
    duration_s
        Record length ``n / sample_rate_hz`` [s].
    reasons
        Per metric field (see :data:`FIELDS`): why it is NaN, a
        :class:`~luxcheck.messages.Message` (None where it was measured).
    """

    frequency_hz: FloatArray
    percent_flicker: FloatArray
    flicker_index: FloatArray
    svm: FloatArray
    pst_lm: FloatArray
    ieee1789: npt.NDArray[np.str_]
    clipped: npt.NDArray[np.bool_]
    sample_rate_hz: float
    duration_s: float
    reasons: dict[str, npt.NDArray[np.object_]] = field(default_factory=dict)
    dominant_frequency_hz: FloatArray = field(default_factory=lambda: np.full((), np.nan))
    noise_floor_percent: FloatArray = field(default_factory=lambda: np.full((), np.nan))
    #: Per metric field: a note on a value that *is* given (None where there is nothing to
    #: say), e.g. that a percent flicker is the noise floor because no periodic flicker was
    #: detected.
    notes: dict[str, npt.NDArray[np.object_]] = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, ...]:
        """The leading shape (one entry per waveform)."""
        return tuple(self.frequency_hz.shape)


# ============================================================================ input handling
def _as_rows(
    samples: npt.ArrayLike, *, check_finite: bool = True
) -> tuple[FloatArray, tuple[int, ...]]:
    """Waveforms as rows ``(rows, n)`` and their leading shape; ``check_finite=False``: the
    caller checks (:func:`_row_extremes`)."""
    x = np.asarray(samples, dtype=np.float64)
    if x.ndim == 0:
        raise InputError("samples must have at least one axis (..., n_samples)", column="samples")
    if x.shape[-1] < 2:
        raise InputError("a waveform needs at least two samples", column="samples")
    if check_finite and not np.all(np.isfinite(x)):
        raise _not_finite()
    lead = tuple(x.shape[:-1])
    return x.reshape(-1, x.shape[-1]), lead


def _not_finite() -> InputError:
    return InputError("samples contain NaN or infinite values", column="samples")


def _row_extremes(rows: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Maximum and minimum of each row, refusing NaN and infinite samples (a row's maximum
    or minimum is NaN or infinite exactly when it holds one: NaN propagates)."""
    hi = rows.max(axis=-1)
    lo = rows.min(axis=-1)
    if not (np.all(np.isfinite(hi)) and np.all(np.isfinite(lo))):
        raise _not_finite()
    return hi, lo


def _clip_reason(full_scale: float | None, zero_scale: float | None) -> Message | None:
    """Why a waveform at an ADC rail has no shape metrics (None: no rail given)."""
    if full_scale is not None and zero_scale is not None:
        return Message(
            _n("clipped: samples at full scale {fs:g} or the lower rail {low:g}"),
            fs=float(full_scale),
            low=float(zero_scale),
        )
    if full_scale is not None:
        return Message(_n("clipped: samples at full scale {fs:g}"), fs=float(full_scale))
    if zero_scale is not None:
        return Message(_n("clipped: samples at the lower rail {low:g}"), low=float(zero_scale))
    return None


def _rate_reason(rate: float, needed: float) -> Message:
    return Message(_n("sampling {rate:g} Hz < {needed:g} Hz required"), rate=rate, needed=needed)


def _record_reason(seconds: float, needed: float) -> Message:
    return Message(
        _n("record {seconds:g} s < {needed:g} s required"), seconds=seconds, needed=needed
    )


def _check_rate(sample_rate_hz: float) -> float:
    fs = float(sample_rate_hz)
    if not math.isfinite(fs) or fs <= 0:
        raise InputError(
            f"sample rate {sample_rate_hz!r}: expected a positive number of Hz",
            column="sample_rate_hz",
        )
    return fs


def _reason_array(n: int) -> npt.NDArray[np.object_]:
    return np.full(n, None, dtype=object)


def _unset(reasons: npt.NDArray[np.object_]) -> npt.NDArray[np.bool_]:
    """Where no reason is set."""
    return np.array([r is None for r in reasons.flat], dtype=bool).reshape(reasons.shape)


def _set_reason(
    reasons: npt.NDArray[np.object_],
    where: npt.NDArray[np.bool_],
    message: Message | npt.NDArray[np.object_],
) -> None:
    """Fill the reason where ``where`` and no earlier reason is set (``message`` may be per
    row)."""
    fill = where & _unset(reasons)
    if isinstance(message, np.ndarray):
        reasons[fill] = message[fill]
    else:
        for i in np.flatnonzero(fill):
            reasons[i] = message


# ============================================================================ percent flicker
def percent_flicker(samples: npt.ArrayLike) -> FloatArray:
    """Percent flicker (modulation depth, 波动深度) of waveforms.

    Parameters
    ----------
    samples
        Light waveform(s) [any unit, dark level already subtracted], shape ``(..., n)``.

    Returns
    -------
    Percent flicker ``100 (max − min) / (max + min)`` [%], shape ``(...)``; NaN where
    ``max + min <= 0`` (no light).

    References
    ----------
    IES Lighting Handbook, 10th ed.; GB/T 31831-2015 term 3.2 as quoted by DB44/T 1489.
    """
    x = np.asarray(samples, dtype=np.float64)
    return _percent_flicker_of_extremes(x.max(axis=-1), x.min(axis=-1))


def _percent_flicker_of_extremes(hi: FloatArray, lo: FloatArray) -> FloatArray:
    """Percent flicker from each waveform's maximum and minimum (see :func:`percent_flicker`)."""
    total = hi + lo
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(total > 0, 100.0 * (hi - lo) / np.where(total > 0, total, 1.0), np.nan)
    return np.asarray(out, dtype=np.float64)


# ============================================================================ spectrum / frequency
def flicker_frequency(samples: npt.ArrayLike, sample_rate_hz: float) -> FloatArray:
    """Flicker frequency: the fundamental (lowest component above the noise floor) [Hz].

    Parameters
    ----------
    samples
        Light waveform(s), shape ``(..., n)``.
    sample_rate_hz
        Sampling rate [Hz].

    Returns
    -------
    Frequency [Hz], shape ``(...)``; 0 for a constant waveform, NaN where no periodic
    component rises above the noise floor. Components above the Nyquist frequency alias; a
    record shorter than two periods cannot resolve its frequency (see
    :func:`flicker_metrics`, which reports NaN with a reason for it).
    """
    fs = _check_rate(sample_rate_hz)
    rows, lead = _as_rows(samples)
    spec, window = spectrum(rows - rows.mean(axis=-1, keepdims=True))
    freq = frequencies(spec, window, fs).fundamental_hz
    constant = rows.max(axis=-1) == rows.min(axis=-1)
    freq = np.where(constant, 0.0, freq)
    return np.asarray(freq.reshape(lead), dtype=np.float64)


# ============================================================================ flicker index
def _whole_period_count(
    frequency_hz: FloatArray, n: int, sample_rate_hz: float
) -> tuple[FloatArray, npt.NDArray[np.int64]]:
    periods = np.floor(frequency_hz * n / sample_rate_hz)
    with np.errstate(invalid="ignore", divide="ignore"):
        span = np.where(
            periods >= 1,
            np.rint(periods * sample_rate_hz / np.where(periods >= 1, frequency_hz, 1)),
            0,
        )
    span = np.nan_to_num(span, nan=0.0)
    return periods, np.minimum(span, n).astype(np.int64)


def flicker_index(
    samples: npt.ArrayLike, sample_rate_hz: float, frequency_hz: npt.ArrayLike
) -> FloatArray:
    """IES flicker index over the whole periods of each record.

    Parameters
    ----------
    samples
        Light waveform(s) [dark level subtracted], shape ``(..., n)``.
    sample_rate_hz
        Sampling rate [Hz].
    frequency_hz
        Flicker frequency of each waveform [Hz], shape ``(...)``; 0 for a constant waveform.

    Returns
    -------
    Flicker index [1], shape ``(...)``: ``Σ max(L − L̄, 0) / Σ L`` over the first
    ``floor(n f / fs)`` whole periods (``L̄`` the mean over the same span). 0 for a constant
    waveform; NaN where the record holds fewer than two periods or has no light.

    References
    ----------
    IES Lighting Handbook (10th ed.) definition; the time average (not the mid-range) is used,
    as the IES defines it.
    """
    fs = _check_rate(sample_rate_hz)
    rows, lead = _as_rows(samples)
    f = np.broadcast_to(np.asarray(frequency_hz, dtype=np.float64), lead).reshape(-1)
    return _flicker_index_rows(rows, fs, f).reshape(lead)


def _flicker_index_rows(rows: FloatArray, fs: float, f: FloatArray) -> FloatArray:
    n = rows.shape[-1]
    periods, span = _whole_period_count(f, n, fs)
    cnt = np.maximum(span, 1)
    # sums over the first span samples of each row, as sums over the whole row with the rest
    # zeroed (the same additions as multiplying by a 0/1 mask, without building it)
    short = np.flatnonzero(span < n)
    part = rows.copy()
    for i in short:
        part[i, span[i] :] = 0.0
    total = part.sum(axis=-1)
    mean = total / cnt
    np.subtract(rows, mean[:, None], out=part)
    np.maximum(part, 0.0, out=part)
    for i in short:
        part[i, span[i] :] = 0.0
    above = part.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        fi = np.where(total > 0, above / np.where(total > 0, total, 1.0), np.nan)
    fi = np.where(periods >= 2, fi, np.nan)
    fi = np.where(f == 0, 0.0, fi)
    return np.asarray(fi, dtype=np.float64)


# ============================================================================ SVM
def svm_threshold(frequency_hz: npt.ArrayLike, *, c_hz: float = SVM_C_HZ_CIE) -> FloatArray:
    """SVM visibility threshold ``T(f)`` (CIE TN 006:2016, IEC TR 63158:2018).

    Parameters
    ----------
    frequency_hz
        Frequency [Hz], any shape.
    c_hz
        Low-frequency decay constant [Hz]: :data:`SVM_C_HZ_CIE` (7.10, recalled) or
        :data:`SVM_C_HZ_AALTO` (10).

    Returns
    -------
    ``1 / (1 + exp(−a (f − b))) + 20 exp(−f / c)`` [1] (relative modulation amplitude at the
    threshold of visibility), same shape as ``frequency_hz``.
    """
    f = np.asarray(frequency_hz, dtype=np.float64)
    return np.asarray(
        1.0 / (1.0 + np.exp(-SVM_A_PER_HZ * (f - SVM_B_HZ))) + 20.0 * np.exp(-f / c_hz),
        dtype=np.float64,
    )


def _svm_rows(
    spec: npt.NDArray[np.complex128],
    window: FloatArray,
    fs: float,
    c_hz: float,
    found: Components | None = None,
) -> FloatArray:
    """SVM from the Hann spectrum of mean-normalised rows (DC = 1); ``found``: the spectrum's
    :func:`~luxcheck.kernels.periodogram.search_components`, where the caller has them."""
    n = window.size
    # up to 2 kHz, but a main lobe short of Nyquist (at fs = 4 kHz: 1997 Hz for a 1 s record)
    kmax = min(int(np.floor(SVM_MAX_FREQUENCY_HZ * n / fs)), spec.shape[-1] - 2 - HANN_LOBE_BINS)
    # the frequency search's components reach further (a main lobe short of Nyquist)
    found = find_components(spec, window, kmax) if found is None else found.upto(kmax)
    k, is_peak = found.k, found.is_peak
    if k.size == 0:
        return np.zeros(spec.shape[0])
    # the weights of the components only (a few bins of each row): 0 elsewhere
    rows, cols = np.nonzero(is_peak)
    threshold = svm_threshold(k * fs / n, c_hz=c_hz)
    weight = np.zeros(is_peak.shape)
    weight[rows, cols] = (found.amplitude[rows, cols] / threshold[cols]) ** SVM_EXPONENT
    total = weight.sum(axis=-1)
    return np.asarray(total ** (1.0 / SVM_EXPONENT), dtype=np.float64)


def svm(samples: npt.ArrayLike, sample_rate_hz: float, *, c_hz: float = SVM_C_HZ_CIE) -> FloatArray:
    """Stroboscopic visibility measure of waveforms (no record checks; see
    :func:`flicker_metrics` for the NaN-with-reason rules).

    Parameters
    ----------
    samples
        Light waveform(s) [dark level subtracted], shape ``(..., n)``, positive mean.
    sample_rate_hz
        Sampling rate [Hz]; components up to 2 kHz are summed.
    c_hz
        ``T(f)`` constant ``c`` [Hz] (see :func:`svm_threshold`).

    Returns
    -------
    SVM [1], shape ``(...)``.
    """
    fs = _check_rate(sample_rate_hz)
    rows, lead = _as_rows(samples)
    mean = rows.mean(axis=-1, keepdims=True)
    if np.any(mean <= 0):
        raise InputError("SVM needs a positive mean light level", column="samples")
    spec, w = spectrum(rows / mean - 1.0)
    return _svm_rows(spec, w, fs, c_hz).reshape(lead)


# ============================================================================ PstLM
@functools.lru_cache(maxsize=16)
def _pst_filters(fs: float) -> tuple[FloatArray, FloatArray, float]:
    """Discretised IEC TR 61547-1 filters: (band+weighting SOS, smoothing SOS, scale S)."""
    from scipy import signal  # lazily: only PstLM needs it (start-up time of the CLI)

    # 1st-order high-pass tau s / (tau s + 1)
    tau_hp = 1.0 / (2.0 * np.pi * _PST_HP_HZ)
    z_hp, p_hp, k_hp = np.array([0.0]), np.array([-1.0 / tau_hp]), 1.0
    # 6th-order Butterworth low-pass (analog prototype, not pre-warped, as the TR writes it)
    z_lp, p_lp, k_lp = signal.butter(
        _PST_LP_ORDER, 2.0 * np.pi * _PST_LP_HZ, analog=True, output="zpk"
    )
    # eye weighting filter
    z_w = np.roots(_PST_W_NUM)
    p_w = np.roots(_PST_W_DEN)
    k_w = _PST_W_NUM[0] / _PST_W_DEN[0]
    z = np.concatenate([z_hp, z_lp, z_w])
    p = np.concatenate([p_hp, p_lp, p_w])
    k = k_hp * k_lp * k_w
    zd, pd, kd = signal.bilinear_zpk(z, p, k, fs)
    sos_chain = signal.zpk2sos(zd, pd, kd)
    # sliding mean: 1 / (tau s + 1)
    zs, ps, ks = signal.bilinear_zpk(
        np.array([]), np.array([-1.0 / _PST_SMOOTH_TAU_S]), 1.0 / _PST_SMOOTH_TAU_S, fs
    )
    sos_smooth = signal.zpk2sos(zs, ps, ks)
    # Mombauer scaling from the discrete responses at 8.8 Hz and 17.6 Hz
    _, h_chain = signal.sosfreqz(sos_chain, worN=[_PST_REF_FREQUENCY_HZ], fs=fs)
    _, h_smooth = signal.sosfreqz(sos_smooth, worN=[2.0 * _PST_REF_FREQUENCY_HZ], fs=fs)
    a = _PST_REF_DELTA / 2.0 * abs(h_chain[0])
    scale = 2.0 / (a**2 * (1.0 + abs(h_smooth[0])))
    return (
        np.asarray(sos_chain, dtype=np.float64),
        np.asarray(sos_smooth, dtype=np.float64),
        float(scale),
    )


def pst_lm_instantaneous(samples: npt.ArrayLike, sample_rate_hz: float) -> FloatArray:
    """Instantaneous flicker sensation ``P_inst`` of the IEC TR 61547-1 light flickermeter.

    Parameters
    ----------
    samples
        Light waveform(s) [dark level subtracted], shape ``(..., n)``, positive mean.
    sample_rate_hz
        Sampling rate [Hz].

    Returns
    -------
    ``P_inst`` [1], shape ``(..., n)`` (including the settling time at the start).
    """
    fs = _check_rate(sample_rate_hz)
    rows, lead = _as_rows(samples)
    mean = rows.mean(axis=-1, keepdims=True)
    if np.any(mean <= 0):
        raise InputError("PstLM needs a positive mean light level", column="samples")
    return _p_inst(rows / mean - 1.0, fs).reshape(*lead, rows.shape[-1])


def _p_inst(relative: FloatArray, fs: float) -> FloatArray:
    """``P_inst`` of rows of relative light (``light / mean − 1``), along the last axis: the
    filter chain with the coefficients of :func:`_pst_filters` (computed once per rate)."""
    from scipy import signal

    sos_chain, sos_smooth, scale = _pst_filters(fs)
    y = np.asarray(signal.sosfilt(sos_chain, relative, axis=-1), dtype=np.float64)
    np.square(y, out=y)  # y is sosfilt's own array
    p = np.asarray(signal.sosfilt(sos_smooth, y, axis=-1), dtype=np.float64)
    p *= scale
    return p


def _pst_of_relative(relative: FloatArray, fs: float) -> FloatArray:
    """PstLM of rows of relative light (``light / mean − 1``) of more than
    :data:`PSTLM_DISCARD_S` seconds."""
    p = _p_inst(relative, fs)
    return _pst_statistic(p[..., round(PSTLM_DISCARD_S * fs) :], overwrite=True)


def _pst_statistic(p_inst: FloatArray, *, overwrite: bool = False) -> FloatArray:
    """IEC 61000-4-15 Pst from ``P_inst`` (evaluated part), along the last axis; ``overwrite``
    lets the quantiles reorder ``p_inst`` in place (a temporary of the caller)."""
    levels = sorted({q for _, qs in _PST_TERMS for q in qs})
    # level exceeded x % of the time = quantile (1 - x/100)
    qv = np.quantile(p_inst, [1.0 - x / 100.0 for x in levels], axis=-1, overwrite_input=overwrite)
    by_level = dict(zip(levels, qv, strict=True))
    total = np.zeros(p_inst.shape[:-1])
    for weight, qs in _PST_TERMS:
        total = total + weight * np.mean([by_level[q] for q in qs], axis=0)
    return np.asarray(np.sqrt(np.maximum(total, 0.0)), dtype=np.float64)


def pst_lm(samples: npt.ArrayLike, sample_rate_hz: float) -> FloatArray:
    """Short-term flicker indicator PstLM (IEC TR 61547-1), without the record checks.

    Parameters
    ----------
    samples
        Light waveform(s) [dark level subtracted], shape ``(..., n)``, positive mean; the
        first :data:`PSTLM_DISCARD_S` seconds are discarded as settling time.
    sample_rate_hz
        Sampling rate [Hz].

    Returns
    -------
    PstLM [1], shape ``(...)``. :func:`flicker_metrics` adds the rules (≥ 20 s, ≥ 2 kHz).
    """
    fs = _check_rate(sample_rate_hz)
    p = pst_lm_instantaneous(samples, fs)
    skip = round(PSTLM_DISCARD_S * fs)
    if p.shape[-1] - skip < 1:
        raise InputError(f"PstLM needs more than {PSTLM_DISCARD_S:g} s of record", column="samples")
    return _pst_statistic(p[..., skip:], overwrite=True)


# ============================================================================ limits
def ieee1789_class(
    frequency_hz: npt.ArrayLike,
    percent_flicker: npt.ArrayLike,
    low_risk: PiecewiseLinear,
    no_effect: PiecewiseLinear,
) -> npt.NDArray[np.str_]:
    """IEEE 1789-2015 risk class from frequency and percent flicker.

    Parameters
    ----------
    frequency_hz
        Flicker frequency [Hz].
    percent_flicker
        Percent flicker [%] (broadcast with ``frequency_hz``).
    low_risk, no_effect
        The low-risk and no-observable-effect curves (``Mod% < curve(f)``; NaN = no limit),
        e.g. from :func:`luxcheck.compliance.curves.ieee1789_curves`.

    Returns
    -------
    ``'no-effect'`` where ``Mod% < no_effect(f)`` (or no modulation at all), else
    ``'low-risk'`` where ``Mod% < low_risk(f)``, else ``'high-risk'``; ``''`` where frequency
    or percent flicker is NaN.
    """
    f, pf = np.broadcast_arrays(
        np.asarray(frequency_hz, dtype=np.float64), np.asarray(percent_flicker, dtype=np.float64)
    )
    ne = no_effect(f)
    lr = low_risk(f)
    below_ne = np.isnan(ne) | (pf < ne) | (pf == 0)
    below_lr = np.isnan(lr) | (pf < lr)
    out = np.where(below_ne, "no-effect", np.where(below_lr, "low-risk", "high-risk"))
    out = np.where(np.isnan(f) | np.isnan(pf), "", out)
    return np.asarray(out, dtype=object)


def percent_flicker_limit(frequency_hz: npt.ArrayLike, limit: PiecewiseLinear) -> FloatArray:
    """The 波动深度 limit [%] at the measured flicker frequency (e.g. GB 40070-2021).

    Parameters
    ----------
    frequency_hz
        Flicker frequency [Hz], any shape.
    limit
        The limit curve of percent flicker over frequency, from a standards pack (id
        ``gb40070.flicker-percent``).

    Returns
    -------
    Limit [%]; NaN where there is no limit (above the last point with ``beyond = 'no-limit'``)
    or the frequency is NaN.
    """
    if limit.of != "flicker_frequency_hz":
        raise InputError(
            f"the limit is a function of {limit.of!r}, expected flicker_frequency_hz",
            column="of",
        )
    return limit(frequency_hz)


# ============================================================================ all metrics
def flicker_metrics(
    samples: npt.ArrayLike,
    sample_rate_hz: float,
    *,
    dark_level: float | npt.ArrayLike = 0.0,
    full_scale: float | None = None,
    zero_scale: float | None = None,
    ieee1789: tuple[PiecewiseLinear, PiecewiseLinear] | None = None,
    svm_c_hz: float = SVM_C_HZ_CIE,
    pst: bool = True,
) -> FlickerMetrics:
    """Every flicker metric of uniformly sampled light waveforms.

    Parameters
    ----------
    samples
        Raw waveform(s) from the sensor [any unit proportional to light], shape ``(..., n)``.
    sample_rate_hz
        Sampling rate [Hz].
    dark_level
        Sensor reading in darkness [same unit], subtracted first; a scalar or shape ``(...)``.
    full_scale
        Upper ADC rail [same unit as ``samples``, before dark subtraction]; samples at or
        above it mark the row as clipped. None: not checked.
    zero_scale
        Lower ADC rail [same unit]; samples at or below it mark the row as clipped.
    ieee1789
        ``(low_risk, no_effect)`` curves of IEEE 1789-2015 (the caller reads them from the
        standards data, e.g. :func:`luxcheck.compliance.curves.ieee1789_curves`). None: the
        class is not requested — only light without modulation is classified (``'no-effect'``
        under any curve); other rows get ``''`` with the reason ``'not requested'``.
    svm_c_hz
        ``T(f)`` constant ``c`` [Hz] (see :func:`svm_threshold`).
    pst
        False skips PstLM (NaN, reason ``'not requested'``) — the flickermeter chain is the
        slowest part.

    Returns
    -------
    :class:`FlickerMetrics` with arrays of shape ``(...)`` and per-metric reasons.

    Notes
    -----
    NaN rules (reason text in ``reasons``): frequency and flicker index need at least two
    periods in the record; SVM needs ≥ 4 kHz sampling and ≥ 1 s; PstLM needs ≥ 2 kHz sampling
    and ≥ 20 s (the first 10 s are settling time); clipped rows and rows with negative light
    after dark subtraction have every metric but the frequency NaN; rows without light (mean
    ≤ 0) have all metrics NaN.
    """
    fs = _check_rate(sample_rate_hz)
    raw, lead = _as_rows(samples, check_finite=False)
    raw_hi, raw_lo = _row_extremes(raw)  # one pass each: finiteness, rails, extremes
    nrow, n = raw.shape
    try:
        dark = np.broadcast_to(np.asarray(dark_level, dtype=np.float64), lead).reshape(-1)
    except ValueError:
        raise InputError(
            f"dark level of shape {np.shape(dark_level)}: expected a number or shape {lead}",
            column="dark_level",
        ) from None
    if not np.all(np.isfinite(dark)):
        raise InputError("dark level must be finite", column="dark_level")
    duration = n / fs

    clipped = np.zeros(nrow, dtype=bool)
    if full_scale is not None:
        clipped |= raw_hi >= float(full_scale)
    if zero_scale is not None:
        clipped |= raw_lo <= float(zero_scale)
    clip_reason = _clip_reason(full_scale, zero_scale)

    freq = np.full(nrow, np.nan)
    dom = np.full(nrow, np.nan)
    floor = np.full(nrow, np.nan)
    noise_pf = np.full(nrow, np.nan)
    detected = np.zeros(nrow, dtype=bool)
    pf = np.full(nrow, np.nan)
    fi = np.full(nrow, np.nan)
    sv = np.full(nrow, np.nan)
    pst_values = np.full(nrow, np.nan)
    reasons = {name: _reason_array(nrow) for name in FIELDS}
    notes = {name: _reason_array(nrow) for name in FIELDS}
    # union bound: no sample of white noise of RMS sigma strays more than t sigma from the mean
    # (probability < DETECTION_FALSE_ALARM over the record)
    t_noise = -NormalDist().inv_cdf(DETECTION_FALSE_ALARM / (2.0 * n))  # Wichura AS 241

    no_light = np.zeros(nrow, dtype=bool)
    negative = np.zeros(nrow, dtype=bool)
    # PstLM where the record supports it: on the rows that have light, no rail and no negative
    # sample (the others get their reason below); a constant row's is 0 (set below)
    pst_record = pst and fs >= PSTLM_MIN_SAMPLE_RATE_HZ and duration >= PSTLM_MIN_RECORD_S
    step = max(1, _BLOCK_SAMPLES // n)
    for start in range(0, nrow, step):
        sl = slice(start, min(nrow, start + step))
        light = raw[sl] - dark[sl, None]
        mean = light.mean(axis=-1)
        # = light.max/min exactly: subtracting the same dark level rounds monotonically
        hi = raw_hi[sl] - dark[sl]
        lo = raw_lo[sl] - dark[sl]
        no_light[sl] = mean <= 0
        negative[sl] = lo < 0
        rel = light / np.where(mean <= 0, 1.0, mean)[:, None]
        rel -= 1.0
        spec, window = spectrum(rel)
        constant = hi == lo
        if pst_record:
            # rel is light / mean - 1 on these rows, the flickermeter's input
            chosen = np.flatnonzero((mean > 0) & (lo >= 0) & ~clipped[sl] & ~constant)
            if chosen.size:
                some = rel if chosen.size == rel.shape[0] else rel[chosen]
                pst_values[start + chosen] = _pst_of_relative(some, fs)
        del rel
        found = search_components(spec, window)
        periodic = frequencies(spec, window, fs, found)
        f_blk = np.where(constant, 0.0, periodic.fundamental_hz)
        freq[sl] = f_blk
        dom[sl] = np.where(constant, 0.0, periodic.dominant_hz)
        floor[sl] = np.where(constant, 0.0, 100.0 * periodic.floor_amplitude)
        detected[sl] = periodic.detected
        # the percent flicker white noise of the record's level can give: t sigma, with sigma
        # from the noise power per bin (E[power] = 4 sigma^2 / n for the scaling used)
        noise_pf[sl] = 100.0 * t_noise * np.sqrt(periodic.noise_power * n / 4.0)
        pf[sl] = _percent_flicker_of_extremes(hi, lo)
        fi[sl] = _flicker_index_rows(light, fs, np.where(np.isnan(f_blk), 0.0, f_blk))
        if fs >= SVM_MIN_SAMPLE_RATE_HZ and duration >= SVM_MIN_RECORD_S:
            sv[sl] = _svm_rows(spec, window, fs, svm_c_hz, found)
        del spec, light, found

    constant_all = freq == 0
    # no periodic component above the floor, and no more variation than the noise explains
    quiet = ~constant_all & ~detected & ~no_light & (pf <= noise_pf + floor)
    few_periods = ~constant_all & ~quiet & (np.isnan(freq) | (freq * duration < 2))

    # frequency
    no_light_reason = Message(_n("no light: mean <= 0 after dark subtraction"))
    few_periods_reason = Message(_n("fewer than two periods in {seconds:g} s"), seconds=duration)
    quiet_reason = np.full(nrow, None, dtype=object)
    quiet_note = np.full(nrow, None, dtype=object)
    for i in np.flatnonzero(quiet):
        quiet_reason[i] = Message(
            _n("no periodic flicker detected above the noise floor {floor:.2g} %"),
            floor=float(floor[i]),
        )
        quiet_note[i] = Message(
            _n(
                "no periodic flicker detected: percent flicker at most the noise floor "
                "{floor:.2g} %; the record's extremes ({raw:.2g} %) are sensor noise"
            ),
            floor=float(floor[i]),
            raw=float(pf[i]),
        )
    every = np.ones(nrow, bool)
    for name in ("frequency_hz", "dominant_frequency_hz", "noise_floor_percent"):
        _set_reason(reasons[name], no_light, no_light_reason)
    for name in ("frequency_hz", "dominant_frequency_hz", "flicker_index"):
        _set_reason(reasons[name], quiet, quiet_reason)
        _set_reason(reasons[name], few_periods, few_periods_reason)
    # shape metrics
    negative_reason = Message(_n("negative light after dark subtraction (check the dark level)"))
    corrupt_reasons = [(no_light, no_light_reason), (negative, negative_reason)]
    if clip_reason is not None:
        corrupt_reasons.insert(1, (clipped, clip_reason))
    for name in ("percent_flicker", "flicker_index", "svm", "pst_lm"):
        for mask, message in corrupt_reasons:
            _set_reason(reasons[name], mask, message)
    if fs < SVM_MIN_SAMPLE_RATE_HZ:
        _set_reason(reasons["svm"], every, _rate_reason(fs, SVM_MIN_SAMPLE_RATE_HZ))
    if duration < SVM_MIN_RECORD_S:
        _set_reason(reasons["svm"], every, _record_reason(duration, SVM_MIN_RECORD_S))

    # PstLM on the rows that can support it
    if not pst:
        _set_reason(reasons["pst_lm"], every, Message(_n("not requested")))
    elif fs < PSTLM_MIN_SAMPLE_RATE_HZ:
        _set_reason(reasons["pst_lm"], every, _rate_reason(fs, PSTLM_MIN_SAMPLE_RATE_HZ))
    elif duration < PSTLM_MIN_RECORD_S:
        _set_reason(reasons["pst_lm"], every, _record_reason(duration, PSTLM_MIN_RECORD_S))
    if pst_record:  # the other rows' values were computed block by block above
        pst_values[_unset(reasons["pst_lm"]) & constant_all] = 0.0

    # below the floor, the percent flicker of the periodic part is at most the floor
    pf = np.where(quiet, floor, pf)
    _set_reason(notes["percent_flicker"], quiet & _unset(reasons["percent_flicker"]), quiet_note)

    # apply reasons as NaN
    freq = np.where(_unset(reasons["frequency_hz"]), freq, np.nan)
    dom = np.where(_unset(reasons["dominant_frequency_hz"]), dom, np.nan)
    floor = np.where(_unset(reasons["noise_floor_percent"]), floor, np.nan)
    pf = np.where(_unset(reasons["percent_flicker"]), pf, np.nan)
    fi = np.where(_unset(reasons["flicker_index"]), fi, np.nan)
    sv = np.where(_unset(reasons["svm"]), sv, np.nan)
    pst_values = np.where(_unset(reasons["pst_lm"]), pst_values, np.nan)

    if ieee1789 is not None:
        ieee = ieee1789_class(freq, pf, *ieee1789)
    else:
        # no curves: only the classification that holds under any curve (no modulation)
        unmodulated = (pf == 0) & ~np.isnan(freq)
        ieee = np.asarray(np.where(unmodulated, "no-effect", ""), dtype=object)
    for name in ("frequency_hz", "percent_flicker"):
        _set_reason(reasons["ieee1789"], (ieee == "") & ~_unset(reasons[name]), reasons[name])
    _set_reason(reasons["ieee1789"], ieee == "", Message(_n("not requested")))

    def shaped(a: npt.NDArray[Any]) -> npt.NDArray[Any]:
        return a.reshape(lead)

    return FlickerMetrics(
        frequency_hz=shaped(freq),
        percent_flicker=shaped(pf),
        flicker_index=shaped(fi),
        svm=shaped(sv),
        pst_lm=shaped(pst_values),
        ieee1789=shaped(ieee),
        clipped=shaped(clipped),
        sample_rate_hz=fs,
        duration_s=duration,
        reasons={k: shaped(v) for k, v in reasons.items()},
        dominant_frequency_hz=shaped(dom),
        noise_floor_percent=shaped(floor),
        notes={k: shaped(v) for k, v in notes.items() if any(x is not None for x in v)},
    )
