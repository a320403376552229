"""The campaign file's records of the laboratory's document (ISO/IEC 17025 §7.8), all
append-only like the readings: the environmental conditions of each measurement session, the
report numbers given to each revision of a classroom's report (the sequence of numbers is kept
here), and who prepared, reviewed and approved each revision.

:class:`RecordsMixin` is part of :class:`luxcheck.journal.store.CampaignStore`; it is kept in its
own module so that the store stays small.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from luxcheck.errors import StoreError
from luxcheck.model import (
    ENVIRONMENT_FIELDS,
    EnvironmentRecord,
    ReportRevision,
    ReportSignoff,
)

_T = TypeVar("_T")

_ENV_COLUMNS = (
    "record_id",
    "session_id",
    "recorded_at",
    *(name for name, *_ in ENVIRONMENT_FIELDS),
    "note",
)
_REVISION_COLUMNS = (
    "report_number",
    "classroom_id",
    "revision",
    "year",
    "seq",
    "digest",
    "assigned_at",
    "replaces",
)
_SIGNOFF_COLUMNS = ("report_number", "role", "person_id", "person_name", "signed_at", "digest")


def _insert(table: str, columns: Sequence[str]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


def _cell(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.datetime) else value


class RecordsMixin:
    """Environment records, report numbers and sign-offs of a campaign file."""

    # the store's connection, path and transactions (luxcheck.journal.store.CampaignStore)
    _db: sqlite3.Connection
    path: Path
    transaction: Callable[[], contextlib.AbstractContextManager[None]]

    def _append(self, table: str, columns: Sequence[str], values: Sequence[Any], what: str) -> None:
        try:
            with self.transaction():
                self._db.execute(_insert(table, columns), [_cell(v) for v in values])
        except sqlite3.IntegrityError as exc:
            raise StoreError(f"{self.path}: cannot add {what}: {exc}") from exc

    # ----------------------------------------------------------------- environment
    def add_environment(self, record: EnvironmentRecord) -> None:
        """Record the conditions of a session (its session must exist)."""
        known = self._db.execute(
            "SELECT 1 FROM session WHERE session_id = ?", (record.session_id,)
        ).fetchone()
        if known is None:
            raise StoreError(
                f"{self.path}: environment record {record.record_id} names session "
                f"{record.session_id}, which is not in the campaign"
            )
        self._append(
            "environment",
            _ENV_COLUMNS,
            [getattr(record, name) for name in _ENV_COLUMNS],
            f"environment record {record.record_id}",
        )

    def add_environments(self, records: Iterable[EnvironmentRecord]) -> None:
        """Record several (one transaction)."""
        with self.transaction():
            for record in records:
                self.add_environment(record)

    def environments(self, classroom_id: str | None = None) -> list[EnvironmentRecord]:
        """The environment records (of one classroom's sessions, if given), in journal order."""
        join = ""
        if classroom_id is not None:
            join = " JOIN session s ON s.session_id = e.session_id WHERE s.classroom_id = ?"
        return self._select(
            EnvironmentRecord,
            f"SELECT {', '.join('e.' + c for c in _ENV_COLUMNS)} FROM environment e{join} "
            "ORDER BY e.seq",
            () if classroom_id is None else (classroom_id,),
            _ENV_COLUMNS,
            "recorded_at",
        )

    def _select(
        self,
        cls: type[_T],
        sql: str,
        params: Sequence[str],
        columns: Sequence[str],
        time_column: str,
    ) -> list[_T]:
        """The rows of a query as records of ``cls`` (``time_column`` parsed to a datetime)."""
        records = []
        for row in self._db.execute(sql, params).fetchall():
            values = dict(zip(columns, row, strict=True))
            values[time_column] = dt.datetime.fromisoformat(values[time_column])
            records.append(cls(**values))
        return records

    # ----------------------------------------------------------------- report numbers
    def add_report_revision(self, revision: ReportRevision) -> None:
        """Keep a report number given to a revision of a classroom's report."""
        self._append(
            "report_revision",
            _REVISION_COLUMNS,
            [getattr(revision, name) for name in _REVISION_COLUMNS],
            f"report number {revision.report_number}",
        )

    def report_revisions(self, classroom_id: str | None = None) -> list[ReportRevision]:
        """The report numbers given (of one classroom, if given), oldest first."""
        where = "" if classroom_id is None else " WHERE classroom_id = ?"
        return self._select(
            ReportRevision,
            f"SELECT {', '.join(_REVISION_COLUMNS)} FROM report_revision{where} ORDER BY year, seq",
            () if classroom_id is None else (classroom_id,),
            _REVISION_COLUMNS,
            "assigned_at",
        )

    def next_report_seq(self, year: int) -> int:
        """The next number in the sequence of ``year``'s reports (1 for the first)."""
        row = self._db.execute(
            "SELECT max(seq) FROM report_revision WHERE year = ?", (year,)
        ).fetchone()
        return int(row[0] or 0) + 1

    # ----------------------------------------------------------------- sign-offs
    def add_signoff(self, signoff: ReportSignoff) -> None:
        """Record who prepared, reviewed or approved a report revision."""
        self._append(
            "report_signoff",
            _SIGNOFF_COLUMNS,
            [getattr(signoff, name) for name in _SIGNOFF_COLUMNS],
            f"{signoff.role} of report {signoff.report_number}",
        )

    def signoffs(self, report_number: str) -> list[ReportSignoff]:
        """The sign-offs of a report revision, in the order they were made."""
        return self._select(
            ReportSignoff,
            f"SELECT {', '.join(_SIGNOFF_COLUMNS)} FROM report_signoff WHERE report_number = ? "
            "ORDER BY seq",
            (report_number,),
            _SIGNOFF_COLUMNS,
            "signed_at",
        )

    def signoffs_by_report(self) -> dict[str, list[ReportSignoff]]:
        """Every sign-off, by report number; each report's in the order they were made (as
        :meth:`signoffs` gives them for one report)."""
        grouped: dict[str, list[ReportSignoff]] = {}
        for signoff in self._select(
            ReportSignoff,
            f"SELECT {', '.join(_SIGNOFF_COLUMNS)} FROM report_signoff ORDER BY seq",
            (),
            _SIGNOFF_COLUMNS,
            "signed_at",
        ):
            grouped.setdefault(signoff.report_number, []).append(signoff)
        return grouped
