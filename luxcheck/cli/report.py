"""``luxcheck report CAMPAIGN --out DIR``: acceptance reports for a whole campaign.

Every classroom is judged from its stored metrics (:mod:`luxcheck.compliance.judge`), its report
data
assembled (:mod:`luxcheck.report.assemble`) and rendered (:mod:`luxcheck.report.render`).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from luxcheck.cli.arguments import output_folder
from luxcheck.cli.campaign_file import open_campaign
from luxcheck.compliance.judge import judge_room
from luxcheck.errors import EXIT_INCOMPLETE, EXIT_OK, InputError, LuxcheckError
from luxcheck.report.assemble import classroom_reports, report_context
from luxcheck.report.format import LANGUAGES
from luxcheck.report.model import ClassroomReportData
from luxcheck.report.render import render_campaign


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


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``report`` command."""
    parser = sub.add_parser(
        "report",
        help="write the acceptance reports of a campaign (HTML, optionally PDF)",
        description="Write the classroom reports, school summaries, the campaign dashboard and "
        "a CSV of all verdicts into --out. Unchanged classrooms are not re-rendered.",
    )
    parser.add_argument("campaign", type=Path, help="campaign file")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--pdf", action="store_true", help="also write PDF (needs WeasyPrint)")
    parser.add_argument("--lang", choices=sorted(LANGUAGES), default="zh", help="language")
    parser.add_argument(
        "--jobs", type=int, default=min(4, os.cpu_count() or 1), help="worker processes"
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
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``luxcheck report``: judge every classroom, then render."""
    if args.jobs < 1:
        raise InputError(f"--jobs {args.jobs}: expected a whole number ≥ 1", source="--jobs")
    output_folder(args.out)
    with open_campaign(args.campaign) as store:
        # the profile and decision rule are resolved once; judging and the reports share them
        context = report_context(
            args.profile or store.campaign.profile, decision_rule=args.decision_rule
        )
        # one classroom's problem never stops the campaign: it is reported as incomplete
        unreported: list[tuple[str, str]] = []
        reports: list[ClassroomReportData] = []
        for room in store.classrooms():
            try:
                judged = judge_room(
                    store, room, profile=context.profile_id, decision_rule=context.decision_rule
                )
                reports += classroom_reports(store, [judged], context)
            except LuxcheckError as exc:
                unreported.append((room.classroom_id, str(exc)))
    if not reports and unreported:
        _tell_unreported(unreported)
        return EXIT_INCOMPLETE
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
    )
    print(
        f"{summary.classrooms} classroom reports ({summary.rendered} rendered, "
        f"{summary.skipped} unchanged){' with PDF' if summary.pdf else ''}; "
        f"dashboard: {summary.dashboard}"
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
