"""A classroom report recomputed from the campaign file, compared item by item with a report.

``luxcheck verify REPORT --campaign FILE`` judges the classroom again from its stored metrics,
renders its report with the same templates, language, profile and report date as the report
states (the hints of its signed statement), reads the visible lines of both
(:func:`luxcheck.report.visible.page_content`) and compares them: each requirement's row (the
table rows that carry ``data-requirement``) item by item, then every other line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from luxcheck.compliance.judge import judge_campaign
from luxcheck.errors import InputError
from luxcheck.journal.store import CampaignStore
from luxcheck.lab import LabProfile
from luxcheck.report.assemble import classroom_reports, report_context
from luxcheck.report.format import LANGUAGES
from luxcheck.report.issue import with_document
from luxcheck.report.pages import ClassroomPages
from luxcheck.report.provenance import Provenance
from luxcheck.report.visible import first_differences, page_content

Lines = Sequence[tuple[str, str]]


@dataclass
class ItemComparison:
    """The outcome of :func:`compare_with_campaign`."""

    items: int = 0
    lines: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _profile(provenance: Provenance, hints: Mapping[str, str]) -> str:
    if hints.get("profile"):
        return hints["profile"]
    for pack in provenance.packs:
        if pack.pack_id.startswith("profile:"):
            return pack.pack_id.removeprefix("profile:")
    raise InputError("the report names no standards profile", source="provenance")


def recomputed_lines(
    store: CampaignStore,
    provenance: Provenance,
    hints: Mapping[str, str],
    decision_rule: str | None = None,
    lab: LabProfile | None = None,
) -> list[tuple[str, str]]:
    """The visible lines of the classroom's report as the campaign file gives it now (with the
    laboratory's document of ``lab``: its judgement basis, number and sign-offs)."""
    lang = hints.get("lang", "zh")
    if lang not in LANGUAGES:
        raise InputError(f"the report states language {lang!r}", source="signature")
    context = report_context(_profile(provenance, hints), decision_rule=decision_rule)
    judged, _rollup = judge_campaign(
        store,
        profile=context.profile_id,
        classroom_ids=[provenance.classroom_id],
        decision_rule=context.decision_rule,
    )
    if not judged:
        raise InputError(
            f"the campaign file has no classroom {provenance.classroom_id!r}", source="--campaign"
        )
    report = with_document(
        store, next(iter(classroom_reports(store, judged, context))), lab, context
    )
    if hints.get("issued_on"):
        try:
            issued = dt.date.fromisoformat(hints["issued_on"])
        except ValueError as exc:
            raise InputError(f"the report states date {hints['issued_on']!r}") from exc
        report = dataclasses.replace(report, issued_on=issued)
    with tempfile.TemporaryDirectory(prefix="luxcheck-verify-") as folder:
        pages = ClassroomPages(Path(folder), lang)
        text = pages.render_classroom(report)
    return page_content(text).lines


def compare_lines(report: Lines, campaign: Lines) -> ItemComparison:
    """Compare a report's visible lines with the recomputed ones: requirement rows by their
    key, then the other lines in order."""
    result = ItemComparison()
    shown = {k: t for k, t in report if k}
    wanted = {k: t for k, t in campaign if k}
    for key, text in wanted.items():
        result.items += 1
        if key not in shown:
            result.problems.append(f"item {key}: missing from the report (campaign: {text})")
        elif shown[key] != text:
            result.problems.append(
                f"item {key}: the report shows\n    {shown[key]}\n  the campaign file gives\n"
                f"    {text}"
            )
    result.problems += [
        f"item {key}: in the report but not in the campaign file's result"
        for key in shown
        if key not in wanted
    ]
    other_shown = [t for k, t in report if not k]
    other_wanted = [t for k, t in campaign if not k]
    result.lines = len(other_wanted)
    if other_shown != other_wanted:
        diff = first_differences(other_wanted, other_shown, ("campaign", "report"))
        result.problems.append(
            "other lines differ from the campaign file's report:\n" + "\n".join(diff)
        )
    return result


def compare_with_campaign(
    report: Lines,
    store: CampaignStore,
    provenance: Provenance,
    hints: Mapping[str, str],
    lab: LabProfile | None = None,
) -> ItemComparison:
    """Recompute the classroom from ``store`` and compare it with the report's lines.

    The decision rule a report was judged by is part of what it prints; the profile's own rule
    is tried first, then the other rules, and the closest recomputation is kept.
    """
    best: ItemComparison | None = None
    for rule in (None, "simple", "guarded"):
        result = compare_lines(report, recomputed_lines(store, provenance, hints, rule, lab))
        if result.ok:
            return result
        if best is None or len(result.problems) < len(best.problems):
            best = result
    assert best is not None
    return best
