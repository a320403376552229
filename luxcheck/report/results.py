"""The results by quantity as the pages print them: the classroom results table (one row per
quantity, every limit and clause in it), the conclusion's item lists, the annex of threshold
confidence, and each classroom's items in the school summary, the dashboard and the
rectification list (each quantity once per classroom).

The items come from :func:`luxcheck.compliance.items.group_verdicts` (the single-item rule
lives there); this module only formats them with a :class:`~luxcheck.report.format.Formatter`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from luxcheck.compliance.engine import NAMED_REASON
from luxcheck.compliance.items import Citation, ItemResult, LimitLine
from luxcheck.messages import Message, MetricId
from luxcheck.report.advice import advice_msgid
from luxcheck.report.format import Formatter, pass_rate

#: Item statuses that put a quantity on the rectification list.
TO_RECTIFY = ("fail", "not-measured", "indeterminate")


def status_word(fmt: Formatter, item: ItemResult) -> str:
    """The single-item verdict (单项判定) in words; a quantity only should-clauses limit is
    'not met (should)' rather than failed."""
    if item.status == "fail" and item.decided_by != "shall":
        return fmt._("Not met (should)")
    return fmt.status(item.status)


def citation_text(fmt: Formatter, citation: Citation) -> str:
    """A clause with its obligation as the clause words it: GB 7793-2010 5.2（应）."""
    return fmt._("{clause} ({obligation})").format(
        clause=fmt.clause(citation), obligation=fmt.obligation(citation.obligation)
    )


def _line_mark(fmt: Formatter, line: LimitLine) -> str:
    if line.status == "fail" and "shall" not in line.obligations:
        return fmt._("not met")
    return fmt.status(line.status)


def _item_reason(fmt: Formatter, item: ItemResult, reason: Message) -> str:
    """A reason in an item's row, without the item's own name in front ("Ra: not measured:
    …" is "not measured: …" in the Ra row)."""
    if reason.msgid == NAMED_REASON and reason.param("metric") == MetricId(item.metric):
        why = reason.param("why")
        if isinstance(why, Message | str):
            return fmt.reason(why)
    return fmt.reason(reason)


def result_rows(fmt: Formatter, items: Sequence[ItemResult]) -> list[dict[str, Any]]:
    """The classroom results table: one entry per quantity with its limit lines (each limit
    once, with every clause that sets it; each line marked with its own result where the lines
    of a quantity differ)."""
    rows = []
    for number, item in enumerate(items, start=1):
        several = len({line.status for line in item.lines}) > 1
        rows.append(
            {
                "n": str(number),
                "metric_id": item.metric,
                "metric": fmt.metric_name(item.metric),
                "measured": fmt.measured(item),
                "status": item.status,
                "status_word": status_word(fmt, item),
                "reasons": [_item_reason(fmt, item, r) for r in item.reasons],
                "span": str(len(item.lines)),
                "lines": [
                    {
                        "limit": fmt.limit(line, item.metric),
                        "citations": [citation_text(fmt, c) for c in line.citations],
                        "status": line.status,
                        "mark": _line_mark(fmt, line) if several else "",
                    }
                    for line in item.lines
                ],
            }
        )
    return rows


def _names(fmt: Formatter, items: Iterable[ItemResult]) -> str:
    return fmt.join(fmt.metric_name(i.metric) for i in items)


def conclusion_details(fmt: Formatter, items: Sequence[ItemResult]) -> list[str]:
    """The conclusion's lists, each quantity named once: failed shall-items, not measured,
    indeterminate, and should-clauses not met."""
    _ = fmt._
    groups = (
        (
            [i for i in items if i.status == "fail" and i.decided_by == "shall"],
            _("Items not meeting a shall-clause: {items}"),
        ),
        ([i for i in items if i.status == "not-measured"], _("Not measured: {items}")),
        (
            [i for i in items if i.status == "indeterminate"],
            _("Indeterminate within the measurement uncertainty: {items}"),
        ),
        (
            [
                i
                for i in items
                if i.should_not_met or (i.status == "fail" and i.decided_by != "shall")
            ],
            _("Should-clauses not met (recommendations, not deciding the result): {items}"),
        ),
    )
    return [sentence.format(items=_names(fmt, chosen)) for chosen, sentence in groups if chosen]


def confidence_annex(fmt: Formatter, items: Sequence[ItemResult]) -> dict[str, list[Any]]:
    """Annex A, the confidence of the threshold values the results apply: every limit whose
    value or clause is still to be confirmed, in full (the results row it limits, its clause,
    quantity, limit, obligation and confidence); the verified ones by standard, each clause
    once with the numbers of the results rows it limits (their quantity, limit and obligation
    stand in those rows)."""
    open_rows: list[dict[str, str]] = []
    verified: dict[str, dict[str, list[str]]] = {}
    for number, item in enumerate(items, start=1):
        for line in item.lines:
            for c in line.citations:
                if c.confidence == "verified":
                    rows = verified.setdefault(c.standard, {}).setdefault(fmt.clause_number(c), [])
                    if str(number) not in rows:
                        rows.append(str(number))
                    continue
                open_rows.append(
                    {
                        "n": str(number),
                        "clause": fmt.clause(c),
                        "metric": fmt.metric_name(item.metric),
                        "limit": fmt.limit(line, item.metric),
                        "obligation": fmt.obligation(c.obligation),
                        "confidence": fmt.confidence(c.confidence),
                        "state": c.confidence,
                    }
                )
    return {
        "open": open_rows,
        "verified": [
            {
                "standard": standard,
                "clauses": fmt.join(
                    (
                        fmt._("{clause} (results {rows})").format(clause=c, rows=fmt.join(rows))
                        for c, rows in clauses.items()
                    ),
                    of_lists=True,
                ),
            }
            for standard, clauses in verified.items()
        ],
    }


def item_limits(fmt: Formatter, item: ItemResult) -> str:
    """The limits of a quantity in one line (each once): ≥ 0.70; ≥ 0.60."""
    return "; ".join(fmt.limit(line, item.metric) for line in item.lines)


def failed_text(fmt: Formatter, items: Sequence[ItemResult]) -> str:
    """The school summary's failed items of a classroom, each once with its value and the
    limits it is judged against: 黑板面照度均匀度 (0.797; ≥ 0.80)."""
    return _joined(
        fmt,
        (
            f"{fmt.metric_name(i.metric)} ({fmt.measured(i)}; {item_limits(fmt, i)})"
            for i in items
            if i.status == "fail" and i.decided_by == "shall"
        ),
    )


def missing_text(fmt: Formatter, items: Sequence[ItemResult]) -> str:
    """The school summary's not-measured items of a classroom, each once."""
    return _joined(fmt, (fmt.metric_name(i.metric) for i in items if i.status == "not-measured"))


def _joined(fmt: Formatter, parts: Iterable[str]) -> str:
    return fmt.join(parts) or "—"


def rectification_entries(fmt: Formatter, items: Sequence[ItemResult]) -> list[dict[str, str]]:
    """A classroom's entries on the rectification list: each quantity that failed, was not
    measured or is indeterminate, once, with its limits and advice."""
    entries = []
    for item in items:
        if item.status not in TO_RECTIFY:
            continue
        deciding = next(
            v for v in item.verdicts if v.obligation == item.decided_by and v.status == item.status
        )
        entries.append(
            {
                "metric": fmt.metric_name(item.metric),
                "status": item.status,
                "status_word": status_word(fmt, item),
                "measured": fmt.measured(item),
                "limit": item_limits(fmt, item),
                "obligation": fmt.obligation(item.decided_by),
                "advice": fmt._(advice_msgid(deciding)),
            }
        )
    return entries


def quantity_rates(fmt: Formatter, rooms: Iterable[Sequence[ItemResult]]) -> list[dict[str, str]]:
    """The dashboard's pass rate by quantity: for each quantity, the classrooms where its
    single-item verdict passes out of every classroom it applies to (not measured and
    indeterminate count as not passing), with every clause that limits it."""
    counts: dict[str, Counter[str]] = {}
    clauses: dict[str, dict[str, None]] = {}
    decided: dict[str, set[str]] = {}
    for items in rooms:
        for item in items:
            counts.setdefault(item.metric, Counter())[item.status] += 1
            decided.setdefault(item.metric, set()).add(item.decided_by)
            for line in item.lines:
                for citation in line.citations:
                    clauses.setdefault(item.metric, {})[citation_text(fmt, citation)] = None
    order = {metric_id: i for i, metric_id in enumerate(counts)}
    rows = []
    for metric_id in sorted(counts, key=order.__getitem__):
        c = counts[metric_id]
        applicable = sum(c.values()) - c["not-applicable"]
        rate = pass_rate(c["pass"], applicable)
        rows.append(
            {
                "metric_id": metric_id,
                "metric": fmt.metric_name(metric_id),
                "clauses": "; ".join(clauses.get(metric_id, {})),
                "applicable": str(applicable),
                "pass": str(c["pass"]),
                "fail": str(c["fail"]),
                "not_measured": str(c["not-measured"]),
                "indeterminate": str(c["indeterminate"]),
                "rate": fmt.with_unit(fmt.number(rate, 1), "%"),
                "rate_sort": "-1" if math.isnan(rate) else f"{rate:.4f}",
            }
        )
    return rows
