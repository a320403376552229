"""The pages: classroom report, school summary and campaign dashboard, each as the view the
template prints (formatted strings) and the rendered HTML."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from luxcheck import __version__
from luxcheck.analysis.grids import point_plan
from luxcheck.compliance.engine import SIMPLE_FALLBACK
from luxcheck.i18n import language_tag
from luxcheck.messages import Message, _n
from luxcheck.model import Classroom
from luxcheck.report import results
from luxcheck.report.charts import ReportFigures
from luxcheck.report.document import DocumentView
from luxcheck.report.files import inside, safe_component
from luxcheck.report.format import Formatter, pass_rate
from luxcheck.report.model import (
    CampaignDashboardData,
    ClassroomReportData,
    ClassroomSummary,
    SchoolSummaryData,
)
from luxcheck.report.provenance import PROVENANCE_PREFIX, provenance_string
from luxcheck.report.retest import (
    classroom_sessions_view,
    dashboard_retest_totals,
    retest_passed_rows,
    unreported_rows,
)
from luxcheck.report.templates import environment

if TYPE_CHECKING:  # jinja2 is imported where a page is rendered (start-up time of the CLI)
    import jinja2


#: The most columns a grid of points prints as the room's plan (a wider one is a list).
_GRID_COLUMNS_MAX = 12


def point_grid(
    f: Formatter, x_m: Iterable[float], y_m: Iterable[float], value_lx: Iterable[float]
) -> dict[str, Any] | None:
    """Points laid out as they lie in the room: a row for each y (the front of the room
    first, as the plan figure shows it), a column for each x, each cell the illuminance at
    that point [lx]. None when the points are not one full rectangular grid (a point missing
    or repeated, two rows or columns that would print alike) or it has more columns than a
    page holds: the points are then listed one by one."""
    points = [(float(x), float(y), float(e)) for x, y, e in zip(x_m, y_m, value_lx, strict=True)]
    xs = sorted({x for x, _y, _e in points})
    ys = sorted({y for _x, y, _e in points})
    if not points or len(xs) > _GRID_COLUMNS_MAX or len(xs) * len(ys) != len(points):
        return None
    cells = {(x, y): f.number(e, 0) for x, y, e in points}
    if len(cells) != len(points):  # a point repeated: another missing
        return None
    x_labels = [f.number(x, 2) for x in xs]
    y_labels = [f.number(y, 2) for y in ys]
    if len(set(x_labels)) != len(xs) or len(set(y_labels)) != len(ys):
        return None
    return {
        "x": x_labels,
        "rows": [
            {"y": label, "cells": [cells[x, y] for x in xs]}
            for y, label in zip(ys, y_labels, strict=True)
        ],
    }


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
        outcome = report.outcome
        headline = {
            "pass": _("The classroom lighting meets every shall-clause of the judgement basis."),
            "fail": _("The classroom lighting does not meet the requirements."),
            "incomplete": _("The result is incomplete: some required items were not measured."),
        }[outcome.status]
        details = results.conclusion_details(f, report.items)
        advice = [
            {"metric": e["metric"], "status": e["status_word"], "text": e["advice"]}
            for e in results.rectification_entries(f, report.items)
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
        desk_grid = desk_points = None
        if report.figures.desk is not None:
            d = report.figures.desk
            desk_grid = point_grid(f, d.x_m, d.y_m, d.value_lx)
            if desk_grid is None:
                desk_points = [
                    {
                        "n": str(i + 1),
                        "x": f.number(float(x), 2),
                        "y": f.number(float(y), 2),
                        "e": f.number(float(e), 0),
                    }
                    for i, (x, y, e) in enumerate(zip(d.x_m, d.y_m, d.value_lx, strict=True))
                ]
        plans = [self._plan_text(room, surface) for surface in ("desk", "board")]
        policy = report.policy
        document = DocumentView(f, _).view(report, f.status(outcome.status), headline)
        return {
            "doc": self._doc(
                title=f"{room.name} — {report.school.name}",
                heading=_("Classroom lighting acceptance report"),
                rel=rel,
                provenance=provenance_string(report),
                running=f"{document['header']} · {report.school.name} · {room.name}",
            ),
            "document": document,
            "ident": ident,
            "outcome": {
                "status": outcome.status,
                "word": f.status(outcome.status),
                "headline": headline,
                "details": details,
            },
            "results": results.result_rows(f, report.items),
            "policy": {
                "acceptance": f.reason(policy.acceptance_policy),
                "decision": self._decision(report),
            },
            "annex": {
                "confidence": results.confidence_annex(f, report.items),
                "packs": [{"id": p.pack_id, "version": p.version} for p in report.packs],
            },
            "figures": figures,
            "desk_grid": desk_grid,
            "desk_points": desk_points,
            "grid_plans": plans,
            "flicker_facts": self._flicker_facts(report),
            "sessions": sessions,
            "history": classroom_sessions_view(f, _, report, self._list),
            "advice": advice,
            "integrity": {
                "digest": report.digest,
                "count": str(report.raw_reading_count),
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

    def _plan_text(self, room: Classroom, surface: str) -> tuple[str, str]:
        """The measuring-point plan of a surface as the analysis laid it out (GB/T 5700-2008:
        method, lattice, cell size, measured area), so a reader can tell which plan the
        uniformity belongs to (the same room reads differently on another plan)."""
        f, _ = self.fmt, self._
        plan = point_plan(room, surface)  # type: ignore[arg-type]
        method = _("centre-point method") if plan.method == "centre" else _("four-corner method")
        text = _(
            "GB/T 5700-2008 {method}: {rows} × {cols} = {n} points, cells {dx} × {dy} m, "
            "area x {x0}–{x1} m, y {y0}–{y1} m"
        ).format(
            method=method,
            rows=plan.rows,
            cols=plan.cols,
            n=plan.n_points,
            dx=f.number(plan.cell_x_m, 2),
            dy=f.number(plan.cell_y_m, 2),
            x0=f.number(plan.x_min_m, 2),
            x1=f.number(plan.x_max_m, 2),
            y0=f.number(plan.y_min_m, 2),
            y1=f.number(plan.y_max_m, 2),
        )
        return (_("Desk plane") if surface == "desk" else _("Blackboard"), text)

    def _decision(self, report: ClassroomReportData) -> str:
        """The decision rule, and under the guarded rule the quantities judged by simple
        acceptance because no instrument states their expanded uncertainty (ILAC-G8:09/2019:
        the report says which rule each statement of conformity used)."""
        f = self.fmt
        text = f.reason(report.policy.decision_rule)
        simple = sorted(
            {
                f.metric_name(v.metric)
                for v in report.verdicts
                if v.reason is not None and SIMPLE_FALLBACK in v.reason.msgids()
            }
        )
        if simple:
            note = Message(
                _n("Judged by simple acceptance (no expanded uncertainty stated): {metrics}"),
                metrics=self._list(simple),
            )
            text = f"{text} {f.reason(note)}"
        return text

    def _flicker_facts(self, report: ClassroomReportData) -> list[tuple[str, str]]:
        f, _ = self.fmt, self._
        wave = report.figures.waveform
        facts: list[tuple[str, str]] = []
        for metric_id in (
            "flicker_frequency_hz",
            "flicker_dominant_frequency_hz",
            "flicker_noise_floor_percent",
            "flicker_percent",
            "flicker_index",
            "flicker_svm",
            "flicker_pst_lm",
        ):
            if metric_id in report.metrics:
                value = f.metric_value(metric_id, report.metrics[metric_id])
                reason = report.reasons.get(metric_id)
                if reason:  # why it is missing, or a note on the value (e.g. the noise floor)
                    value = f"{value} ({f.reason(reason)})"
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
            "lang": language_tag(self.lang),
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
                script=True,
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
        return {
            "id": c.classroom_id,
            "name": c.name,
            "building": " / ".join(x for x in (c.building, c.floor) if x) or "—",
            "type": f.room_type(c.room_type),
            "status": c.outcome.status,
            "status_word": f.status(c.outcome.status),
            # sorts the worst first: failed, incomplete, passed
            "status_sort": str(("fail", "incomplete", "pass").index(c.outcome.status)),
            "failed": results.failed_text(f, c.items),
            "missing": results.missing_text(f, c.items),
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
        # lowest pass rate first, as the bureau works through them (the page reads the same
        # without JavaScript; with it, any heading sorts)
        school_rows.sort(key=lambda r: (float(r["rate_sort"]), r["name"]))
        metric_rows = results.quantity_rates(f, (c.items for c in data.classrooms))
        rect_rows = []
        school_names = {s.school_id: s.name for s in data.schools}
        for c in data.classrooms:
            href = f"schools/{safe_component(c.school_id)}/{safe_component(c.classroom_id)}.html"
            for entry in results.rectification_entries(f, c.items):
                rect_rows.append(
                    {
                        "laboratory": ", ".join(c.laboratories) or "—",
                        "labs": " ".join(c.laboratories),
                        "school": school_names.get(c.school_id, c.school_id),
                        "classroom": f"{c.name} ({c.classroom_id})",
                        "href": href,
                        **entry,
                    }
                )
        rect_rows += retest_passed_rows(f, _, data.classrooms, school_names)
        counts_all: Counter[str] = Counter(str(c.outcome.status) for c in data.classrooms)
        distributions = self._distributions(data)
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
                "schools": str(len(data.schools)),
            },
            "totals": self._totals(counts_all, len(data.classrooms)),
            "retest_totals": dashboard_retest_totals(f, _, data.classrooms),
            "unreported": unreported_rows(_, data.unreported),
            "schools": school_rows,
            "metrics": metric_rows,
            "distributions": distributions,
            # 整改清单 grouped by school (then classroom), as the bureau works through it
            "rectification": sorted(rect_rows, key=lambda r: (r["school"], r["classroom"])),
            "school_names": sorted({r["school"] for r in rect_rows}),
            # a campaign of many laboratories: a column and a filter (none recorded: neither)
            "laboratories": sorted({lab for c in data.classrooms for lab in c.laboratories}),
            "status_options": [(s, f.status(s)) for s in ("fail", "not-measured", "indeterminate")]
            + [("retest-pass", _("Re-tested, passed"))],
            "packs": [{"id": p.pack_id, "version": p.version} for p in data.packs],
            "links": {"csv": "verdicts.csv", "xlsx": "verdicts.xlsx"},
        }

    def render_dashboard(self, data: CampaignDashboardData) -> str:
        return self.env.get_template("dashboard.html.j2").render(**self.dashboard_view(data))
