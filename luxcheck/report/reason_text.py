"""Reasons and verdict notes in the reader's language.

The kernels, the analysis and the compliance engine state why a metric is not measured, or how
a verdict was reached, in English (the campaign file and the CSV exports keep that text, so it
reads the same in any tool). A Chinese report shows them in Chinese: :func:`reason_text` matches
the stored text against the catalog below, one entry per message the code writes, and fills the
Chinese wording with the same values. Messages are nested ("not measured: …", "metric: …",
observer lists and engine notes joined by "; "), so the parts are translated one by one. Text
that no entry matches is shown as written, never dropped or guessed.

Placeholders in a template: ``{metric}`` is a metric id (shown by its Chinese name), ``{why}``
is a nested message (translated in turn), ``{word}`` is a word of :data:`WORDS_ZH`, anything else
is copied as it stands (numbers, reading ids, luminaire and observer names).
"""

from __future__ import annotations

import functools
import re

from luxcheck.vocabulary import METRICS

__all__ = ["CATALOG", "WORDS_ZH", "reason_text", "translates"]

#: Words that stand inside messages as a placeholder value.
WORDS_ZH = {
    "desk": "课桌面",
    "board": "黑板面",
    "general": "一般照明灯具",
    "blackboard": "黑板灯",
    "general luminaire": "一般照明灯具",
    "blackboard lamp": "黑板灯",
    "blackboard-lamp height": "黑板灯高度",
    "blackboard-lamp distance": "黑板灯水平距离",
}

#: (English template, Chinese template), most specific first.
CATALOG: tuple[tuple[str, str], ...] = (
    # prefixes and engine structure
    ("not measured", "未测量"),
    ("not measured: {why}", "未测量：{why}"),
    ("not computed", "未计算"),
    ("the analysis refused the readings ({why})", "分析拒绝了读数({why})"),
    ("{metric}: {why} (the limit depends on it)", "{metric}：{why}(限值取决于该项)"),
    ("no limit at {metric} = {value} {unit}", "{metric} = {value} {unit} 时无限值"),
    ("limit at {metric} = {value} {unit}", "限值按 {metric} = {value} {unit} 取值"),
    (
        "initial ≥ maintained {value} {unit} / MF {mf}",
        "初始值 ≥ 维持值 {value} {unit} / 维护系数 {mf}",
    ),
    ("guard band U = {value} {unit}", "保护带 U = {value} {unit}"),
    (
        "no expanded uncertainty given for {metric}: simple acceptance",
        "未给出{metric}的扩展不确定度：按简单接受判定",
    ),
    ("measured value within the guard band", "测量值落在保护带内"),
    # illuminance grids
    ("no {word} grid", "无{word}测点网格"),
    ("{k} of {n} points missing", "{n} 个测点中缺 {k} 个"),
    ("mean illuminance is 0 lx: uniformity undefined", "平均照度为 0 lx：均匀度无定义"),
    # glare
    ("no luminaire luminance readings", "无灯具亮度读数"),
    ("{k} of {n} luminaire luminances missing", "{n} 个灯具亮度中缺 {k} 个"),
    (
        "reading {reading} names luminaire {luminaire}, expected L1…L{n}",
        "读数 {reading} 的灯具编号 {luminaire} 无效，应为 L1…L{n}",
    ),
    ("no background luminance for {names}", "{names} 无背景亮度读数"),
    ("unknown observer position(s) {names}", "观测位置 {names} 未定义"),
    ("no luminance readings for observer {name}", "观测位置 {name} 无亮度读数"),
    ("no background luminance reading > 0", "无大于 0 的背景亮度读数"),
    (
        "reading(s) {names} lack the solid angle or position index",
        "读数 {names} 缺少立体角或位置指数",
    ),
    ("no glare readings", "无眩光读数"),
    (
        "the luminous size of the luminaires is not given "
        "(luminaire_luminous_length_m, luminaire_luminous_width_m)",
        "未给出灯具发光面尺寸(luminaire_luminous_length_m、luminaire_luminous_width_m)",
    ),
    (
        "luminous area {area} m² ≥ 1.5 m²: GB/T 50034-2024 A.0.1-3 limits luminance and "
        "illuminance by Table A.0.1-2 instead of UGR",
        "发光面积 {area} m² ≥ 1.5 m²：GB/T 50034-2024 A.0.1-3 以表 A.0.1-2 的亮度和照度限值"
        "代替 UGR",
    ),
    ("the luminaires are not above the observer's eye", "灯具不高于观测者眼睛"),
    (
        "room index k = {k} outside the CIE 190 Table 4 range 1.0–4.8: background luminance "
        "not determined",
        "室形指数 k = {k} 超出 CIE 190 表 4 的范围 1.0–4.8：背景亮度无法确定",
    ),
    ("no luminaire in the field of view", "视野内无灯具"),
    (
        "{n} source(s) left out (beyond the position-index table or seen at a grazing angle)",
        "{n} 个光源未计入(超出位置指数表或掠射角观看)",
    ),
    # power and positions
    (
        "only the total power was measured; blackboard lamps cannot be excluded",
        "只测了总功率，无法扣除黑板灯",
    ),
    ("no power reading", "无功率读数"),
    ("luminaire mounting height not given", "未给出灯具安装高度"),
    ("no mounting-height reading", "无灯具安装高度读数"),
    ("no horizontal distance for {names}", "{names} 无水平距离读数"),
    ("no {word}", "无{word}读数"),
    # spectra
    ("no spectrum of the general luminaires", "无一般照明灯具的光谱"),
    ("no spectrum of the blackboard lamps", "无黑板灯的光谱"),
    ("no desk illuminance to scale mel-DER", "无课桌面照度，无法由 mel-DER 换算 mel-EDI"),
    (
        "no luminance reading of the {word} luminaires for L_B = K_B,v·L_v",
        "无{word}亮度读数，无法计算 L_B = K_B,v·L_v",
    ),
    (
        "CCT {cct} K outside {low}-{high} K (Ohno 2013 range)",
        "相关色温 {cct} K 超出 {low}-{high} K(Ohno 2013 适用范围)",
    ),
    (
        "CCT {cct} K outside {low}-{high} K (TM-30)",
        "相关色温 {cct} K 超出 {low}-{high} K(TM-30 适用范围)",
    ),
    (
        "|Duv| {duv} > {tol} (CIE 13.3 tolerance)",
        "|Duv| {duv} > {tol}(超出 CIE 13.3 允许偏差)",
    ),
    ("TM-30 not computed (tm30=False)", "未计算 TM-30"),
    ("illuminance not known (relative spectrum)", "照度未知(相对光谱)"),
    # waveforms
    ("no {word} waveform", "无{word}波形"),
    ("no light: mean <= 0 after dark subtraction", "无光：扣除暗电平后均值 ≤ 0"),
    ("fewer than two periods in {seconds} s", "{seconds} s 内不足两个周期"),
    (
        "clipped: samples at full scale {fs} or the lower rail {low}",
        "饱和：采样达满量程 {fs} 或下限 {low}",
    ),
    ("clipped: samples at full scale {fs}", "饱和：采样达满量程 {fs}"),
    ("clipped: samples at the lower rail {low}", "饱和：采样达下限 {low}"),
    (
        "negative light after dark subtraction (check the dark level)",
        "扣除暗电平后出现负值(请检查暗电平)",
    ),
    ("sampling {rate} Hz < {needed} Hz required", "采样率 {rate} Hz 低于要求的 {needed} Hz"),
    ("record {seconds} s < {needed} s required", "记录时长 {seconds} s 短于要求的 {needed} s"),
    ("not requested", "未要求计算"),
    # a metric's, an observer's or a reading's message: "cri_ra: …", "O1: …"
    ("{metric}: {why}", "{metric}：{why}"),
    ("{label}: {why}", "{label}：{why}"),
)

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@functools.cache
def _compiled() -> tuple[tuple[re.Pattern[str], str], ...]:
    out = []
    for english, chinese in CATALOG:
        parts = _PLACEHOLDER.split(english)
        pattern = ""
        for i, part in enumerate(parts):
            if i % 2 == 0:
                pattern += re.escape(part)
            elif part == "metric":
                pattern += r"(?P<metric>[A-Za-z][A-Za-z0-9_]*)"
            elif part == "label":
                pattern += r"(?P<label>[^:;]+?)"
            else:
                pattern += f"(?P<{part}>.+?)"
        out.append((re.compile(pattern), chinese))
    return tuple(out)


def _value(name: str, text: str) -> tuple[str, bool] | None:
    """A placeholder's Chinese value and whether it is fully translated (None: no match)."""
    if name == "why":
        return _zh(text)
    if name == "metric":
        info = METRICS.get(text)
        return (info.name_zh, True) if info is not None else None
    if name == "word":
        word = WORDS_ZH.get(text)
        return (word, True) if word is not None else None
    return text, True


def _match(text: str) -> tuple[str, bool] | None:
    for pattern, chinese in _compiled():
        m = pattern.fullmatch(text)
        if m is None:
            continue
        values = {k: _value(k, v) for k, v in m.groupdict().items()}
        if all(v is not None for v in values.values()):
            filled = {k: v[0] for k, v in values.items() if v is not None}
            return chinese.format(**filled), all(v[1] for v in values.values() if v is not None)
    return None


@functools.lru_cache(maxsize=4096)
def _zh(text: str) -> tuple[str, bool]:
    """Chinese text and whether every part of it was in the catalog."""
    whole = _match(text)
    if whole is not None and whole[1]:
        return whole
    split = None
    if "; " in text:  # notes and observer messages joined by the engine
        parts = [_zh(part) for part in text.split("; ")]
        split = "；".join(p[0] for p in parts), all(p[1] for p in parts)
        if split[1]:
            return split
    # partly covered: a whole match keeps an untranslated inner message (e.g. a kernel's error,
    # which may contain "; ") in one piece
    return whole or split or (text, False)


def translates(text: str) -> bool:
    """Whether the catalog covers every part of ``text`` (else parts stay in English)."""
    return _zh(text)[1]


def reason_text(text: str, lang: str) -> str:
    """``text`` (a stored reason or a verdict note) in ``lang`` ('zh' or 'en')."""
    if lang != "zh" or not text:
        return text
    return _zh(text)[0]
