"""The domain model: campaign → school → classroom → measurement session → readings.

Frozen dataclasses, validated on construction: a value that is out of its physical range or of
the wrong kind raises :class:`~luxcheck.errors.InputError` naming the field and the expected form.
Nothing is clipped or coerced. Units are in the field names (``_lx``, ``_m``, ``_w``, ``_K``).

Readings are raw observations as a meter (or an inspector) gave them; metrics are computed from
them later and never stored in a reading.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt

from luxcheck.errors import InputError

RoomType = Literal["ordinary", "art", "computer", "laboratory", "multimedia"]
ROOM_TYPES: tuple[str, ...] = get_args(RoomType)

Surface = Literal["desk", "board", "other"]
SURFACES: tuple[str, ...] = get_args(Surface)

ReadingKind = Literal["illuminance", "spectrum", "waveform", "luminance", "power", "height", "void"]
READING_KINDS: tuple[str, ...] = get_args(ReadingKind)

SpectrumUnit = Literal["W/(m2 nm)", "mW/(m2 nm)", "uW/(cm2 nm)", "relative"]
SPECTRUM_UNITS: tuple[str, ...] = get_args(SpectrumUnit)
#: The light source technology of a classroom's luminaires (some limits apply to one only:
#: GB 40070-2021's R9 > 0 to LED luminaires).
LuminaireTechnology = Literal["led", "fluorescent", "other"]
LUMINAIRE_TECHNOLOGIES: tuple[str, ...] = get_args(LuminaireTechnology)
#: The photobiological risk groups of IEC 62471:2006 §6 (GB/T 20145-2006).
RiskGroup = Literal["RG0", "RG1", "RG2", "RG3"]
RISK_GROUPS: tuple[str, ...] = get_args(RiskGroup)

PowerCircuit = Literal["general", "board", "total"]
POWER_CIRCUITS: tuple[str, ...] = get_args(PowerCircuit)

LuminanceTarget = Literal["luminaire", "background", "board", "wall", "other"]
LUMINANCE_TARGETS: tuple[str, ...] = get_args(LuminanceTarget)

#: Upper bounds of the whole-number fields. A classroom is at most 50 m × 50 m (see
#: :class:`Classroom`): 50 desk or luminaire rows/columns, 500 luminaires, 20 blackboard lamps
#: and 10 000 plan points are far beyond any real room. They stop a mistyped value before it
#: sizes a point plan or overflows an SQLite integer.
MAX_ROWS = 50
MAX_LUMINAIRES = 500
MAX_BOARD_LAMPS = 20
MAX_POINT = 10_000
#: Most wavelengths a spectrum may have. Every spectrum is resampled to the 1 nm working grid
#: through a dense (output × input) matrix (and, off a uniform grid, a spline through an
#: input × input identity), so the memory grows with the square of the input size: 2001
#: samples (0.2 nm over 380–780 nm, finer than any spectroradiometer's export) stay under
#: 600 MB; 40 001 samples (0.01 nm) took more than 20 GB. Every way into the campaign file
#: (guided session, ``analyse spectra``, ``campaign import``) is held to it here.
MAX_WAVELENGTHS = 2001

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
#: The control characters free text may not hold: below U+0020, except tab and newline.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f]")


# --------------------------------------------------------------------------- validation helpers
def check_id(value: object, field_name: str) -> str:
    """Check an identifier: letters, digits, ``_ . -``, 1–64 characters, no leading punctuation.

    Identifiers become file names of reports, so the rule keeps them safe as path components.
    """
    if not isinstance(value, str) or not _ID_RE.match(value):
        raise InputError(
            f"{value!r} is not a valid identifier: expected 1-64 characters of letters, digits, "
            "'_', '.', '-', starting with a letter or digit",
            column=field_name,
        )
    return value


def check_text(value: object, field_name: str, *, allow_empty: bool = True) -> str:
    """Check free text (names, notes): a string without control characters other than newline."""
    if not isinstance(value, str):
        raise InputError(f"expected text, got {type(value).__name__}", column=field_name)
    if not allow_empty and not value.strip():
        raise InputError("must not be empty", column=field_name)
    if _CONTROL_RE.search(value):
        raise InputError("contains control characters", column=field_name)
    return value


def check_number(
    value: object,
    field_name: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_minimum: bool = False,
    allow_none: bool = False,
) -> float | None:
    """Check a finite real number within ``[minimum, maximum]`` (or ``(minimum, ...]``)."""
    if value is None:
        if allow_none:
            return None
        raise InputError("a number is required", column=field_name)
    if type(value) is float:  # the common case, checked first
        number = value
    elif isinstance(value, bool) or not isinstance(value, int | float | np.floating | np.integer):
        raise InputError(f"expected a number, got {value!r}", column=field_name)
    else:
        number = float(value)
    if not math.isfinite(number):
        raise InputError(f"expected a finite number, got {value!r}", column=field_name)
    if minimum is not None:
        if exclusive_minimum and not number > minimum:
            raise InputError(f"expected a number > {minimum:g}, got {number!r}", column=field_name)
        if not exclusive_minimum and number < minimum:
            raise InputError(f"expected a number ≥ {minimum:g}, got {number!r}", column=field_name)
    if maximum is not None and number > maximum:
        raise InputError(f"expected a number ≤ {maximum:g}, got {number!r}", column=field_name)
    return number


def _req(value: float | None) -> float:
    assert value is not None
    return value


#: The default upper bound of :func:`check_int`: what an SQLite/C ``int`` holds with room.
INT_MAX = 2**31 - 1


def _shown(number: int) -> str:
    # str() of an int over 4300 digits raises ValueError; such a number is shown by its size
    return str(number) if number.bit_length() <= 256 else f"a {number.bit_length()}-bit number"


def check_int(value: object, field_name: str, *, minimum: int = 0, maximum: int = INT_MAX) -> int:
    """Check a whole number in ``[minimum, maximum]`` (bools and floats are refused)."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise InputError(f"expected a whole number, got {value!r}", column=field_name)
    number = int(value)
    if number < minimum:
        raise InputError(
            f"expected a whole number ≥ {minimum}, got {_shown(number)}", column=field_name
        )
    if number > maximum:
        raise InputError(
            f"expected a whole number ≤ {maximum}, got {_shown(number)}", column=field_name
        )
    return number


def check_choice(value: object, field_name: str, choices: tuple[str, ...]) -> str:
    """Check that ``value`` is one of ``choices``."""
    if value not in choices:
        raise InputError(
            f"{value!r} is not allowed: expected one of {', '.join(choices)}", column=field_name
        )
    return str(value)


def check_date(value: object, field_name: str) -> dt.date:
    """Check a calendar date (``datetime.date``)."""
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InputError(f"expected a date (YYYY-MM-DD), got {value!r}", column=field_name)
    return value


def check_timestamp(value: object, field_name: str) -> dt.datetime:
    """Check a time stamp with a time zone (``datetime.datetime``, aware)."""
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise InputError(
            f"expected an ISO 8601 time stamp with a time zone, got {value!r}", column=field_name
        )
    return value


def now_utc() -> dt.datetime:
    """Get the current time, UTC, to the microsecond."""
    return dt.datetime.now(dt.UTC)


# --------------------------------------------------------------------------- campaign structure
@dataclass(frozen=True)
class Campaign:
    """One inspection campaign (e.g. a province's retrofit programme for one year)."""

    campaign_id: str
    name: str
    profile: str = "cn-classroom"
    client: str = ""
    #: the laboratory (its lab id) whose campaign file this is; its sessions carry it
    laboratory: str = ""

    def __post_init__(self) -> None:
        check_id(self.campaign_id, "campaign_id")
        check_text(self.name, "name", allow_empty=False)
        check_id(self.profile, "profile")
        check_text(self.client, "client")
        if self.laboratory:
            check_id(self.laboratory, "laboratory")


@dataclass(frozen=True)
class School:
    """A school of the campaign."""

    school_id: str
    name: str
    district: str = ""
    address: str = ""

    def __post_init__(self) -> None:
        check_id(self.school_id, "school_id")
        check_text(self.name, "name", allow_empty=False)
        check_text(self.district, "district")
        check_text(self.address, "address")


@dataclass(frozen=True)
class Classroom:
    """A classroom with its geometry and lighting installation.

    Coordinates: origin at the front-left floor corner seen from the pupils (blackboard wall is
    the front, ``y_m`` = 0), ``x_m`` across the room (0 … ``width_m``), ``y_m`` towards the back
    (0 … ``length_m``). The desk area runs from ``desk_front_m`` (front edge of the first row) to
    ``desk_back_m`` (back edge of the last row), full width (the desk area of GB/T 5700 as applied
    to classrooms).
    """

    classroom_id: str
    school_id: str
    name: str
    room_type: RoomType
    length_m: float
    width_m: float
    height_m: float
    desk_rows: int
    desk_front_m: float
    desk_back_m: float
    desk_height_m: float = 0.75
    board_width_m: float = 4.0
    board_height_m: float = 1.2
    board_bottom_m: float = 0.9
    luminaire_count: int = 9
    luminaire_rows: int = 3
    luminaire_columns: int = 3
    board_luminaire_count: int = 2
    luminaire_mounting_height_m: float | None = None
    installed_power_w: float | None = None
    building: str = ""
    floor: str = ""
    notes: str = ""
    #: The luminous opening of one general luminaire (for the solid angle ω in UGR from
    #: measured luminances); unknown → UGR path (a) is not measured.
    luminaire_luminous_length_m: float | None = None
    luminaire_luminous_width_m: float | None = None
    #: The light source technology of the general and blackboard luminaires; unknown → the
    #: LED rules apply (retrofits install LED) and the report says that it was assumed.
    luminaire_technology: LuminaireTechnology | None = None
    #: The blue-light risk group of the general / blackboard luminaires as assessed under
    #: IEC 62471 / IEC TR 62778 (the luminaire's test report or marking): what GB 40070-2021
    #: judges. A group derived from field readings is only an indication beside it.
    luminaire_risk_group: RiskGroup | None = None
    board_luminaire_risk_group: RiskGroup | None = None

    def __post_init__(self) -> None:
        check_id(self.classroom_id, "classroom_id")
        check_id(self.school_id, "school_id")
        check_text(self.name, "name", allow_empty=False)
        check_choice(self.room_type, "room_type", ROOM_TYPES)
        length = _req(check_number(self.length_m, "length_m", minimum=2.0, maximum=50.0))
        width = _req(check_number(self.width_m, "width_m", minimum=2.0, maximum=50.0))
        height = _req(check_number(self.height_m, "height_m", minimum=2.0, maximum=15.0))
        check_int(self.desk_rows, "desk_rows", minimum=1, maximum=MAX_ROWS)
        front = _req(check_number(self.desk_front_m, "desk_front_m", minimum=0.0))
        back = _req(check_number(self.desk_back_m, "desk_back_m", minimum=0.0))
        if not front < back <= length:
            raise InputError(
                f"expected 0 ≤ desk_front_m < desk_back_m ≤ length_m, got desk_front_m={front!r}, "
                f"desk_back_m={back!r}, length_m={length!r}",
                column="desk_back_m",
            )
        check_number(self.desk_height_m, "desk_height_m", minimum=0.3, maximum=1.2)
        board_w = _req(check_number(self.board_width_m, "board_width_m", minimum=0.5))
        if board_w > width:
            raise InputError(
                f"board_width_m={board_w!r} exceeds width_m={width!r}", column="board_width_m"
            )
        board_h = _req(check_number(self.board_height_m, "board_height_m", minimum=0.3))
        bottom = _req(check_number(self.board_bottom_m, "board_bottom_m", minimum=0.0))
        if bottom + board_h > height:
            raise InputError(
                f"blackboard top ({bottom + board_h!r} m) is above the ceiling ({height!r} m)",
                column="board_height_m",
            )
        check_int(self.luminaire_count, "luminaire_count", maximum=MAX_LUMINAIRES)
        check_int(self.luminaire_rows, "luminaire_rows", maximum=MAX_ROWS)
        check_int(self.luminaire_columns, "luminaire_columns", maximum=MAX_ROWS)
        check_int(self.board_luminaire_count, "board_luminaire_count", maximum=MAX_BOARD_LAMPS)
        if self.luminaire_rows * self.luminaire_columns != self.luminaire_count:
            raise InputError(
                f"luminaire_rows × luminaire_columns = "
                f"{self.luminaire_rows * self.luminaire_columns}, expected luminaire_count "
                f"({self.luminaire_count})",
                column="luminaire_count",
            )
        mh = check_number(
            self.luminaire_mounting_height_m,
            "luminaire_mounting_height_m",
            minimum=0.0,
            exclusive_minimum=True,
            allow_none=True,
        )
        if mh is not None and mh > height:
            raise InputError(
                f"luminaire_mounting_height_m={mh!r} exceeds height_m={height!r}",
                column="luminaire_mounting_height_m",
            )
        check_number(self.installed_power_w, "installed_power_w", minimum=0.0, allow_none=True)
        for name in ("luminaire_luminous_length_m", "luminaire_luminous_width_m"):
            check_number(
                getattr(self, name),
                name,
                minimum=0.0,
                exclusive_minimum=True,
                maximum=5.0,
                allow_none=True,
            )
        check_text(self.building, "building")
        check_text(self.floor, "floor")
        check_text(self.notes, "notes")
        if self.luminaire_technology is not None:
            check_choice(self.luminaire_technology, "luminaire_technology", LUMINAIRE_TECHNOLOGIES)
        for name in ("luminaire_risk_group", "board_luminaire_risk_group"):
            if getattr(self, name) is not None:
                check_choice(getattr(self, name), name, RISK_GROUPS)

    @property
    def floor_area_m2(self) -> float:
        """Floor area [m²]."""
        return self.length_m * self.width_m


@dataclass(frozen=True)
class Instrument:
    """A meter with its calibration: the report prints all of it (ISO/IEC 17025 §7.8)."""

    instrument_id: str
    model: str
    serial_number: str
    calibration_date: dt.date
    expanded_uncertainty_percent: float
    coverage_factor: float = 2.0
    kind: str = "illuminance"
    #: what the instrument is (e.g. 照度计), its calibration certificate number and the date
    #: its calibration runs out (empty / None: not given; a report cannot be issued without)
    name: str = ""
    calibration_certificate: str = ""
    calibration_due: dt.date | None = None

    def __post_init__(self) -> None:
        check_id(self.instrument_id, "instrument_id")
        check_text(self.model, "model", allow_empty=False)
        check_text(self.serial_number, "serial_number", allow_empty=False)
        check_date(self.calibration_date, "calibration_date")
        check_number(
            self.expanded_uncertainty_percent,
            "expanded_uncertainty_percent",
            minimum=0.0,
            maximum=50.0,
        )
        check_number(self.coverage_factor, "coverage_factor", minimum=1.0, maximum=3.0)
        check_choice(
            self.kind,
            "kind",
            ("illuminance", "chroma", "spectrum", "flicker", "luminance", "power", "distance"),
        )
        check_text(self.name, "name")
        check_text(self.calibration_certificate, "calibration_certificate")
        if self.calibration_due is not None:
            check_date(self.calibration_due, "calibration_due")
            if self.calibration_due <= self.calibration_date:
                raise InputError(
                    f"{self.calibration_due} is not after the calibration date "
                    f"{self.calibration_date}",
                    column="calibration_due",
                )

    def expired_on(self, day: dt.date) -> bool:
        """Whether the calibration had run out on ``day`` (its due date was before it); False
        when no due date is recorded (the issuing checks refuse that separately)."""
        return self.calibration_due is not None and day > self.calibration_due


#: The unit of an expanded uncertainty stated relative to the measured value.
RELATIVE_UNIT = "% of value"


@dataclass(frozen=True)
class InstrumentUncertainty:
    """The expanded uncertainty an instrument states for one quantity (a metric id), used as
    the guard band of the guarded decision rule (ILAC-G8:09/2019 §4.2.2).

    ``unit`` is the metric's own unit (an absolute U, e.g. K for ``cct_K``, 1 for ``duv``, %
    points for ``flicker_percent``) or :data:`RELATIVE_UNIT` (U in percent of the measured
    value, as meter makers state illuminance and power accuracy); the compliance stage checks
    the metric id and the unit against the metric table. ``basis`` says where the value comes
    from (a calibration certificate, the maker's specification with the manual's title). The
    campaign file keeps these rows append-only: a later row for the same instrument and metric
    replaces an earlier one in use, and both stay on record.
    """

    instrument_id: str
    metric_id: str
    expanded_uncertainty: float
    unit: str
    coverage_factor: float = 2.0
    basis: str = ""

    def __post_init__(self) -> None:
        check_id(self.instrument_id, "instrument_id")
        check_id(self.metric_id, "metric_id")
        check_number(self.expanded_uncertainty, "expanded_uncertainty", minimum=0.0)
        check_text(self.unit, "unit", allow_empty=True)
        check_number(self.coverage_factor, "coverage_factor", minimum=1.0, maximum=3.0)
        check_text(self.basis, "basis")

    @property
    def relative(self) -> bool:
        """Whether U is stated in percent of the measured value."""
        return self.unit == RELATIVE_UNIT

    def absolute(self, value: float) -> float:
        """U in the metric's unit at the measured ``value``."""
        if self.relative:
            return abs(value) * (self.expanded_uncertainty / 100.0)
        return self.expanded_uncertainty


@dataclass(frozen=True)
class MeasurementSession:
    """One visit of one or more inspectors to one classroom with a set of instruments.

    ``kind`` is ``first`` (the first test of the classroom) or ``retest`` (复测: a later visit
    of a classroom that was already measured, with ``retest_reason``: after rectification, on
    the client's request, a suspected error, ...).
    """

    session_id: str
    classroom_id: str
    inspector: str
    started_at: dt.datetime
    instrument_ids: tuple[str, ...] = ()
    notes: str = ""
    kind: str = "first"
    retest_reason: str = ""

    def __post_init__(self) -> None:
        check_id(self.session_id, "session_id")
        check_id(self.classroom_id, "classroom_id")
        check_text(self.inspector, "inspector", allow_empty=False)
        check_timestamp(self.started_at, "started_at")
        if not isinstance(self.instrument_ids, tuple):
            raise InputError("expected a tuple of instrument ids", column="instrument_ids")
        for iid in self.instrument_ids:
            check_id(iid, "instrument_ids")
        if len(set(self.instrument_ids)) != len(self.instrument_ids):
            raise InputError("instrument listed twice", column="instrument_ids")
        check_text(self.notes, "notes")
        check_choice(self.kind, "kind", SESSION_KINDS)
        check_text(self.retest_reason, "retest_reason")


#: The kinds of a measurement session: the first test of a classroom, or a re-test (复测).
SESSION_KINDS = ("first", "retest")

#: The re-test reasons an inspector picks by number at the prompt (free text is accepted too);
#: the reports translate these texts (``luxcheck.report.retest``).
RETEST_REASONS = (
    "after rectification",
    "on the client's request",
    "suspected measurement error",
)


#: The environmental conditions of a classroom's measurement (a test report states them where
#: they bear on the results, ISO/IEC 17025 §7.8.3.1 a)): field, unit, plausible range. A
#: condition not recorded is None, never a guess.
ENVIRONMENT_FIELDS: tuple[tuple[str, str, float, float], ...] = (
    ("temperature_C", "°C", -30.0, 60.0),
    ("relative_humidity_percent", "%", 0.0, 100.0),
    ("supply_voltage_V", "V", 0.0, 1000.0),
    ("stray_light_lx", "lx", 0.0, 100_000.0),
    ("warmup_min", "min", 0.0, 1440.0),
)


@dataclass(frozen=True)
class EnvironmentRecord:
    """The conditions of one measurement session, as the inspector recorded them
    (append-only: a later record of the same session supersedes the earlier in the report)."""

    record_id: str
    session_id: str
    recorded_at: dt.datetime
    temperature_C: float | None = None
    relative_humidity_percent: float | None = None
    supply_voltage_V: float | None = None
    stray_light_lx: float | None = None
    warmup_min: float | None = None
    note: str = ""

    def __post_init__(self) -> None:
        check_id(self.record_id, "record_id")
        check_id(self.session_id, "session_id")
        check_timestamp(self.recorded_at, "recorded_at")
        for name, _unit, low, high in ENVIRONMENT_FIELDS:
            value = getattr(self, name)
            if value is not None:
                check_number(value, name, minimum=low, maximum=high)
        check_text(self.note, "note")


#: The steps of issuing a report, in order (编制 / 审核 / 批准).
SIGNOFF_ROLES: tuple[str, ...] = ("prepare", "review", "approve")


@dataclass(frozen=True)
class ReportRevision:
    """A report number given to one revision of a classroom's report (append-only). ``digest``
    is the content the number was given to; ``replaces`` the number of the issued report this
    revision corrects (ISO/IEC 17025 §7.8.8), empty for a first issue."""

    report_number: str
    classroom_id: str
    revision: int
    year: int
    seq: int
    digest: str
    assigned_at: dt.datetime
    replaces: str = ""

    def __post_init__(self) -> None:
        check_text(self.report_number, "report_number", allow_empty=False)
        check_id(self.classroom_id, "classroom_id")
        check_int(self.revision, "revision", minimum=1)
        check_int(self.year, "year", minimum=1900, maximum=9999)
        check_int(self.seq, "seq", minimum=1)
        check_text(self.digest, "digest", allow_empty=False)
        check_timestamp(self.assigned_at, "assigned_at")
        check_text(self.replaces, "replaces")


@dataclass(frozen=True)
class ReportSignoff:
    """Who prepared, reviewed or approved a report revision, and when (append-only)."""

    report_number: str
    role: str
    person_id: str
    person_name: str
    signed_at: dt.datetime
    digest: str

    def __post_init__(self) -> None:
        check_text(self.report_number, "report_number", allow_empty=False)
        check_choice(self.role, "role", SIGNOFF_ROLES)
        check_text(self.person_id, "person_id", allow_empty=False)
        check_text(self.person_name, "person_name", allow_empty=False)
        check_timestamp(self.signed_at, "signed_at")
        check_text(self.digest, "digest", allow_empty=False)


# --------------------------------------------------------------------------- readings
@dataclass(frozen=True)
class Reading:
    """Fields shared by every reading.

    ``reading_id`` is unique within a campaign; ``supersedes`` names an earlier reading this one
    corrects (the earlier one stays in the store: readings are append-only).
    """

    reading_id: str
    session_id: str
    taken_at: dt.datetime
    instrument_id: str | None = None
    supersedes: str | None = None
    note: str = ""

    kind: str = field(init=False, default="")

    def __post_init__(self) -> None:
        check_id(self.reading_id, "reading_id")
        check_id(self.session_id, "session_id")
        check_timestamp(self.taken_at, "taken_at")
        if self.instrument_id is not None:
            check_id(self.instrument_id, "instrument_id")
        if self.supersedes is not None:
            check_id(self.supersedes, "supersedes")
            if self.supersedes == self.reading_id:
                raise InputError("a reading cannot supersede itself", column="supersedes")
        check_text(self.note, "note")


@dataclass(frozen=True)
class IlluminanceReading(Reading):
    """One illuminance point [lx] on a surface, with lights on or off (daylight subtraction).

    ``point`` is the index in the room's point plan (grids); ``x_m``/``y_m`` are on the desk plane
    for the desk, and along the board width / height above the board bottom for the board.
    """

    surface: Surface = "desk"
    x_m: float = 0.0
    y_m: float = 0.0
    lights_on: bool = True
    illuminance_lx: float = 0.0
    point: int | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "kind", "illuminance")
        check_choice(self.surface, "surface", SURFACES)
        check_number(self.x_m, "x_m", minimum=0.0, maximum=50.0)
        check_number(self.y_m, "y_m", minimum=0.0, maximum=50.0)
        if not isinstance(self.lights_on, bool):
            raise InputError("expected on or off", column="lights_on")
        check_number(self.illuminance_lx, "illuminance_lx", minimum=0.0, maximum=200_000.0)
        if self.point is not None:
            check_int(self.point, "point", maximum=MAX_POINT)


def _as_array(value: object, field_name: str) -> npt.NDArray[np.generic]:
    if not isinstance(value, np.ndarray):
        raise InputError("expected a numpy array", column=field_name)
    if value.ndim != 1 or value.size == 0:
        raise InputError(
            f"expected a non-empty 1-D array, got shape {value.shape}", column=field_name
        )
    if value.dtype.kind not in "fiu":
        raise InputError(f"expected a numeric array, got dtype {value.dtype}", column=field_name)
    if value.dtype.kind == "f" and not np.all(np.isfinite(value)):
        raise InputError("contains NaN or infinite values", column=field_name)
    return value


@dataclass(frozen=True, eq=False)
class SpectrumReading(Reading):
    """A spectral irradiance (or relative spectrum) as the spectrometer gave it.

    Arrays are kept in the dtype they came in; equality compares values exactly.
    """

    wavelength_nm: npt.NDArray[np.floating] = field(default_factory=lambda: np.zeros(0))
    values: npt.NDArray[np.floating] = field(default_factory=lambda: np.zeros(0))
    unit: SpectrumUnit = "W/(m2 nm)"
    luminaire: str = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "kind", "spectrum")
        wl = _as_array(self.wavelength_nm, "wavelength_nm")
        vals = _as_array(self.values, "values")
        if wl.shape != vals.shape:
            raise InputError(f"{wl.size} wavelengths but {vals.size} values", column="values")
        if wl.size > MAX_WAVELENGTHS:
            raise InputError(
                f"{wl.size} wavelengths: more than {MAX_WAVELENGTHS}, the most luxcheck analyses "
                "(0.2 nm steps over 380–780 nm); export the spectrum at 1 nm steps",
                column="wavelength_nm",
            )
        if wl.size > 1 and not np.all(np.diff(wl) > 0):
            raise InputError("wavelengths must increase strictly", column="wavelength_nm")
        if wl[0] < 200 or wl[-1] > 1100:
            raise InputError(
                f"wavelengths {wl[0]:g}–{wl[-1]:g} nm outside 200–1100 nm", column="wavelength_nm"
            )
        check_choice(self.unit, "unit", SPECTRUM_UNITS)
        check_text(self.luminaire, "luminaire")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SpectrumReading):
            return NotImplemented
        return _fields_equal(self, other, ("wavelength_nm", "values"))

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True, eq=False)
class WaveformReading(Reading):
    """A light waveform for flicker: samples at a constant rate, in the sensor's own units.

    ``dark_level`` is the sensor output in darkness (subtracted before analysis); ``full_scale``
    is the saturation level of the ADC, if known (samples at it are flagged as clipped).
    ``luminaire`` says what was measured: ``general`` (or empty) for the classroom luminaires,
    ``board`` for the blackboard lamps.
    """

    samples: npt.NDArray[np.generic] = field(default_factory=lambda: np.zeros(0))
    sample_rate_hz: float = 1.0
    unit: str = "relative"
    dark_level: float = 0.0
    full_scale: float | None = None
    luminaire: str = ""

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "kind", "waveform")
        check_text(self.luminaire, "luminaire")
        _as_array(self.samples, "samples")
        check_number(
            self.sample_rate_hz,
            "sample_rate_hz",
            minimum=0.0,
            exclusive_minimum=True,
            maximum=10_000_000.0,
        )
        check_text(self.unit, "unit", allow_empty=False)
        check_number(self.dark_level, "dark_level")
        check_number(self.full_scale, "full_scale", allow_none=True)

    @property
    def duration_s(self) -> float:
        """Record length [s]."""
        return float(self.samples.size) / self.sample_rate_hz

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WaveformReading):
            return NotImplemented
        return _fields_equal(self, other, ("samples",))

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True)
class LuminanceReading(Reading):
    """A luminance [cd/m²] of a luminaire, the background, the board or a wall.

    For glare (UGR path a): ``target='luminaire'`` readings name the observer position
    (``observer``) and the luminaire (``luminaire``, e.g. ``L3`` in the layout order), with
    ``solid_angle_sr`` and ``position_index`` when the inspector determined the geometry; a
    ``target='background'`` reading gives the observer's background luminance.
    """

    target: LuminanceTarget = "luminaire"
    luminance_cd_m2: float = 0.0
    observer: str = ""
    luminaire: str = ""
    solid_angle_sr: float | None = None
    position_index: float | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "kind", "luminance")
        check_choice(self.target, "target", LUMINANCE_TARGETS)
        check_number(self.luminance_cd_m2, "luminance_cd_m2", minimum=0.0, maximum=1e9)
        check_text(self.observer, "observer")
        check_number(
            self.solid_angle_sr,
            "solid_angle_sr",
            minimum=0.0,
            exclusive_minimum=True,
            maximum=2 * math.pi,
            allow_none=True,
        )
        check_number(self.position_index, "position_index", minimum=1.0, allow_none=True)


@dataclass(frozen=True)
class PowerReading(Reading):
    """Input power [W] of a lighting circuit (``general`` lighting or ``board`` lamps)."""

    circuit: PowerCircuit = "general"
    power_w: float = 0.0

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "kind", "power")
        check_choice(self.circuit, "circuit", POWER_CIRCUITS)
        check_number(self.power_w, "power_w", minimum=0.0, maximum=100_000.0)


@dataclass(frozen=True)
class HeightReading(Reading):
    """A measured position of a luminaire: its mounting height above the floor [m] and, for a
    blackboard lamp, its horizontal distance from the board face [m] (laser distance meter).

    Luminaire names: ``L1``, ``L2``, … for general luminaires (layout order), ``B1``, ``B2``, …
    for blackboard lamps.
    """

    luminaire: str = ""
    height_m: float = 0.0
    horizontal_distance_m: float | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "kind", "height")
        check_text(self.luminaire, "luminaire")
        check_number(self.height_m, "height_m", minimum=0.0, exclusive_minimum=True, maximum=20.0)
        check_number(
            self.horizontal_distance_m,
            "horizontal_distance_m",
            minimum=0.0,
            maximum=20.0,
            allow_none=True,
        )


@dataclass(frozen=True)
class VoidReading(Reading):
    """Withdraws the reading named in ``supersedes`` (the inspector's undo).

    The withdrawn reading stays in the store; it no longer counts.
    """

    def __post_init__(self) -> None:
        super().__post_init__()
        object.__setattr__(self, "kind", "void")
        if self.supersedes is None:
            raise InputError(
                "a void reading must name the reading it withdraws", column="supersedes"
            )


AnyReading = (
    IlluminanceReading
    | SpectrumReading
    | WaveformReading
    | LuminanceReading
    | PowerReading
    | HeightReading
    | VoidReading
)

READING_CLASSES: dict[str, type[Reading]] = {
    "illuminance": IlluminanceReading,
    "spectrum": SpectrumReading,
    "waveform": WaveformReading,
    "luminance": LuminanceReading,
    "power": PowerReading,
    "height": HeightReading,
    "void": VoidReading,
}


def _fields_equal(a: Reading, b: Reading, array_fields: tuple[str, ...]) -> bool:
    from dataclasses import fields

    for f in fields(a):
        va, vb = getattr(a, f.name), getattr(b, f.name)
        if f.name in array_fields:
            if va.dtype != vb.dtype or va.shape != vb.shape or not np.array_equal(va, vb):
                return False
        elif va != vb:
            return False
    return True
