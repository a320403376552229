"""Spectra to metric ids: colour, blue light and melanopic metrics.

:func:`spectral_metric_ids` is the one way from spectra to metric ids (:mod:`luxcheck.vocabulary`):
the campaign analysis (:func:`spectral_part`) and ``luxcheck analyse spectra``
(:mod:`luxcheck.cli.analyse_spectra`) both go through it. It calls the vectorised kernels
(:func:`luxcheck.kernels.colorimetry.spectral_metrics`,
:func:`luxcheck.kernels.photobiology.blue_light`, :func:`luxcheck.kernels.photobiology.melanopic`)
once per batch.

In the campaign, spectra of all classrooms are batched by wavelength grid. The general
luminaire's spectrum (``luminaire`` of the reading ``general`` or empty) gives the room's colour
metrics, and mel-EDI is its mel-DER times the room's desk mean illuminance (CIE S 026/E:2018
§3.4). The blackboard lamp's spectrum (``luminaire`` ``board``, taken on the board under the
blackboard lamps alone) is judged as a lamp: the same function gives its CCT, Duv, Ra, R9 and
K_B,v under the ``board_`` ids of :data:`BOARD_SPECTRAL_IDS`, and its blue-light indication.
They are "not measured" only when no board spectrum was taken (or the kernel gives a reason).

Colour consistency (GB 55016-2021 §3.3.5, 色容差 of like products): the like luminaires of a
classroom are its general-lighting luminaires (one product per classroom, as a retrofit installs
them; the classroom record knows no other grouping). A spectrum taken under one of them
(``luminaire`` ``L1``, ``L2``, … — at the desk directly under that luminaire) gives that
luminaire's chromaticity; with two or more such luminaires, ``colour_consistency_sdcm`` is the
largest distance of a luminaire from their mean chromaticity in steps of the IEC 60081 ellipse
of the nearest nominal colour (:func:`luxcheck.kernels.sdcm.colour_consistency_sdcm`), with a
note naming the luminaires and the ellipse; with fewer it is not measured, with the reason.

Blue-light risk group (IEC TR 62778:2014 method, an *indication*, not a product test): the
weighted radiance ``L_B = K_B,v · L_v`` with ``L_v`` the highest luminance measured on that kind
of luminaire in the room (luminance readings of ``L…`` luminaires for general lighting, ``B…``
for blackboard lamps), classified with the IEC 62471:2006 radiance limits of the standards data
(:func:`luxcheck.compliance.curves.risk_group_limits`). Without a luminance reading the group is
not measured.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from luxcheck.analysis.metrics import RoomMetrics
from luxcheck.compliance.curves import risk_group_limits
from luxcheck.compliance.packs import profile_limits
from luxcheck.kernels.colorimetry import SpectralMetrics, spectral_metrics
from luxcheck.kernels.photobiology import BlueLight, Melanopic, blue_light, melanopic, risk_group
from luxcheck.kernels.sdcm import colour_consistency_sdcm
from luxcheck.messages import Message, Word, _n, not_measured
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


_CRI_IDS = ["cri_ra", *[f"cri_r{i}" for i in range(1, 15)]]

#: The blackboard lamps judged as lamps: the id of a general spectrum's metric → the id the
#: same metric of the blackboard lamp's spectrum takes (one row each in the metric table).
BOARD_SPECTRAL_IDS: dict[str, str] = {
    "cct_K": "board_cct_K",
    "duv": "board_duv",
    "cri_ra": "board_cri_ra",
    "cri_r9": "board_cri_r9",
    "blue_light_kbv_w_per_lm": "board_blue_light_kbv_w_per_lm",
}

#: Every metric id that comes from the blackboard lamp's spectrum (its risk-group indication
#: too, with the lamp's luminance).
BOARD_SPECTRUM_METRICS: frozenset[str] = frozenset(
    {*BOARD_SPECTRAL_IDS.values(), "board_blue_light_risk_group"}
)


def as_board_ids(values: Mapping[str, float]) -> dict[str, float]:
    """One spectrum's metric ids (:func:`spectral_metric_ids`) as those of a blackboard lamp:
    the :data:`BOARD_SPECTRAL_IDS` renamed, the rest (general-lighting quantities) left out."""
    return {board: values[general] for general, board in BOARD_SPECTRAL_IDS.items()}


#: A general-lighting luminaire's label (``L1``, ``L2``, …): a spectrum under one of them is one
#: like luminaire of the colour-consistency group.
LIKE_LUMINAIRE = re.compile(r"L[1-9][0-9]*")


def colour_consistency_needed(profile: str) -> bool:
    """Whether a profile limits ``colour_consistency_sdcm``, so that the guided session asks for
    spectra under several general luminaires."""
    return any(lim.metric == "colour_consistency_sdcm" for lim in profile_limits(profile))


def board_spectrum_needed(profile: str) -> bool:
    """Whether a profile limits a metric of the blackboard lamp's spectrum
    (:data:`BOARD_SPECTRUM_METRICS`), so that the guided session asks for that spectrum."""
    return any(limit.metric in BOARD_SPECTRUM_METRICS for limit in profile_limits(profile))


@dataclass(frozen=True)
class SpectralIds:
    """Metric ids of a batch of spectra, with the kernel results they come from.

    Attributes
    ----------
    values
        Per spectrum (in row-major order of the leading axes): metric id → value, NaN where
        not computed.
    reasons
        Per spectrum: metric id → why its value is NaN (the kernel's reason, None if it gives
        none; only NaN ids).
    colour, blue, mel
        The kernel results (for what is not a metric id: u′v′, Y, the reasons by kernel).
    notes
        Per spectrum: metric id → a note on a value that is given (Ra and R1-R14 outside the
        CIE 13.3 Duv tolerance).
    """

    values: list[dict[str, float]]
    reasons: list[dict[str, Message | None]]
    colour: SpectralMetrics
    blue: BlueLight
    mel: Melanopic
    notes: list[dict[str, Message]]


def spectral_metric_ids(
    wavelength_nm: npt.ArrayLike,
    spd: npt.ArrayLike,
    *,
    tm30: bool = True,
    spectral_irradiance: bool = False,
    source: str | None = None,
) -> SpectralIds:
    """Every metric id of spectra: chromaticity, CCT, Duv, CRI, TM-30, K_B,v and melanopic.

    Parameters
    ----------
    wavelength_nm
        Wavelengths [nm], covering at least 380-780 nm.
    spd
        Spectra, shape (..., n) (one per row).
    tm30
        False skips TM-30 Rf/Rg (NaN with a reason).
    spectral_irradiance
        True when ``spd`` is spectral irradiance in W·m⁻²·nm⁻¹, so that mel-EDI follows from it
        (CIE S 026/E:2018); otherwise mel-EDI is NaN with a reason.
    source
        File name for error messages.

    Returns
    -------
    SpectralIds
        ``chromaticity_x``, ``chromaticity_y``, ``cct_K``, ``duv``, ``cri_ra``, ``cri_r1`` …
        ``cri_r14``, ``tm30_rf``, ``tm30_rg``, ``blue_light_kbv_w_per_lm``, ``melanopic_der``,
        ``melanopic_edi_lx`` per spectrum, with the reasons of the NaN ones.
    """
    colour = spectral_metrics(wavelength_nm, spd, tm30=tm30, source=source)
    blue = blue_light(wavelength_nm, spd, source=source)
    mel = melanopic(wavelength_nm, spd, spectral_irradiance=spectral_irradiance, source=source)
    values: list[dict[str, float]] = []
    reasons: list[dict[str, Message | None]] = []
    notes: list[dict[str, Message]] = []
    for index in np.ndindex(colour.shape):
        ids = spectral_metric_dict(colour, index)
        ids["chromaticity_x"] = float(colour.x[index])
        ids["chromaticity_y"] = float(colour.y[index])
        ids.update(photobiology_metric_dict(blue, mel, index))
        kernel_reason = {
            "tm30": colour.tm30_reason.item(index),
            "mela": mel.reason.item(index),  # melanopic_edi_lx, the only melanopic id NaN
        }
        colour_reason = colour.reason.item(index)
        reasons.append(
            {
                metric_id: kernel_reason.get(metric_id[:4], colour_reason)
                for metric_id, value in ids.items()
                if math.isnan(value)
            }
        )
        values.append(ids)
        note = colour.cri_note.item(index) if colour.cri_note.shape == colour.shape else None
        notes.append({m: note for m in _CRI_IDS if note is not None and not math.isnan(ids[m])})
    return SpectralIds(values, reasons, colour, blue, mel, notes)


def spectral_metric_dict(
    result: SpectralMetrics, index: int | tuple[int, ...] = 0
) -> dict[str, float]:
    """Map one spectrum of a result to the metric vocabulary (:mod:`luxcheck.vocabulary`).

    Parameters
    ----------
    result
        Output of :func:`luxcheck.kernels.colorimetry.spectral_metrics`.
    index
        Position of the spectrum in the leading axes (an int for a 1-D batch).

    Returns
    -------
    dict
        ``cct_K``, ``duv``, ``cri_ra``, ``cri_r1`` … ``cri_r14``, ``tm30_rf``, ``tm30_rg``;
        NaN where the value could not be computed (the reason is in ``result.reason``).
    """
    if not result.shape:
        idx: tuple[int, ...] = ()
    else:
        idx = index if isinstance(index, tuple) else (index,)
    out = {
        "cct_K": float(result.cct_K[idx]),
        "duv": float(result.duv[idx]),
        "cri_ra": float(result.ra[idx]),
    }
    ri = result.ri[idx]
    for i in range(14):
        out[f"cri_r{i + 1}"] = float(ri[i])
    out["tm30_rf"] = float(result.rf[idx])
    out["tm30_rg"] = float(result.rg[idx])
    return out


def photobiology_metric_dict(
    blue: BlueLight, mel: Melanopic, index: int | tuple[int, ...] = 0
) -> dict[str, float]:
    """Map one spectrum's results to the metric vocabulary (:mod:`luxcheck.vocabulary`).

    Returns
    -------
    dict
        ``blue_light_kbv_w_per_lm``, ``melanopic_der`` and ``melanopic_edi_lx`` (NaN where not
        known; the reason is in ``mel.reason``).
    """
    idx: tuple[int, ...] = (
        () if blue.kbv_w_per_lm.ndim == 0 else (index if isinstance(index, tuple) else (index,))
    )
    return {
        "blue_light_kbv_w_per_lm": float(blue.kbv_w_per_lm[idx]),
        "melanopic_der": float(mel.der[idx]),
        "melanopic_edi_lx": float(mel.edi_lx[idx]),
    }


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
        ids = spectral_metric_ids(wl, spd, tm30=(which == "general"))
        lv = np.array([m[2] for m in members])
        groups_rg = risk_group(ids.blue.kbv_w_per_lm * lv, limits)
        for i, (room_id, _, _) in enumerate(members):
            metrics = out[room_id]
            values, reasons = ids.values[i], ids.reasons[i]
            if which == "general":
                desk = _number(computed.get(room_id), "desk_illuminance_mean_lx")
                metrics.values.update(values)
                metrics.reasons.update(ids.notes[i])
                for metric_id in _COLOUR_IDS:
                    if metric_id in reasons:
                        metrics.reasons[metric_id] = not_measured(reasons[metric_id])
                # mel-EDI of the room: mel-DER times the desk mean illuminance
                if math.isfinite(desk):
                    metrics.values["melanopic_edi_lx"] = values["melanopic_der"] * desk
                else:
                    metrics.values["melanopic_edi_lx"] = math.nan
                    metrics.reasons["melanopic_edi_lx"] = not_measured(
                        Message(_n("no desk illuminance to scale mel-DER"))
                    )
                _put_group(
                    metrics, "blue_light_risk_group", str(groups_rg[i]), lv[i], _n("general")
                )
            else:
                for general_id, board_id in BOARD_SPECTRAL_IDS.items():
                    metrics.values[board_id] = values[general_id]
                    if general_id in ids.notes[i]:
                        metrics.reasons[board_id] = ids.notes[i][general_id]
                    if math.isnan(values[general_id]):
                        metrics.reasons[board_id] = not_measured(reasons.get(general_id))
                _put_group(
                    metrics,
                    "board_blue_light_risk_group",
                    str(groups_rg[i]),
                    lv[i],
                    _n("blackboard"),
                )
    for room_id, (sdcm_values, sdcm_reasons) in _colour_consistency(rooms).items():
        out[room_id].values.update(sdcm_values)
        out[room_id].reasons.update(sdcm_reasons)
    no_general = not_measured(Message(_n("no spectrum of the general luminaires")))
    no_board = not_measured(Message(_n("no spectrum of the blackboard lamps")))
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
                metrics.reasons[metric_id] = no_general
        if "board_cri_ra" not in metrics.values:
            for metric_id in sorted(BOARD_SPECTRUM_METRICS):
                metrics.values[metric_id] = math.nan
                metrics.reasons[metric_id] = no_board
    return out


def _like_luminaire_spectra(readings: Sequence[AnyReading]) -> dict[str, SpectrumReading]:
    """The latest spectrum under each general luminaire ``L<n>`` of a room, by label."""
    found: dict[str, SpectrumReading] = {}
    for r in readings:
        if isinstance(r, SpectrumReading) and LIKE_LUMINAIRE.fullmatch(r.luminaire):
            found[r.luminaire] = r
    return dict(sorted(found.items(), key=lambda item: int(item[0][1:])))


def _colour_consistency(
    rooms: Sequence[tuple[Classroom, Sequence[AnyReading]]],
) -> dict[str, tuple[dict[str, float], dict[str, Message]]]:
    """``colour_consistency_sdcm`` of every room from its like-luminaire spectra (module notes);
    the chromaticities come from :func:`spectral_metric_ids`, batched by wavelength grid."""
    spectra = {room.classroom_id: _like_luminaire_spectra(readings) for room, readings in rooms}
    grids: dict[bytes, list[tuple[str, str, SpectrumReading]]] = defaultdict(list)
    for room_id, by_label in spectra.items():
        for label, spectrum in by_label.items():
            key = spectrum.wavelength_nm.astype(np.float64).tobytes()
            grids[key].append((room_id, label, spectrum))
    xy: dict[str, dict[str, tuple[float, float]]] = defaultdict(dict)
    for members in grids.values():
        wl = members[0][2].wavelength_nm.astype(np.float64)
        spd = np.stack([m[2].values.astype(np.float64) for m in members])
        ids = spectral_metric_ids(wl, spd, tm30=False)
        for (room_id, label, _), values in zip(members, ids.values, strict=True):
            xy[room_id][label] = (values["chromaticity_x"], values["chromaticity_y"])
    out: dict[str, tuple[dict[str, float], dict[str, Message]]] = {}
    for room_id in spectra:
        points = xy.get(room_id, {})
        if len(points) < 2:
            why = Message(
                _n(
                    "needs spectra under two or more general luminaires (L1, L2, …) of the "
                    "room; {n} taken"
                ),
                n=len(points),
            )
            out[room_id] = (
                {"colour_consistency_sdcm": math.nan},
                {"colour_consistency_sdcm": not_measured(why)},
            )
            continue
        labels = list(points)
        res = colour_consistency_sdcm(
            [p[0] for p in points.values()], [p[1] for p in points.values()]
        )
        note = Message(
            _n(
                "{n} general luminaires ({labels}), the room's like products, against their "
                "mean chromaticity, in steps of the IEC 60081 F{nominal} ellipse (ellipse "
                "coefficients to be confirmed)"
            ),
            n=len(labels),
            labels=", ".join(labels),
            nominal=f"{res.nominal_cct_K:.0f}",
        )
        out[room_id] = ({"colour_consistency_sdcm": res.sdcm}, {"colour_consistency_sdcm": note})
    return out


def _number(metrics: RoomMetrics | None, metric_id: str) -> float:
    if metrics is None:
        return math.nan
    value = metrics.values.get(metric_id)
    return float(value) if isinstance(value, int | float) and value is not None else math.nan


def _put_group(metrics: RoomMetrics, metric_id: str, group: str, lv: float, which: str) -> None:
    if group == "not-measured" or not math.isfinite(lv):
        metrics.values[metric_id] = math.nan
        metrics.reasons[metric_id] = not_measured(
            Message(
                _n("no luminance reading of the {word} luminaires for L_B = K_B,v·L_v"),
                word=Word(which),
            )
        )
    else:
        metrics.values[metric_id] = group
