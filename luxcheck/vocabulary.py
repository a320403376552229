"""The metric vocabulary: one id per quantity, with its unit (DESIGN §4).

Kernels produce these ids, standards packs limit them, the compliance engine compares them and
reports print them. A pack that limits an unknown id, or gives another unit, is refused.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MetricInfo:
    """What a metric id means and how it is shown: one row of the metric table.

    - ``unit``, ``name_en``, ``name_zh``: the canonical unit and the printed names;
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
    name_zh: str
    kind: str = "number"
    bounds: tuple[float | None, float | None] = (None, None)
    decimals: int = 2
    advice: str | None = None


def _m(
    metric_id: str,
    unit: str,
    en: str,
    zh: str,
    *,
    kind: str = "number",
    bounds: tuple[float | None, float | None] = (None, None),
    decimals: int,
    advice: str | None = None,
) -> MetricInfo:
    return MetricInfo(metric_id, unit, en, zh, kind, bounds, decimals, advice)


_ALL = [
    _m(
        "desk_illuminance_mean_lx",
        "lx",
        "Desk mean illuminance",
        "课桌面平均照度",
        bounds=(0.0, None),
        decimals=0,
        advice="desk_illuminance",
    ),
    _m(
        "desk_illuminance_min_lx",
        "lx",
        "Desk minimum illuminance",
        "课桌面最小照度",
        bounds=(0.0, None),
        decimals=0,
        advice="desk_illuminance",
    ),
    _m(
        "desk_illuminance_max_lx",
        "lx",
        "Desk maximum illuminance",
        "课桌面最大照度",
        bounds=(0.0, None),
        decimals=0,
        advice="desk_illuminance",
    ),
    _m(
        "desk_uniformity",
        "1",
        "Desk uniformity U0 (Emin/Eavg)",
        "课桌面照度均匀度",
        bounds=(0.0, 1.0),
        decimals=2,
        advice="desk_uniformity",
    ),
    _m(
        "desk_uniformity_min_max",
        "1",
        "Desk uniformity Emin/Emax",
        "课桌面照度均匀度(最小/最大)",
        bounds=(0.0, 1.0),
        decimals=2,
        advice="desk_uniformity",
    ),
    _m(
        "board_illuminance_mean_lx",
        "lx",
        "Blackboard mean illuminance",
        "黑板面平均照度",
        bounds=(0.0, None),
        decimals=0,
        advice="board_illuminance",
    ),
    _m(
        "board_illuminance_min_lx",
        "lx",
        "Blackboard minimum illuminance",
        "黑板面最小照度",
        bounds=(0.0, None),
        decimals=0,
        advice="board_illuminance",
    ),
    _m(
        "board_uniformity",
        "1",
        "Blackboard uniformity U0",
        "黑板面照度均匀度",
        bounds=(0.0, 1.0),
        decimals=2,
        advice="board_uniformity",
    ),
    _m("ugr", "1", "Unified glare rating (worst observer)", "统一眩光值", decimals=1, advice="ugr"),
    _m(
        "cri_ra",
        "1",
        "General colour rendering index Ra",
        "一般显色指数 Ra",
        bounds=(None, 100.0),
        decimals=1,
        advice="cri",
    ),
    *[
        _m(
            f"cri_r{i}",
            "1",
            f"Special colour rendering index R{i}",
            f"特殊显色指数 R{i}",
            bounds=(None, 100.0),
            decimals=0,
            advice="cri",
        )
        for i in range(1, 15)
    ],
    _m(
        "cct_K",
        "K",
        "Correlated colour temperature",
        "相关色温",
        bounds=(0.0, None),
        decimals=0,
        advice="cct",
    ),
    _m("chromaticity_x", "1", "Chromaticity x (CIE 1931)", "色品坐标 x", decimals=2),
    _m("chromaticity_y", "1", "Chromaticity y (CIE 1931)", "色品坐标 y", decimals=2),
    _m("duv", "1", "Distance from the Planckian locus Duv", "色偏差 Duv", decimals=4, advice="duv"),
    _m(
        "tm30_rf",
        "1",
        "TM-30 fidelity index Rf",
        "TM-30 保真度指数 Rf",
        bounds=(0.0, 100.0),
        decimals=1,
    ),
    _m("tm30_rg", "1", "TM-30 gamut index Rg", "TM-30 色域指数 Rg", bounds=(0.0, None), decimals=1),
    _m(
        "flicker_frequency_hz",
        "Hz",
        "Flicker frequency",
        "波动频率",
        bounds=(0.0, None),
        decimals=1,
        advice="flicker",
    ),
    _m(
        "flicker_percent",
        "%",
        "Percent flicker (modulation depth)",
        "波动深度",
        bounds=(0.0, 100.0),
        decimals=2,
        advice="flicker",
    ),
    _m(
        "flicker_index",
        "1",
        "Flicker index",
        "闪烁指数",
        bounds=(0.0, 1.0),
        decimals=3,
        advice="flicker",
    ),
    _m(
        "flicker_svm",
        "1",
        "Stroboscopic visibility measure SVM",
        "频闪效应可视度 SVM",
        bounds=(0.0, None),
        decimals=2,
        advice="flicker",
    ),
    _m(
        "flicker_pst_lm",
        "1",
        "Short-term flicker severity PstLM",
        "短期闪变指数 PstLM",
        bounds=(0.0, None),
        decimals=2,
        advice="flicker",
    ),
    _m(
        "flicker_ieee1789_class",
        "",
        "IEEE 1789 risk class",
        "IEEE 1789 风险等级",
        kind="text",
        decimals=2,
        advice="flicker",
    ),
    _m(
        "board_flicker_frequency_hz",
        "Hz",
        "Blackboard lamp flicker frequency",
        "黑板灯波动频率",
        bounds=(0.0, None),
        decimals=1,
        advice="board_flicker",
    ),
    _m(
        "board_flicker_percent",
        "%",
        "Blackboard lamp percent flicker",
        "黑板灯波动深度",
        bounds=(0.0, 100.0),
        decimals=2,
        advice="board_flicker",
    ),
    _m(
        "blue_light_kbv_w_per_lm",
        "W/lm",
        "Blue-light hazard efficacy K_B,v",
        "蓝光危害效能系数",
        bounds=(0.0, None),
        decimals=4,
        advice="blue_light",
    ),
    _m(
        "blue_light_risk_group",
        "",
        "Blue-light risk group (general luminaires)",
        "蓝光危害类别(一般照明灯具)",
        kind="text",
        decimals=2,
        advice="blue_light",
    ),
    _m(
        "board_blue_light_risk_group",
        "",
        "Blue-light risk group (blackboard luminaires)",
        "蓝光危害类别(黑板灯)",
        kind="text",
        decimals=2,
        advice="board_blue_light",
    ),
    _m(
        "melanopic_der",
        "1",
        "Melanopic daylight efficacy ratio",
        "褪黑素日光效能比",
        bounds=(0.0, None),
        decimals=2,
    ),
    _m(
        "melanopic_edi_lx",
        "lx",
        "Melanopic equivalent daylight illuminance",
        "褪黑素等效日光照度",
        bounds=(0.0, None),
        decimals=0,
    ),
    _m(
        "colour_consistency_sdcm",
        "SDCM",
        "Colour consistency between luminaires",
        "色容差(灯具间)",
        bounds=(0.0, None),
        decimals=1,
        advice="colour_consistency",
    ),
    _m(
        "lpd_w_per_m2",
        "W/m2",
        "Lighting power density",
        "照明功率密度",
        bounds=(0.0, None),
        decimals=2,
        advice="lpd",
    ),
    _m("room_index", "1", "Room index", "室形指数", bounds=(0.0, None), decimals=2),
    _m(
        "luminaire_height_above_desk_m",
        "m",
        "Luminaire height above the desk",
        "灯具距桌面高度",
        bounds=(0.0, None),
        decimals=2,
        advice="luminaire_height",
    ),
    _m(
        "board_cri_ra",
        "1",
        "Blackboard lamp colour rendering index Ra",
        "黑板灯一般显色指数 Ra",
        bounds=(None, 100.0),
        decimals=2,
        advice="board_cri",
    ),
    _m(
        "board_luminaire_distance_min_m",
        "m",
        "Blackboard lamp horizontal distance to the board, nearest lamp",
        "黑板灯与黑板的水平距离(最近一盏)",
        bounds=(0.0, None),
        decimals=2,
        advice="board_luminaire_distance",
    ),
    _m(
        "board_luminaire_distance_max_m",
        "m",
        "Blackboard lamp horizontal distance to the board, farthest lamp",
        "黑板灯与黑板的水平距离(最远一盏)",
        bounds=(0.0, None),
        decimals=2,
        advice="board_luminaire_distance",
    ),
    _m(
        "board_luminaire_height_above_board_min_m",
        "m",
        "Blackboard lamp height above the board's top edge, lowest lamp",
        "黑板灯高出黑板上沿的距离(最低一盏)",
        bounds=(0.0, None),
        decimals=2,
        advice="board_luminaire_height",
    ),
    _m(
        "board_luminaire_height_above_board_max_m",
        "m",
        "Blackboard lamp height above the board's top edge, highest lamp",
        "黑板灯高出黑板上沿的距离(最高一盏)",
        bounds=(0.0, None),
        decimals=2,
        advice="board_luminaire_height",
    ),
    _m(
        "luminaire_efficiency_percent",
        "%",
        "Classroom luminaire efficiency",
        "教室灯具效率",
        bounds=(0.0, 100.0),
        decimals=2,
    ),
    _m(
        "board_luminaire_efficiency_percent",
        "%",
        "Blackboard luminaire efficiency",
        "黑板灯具效率",
        bounds=(0.0, 100.0),
        decimals=2,
    ),
    _m(
        "blue_light_radiance_w_per_m2_sr",
        "W/(m2 sr)",
        "Blue-light weighted radiance L_B",
        "蓝光加权辐亮度 L_B",
        bounds=(0.0, None),
        decimals=2,
        advice="blue_light",
    ),
    _m(
        "blue_light_irradiance_w_per_m2",
        "W/m2",
        "Blue-light weighted irradiance E_B",
        "蓝光加权辐照度 E_B",
        bounds=(0.0, None),
        decimals=2,
        advice="blue_light",
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
