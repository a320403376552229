"""The report data of many classrooms, assembled in worker processes.

Assembling a classroom's report reads its readings, computes the SHA-256 over its raw rows
(:func:`luxcheck.report.provenance.digest`), builds its figure inputs and attaches the
laboratory document (:func:`luxcheck.report.issue.with_document`): about 5 ms of CPU a
classroom (the digest over the raw rows is a fifth of it), all of it per classroom; what every
classroom shares (campaign, schools, instruments, sessions, withdrawn sessions) is read once
per process (:class:`SharedRecords`). :func:`gather_reports` spreads the
classrooms over ``jobs`` worker processes, each reading the campaign file through its own
read-only connection (:meth:`CampaignStore.open_reader`; WAL lets readers run beside the main
connection), and returns the reports in the order asked, exactly as assembling them one by one
in this process gives them (``jobs=1`` does just that). Their content digests are kept
(:func:`luxcheck.report.issue.remember_digests`), so that reading the sign-offs back does not
hash them again.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import gc
import multiprocessing
import multiprocessing.context
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from luxcheck.compliance.judge import InstrumentRecords, JudgedRoom, judge_room
from luxcheck.errors import LuxcheckError
from luxcheck.journal.store import CampaignStore
from luxcheck.lab import LabProfile
from luxcheck.model import Classroom
from luxcheck.report.assemble import CampaignRecords, classroom_reports
from luxcheck.report.issue import remember_digests, with_document
from luxcheck.report.model import ClassroomReportData, ReportContext

#: Classrooms per task handed to a worker (few enough to keep both workers busy to the end).
CHUNK = 16


@dataclass(frozen=True)
class Gathered:
    """The assembled reports (in the order asked) and the classrooms that could not be judged
    or assembled, with the reason (each is reported as incomplete; the others go on)."""

    reports: list[ClassroomReportData]
    unreported: list[tuple[str, str]]


#: What to assemble for one classroom: its judgement when the caller has it, else the
#: classroom, judged on the way.
Room = JudgedRoom | Classroom


class SharedRecords:
    """What every classroom of the campaign shares, read from ``store`` once (the campaign,
    schools and withdrawn sessions; the instruments and every classroom's sessions the first
    time a classroom is to be judged): read per task instead, a campaign of N classrooms in
    tasks of :data:`CHUNK` would read its N sessions N / CHUNK times."""

    def __init__(self, store: CampaignStore) -> None:
        self.store = store
        self.campaign = CampaignRecords.read(store)
        self._instruments: InstrumentRecords | None = None

    @property
    def instruments(self) -> InstrumentRecords:
        """The campaign's instruments, their stated uncertainties and its sessions."""
        if self._instruments is None:
            self._instruments = InstrumentRecords.read(self.store)
        return self._instruments


def _assemble(
    store: CampaignStore,
    rooms: Sequence[Room],
    context: ReportContext,
    lab: LabProfile | None,
    shared: SharedRecords | None = None,
) -> Gathered:
    reports: list[ClassroomReportData] = []
    unreported: list[tuple[str, str]] = []
    shared = shared if shared is not None else SharedRecords(store)
    records = shared.campaign
    instruments = shared.instruments if any(isinstance(r, Classroom) for r in rooms) else None
    for room in rooms:
        classroom = room.classroom if isinstance(room, JudgedRoom) else room
        try:
            judged = (
                room
                if isinstance(room, JudgedRoom)
                else judge_room(
                    store,
                    room,
                    profile=context.profile_id,
                    decision_rule=context.decision_rule,
                    records=instruments,
                )
            )
            reports += [
                with_document(store, report, lab, context)
                for report in classroom_reports(store, [judged], context, records)
            ]
        except LuxcheckError as exc:
            unreported.append((classroom.classroom_id, str(exc)))
    return Gathered(reports, unreported)


def worker_context() -> multiprocessing.context.BaseContext:
    """How report workers start: forked on Linux, where a child shares the modules, templates
    and fonts this process has loaded (a spawned worker imports matplotlib, Jinja2 and the
    report modules again: about a second of CPU each), spawned elsewhere.
    ``ProcessPoolExecutor`` forks its workers before it starts a thread of its own."""
    if sys.platform == "linux":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


@contextlib.contextmanager
def frozen_for_fork() -> Iterator[None]:
    """While forked workers run: this process's objects out of the cyclic garbage collector's
    reach (``gc.freeze``), so that a worker's collections neither walk the objects it shares
    with this process (the reports it renders) nor copy the pages they sit on. A freeze made
    by the caller before is kept; else the objects are handed back to the collector after."""
    frozen_before = gc.get_freeze_count()
    gc.freeze()
    try:
        yield
    finally:
        if not frozen_before:
            gc.unfreeze()


_STORE: CampaignStore | None = None
_CONTEXT: ReportContext | None = None
_LAB: LabProfile | None = None
#: The worker's shared records, read at its first task (the campaign file does not change
#: while the reports are gathered: the caller committed what it wrote).
_SHARED: SharedRecords | None = None


def _init_worker(path: str, context: ReportContext, lab: LabProfile | None) -> None:
    global _STORE, _CONTEXT, _LAB, _SHARED
    _STORE = CampaignStore.open_reader(path)
    _CONTEXT, _LAB, _SHARED = context, lab, None


def _task(rooms: Sequence[Room]) -> Gathered:
    global _SHARED
    assert _STORE is not None
    assert _CONTEXT is not None
    if _SHARED is None:
        _SHARED = SharedRecords(_STORE)
    return _assemble(_STORE, rooms, _CONTEXT, _LAB, _SHARED)


def gather_reports(
    store: CampaignStore,
    rooms: Sequence[Room],
    context: ReportContext,
    lab: LabProfile | None,
    *,
    jobs: int = 1,
) -> Gathered:
    """The report data of ``rooms`` (judged already, or classrooms to judge under
    ``context``'s profile and decision rule), each with its laboratory document for ``lab``.

    With ``jobs`` > 1 the classrooms are assembled in that many worker processes reading
    ``store``'s file; whatever this process wrote must be committed first.
    """
    if jobs <= 1 or len(rooms) <= CHUNK:
        gathered = _assemble(store, rooms, context, lab)
        remember_digests(gathered.reports)
        return gathered
    chunks = [rooms[i : i + CHUNK] for i in range(0, len(rooms), CHUNK)]
    reports: list[ClassroomReportData] = []
    unreported: list[tuple[str, str]] = []
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=worker_context(),
        initializer=_init_worker,
        initargs=(str(Path(store.path)), context, lab),
    ) as pool:
        for part in pool.map(_task, chunks):
            reports += part.reports
            unreported += part.unreported
    remember_digests(reports)  # the caller signs them off and reads the sign-offs back
    return Gathered(reports, unreported)
