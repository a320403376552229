"""The spectral part of the campaign analysis: colour, blue light and melanopic metrics.

Spectra of all classrooms are batched by wavelength grid into single calls of the vectorised
kernels (:func:`luxcheck.kernels.colorimetry.spectral_metrics`,
:func:`luxcheck.kernels.photobiology.blue_light`,
:func:`luxcheck.kernels.photobiology.melanopic`). The general luminaire's spectrum (``luminaire``
of the
reading ``general`` or empty) gives the room's colour metrics; the blackboard lamp's
(``board``) gives ``board_cri_ra`` and its blue-light indication.

Blue-light risk group (IEC TR 62778 method, an *indication*, not a product test): the weighted
radiance ``L_B = K_B,v · L_v`` with ``L_v`` the highest luminance measured on that kind of
luminaire in the room (luminance readings of ``L…`` luminaires for general lighting, ``B…`` for
blackboard lamps), classified with the IEC 62471 radiance limits of the standards data
(pack limits ``iec62471.rg0.blue-light-radiance`` … ``rg2``). Without a luminance reading
the group is not measured.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence

import numpy as np

from luxcheck.analysis.metrics import RoomMetrics
from luxcheck.compliance.curves import risk_group_limits
from luxcheck.kernels.colorimetry import spectral_metric_dict, spectral_metrics
from luxcheck.kernels.photobiology import blue_light, melanopic, risk_group
from luxcheck.model import AnyReading, Classroom, LuminanceReading, SpectrumReading

_COLOUR_IDS = [
    "chromaticity_x",
    "chromaticity_y",
    "cct_K",
    "duv",
    "cri_ra",
    *[f"cri_r{i}" for i in range(1, 15)],
    "tm30_rf",
    "tm30_rg",
]


def _latest_spectrum(readings: Sequence[AnyReading], which: str) -> SpectrumReading | None:
    found = None
    for r in readings:
        if isinstance(r, SpectrumReading) and (r.luminaire or "general") == which:
            found = r
    return found


def _max_luminance(readings: Sequence[AnyReading], prefix: str) -> float:
    values = [
        r.luminance_cd_m2
        for r in readings
        if isinstance(r, LuminanceReading)
        and r.target == "luminaire"
        and r.luminaire.startswith(prefix)
    ]
    return max(values) if values else math.nan


def spectral_part(
    rooms: Sequence[tuple[Classroom, Sequence[AnyReading]]],
    computed: Mapping[str, RoomMetrics],
) -> dict[str, RoomMetrics]:
    """Colour, blue-light and melanopic metrics of every room (batched by wavelength grid).

    ``computed`` holds the metrics already computed (mel-EDI uses the desk mean illuminance).
    """
    out = {room.classroom_id: RoomMetrics(room.classroom_id) for room, _ in rooms}
    limits = risk_group_limits()
    groups: dict[tuple[str, bytes], list[tuple[str, SpectrumReading, float]]] = defaultdict(list)
    for room, readings in rooms:
        for which, prefix in (("general", "L"), ("board", "B")):
            spectrum = _latest_spectrum(readings, which)
            if spectrum is None:
                continue
            key = (which, spectrum.wavelength_nm.astype(np.float64).tobytes())
            groups[key].append((room.classroom_id, spectrum, _max_luminance(readings, prefix)))
    for (which, _), members in groups.items():
        wl = members[0][1].wavelength_nm.astype(np.float64)
        spd = np.stack([m[1].values.astype(np.float64) for m in members])
        colour = spectral_metrics(wl, spd, tm30=(which == "general"))
        kbv = blue_light(wl, spd).kbv_w_per_lm
        lv = np.array([m[2] for m in members])
        groups_rg = risk_group(kbv * lv, limits)
        if which == "general":
            desk = np.array(
                [_number(computed.get(m[0]), "desk_illuminance_mean_lx") for m in members]
            )
            mel = melanopic(wl, spd)
        for i, (room_id, _, _) in enumerate(members):
            metrics = out[room_id]
            values = spectral_metric_dict(colour, i)
            reason = str(colour.reason[i])
            if which == "general":
                metrics.values.update(values)
                metrics.values["chromaticity_x"] = float(colour.x[i])
                metrics.values["chromaticity_y"] = float(colour.y[i])
                for metric_id, value in values.items():
                    if math.isnan(value):
                        why = str(colour.tm30_reason[i]) if metric_id.startswith("tm30") else reason
                        metrics.reasons[metric_id] = (
                            f"not measured: {why}" if why else ("not measured")
                        )
                metrics.values["blue_light_kbv_w_per_lm"] = float(kbv[i])
                metrics.values["melanopic_der"] = float(mel.der[i])
                if math.isfinite(desk[i]):
                    metrics.values["melanopic_edi_lx"] = float(mel.der[i] * desk[i])
                else:
                    metrics.values["melanopic_edi_lx"] = math.nan
                    metrics.reasons["melanopic_edi_lx"] = (
                        "not measured: no desk illuminance to scale mel-DER"
                    )
                _put_group(metrics, "blue_light_risk_group", str(groups_rg[i]), lv[i], "general")
            else:
                metrics.values["board_cri_ra"] = values["cri_ra"]
                if math.isnan(values["cri_ra"]):
                    metrics.reasons["board_cri_ra"] = f"not measured: {reason}"
                _put_group(
                    metrics, "board_blue_light_risk_group", str(groups_rg[i]), lv[i], "blackboard"
                )
    for room, _ in rooms:
        metrics = out[room.classroom_id]
        if "cri_ra" not in metrics.values:
            for metric_id in [
                *_COLOUR_IDS,
                "blue_light_kbv_w_per_lm",
                "melanopic_der",
                "melanopic_edi_lx",
                "blue_light_risk_group",
            ]:
                metrics.values[metric_id] = math.nan
                metrics.reasons[metric_id] = "not measured: no spectrum of the general luminaires"
        if "board_cri_ra" not in metrics.values:
            for metric_id in ("board_cri_ra", "board_blue_light_risk_group"):
                metrics.values[metric_id] = math.nan
                metrics.reasons[metric_id] = "not measured: no spectrum of the blackboard lamps"
    return out


def _number(metrics: RoomMetrics | None, metric_id: str) -> float:
    if metrics is None:
        return math.nan
    value = metrics.values.get(metric_id)
    return float(value) if isinstance(value, int | float) and value is not None else math.nan


def _put_group(metrics: RoomMetrics, metric_id: str, group: str, lv: float, which: str) -> None:
    if group == "not-measured" or not math.isfinite(lv):
        metrics.values[metric_id] = math.nan
        metrics.reasons[metric_id] = (
            f"not measured: no luminance reading of the {which} luminaires for L_B = K_B,v·L_v"
        )
    else:
        metrics.values[metric_id] = group
