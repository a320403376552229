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
from pathlib import Path
from typing import TextIO

from luxcheck.cli.arguments import output_folder
from luxcheck.cli.campaign_file import open_campaign
from luxcheck.compliance.judge import judge_campaign
from luxcheck.errors import EXIT_OK, InputError
from luxcheck.report.assemble import classroom_reports, report_context
from luxcheck.report.format import LANGUAGES
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
        judged, _ = judge_campaign(
            store, profile=context.profile_id, decision_rule=context.decision_rule
        )
        # assembled as the workers render (a generator), so the two overlap
        summary = render_campaign(
            classroom_reports(store, judged, context),
            args.out,
            lang=args.lang,
            pdf=args.pdf,
            jobs=args.jobs,
            figure_format=args.figure_format,
            force=args.force,
            progress=ProgressBar("reports"),
            total=len(judged),
        )
    print(
        f"{summary.classrooms} classroom reports ({summary.rendered} rendered, "
        f"{summary.skipped} unchanged){' with PDF' if summary.pdf else ''}; "
        f"dashboard: {summary.dashboard}"
    )
    return EXIT_OK
