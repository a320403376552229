"""The campaign store: one SQLite file per campaign.

- WAL journal, ``synchronous=FULL``: a reading acknowledged by :meth:`CampaignStore.add_reading`
  has been committed and fsynced before the call returns, so a crash, an unplugged meter or a
  flat battery loses nothing that was acknowledged.
- Raw readings are append-only: triggers refuse UPDATE and DELETE on them. A correction is a new
  reading that ``supersedes`` the old one; an undo is a :class:`~luxcheck.model.VoidReading`.
- Arrays (spectra, waveforms) are stored as raw bytes with their numpy dtype, so what comes back
  is bit-for-bit what went in.
- The schema is versioned (table ``schema_version``); :data:`MIGRATIONS` brings an older file up
  to date when it is opened.
- Computed metrics live in their own table (``metric``), replaced when recomputed, keyed by a
  hash of the readings they came from so that re-analysis is incremental; what the reports'
  figures need besides them (``figure_point``, ``figure_surface``) is stored alongside.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np

from luxcheck.errors import InputError, StoreError
from luxcheck.journal.reading_rows import (
    ARRAY_FIELDS,
    KIND_COLUMNS,
    READING_COMMON,
    READING_ID_AT,
    SESSION_AT,
    SUPERSEDES_AT,
    ReadingRows,
    first_column,
    insert_sql,
    reading_builder,
    reading_rows,
)
from luxcheck.journal.record_tables import RecordTable
from luxcheck.journal.records import RecordsMixin
from luxcheck.journal.schema import MIGRATIONS, SCHEMA_VERSION
from luxcheck.journal.session_records import SessionRecords
from luxcheck.model import (
    AnyReading,
    Campaign,
    Classroom,
    Instrument,
    InstrumentUncertainty,
    MeasurementSession,
    School,
)

_SESSION_COLUMNS = (
    "session_id",
    "classroom_id",
    "inspector",
    "started_at",
    "instrument_ids",
    "notes",
    "kind",
    "retest_reason",
)


_INSTRUMENT_COLUMNS = (
    "instrument_id",
    "model",
    "serial_number",
    "calibration_date",
    "expanded_uncertainty_percent",
    "coverage_factor",
    "kind",
    "name",
    "calibration_certificate",
    "calibration_due",
)

#: Every table of append-only records, referenced tables first. A new record table is merged,
#: pushed and pulled by registering it here (tests/journal/test_merge.py fails on a table of the
#: schema that is neither here nor in DERIVED_TABLES).
RECORD_TABLES: dict[str, RecordTable] = {
    "campaign": RecordTable(("campaign_id",), local=("created_at", "laboratory"), one_row=True),
    "school": RecordTable(("school_id",)),
    "classroom": RecordTable(("classroom_id",), {"school_id": "school"}),
    "instrument": RecordTable(("instrument_id",)),
    "session": RecordTable(("session_id",), {"classroom_id": "classroom"}),
    "reading": RecordTable(
        ("reading_id",),
        {
            "session_id": "session",
            "classroom_id": "classroom",
            "instrument_id": "instrument",
            "supersedes": "reading",
        },
        order="seq",
    ),
    "environment": RecordTable(("record_id",), {"session_id": "session"}, order="seq"),
    "report_revision": RecordTable(("report_number",), {"classroom_id": "classroom"}),
    "report_signoff": RecordTable(
        ("report_number", "role"), {"report_number": "report_revision"}, order="seq"
    ),
    "session_hold": RecordTable(("hold_id",), {"classroom_id": "classroom"}),
    "session_void": RecordTable(("void_id",), {"session_id": "session", "undoes": "session_void"}),
    # restatements are rows in journal order: keyed by their whole content
    "instrument_uncertainty": RecordTable(
        ("instrument_id", "metric_id", "expanded_uncertainty", "unit", "coverage_factor", "basis"),
        {"instrument_id": "instrument"},
        order="seq",
    ),
}

#: Tables recomputed from the records (by ``luxcheck analyse``) or kept by the file itself:
#: never merged, pushed or pulled.
DERIVED_TABLES: frozenset[str] = frozenset(
    {
        "metric",
        "metric_source",
        "figure_point",
        "figure_surface",
        "schema_version",
        "sqlite_sequence",
    }
)

#: The possible range (minimum, maximum; None: unbounded) of a metric id.
MetricBounds = Callable[[str], tuple[float | None, float | None]]

_SQLITE_HEADER = b"SQLite format 3\x00"
#: Readings :meth:`CampaignStore.add_readings` makes rows of and journals at a time.
ROWS_AT_ONCE = 512

#: A labelled point of a figure layer: label, x [m], y [m], value (NaN if none).
FigurePoint = tuple[str, float, float, float]
#: An interpolated surface: x [m] (nx), y [m] (ny), value[iy, ix].
Surface = tuple[np.ndarray, np.ndarray, np.ndarray]


def _iso(value: dt.datetime | dt.date) -> str:
    return value.isoformat()


def _parse_ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


class CampaignStore(RecordsMixin, SessionRecords):
    """A campaign file. Open with :meth:`create` or :meth:`open`; close with :meth:`close`.

    Every ``add_*`` call is its own transaction, committed (and fsynced) before it returns, unless
    it runs inside :meth:`transaction`, in which case all of the block is committed at once or
    not at all.
    """

    def __init__(
        self,
        connection: sqlite3.Connection,
        path: Path,
        *,
        read_only: bool = False,
        bounds: MetricBounds | None = None,
    ):
        self._db = connection
        self.path = path
        self._depth = 0
        self._read_only = read_only
        self._bounds = bounds

    # ----------------------------------------------------------------- opening
    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, isolation_level=None, timeout=30.0)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
        db.execute("PRAGMA foreign_keys=ON")
        return db

    @classmethod
    def create(
        cls,
        path: str | Path,
        campaign: Campaign,
        *,
        bounds: MetricBounds | None = None,
        created_at: str | None = None,
    ) -> CampaignStore:
        """Create a new campaign file at ``path``; refuse to overwrite an existing file.
        ``bounds`` as for :meth:`open`; ``created_at`` (ISO 8601) keeps the creation time of a
        campaign copied from elsewhere (``campaign pull``); by default it is now."""
        path = Path(path)
        if path.exists():
            raise InputError("a file already exists there; choose another path", source=str(path))
        if not path.parent.is_dir():
            raise InputError("the folder does not exist", source=str(path))
        db = cls._connect(path)
        store = cls(db, path, bounds=bounds)
        with store.transaction():
            store._migrate(0)
            db.execute(
                "INSERT INTO campaign (campaign_id, name, profile, client, created_at, "
                "laboratory) VALUES (?,?,?,?,?,?)",
                (
                    campaign.campaign_id,
                    campaign.name,
                    campaign.profile,
                    campaign.client,
                    created_at or _iso(dt.datetime.now(dt.UTC)),
                    campaign.laboratory,
                ),
            )
        return store

    @classmethod
    def open(cls, path: str | Path, *, bounds: MetricBounds | None = None) -> CampaignStore:
        """Open an existing campaign file, migrating its schema if it is older.

        Every command opens a campaign here. The file is checked first, read-only (its SQLite
        header, its length, ``PRAGMA quick_check`` and the schema version): a damaged, truncated
        or foreign file is refused with a :class:`StoreError` naming it, and nothing is written
        into it. ``bounds`` gives the possible range of a metric id (see :meth:`metrics`).
        """
        path = Path(path)
        if not path.is_file():
            raise InputError(
                "no campaign file there (create one with 'luxcheck campaign init')",
                source=str(path),
            )
        version = _checked_version(path)
        db = cls._connect(path)
        store = cls(db, path, bounds=bounds)
        if version < SCHEMA_VERSION:
            with store.transaction():
                store._migrate(version)
        return store

    @classmethod
    def open_reader(cls, path: str | Path) -> CampaignStore:
        """Open a campaign file read-only, for a worker process that loads readings while
        another connection writes (WAL lets them run side by side). The file must be at the
        current schema version (open it with :meth:`open` first)."""
        path = Path(path)
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30.0)
        return cls(db, path, read_only=True)

    def _migrate(self, version: int) -> None:
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, "
            "applied_at TEXT NOT NULL)"
        )
        for target in range(version, SCHEMA_VERSION):
            for statement in _split_sql(MIGRATIONS[target]):
                self._db.execute(statement)
            self._db.execute(
                "INSERT INTO schema_version VALUES (?, ?)",
                (target + 1, _iso(dt.datetime.now(dt.UTC))),
            )

    def close(self) -> None:
        """Close the file (a checkpoint folds the WAL back into it, unless read-only)."""
        if not self._read_only:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._db.close()

    def __enter__(self) -> CampaignStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        """The schema version of the open file."""
        return int(self._db.execute("SELECT max(version) FROM schema_version").fetchone()[0])

    # ----------------------------------------------------------------- transactions
    @property
    def in_transaction(self) -> bool:
        """Whether a transaction (of this store object) is open."""
        return self._depth > 0

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Run a block as one transaction: all of it is committed, or none of it."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        if self._read_only:
            raise StoreError(f"{self.path}: opened read-only; nothing was written")
        self._db.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        else:
            self._db.execute("COMMIT")
        finally:
            self._depth = 0

    def _write(self, sql: str, params: Sequence[Any], what: str) -> None:
        try:
            with self.transaction():
                self._db.execute(sql, params)
        except sqlite3.IntegrityError as exc:
            raise StoreError(f"{self.path}: cannot add {what}: {exc}") from exc

    # ----------------------------------------------------------------- campaign structure
    @property
    def campaign(self) -> Campaign:
        """The campaign this file holds."""
        row = self._db.execute(
            "SELECT campaign_id, name, profile, client, laboratory FROM campaign"
        ).fetchone()
        return Campaign(*row)

    def fill_campaign_field(self, name: str, value: str) -> None:
        """Fill an empty text field of the campaign row (name, profile, client or laboratory);
        a field that holds a value is never changed."""
        if name not in ("name", "profile", "client", "laboratory"):
            raise StoreError(f"{self.path}: the campaign has no field {name!r} to fill")
        with self.transaction():
            self._db.execute(f"UPDATE campaign SET {name} = ? WHERE {name} = ''", (value,))

    def add_school(self, school: School) -> None:
        """Add a school."""
        self._write(
            "INSERT INTO school VALUES (?,?,?,?)",
            (school.school_id, school.name, school.district, school.address),
            f"school {school.school_id}",
        )

    def add_classroom(self, room: Classroom) -> None:
        """Add a classroom (its school must exist)."""
        names = [f.name for f in fields(Classroom)]
        self._write(
            f"INSERT INTO classroom ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            [getattr(room, n) for n in names],
            f"classroom {room.classroom_id}",
        )

    def add_instrument(self, instrument: Instrument) -> None:
        """Add an instrument with its calibration."""
        due = instrument.calibration_due
        self._write(
            f"INSERT INTO instrument ({', '.join(_INSTRUMENT_COLUMNS)}) VALUES "
            f"({', '.join('?' * len(_INSTRUMENT_COLUMNS))})",
            (
                instrument.instrument_id,
                instrument.model,
                instrument.serial_number,
                _iso(instrument.calibration_date),
                instrument.expanded_uncertainty_percent,
                instrument.coverage_factor,
                instrument.kind,
                instrument.name,
                instrument.calibration_certificate,
                None if due is None else _iso(due),
            ),
            f"instrument {instrument.instrument_id}",
        )

    def add_instrument_uncertainty(self, stated: InstrumentUncertainty) -> None:
        """Record the expanded uncertainty an instrument states for one metric (appended; the
        instrument must exist)."""
        if self.instrument(stated.instrument_id) is None:
            raise StoreError(
                f"{self.path}: an uncertainty names instrument {stated.instrument_id}, "
                "which is not in the campaign"
            )
        self._write(
            "INSERT INTO instrument_uncertainty (instrument_id, metric_id, expanded_uncertainty, "
            "unit, coverage_factor, basis) VALUES (?,?,?,?,?,?)",
            (
                stated.instrument_id,
                stated.metric_id,
                stated.expanded_uncertainty,
                stated.unit,
                stated.coverage_factor,
                stated.basis,
            ),
            f"uncertainty of instrument {stated.instrument_id} for {stated.metric_id}",
        )

    def instrument_uncertainties(
        self, instrument_id: str | None = None, *, history: bool = False
    ) -> list[InstrumentUncertainty]:
        """The stated uncertainties (of one instrument, if given): the one in use per
        (instrument, metric) pair, by instrument and metric; ``history=True`` gives every row
        in the order it was recorded."""
        sql = (
            "SELECT instrument_id, metric_id, expanded_uncertainty, unit, coverage_factor, basis "
            "FROM instrument_uncertainty"
        )
        params: tuple[str, ...] = ()
        if instrument_id is not None:
            sql += " WHERE instrument_id = ?"
            params = (instrument_id,)
        rows = [InstrumentUncertainty(*r) for r in self._db.execute(sql + " ORDER BY seq", params)]
        if history:
            return rows
        latest = {(r.instrument_id, r.metric_id): r for r in rows}
        return [latest[k] for k in sorted(latest)]

    def add_session(self, session: MeasurementSession) -> None:
        """Add a measurement session (classroom and instruments must exist)."""
        for iid in session.instrument_ids:
            known = "SELECT 1 FROM instrument WHERE instrument_id = ?"
            if self._db.execute(known, (iid,)).fetchone() is None:
                raise StoreError(
                    f"{self.path}: session {session.session_id} names instrument {iid}, "
                    "which is not in the campaign"
                )
        # the session is the laboratory's whose campaign file journals it
        self._write(
            f"INSERT INTO session ({', '.join(_SESSION_COLUMNS)}, laboratory) VALUES "
            f"({', '.join('?' * len(_SESSION_COLUMNS))}, (SELECT laboratory FROM campaign))",
            (
                session.session_id,
                session.classroom_id,
                session.inspector,
                _iso(session.started_at),
                ";".join(session.instrument_ids),
                session.notes,
                session.kind,
                session.retest_reason,
            ),
            f"session {session.session_id}",
        )

    def schools(self) -> list[School]:
        """All schools, by id."""
        rows = self._db.execute("SELECT * FROM school ORDER BY school_id").fetchall()
        return [School(*r) for r in rows]

    def classrooms(self, school_id: str | None = None) -> list[Classroom]:
        """All classrooms (of one school, if given), by id."""
        names = [f.name for f in fields(Classroom)]
        sql = f"SELECT {', '.join(names)} FROM classroom"
        params: tuple[str, ...] = ()
        if school_id is not None:
            sql += " WHERE school_id = ?"
            params = (school_id,)
        rows = self._db.execute(sql + " ORDER BY classroom_id", params).fetchall()
        return [Classroom(**dict(zip(names, r, strict=True))) for r in rows]

    def classroom(self, classroom_id: str) -> Classroom:
        """One classroom; an :class:`InputError` if there is none of that id."""
        names = [f.name for f in fields(Classroom)]
        row = self._db.execute(
            f"SELECT {', '.join(names)} FROM classroom WHERE classroom_id = ?", (classroom_id,)
        ).fetchone()
        if row is None:
            raise InputError(
                f"no classroom {classroom_id!r} in the campaign", source=str(self.path)
            )
        return Classroom(**dict(zip(names, row, strict=True)))

    def instruments(self) -> list[Instrument]:
        """All instruments, by id."""
        rows = self._db.execute(
            f"SELECT {', '.join(_INSTRUMENT_COLUMNS)} FROM instrument ORDER BY instrument_id"
        ).fetchall()
        return [self._instrument(r) for r in rows]

    def instrument(self, instrument_id: str) -> Instrument | None:
        """One instrument, or None."""
        row = self._db.execute(
            f"SELECT {', '.join(_INSTRUMENT_COLUMNS)} FROM instrument WHERE instrument_id = ?",
            (instrument_id,),
        ).fetchone()
        return None if row is None else self._instrument(row)

    @staticmethod
    def _instrument(row: Sequence[Any]) -> Instrument:
        due = None if row[9] is None else dt.date.fromisoformat(row[9])
        return Instrument(
            row[0],
            row[1],
            row[2],
            dt.date.fromisoformat(row[3]),
            row[4],
            row[5],
            row[6],
            name=row[7],
            calibration_certificate=row[8],
            calibration_due=due,
        )

    def sessions(self, classroom_id: str | None = None) -> list[MeasurementSession]:
        """All measurement sessions (of one classroom, if given), by start time."""
        sql = f"SELECT {', '.join(_SESSION_COLUMNS)} FROM session"
        params: tuple[str, ...] = ()
        if classroom_id is not None:
            sql += " WHERE classroom_id = ?"
            params = (classroom_id,)
        rows = self._db.execute(sql, params).fetchall()
        sessions = [_session(r) for r in rows]
        # by the instant, not the text: 09:00+08:00 is before 02:00+00:00
        return sorted(sessions, key=lambda s: (s.started_at, s.session_id))

    def session(self, session_id: str) -> MeasurementSession | None:
        """One session, or None."""
        row = self._db.execute(
            f"SELECT {', '.join(_SESSION_COLUMNS)} FROM session WHERE session_id = ?",
            (session_id,),
        ).fetchone()
        return None if row is None else _session(row)

    def classroom_laboratories(self) -> dict[str, tuple[str, ...]]:
        """The laboratories whose teams measured each classroom (from its sessions), by id;
        a classroom no laboratory is recorded for is left out."""
        found: dict[str, tuple[str, ...]] = {}
        for room, labs in self._db.execute(
            "SELECT classroom_id, group_concat(DISTINCT laboratory) FROM session "
            "WHERE laboratory != '' GROUP BY classroom_id"
        ):
            found[room] = tuple(sorted(labs.split(",")))
        return found

    @property
    def connection(self) -> sqlite3.Connection:
        """The SQLite connection, for the journal's own record copying (:mod:`.merge`,
        :mod:`.central`), which goes through :data:`RECORD_TABLES`; write only inside
        :meth:`transaction`."""
        return self._db

    # ----------------------------------------------------------------- readings
    def add_reading(self, reading: AnyReading) -> None:
        """Journal one reading: committed and fsynced when this returns.

        Refuses (``StoreError``) a reading whose session is unknown, whose id is taken, or whose
        ``supersedes`` names no reading of the same classroom; nothing is written then.
        """
        self.add_readings([reading])

    def add_readings(self, readings: Iterable[AnyReading]) -> int:
        """Journal several readings in one transaction (all or none); return how many.

        They are made rows and journalled :data:`ROWS_AT_ONCE` at a time, so that an import
        of many waveforms never holds the bytes of them all besides the readings."""
        count = 0
        remaining = iter(readings)
        with self.transaction():
            while batch := list(itertools.islice(remaining, ROWS_AT_ONCE)):
                count += self.add_reading_rows(reading_rows(batch))
        return count

    def add_reading_rows(self, rows: ReadingRows) -> int:
        """Journal readings made rows by :func:`~luxcheck.journal.reading_rows.reading_rows`
        (in this process or another) as :meth:`add_readings` journals them, in one transaction
        (all or none); return how many. A run of one kind is inserted at once up to a reading
        that supersedes another (checked against what is journalled before it); a run that
        breaks a constraint is inserted again one reading at a time, to name the reading."""
        with self.transaction():
            self._db.execute("SAVEPOINT reading_rows")
            try:
                self._insert_rows(rows, at_once=True)
            except sqlite3.IntegrityError:
                self._db.execute("ROLLBACK TO reading_rows")
                self._insert_rows(rows, at_once=False)
            finally:
                self._db.execute("RELEASE reading_rows")
        return len(rows)

    def _insert_rows(self, rows: ReadingRows, *, at_once: bool) -> None:
        rooms: dict[str, str] = {}  # session → classroom
        for kind, kind_rows in rows.runs:
            sql = insert_sql(kind)
            pending: list[tuple[Any, ...]] = []
            for row in kind_rows:
                room = rooms.get(row[SESSION_AT]) or self._session_room(row, rooms)
                if at_once and row[SUPERSEDES_AT] is None:
                    pending.append((room, *row))
                    continue
                if pending:
                    self._db.executemany(sql, pending)
                    pending = []
                self._insert_one(sql, row, room)
            if pending:
                self._db.executemany(sql, pending)

    def _session_room(self, row: Sequence[Any], rooms: dict[str, str]) -> str:
        """The classroom of a row's session (kept in ``rooms``); refused if there is none."""
        session_id = row[SESSION_AT]
        found = self._db.execute(
            "SELECT classroom_id FROM session WHERE session_id = ?", (session_id,)
        ).fetchone()
        if found is None:
            raise StoreError(
                f"{self.path}: reading {row[READING_ID_AT]} names session {session_id}, "
                "which is not in the campaign"
            )
        rooms[session_id] = found[0]
        return str(found[0])

    def _insert_one(self, sql: str, row: Sequence[Any], classroom_id: str) -> None:
        reading_id, supersedes = row[READING_ID_AT], row[SUPERSEDES_AT]
        if supersedes is not None:
            found = self._db.execute(
                "SELECT classroom_id FROM reading WHERE reading_id = ?", (supersedes,)
            ).fetchone()
            if found is None or found[0] != classroom_id:
                raise StoreError(
                    f"{self.path}: reading {reading_id} supersedes "
                    f"{supersedes}, which is not a reading of classroom {classroom_id}"
                )
        try:
            self._db.execute(sql, (classroom_id, *row))
        except sqlite3.IntegrityError as exc:
            raise StoreError(f"{self.path}: cannot add reading {reading_id}: {exc}") from exc

    def has_reading(self, reading_id: str) -> bool:
        """Whether a reading of that id is in the store (superseded or not)."""
        return (
            self._db.execute("SELECT 1 FROM reading WHERE reading_id = ?", (reading_id,)).fetchone()
            is not None
        )

    def readings(
        self,
        classroom_id: str | None = None,
        *,
        kind: str | None = None,
        session_id: str | None = None,
        include_superseded: bool = False,
    ) -> list[AnyReading]:
        """Readings in journal order.

        By default only the current ones: a reading that a later one supersedes (corrects or
        voids) is left out, and so are void readings themselves.
        """
        where, params = [], []
        if classroom_id is not None:
            where.append("r.classroom_id = ?")
            params.append(classroom_id)
        if kind is not None:
            where.append("r.kind = ?")
            params.append(kind)
        if session_id is not None:
            where.append("r.session_id = ?")
            params.append(session_id)
        if not include_superseded:
            where.append("r.kind != 'void'")
            where.append("NOT EXISTS (SELECT 1 FROM reading s WHERE s.supersedes = r.reading_id)")
        sql = "SELECT r.* FROM reading r"
        if where:
            sql += " WHERE " + " AND ".join(where)
        cursor = self._db.execute(sql + " ORDER BY r.seq", params)
        build = self._builder([d[0] for d in cursor.description], skip=0)
        return [build(row) for row in cursor]

    def readings_by_classroom(
        self, classroom_ids: Collection[str] | None = None
    ) -> dict[str, list[AnyReading]]:
        """Every current reading (of the given classrooms, default all), grouped by classroom,
        in journal order (one query)."""
        superseded = self._superseded_ids()
        sql = "SELECT * FROM reading WHERE kind != 'void'"
        params: list[str] = []
        if classroom_ids is not None:
            params = sorted(set(classroom_ids))
            sql += f" AND classroom_id IN ({','.join('?' * len(params))})"
        # sorted here by seq, not by SQLite (whose sorter would copy every blob)
        cursor = self._db.execute(sql, params)
        names = [d[0] for d in cursor.description]
        rid, room = names.index("reading_id"), names.index("classroom_id")
        build = self._builder(names, skip=0)
        grouped: dict[str, list[AnyReading]] = {}
        for row in sorted(cursor.fetchall(), key=first_column):
            if row[rid] in superseded:
                continue
            grouped.setdefault(row[room], []).append(build(row))
        return grouped

    def readings_with_rows(
        self, classroom_id: str, superseded: Collection[str] | None = None
    ) -> tuple[list[AnyReading], list[tuple[Any, ...]]]:
        """A classroom's current readings (as :meth:`readings` gives them) and every stored
        row of its readings (as :meth:`raw_reading_rows` gives them), from one query.
        ``superseded``: the ids :meth:`superseded_ids` gives, when the caller has them."""
        superseded = self.superseded_ids() if superseded is None else superseded
        cursor = self._db.execute("SELECT * FROM reading WHERE classroom_id = ?", (classroom_id,))
        names = [d[0] for d in cursor.description]
        build = self._builder(names)
        kind, rid = names.index("kind") - 1, names.index("reading_id") - 1
        # in journal order (seq; sorted here: SQLite's sorter would copy every blob), without
        # seq, a storage detail
        raw = [tuple(row[1:]) for row in sorted(cursor.fetchall(), key=first_column)]
        current = [build(row) for row in raw if row[kind] != "void" and row[rid] not in superseded]
        return current, raw

    def superseded_ids(self) -> set[str]:
        """The ids of every reading a later one supersedes (corrects or voids)."""
        return self._superseded_ids()

    def current_reading_ids(self) -> dict[str, list[str]]:
        """The ids of every current reading, grouped by classroom (no reading is loaded)."""
        superseded = self._superseded_ids()
        grouped: dict[str, list[str]] = {}
        for room, reading_id in self._db.execute(
            "SELECT classroom_id, reading_id FROM reading WHERE kind != 'void' ORDER BY seq"
        ):
            if reading_id not in superseded:
                grouped.setdefault(room, []).append(reading_id)
        return grouped

    def _superseded_ids(self) -> set[str]:
        return {
            row[0]
            for row in self._db.execute(
                "SELECT supersedes FROM reading WHERE supersedes IS NOT NULL"
            )
        }

    @staticmethod
    def _builder(names: Sequence[str], skip: int = 1) -> Callable[[Sequence[Any]], AnyReading]:
        """Rebuilds readings from rows of ``SELECT * FROM reading``. The rows were validated
        when they were written (the only way in is add_readings, through the model's checks,
        and the table is append-only), so they are rebuilt without running the validation
        again: that keeps loading a 150 000-reading campaign fast."""
        return reading_builder(names, KIND_COLUMNS, READING_COMMON, ARRAY_FIELDS, skip=skip)

    def reading_counts(self) -> dict[str, dict[str, int]]:
        """Current readings per classroom and kind: ``{classroom_id: {kind: count}}``."""
        rows = self._db.execute(
            "SELECT r.classroom_id, r.kind, count(*) FROM reading r WHERE r.kind != 'void' "
            "AND NOT EXISTS (SELECT 1 FROM reading s WHERE s.supersedes = r.reading_id) "
            "GROUP BY r.classroom_id, r.kind"
        ).fetchall()
        counts: dict[str, dict[str, int]] = {}
        for room, kind, n in rows:
            counts.setdefault(room, {})[kind] = n
        return counts

    def raw_reading_rows(self, classroom_id: str) -> list[tuple[Any, ...]]:
        """Every stored row of a classroom's readings, superseded ones included, in journal
        order, as stored (for the report's SHA-256 over the raw readings)."""
        cursor = self._db.execute(
            "SELECT * FROM reading WHERE classroom_id = ? ORDER BY seq", (classroom_id,)
        )
        return [tuple(row[1:]) for row in cursor]  # seq is a storage detail, not a reading

    # ----------------------------------------------------------------- computed metrics
    def put_metrics(
        self,
        classroom_id: str,
        metrics: Mapping[str, float | str | None],
        *,
        input_hash: str,
        reasons: Mapping[str, str] | None = None,
    ) -> None:
        """Replace the computed metrics of one classroom (one transaction).

        Numbers go to ``value``, texts (e.g. a risk group) to ``text_value``; a metric that could
        not be computed is stored with a NaN/None value and its ``reason``.
        """
        reasons = reasons or {}
        now = _iso(dt.datetime.now(dt.UTC))
        rows = []
        for metric_id, value in metrics.items():
            number = None
            text = None
            if isinstance(value, str):
                text = value
            elif value is not None and np.isfinite(value):
                number = float(value)
            rows.append(
                (classroom_id, metric_id, number, text, reasons.get(metric_id), now, input_hash)
            )
        with self.transaction():
            self._db.execute("DELETE FROM metric WHERE classroom_id = ?", (classroom_id,))
            self._db.execute("DELETE FROM metric_source WHERE classroom_id = ?", (classroom_id,))
            self._db.executemany("INSERT INTO metric VALUES (?,?,?,?,?,?,?)", rows)

    def metrics(self, classroom_id: str) -> tuple[dict[str, float | str | None], dict[str, str]]:
        """The computed metrics of a classroom and the reasons of those not measured."""
        values: dict[str, float | str | None] = {}
        reasons: dict[str, str] = {}
        for metric_id, value, text, reason in self._db.execute(
            "SELECT metric_id, value, text_value, reason FROM metric WHERE classroom_id = ?",
            (classroom_id,),
        ):
            values[metric_id] = text if text is not None else value
            if reason:
                reasons[metric_id] = reason
            if value is not None and self._bounds is not None:
                outside = _outside(value, self._bounds(metric_id))
                if outside:
                    # kept in the file as computed, never clipped; judged as not measured
                    values[metric_id] = None
                    reasons[metric_id] = (
                        f"classroom {classroom_id}: the computed {metric_id} {outside}; "
                        "re-analyse after checking its readings"
                    )
        return values, reasons

    def metrics_hash(self, classroom_id: str) -> str | None:
        """The input hash the stored metrics of a classroom were computed from, if any."""
        row = self._db.execute(
            "SELECT input_hash FROM metric WHERE classroom_id = ? LIMIT 1", (classroom_id,)
        ).fetchone()
        return None if row is None else str(row[0])

    # ----------------------------------------------------------------- figure data
    def put_figure_data(
        self,
        classroom_id: str,
        points: Mapping[str, Sequence[FigurePoint]],
        surfaces: Mapping[str, Surface],
    ) -> None:
        """Replace what the analysis computed for a classroom's report figures besides its
        metrics: labelled points per layer (``ugr_observer``: the UGR at each observer position,
        NaN where not computed; ``luminaire``: the luminaire layout) and interpolated surfaces
        (``desk``: the desk-plane illuminance [lx])."""
        point_rows = [
            (
                classroom_id,
                layer,
                seq,
                label,
                float(x),
                float(y),
                float(value) if np.isfinite(value) else None,
            )
            for layer, layer_points in points.items()
            for seq, (label, x, y, value) in enumerate(layer_points)
        ]
        surface_rows = [
            (classroom_id, name, *(np.asarray(a, dtype="<f8").tobytes() for a in (x, y, value)))
            for name, (x, y, value) in surfaces.items()
        ]
        with self.transaction():
            for table in ("figure_point", "figure_surface"):
                self._db.execute(f"DELETE FROM {table} WHERE classroom_id = ?", (classroom_id,))
            self._db.executemany("INSERT INTO figure_point VALUES (?,?,?,?,?,?,?)", point_rows)
            self._db.executemany("INSERT INTO figure_surface VALUES (?,?,?,?,?)", surface_rows)

    def figure_points(self, classroom_id: str, layer: str) -> list[FigurePoint]:
        """The stored points of one figure layer of a classroom, in order (NaN: no value)."""
        cursor = self._db.execute(
            "SELECT label, x_m, y_m, value FROM figure_point WHERE classroom_id = ? AND layer = ? "
            "ORDER BY seq",
            (classroom_id, layer),
        )
        return [
            (label, x, y, float("nan") if value is None else value) for label, x, y, value in cursor
        ]

    def figure_surface(self, classroom_id: str, surface: str) -> Surface | None:
        """A stored interpolated surface of a classroom, if the analysis made one."""
        row = self._db.execute(
            "SELECT x_m, y_m, value FROM figure_surface WHERE classroom_id = ? AND surface = ?",
            (classroom_id, surface),
        ).fetchone()
        if row is None:
            return None
        x, y, value = (np.frombuffer(blob, dtype="<f8").astype(float) for blob in row)
        return x, y, value.reshape(y.size, x.size)


def _session(row: Sequence[Any]) -> MeasurementSession:
    return MeasurementSession(
        row[0],
        row[1],
        row[2],
        _parse_ts(row[3]),
        tuple(i for i in row[4].split(";") if i),
        row[5],
        row[6],
        row[7],
    )


def _outside(value: float, bounds: tuple[float | None, float | None]) -> str:
    """Why a computed value is outside its possible range, or "" if it is inside."""
    low, high = bounds
    if (low is None or value >= low) and (high is None or value <= high):
        return ""
    lo = "-inf" if low is None else f"{low:g}"
    hi = "inf" if high is None else f"{high:g}"
    return f"{value!r} is outside the possible range [{lo}, {hi}]"


def _damaged(path: Path, detail: str) -> StoreError:
    return StoreError(
        f"{path}: the campaign file is damaged ({detail}); nothing was read from it or written "
        "into it. Restore it from a backup (or a copy the inspector's laptop holds)."
    )


def _checked_version(path: Path) -> int:
    """Check a campaign file without writing into it; return its schema version.

    Refuses (``StoreError``, naming the file) a file that is not SQLite, is shorter than its
    header says (truncated), fails SQLite's ``quick_check`` (damaged pages), has no luxcheck
    schema, or has a schema newer than this luxcheck.
    """
    with path.open("rb") as handle:
        header = handle.read(100)
    if len(header) < 100 or not header.startswith(_SQLITE_HEADER):
        raise StoreError(
            f"{path}: not a luxcheck campaign file (it is not an SQLite database); "
            "give the .lux file 'luxcheck campaign init' or 'campaign import' made"
        )
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    header_valid = header[24:28] == header[92:96]  # "in-header database size" is valid
    size = path.stat().st_size
    if header_valid and size < pages * page_size:
        raise _damaged(path, f"truncated: {size} bytes, its header says {pages * page_size}")
    side = [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm")]
    existed = [p.exists() for p in side]
    ok = False
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30.0)
    try:
        problems = [str(r[0]) for r in db.execute("PRAGMA quick_check(5)").fetchall()]
        if problems != ["ok"]:
            lines = [t for p in problems for t in p.splitlines() if not t.startswith("***")]
            raise _damaged(path, "SQLite integrity check: " + "; ".join(lines[:2]))
        try:
            row = db.execute("SELECT max(version) FROM schema_version").fetchone()
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{path}: not a luxcheck campaign file ({exc})") from None
        ok = True
    except sqlite3.DatabaseError as exc:
        raise _damaged(path, str(exc)) from None
    finally:
        db.close()
        if not ok:  # leave no side file behind that this check created
            for side_file, was_there in zip(side, existed, strict=True):
                if not was_there:
                    with contextlib.suppress(OSError):
                        side_file.unlink()
    version = int(row[0] or 0)
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: schema version {version} is newer than this luxcheck "
            f"({SCHEMA_VERSION}); upgrade luxcheck"
        )
    return version


def _split_sql(script: str) -> list[str]:
    """Split a migration script into statements (triggers contain ';' inside BEGIN…END)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
