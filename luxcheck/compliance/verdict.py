"""The verdict on one requirement for one classroom: status, margin, clause, obligation.

Produced by :func:`luxcheck.compliance.engine.evaluate`, printed by the reports. A frozen record:
the
measured value, the limit and how they compare, with the clause, obligation and the confidence
of the threshold, so that a report never has to look anything up again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from luxcheck.messages import Message

Status = Literal["pass", "fail", "indeterminate", "not-measured", "not-applicable"]
STATUSES: tuple[Status, ...] = ("pass", "fail", "indeterminate", "not-measured", "not-applicable")
Obligation = Literal["shall", "should", "advisory"]
Confidence = Literal["verified", "to-be-confirmed"]
Comparator = Literal[">=", ">", "<=", "<", "range", "in"]


@dataclass(frozen=True)
class Verdict:
    """One requirement judged for one classroom.

    ``measured`` is a number, a text (a risk group) or None when not measured; ``limit`` is a
    number, a ``(low, high)`` pair for ``range``, a tuple of allowed texts for ``in``, or None
    when the limit does not apply at the measured argument (``not-applicable``). ``margin`` is
    measured minus limit in the direction that passes (positive = passes with room; for a range
    the distance to the nearer bound), in ``unit``; None where it has no meaning. ``reason``
    (a :class:`~luxcheck.messages.Message`, None when there is nothing to say) says why a
    verdict is not-measured, not-applicable or indeterminate, or how its limit was taken.
    ``clause`` is the clause reference in English, ``clause_zh`` in Chinese (empty when the pack
    gives none).
    """

    requirement_id: str
    metric: str
    status: Status
    measured: float | str | None
    limit: float | tuple[float, float] | tuple[str, ...] | None
    comparator: Comparator
    margin: float | None
    unit: str
    standard: str
    clause: str
    obligation: Obligation
    confidence: Confidence
    reason: Message | None = None
    applies_to: str = "room"
    decision_rule: str = "simple"
    clause_zh: str = ""
