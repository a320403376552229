"""The pages: classroom report, school summary and campaign dashboard, each as the view the
template prints (formatted strings) and the rendered HTML."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from luxcheck import __version__
from luxcheck.compliance.verdict import Verdict
from luxcheck.model import Instrument
from luxcheck.report.advice import advice_msgid
from luxcheck.report.charts import ReportFigures
from luxcheck.report.files import inside, safe_component
from luxcheck.report.format import pass_rate
from luxcheck.report.model import (
    CampaignDashboardData,
    ClassroomReportData,
    ClassroomSummary,
    SchoolSummaryData,
)
from luxcheck.report.provenance import PROVENANCE_PREFIX, provenance_string
from luxcheck.report.templates import environment

if TYPE_CHECKING:  # jinja2 is imported where a page is rendered (start-up time of the CLI)
    import jinja2


class ClassroomPages(ReportFigures):
    """Renders classroom, school and dashboard pages of one language into one output folder.

    Held once per worker process; reuses its Jinja2 environment and figure renderer.
    """

    @property
    def env(self) -> jinja2.Environment:
        """The Jinja2 environment of the pages' language (one per process and language)."""
        return environment(self.lang)

    # ----------------------------------------------------------------- paths
    def classroom_path(self, school_id: str, classroom_id: str, suffix: str = ".html") -> Path:
        return inside(
            self.out_dir,
            "schools",
            safe_component(school_id),
            safe_component(classroom_id) + suffix,
        )

    def school_path(self, school_id: str, suffix: str = ".html") -> Path:
        return inside(self.out_dir, "schools", safe_component(school_id), "index" + suffix)

    # ----------------------------------------------------------------- classroom
    def classroom_view(self, report: ClassroomReportData) -> dict[str, Any]:
        """Everything the classroom template prints, as formatted strings."""
        f, _ = self.fmt, self._
        room = report.classroom
        rel = "../../"
        rows = [self._verdict_row(v) for v in report.verdicts]
        outcome = report.outcome
        names = {v.requirement_id: f.metric_name(v.metric) for v in report.verdicts}
        headline = {
            "pass": _("The classroom lighting meets every mandatory requirement."),
            "fail": _("The classroom lighting does not meet the requirements."),
            "incomplete": _("The result is incomplete: some required items were not measured."),
        }[outcome.status]
        details = [
            sentence.format(items=self._list(names[i] for i in ids))
            for ids, sentence in (
                (outcome.failed_shall, _("Mandatory (shall) items failed: {items}")),
                (outcome.not_measured, _("Not measured: {items}")),
                (
                    outcome.indeterminate,
                    _("Indeterminate within the measurement uncertainty: {items}"),
                ),
                (outcome.failed_should, _("Recommended (should) items not met: {items}")),
            )
            if ids
        ]
        advice = [
            {
                "metric": f.metric_name(v.metric),
                "status": f.status(v.status),
                "text": _(advice_msgid(v)),
            }
            for v in report.verdicts
            if v.status in ("fail", "not-measured", "indeterminate")
        ]
        ident = [
            (_("Campaign"), report.campaign.name),
            (_("Client"), report.campaign.client or "—"),
            (_("School"), report.school.name),
            (_("District"), report.school.district or "—"),
            (_("Building / floor"), " / ".join(x for x in (room.building, room.floor) if x) or "—"),
            (_("Classroom"), f"{room.name} ({room.classroom_id})"),
            (_("Room type"), f.room_type(room.room_type)),
            (
                _("Dimensions (L × W × H)"),
                f"{f.number(room.length_m, 2)} × {f.number(room.width_m, 2)} × "
                f"{f.number(room.height_m, 2)} m",
            ),
            (
                _("Luminaires (general / blackboard)"),
                f"{room.luminaire_count} / {room.board_luminaire_count}",
            ),
            (
                _("Test dates"),
                self._list(sorted({f.date(s.started_at.date()) for s in report.sessions})) or "—",
            ),
            (_("Inspectors"), self._list(sorted({s.inspector for s in report.sessions})) or "—"),
            (_("Report date"), f.date(report.issued_on)),
            (_("Standards profile"), report.profile_id),
        ]
        if room.notes:
            ident.append((_("Notes"), room.notes))
        instruments = [self._instrument_row(i) for i in report.instruments]
        sessions = [
            {
                "id": s.session_id,
                "inspector": s.inspector,
                "started": f.timestamp(s.started_at),
                "notes": s.notes or "—",
            }
            for s in report.sessions
        ]
        figures = self._classroom_figures(report)
        desk_points = []
        if report.figures.desk is not None:
            d = report.figures.desk
            desk_points = [
                {
                    "n": str(i + 1),
                    "x": f.number(float(x), 2),
                    "y": f.number(float(y), 2),
                    "e": f.number(float(e), 0),
                }
                for i, (x, y, e) in enumerate(zip(d.x_m, d.y_m, d.value_lx, strict=True))
            ]
        policy = report.policy
        zh = self.lang == "zh"
        packs_text = ", ".join(f"{p.pack_id} {p.version}" for p in report.packs) or "—"
        return {
            "doc": self._doc(
                title=f"{room.name} — {report.school.name}",
                heading=_("Classroom lighting acceptance report"),
                rel=rel,
                provenance=provenance_string(report),
                running=f"{report.campaign.name} · {report.school.name} · {room.name}",
            ),
            "ident": ident,
            "outcome": {
                "status": outcome.status,
                "word": f.status(outcome.status),
                "headline": headline,
                "details": details,
            },
            "verdicts": rows,
            "policy": {
                "acceptance": policy.acceptance_policy_zh if zh else policy.acceptance_policy_en,
                "decision": policy.decision_rule_zh if zh else policy.decision_rule_en,
            },
            "figures": figures,
            "desk_points": desk_points,
            "flicker_facts": self._flicker_facts(report),
            "instruments": instruments,
            "sessions": sessions,
            "advice": advice,
            "integrity": {
                "digest": report.digest,
                "count": str(report.raw_reading_count),
                "packs": packs_text,
                "command": "luxcheck verify {room}.html --campaign <{file}>".format(
                    room=room.classroom_id,
                    file=_("campaign file"),  # outside the f-string, where Babel sees it
                ),
            },
            "links": {
                "school": "index.html",
                "dashboard": rel + "index.html",
            },
        }

    def _verdict_row(self, v: Verdict) -> dict[str, str]:
        f = self.fmt
        clause = f.clause(v)
        return {
            "requirement": v.requirement_id,
            "metric": f.metric_name(v.metric),
            "measured": f.measured(v),
            "limit": f.limit(v),
            "margin": f.margin(v),
            "status": v.status,
            "status_word": f.status(v.status),
            "clause": clause,
            "obligation": f.obligation(v.obligation),
            "confidence": f.confidence(v.confidence),
            "reason": f.reason(v.reason),
        }

    def _instrument_row(self, i: Instrument) -> dict[str, str]:
        f = self.fmt
        return {
            "id": i.instrument_id,
            "model": i.model,
            "serial": i.serial_number,
            "kind": i.kind,
            "calibrated": f.date(i.calibration_date),
            "uncertainty": f"{f.with_unit(f.number(i.expanded_uncertainty_percent, 1), '%')} "
            f"(k = {f.number(i.coverage_factor, 0)})",
        }

    def _flicker_facts(self, report: ClassroomReportData) -> list[tuple[str, str]]:
        f, _ = self.fmt, self._
        wave = report.figures.waveform
        facts: list[tuple[str, str]] = []
        for metric_id in (
            "flicker_frequency_hz",
            "flicker_percent",
            "flicker_index",
            "flicker_svm",
            "flicker_pst_lm",
        ):
            if metric_id in report.metrics:
                value = f.metric_value(metric_id, report.metrics[metric_id])
                reason = report.reasons.get(metric_id)
                if value == "—" and reason:
                    value = f"— ({f.reason(reason)})"
                facts.append((f.metric_name(metric_id), value))
        if wave is not None:
            facts.append((_("Sample rate"), f.with_unit(f.number(wave.sample_rate_hz, 0), "Hz")))
            facts.append((_("Record length"), f"{f.number(wave.record_length_s, 2)} s"))
        return facts

    def _doc(
        self,
        *,
        title: str,
        heading: str,
        rel: str,
        provenance: str,
        running: str,
        script: bool = False,
    ) -> dict[str, Any]:
        return {
            "lang": "zh-CN" if self.lang == "zh" else "en",
            "title": title,
            "heading": heading,
            "css": rel + "static/report.css",
            "page_css": rel + f"static/page-{self.lang}.css",
            "script": rel + "static/dashboard.js" if script else None,
            "provenance": provenance,
            "running": running,
            "generator": f"luxcheck {__version__}",
        }

    def render_classroom(self, report: ClassroomReportData) -> str:
        """The classroom report as an HTML document."""
        return self.env.get_template("classroom.html.j2").render(**self.classroom_view(report))

    # ----------------------------------------------------------------- school
    def school_view(self, data: SchoolSummaryData) -> dict[str, Any]:
        _ = self._
        rows = []
        for c in data.classrooms:
            rows.append(self._summary_row(c, href=safe_component(c.classroom_id) + ".html"))
        counts: Counter[str] = Counter(str(c.outcome.status) for c in data.classrooms)
        return {
            "doc": self._doc(
                title=data.school.name,
                heading=_("School summary"),
                rel="../../",
                provenance=f"{PROVENANCE_PREFIX};campaign={data.campaign.campaign_id};"
                f"school={data.school.school_id}",
                running=f"{data.campaign.name} · {data.school.name}",
            ),
            "school": {
                "name": data.school.name,
                "district": data.school.district or "—",
                "address": data.school.address or "—",
                "campaign": data.campaign.name,
            },
            "totals": self._totals(counts, len(data.classrooms)),
            "rows": rows,
            "links": {"dashboard": "../../index.html"},
        }

    def _summary_row(self, c: ClassroomSummary, href: str) -> dict[str, str]:
        f = self.fmt
        failed = [v for v in c.verdicts if v.status == "fail"]
        missing = [v for v in c.verdicts if v.status == "not-measured"]
        return {
            "id": c.classroom_id,
            "name": c.name,
            "building": " / ".join(x for x in (c.building, c.floor) if x) or "—",
            "type": f.room_type(c.room_type),
            "status": c.outcome.status,
            "status_word": f.status(c.outcome.status),
            "failed": self._list(
                f"{f.metric_name(v.metric)} ({f.measured(v)}; {f.limit(v)})" for v in failed
            )
            or "—",
            "missing": self._list(f.metric_name(v.metric) for v in missing) or "—",
            "date": f.date(c.report_date),
            "date_sort": c.report_date.isoformat(),
            "href": href,
        }

    def _totals(self, counts: Mapping[str, int], total: int) -> dict[str, str]:
        f = self.fmt
        rate = pass_rate(counts.get("pass", 0), total)
        return {
            "total": str(total),
            "pass": str(counts.get("pass", 0)),
            "fail": str(counts.get("fail", 0)),
            "incomplete": str(counts.get("incomplete", 0)),
            "rate": f.with_unit(f.number(rate, 1), "%"),
        }

    def render_school(self, data: SchoolSummaryData) -> str:
        return self.env.get_template("school.html.j2").render(**self.school_view(data))

    # ----------------------------------------------------------------- dashboard
    def dashboard_view(self, data: CampaignDashboardData) -> dict[str, Any]:
        f, _ = self.fmt, self._
        by_school: dict[str, list[ClassroomSummary]] = defaultdict(list)
        for c in data.classrooms:
            by_school[c.school_id].append(c)
        school_rows = []
        for school in data.schools:
            rooms = by_school.get(school.school_id, [])
            counts: Counter[str] = Counter(str(c.outcome.status) for c in rooms)
            rate = pass_rate(counts["pass"], len(rooms))
            school_rows.append(
                {
                    "name": school.name,
                    "district": school.district or "—",
                    "href": f"schools/{safe_component(school.school_id)}/index.html",
                    "total": str(len(rooms)),
                    "pass": str(counts["pass"]),
                    "fail": str(counts["fail"]),
                    "incomplete": str(counts["incomplete"]),
                    "rate": f.with_unit(f.number(rate, 1), "%"),
                    "rate_sort": "-1" if math.isnan(rate) else f"{rate:.4f}",
                }
            )
        metric_counts: dict[str, Counter[str]] = defaultdict(Counter)
        for c in data.classrooms:
            for v in c.verdicts:
                metric_counts[v.requirement_id][v.status] += 1
        requirement_info = {v.requirement_id: v for c in data.classrooms for v in c.verdicts}
        metric_rows = []
        for req_id in sorted(metric_counts):
            counts = metric_counts[req_id]
            # every room the requirement applies to, measured or not (not-measured and
            # indeterminate rooms count as not passing, as in the school and campaign rates)
            applicable = sum(counts.values()) - counts["not-applicable"]
            rate = pass_rate(counts["pass"], applicable)
            v = requirement_info[req_id]
            metric_rows.append(
                {
                    "requirement": req_id,
                    "metric": f.metric_name(v.metric),
                    "clause": f.clause(v),
                    "obligation": f.obligation(v.obligation),
                    "pass": str(counts["pass"]),
                    "fail": str(counts["fail"]),
                    "not_measured": str(counts["not-measured"]),
                    "indeterminate": str(counts["indeterminate"]),
                    "applicable": str(applicable),
                    "rate": f.with_unit(f.number(rate, 1), "%"),
                    "rate_sort": "-1" if math.isnan(rate) else f"{rate:.4f}",
                }
            )
        rect_rows = []
        school_names = {s.school_id: s.name for s in data.schools}
        for c in data.classrooms:
            href = f"schools/{safe_component(c.school_id)}/{safe_component(c.classroom_id)}.html"
            for v in c.verdicts:
                if v.status not in ("fail", "not-measured", "indeterminate"):
                    continue
                rect_rows.append(
                    {
                        "school": school_names.get(c.school_id, c.school_id),
                        "classroom": f"{c.name} ({c.classroom_id})",
                        "href": href,
                        "metric": f.metric_name(v.metric),
                        "status": v.status,
                        "status_word": f.status(v.status),
                        "measured": f.measured(v),
                        "limit": f.limit(v),
                        "obligation": f.obligation(v.obligation),
                        "advice": _(advice_msgid(v)),
                    }
                )
        counts_all: Counter[str] = Counter(str(c.outcome.status) for c in data.classrooms)
        distributions = self._distributions(data)
        packs_text = ", ".join(f"{p.pack_id} {p.version}" for p in data.packs) or "—"
        return {
            "doc": self._doc(
                title=data.campaign.name,
                heading=_("Campaign dashboard"),
                rel="",
                provenance=f"{PROVENANCE_PREFIX};campaign={data.campaign.campaign_id}",
                running=data.campaign.name,
                script=True,
            ),
            "campaign": {
                "name": data.campaign.name,
                "client": data.campaign.client or "—",
                "profile": data.profile_id,
                "packs": packs_text,
                "schools": str(len(data.schools)),
            },
            "totals": self._totals(counts_all, len(data.classrooms)),
            "schools": school_rows,
            "metrics": metric_rows,
            "distributions": distributions,
            # 整改清单 grouped by school (then classroom), as the bureau works through it
            "rectification": sorted(rect_rows, key=lambda r: (r["school"], r["classroom"])),
            "school_names": sorted({r["school"] for r in rect_rows}),
            "status_options": [(s, f.status(s)) for s in ("fail", "not-measured", "indeterminate")],
            "links": {"csv": "verdicts.csv", "xlsx": "verdicts.xlsx"},
        }

    def render_dashboard(self, data: CampaignDashboardData) -> str:
        return self.env.get_template("dashboard.html.j2").render(**self.dashboard_view(data))
