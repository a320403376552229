"""The desk points printed as the room's grid, and Annex A (threshold confidence): the to-be-
confirmed limits in full, the verified ones by clause with the results rows they limit."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luxcheck.compliance.engine import evaluate, room_result
from luxcheck.journal.store import CampaignStore
from luxcheck.report.format import Formatter
from luxcheck.report.model import ClassroomReportData, PlanePoints
from luxcheck.report.pages import ClassroomPages, point_grid
from luxcheck.report.results import confidence_annex
from tests.support.html_tables import table_rows
from tests.support.report_fixtures import fill_store, report_of
from tests.support.rooms import GOOD


# --------------------------------------------------------------------------- point grid
def test_grid_rows_front_first_columns_left_to_right() -> None:
    """Analytic case: a 3 × 2 grid given in scrambled order prints a row per y from the front
    of the room (y = 0 at the board wall) and a column per x, each value where it was
    measured."""
    f = Formatter("en")
    x = [2.5, 0.5, 1.5, 0.5, 2.5, 1.5]
    y = [4.0, 4.0, 2.0, 2.0, 2.0, 4.0]
    e = [306.0, 304.0, 202.0, 201.0, 203.0, 305.0]
    assert point_grid(f, x, y, e) == {
        "x": ["0.50", "1.50", "2.50"],
        "rows": [
            {"y": "2.00", "cells": ["201", "202", "203"]},
            {"y": "4.00", "cells": ["304", "305", "306"]},
        ],
    }


@settings(max_examples=60, deadline=None)
@given(
    columns=st.integers(1, 12),
    rows=st.integers(1, 10),
    seed=st.integers(0, 2**32 - 1),
)
def test_grid_holds_every_point_at_its_place(columns: int, rows: int, seed: int) -> None:
    """Property: a full rectangular grid in any order prints each measured value in the row
    of its y and the column of its x; with one point missing (from a grid of at least 2 × 2:
    a line less one point is a shorter line), or one point measured twice in
    place of another, the points are not a grid (None: they are listed one by one)."""
    rng = np.random.default_rng(seed)
    xs = np.round(np.sort(rng.choice(np.arange(1, 90), columns, replace=False)) * 0.1, 2)
    ys = np.round(np.sort(rng.choice(np.arange(1, 90), rows, replace=False)) * 0.1, 2)
    gx, gy = (a.ravel() for a in np.meshgrid(xs, ys))
    values = rng.uniform(50.0, 900.0, gx.size)
    order = rng.permutation(gx.size)
    f = Formatter("zh")
    grid = point_grid(f, gx[order], gy[order], values[order])
    assert grid is not None
    assert grid["x"] == [f.number(v, 2) for v in xs]
    assert [r["y"] for r in grid["rows"]] == [f.number(v, 2) for v in ys]
    for i in range(gx.size):
        row = int(np.flatnonzero(ys == gy[i])[0])
        column = int(np.flatnonzero(xs == gx[i])[0])
        assert grid["rows"][row]["cells"][column] == f.number(values[i], 0)
    if columns > 1 and rows > 1:
        assert point_grid(f, gx[1:], gy[1:], values[1:]) is None
    if gx.size > 1:
        twice_x, twice_y = gx.copy(), gy.copy()
        twice_x[0], twice_y[0] = gx[1], gy[1]
        assert point_grid(f, twice_x, twice_y, values) is None


def test_grid_refused_when_too_wide_or_columns_print_alike() -> None:
    """More columns than a page holds (13), or two coordinates that print alike at the
    report's 0.01 m (0.441 and 0.444): the points are listed instead."""
    f = Formatter("en")
    wide = np.arange(13) * 0.5 + 0.25
    assert point_grid(f, wide, np.full(13, 3.0), np.full(13, 300.0)) is None
    assert point_grid(f, [0.441, 0.444], [3.0, 3.0], [300.0, 310.0]) is None
    assert point_grid(f, [], [], []) is None


@pytest.fixture
def filled(store: CampaignStore) -> CampaignStore:
    fill_store(store)
    return store


def _good_report(store: CampaignStore) -> ClassroomReportData:
    verdicts = evaluate(GOOD, "cn-classroom", "ordinary")
    return report_of(store, "R101", verdicts, room_result(verdicts).status)


def test_page_prints_desk_values_as_the_room_grid(filled: CampaignStore, tmp_path: Path) -> None:
    """The classroom page's desk table: the stored 4 × 4 grid (fill_store) as rows of y and
    columns of x, each cell the stored reading at that point; an irregular set of points (one
    moved off the grid) is listed point by point with its coordinates."""
    report = _good_report(filled)
    desk = report.figures.desk
    assert desk is not None
    text = ClassroomPages(tmp_path, "zh").render_classroom(report)
    table = table_rows(text, "points", headers=True)
    f = Formatter("zh")
    xs, ys = sorted(set(desk.x_m.tolist())), sorted(set(desk.y_m.tolist()))
    assert table[0] == ["y \\ x [m]", *(f.number(x, 2) for x in xs)]
    assert len(table) == 1 + len(ys) == 5
    for x, y, e in zip(desk.x_m, desk.y_m, desk.value_lx, strict=True):
        row = table[1 + ys.index(float(y))]
        assert row[0] == f.number(float(y), 2)
        assert row[1 + xs.index(float(x))] == f.number(float(e), 0)
    moved = desk.x_m.copy()
    moved[0] += 0.3
    irregular = dataclasses.replace(
        report,
        figures=dataclasses.replace(
            report.figures, desk=PlanePoints(moved, desk.y_m, desk.value_lx)
        ),
    )
    page = ClassroomPages(tmp_path, "zh").render_classroom(irregular)
    listed = table_rows(page, "points", headers=True)
    assert listed[0] == ["测点", "x [m]", "y [m]", "E [lx]"]
    assert listed[1] == [
        "1",
        f.number(float(moved[0]), 2),
        f.number(float(desk.y_m[0]), 2),
        f.number(float(desk.value_lx[0]), 0),
    ]
    assert len(listed) == 1 + desk.x_m.size


# --------------------------------------------------------------------------- Annex A
def test_annex_states_every_cited_limit_once(filled: CampaignStore, tmp_path: Path) -> None:
    """Property of the annex over the results of a classroom judged against every pack of
    the cn-classroom profile (limits of both confidences, as the packs state them): every
    citation that is not verified is a row of its own with the results row it limits; every
    verified one is listed under its standard, its clause once, with exactly the results rows
    whose limits it sets as verified; nothing else is listed. Both parts print in the page."""
    report = _good_report(filled)
    f = Formatter("en")
    annex = confidence_annex(f, report.items)
    expected_open = []
    expected_verified: dict[str, dict[str, list[str]]] = {}
    for n, item in enumerate(report.items, start=1):
        for line in item.lines:
            for c in line.citations:
                if c.confidence == "verified":
                    refs = expected_verified.setdefault(c.standard, {}).setdefault(c.clause, [])
                    if str(n) not in refs:
                        refs.append(str(n))
                else:
                    expected_open.append((str(n), f"{c.standard} {c.clause}", c.confidence))
    assert expected_open and expected_verified  # the profile has both
    assert [(r["n"], r["clause"], r["state"]) for r in annex["open"]] == expected_open
    assert [r["standard"] for r in annex["verified"]] == list(expected_verified)
    for row in annex["verified"]:
        assert row["clauses"] == "; ".join(
            f"{clause} (results {', '.join(rows)})"
            for clause, rows in expected_verified[row["standard"]].items()
        )
    text = ClassroomPages(tmp_path, "zh").render_classroom(report)
    open_rows = table_rows(text, "annex-confidence", headers=True)
    assert len(open_rows) == 1 + len(expected_open)
    assert all(r[-1] == "待核实" for r in open_rows[1:])
    verified_rows = table_rows(text, "annex-verified", headers=True)
    assert [r[0] for r in verified_rows[1:]] == list(expected_verified)
    assert "（第 1、2 项）" in text  # GB 7793-2010 5.2 sets the desk mean and U0 (rows 1, 2)


def test_annex_says_so_when_every_limit_is_verified(filled: CampaignStore, tmp_path: Path) -> None:
    """No limit to be confirmed: the annex says every limit applied is verified and prints no
    empty table."""
    report = _good_report(filled)
    verified = dataclasses.replace(
        report,
        verdicts=tuple(dataclasses.replace(v, confidence="verified") for v in report.verdicts),
    )
    text = ClassroomPages(tmp_path, "zh").render_classroom(verified)
    annex = text[text.index('id="annex-confidence"') : text.index('id="annex-packs"')]
    assert "本报告所用限值均已核实。" in annex
    assert 'class="annex-confidence"' not in annex
    assert "待核实的限值" not in annex
    standards = {v.standard for v in verified.verdicts}
    assert len(table_rows(text, "annex-verified", headers=True)) == 1 + len(standards)
