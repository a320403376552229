"""Assembling report data in worker processes (luxcheck.report.gather).

Property of the logic: the workers read the same campaign file through their own read-only
connections and run the same assembly, so ``jobs=2`` must give exactly the reports ``jobs=1``
gives in this process, in the order asked, with the same content digests and issue states;
a classroom that cannot be judged is listed with its reason and the others go on."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from luxcheck.analysis.campaign import analyse_campaign
from luxcheck.compliance.judge import judge_campaign
from luxcheck.demo.plan import plan_campaign
from luxcheck.demo.runner import measure_campaign, prepare_store
from luxcheck.journal.store import CampaignStore
from luxcheck.lab import load_lab_profile
from luxcheck.report.assemble import report_context
from luxcheck.report.files import content_key
from luxcheck.report.gather import CHUNK, gather_reports
from luxcheck.report.issue import content_digest, remember_digests, with_document
from luxcheck.resources import data_dir

START = dt.datetime(2026, 11, 2, 8, tzinfo=dt.UTC)


def _measured(tmp_path: Path, rooms: int, seed: int) -> CampaignStore:
    """A demo campaign of ``rooms`` classrooms, measured and analysed (not judged)."""
    plans = plan_campaign(rooms, seed=seed)
    store = prepare_store(tmp_path / "c.lux", plans, "gather")
    measure_campaign(store, plans, start=START)
    analyse_campaign(store, jobs=1)
    return store


def test_workers_assemble_what_this_process_assembles(tmp_path: Path) -> None:
    """Property: reports gathered by two workers equal those assembled here, record for
    record (the SHA-256 of each record's content, arrays by value), in the order of the
    judged rooms."""
    store = _measured(tmp_path, CHUNK + 3, 7)
    judged, _rollup = judge_campaign(store)
    context = report_context(store.campaign.profile)
    lab = load_lab_profile(data_dir() / "demo-lab.toml")
    here = gather_reports(store, judged, context, lab, jobs=1)
    there = gather_reports(store, judged, context, lab, jobs=2)
    assert not here.unreported and not there.unreported
    ids = [r.classroom.classroom_id for r in judged]
    assert [r.classroom.classroom_id for r in there.reports] == ids
    assert [content_key(r) for r in there.reports] == [content_key(r) for r in here.reports]
    assert [content_digest(r) for r in there.reports] == [content_digest(r) for r in here.reports]
    # classrooms to judge on the way: the same reports as from the judged rooms
    rooms = [r.classroom for r in judged]
    judged_there = gather_reports(store, rooms, context, lab, jobs=2)
    assert [r.document.issue for r in judged_there.reports] == [
        r.document.issue for r in here.reports
    ]
    store.close()


def test_a_room_that_cannot_be_judged_is_listed_and_the_rest_go_on(tmp_path: Path) -> None:
    """Property: a classroom whose judging fails (a profile that does not exist for it) is
    returned with its reason, not raised; with workers as in this process."""
    store = _measured(tmp_path, CHUNK + 2, 8)
    context = report_context(store.campaign.profile)
    broken = type(context)("no-such-profile", context.policy, context.packs, context.flicker_limits)
    for jobs in (1, 2):
        gathered = gather_reports(store, store.classrooms(), broken, None, jobs=jobs)
        assert gathered.reports == []
        assert [room for room, _why in gathered.unreported] == [
            c.classroom_id for c in store.classrooms()
        ]
        assert all("no-such-profile" in why for _room, why in gathered.unreported)
    store.close()


def test_remembered_digests_are_the_digests_and_a_changed_report_is_hashed_again(
    tmp_path: Path,
) -> None:
    """Property of the logic (luxcheck.report.issue.remember_digests): the digest kept for a
    gathered report is the one hashing its content gives; a report whose records or document
    differ from the gathered one (a corrected verdict, another environment record) is hashed
    again, never given the kept digest."""
    store = _measured(tmp_path, 3, 9)
    judged, _rollup = judge_campaign(store)
    context = report_context(store.campaign.profile)
    lab = load_lab_profile(data_dir() / "demo-lab.toml")
    reports = gather_reports(store, judged, context, lab, jobs=1).reports
    kept = [content_digest(r) for r in reports]
    remember_digests([])  # nothing kept: every digest is hashed
    assert kept == [content_digest(r) for r in reports]
    assert kept == [r.document.issue.digest for r in reports]
    remember_digests(reports)
    first = reports[0]
    read_back = with_document(store, first, lab, context)  # the same records, read again
    assert read_back.document.issue.digest == kept[0]
    fewer = dataclasses.replace(first, verdicts=first.verdicts[:-1])
    other_env = dataclasses.replace(
        first, document=dataclasses.replace(first.document, environment=())
    )
    remember_digests([])
    expected = [content_digest(fewer), content_digest(other_env)]
    remember_digests(reports)
    assert [content_digest(fewer), content_digest(other_env)] == expected
    assert kept[0] not in expected
    store.close()


def test_a_worker_reads_the_shared_records_once_for_all_its_tasks(tmp_path: Path) -> None:
    """Property of the logic (issue 21, a campaign's time growing linearly): a worker reads
    what every classroom shares (campaign, schools, instruments, every classroom's sessions)
    at its first task and keeps it for the next ones, which assemble exactly what a fresh
    read gives; read per task, a campaign of N classrooms would read its N sessions N / CHUNK
    times."""
    from luxcheck.report import gather

    store = _measured(tmp_path, CHUNK + 2, 10)
    context = report_context(store.campaign.profile)
    rooms = store.classrooms()
    gather._init_worker(str(store.path), context, None)
    try:
        first = gather._task(rooms[:CHUNK])
        shared = gather._SHARED
        assert shared is not None
        second = gather._task(rooms[CHUNK:])
        assert gather._SHARED is shared  # not read again
        assert shared.instruments is shared.instruments
        here = gather_reports(store, rooms, context, None, jobs=1)
        assert [content_key(r) for r in first.reports + second.reports] == [
            content_key(r) for r in here.reports
        ]
    finally:
        assert gather._STORE is not None
        gather._STORE.close()
        gather._STORE = gather._SHARED = None
    store.close()


def test_frozen_for_fork_hands_back_only_its_own_freeze() -> None:
    """Property of gather.frozen_for_fork: inside it, the objects made before are out of the
    cyclic collector's reach (frozen); after it, they are handed back, unless the caller had
    frozen them before, whose freeze is kept."""
    import gc

    from luxcheck.report.gather import frozen_for_fork

    gc.unfreeze()
    made_before = [[] for _ in range(100)]
    with frozen_for_fork():
        assert gc.get_freeze_count() >= len(made_before)
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        kept = gc.get_freeze_count()
        with frozen_for_fork():
            pass
        assert gc.get_freeze_count() >= kept > 0
    finally:
        gc.unfreeze()
