"""What a report prints: the input records the campaign analysis fills and the renderer reads.

Frozen dataclasses, language-independent and already judged: verdicts come from
:func:`luxcheck.compliance.engine.evaluate`, thresholds (including the flicker limit curves drawn
in a
figure) come from the standards packs through the caller. Nothing here computes a metric or
holds a threshold; :mod:`luxcheck.report.render` turns these records into HTML, PDF and CSV.

Figure inputs carry numpy arrays; records holding arrays compare by identity (``eq=False``) and
are hashed for incremental rendering by :func:`luxcheck.report.files.content_key`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np
import numpy.typing as npt

from luxcheck.compliance.items import ItemResult, group_verdicts
from luxcheck.compliance.verdict import Verdict
from luxcheck.errors import InputError
from luxcheck.i18n import authored, gettext_for
from luxcheck.lab import LabProfile
from luxcheck.messages import Message
from luxcheck.model import (
    Campaign,
    Classroom,
    EnvironmentRecord,
    Instrument,
    MeasurementSession,
    School,
)

OverallStatus = Literal["pass", "fail", "incomplete"]
OVERALL_STATUSES: tuple[str, ...] = ("pass", "fail", "incomplete")
FloatArray = npt.NDArray[np.float64]


def _array(value: object, name: str, *, finite: bool = True) -> FloatArray:
    array = np.asarray(value, dtype=float)
    if array.ndim != 1:
        raise InputError(f"expected a 1-D array, got shape {array.shape}", column=name)
    if finite and not np.all(np.isfinite(array)):
        raise InputError("contains NaN or infinite values", column=name)
    return array


@dataclass(frozen=True)
class PackRef:
    """A standards pack the verdicts came from, with its version (part of the report digest)."""

    pack_id: str
    version: str

    def __post_init__(self) -> None:
        if not self.pack_id or not isinstance(self.version, str) or not self.version:
            raise InputError("a pack reference needs a pack id and a version", column="packs")


@dataclass(frozen=True)
class PolicyStatement:
    """The acceptance policy and the decision rule, as the profile states them (messages,
    translated in the report's language).

    E.g. policy: "measured initial illuminance compared directly with the maintained value";
    decision rule: "simple acceptance (ILAC-G8), measurement uncertainty not applied".
    """

    acceptance_policy: Message
    decision_rule: Message

    def __post_init__(self) -> None:
        for name in ("acceptance_policy", "decision_rule"):
            if not isinstance(getattr(self, name), Message):
                raise InputError("must be a message", column=name)


@dataclass(frozen=True)
class RoomOutcome:
    """The overall result of a classroom and the requirement ids behind it.

    Build it with :meth:`from_verdicts`, which lists the failed, not-measured and indeterminate
    requirements and refuses a status that the verdicts contradict (e.g. a ``pass`` with a
    shall-clause that did not pass, or with no shall-verdict): a report never prints a pass it
    cannot show.
    """

    status: OverallStatus
    failed_shall: tuple[str, ...] = ()
    failed_should: tuple[str, ...] = ()
    not_measured: tuple[str, ...] = ()
    indeterminate: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.status not in OVERALL_STATUSES:
            raise InputError(
                f"{self.status!r}: expected one of {', '.join(OVERALL_STATUSES)}", column="status"
            )
        if self.status == "pass" and self.failed_shall:
            raise InputError("an overall pass with failed shall-requirements", column="status")

    @classmethod
    def from_verdicts(cls, status: str, verdicts: tuple[Verdict, ...]) -> RoomOutcome:
        """List the requirements behind ``status`` ('pass' | 'fail' | 'incomplete').

        The status must be the one :func:`luxcheck.compliance.engine.room_result` gives these
        verdicts
        (the one place where the room rule lives); ``not_measured`` and ``indeterminate`` list
        requirements of every obligation, for the reader.
        """
        from luxcheck.compliance.engine import room_result

        result = room_result(verdicts)
        if status != result.status:
            behind = [v.requirement_id for v in (*result.failed_shall, *result.open_shall)]
            raise InputError(
                f"overall result {status!r} contradicts the verdicts ({result.status}): "
                + (", ".join(behind) if behind else "there are no shall-verdicts"),
                column="status",
            )
        return cls(
            result.status,
            tuple(v.requirement_id for v in result.failed_shall),
            tuple(v.requirement_id for v in result.failed_should),
            tuple(v.requirement_id for v in verdicts if v.status == "not-measured"),
            tuple(v.requirement_id for v in verdicts if v.status == "indeterminate"),
        )


# --------------------------------------------------------------------------- figure inputs
@dataclass(frozen=True, eq=False)
class PlanePoints:
    """Measured illuminance points on a plane: desk (x across, y towards the back, from the
    front-left corner) or blackboard (x along the board, y above its bottom edge) [m, lx]."""

    x_m: FloatArray
    y_m: FloatArray
    value_lx: FloatArray

    def __post_init__(self) -> None:
        x = _array(self.x_m, "x_m")
        y = _array(self.y_m, "y_m")
        v = _array(self.value_lx, "value_lx")
        if not x.size == y.size == v.size:
            raise InputError(
                f"{x.size} x, {y.size} y and {v.size} values: expected as many of each",
                column="value_lx",
            )
        object.__setattr__(self, "x_m", x)
        object.__setattr__(self, "y_m", y)
        object.__setattr__(self, "value_lx", v)


@dataclass(frozen=True, eq=False)
class GridSurface:
    """An interpolated illuminance surface (from the grids kernel): ``value_lx[iy, ix]``."""

    x_m: FloatArray
    y_m: FloatArray
    value_lx: npt.NDArray[np.float64]

    def __post_init__(self) -> None:
        x = _array(self.x_m, "x_m")
        y = _array(self.y_m, "y_m")
        v = np.asarray(self.value_lx, dtype=float)
        if v.shape != (y.size, x.size):
            raise InputError(
                f"surface shape {v.shape}, expected (len(y_m), len(x_m)) = {(y.size, x.size)}",
                column="value_lx",
            )
        object.__setattr__(self, "x_m", x)
        object.__setattr__(self, "y_m", y)
        object.__setattr__(self, "value_lx", v)


@dataclass(frozen=True, eq=False)
class SpectrumData:
    """A spectrum to draw (as measured): wavelengths [nm] and values in ``unit``."""

    wavelength_nm: FloatArray
    values: FloatArray
    unit: str

    def __post_init__(self) -> None:
        wl = _array(self.wavelength_nm, "wavelength_nm")
        vals = _array(self.values, "values")
        if wl.size != vals.size or wl.size < 2:
            raise InputError(f"{wl.size} wavelengths and {vals.size} values", column="values")
        object.__setattr__(self, "wavelength_nm", wl)
        object.__setattr__(self, "values", vals)


@dataclass(frozen=True)
class ChromaticityPoint:
    """CIE 1931 chromaticity of the measured light and its CCT [K] and Duv (+ above the locus).

    ``cct_K`` / ``duv`` are NaN when the colorimetry refused them (out of range)."""

    x: float
    y: float
    cct_K: float
    duv: float

    def __post_init__(self) -> None:
        for name in ("x", "y"):
            value = getattr(self, name)
            if not (math.isfinite(value) and 0.0 <= value <= 1.0):
                raise InputError(f"expected a chromaticity in [0, 1], got {value!r}", column=name)


@dataclass(frozen=True, eq=False)
class CriData:
    """CIE 13.3 general index Ra and special indices R1–R14 (NaN where not computed)."""

    ra: float
    ri: FloatArray

    def __post_init__(self) -> None:
        ri = _array(self.ri, "ri", finite=False)
        if ri.size != 14:
            raise InputError(f"expected 14 special indices R1–R14, got {ri.size}", column="ri")
        object.__setattr__(self, "ri", ri)


@dataclass(frozen=True, eq=False)
class WaveformExcerpt:
    """A stretch of the light waveform to draw, with the full record's rate and length."""

    samples: FloatArray
    sample_rate_hz: float
    record_length_s: float
    unit: str = "relative"

    def __post_init__(self) -> None:
        samples = _array(self.samples, "samples")
        if samples.size < 2:
            raise InputError("expected at least two samples", column="samples")
        if not (math.isfinite(self.sample_rate_hz) and self.sample_rate_hz > 0):
            raise InputError("expected a positive sample rate", column="sample_rate_hz")
        if not (math.isfinite(self.record_length_s) and self.record_length_s > 0):
            raise InputError("expected a positive record length", column="record_length_s")
        object.__setattr__(self, "samples", samples)


@dataclass(frozen=True, eq=False)
class LimitCurve:
    """A flicker limit as (frequency [Hz], percent [%]) points, taken by the caller from the
    standards packs (e.g. GB 40070 percent flicker, IEEE 1789 low-risk / no-effect).

    It is labelled by the standard's printed id and, where one pack gives several curves, by
    the pack's clause (``clause``, and ``clause_zh`` as the pack writes it in Chinese: data,
    not a message), see :meth:`label`."""

    standard_id: str
    frequency_hz: FloatArray
    percent: FloatArray
    advisory: bool = False
    clause: str = ""
    clause_zh: str = ""

    def __post_init__(self) -> None:
        f = _array(self.frequency_hz, "frequency_hz")
        p = _array(self.percent, "percent")
        if f.size != p.size or f.size < 2:
            raise InputError("expected as many frequencies as percents (≥ 2)", column="percent")
        object.__setattr__(self, "frequency_hz", f)
        object.__setattr__(self, "percent", p)

    def label(self, lang: str) -> str:
        """The curve's name in a chart's legend, in ``lang``."""
        _ = gettext_for(lang)
        text = _("{standard} limit").format(standard=self.standard_id)
        if not self.clause:
            return text
        clause = authored(lang, self.clause_zh, self.clause)
        return _("{limit}, {clause}").format(limit=text, clause=clause)


@dataclass(frozen=True)
class FlickerPoint:
    """The measured flicker: frequency [Hz] and percent flicker (波动深度) [%]."""

    frequency_hz: float
    percent: float


@dataclass(frozen=True)
class UgrObserver:
    """A UGR observer position in room coordinates [m] and its UGR (NaN if not computed)."""

    label: str
    x_m: float
    y_m: float
    ugr: float


@dataclass(frozen=True, eq=False)
class FigureInputs:
    """Everything the figures of a classroom report draw; absent parts are left out."""

    desk: PlanePoints | None = None
    desk_surface: GridSurface | None = None
    board: PlanePoints | None = None
    spectrum: SpectrumData | None = None
    chromaticity: ChromaticityPoint | None = None
    cri: CriData | None = None
    waveform: WaveformExcerpt | None = None
    flicker_point: FlickerPoint | None = None
    flicker_limits: tuple[LimitCurve, ...] = ()
    ugr_observers: tuple[UgrObserver, ...] = ()
    luminaires_m: tuple[tuple[float, float], ...] = ()


# --------------------------------------------------------------------------- the lab's document
@dataclass(frozen=True)
class StandardRef:
    """A standard of the judgement basis, with its edition in the id (e.g. GB 7793-2010)."""

    standard_id: str
    title_zh: str
    title_en: str


@dataclass(frozen=True)
class Signature:
    """A sign-off in the signature block: 编制 (prepare) / 审核 (review) / 批准 (approve)."""

    role: str
    name: str
    title: str
    signed_on: dt.date


IssueStatus = Literal["no-lab", "draft", "issued"]


@dataclass(frozen=True)
class IssueState:
    """Where a classroom report stands on its way to being issued.

    ``no-lab``: rendered without a laboratory profile, a draft that is no test report;
    ``draft``: the laboratory's report, not (yet) approved for its current content;
    ``issued``: prepared, reviewed and approved by three different people for this content.
    ``replaces`` names the issued report a corrected revision replaces (ISO/IEC 17025 §7.8.8);
    ``expired`` / ``undated`` the instruments whose calibration had run out on the test date or
    has no due date recorded (either keeps the report from being issued).
    """

    status: IssueStatus = "no-lab"
    report_number: str = ""
    revision: int = 0
    replaces: str = ""
    signatures: tuple[Signature, ...] = ()
    expired: tuple[str, ...] = ()
    undated: tuple[str, ...] = ()
    #: the content digest the state was found for (:func:`luxcheck.report.issue.content_digest`)
    digest: str = ""


@dataclass(frozen=True)
class LabDocument:
    """What makes a classroom report the laboratory's document: the laboratory, the judgement
    basis (the profile's standards with their editions), the environmental conditions of the
    sessions, and the report's number and sign-offs."""

    lab: LabProfile | None = None
    basis: tuple[StandardRef, ...] = ()
    environment: tuple[EnvironmentRecord, ...] = ()
    issue: IssueState = field(default_factory=IssueState)


# --------------------------------------------------------------------------- sessions, re-tests
@dataclass(frozen=True)
class ResultSource:
    """A session whose readings give results of the report (the resolution rule of
    :mod:`luxcheck.analysis.sessions`), with the metric ids it gives."""

    session: MeasurementSession
    metric_ids: tuple[str, ...]


@dataclass(frozen=True)
class RetestedResult:
    """A requirement on a re-tested quantity: its verdict at the first test and after the
    re-test (side by side in the report), with the sessions they come from."""

    first: Verdict
    first_session_id: str
    retest: Verdict
    retest_session_id: str


@dataclass(frozen=True)
class RetestHistory:
    """A re-tested classroom (复测): the first test's date and overall result, the re-test
    sessions, and the requirements on the re-tested quantities, first and re-test."""

    first_tested_on: dt.date
    first_status: OverallStatus
    retests: tuple[MeasurementSession, ...]
    results: tuple[RetestedResult, ...]


# --------------------------------------------------------------------------- report records
@dataclass(frozen=True, eq=False)
class ClassroomReportData:
    """Everything a classroom acceptance report prints.

    ``digest`` is :func:`luxcheck.report.provenance.digest` over the classroom's raw readings and
    the pack versions; ``raw_reading_count`` how many raw rows it covers.
    """

    campaign: Campaign
    school: School
    classroom: Classroom
    sessions: tuple[MeasurementSession, ...]
    instruments: tuple[Instrument, ...]
    verdicts: tuple[Verdict, ...]
    outcome: RoomOutcome
    metrics: Mapping[str, float | str | None]
    reasons: Mapping[str, str]
    policy: PolicyStatement
    profile_id: str
    packs: tuple[PackRef, ...]
    digest: str
    raw_reading_count: int
    figures: FigureInputs = field(default_factory=FigureInputs)
    issued_on: dt.date = field(default_factory=dt.date.today)
    document: LabDocument = field(default_factory=LabDocument)
    #: The sessions the results come from (the resolution rule), and the re-test history.
    sources: tuple[ResultSource, ...] = ()
    retest: RetestHistory | None = None

    def __post_init__(self) -> None:
        if self.classroom.school_id != self.school.school_id:
            raise InputError(
                f"classroom {self.classroom.classroom_id} belongs to school "
                f"{self.classroom.school_id}, not {self.school.school_id}",
                column="school",
            )
        if len(self.digest) != 64 or any(c not in "0123456789abcdef" for c in self.digest):
            raise InputError("expected a SHA-256 hex digest", column="digest")

    @cached_property
    def items(self) -> tuple[ItemResult, ...]:
        """The results by quantity: one item per metric with every limit and clause on it
        (:func:`luxcheck.compliance.items.group_verdicts`)."""
        return group_verdicts(self.verdicts)


@dataclass(frozen=True)
class ClassroomSummary:
    """One classroom as the school summary and the dashboard list it (no figure data)."""

    school_id: str
    classroom_id: str
    name: str
    building: str
    floor: str
    room_type: str
    outcome: RoomOutcome
    verdicts: tuple[Verdict, ...]
    metrics: Mapping[str, float | str | None]
    report_date: dt.date
    #: A re-tested classroom's result at its first test (None: not re-tested), and the
    #: requirements that failed at the first test and pass after the re-test.
    first_status: str | None = None
    retest_passed: tuple[str, ...] = ()

    #: the laboratories whose teams measured the classroom (a campaign of many laboratories)
    laboratories: tuple[str, ...] = ()

    @cached_property
    def items(self) -> tuple[ItemResult, ...]:
        """The results by quantity (:func:`luxcheck.compliance.items.group_verdicts`)."""
        return group_verdicts(self.verdicts)

    @classmethod
    def from_report(
        cls, report: ClassroomReportData, laboratories: tuple[str, ...] = ()
    ) -> ClassroomSummary:
        """Summarise a classroom report (its results by quantity taken over when the report
        has them already: they are grouped from the same verdicts)."""
        room = report.classroom
        dates = [s.started_at.date() for s in report.sessions]
        summary = cls(
            room.school_id,
            room.classroom_id,
            room.name,
            room.building,
            room.floor,
            room.room_type,
            report.outcome,
            report.verdicts,
            dict(report.metrics),
            max(dates) if dates else report.issued_on,
            report.retest.first_status if report.retest else None,
            tuple(
                r.retest.requirement_id
                for r in (report.retest.results if report.retest else ())
                if r.first.status != "pass" and r.retest.status == "pass"
            ),
            laboratories,
        )
        items = report.__dict__.get("items")  # where functools.cached_property keeps it
        if items is not None:
            summary.__dict__["items"] = items
        return summary


@dataclass(frozen=True)
class SchoolSummaryData:
    """A school summary: every classroom with its result and failed items."""

    campaign: Campaign
    school: School
    classrooms: tuple[ClassroomSummary, ...]


@dataclass(frozen=True)
class CampaignDashboardData:
    """The campaign dashboard: all schools and their classrooms."""

    campaign: Campaign
    schools: tuple[School, ...]
    classrooms: tuple[ClassroomSummary, ...]
    profile_id: str
    packs: tuple[PackRef, ...]
    #: Classrooms that could not be reported, with the reason (the others were rendered).
    unreported: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ReportContext:
    """What a profile contributes to every report of a campaign (from the standards packs):
    the policy texts, the packs with their versions, and the flicker limit curves to draw on
    the flicker chart of a room, by room type (only the curves the profile applies to it), and
    the decision rule in force (the profile's or the inspector's override): resolved once, by
    :func:`luxcheck.report.assemble.report_context`, and passed along to judging and reports."""

    profile_id: str
    policy: PolicyStatement
    packs: tuple[PackRef, ...]
    flicker_limits: Mapping[str, tuple[LimitCurve, ...]] = field(default_factory=dict)
    decision_rule: str = "simple"
    basis: tuple[StandardRef, ...] = ()
