"""A classroom report recomputed from the campaign file, compared item by item with a report.

``luxcheck verify REPORT --campaign FILE`` judges the classroom again from its stored metrics,
renders its report with the same templates, language, profile and report date as the report
states (the hints of its signed statement), and compares what the report shows with that page
cell by cell (:mod:`luxcheck.report.readout`): every table cell by its table, row and column
(the results table's rows by their ``data-requirement``), every other line in its section. An
HTML report is read as its file shows it now; a PDF through its text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
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
from luxcheck.report.readout import (
    CellComparison,
    align_pdf,
    compare_runs,
    expected_flat,
    report_runs,
)


def _profile(provenance: Provenance, hints: Mapping[str, str]) -> str:
    if hints.get("profile"):
        return hints["profile"]
    for pack in provenance.packs:
        if pack.pack_id.startswith("profile:"):
            return pack.pack_id.removeprefix("profile:")
    raise InputError("the report names no standards profile", source="provenance")


def recomputed_page(
    store: CampaignStore,
    provenance: Provenance,
    hints: Mapping[str, str],
    decision_rule: str | None = None,
    lab: LabProfile | None = None,
) -> str:
    """The classroom's report page (HTML) as the campaign file gives it now (with the
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
        return ClassroomPages(Path(folder), lang).render_classroom(report)


@dataclass(frozen=True)
class ShownReport:
    """What a report shows: the text of an HTML page, or of a PDF (compared after its text is
    aligned with the recomputed page's cells)."""

    kind: str  # "HTML" or "PDF"
    text: str

    def compare(self, page: str, lang: str) -> CellComparison:
        """Compare with the recomputed ``page`` cell by cell."""
        expected = report_runs(page)
        if self.kind == "PDF":
            return compare_runs(align_pdf(self.text, expected, lang), expected_flat(expected))
        return compare_runs(report_runs(self.text), expected)


def compare_with_campaign(
    report: ShownReport,
    store: CampaignStore,
    provenance: Provenance,
    hints: Mapping[str, str],
    lab: LabProfile | None = None,
) -> CellComparison:
    """Recompute the classroom from ``store`` and compare it with what the report shows.

    The decision rule a report was judged by is part of what it prints; the profile's own rule
    is tried first, then the other rules (and, when the report states no language, each
    language), and the closest recomputation is kept.
    """
    best: CellComparison | None = None
    # a report without its signed statement states no language: each is tried
    languages = [hints["lang"]] if hints.get("lang") else list(LANGUAGES)
    own = report_context(_profile(provenance, hints)).decision_rule
    rules = [None, *(r for r in ("simple", "guarded") if r != own)]
    for lang in languages:
        for rule in rules:
            page = recomputed_page(store, provenance, {**hints, "lang": lang}, rule, lab)
            result = report.compare(page, lang)
            if result.ok:
                return result
            if best is None or len(result.problems) < len(best.problems):
                best = result
    assert best is not None
    return best
