"""One result per quantity (检测项目): a classroom's verdicts grouped by the metric they judge.

A profile composes several packs, and packs often limit the same quantity: desk mean
illuminance ≥ 300 lx in GB 7793-2010 §5.2 and in GB/T 36876-2018 §4.1, Ra ≥ 80 in four
standards. A test report prints each quantity once, with its measured value, every limit that
applies to it, the clauses behind each limit and one single-item verdict (单项判定).

- :class:`Citation`: one clause that sets a limit, with its obligation (应 shall / 宜 should,
  as the clause says) and the confidence of the threshold value;
- :class:`LimitLine`: one limit value (comparator, limit) with every clause that sets it,
  judged once (the verdicts that share a limit share its status and margin);
- :class:`ItemResult`: one quantity, its measured value, its limit lines and the single-item
  verdict;
- :func:`group_verdicts`: a room's verdicts to its items, in the order of the metric table.

The single-item verdict (:func:`item_status`) is the room rule of
:func:`luxcheck.compliance.engine.room_result` applied to one quantity: the item's deciding
verdicts are its applicable shall-verdicts (or, for a quantity no shall-clause limits, its
should-verdicts, then its advisory ones); it fails if any deciding verdict fails, else it is
not measured if any is not measured, else indeterminate if any is, else it passes. A
should-limit that is not met never fails an item that a shall-clause decides; its own line says
so. So a room fails exactly when one of its shall-decided items fails.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from luxcheck.compliance.verdict import Comparator, Confidence, Obligation, Status, Verdict
from luxcheck.messages import Message
from luxcheck.vocabulary import METRICS

#: Obligations in the order in which they decide an item: shall-clauses, when any applies;
#: otherwise should-clauses; otherwise advisory ones.
DECIDING_ORDER: tuple[Obligation, ...] = ("shall", "should", "advisory")


@dataclass(frozen=True)
class Citation:
    """A clause that sets a limit: standard, clause (English and Chinese), obligation and the
    confidence of its threshold value, and the requirement id in its pack."""

    requirement_id: str
    standard: str
    clause: str
    clause_zh: str
    obligation: Obligation
    confidence: Confidence


@dataclass(frozen=True)
class LimitLine:
    """One limit on a quantity and every clause that sets it (all judged alike)."""

    comparator: Comparator
    limit: float | tuple[float, float] | tuple[str, ...] | None
    unit: str
    status: Status
    margin: float | None
    citations: tuple[Citation, ...]
    verdicts: tuple[Verdict, ...]

    @property
    def obligations(self) -> tuple[Obligation, ...]:
        """The obligations of the clauses that set this limit, strongest first."""
        present = {c.obligation for c in self.citations}
        return tuple(o for o in DECIDING_ORDER if o in present)


@dataclass(frozen=True)
class ItemResult:
    """One quantity of one classroom (检测项目): measured value, limit lines and the
    single-item verdict (see the module notes for the rule).

    ``decided_by`` is the obligation of the clauses that decide the item ('shall' when any
    shall-clause applies); ``reasons`` the distinct reasons of its verdicts (why it was not
    measured, how a limit was taken), in order."""

    metric: str
    measured: float | str | None
    unit: str
    status: Status
    decided_by: Obligation
    lines: tuple[LimitLine, ...]
    verdicts: tuple[Verdict, ...]
    reasons: tuple[Message, ...]

    @property
    def requirement_ids(self) -> tuple[str, ...]:
        return tuple(v.requirement_id for v in self.verdicts)

    @property
    def should_not_met(self) -> bool:
        """Whether a should-limit of an item decided by shall-clauses is not met (the item
        passes or fails on its shall-clauses; the report still says so)."""
        return self.decided_by == "shall" and any(
            v.obligation == "should" and v.status == "fail" for v in self.verdicts
        )


def item_status(verdicts: Iterable[Verdict]) -> tuple[Status, Obligation]:
    """The single-item verdict of one quantity's verdicts and the obligation that decided it
    (see the module notes); ``not-applicable`` when no verdict applies."""
    applicable = [v for v in verdicts if v.status != "not-applicable"]
    for obligation in DECIDING_ORDER:
        deciding = {v.status for v in applicable if v.obligation == obligation}
        if not deciding:
            continue
        for status in ("fail", "not-measured", "indeterminate"):
            if status in deciding:
                return status, obligation  # type: ignore[return-value]
        return "pass", obligation
    return "not-applicable", "shall"


def _lines(verdicts: list[Verdict]) -> tuple[LimitLine, ...]:
    groups: dict[tuple[object, ...], list[Verdict]] = {}
    for v in verdicts:
        groups.setdefault((v.comparator, v.limit, v.unit, v.status, v.margin), []).append(v)
    lines = []
    for (comparator, limit, unit, status, margin), members in groups.items():
        citations = tuple(
            Citation(
                v.requirement_id, v.standard, v.clause, v.clause_zh, v.obligation, v.confidence
            )
            for v in members
        )
        lines.append(
            LimitLine(
                comparator,  # type: ignore[arg-type]
                limit,  # type: ignore[arg-type]
                str(unit),
                status,  # type: ignore[arg-type]
                margin,  # type: ignore[arg-type]
                citations,
                tuple(members),
            )
        )
    return tuple(lines)


def _reasons(verdicts: Iterable[Verdict]) -> tuple[Message, ...]:
    seen: dict[str, Message] = {}
    for v in verdicts:
        if v.reason is not None:
            seen.setdefault(v.reason.to_json(), v.reason)
    return tuple(seen.values())


def group_verdicts(verdicts: Iterable[Verdict]) -> tuple[ItemResult, ...]:
    """A room's verdicts as one :class:`ItemResult` per quantity, in the order of the metric
    table (metrics outside it after, in the order given). Verdicts on one metric share its
    measured value; should two of them differ, each value gets an item of its own rather than
    one being printed for the other."""
    groups: dict[tuple[str, object], list[Verdict]] = {}
    for v in verdicts:
        groups.setdefault((v.metric, v.measured), []).append(v)
    order = {metric_id: i for i, metric_id in enumerate(METRICS)}
    keys = sorted(groups, key=lambda key: order.get(key[0], len(order)))  # stable
    items = []
    for key in keys:
        members = groups[key]
        status, decided_by = item_status(members)
        items.append(
            ItemResult(
                metric=key[0],
                measured=members[0].measured,
                unit=members[0].unit,
                status=status,
                decided_by=decided_by,
                lines=_lines(members),
                verdicts=tuple(members),
                reasons=_reasons(members),
            )
        )
    return tuple(items)
