"""The metrics of one classroom as the analysis parts produce them: metric id → value, and the
reason of each metric that could not be measured (metric ids of :mod:`luxcheck.vocabulary`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from luxcheck.journal.session_records import MetricSource
from luxcheck.journal.store import FigurePoint, Surface
from luxcheck.messages import Message

MetricValues = dict[str, float | str | None]


@dataclass
class RoomMetrics:
    """The metrics of one classroom and the reasons of those not measured."""

    classroom_id: str
    values: MetricValues = field(default_factory=dict)
    reasons: dict[str, Message] = field(default_factory=dict)
    #: What the report's figures need besides the metrics
    #: (:meth:`~luxcheck.journal.store.CampaignStore.put_figure_data`).
    points: dict[str, list[FigurePoint]] = field(default_factory=dict)
    surfaces: dict[str, Surface] = field(default_factory=dict)
    #: The session each metric comes from, and the first test's value of a re-tested one
    #: (:func:`luxcheck.analysis.sessions.metric_sources`).
    sources: dict[str, MetricSource] = field(default_factory=dict)

    def add(self, values: Mapping[str, float | str | None], reasons: Mapping[str, Message]) -> None:
        self.values.update(values)
        self.reasons.update(reasons)

    def stored_reasons(self) -> dict[str, str]:
        """The reasons as the campaign file keeps them (serialised messages)."""
        return {metric_id: why.to_json() for metric_id, why in self.reasons.items()}

    def merge(self, other: RoomMetrics) -> None:
        """Add another part's metrics, reasons and figure data."""
        self.add(other.values, other.reasons)
        self.points.update(other.points)
        self.surfaces.update(other.surfaces)
