"""Locale: the formatting of numbers, dates, units and verdict fields ('zh' or 'en'), through
the gettext catalogs of :mod:`luxcheck.i18n`. Templates only print the strings made here."""

from __future__ import annotations

import datetime as dt
import math

from luxcheck.compliance.verdict import Verdict
from luxcheck.i18n import LANGUAGES, translations
from luxcheck.messages import Message, stored
from luxcheck.vocabulary import METRICS

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

    def signed(self, value: float, decimals: int) -> str:
        """A number with its sign (+ or −)."""
        if not math.isfinite(value):
            return "—"
        return ("+" if value >= 0 else "") + self.number(value, decimals)

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

    def clause(self, v: Verdict) -> str:
        """The standard and clause of a verdict in the report's language."""
        text = v.clause_zh if self.lang == "zh" and v.clause_zh else v.clause
        return f"{v.standard} {text}".strip()

    def obligation(self, obligation: str) -> str:
        words = {
            "shall": self._("Shall"),
            "should": self._("Should"),
            "advisory": self._("Advisory"),
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

    def measured(self, v: Verdict) -> str:
        if v.measured is None:
            return "—"
        if isinstance(v.measured, str):
            return v.measured
        decimals = self._distinct_decimals(v)
        return self.with_unit(self.number(float(v.measured), decimals), v.unit)

    def limit(self, v: Verdict) -> str:
        if v.limit is None:
            return "—"
        decimals = self._distinct_decimals(v)
        if v.comparator == "in" and isinstance(v.limit, tuple):
            return " / ".join(str(item) for item in v.limit)
        if v.comparator == "range" and isinstance(v.limit, tuple):
            low, high = (float(x) for x in v.limit)
            return self.with_unit(
                f"{self.number(low, decimals)}–{self.number(high, decimals)}", v.unit
            )
        symbol = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}.get(v.comparator, v.comparator)
        assert isinstance(v.limit, int | float)
        return f"{symbol} " + self.with_unit(self.number(float(v.limit), decimals), v.unit)

    def margin(self, v: Verdict) -> str:
        if v.margin is None or not math.isfinite(v.margin):
            return "—"
        return self.with_unit(self.signed(v.margin, self._distinct_decimals(v)), v.unit)

    def _distinct_decimals(self, v: Verdict) -> int:
        """Display decimals, more where rounding would hide the difference between the
        measured value and a limit it is compared with: a margin that is not zero must not
        print as zero, nor the measured value as one of the limit's bounds (U0 0.698 against
        ≥ 0.70; CCT 5,300.4 K against 3,300–5,300 K). The same rule for every comparator."""
        decimals = self.decimals(v.metric)
        if not isinstance(v.measured, int | float):
            return decimals
        pairs = [(float(v.measured), bound) for bound in _numeric_bounds(v.limit)]
        if v.margin is not None and math.isfinite(v.margin):
            pairs.append((v.margin, 0.0))
        while decimals < 6 and any(
            a != b and round(a, decimals) == round(b, decimals) for a, b in pairs
        ):
            decimals += 1
        return decimals


def _numeric_bounds(limit: object) -> tuple[float, ...]:
    """The numbers a measured value is compared with: a scalar limit or a range's two bounds
    (none for a set of allowed texts)."""
    if isinstance(limit, int | float):
        return (float(limit),)
    if isinstance(limit, tuple) and all(isinstance(x, int | float) for x in limit):
        return tuple(float(x) for x in limit)
    return ()
