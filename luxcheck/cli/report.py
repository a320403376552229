"""``luxcheck report CAMPAIGN --out DIR``: acceptance reports for a whole campaign.

Every classroom is judged from its stored metrics (:mod:`luxcheck.compliance.judge`), its report
data
assembled (:mod:`luxcheck.report.assemble`) and rendered (:mod:`luxcheck.report.render`).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from luxcheck.cli.arguments import output_folder, whole
from luxcheck.cli.campaign_file import open_campaign
from luxcheck.errors import EXIT_INCOMPLETE, EXIT_OK, InputError
from luxcheck.journal.store import CampaignStore
from luxcheck.lab import LAB_ENV, LabProfile, load_lab_profile, resolve_lab_path
from luxcheck.report.assemble import report_context
from luxcheck.report.format import LANGUAGES
from luxcheck.report.gather import gather_reports
from luxcheck.report.issue import sign_off, sign_off_many, with_documents
from luxcheck.report.model import ClassroomReportData
from luxcheck.report.render import render_campaign
from luxcheck.report.signing import SigningSetup


class ProgressBar:
    """A text progress bar on a stream; on a non-terminal, a line every 10 %."""

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.start = time.perf_counter()
        self._last_decile = -1
        self.tty = self.stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        fraction = done / total if total else 1.0
        elapsed = time.perf_counter() - self.start
        filled = round(self.width * fraction)
        bar = "#" * filled + "." * (self.width - filled)
        line = f"{self.label} [{bar}] {done}/{total} {elapsed:5.1f} s"
        if self.tty:
            self.stream.write("\r" + line + ("\n" if done >= total else ""))
            self.stream.flush()
            return
        decile = int(fraction * 10)
        if decile != self._last_decile or done >= total:
            self._last_decile = decile
            self.stream.write(line + "\n")
            self.stream.flush()


#: The sign-off commands: ``luxcheck report prepare|review|approve CAMPAIGN``.
ACTIONS = ("prepare", "review", "approve")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``report`` command (and its sign-off forms)."""
    parser = sub.add_parser(
        "report",
        usage="luxcheck report CAMPAIGN --out DIR [--lab FILE] [--prepared-by PERSON] [options]\n"
        "       luxcheck report {prepare,review,approve} CAMPAIGN (--classroom ID | --all) "
        "--by PERSON [--lab FILE]",
        help="write the acceptance reports of a campaign (HTML, optionally PDF); "
        "prepare, review and approve them",
        description="Write the classroom reports, school summaries, the campaign dashboard and "
        "a CSV of all verdicts into --out. Unchanged classrooms are not re-rendered. With a "
        "laboratory profile (--lab or LUXCHECK_LAB) the reports are the laboratory's; they are "
        "issued once prepared, reviewed and approved by three different people of the profile: "
        "'luxcheck report prepare|review|approve CAMPAIGN (--classroom ID | --all) --by PERSON'. "
        "Without a profile the reports are drafts.",
    )
    parser.add_argument(
        "words",
        nargs="+",
        metavar="[prepare|review|approve] CAMPAIGN",
        help="campaign file, after a sign-off step to record",
    )
    parser.add_argument("--out", type=Path, help="output folder (writing reports)")
    parser.add_argument(
        "--lab",
        default=None,
        metavar="FILE",
        help=f"laboratory profile (TOML; default: ${LAB_ENV})",
    )
    parser.add_argument(
        "--classroom",
        action="append",
        default=[],
        metavar="ID",
        help="classroom id to sign off (repeatable)",
    )
    parser.add_argument("--all", action="store_true", help="sign off every classroom")
    parser.add_argument(
        "--by", metavar="PERSON", help="who signs off: a person id of the laboratory profile"
    )
    parser.add_argument(
        "--prepared-by",
        metavar="PERSON",
        help="writing reports: record this person as preparer of every report whose content "
        "has not been prepared yet",
    )
    parser.add_argument("--pdf", action="store_true", help="also write PDF (needs WeasyPrint)")
    parser.add_argument("--lang", choices=sorted(LANGUAGES), default="zh", help="language")
    parser.add_argument(
        "--jobs", type=whole, default=min(4, os.cpu_count() or 1), help="worker processes"
    )
    parser.add_argument("--profile", default=None, help="standards profile (default: campaign's)")
    parser.add_argument(
        "--figure-format", choices=("png", "svg"), default="png", help="figure image format"
    )
    parser.add_argument("--force", action="store_true", help="re-render every classroom")
    parser.add_argument(
        "--decision-rule",
        choices=("simple", "guarded"),
        default=None,
        help="override the profile's decision rule (guarded: the instruments' expanded "
        "uncertainty makes values inside the guard band indeterminate)",
    )
    parser.add_argument(
        "--laboratory",
        action="append",
        default=[],
        help="only the classrooms this laboratory measured (repeatable; a campaign pulled from "
        "the central store holds many laboratories)",
    )
    parser.set_defaults(func=run)


def _lab(option: str | None) -> LabProfile | None:
    path = resolve_lab_path(option)
    return None if path is None else load_lab_profile(path)


def _reports(
    store: CampaignStore, args: argparse.Namespace, lab: LabProfile | None
) -> tuple[list[ClassroomReportData], list[tuple[str, str]]]:
    """The classroom reports, and the classrooms that could not be reported with the reason:
    one classroom's problem never stops the campaign (it is reported as incomplete)."""
    # the profile and decision rule are resolved once; judging and the reports share them
    context = report_context(
        args.profile or store.campaign.profile, decision_rule=args.decision_rule
    )
    wanted = None
    if getattr(args, "laboratory", None):
        wanted = set(_measured_by(store.classroom_laboratories(), args.laboratory))
    rooms = [r for r in store.classrooms() if wanted is None or r.classroom_id in wanted]
    # judged and assembled in the report workers, each reading the campaign file
    gathered = gather_reports(store, rooms, context, lab, jobs=getattr(args, "jobs", 1))
    return gathered.reports, gathered.unreported


def run(args: argparse.Namespace) -> int:
    """Run ``luxcheck report``: judge every classroom, then render (or record a sign-off)."""
    if args.words[0] in ACTIONS:
        if len(args.words) != 2:
            raise InputError(
                f"expected 'luxcheck report {args.words[0]} CAMPAIGN', got {len(args.words) - 1} "
                "campaign files",
                source="arguments",
            )
        return _sign_off(args.words[0], Path(args.words[1]), args)
    if len(args.words) != 1:
        raise InputError(
            f"{args.words[0]!r}: expected one campaign file, or one of {', '.join(ACTIONS)} "
            "and a campaign file",
            source="arguments",
        )
    if args.out is None:
        raise InputError("--out is required when writing reports", source="--out")
    if args.jobs < 1:
        raise InputError(f"--jobs {args.jobs}: expected a whole number ≥ 1", source="--jobs")
    output_folder(args.out)
    lab = _lab(args.lab)
    with open_campaign(Path(args.words[0])) as store:
        laboratories = store.classroom_laboratories()
        reports, unreported = _reports(store, args, lab)
        # what was gathered lives to the end: the cyclic collector need not walk it again on
        # each full collection (nor touch, in the forked render workers, the pages it shares)
        gc.freeze()
        if not reports and unreported:
            _tell_unreported(unreported)
            return EXIT_INCOMPLETE
        if args.prepared_by:
            if lab is None:
                raise InputError(
                    "--prepared-by needs a laboratory profile (--lab or $" + LAB_ENV + ")",
                    source="--prepared-by",
                )
            todo = [r for r in reports if not r.document.issue.report_number]
            sign_off_many(store, [(r, "prepare", args.prepared_by) for r in todo], lab)
            reports = with_documents(store, reports, lab)  # numbers read back
    # the laboratory signs (its profile's [signing] key); issued reports carry their number
    signing = None
    if lab is not None:
        signing = SigningSetup.from_lab(
            lab,
            {
                r.classroom.classroom_id: r.document.issue.report_number
                for r in reports
                if r.document.issue.status == "issued"
            },
        )
    summary = render_campaign(
        reports,
        args.out,
        lang=args.lang,
        pdf=args.pdf,
        jobs=args.jobs,
        figure_format=args.figure_format,
        force=args.force,
        progress=ProgressBar("reports"),
        unreported=unreported,
        signing=signing,
        laboratories=laboratories,
    )
    states = Counter(r.document.issue.status for r in reports)
    print(
        f"{summary.classrooms} classroom reports ({summary.rendered} rendered, "
        f"{summary.skipped} unchanged){' with PDF' if summary.pdf else ''}; "
        f"issued: {states['issued']}, drafts: {states['draft'] + states['no-lab']}"
        f"{' (no laboratory profile)' if lab is None else ''}; dashboard: {summary.dashboard}"
    )
    if summary.unreported:
        _tell_unreported(summary.unreported)
        return EXIT_INCOMPLETE
    return EXIT_OK


def _tell_unreported(unreported: Sequence[tuple[str, str]]) -> None:
    for room, reason in unreported:
        print(f"luxcheck: classroom {room} not reported (incomplete): {reason}", file=sys.stderr)
    print(
        f"luxcheck: {len(unreported)} classroom(s) not reported; exit code {EXIT_INCOMPLETE} "
        "(README, 'Exit codes')",
        file=sys.stderr,
    )


def _sign_off(role: str, campaign: Path, args: argparse.Namespace) -> int:
    if not args.by:
        raise InputError(f"who {role}s? give --by PERSON (an id of the laboratory profile)")
    if bool(args.classroom) == bool(args.all):
        raise InputError("give --classroom ID (repeatable) or --all", source="--classroom")
    lab = _lab(args.lab)
    if lab is None:
        raise InputError(
            f"signing off needs a laboratory profile: --lab FILE or ${LAB_ENV}", source="--lab"
        )
    with open_campaign(campaign) as store:
        built, unreported = _reports(store, args, lab)
        blocked = dict(unreported)
        reports = {r.classroom.classroom_id: r for r in built}
        wanted = sorted([*reports, *blocked]) if args.all else args.classroom
        for room in wanted:
            if room in blocked:  # nothing is signed off while a wanted report cannot be made
                raise InputError(
                    f"classroom {room} cannot be reported: {blocked[room]}", source=str(campaign)
                )
            if room not in reports:
                raise InputError(f"no classroom {room!r} in the campaign", source=str(campaign))
        with store.transaction():  # all of them or none
            for room in wanted:
                revision = sign_off(store, reports[room], lab, role, args.by)
                print(
                    f"{room}: report {revision.report_number} (revision {revision.revision}"
                    f"{', replaces ' + revision.replaces if revision.replaces else ''}) "
                    f"{role}: {lab.person(args.by).name} ({args.by})"
                )
    return EXIT_OK


def _measured_by(laboratories: dict[str, tuple[str, ...]], wanted: list[str]) -> set[str]:
    """The classrooms measured by any of the wanted laboratories (an unknown one is refused)."""
    known = {lab for labs in laboratories.values() for lab in labs}
    unknown = sorted(set(wanted) - known)
    if unknown:
        raise InputError(
            f"no session of laboratory {', '.join(unknown)} in the campaign "
            f"(laboratories recorded: {', '.join(sorted(known)) or 'none'})",
            source="argument --laboratory",
        )
    return {room for room, labs in laboratories.items() if set(labs) & set(wanted)}
