"""Locale: the formatting of numbers, dates, units and verdict fields ('zh' or 'en'), through
the gettext catalogs of :mod:`luxcheck.i18n`. Templates only print the strings made here."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

from luxcheck.compliance.items import Citation, ItemResult, LimitLine
from luxcheck.compliance.verdict import Verdict
from luxcheck.i18n import LANGUAGES, authored, translations
from luxcheck.messages import Message, stored
from luxcheck.vocabulary import METRICS, UGR_OBSERVERS

__all__ = ["LANGUAGES", "Formatter", "as_number", "pass_rate", "translations"]


def pass_rate(passed: int, of: int) -> float:
    """The reports' one pass rate, in percent: ``passed`` out of ``of`` (NaN when ``of`` is 0).

    ``of`` counts everything the rate is about, judged or not: every classroom for a school or
    the campaign, every classroom a requirement applies to for a requirement. A classroom that
    was not measured, is indeterminate or incomplete counts as not passing, so 1 pass and 99
    not measured is 1 %, never 100 %.
    """
    return passed / of * 100 if of else math.nan


def as_number(value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return math.nan


# --------------------------------------------------------------------------- locale
_UNIT_DISPLAY = {"1": "", "W/m2": "W/m²", "W/lm": "W/lm", "": ""}


class Formatter:
    """Locale-aware formatting of numbers, dates, units and verdict fields ('zh' or 'en')."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._ = translations(lang).gettext

    # ---- basics
    def number(self, value: float, decimals: int) -> str:
        """A number with grouping and a true minus sign; NaN → '—'."""
        if not math.isfinite(value):
            return "—"
        text = f"{value:,.{decimals}f}"
        return text.replace("-", "−")

    def significant(self, value: float, digits: int = 4) -> str:
        """A number with ``digits`` significant digits and no more (a mean of 2,400 counts,
        not 2,400.0000; a spectral peak of 0.01235 W/(m²·nm))."""
        if not math.isfinite(value) or value == 0:
            return self.number(value, 0)
        decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
        return self.number(value, decimals)

    def signed(self, value: float, decimals: int) -> str:
        """A number with its sign (+ or −)."""
        if not math.isfinite(value):
            return "—"
        return ("+" if value >= 0 else "") + self.number(value, decimals)

    def join(self, parts: Iterable[str], *, of_lists: bool = False) -> str:
        """Items of a list in one line: 、 between them in Chinese, ", " in English; items that
        are lists themselves (``of_lists``): ； and "; "."""
        if of_lists:
            return ("；" if self.lang == "zh" else "; ").join(parts)
        return ("、" if self.lang == "zh" else ", ").join(parts)

    def date(self, value: dt.date) -> str:
        """A calendar date: 2026年11月2日 / 2 November 2026."""
        if self.lang == "zh":
            return f"{value.year}年{value.month}月{value.day}日"
        return f"{value.day} {value.strftime('%B')} {value.year}"

    def timestamp(self, value: dt.datetime) -> str:
        """A time stamp with its UTC offset."""
        offset = value.strftime("%z")
        offset = f"UTC{offset[:3]}:{offset[3:]}" if offset else ""
        return f"{self.date(value.date())} {value.strftime('%H:%M')} {offset}".strip()

    def unit(self, unit: str) -> str:
        """A unit as printed (W/m2 → W/m²; dimensionless → '')."""
        return _UNIT_DISPLAY.get(unit, unit)

    def with_unit(self, text: str, unit: str) -> str:
        shown = self.unit(unit)
        if not shown:
            return text
        if shown == "%" and self.lang == "zh":
            return f"{text}%"
        return f"{text} {shown}"

    def decimals(self, metric_id: str) -> int:
        """Display decimals of a metric (:attr:`luxcheck.vocabulary.MetricInfo.decimals`; 2 for
        an id outside the metric table)."""
        info = METRICS.get(metric_id)
        return info.decimals if info is not None else 2

    def metric_name(self, metric_id: str) -> str:
        """A metric's name in the report's language (its English name is the msgid; an id
        outside the metric table is shown as it is)."""
        info = METRICS.get(metric_id)
        if info is None:
            return metric_id
        return self._(info.name_en)

    def observer_name(self, observer_id: str) -> str:
        """A UGR observer position's name in the report's language (an id luxcheck does not
        name is shown as it is)."""
        name = UGR_OBSERVERS.get(observer_id)
        return self._(name) if name is not None else observer_id

    def metric_value(self, metric_id: str, value: object, unit: str | None = None) -> str:
        """A stored metric value with its unit ('—' if absent)."""
        info = METRICS.get(metric_id)
        unit = unit if unit is not None else (info.unit if info else "")
        if isinstance(value, str):
            return value
        number = as_number(value)
        if not math.isfinite(number):
            return "—"
        return self.with_unit(self.number(number, self.decimals(metric_id)), unit)

    def reason(self, reason: Message | str | None) -> str:
        """A reason or a verdict note in the report's language: a message (or one as the
        campaign file keeps it) translated through the catalog, its metric ids by name; a
        stored text that is not a message (an old campaign) as written; None → ''."""
        if reason is None:
            return ""
        message = stored(reason) if isinstance(reason, str) else reason
        if isinstance(message, str):
            return message
        return message.render(self._, self.metric_name)

    # ---- verdict fields
    def status(self, status: str) -> str:
        words = {
            "pass": self._("Pass"),
            "fail": self._("Fail"),
            "indeterminate": self._("Indeterminate"),
            "not-measured": self._("Not measured"),
            "not-applicable": self._("Not applicable"),
            "incomplete": self._("Incomplete"),
        }
        return words[status]

    def clause(self, v: Verdict | Citation) -> str:
        """The standard and clause of a verdict or citation in the report's language."""
        return f"{v.standard} {self.clause_number(v)}".strip()

    def clause_number(self, v: Verdict | Citation) -> str:
        """The clause of a verdict or citation without its standard, in the report's
        language: 5.2, 表 2."""
        return authored(self.lang, v.clause_zh, v.clause)

    def obligation(self, obligation: str) -> str:
        """The obligation as the clause words it: 应 / 宜 (shall / should); advisory texts
        (参考). Never "mandatory": a recommended standard (GB/T) has shall-clauses too."""
        words = {
            "shall": self._("shall"),
            "should": self._("should"),
            "advisory": self._("advisory"),
        }
        return words[obligation]

    def confidence(self, confidence: str) -> str:
        words = {"verified": self._("Verified"), "to-be-confirmed": self._("To be confirmed")}
        return words[confidence]

    def room_type(self, room_type: str) -> str:
        words = {
            "ordinary": self._("Ordinary classroom"),
            "art": self._("Art room"),
            "computer": self._("Computer room"),
            "laboratory": self._("Laboratory"),
            "multimedia": self._("Multimedia classroom"),
        }
        return words.get(room_type, room_type)

    # ---- measured values and limits (GB/T 8170-2008: display rounding, full-value judging)
    def measured(self, item: ItemResult) -> str:
        """The measured value of an item at the quantity's resolution, with the deciding
        digit where the rounded value would read as a limit or on its other side
        (:meth:`measured_decimals`)."""
        if item.measured is None:
            return "—"
        if isinstance(item.measured, str):
            return item.measured
        bounds = [b for line in item.lines for b in _numeric_bounds(line.limit)]
        decimals = self.measured_decimals(item.metric, float(item.measured), bounds)
        return self.with_unit(self.number(float(item.measured), decimals), item.unit)

    def limit(self, line: LimitLine, metric_id: str) -> str:
        """A limit as the pack gives it, at the quantity's resolution (more decimals only
        where the pack's value has them): ≥ 0.70, 3,300–5,300 K, RG0 / RG1."""
        if line.limit is None:
            return "—"
        if line.comparator == "in" and isinstance(line.limit, tuple):
            return " / ".join(str(item) for item in line.limit)
        if line.comparator == "range" and isinstance(line.limit, tuple):
            low, high = (float(x) for x in line.limit)
            d = max(self.limit_decimals(metric_id, low), self.limit_decimals(metric_id, high))
            return self.with_unit(f"{self.number(low, d)}–{self.number(high, d)}", line.unit)
        symbol = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}.get(line.comparator, line.comparator)
        assert isinstance(line.limit, int | float)
        value = float(line.limit)
        return f"{symbol} " + self.with_unit(
            self.number(value, self.limit_decimals(metric_id, value)), line.unit
        )

    def limit_decimals(self, metric_id: str, limit: float) -> int:
        """Decimals of a printed limit: the quantity's resolution, or up to two more where the
        pack's value has them (a limit of 0.125 is never printed as 0.13). A limit that needs
        still more is a derived one (interpolated at the measured frequency: 3.2000266 %) and
        is printed at the quantity's resolution; judging uses it unrounded."""
        base = self.decimals(metric_id)
        for decimals in range(base, base + 3):
            if math.isclose(round(limit, decimals), limit, rel_tol=1e-9, abs_tol=1e-12):
                return decimals
        return base

    def measured_decimals(self, metric_id: str, measured: float, bounds: Iterable[float]) -> int:
        """Decimals of a measured value: the quantity's resolution, one more (up to six) as
        long as the rounded value would sit on another side of a limit than the value itself
        (equal to it, or across it). Judging compares the unrounded value (GB/T 8170-2008
        §4.3, full-value comparison); this rule only keeps the printed value from
        contradicting the verdict: U0 0.6996 against ≥ 0.70 prints 0.6996, not 0.70."""
        decimals = self.decimals(metric_id)
        limits = list(bounds)
        while decimals < 6 and any(
            _side(round(measured, decimals), b) != _side(measured, b) for b in limits
        ):
            decimals += 1
        return decimals


def _side(value: float, bound: float) -> int:
    return (value > bound) - (value < bound)


def _numeric_bounds(limit: object) -> tuple[float, ...]:
    """The numbers a measured value is compared with: a scalar limit or a range's two bounds
    (none for a set of allowed texts)."""
    if isinstance(limit, int | float):
        return (float(limit),)
    if isinstance(limit, tuple) and all(isinstance(x, int | float) for x in limit):
        return tuple(float(x) for x in limit)
    return ()
