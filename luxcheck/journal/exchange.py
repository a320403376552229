"""Campaign import and export: a folder of CSV files an inspector can also fill by hand.

The layout (documented for inspectors in ``docs``-free form in the README and in
:data:`LAYOUT`): one UTF-8 CSV file per kind, with a header row. Every file but
``campaign.csv`` is optional on import.

=====================  ==========================================================
file                   one row per
=====================  ==========================================================
campaign.csv           the campaign (exactly one row)
schools.csv            school
classrooms.csv         classroom (geometry, luminaires, installed power)
instruments.csv        instrument with calibration (date, certificate, due date) and expanded
                       uncertainty
instrument_uncertainty.csv  expanded uncertainty an instrument states for one metric id
                       (``unit``: the metric's unit, or ``% of value``), append-only
sessions.csv           measurement session (``instrument_ids`` separated by ``;``; ``kind`` first or
                       retest, with ``retest_reason``)
environment.csv        environmental conditions of a session (empty cell: not recorded)
illuminance.csv        illuminance point (``lights`` is ``on`` or ``off``)
luminance.csv          luminance reading
power.csv              power reading (circuit ``general`` or ``board``)
heights.csv            luminaire mounting height
spectra.csv            spectrum (metadata); values in spectrum_values.csv
spectrum_values.csv    (reading_id, wavelength_nm, value) — one row per wavelength
waveforms.csv          waveform (metadata); samples in waveform_samples.csv
waveform_samples.csv   (reading_id, index, value) — one row per sample
voids.csv              withdrawn reading (``supersedes`` names it)
session_voids.csv      withdrawn session (``void_id``, ``session_id``, ``reason``, ``by``, ``at``;
                       an undo names the void it undoes in ``undoes``)
=====================  ==========================================================

Rules: numbers are plain ASCII decimals (digits ``0-9``, ``.`` as the decimal point, an optional
``e`` exponent; no ``nan``/``inf``, no digit grouping, no other scripts' digits: see
:mod:`luxcheck.numbers`); time stamps are ISO 8601 with a
time zone (``2026-11-02T09:00:00+08:00``); dates ``YYYY-MM-DD``; empty cells mean "none" where a
field is optional. Import checks every file completely before writing anything: a malformed
file is rejected whole with its file, line and column and the expected form, and the store is
left unchanged. Export writes every reading, superseded and withdrawn ones included, with
numbers in their shortest exact form, so import → export → import changes no value.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from luxcheck.errors import InputError
from luxcheck.journal.csv_read import (
    ALLOWED_DTYPES,
    FileSpec,
    LongArray,
    NotStreamableError,
    Row,
    long_arrays,
    read_rows,
    stream_long_arrays,
    typed_values,
)
from luxcheck.journal.csv_safe import SafeDictWriter
from luxcheck.journal.reading_writer import ReadingWriter
from luxcheck.journal.session_records import SessionVoid
from luxcheck.journal.store import CampaignStore
from luxcheck.model import (
    ENVIRONMENT_FIELDS,
    AnyReading,
    Campaign,
    Classroom,
    EnvironmentRecord,
    HeightReading,
    IlluminanceReading,
    Instrument,
    InstrumentUncertainty,
    LuminanceReading,
    MeasurementSession,
    PowerReading,
    School,
    SpectrumReading,
    VoidReading,
    WaveformReading,
)

_COMMON = ["reading_id", "session_id", "taken_at", "instrument_id", "supersedes", "note"]


def _classroom_columns() -> tuple[tuple[str, ...], tuple[str, ...]]:
    required = tuple(f.name for f in fields(Classroom) if f.default is MISSING)
    optional = tuple(f.name for f in fields(Classroom) if f.default is not MISSING)
    return required, optional


_CLASSROOM_REQ, _CLASSROOM_OPT = _classroom_columns()

#: The files of the layout, in import order.
LAYOUT: dict[str, FileSpec] = {
    "campaign": FileSpec("campaign.csv", ("campaign_id", "name"), ("profile", "client")),
    "schools": FileSpec("schools.csv", ("school_id", "name"), ("district", "address")),
    "classrooms": FileSpec("classrooms.csv", _CLASSROOM_REQ, _CLASSROOM_OPT),
    "instruments": FileSpec(
        "instruments.csv",
        (
            "instrument_id",
            "model",
            "serial_number",
            "calibration_date",
            "expanded_uncertainty_percent",
        ),
        ("coverage_factor", "kind", "name", "calibration_certificate", "calibration_due"),
    ),
    "uncertainties": FileSpec(
        "instrument_uncertainty.csv",
        ("instrument_id", "metric_id", "expanded_uncertainty", "unit"),
        ("coverage_factor", "basis"),
    ),
    "sessions": FileSpec(
        "sessions.csv",
        ("session_id", "classroom_id", "inspector", "started_at"),
        ("instrument_ids", "notes", "kind", "retest_reason"),
    ),
    "environment": FileSpec(
        "environment.csv",
        ("record_id", "session_id", "recorded_at"),
        (*(name for name, *_ in ENVIRONMENT_FIELDS), "note"),
    ),
    "illuminance": FileSpec(
        "illuminance.csv",
        ("reading_id", "session_id", "taken_at", "surface", "x_m", "y_m", "illuminance_lx"),
        ("lights", "point", "instrument_id", "supersedes", "note"),
    ),
    "luminance": FileSpec(
        "luminance.csv",
        ("reading_id", "session_id", "taken_at", "target", "luminance_cd_m2"),
        (
            "observer",
            "luminaire",
            "solid_angle_sr",
            "position_index",
            "instrument_id",
            "supersedes",
            "note",
        ),
    ),
    "power": FileSpec(
        "power.csv",
        ("reading_id", "session_id", "taken_at", "circuit", "power_w"),
        ("instrument_id", "supersedes", "note"),
    ),
    "heights": FileSpec(
        "heights.csv",
        ("reading_id", "session_id", "taken_at", "height_m"),
        ("luminaire", "horizontal_distance_m", "instrument_id", "supersedes", "note"),
    ),
    "spectra": FileSpec(
        "spectra.csv",
        ("reading_id", "session_id", "taken_at", "unit"),
        ("luminaire", "dtype", "instrument_id", "supersedes", "note"),
    ),
    "spectrum_values": FileSpec("spectrum_values.csv", ("reading_id", "wavelength_nm", "value")),
    "waveforms": FileSpec(
        "waveforms.csv",
        ("reading_id", "session_id", "taken_at", "sample_rate_hz"),
        (
            "unit",
            "dark_level",
            "full_scale",
            "luminaire",
            "dtype",
            "instrument_id",
            "supersedes",
            "note",
        ),
    ),
    "waveform_samples": FileSpec("waveform_samples.csv", ("reading_id", "index", "value")),
    "voids": FileSpec(
        "voids.csv",
        ("reading_id", "session_id", "taken_at", "supersedes"),
        ("instrument_id", "note"),
    ),
    "session_voids": FileSpec(
        "session_voids.csv", ("void_id", "session_id", "reason", "by", "at"), ("undoes",)
    ),
}


# --------------------------------------------------------------------------- import
@dataclass
class WaveformFiles:
    """``waveforms.csv`` as read (one row per waveform) and its samples file, which is read
    when the readings are written: a campaign's samples are gigabytes of CSV, so they are
    handed over one waveform at a time (:func:`stream_long_arrays`) where the file allows,
    else read whole (:func:`long_arrays`)."""

    folder: Path = Path()
    rows: list[Row] = field(default_factory=list)

    @property
    def ids(self) -> list[str]:
        return [r.text("reading_id") for r in self.rows]

    def held(self) -> list[AnyReading]:
        """Every waveform reading, the samples file read whole (any valid file)."""
        samples = _long(self.folder, "waveform_samples", "index", self.rows)
        out = [self._reading(r, samples) for r in self.rows]
        _no_orphans(samples, "waveforms.csv")
        return out

    def streamed(self) -> Iterator[AnyReading]:
        """The waveform readings in the order of the samples file, each as soon as its samples
        are read; raises :class:`NotStreamableError` (perhaps after some) where only
        :meth:`held` can read the file."""
        by_id = {r.text("reading_id"): r for r in self.rows}
        spec = LAYOUT["waveform_samples"]
        for long in stream_long_arrays(
            self.folder / spec.name, spec, "index", sequential=True, dtypes=_dtypes(self.rows)
        ):
            rid = long.first.cells["reading_id"]
            meta = by_id.pop(rid, None)
            if meta is None:
                _no_orphans({rid: long}, "waveforms.csv")  # raises: rows of no waveform
            else:
                yield self._reading(meta, {rid: long})
        for meta in by_id.values():
            self._reading(meta, {})  # raises: no rows for it

    @staticmethod
    def _reading(r: Row, samples: dict[str, LongArray]) -> AnyReading:
        long, counts = _matched_values(r, samples, "waveform_samples.csv")
        return _build_array_reading(
            r,
            long,
            {"samples": "value"},
            WaveformReading,
            **_common(r),
            samples=counts,
            sample_rate_hz=r.number("sample_rate_hz"),
            full_scale=r.opt_number("full_scale"),
            luminaire=r.text("luminaire"),
            **_given(unit=r.opt_text("unit"), dark_level=r.opt_number("dark_level")),
        )


@dataclass
class ImportPlan:
    """Everything read from a folder, validated, ready to be written in one transaction; the
    waveforms' samples are read as they are written (:class:`WaveformFiles`)."""

    campaign: Campaign
    schools: list[School]
    classrooms: list[Classroom]
    instruments: list[Instrument]
    sessions: list[MeasurementSession]
    readings: list[AnyReading]
    campaign_line: int = 2  # the line of the campaign row in campaign.csv
    #: where each object was read: (file name, id) -> the lines
    lines: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    #: the ids :func:`import_folder` found already stored (so skipped)
    known_ids: set[str] = field(default_factory=set)
    #: the empty campaign fields :func:`import_folder` filled from campaign.csv
    filled: dict[str, str] = field(default_factory=dict)
    #: the environmental conditions of the sessions (environment.csv)
    environment: list[EnvironmentRecord] = field(default_factory=list)
    #: sessions withdrawn (and withdrawals undone), in the order they were recorded
    session_voids: list[SessionVoid] = field(default_factory=list)
    #: the stated uncertainties per metric, with the line each was read from
    uncertainties: list[tuple[InstrumentUncertainty, int]] = field(default_factory=list)
    #: the waveform readings, not in ``readings``: their samples are read when written
    waveforms: WaveformFiles = field(default_factory=WaveformFiles)

    @property
    def counts(self) -> dict[str, int]:
        """How many objects of each kind the folder holds."""
        return _counts(self, lambda _id: True)

    @property
    def new_counts(self) -> dict[str, int]:
        """How many of them the import added (not already stored)."""
        return _counts(self, lambda i: i not in self.known_ids)

    @property
    def known_counts(self) -> dict[str, int]:
        """How many of them were already stored (identical), so skipped."""
        return _counts(self, lambda i: i in self.known_ids)

    def line(self, file: str, object_id: str) -> int | None:
        """The (first) line an object was read from."""
        found = self.lines.get((file, object_id))
        return found[0] if found else None


def _counts(plan: ImportPlan, wanted: Callable[[str], bool]) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for kind, rid in [(r.kind, r.reading_id) for r in plan.readings] + [
        ("waveform", rid) for rid in plan.waveforms.ids
    ]:
        if wanted(rid):
            kinds[kind] = kinds.get(kind, 0) + 1
    groups = {
        "schools": [s.school_id for s in plan.schools],
        "classrooms": [c.classroom_id for c in plan.classrooms],
        "instruments": [i.instrument_id for i in plan.instruments],
        "sessions": [s.session_id for s in plan.sessions],
        "environment records": [e.record_id for e in plan.environment],
        "uncertainties": [f"{u.instrument_id}/{u.metric_id}" for u, _ in plan.uncertainties],
    }
    return {
        **{what: sum(1 for i in ids if wanted(i)) for what, ids in groups.items()},
        **{f"{k} readings": v for k, v in sorted(kinds.items())},
    }


def _given(**cells: Any) -> dict[str, Any]:
    """The keyword arguments of the cells that are not empty (``None``): an empty optional
    cell takes the model's default, a given value is validated by the model (never replaced)."""
    return {name: value for name, value in cells.items() if value is not None}


def _file_rows(folder: Path, key: str, *, required: bool = False) -> Iterator[Row]:
    """The rows of a layout file, streamed (a campaign has ~10⁵ illuminance rows)."""
    spec = LAYOUT[key]
    path = folder / spec.name
    if not path.exists():
        if required:
            raise InputError(f"{spec.name} is required in the folder", source=str(folder))
        return iter(())
    return read_rows(path, spec)


def _common(row: Row) -> dict[str, Any]:
    return {
        "reading_id": row.text("reading_id"),
        "session_id": row.text("session_id"),
        "taken_at": row.timestamp("taken_at"),
        "instrument_id": row.opt_text("instrument_id"),
        "supersedes": row.opt_text("supersedes"),
        "note": row.text("note"),
    }


_ID_COLUMN = {
    "schools": "school_id",
    "classrooms": "classroom_id",
    "instruments": "instrument_id",
    "sessions": "session_id",
    "environment": "record_id",
    "session_voids": "void_id",
}


def _located(
    rows: Iterator[Row], key: str, lines: dict[tuple[str, str], list[int]]
) -> Iterator[Row]:
    """The rows, each one's id recorded with its line (for errors found after reading)."""
    name = LAYOUT[key].name
    column = _ID_COLUMN.get(key, "reading_id")
    for row in rows:
        lines.setdefault((name, row.text(column)), []).append(row.line)
        yield row


def read_folder(folder: str | Path) -> ImportPlan:
    """Read and validate a campaign folder without touching any store. The waveforms'
    samples (``waveform_samples.csv``, gigabytes in a campaign) are read and checked when
    :func:`import_folder` writes them (:class:`WaveformFiles`), every fault located as here."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError("not a folder of campaign CSV files", source=str(folder))
    lines: dict[tuple[str, str], list[int]] = {}

    def _rows(folder: Path, key: str, *, required: bool = False) -> Iterator[Row]:
        if key in ("campaign", "spectrum_values", "waveform_samples"):
            return _file_rows(folder, key, required=required)
        return _located(_file_rows(folder, key, required=required), key, lines)

    campaign_rows = list(_rows(folder, "campaign", required=True))
    if len(campaign_rows) != 1:
        raise InputError(
            f"expected exactly one campaign row, found {len(campaign_rows)}",
            source=str(folder / LAYOUT["campaign"].name),
        )
    c = campaign_rows[0]
    campaign = c.build(
        Campaign,
        campaign_id=c.text("campaign_id"),
        name=c.text("name"),
        client=c.text("client"),
        **_given(profile=c.opt_text("profile")),
    )
    schools = [
        r.build(
            School,
            school_id=r.text("school_id"),
            name=r.text("name"),
            district=r.text("district"),
            address=r.text("address"),
        )
        for r in _rows(folder, "schools")
    ]
    classrooms = [_classroom(r) for r in _rows(folder, "classrooms")]
    instruments = [
        r.build(
            Instrument,
            instrument_id=r.text("instrument_id"),
            model=r.text("model"),
            serial_number=r.text("serial_number"),
            calibration_date=r.date("calibration_date"),
            expanded_uncertainty_percent=r.number("expanded_uncertainty_percent"),
            **_given(
                coverage_factor=r.opt_number("coverage_factor"),
                kind=r.opt_text("kind"),
                name=r.opt_text("name"),
                calibration_certificate=r.opt_text("calibration_certificate"),
                calibration_due=r.opt_date("calibration_due"),
            ),
        )
        for r in _rows(folder, "instruments")
    ]
    sessions = [
        r.build(
            MeasurementSession,
            session_id=r.text("session_id"),
            classroom_id=r.text("classroom_id"),
            inspector=r.text("inspector"),
            started_at=r.timestamp("started_at"),
            instrument_ids=tuple(
                i.strip() for i in r.text("instrument_ids").split(";") if i.strip()
            ),
            notes=r.text("notes"),
            kind=r.text("kind") or "first",
            retest_reason=r.text("retest_reason"),
        )
        for r in _rows(folder, "sessions")
    ]
    environment = [
        r.build(
            EnvironmentRecord,
            record_id=r.text("record_id"),
            session_id=r.text("session_id"),
            recorded_at=r.timestamp("recorded_at"),
            note=r.text("note"),
            **{name: r.opt_number(name) for name, *_ in ENVIRONMENT_FIELDS},
        )
        for r in _rows(folder, "environment")
    ]
    readings: list[AnyReading] = []
    on_off = {"on": True, "off": False}
    for r in _rows(folder, "illuminance"):
        readings.append(
            r.build(
                IlluminanceReading,
                **_common(r),
                surface=r.text("surface"),
                x_m=r.number("x_m"),
                y_m=r.number("y_m"),
                lights_on=r.choice("lights", on_off, default="on"),
                illuminance_lx=r.number("illuminance_lx"),
                point=r.opt_integer("point"),
            )
        )
    for r in _rows(folder, "luminance"):
        readings.append(
            r.build(
                LuminanceReading,
                **_common(r),
                target=r.text("target"),
                luminance_cd_m2=r.number("luminance_cd_m2"),
                observer=r.text("observer"),
                luminaire=r.text("luminaire"),
                solid_angle_sr=r.opt_number("solid_angle_sr"),
                position_index=r.opt_number("position_index"),
            )
        )
    for r in _rows(folder, "power"):
        readings.append(
            r.build(
                PowerReading, **_common(r), circuit=r.text("circuit"), power_w=r.number("power_w")
            )
        )
    for r in _rows(folder, "heights"):
        readings.append(
            r.build(
                HeightReading,
                **_common(r),
                luminaire=r.text("luminaire"),
                height_m=r.number("height_m"),
                horizontal_distance_m=r.opt_number("horizontal_distance_m"),
            )
        )
    readings += _spectrum_readings(folder, lines)
    waveforms = WaveformFiles(
        folder, list(_located(_file_rows(folder, "waveforms"), "waveforms", lines))
    )
    for r in _rows(folder, "voids"):
        readings.append(r.build(VoidReading, **_common(r)))
    session_voids = [
        SessionVoid(
            r.text("void_id"),
            r.text("session_id"),
            r.text("reason"),
            r.text("by"),
            r.timestamp("at"),
            r.opt_text("undoes"),
        )
        for r in _rows(folder, "session_voids")
    ]
    _check_duplicates(folder, lines)
    plan = ImportPlan(
        campaign,
        schools,
        classrooms,
        instruments,
        sessions,
        readings,
        c.line,
        lines,
        environment=environment,
        session_voids=session_voids,
        waveforms=waveforms,
    )
    plan.uncertainties = [
        (
            r.build(
                InstrumentUncertainty,
                instrument_id=r.text("instrument_id"),
                metric_id=r.text("metric_id"),
                expanded_uncertainty=r.number("expanded_uncertainty"),
                unit=r.text("unit"),
                **_given(
                    coverage_factor=r.opt_number("coverage_factor"), basis=r.opt_text("basis")
                ),
            ),
            r.line,
        )
        for r in _file_rows(folder, "uncertainties")
    ]
    return plan


def _classroom(r: Row) -> Classroom:
    kwargs: dict[str, Any] = {}
    for f in fields(Classroom):
        if f.name not in r.cells or (r.cells[f.name] == "" and f.name in _CLASSROOM_OPT):
            continue
        kind = str(f.type)
        if "int" in kind and "float" not in kind:
            kwargs[f.name] = r.integer(f.name)
        elif "float" in kind:
            kwargs[f.name] = r.number(f.name)
        else:
            kwargs[f.name] = r.text(f.name)
    missing = [c for c in _CLASSROOM_REQ if c not in kwargs]
    if missing:
        raise r.error(missing[0], "a value is required")
    return r.build(Classroom, **kwargs)  # type: ignore[no-any-return]


def _matched_values(
    r: Row, arrays: dict[str, LongArray], values_file: str
) -> tuple[LongArray, np.ndarray]:
    """The long-format rows of the reading a metadata row describes, in its declared dtype."""
    rid = r.text("reading_id")
    if rid not in arrays:
        raise r.error("reading_id", f"no rows for {rid!r} in {values_file}")
    long = arrays.pop(rid)
    dtype = r.text("dtype") or "float64"
    if dtype not in ALLOWED_DTYPES:
        raise r.error("dtype", f"expected one of {', '.join(ALLOWED_DTYPES)}")
    values = typed_values(long.y_values(), dtype, long.first, "value")
    return long, values


def _no_orphans(arrays: dict[str, LongArray], metadata_file: str) -> None:
    for rid, long in arrays.items():
        raise long.first.error("reading_id", f"{rid!r} has rows but none in {metadata_file}")


def _build_array_reading(
    meta: Row,
    long: LongArray,
    arrays: Mapping[str, str],
    factory: Callable[..., AnyReading],
    **kwargs: Any,
) -> AnyReading:
    """Construct a spectrum or waveform reading. An error in an array field (``arrays`` maps it
    to its column in the long-format file) is located at the reading's first row there; any
    other error (unit, sample rate, dark level, …) at the metadata row."""
    try:
        return factory(**kwargs)
    except InputError as exc:
        if exc.column in arrays:
            raise long.first.error(arrays[str(exc.column)], exc.message) from None
        raise meta.error(exc.column, exc.message) from None


def _dtypes(meta: list[Row]) -> dict[str, str]:
    """The dtype each metadata row declares for its reading's values."""
    return {r.text("reading_id"): r.text("dtype") or "float64" for r in meta}


def _long(folder: Path, key: str, x_col: str, meta: list[Row]) -> dict[str, LongArray]:
    """A long-format file's arrays per reading, in the dtypes the metadata rows declare."""
    spec = LAYOUT[key]
    return long_arrays(
        folder / spec.name, spec, x_col, sequential=key == "waveform_samples", dtypes=_dtypes(meta)
    )


def _spectrum_readings(folder: Path, lines: dict[tuple[str, str], list[int]]) -> list[AnyReading]:
    out: list[AnyReading] = []
    spectra = list(_located(_file_rows(folder, "spectra"), "spectra", lines))
    values = _long(folder, "spectrum_values", "wavelength_nm", spectra)
    for r in spectra:
        long, spd = _matched_values(r, values, "spectrum_values.csv")
        out.append(
            _build_array_reading(
                r,
                long,
                {"wavelength_nm": "wavelength_nm", "values": "value"},
                SpectrumReading,
                **_common(r),
                wavelength_nm=long.x_values(),
                values=spd,
                unit=r.text("unit"),
                luminaire=r.text("luminaire"),
            )
        )
    _no_orphans(values, "spectra.csv")
    return out


def _check_duplicates(folder: Path, lines: Mapping[tuple[str, str], list[int]]) -> None:
    """Refuse an id that appears twice, naming the file(s) and both lines."""
    readings: dict[str, list[tuple[str, int]]] = {}
    for (name, object_id), found in lines.items():
        if len(found) > 1:
            raise InputError(
                f"id {object_id!r} appears twice: on lines {found[0]} and {found[1]}",
                source=str(folder / name),
                line=found[1],
            )
        if name not in {LAYOUT[k].name for k in _ID_COLUMN}:
            readings.setdefault(object_id, []).append((name, found[0]))
    for object_id, places in readings.items():
        if len(places) > 1:
            (a, la), (b, lb) = places[:2]
            raise InputError(
                f"reading id {object_id!r} appears twice: {a} line {la} and {b} line {lb}",
                source=str(folder / b),
                line=lb,
            )


def import_folder(
    store: CampaignStore, folder: str | Path, plan: ImportPlan | None = None
) -> ImportPlan:
    """Import a folder into an open store: all of it in one transaction, or nothing.

    Objects whose id is already in the store must be identical (then they are skipped, so an
    import can be repeated); a different object under a known id is refused. ``plan``: the
    folder as :func:`read_folder` read it, if the caller has it already (it is not read twice).
    """
    if plan is None:
        plan = read_folder(folder)
    if plan.campaign.campaign_id != store.campaign.campaign_id:
        raise InputError(
            f"the folder holds campaign {plan.campaign.campaign_id!r}, the store "
            f"{store.campaign.campaign_id!r}",
            source=str(Path(folder) / "campaign.csv"),
        )
    known = store.campaign
    fill: dict[str, str] = {}
    for f in fields(Campaign):
        ours, theirs = getattr(plan.campaign, f.name), getattr(known, f.name)
        if theirs == "" and ours != "":
            fill[f.name] = ours  # an empty stored field is filled from the folder
        elif ours != theirs:
            raise InputError(
                f"campaign {known.campaign_id!r} is already in the store with {f.name} "
                f"{theirs!r}, the folder has {ours!r}; a different value under a known id is "
                "refused",
                source=str(Path(folder) / "campaign.csv"),
                line=plan.campaign_line,
                column=f.name,
            )
    plan.filled = fill
    _check_links(Path(folder), plan, store)
    if store.in_transaction:  # a caller's transaction: no rolling back to read again
        _write(store, Path(folder), plan, streamed=False)
        return plan
    try:
        _write(store, Path(folder), plan, streamed=True)
    except NotStreamableError:
        # rolled back: the samples file is not one :func:`stream_long_arrays` hands over (a
        # reading's rows interleaved with another's, or a fault the row reader must locate)
        _write(store, Path(folder), plan, streamed=False)
    return plan


def _write(store: CampaignStore, folder: Path, plan: ImportPlan, *, streamed: bool) -> None:
    """Write the plan in one transaction (see :func:`import_folder`); the waveforms streamed
    from their samples file or read whole first."""
    known_schools = {s.school_id: s for s in store.schools()}
    known_rooms = {c.classroom_id: c for c in store.classrooms()}
    known_instruments = {i.instrument_id: i for i in store.instruments()}
    known_sessions = {s.session_id: s for s in store.sessions()}

    def same_or_new(known: Mapping[str, Any], key: str, obj: Any, what: str) -> bool:
        if key in known:
            if known[key] != obj:
                raise InputError(
                    f"{what} {key!r} is already in the campaign with other values",
                    source=str(folder),
                )
            return False
        return True

    plan.known_ids = (
        set(known_schools) & {s.school_id for s in plan.schools}
        | set(known_rooms) & {c.classroom_id for c in plan.classrooms}
        | set(known_instruments) & {i.instrument_id for i in plan.instruments}
        | set(known_sessions) & {s.session_id for s in plan.sessions}
    )
    waveforms = plan.waveforms.streamed() if streamed else plan.waveforms.held()
    with store.transaction():
        for name, value in plan.filled.items():
            store.fill_campaign_field(name, value)
        for s in plan.schools:
            if same_or_new(known_schools, s.school_id, s, "school"):
                store.add_school(s)
        for c in plan.classrooms:
            if same_or_new(known_rooms, c.classroom_id, c, "classroom"):
                store.add_classroom(c)
        for i in plan.instruments:
            if same_or_new(known_instruments, i.instrument_id, i, "instrument"):
                store.add_instrument(i)
        for stated in _new_statements(store, plan):
            store.add_instrument_uncertainty(stated)
        for session in plan.sessions:
            if same_or_new(known_sessions, session.session_id, session, "session"):
                store.add_session(session)
        known_env = {e.record_id: e for e in store.environments()}
        plan.known_ids |= set(known_env) & {e.record_id for e in plan.environment}
        for record in plan.environment:
            if same_or_new(known_env, record.record_id, record, "environment record"):
                store.add_environment(record)
        writer = ReadingWriter(store, folder, plan.known_ids)
        writer.add(r for r in plan.readings if not isinstance(r, VoidReading))
        writer.add(waveforms)
        writer.add(r for r in plan.readings if isinstance(r, VoidReading))
        writer.finish()
        known_voids = {v.void_id: v for v in store.session_void_records()}
        for void in plan.session_voids:
            if same_or_new(known_voids, void.void_id, void, "session void"):
                store.add_session_void(void)


def _new_statements(store: CampaignStore, plan: ImportPlan) -> list[InstrumentUncertainty]:
    """The folder's stated uncertainties the campaign does not hold yet, per (instrument,
    metric) history: none where the campaign's history starts with the folder's (an import
    again); the rest where the folder's continues the campaign's; where the two differ, the
    folder's latest statement if it is not the one in use (so it becomes the one in use and
    the campaign's own history stays on record)."""
    folder: dict[tuple[str, str], list[InstrumentUncertainty]] = {}
    for stated, _line in plan.uncertainties:
        folder.setdefault((stated.instrument_id, stated.metric_id), []).append(stated)
    held: dict[tuple[str, str], list[InstrumentUncertainty]] = {}
    for stated in store.instrument_uncertainties(history=True):
        held.setdefault((stated.instrument_id, stated.metric_id), []).append(stated)
    out: list[InstrumentUncertainty] = []
    for key, rows in folder.items():
        have = held.get(key, [])
        if have[: len(rows)] == rows:
            continue
        if rows[: len(have)] == have:
            out += rows[len(have) :]
        elif rows[-1] != have[-1]:
            out.append(rows[-1])
    return out


def _check_links(folder: Path, plan: ImportPlan, store: CampaignStore) -> None:
    """Refuse, located at its file, line and field, a reference to an id that is neither in the
    folder nor in the campaign (the database would only say "FOREIGN KEY constraint failed"):
    a classroom's school, a session's classroom and instruments, a reading's session and
    instrument. Nothing is written before this check."""
    known = {
        "schools.csv": {s.school_id for s in store.schools()} | {s.school_id for s in plan.schools},
        "classrooms.csv": {c.classroom_id for c in store.classrooms()}
        | {c.classroom_id for c in plan.classrooms},
        "sessions.csv": {s.session_id for s in store.sessions()}
        | {s.session_id for s in plan.sessions},
        "instruments.csv": {i.instrument_id for i in store.instruments()}
        | {i.instrument_id for i in plan.instruments},
    }
    reading_files = [LAYOUT[k].name for k in LAYOUT if k not in _ID_COLUMN]

    def check(file: str, object_id: str, column: str, target: str, names: Iterable[str]) -> None:
        what = {
            "classrooms.csv": "classroom",
            "sessions.csv": "session",
            "environment.csv": "environment record",
            "session_voids.csv": "session void",
        }.get(file, "reading")
        for name in names:
            if name not in known[target]:
                raise InputError(
                    f"{what} {object_id!r} names {column.removesuffix('s').removesuffix('_id')} "
                    f"{name!r}, which is neither in {target} nor in the campaign",
                    source=str(folder / file),
                    line=plan.line(file, object_id),
                    column=column,
                )

    for room in plan.classrooms:
        check("classrooms.csv", room.classroom_id, "school_id", "schools.csv", [room.school_id])
    for stated, line in plan.uncertainties:
        if stated.instrument_id not in known["instruments.csv"]:
            raise InputError(
                f"the uncertainty of {stated.metric_id!r} names instrument "
                f"{stated.instrument_id!r}, which is neither in instruments.csv nor in the "
                "campaign",
                source=str(folder / LAYOUT["uncertainties"].name),
                line=line,
                column="instrument_id",
            )
    for session in plan.sessions:
        sid = session.session_id
        check("sessions.csv", sid, "classroom_id", "classrooms.csv", [session.classroom_id])
        check("sessions.csv", sid, "instrument_ids", "instruments.csv", session.instrument_ids)
    for record in plan.environment:
        check(
            "environment.csv", record.record_id, "session_id", "sessions.csv", [record.session_id]
        )
    links = [(r.reading_id, r.session_id, r.instrument_id) for r in plan.readings] + [
        (r.text("reading_id"), r.text("session_id"), r.opt_text("instrument_id"))
        for r in plan.waveforms.rows
    ]
    for rid, session_id, instrument_id in links:
        file = next((f for f in reading_files if (f, rid) in plan.lines), "")
        check(file, rid, "session_id", "sessions.csv", [session_id])
        check(
            file, rid, "instrument_id", "instruments.csv", [instrument_id] if instrument_id else []
        )
    for void in plan.session_voids:
        check("session_voids.csv", void.void_id, "session_id", "sessions.csv", [void.session_id])


# --------------------------------------------------------------------------- export
def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float | np.floating):
        return repr(float(value))
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def _writer(folder: Path, key: str) -> tuple[Any, csv.DictWriter[str]]:
    spec = LAYOUT[key]
    handle = (folder / spec.name).open("w", encoding="utf-8", newline="")
    # every cell neutralised against spreadsheet formulas; the importer restores text cells
    writer = SafeDictWriter(handle, fieldnames=list(spec.columns), lineterminator="\n")
    writer.writeheader()
    return handle, writer


def export_folder(store: CampaignStore, folder: str | Path) -> dict[str, int]:
    """Write the whole campaign (every reading, superseded ones too) as a folder of CSV files.

    The folder is created; existing layout files in it are refused rather than overwritten.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError("a file is already there; export into a folder", source=str(folder))
    folder.mkdir(parents=True, exist_ok=True)
    clash = [spec.name for spec in LAYOUT.values() if (folder / spec.name).exists()]
    if clash:
        raise InputError(
            f"the folder already holds {', '.join(clash)}; export into an empty folder",
            source=str(folder),
        )
    handles: dict[str, Any] = {}
    writers: dict[str, csv.DictWriter[str]] = {}
    try:
        for key in LAYOUT:
            handles[key], writers[key] = _writer(folder, key)
        c = store.campaign
        writers["campaign"].writerow(
            {"campaign_id": c.campaign_id, "name": c.name, "profile": c.profile, "client": c.client}
        )
        for s in store.schools():
            writers["schools"].writerow({f.name: _fmt(getattr(s, f.name)) for f in fields(s)})
        for room in store.classrooms():
            writers["classrooms"].writerow(
                {f.name: _fmt(getattr(room, f.name)) for f in fields(room)}
            )
        for i in store.instruments():
            writers["instruments"].writerow({f.name: _fmt(getattr(i, f.name)) for f in fields(i)})
        for stated in store.instrument_uncertainties(history=True):
            writers["uncertainties"].writerow(
                {f.name: _fmt(getattr(stated, f.name)) for f in fields(stated)}
            )
        for session in store.sessions():
            row = {f.name: _fmt(getattr(session, f.name)) for f in fields(session)}
            row["instrument_ids"] = ";".join(session.instrument_ids)
            writers["sessions"].writerow(row)
        for record in store.environments():
            writers["environment"].writerow(
                {f.name: _fmt(getattr(record, f.name)) for f in fields(record)}
            )
        for v in store.session_void_records():
            writers["session_voids"].writerow({f.name: _fmt(getattr(v, f.name)) for f in fields(v)})
        counts: dict[str, int] = {}
        for r in store.readings(include_superseded=True):
            counts[r.kind] = counts.get(r.kind, 0) + 1
            _write_reading(writers, r)
    finally:
        for handle in handles.values():
            handle.close()
    return counts


def _write_reading(writers: Mapping[str, csv.DictWriter[str]], r: AnyReading) -> None:
    base = {name: _fmt(getattr(r, name)) for name in _COMMON}
    if isinstance(r, IlluminanceReading):
        writers["illuminance"].writerow(
            {
                **base,
                "surface": r.surface,
                "x_m": _fmt(r.x_m),
                "y_m": _fmt(r.y_m),
                "lights": _fmt(r.lights_on),
                "illuminance_lx": _fmt(r.illuminance_lx),
                "point": _fmt(r.point),
            }
        )
    elif isinstance(r, LuminanceReading):
        writers["luminance"].writerow(
            {
                **base,
                "target": r.target,
                "luminance_cd_m2": _fmt(r.luminance_cd_m2),
                "observer": r.observer,
                "luminaire": r.luminaire,
                "solid_angle_sr": _fmt(r.solid_angle_sr),
                "position_index": _fmt(r.position_index),
            }
        )
    elif isinstance(r, PowerReading):
        writers["power"].writerow({**base, "circuit": r.circuit, "power_w": _fmt(r.power_w)})
    elif isinstance(r, HeightReading):
        writers["heights"].writerow(
            {
                **base,
                "luminaire": r.luminaire,
                "height_m": _fmt(r.height_m),
                "horizontal_distance_m": _fmt(r.horizontal_distance_m),
            }
        )
    elif isinstance(r, SpectrumReading):
        writers["spectra"].writerow(
            {**base, "unit": r.unit, "luminaire": r.luminaire, "dtype": r.values.dtype.name}
        )
        for wl, v in zip(r.wavelength_nm.tolist(), r.values.tolist(), strict=True):
            writers["spectrum_values"].writerow(
                {"reading_id": r.reading_id, "wavelength_nm": _fmt(float(wl)), "value": _fmt(v)}
            )
    elif isinstance(r, WaveformReading):
        writers["waveforms"].writerow(
            {
                **base,
                "sample_rate_hz": _fmt(r.sample_rate_hz),
                "unit": r.unit,
                "dark_level": _fmt(r.dark_level),
                "full_scale": _fmt(r.full_scale),
                "luminaire": r.luminaire,
                "dtype": r.samples.dtype.name,
            }
        )
        writers["waveform_samples"].writerows(
            {"reading_id": r.reading_id, "index": str(i), "value": _fmt(v)}
            for i, v in enumerate(r.samples.tolist())
        )
    elif isinstance(r, VoidReading):
        writers["voids"].writerow({k: base[k] for k in LAYOUT["voids"].columns})
