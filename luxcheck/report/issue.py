"""Issuing classroom reports as the laboratory's documents (ISO/IEC 17025 §7.8, CMA practice).

A classroom report is issued only when three different people of the laboratory profile have
signed off its current content: one who may prepare (编制), one who may review (审核), one who
may approve (批准), in that order. The records are append-only in the campaign file
(:mod:`luxcheck.journal.records`):

- preparing gives the report a number from the profile's pattern and the campaign file's
  sequence of the year; the number belongs to one content (:func:`content_digest`);
- when the content changes after a number was given (a correction), preparing again gives a new
  revision with its own number, which names the issued report it replaces (§7.8.8); the old
  revision and its sign-offs stay in the file;
- an instrument whose calibration had run out on a measurement date (or that has no calibration
  due date recorded) keeps the report from being prepared, reviewed or approved.

:func:`issue_state` tells a report where it stands; :func:`with_document` attaches that and the
laboratory to the report data before it is rendered.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence

from luxcheck.errors import InputError
from luxcheck.journal.store import CampaignStore
from luxcheck.lab import LabProfile
from luxcheck.model import EnvironmentRecord, ReportRevision, ReportSignoff
from luxcheck.report.model import (
    ClassroomReportData,
    IssueState,
    IssueStatus,
    LabDocument,
    ReportContext,
    Signature,
)

__all__ = [
    "calibration_problems",
    "content_digest",
    "issue_state",
    "remember_digests",
    "sign_off",
    "sign_off_many",
    "with_document",
    "with_documents",
]

_DONE = {"prepare": "prepared", "review": "reviewed", "approve": "approved"}


def _content(report: ClassroomReportData) -> tuple[tuple[object, ...], str]:
    """What :func:`content_digest` hashes: the report's records (objects), and the ``repr`` of
    the laboratory document's part (small, read again from the store by each
    :func:`with_document`)."""
    doc = report.document
    records = (
        report.digest,
        report.campaign,
        report.school,
        report.classroom,
        report.profile_id,
        report.policy,
        report.verdicts,
        report.instruments,
    )
    return records, repr((doc.environment, doc.basis, doc.lab.lab_id if doc.lab else ""))


def content_digest(report: ClassroomReportData) -> str:
    """A SHA-256 over what a report says: the raw readings and packs (``report.digest``), the
    campaign, school and classroom, the rules, the verdicts, the instruments, the environmental
    conditions and the judgement basis. Sign-offs and the report date are not part of it.

    The records hashed are frozen dataclasses of texts, numbers and dates (no arrays), so their
    ``repr`` is exact (floats print their shortest round-trip form) and one C-speed pass; the
    digest belongs to this luxcheck's records (a release that changes them makes reports
    drafts again until signed off anew, which is what a changed report should be).

    The digests of the reports :func:`remember_digests` was last given are not hashed again:
    a report made from one of them (``dataclasses.replace``, as :func:`with_document` does)
    holds the very same record objects (frozen) and, if its document part reads the same, has
    the same digest."""
    records, document = _content(report)
    known = _KNOWN.get(tuple(map(id, records)))
    if known is not None and known[1] == document:
        return known[2]
    return _digest(records, document)


def _digest(records: tuple[object, ...], document: str) -> str:
    # the repr of the tuple of all eleven parts: the records' reprs, then the document's
    # three (its repr without the parentheses)
    text = "(" + "".join(repr(part) + ", " for part in records) + document[1:]
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


#: The digests of the reports last gathered: the ids of their records → (the records, kept so
#: that their ids stay theirs; the document part; the digest).
_KNOWN: dict[tuple[int, ...], tuple[tuple[object, ...], str, str]] = {}


def remember_digests(reports: Iterable[ClassroomReportData]) -> None:
    """Keep the content digests of ``reports`` (their :attr:`IssueState.digest`, found for
    their current content by :func:`with_document`, in this process or a worker whose reports
    were pickled here: a ``repr`` survives pickling exactly) so that :func:`content_digest`
    need not hash them again; the reports remembered before are forgotten."""
    _KNOWN.clear()
    for report in reports:
        state = report.document.issue
        if state.digest:
            records, document = _content(report)
            _KNOWN[tuple(map(id, records))] = (records, document, state.digest)


def calibration_problems(report: ClassroomReportData) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The instruments of a report whose calibration had run out on the date of a session that
    used them, and those with no calibration due date recorded: ``(expired, undated)``."""
    by_id = {i.instrument_id: i for i in report.instruments}
    expired: set[str] = set()
    undated: set[str] = set()
    for session in report.sessions:
        day = session.started_at.date()
        for iid in session.instrument_ids:
            instrument = by_id.get(iid)
            if instrument is None:
                continue
            if instrument.calibration_due is None:
                undated.add(iid)
            elif instrument.expired_on(day):
                expired.add(iid)
    return tuple(sorted(expired)), tuple(sorted(undated))


def _calibration_error(report: ClassroomReportData) -> InputError | None:
    expired, undated = calibration_problems(report)
    room = report.classroom.classroom_id
    by_id = {i.instrument_id: i for i in report.instruments}
    if expired:
        named = "; ".join(
            f"{iid} ({by_id[iid].model}, serial {by_id[iid].serial_number}, calibration due "
            f"{by_id[iid].calibration_due})"
            for iid in expired
        )
        return InputError(
            f"classroom {room}: the calibration of {named} had expired on the measurement date; "
            "the report cannot be issued (measure again with a calibrated instrument)",
            column="instrument",
        )
    if undated:
        return InputError(
            f"classroom {room}: no calibration due date recorded for {', '.join(undated)}; the "
            "report cannot be issued (add calibration_due to instruments.csv)",
            column="instrument",
        )
    return None


def _latest_of(revisions: Iterable[ReportRevision]) -> ReportRevision | None:
    return max(revisions, key=lambda r: r.revision, default=None)


class _Ledger:
    """The report numbers and sign-offs the issuing rules read, from the store as it is now
    (one classroom at a time)."""

    def __init__(self, store: CampaignStore):
        self.store = store

    def latest(self, classroom_id: str) -> ReportRevision | None:
        return _latest_of(self.store.report_revisions(classroom_id))

    def signoffs(self, report_number: str) -> list[ReportSignoff]:
        return self.store.signoffs(report_number)

    def next_seq(self, year: int) -> int:
        return self.store.next_report_seq(year)

    def add_revision(self, revision: ReportRevision) -> None:
        self.store.add_report_revision(revision)

    def add_signoff(self, signoff: ReportSignoff) -> None:
        self.store.add_signoff(signoff)


class _ReadLedger(_Ledger):
    """The same, read once for many reports and kept up to date with what is added through it
    (inside one transaction of the store, so that nothing else writes meanwhile)."""

    def __init__(self, store: CampaignStore):
        super().__init__(store)
        self._latest: dict[str, ReportRevision] = {}
        self._seq: dict[int, int] = {}
        for revision in store.report_revisions():
            self._keep(revision)
        self._signoffs = store.signoffs_by_report()

    def _keep(self, revision: ReportRevision) -> None:
        known = self._latest.get(revision.classroom_id)
        if known is None or revision.revision > known.revision:
            self._latest[revision.classroom_id] = revision
        self._seq[revision.year] = max(self._seq.get(revision.year, 0), revision.seq)

    def latest(self, classroom_id: str) -> ReportRevision | None:
        return self._latest.get(classroom_id)

    def signoffs(self, report_number: str) -> list[ReportSignoff]:
        return list(self._signoffs.get(report_number, ()))

    def next_seq(self, year: int) -> int:
        return self._seq.get(year, 0) + 1

    def add_revision(self, revision: ReportRevision) -> None:
        super().add_revision(revision)
        self._keep(revision)

    def add_signoff(self, signoff: ReportSignoff) -> None:
        super().add_signoff(signoff)
        self._signoffs.setdefault(signoff.report_number, []).append(signoff)


def _signatures(lab: LabProfile, signoffs: Iterable[ReportSignoff]) -> tuple[Signature, ...]:
    titles = {p.person_id: p.title for p in lab.people}
    return tuple(
        Signature(
            s.role,
            s.person_name,
            titles.get(s.person_id, ""),
            s.signed_at.astimezone().date(),
        )
        for s in signoffs
    )


def issue_state(
    store: CampaignStore, report: ClassroomReportData, lab: LabProfile | None
) -> IssueState:
    """Where a report stands: ``no-lab`` without a profile, ``issued`` when its current content
    was prepared, reviewed and approved, ``draft`` otherwise (with its number, if one was given
    to this content)."""
    return _issue_state(_Ledger(store), report, lab)


def _issue_state(
    ledger: _Ledger, report: ClassroomReportData, lab: LabProfile | None
) -> IssueState:
    expired, undated = calibration_problems(report)
    digest = content_digest(report)
    if lab is None:
        return IssueState("no-lab", expired=expired, undated=undated, digest=digest)
    latest = ledger.latest(report.classroom.classroom_id)
    if latest is None:
        return IssueState("draft", expired=expired, undated=undated, digest=digest)
    signoffs = ledger.signoffs(latest.report_number)
    if latest.digest != digest:
        # changed since it was numbered: a correction not yet prepared
        issued = any(s.role == "approve" for s in signoffs)
        replaces = latest.report_number if issued else latest.replaces
        return IssueState(
            "draft", replaces=replaces, expired=expired, undated=undated, digest=digest
        )
    roles = {s.role for s in signoffs}
    status: IssueStatus = "issued" if {"prepare", "review", "approve"} <= roles else "draft"
    return IssueState(
        status,
        latest.report_number,
        latest.revision,
        latest.replaces,
        _signatures(lab, signoffs),
        expired,
        undated,
        digest,
    )


def with_document(
    store: CampaignStore,
    report: ClassroomReportData,
    lab: LabProfile | None,
    context: ReportContext | None = None,
) -> ClassroomReportData:
    """The report with its laboratory document: the lab, the judgement basis, the sessions'
    environmental conditions and the issue state of its content."""
    environment = store.environments(report.classroom.classroom_id)
    return _with_document(_Ledger(store), environment, report, lab, context)


def with_documents(
    store: CampaignStore,
    reports: Sequence[ClassroomReportData],
    lab: LabProfile | None,
    context: ReportContext | None = None,
) -> list[ClassroomReportData]:
    """:func:`with_document` of each report, with the campaign's environment records, report
    numbers and sign-offs read once for all of them."""
    ledger = _ReadLedger(store)
    room_of = {s.session_id: s.classroom_id for s in store.sessions()}
    environments: dict[str, list[EnvironmentRecord]] = {}
    for record in store.environments():  # in journal order, as for one classroom
        environments.setdefault(room_of[record.session_id], []).append(record)
    return [
        _with_document(ledger, environments.get(r.classroom.classroom_id, []), r, lab, context)
        for r in reports
    ]


def _with_document(
    ledger: _Ledger,
    environment: Iterable[EnvironmentRecord],
    report: ClassroomReportData,
    lab: LabProfile | None,
    context: ReportContext | None,
) -> ClassroomReportData:
    basis = context.basis if context is not None else report.document.basis
    document = LabDocument(lab=lab, basis=basis, environment=tuple(environment))
    report = dataclasses.replace(report, document=document)
    state = _issue_state(ledger, report, lab)
    document = dataclasses.replace(document, issue=state)
    issued_on = report.issued_on
    approved = [s.signed_on for s in state.signatures if s.role == "approve"]
    if state.status == "issued" and approved:
        issued_on = approved[-1]
    return dataclasses.replace(report, document=document, issued_on=issued_on)


def _check_person(lab: LabProfile, person_id: str, role: str) -> str:
    person = lab.person(person_id)
    if role not in person.roles:
        raise InputError(
            f"{person.name} ({person_id}) may not {role} reports: the laboratory profile gives "
            f"them the role(s) {', '.join(person.roles)}",
            source=str(lab.path),
            column="person",
        )
    return person.name


def sign_off(
    store: CampaignStore,
    report: ClassroomReportData,
    lab: LabProfile,
    role: str,
    person_id: str,
    *,
    now: dt.datetime | None = None,
    digest: str | None = None,
) -> ReportRevision:
    """Record that ``person_id`` prepared, reviewed or approved a classroom report's current
    content; return the revision signed (a new one with a new number when preparing content
    that has none). Refused (:class:`InputError`, nothing written): a person not in the
    profile or without the role, the same person signing twice, a review before preparation,
    an approval before review, a role already signed, an expired or undated calibration.
    ``digest``: the report's :func:`content_digest` when the caller has it at hand."""
    return _sign_off(_Ledger(store), report, lab, role, person_id, now=now, digest=digest)


#: One sign-off of :func:`sign_off_many`: the report, the role, the person.
SignOff = tuple[ClassroomReportData, str, str]


def sign_off_many(
    store: CampaignStore,
    signoffs: Iterable[SignOff],
    lab: LabProfile,
    *,
    now: dt.datetime | None = None,
) -> list[ReportRevision]:
    """:func:`sign_off` of each ``(report, role, person_id)`` in turn, in one transaction:
    each is checked as :func:`sign_off` checks it, against the records as the sign-offs
    before it left them (refused with the same :class:`InputError`, and then nothing of the
    batch is recorded); the campaign's report numbers and sign-offs are read once. Each
    report's content digest is its :attr:`IssueState.digest` when it has one (found by
    :func:`with_document` for that content), else hashed."""
    with store.transaction():
        ledger = _ReadLedger(store)
        return [
            _sign_off(
                ledger,
                report,
                lab,
                role,
                person_id,
                now=now,
                digest=report.document.issue.digest or None,
            )
            for report, role, person_id in signoffs
        ]


def _sign_off(
    ledger: _Ledger,
    report: ClassroomReportData,
    lab: LabProfile,
    role: str,
    person_id: str,
    *,
    now: dt.datetime | None,
    digest: str | None,
) -> ReportRevision:
    store = ledger.store
    if role not in _DONE:
        raise InputError(f"{role!r}: expected prepare, review or approve", column="role")
    name = _check_person(lab, person_id, role)
    problem = _calibration_error(report)
    if problem is not None:
        raise problem
    room = report.classroom.classroom_id
    now = now or dt.datetime.now(dt.UTC)
    digest = digest or content_digest(report)
    latest = ledger.latest(room)
    signoffs = ledger.signoffs(latest.report_number) if latest else []
    current = latest is not None and latest.digest == digest
    with store.transaction():
        if role == "prepare" and not current:
            issued = any(s.role == "approve" for s in signoffs)
            year = now.astimezone().year
            seq = ledger.next_seq(year)
            revision = ReportRevision(
                report_number=lab.report_number(year, seq),
                classroom_id=room,
                revision=latest.revision + 1 if latest else 1,
                year=year,
                seq=seq,
                digest=digest,
                assigned_at=now,
                replaces=(latest.report_number if issued else latest.replaces) if latest else "",
            )
            ledger.add_revision(revision)
            latest, signoffs = revision, []
        elif not current or latest is None:
            raise InputError(
                f"classroom {room}: no report of its current content was prepared; prepare it "
                "first ('luxcheck report prepare')",
                column="role",
            )
        _check_order(room, latest.report_number, role, person_id, signoffs)
        ledger.add_signoff(ReportSignoff(latest.report_number, role, person_id, name, now, digest))
    return latest


def _check_order(
    room: str, number: str, role: str, person_id: str, signoffs: Sequence[ReportSignoff]
) -> None:
    done = {s.role: s for s in signoffs}
    if role in done:
        raise InputError(
            f"classroom {room}: report {number} was already {_DONE[role]} by "
            f"{done[role].person_name} ({done[role].person_id})",
            column="role",
        )
    needed = {"review": "prepare", "approve": "review"}.get(role)
    if needed is not None and needed not in done:
        raise InputError(
            f"classroom {room}: report {number} cannot be {_DONE[role]} before it is "
            f"{_DONE[needed]}",
            column="role",
        )
    for other in signoffs:
        if other.person_id == person_id:
            raise InputError(
                f"classroom {room}: {other.person_name} ({person_id}) already {_DONE[other.role]} "
                f"report {number}; prepare, review and approve need three different people",
                column="person",
            )
