"""Rectification advice: the plain-words sentence a school administrator acts on, per
metric advice family (:attr:`luxcheck.vocabulary.MetricInfo.advice`)."""

from __future__ import annotations

from luxcheck.compliance.verdict import Verdict
from luxcheck.vocabulary import METRICS


def _n(message: str) -> str:
    """Mark a message for translation (extracted by scripts/update_catalogs.py)."""
    return message


# Rectification advice per metric family (plain words for a school administrator).
_ADVICE: dict[str, str] = {
    "desk_illuminance": _n(
        "Raise the desk illuminance: check that every luminaire works and is clean, replace "
        "under-performing luminaires or add luminaires, then re-measure the desk grid."
    ),
    "desk_uniformity": _n(
        "Improve the desk uniformity: rearrange or add luminaires over the dark zones (often "
        "near the walls and the back row) and re-measure the desk grid."
    ),
    "board_illuminance": _n(
        "Raise the blackboard illuminance: install or adjust dedicated blackboard luminaires "
        "(asymmetric optics, aimed at the board) and re-measure the board grid."
    ),
    "board_uniformity": _n(
        "Improve the blackboard uniformity: adjust the position and aiming of the blackboard "
        "luminaires so that the board is lit evenly, then re-measure."
    ),
    "ugr": _n(
        "Reduce glare: use luminaires with louvres or diffusers, lower luminance at viewing "
        "angles, or orient luminaires with their long axis perpendicular to the blackboard."
    ),
    "cri": _n(
        "Replace the light sources with products of sufficient colour rendering (check Ra and "
        "R9 on the product test report) and re-measure the spectrum."
    ),
    "board_cri": _n(
        "Replace the blackboard luminaires' light sources with products of sufficient colour "
        "rendering and re-measure their spectrum."
    ),
    "cct": _n(
        "Replace the light sources with products whose colour temperature lies in the required "
        "range and re-measure."
    ),
    "board_cct": _n(
        "Replace the blackboard luminaires' light sources with products whose colour "
        "temperature lies in the required range and re-measure their spectrum."
    ),
    "duv": _n("Replace the light sources with products closer to the Planckian locus."),
    "flicker": _n(
        "Replace the drivers or luminaires with flicker-free products (low percent flicker at "
        "the mains ripple frequency) and re-measure the waveform."
    ),
    "board_flicker": _n(
        "Replace the blackboard luminaires' drivers with flicker-free products and re-measure."
    ),
    "blue_light": _n(
        "Use luminaires of the required photobiological risk group (product test report per "
        "IEC/TR 62778) and replace those that exceed it."
    ),
    "board_blue_light": _n(
        "Use blackboard luminaires of the required photobiological risk group and replace those "
        "that exceed it."
    ),
    "lpd": _n(
        "Reduce the lighting power density: replace luminaires with more efficient ones or "
        "remove excess luminaires, while keeping the illuminance requirements."
    ),
    "luminaire_height": _n(
        "Raise the luminaires so that their height above the desks meets the requirement."
    ),
    "board_luminaire_distance": _n(
        "Re-position the blackboard luminaires so that every one of them lies within the "
        "required distance from the board face, then re-measure each lamp."
    ),
    "board_luminaire_height": _n(
        "Re-mount the blackboard luminaires so that every one of them lies within the required "
        "height above the board's top edge, then re-measure each lamp."
    ),
    "colour_consistency": _n(
        "Replace luminaires whose colour differs visibly from the others so that the room is "
        "consistent."
    ),
}
_GENERIC_ADVICE = _n("Correct the installation so that this requirement is met and re-measure.")
# not measured: the acceptance depends on the item only if it is a shall-requirement
_NOT_MEASURED_ADVICE = _n("Measure this item; the classroom cannot be accepted without it.")
_NOT_MEASURED_RECOMMENDED_ADVICE = _n(
    "Measure this item to complete the report; it is a recommendation (should or advisory), "
    "so the classroom's acceptance does not depend on it."
)


def advice_key(metric_id: str) -> str | None:
    """The advice family of a metric (:attr:`luxcheck.vocabulary.MetricInfo.advice`), or None."""
    info = METRICS.get(metric_id)
    return info.advice if info is not None else None


def advice_msgid(v: Verdict) -> str:
    """The (untranslated) advice for a verdict that is not a pass."""
    if v.status == "not-measured":
        if v.obligation == "shall":
            return _NOT_MEASURED_ADVICE
        return _NOT_MEASURED_RECOMMENDED_ADVICE
    key = advice_key(v.metric)
    return _ADVICE[key] if key else _GENERIC_ADVICE
