"""The metric vocabulary: one id per quantity, with its unit (DESIGN §4).

Kernels produce these ids, standards packs limit them, the compliance engine compares them and
reports print them. A pack that limits an unknown id, or gives another unit, is refused.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MetricInfo:
    """What a metric id means: its unit and its names in English and Chinese."""

    metric_id: str
    unit: str
    name_en: str
    name_zh: str
    kind: str = "number"  # "number" or "text" (e.g. a risk group)


def _m(metric_id: str, unit: str, en: str, zh: str, kind: str = "number") -> MetricInfo:
    return MetricInfo(metric_id, unit, en, zh, kind)


_ALL = [
    _m("desk_illuminance_mean_lx", "lx", "Desk mean illuminance", "课桌面平均照度"),
    _m("desk_illuminance_min_lx", "lx", "Desk minimum illuminance", "课桌面最小照度"),
    _m("desk_illuminance_max_lx", "lx", "Desk maximum illuminance", "课桌面最大照度"),
    _m("desk_uniformity", "1", "Desk uniformity U0 (Emin/Eavg)", "课桌面照度均匀度"),
    _m("desk_uniformity_min_max", "1", "Desk uniformity Emin/Emax", "课桌面照度均匀度(最小/最大)"),
    _m("board_illuminance_mean_lx", "lx", "Blackboard mean illuminance", "黑板面平均照度"),
    _m("board_illuminance_min_lx", "lx", "Blackboard minimum illuminance", "黑板面最小照度"),
    _m("board_uniformity", "1", "Blackboard uniformity U0", "黑板面照度均匀度"),
    _m("ugr", "1", "Unified glare rating (worst observer)", "统一眩光值"),
    _m("cri_ra", "1", "General colour rendering index Ra", "一般显色指数 Ra"),
    *[
        _m(f"cri_r{i}", "1", f"Special colour rendering index R{i}", f"特殊显色指数 R{i}")
        for i in range(1, 15)
    ],
    _m("cct_K", "K", "Correlated colour temperature", "相关色温"),
    _m("chromaticity_x", "1", "Chromaticity x (CIE 1931)", "色品坐标 x"),
    _m("chromaticity_y", "1", "Chromaticity y (CIE 1931)", "色品坐标 y"),
    _m("duv", "1", "Distance from the Planckian locus Duv", "色偏差 Duv"),
    _m("tm30_rf", "1", "TM-30 fidelity index Rf", "TM-30 保真度指数 Rf"),
    _m("tm30_rg", "1", "TM-30 gamut index Rg", "TM-30 色域指数 Rg"),
    _m("flicker_frequency_hz", "Hz", "Flicker frequency", "波动频率"),
    _m("flicker_percent", "%", "Percent flicker (modulation depth)", "波动深度"),
    _m("flicker_index", "1", "Flicker index", "闪烁指数"),
    _m("flicker_svm", "1", "Stroboscopic visibility measure SVM", "频闪效应可视度 SVM"),
    _m("flicker_pst_lm", "1", "Short-term flicker severity PstLM", "短期闪变指数 PstLM"),
    _m("flicker_ieee1789_class", "", "IEEE 1789 risk class", "IEEE 1789 风险等级", "text"),
    _m("board_flicker_frequency_hz", "Hz", "Blackboard lamp flicker frequency", "黑板灯波动频率"),
    _m("board_flicker_percent", "%", "Blackboard lamp percent flicker", "黑板灯波动深度"),
    _m("blue_light_kbv_w_per_lm", "W/lm", "Blue-light hazard efficacy K_B,v", "蓝光危害效能系数"),
    _m(
        "blue_light_risk_group",
        "",
        "Blue-light risk group (general luminaires)",
        "蓝光危害类别(一般照明灯具)",
        "text",
    ),
    _m(
        "board_blue_light_risk_group",
        "",
        "Blue-light risk group (blackboard luminaires)",
        "蓝光危害类别(黑板灯)",
        "text",
    ),
    _m("melanopic_der", "1", "Melanopic daylight efficacy ratio", "褪黑素日光效能比"),
    _m("melanopic_edi_lx", "lx", "Melanopic equivalent daylight illuminance", "褪黑素等效日光照度"),
    _m(
        "colour_consistency_sdcm", "SDCM", "Colour consistency between luminaires", "色容差(灯具间)"
    ),
    _m("lpd_w_per_m2", "W/m2", "Lighting power density", "照明功率密度"),
    _m("room_index", "1", "Room index", "室形指数"),
    _m("luminaire_height_above_desk_m", "m", "Luminaire height above the desk", "灯具距桌面高度"),
    _m("board_cri_ra", "1", "Blackboard lamp colour rendering index Ra", "黑板灯一般显色指数 Ra"),
    _m(
        "board_luminaire_distance_min_m",
        "m",
        "Blackboard lamp horizontal distance to the board, nearest lamp",
        "黑板灯与黑板的水平距离(最近一盏)",
    ),
    _m(
        "board_luminaire_distance_max_m",
        "m",
        "Blackboard lamp horizontal distance to the board, farthest lamp",
        "黑板灯与黑板的水平距离(最远一盏)",
    ),
    _m(
        "board_luminaire_height_above_board_min_m",
        "m",
        "Blackboard lamp height above the board's top edge, lowest lamp",
        "黑板灯高出黑板上沿的距离(最低一盏)",
    ),
    _m(
        "board_luminaire_height_above_board_max_m",
        "m",
        "Blackboard lamp height above the board's top edge, highest lamp",
        "黑板灯高出黑板上沿的距离(最高一盏)",
    ),
    _m("luminaire_efficiency_percent", "%", "Classroom luminaire efficiency", "教室灯具效率"),
    _m(
        "board_luminaire_efficiency_percent", "%", "Blackboard luminaire efficiency", "黑板灯具效率"
    ),
    _m(
        "blue_light_radiance_w_per_m2_sr",
        "W/(m2 sr)",
        "Blue-light weighted radiance L_B",
        "蓝光加权辐亮度 L_B",
    ),
    _m(
        "blue_light_irradiance_w_per_m2",
        "W/m2",
        "Blue-light weighted irradiance E_B",
        "蓝光加权辐照度 E_B",
    ),
]

#: Every metric id, with its unit and names.
METRICS: dict[str, MetricInfo] = {m.metric_id: m for m in _ALL}

#: Units a pack may write, mapped to the canonical spelling used in METRICS.
UNIT_ALIASES: dict[str, str] = {"W/m²": "W/m2", "1": "1", "": ""}


def metric(metric_id: str) -> MetricInfo:
    """Get a metric's description; an unknown id raises ``KeyError`` listing close ids."""
    try:
        return METRICS[metric_id]
    except KeyError:
        close = [m for m in METRICS if metric_id.split("_")[0] in m][:8]
        raise KeyError(f"unknown metric id {metric_id!r}; similar ids: {close}") from None


#: Physically possible range ``(minimum, maximum)`` of numeric metrics, inclusive; ``None`` is
#: unbounded. A measured value or a pack limit outside it is an error, never a number. Metrics
#: not listed here are unbounded (e.g. ``ugr``, ``duv``, ``cri_r9`` may be negative).
METRIC_RANGES: dict[str, tuple[float | None, float | None]] = {
    **{m: (0.0, None) for m in METRICS if m.endswith(("_lx", "_m", "_w_per_m2", "_m2_sr"))},
    **{m: (0.0, 1.0) for m in METRICS if m.endswith("uniformity") or m == "flicker_index"},
    **{m: (0.0, 100.0) for m in METRICS if m.endswith("_percent")},
    **{m: (None, 100.0) for m in METRICS if m.startswith(("cri_r", "board_cri_r"))},
    "desk_uniformity_min_max": (0.0, 1.0),
    "cct_K": (0.0, None),
    "tm30_rf": (0.0, 100.0),
    "tm30_rg": (0.0, None),
    "flicker_frequency_hz": (0.0, None),
    "board_flicker_frequency_hz": (0.0, None),
    "flicker_svm": (0.0, None),
    "flicker_pst_lm": (0.0, None),
    "blue_light_kbv_w_per_lm": (0.0, None),
    "melanopic_der": (0.0, None),
    "colour_consistency_sdcm": (0.0, None),
    "lpd_w_per_m2": (0.0, None),
    "room_index": (0.0, None),
}

#: The values a text metric may take (compared exactly, never case-folded).
TEXT_VALUES: dict[str, tuple[str, ...]] = {
    "blue_light_risk_group": ("RG0", "RG1", "RG2", "RG3"),
    "board_blue_light_risk_group": ("RG0", "RG1", "RG2", "RG3"),
    "flicker_ieee1789_class": ("no-effect", "low-risk", "high-risk"),
}
