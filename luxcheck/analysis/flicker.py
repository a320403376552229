"""Flicker metrics of a waveform as metric ids (:mod:`luxcheck.vocabulary`).

The kernel (:func:`luxcheck.kernels.flicker.flicker_metrics`) gives arrays; this module names
one waveform's values by metric id and classifies it by IEEE 1789-2015 (Recommended Practices
for Modulating Current in High-Brightness LEDs, §8.1.1 Figure 18: low-risk and
no-observable-effect regions) with the curves of the standards data
(:func:`luxcheck.compliance.curves.ieee1789_curves`).
"""

from __future__ import annotations

import math

from luxcheck.compliance.curves import ieee1789_curves
from luxcheck.errors import InputError
from luxcheck.kernels.flicker import FlickerMetrics, ieee1789_class
from luxcheck.kernels.piecewise import PiecewiseLinear
from luxcheck.messages import Message
from luxcheck.vocabulary import METRICS

#: FlickerMetrics field → metric id.
_METRIC_IDS: dict[str, str] = {
    "frequency_hz": "flicker_frequency_hz",
    "dominant_frequency_hz": "flicker_dominant_frequency_hz",
    "noise_floor_percent": "flicker_noise_floor_percent",
    "percent_flicker": "flicker_percent",
    "flicker_index": "flicker_index",
    "svm": "flicker_svm",
    "pst_lm": "flicker_pst_lm",
    "ieee1789": "flicker_ieee1789_class",
}


def flicker_metric_dict(
    result: FlickerMetrics,
    index: int | tuple[int, ...] = (),
    *,
    prefix: str = "",
    ieee1789: tuple[PiecewiseLinear, PiecewiseLinear] | None = None,
) -> tuple[dict[str, float | str], dict[str, Message]]:
    """One waveform's metrics keyed by metric id, with the reasons of the missing ones.

    Parameters
    ----------
    result
        Output of :func:`luxcheck.kernels.flicker.flicker_metrics`.
    index
        Index of the waveform over the leading axes (``()`` for a single waveform).
    prefix
        Metric-id prefix: ``''`` for classroom luminaires; ``'board_'`` for blackboard lamps
        (only the ids that exist in :data:`luxcheck.vocabulary.METRICS` are produced:
        ``board_flicker_frequency_hz``, ``board_flicker_dominant_frequency_hz``,
        ``board_flicker_noise_floor_percent`` and ``board_flicker_percent``).
    ieee1789
        ``(low_risk, no_effect)`` curves for the IEEE 1789 class; default: those of the
        bundled IEEE 1789-2015 pack. The class is evaluated here, from the waveform's
        frequency and percent flicker, whatever curves the kernel was given.

    Returns
    -------
    ``(values, reasons)``: ``values[id]`` is a float (NaN when not measured) or, for the IEEE
    class, a string (NaN where it cannot be determined); ``reasons[id]`` says why a value is
    missing, or, for a value that is given, the kernel's note on it (the percent flicker of a
    record without periodic flicker is its noise floor). The campaign file keeps both in the
    metric's ``reason``; the compliance engine prints a note on a measured value in the
    verdict.
    """
    values: dict[str, float | str] = {}
    why: dict[str, Message] = {}
    for name, metric_id in _METRIC_IDS.items():
        key = f"{prefix}{metric_id}"
        if key not in METRICS:
            continue
        value: float | str
        reason: Message | None
        if name == "ieee1789":
            value, reason = _ieee1789(result, index, ieee1789)
            if value == "":
                value = math.nan  # not determined: not measured (the engine's and store's NaN)
        else:
            value = float(getattr(result, name)[index])
            reason = result.reasons[name][index]
            if reason is None and name in result.notes:
                reason = result.notes[name][index]  # a note on a value that is given
        values[key] = value
        if reason is not None:
            why[key] = reason
    if not values:
        raise InputError(f"prefix {prefix!r} gives no known metric id", column="prefix")
    return values, why


def _ieee1789(
    result: FlickerMetrics,
    index: int | tuple[int, ...],
    curves: tuple[PiecewiseLinear, PiecewiseLinear] | None,
) -> tuple[str, Message | None]:
    """The IEEE 1789 class of one waveform and, where it is ``''``, why (the reason of the
    frequency or of the percent flicker, as the kernel gives it)."""
    low_risk, no_effect = curves if curves is not None else ieee1789_curves()
    frequency = result.frequency_hz[index]
    percent = result.percent_flicker[index]
    value = str(ieee1789_class(frequency, percent, low_risk, no_effect)[()])
    if value:
        return value, None
    reasons = (result.reasons[name][index] for name in ("frequency_hz", "percent_flicker"))
    return value, next((r for r in reasons if r is not None), None)
