"""The metric vocabulary: one id per quantity, with its unit in its name (``_lx``, ``_hz``, ``_K``).

Kernels produce these ids, standards packs limit them, the compliance engine compares them and
reports print them. A pack that limits an unknown id, or gives another unit, is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from luxcheck.messages import _n


@dataclass(frozen=True)
class MetricInfo:
    """What a metric id means and how it is shown: one row of the metric table.

    - ``unit``, ``name_en``: the canonical unit and the printed name, in English and the msgid
      of the name in the reports' gettext catalogs (marked ``_n``; the Chinese name is the
      zh_CN catalog's translation, see :meth:`luxcheck.report.format.Formatter.metric_name`);
    - ``kind``: ``"number"`` or ``"text"`` (e.g. a risk group);
    - ``bounds``: the physically possible range ``(minimum, maximum)``, inclusive; ``None`` is
      unbounded. A measured value or a pack limit outside it is an error, never a number
      (``ugr``, ``duv``, ``cri_r9`` may be negative, so they have no lower bound);
    - ``decimals``: display precision in the reports (presentation only; never used to judge);
    - ``advice``: the rectification-advice family the reports print when the metric fails
      (:mod:`luxcheck.report.advice`), or ``None`` for the generic advice.

    Adding a metric: its kernel, one row here, and its analysis wiring.
    """

    metric_id: str
    unit: str
    name_en: str
    kind: str = "number"
    bounds: tuple[float | None, float | None] = (None, None)
    decimals: int = 2
    advice: str | None = None


def _m(
    metric_id: str,
    unit: str,
    en: str,
    *,
    kind: str = "number",
    bounds: tuple[float | None, float | None] = (None, None),
    decimals: int,
    advice: str | None = None,
) -> MetricInfo:
    return MetricInfo(metric_id, unit, en, kind, bounds, decimals, advice)


#: The names of R1…R14, one msgid each (so that the catalogs translate every one).
_SPECIAL_CRI_NAMES = (
    _n("Special colour rendering index R1"),
    _n("Special colour rendering index R2"),
    _n("Special colour rendering index R3"),
    _n("Special colour rendering index R4"),
    _n("Special colour rendering index R5"),
    _n("Special colour rendering index R6"),
    _n("Special colour rendering index R7"),
    _n("Special colour rendering index R8"),
    _n("Special colour rendering index R9"),
    _n("Special colour rendering index R10"),
    _n("Special colour rendering index R11"),
    _n("Special colour rendering index R12"),
    _n("Special colour rendering index R13"),
    _n("Special colour rendering index R14"),
)

_ALL = [
    _m(
        "desk_illuminance_mean_lx",
        "lx",
        _n("Desk mean illuminance"),
        bounds=(0.0, None),
        decimals=0,
        advice="desk_illuminance",
    ),
    _m(
        "desk_illuminance_min_lx",
        "lx",
        _n("Desk minimum illuminance"),
        bounds=(0.0, None),
        decimals=0,
        advice="desk_illuminance",
    ),
    _m(
        "desk_illuminance_max_lx",
        "lx",
        _n("Desk maximum illuminance"),
        bounds=(0.0, None),
        decimals=0,
        advice="desk_illuminance",
    ),
    _m(
        "desk_uniformity",
        "1",
        _n("Desk uniformity U0 (Emin/Eavg)"),
        bounds=(0.0, 1.0),
        decimals=2,
        advice="desk_uniformity",
    ),
    _m(
        "desk_uniformity_min_max",
        "1",
        _n("Desk uniformity Emin/Emax"),
        bounds=(0.0, 1.0),
        decimals=2,
        advice="desk_uniformity",
    ),
    _m(
        "board_illuminance_mean_lx",
        "lx",
        _n("Blackboard mean illuminance"),
        bounds=(0.0, None),
        decimals=0,
        advice="board_illuminance",
    ),
    _m(
        "board_illuminance_min_lx",
        "lx",
        _n("Blackboard minimum illuminance"),
        bounds=(0.0, None),
        decimals=0,
        advice="board_illuminance",
    ),
    _m(
        "board_uniformity",
        "1",
        _n("Blackboard uniformity U0"),
        bounds=(0.0, 1.0),
        decimals=2,
        advice="board_uniformity",
    ),
    _m("ugr", "1", _n("Unified glare rating (worst observer)"), decimals=1, advice="ugr"),
    _m(
        "cri_ra",
        "1",
        _n("General colour rendering index Ra"),
        bounds=(None, 100.0),
        decimals=1,
        advice="cri",
    ),
    *[
        _m(
            f"cri_r{i + 1}",
            "1",
            name,
            bounds=(None, 100.0),
            decimals=0,
            advice="cri",
        )
        for i, name in enumerate(_SPECIAL_CRI_NAMES)
    ],
    _m(
        "cct_K",
        "K",
        _n("Correlated colour temperature"),
        bounds=(0.0, None),
        decimals=0,
        advice="cct",
    ),
    _m("chromaticity_x", "1", _n("Chromaticity x (CIE 1931)"), decimals=2),
    _m("chromaticity_y", "1", _n("Chromaticity y (CIE 1931)"), decimals=2),
    _m("duv", "1", _n("Distance from the Planckian locus Duv"), decimals=4, advice="duv"),
    _m(
        "tm30_rf",
        "1",
        _n("TM-30 fidelity index Rf"),
        bounds=(0.0, 100.0),
        decimals=1,
    ),
    _m("tm30_rg", "1", _n("TM-30 gamut index Rg"), bounds=(0.0, None), decimals=1),
    _m(
        "flicker_frequency_hz",
        "Hz",
        _n("Flicker frequency"),
        bounds=(0.0, None),
        decimals=1,
        advice="flicker",
    ),
    _m(
        "flicker_dominant_frequency_hz",
        "Hz",
        _n("Flicker frequency of the strongest component"),
        bounds=(0.0, None),
        decimals=1,
        advice="flicker",
    ),
    _m(
        "flicker_noise_floor_percent",
        "%",
        _n("Flicker noise floor of the record"),
        bounds=(0.0, None),
        decimals=3,
        advice="flicker",
    ),
    _m(
        "flicker_percent",
        "%",
        _n("Percent flicker (modulation depth)"),
        bounds=(0.0, 100.0),
        decimals=2,
        advice="flicker",
    ),
    _m(
        "flicker_index",
        "1",
        _n("Flicker index"),
        bounds=(0.0, 1.0),
        decimals=3,
        advice="flicker",
    ),
    _m(
        "flicker_svm",
        "1",
        _n("Stroboscopic visibility measure SVM"),
        bounds=(0.0, None),
        decimals=2,
        advice="flicker",
    ),
    _m(
        "flicker_pst_lm",
        "1",
        _n("Short-term flicker severity PstLM"),
        bounds=(0.0, None),
        decimals=2,
        advice="flicker",
    ),
    _m(
        "flicker_ieee1789_class",
        "",
        _n("IEEE 1789 risk class"),
        kind="text",
        decimals=2,
        advice="flicker",
    ),
    _m(
        "board_flicker_frequency_hz",
        "Hz",
        _n("Blackboard lamp flicker frequency"),
        bounds=(0.0, None),
        decimals=1,
        advice="board_flicker",
    ),
    _m(
        "board_flicker_dominant_frequency_hz",
        "Hz",
        _n("Blackboard lamp flicker frequency of the strongest component"),
        bounds=(0.0, None),
        decimals=1,
        advice="board_flicker",
    ),
    _m(
        "board_flicker_noise_floor_percent",
        "%",
        _n("Blackboard lamp flicker noise floor of the record"),
        bounds=(0.0, None),
        decimals=3,
        advice="board_flicker",
    ),
    _m(
        "board_flicker_percent",
        "%",
        _n("Blackboard lamp percent flicker"),
        bounds=(0.0, 100.0),
        decimals=2,
        advice="board_flicker",
    ),
    _m(
        "blue_light_kbv_w_per_lm",
        "W/lm",
        _n("Blue-light hazard efficacy K_B,v"),
        bounds=(0.0, None),
        decimals=4,
        advice="blue_light",
    ),
    _m(
        "blue_light_risk_group",
        "",
        _n("Blue-light risk group (general luminaires)"),
        kind="text",
        decimals=2,
        advice="blue_light",
    ),
    _m(
        "board_blue_light_risk_group",
        "",
        _n("Blue-light risk group (blackboard luminaires)"),
        kind="text",
        decimals=2,
        advice="board_blue_light",
    ),
    _m(
        "melanopic_der",
        "1",
        _n("Melanopic daylight efficacy ratio"),
        bounds=(0.0, None),
        decimals=2,
    ),
    _m(
        "melanopic_edi_lx",
        "lx",
        _n("Melanopic equivalent daylight illuminance"),
        bounds=(0.0, None),
        decimals=0,
    ),
    _m(
        "colour_consistency_sdcm",
        "SDCM",
        _n("Colour consistency between luminaires"),
        bounds=(0.0, None),
        decimals=1,
        advice="colour_consistency",
    ),
    _m(
        "lpd_w_per_m2",
        "W/m2",
        _n("Lighting power density"),
        bounds=(0.0, None),
        decimals=2,
        advice="lpd",
    ),
    _m("room_index", "1", _n("Room index"), bounds=(0.0, None), decimals=2),
    _m(
        "luminaire_height_above_desk_m",
        "m",
        _n("Luminaire height above the desk"),
        bounds=(0.0, None),
        decimals=2,
        advice="luminaire_height",
    ),
    _m(
        "board_cri_ra",
        "1",
        _n("Blackboard lamp colour rendering index Ra"),
        bounds=(None, 100.0),
        decimals=1,  # as the general Ra (cri_ra)
        advice="board_cri",
    ),
    _m(
        "board_cri_r9",
        "1",
        _n("Blackboard lamp special colour rendering index R9"),
        bounds=(None, 100.0),
        decimals=0,  # as the general R9 (cri_r9)
        advice="board_cri",
    ),
    _m(
        "board_cct_K",
        "K",
        _n("Blackboard lamp correlated colour temperature"),
        bounds=(0.0, None),
        decimals=0,
        advice="board_cct",
    ),
    _m(
        "board_duv",
        "1",
        _n("Blackboard lamp distance from the Planckian locus Duv"),
        decimals=4,
        advice="board_cct",
    ),
    _m(
        "board_blue_light_kbv_w_per_lm",
        "W/lm",
        _n("Blackboard lamp blue-light hazard efficacy K_B,v"),
        bounds=(0.0, None),
        decimals=4,
        advice="board_blue_light",
    ),
    _m(
        "board_luminaire_distance_min_m",
        "m",
        _n("Blackboard lamp horizontal distance to the board, nearest lamp"),
        bounds=(0.0, None),
        decimals=2,
        advice="board_luminaire_distance",
    ),
    _m(
        "board_luminaire_distance_max_m",
        "m",
        _n("Blackboard lamp horizontal distance to the board, farthest lamp"),
        bounds=(0.0, None),
        decimals=2,
        advice="board_luminaire_distance",
    ),
    _m(
        "board_luminaire_height_above_board_min_m",
        "m",
        _n("Blackboard lamp height above the board's top edge, lowest lamp"),
        bounds=(0.0, None),
        decimals=2,
        advice="board_luminaire_height",
    ),
    _m(
        "board_luminaire_height_above_board_max_m",
        "m",
        _n("Blackboard lamp height above the board's top edge, highest lamp"),
        bounds=(0.0, None),
        decimals=2,
        advice="board_luminaire_height",
    ),
    _m(
        "luminaire_efficiency_percent",
        "%",
        _n("Classroom luminaire efficiency"),
        bounds=(0.0, 100.0),
        decimals=2,
    ),
    _m(
        "board_luminaire_efficiency_percent",
        "%",
        _n("Blackboard luminaire efficiency"),
        bounds=(0.0, 100.0),
        decimals=2,
    ),
    _m(
        "blue_light_radiance_w_per_m2_sr",
        "W/(m2 sr)",
        _n("Blue-light weighted radiance L_B"),
        bounds=(0.0, None),
        decimals=2,
        advice="blue_light",
    ),
    _m(
        "blue_light_irradiance_w_per_m2",
        "W/m2",
        _n("Blue-light weighted irradiance E_B"),
        bounds=(0.0, None),
        decimals=2,
        advice="blue_light",
    ),
]

#: Every metric id, with its unit and names.
METRICS: dict[str, MetricInfo] = {m.metric_id: m for m in _ALL}

#: The UGR observer positions luxcheck evaluates in a classroom
#: (:func:`luxcheck.analysis.glare.standard_observers`: GB/T 50034-2024 A.0.2's wall midpoints,
#: the teacher and the back row), by id, with their English names (the msgids of the reports'
#: names in each language).
UGR_OBSERVERS: dict[str, str] = {
    "back-wall-mid": _n("back wall, middle"),
    "front-wall-mid": _n("front wall, middle"),
    "left-wall-mid": _n("left wall, middle"),
    "right-wall-mid": _n("right wall, middle"),
    "teacher": _n("teacher, standing"),
    "rear-row": _n("back row"),
}

#: Units a pack may write, mapped to the canonical spelling used in METRICS.
UNIT_ALIASES: dict[str, str] = {"W/m²": "W/m2", "1": "1", "": ""}


def metric(metric_id: str) -> MetricInfo:
    """Get a metric's description; an unknown id raises ``KeyError`` listing close ids."""
    try:
        return METRICS[metric_id]
    except KeyError:
        close = [m for m in METRICS if metric_id.split("_")[0] in m][:8]
        raise KeyError(f"unknown metric id {metric_id!r}; similar ids: {close}") from None


def metric_bounds(metric_id: str) -> tuple[float | None, float | None]:
    """The possible range of a metric (:attr:`MetricInfo.bounds`); unbounded if unknown."""
    info = METRICS.get(metric_id)
    return info.bounds if info is not None else (None, None)


#: The values a text metric may take (compared exactly, never case-folded).
TEXT_VALUES: dict[str, tuple[str, ...]] = {
    "blue_light_risk_group": ("RG0", "RG1", "RG2", "RG3"),
    "board_blue_light_risk_group": ("RG0", "RG1", "RG2", "RG3"),
    "flicker_ieee1789_class": ("no-effect", "low-risk", "high-risk"),
}
