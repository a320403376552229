"""``luxcheck report CAMPAIGN --out DIR``: acceptance reports for a whole campaign.

Verdicts come from the compliance engine, imported lazily (``luxcheck.compliance``): it must
provide ``evaluate(metrics, profile, room_type)``, ``room_result(verdicts)`` (a status text
``'pass' | 'fail' | 'incomplete'`` or an object with such a ``status``) and
``report_context(profile)`` (a :class:`luxcheck.report_model.ReportContext`).
"""

from __future__ import annotations

import argparse
import importlib
import math
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from luxcheck.errors import EXIT_OK, InputError
from luxcheck.report_model import ClassroomReportData, FigureInputs, ReportContext
from luxcheck.reporting import LANGUAGES, build_classroom_report, render_campaign
from luxcheck.store import CampaignStore
from luxcheck.verdict import Verdict


@dataclass(frozen=True)
class ComplianceHooks:
    """The three functions of the compliance engine the reports need."""

    evaluate: Callable[[Mapping[str, float | str], str, str], Sequence[Verdict]]
    room_result: Callable[[Sequence[Verdict]], object]
    report_context: Callable[[str], ReportContext]


def load_hooks() -> ComplianceHooks:
    """Import ``luxcheck.compliance`` lazily and pick its report hooks."""
    try:
        module = importlib.import_module("luxcheck.compliance")
    except ImportError as exc:
        raise InputError(
            f"the compliance engine is not available ({exc}); reports need verdicts",
            source="luxcheck.compliance",
        ) from exc
    missing = [n for n in ("evaluate", "room_result", "report_context") if not hasattr(module, n)]
    if missing:
        raise InputError(
            f"luxcheck.compliance lacks {', '.join(missing)}, which the reports need",
            source="luxcheck.compliance",
        )
    return ComplianceHooks(module.evaluate, module.room_result, module.report_context)


def overall_status(result: object) -> str:
    """The overall status text of whatever ``room_result`` returned."""
    if isinstance(result, str):
        return result
    for name in ("status", "overall", "result"):
        value = getattr(result, name, None)
        if isinstance(value, str):
            return value
    raise InputError(
        f"room_result returned {type(result).__name__}: expected 'pass', 'fail' or 'incomplete'",
        source="luxcheck.compliance",
    )


def campaign_reports(
    store: CampaignStore, hooks: ComplianceHooks, profile: str | None = None
) -> Iterator[ClassroomReportData]:
    """Judge every classroom of ``store`` and assemble its report data."""
    profile_id = profile or store.campaign.profile
    context = hooks.report_context(profile_id)
    figures = FigureInputs(flicker_limits=context.flicker_limits)
    for room in store.classrooms():
        values, _reasons = store.metrics(room.classroom_id)
        metrics: dict[str, float | str] = {
            k: (math.nan if v is None else v) for k, v in values.items()
        }
        verdicts = list(hooks.evaluate(metrics, profile_id, room.room_type))
        status = overall_status(hooks.room_result(verdicts))
        yield build_classroom_report(
            store,
            room.classroom_id,
            verdicts,
            status,
            context.policy,
            profile_id=profile_id,
            packs=context.packs,
            figures=figures,
        )


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
    parser.set_defaults(func=run)


def run(args: argparse.Namespace, hooks: ComplianceHooks | None = None) -> int:
    """Run ``luxcheck report``; ``hooks`` replaces the compliance engine (tests)."""
    if args.jobs < 1:
        raise InputError(f"--jobs {args.jobs}: expected a whole number ≥ 1", source="--jobs")
    with CampaignStore.open(args.campaign) as store:
        if hooks is not None:
            reports = list(campaign_reports(store, hooks, args.profile))
        else:
            from luxcheck.campaign_reports import classroom_reports
            from luxcheck.judge import judge_campaign

            judged, _ = judge_campaign(store, profile=args.profile)
            reports = list(classroom_reports(store, judged, profile_id=args.profile))
    summary = render_campaign(
        reports,
        args.out,
        lang=args.lang,
        pdf=args.pdf,
        jobs=args.jobs,
        figure_format=args.figure_format,
        force=args.force,
        progress=ProgressBar("reports"),
    )
    print(
        f"{summary.classrooms} classroom reports ({summary.rendered} rendered, "
        f"{summary.skipped} unchanged){' with PDF' if summary.pdf else ''}; "
        f"dashboard: {summary.dashboard}"
    )
    return EXIT_OK
