"""What the pages print about sessions and re-tests (复测), as formatted strings.

- the classroom report: the session (and date) each result comes from; for a re-tested
  classroom, "re-test" with the first test's date, the re-test reasons, and the requirements
  on the re-tested quantities side by side (first test, re-test);
- the dashboard: the first-pass rate and the pass rate after re-test; the rectification list
  marks the items that were re-tested and passed;
- classrooms that could not be reported, with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from luxcheck.compliance.items import ItemResult, group_verdicts
from luxcheck.compliance.verdict import Verdict
from luxcheck.model import RETEST_REASONS, MeasurementSession
from luxcheck.report.files import safe_component
from luxcheck.report.format import Formatter, pass_rate
from luxcheck.report.model import ClassroomReportData, ClassroomSummary

Gettext = Callable[[str], str]


def reason_text(_: Gettext, reason: str) -> str:
    """A re-test reason in the report's language (the prompt's choices are translated; a
    reason typed in is printed as typed)."""
    known = dict(
        zip(
            RETEST_REASONS,
            (
                _("after rectification"),
                _("on the client's request"),
                _("suspected measurement error"),
            ),
            strict=True,
        )
    )
    return known.get(reason, reason) if reason else _("reason not given")


def _session_line(f: Formatter, _: Gettext, s: MeasurementSession) -> dict[str, str]:
    kind = _("Re-test") if s.kind == "retest" else _("First test")
    if s.kind == "retest":
        kind += f" ({reason_text(_, s.retest_reason)})"
    return {"id": s.session_id, "date": f.date(s.started_at.date()), "kind": kind}


def classroom_sessions_view(
    f: Formatter, _: Gettext, report: ClassroomReportData, list_items: Callable[[Any], str]
) -> dict[str, Any]:
    """The sources of the results and, for a re-tested classroom, its re-test history. Each
    session names the quantities it supplied; the only one says it supplied every result."""
    only = len(report.sources) == 1
    sources = [
        {
            **_session_line(f, _, source.session),
            "results": _("Every result of this report")
            if only
            else list_items(f.metric_name(m) for m in source.metric_ids),
        }
        for source in report.sources
    ]
    view: dict[str, Any] = {"sources": sources, "retest": None}
    history = report.retest
    if history is None:
        return view
    view["retest"] = {
        "banner": _("Re-test: first tested on {date}; re-tested on {dates}").format(
            date=f.date(history.first_tested_on),
            dates=list_items(f.date(s.started_at.date()) for s in history.retests),
        ),
        "reasons": list_items(
            dict.fromkeys(reason_text(_, s.retest_reason) for s in history.retests)
        ),
        "first_result": f.status(history.first_status),
        "retested": list_items(
            dict.fromkeys(f.metric_name(r.retest.metric) for r in history.results)
        )
        or "—",
        "rows": [
            {
                "metric": f.metric_name(r.retest.metric),
                "clause": f.clause(r.retest),
                "first": f.measured(_item(r.first)),
                "first_status": r.first.status,
                "first_word": f.status(r.first.status),
                "first_session": r.first_session_id or "—",
                "retest": f.measured(_item(r.retest)),
                "retest_status": r.retest.status,
                "retest_word": f.status(r.retest.status),
                "retest_session": r.retest_session_id,
            }
            for r in history.results
        ],
    }
    return view


def dashboard_retest_totals(
    f: Formatter, _: Gettext, classrooms: Sequence[ClassroomSummary]
) -> dict[str, str]:
    """The first-pass rate (every classroom judged on its first test) and the pass rate after
    re-test (every classroom on its current results), and how many classrooms were re-tested."""
    total = len(classrooms)
    first_pass = sum(
        1
        for c in classrooms
        if (c.first_status if c.first_status is not None else c.outcome.status) == "pass"
    )
    now_pass = sum(1 for c in classrooms if c.outcome.status == "pass")
    return {
        "retested": str(sum(1 for c in classrooms if c.first_status is not None)),
        "first_rate": f.with_unit(f.number(pass_rate(first_pass, total), 1), "%"),
        "final_rate": f.with_unit(f.number(pass_rate(now_pass, total), 1), "%"),
    }


def retest_passed_rows(
    f: Formatter, _: Gettext, classrooms: Sequence[ClassroomSummary], school_names: dict[str, str]
) -> list[dict[str, str]]:
    """Rectification-list rows of the requirements that failed at the first test and pass
    after the re-test (marked "re-tested, passed")."""
    rows = []
    for c in classrooms:
        verdicts = {v.requirement_id: v for v in c.verdicts}
        for requirement_id in c.retest_passed:
            v = verdicts[requirement_id]
            rows.append(
                {
                    "school": school_names.get(c.school_id, c.school_id),
                    "classroom": f"{c.name} ({c.classroom_id})",
                    "href": f"schools/{safe_component(c.school_id)}/"
                    f"{safe_component(c.classroom_id)}.html",
                    "laboratory": ", ".join(c.laboratories) or "—",
                    "labs": " ".join(c.laboratories),
                    "metric": f.metric_name(v.metric),
                    "status": "retest-pass",
                    "status_word": _("Re-tested, passed"),
                    "measured": f.measured(_item(v)),
                    "limit": f.limit(_item(v).lines[0], v.metric),
                    "obligation": f.obligation(v.obligation),
                    "advice": "—",
                }
            )
    return rows


def unreported_rows(_: Gettext, unreported: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    """Classrooms that could not be reported, with the reason."""
    return [{"classroom": room, "reason": reason} for room, reason in unreported]


def _item(verdict: Verdict) -> ItemResult:
    """One verdict as the item the formatter prints (its value at the quantity's resolution)."""
    return group_verdicts([verdict])[0]
