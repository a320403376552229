"""Tests of luxcheck.analysis.grids (moved with the code from tests/kernels/test_grids.py)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest

from luxcheck.analysis import grids
from luxcheck.errors import InputError
from luxcheck.kernels import grids as kgrids
from luxcheck.model import IlluminanceReading
from tests.support.builders import make_classroom

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


# ---------------------------------------------------------------------------- plans
def test_desk_centre_plan_of_standard_classroom() -> None:
    """Desk area = first-row front edge to last-row back edge, full width (README, How results are
    decided: Grids); cells ⌈side/1 m⌉: 7.2 m → 8 columns, 6.2 m → 7 rows, near-square (R rule,
    module doc)."""
    plan = grids.point_plan(make_classroom(), "desk")
    assert (plan.x_min_m, plan.x_max_m, plan.y_min_m, plan.y_max_m) == (0.0, 7.2, 2.2, 8.4)
    assert (plan.rows, plan.cols, plan.n_points) == (7, 8, 56)
    assert plan.cell_x_m == pytest.approx(0.9)
    assert plan.cell_y_m == pytest.approx(6.2 / 7)
    assert max(plan.cell_x_m, plan.cell_y_m) / min(plan.cell_x_m, plan.cell_y_m) < 1.05
    first, last = plan.points[0], plan.points[-1]
    assert (first.label, first.x_m, first.y_m) == (
        "D1-1",
        pytest.approx(0.45),
        pytest.approx(2.2 + 3.1 / 7),
    )
    assert last.label == "D7-8"
    assert [p.index for p in plan.points] == list(range(56))
    np.testing.assert_allclose(plan.weights, 1 / 56)
    assert plan.area_m2 == pytest.approx(7.2 * 6.2)


def test_four_corner_weights_are_1_2_4() -> None:
    """GB/T 5700 four-corner method: corners 1, other edge points 2, interior 4, over 4·M·N
    (here 0.5 m from the side walls: 6.2 m wide in 7 cells)."""
    plan = grids.point_plan(make_classroom(), "desk", "four-corner", border_m=0.5)
    assert (plan.rows, plan.cols) == (8, 8)
    w = plan.weights.reshape(plan.rows, plan.cols) * 4 * plan.cell_rows * plan.cell_cols
    assert w[0, 0] == w[0, -1] == w[-1, 0] == w[-1, -1] == pytest.approx(1.0)
    np.testing.assert_allclose(w[0, 1:-1], 2.0)
    np.testing.assert_allclose(w[1:-1, 0], 2.0)
    np.testing.assert_allclose(w[1:-1, 1:-1], 4.0)
    assert plan.points[0].x_m == 0.5
    assert plan.points[-1].x_m == pytest.approx(7.2 - 0.5)
    assert plan.points[-1].y_m == pytest.approx(8.4)


def test_no_plan_puts_points_on_the_walls() -> None:
    """A desk plan's points lie inside the room: the four-corner method over the full width
    (outer points in the side walls) is refused with the reason; with a border, or the centre
    method, every point is strictly between the walls (GB/T 5700 measures on the working
    plane; a wall has none)."""
    room = make_classroom()
    with pytest.raises(InputError, match="side walls") as info:
        grids.point_plan(room, "desk", "four-corner")
    assert info.value.column == "method"
    for plan in (
        grids.point_plan(room, "desk"),
        grids.point_plan(room, "desk", "four-corner", border_m=0.5),
        grids.point_plan(room, "desk", spacing_m=0.3),
    ):
        assert np.all((plan.x_m > 0.0) & (plan.x_m < room.width_m))
    with pytest.raises(InputError, match="border"):
        grids.point_plan(room, "desk", border_m=3.6)


def test_board_plan_covers_writing_area_top_row_first() -> None:
    """Board grid over board_width × board_height; labels B<row>-<col>, row 1 at the top."""
    room = make_classroom(board_width_m=4.0, board_height_m=1.2)
    plan = grids.point_plan(room, "board")
    assert (plan.rows, plan.cols) == (3, 8)
    assert plan.points[0].label == "B1-1"
    assert plan.points[0].y_m == pytest.approx(1.0)
    assert plan.points[-1].y_m == pytest.approx(0.2)
    coarse = grids.point_plan(room, "board", spacing_m=2.0)
    assert (coarse.rows, coarse.cols) == (1, 2)


def test_plan_refuses_bad_arguments() -> None:
    """Unknown surface or method, or a spacing that is not positive: InputError."""
    room = make_classroom()
    with pytest.raises(InputError, match="surface"):
        grids.point_plan(room, "wall")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="method"):
        grids.point_plan(room, "desk", "nine-point")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="spacing_m"):
        grids.point_plan(room, "desk", spacing_m=0.0)


def test_plan_means_integrate_linear_and_bilinear_fields_exactly() -> None:
    """Analytic: the centre-point mean is exact for a linear field and the four-corner
    (trapezoidal) mean for a bilinear one: both equal the field's area average."""
    room = make_classroom()
    a, b, c, d = 300.0, 12.0, -7.0, 1.5
    centre = grids.point_plan(room, "desk", "centre")
    field = a + b * centre.x_m + c * centre.y_m
    x_mid, y_mid = 3.6, (2.2 + 8.4) / 2
    stats = kgrids.illuminance_stats(field, centre.weights)
    assert float(stats.mean_lx) == pytest.approx(a + b * x_mid + c * y_mid)
    corner = grids.point_plan(room, "desk", "four-corner", border_m=0.5)
    field = a + b * corner.x_m + c * corner.y_m + d * corner.x_m * corner.y_m
    exact = a + b * x_mid + c * y_mid + d * x_mid * y_mid
    assert float(kgrids.illuminance_stats(field, corner.weights).mean_lx) == pytest.approx(exact)


# ---------------------------------------------------------------------------- metrics
def _reading(
    rid: str, point: int, lux: float, surface: str = "desk", on: bool = True
) -> IlluminanceReading:
    return IlluminanceReading(
        rid,
        "SE1",
        T0,
        surface=surface,
        point=point,  # type: ignore[arg-type]
        illuminance_lx=lux,
        lights_on=on,
    )


def test_values_from_readings_and_metric_ids() -> None:
    """Readings → plan order (NaN where missing) → the vocabulary's metric ids with reasons."""
    room = make_classroom()
    desk = grids.point_plan(room, "desk", spacing_m=3.2)  # 3 × 2 cells
    readings = [_reading(f"R{i}", i, 300.0 + 10 * i) for i in range(desk.n_points)]
    readings.append(_reading("X1", 0, 999.0, on=False))
    readings.append(_reading("B1", 0, 600.0, surface="board"))
    values = grids.values_from_readings(desk, readings)
    np.testing.assert_allclose(values, 300.0 + 10 * np.arange(desk.n_points))
    metrics = grids.grid_metrics(desk, values)
    assert metrics["desk_illuminance_mean_lx"] == pytest.approx(325.0)
    assert metrics["desk_uniformity"] == pytest.approx(300 / 325)
    assert metrics["desk_uniformity_min_max"] == pytest.approx(300 / 350)
    assert math.isnan(metrics["board_uniformity"])
    assert str(metrics.reasons["board_illuminance_mean_lx"]) == "not measured: no board grid"
    assert set(metrics) == {
        "desk_illuminance_mean_lx", "desk_illuminance_min_lx", "desk_illuminance_max_lx",
        "desk_uniformity", "desk_uniformity_min_max", "board_illuminance_mean_lx",
        "board_illuminance_min_lx", "board_uniformity",
    }  # fmt: skip
    partial = grids.values_from_readings(desk, readings[:-4])
    missing = grids.grid_metrics(desk, partial)
    assert math.isnan(missing["desk_illuminance_mean_lx"])
    assert str(missing.reasons["desk_uniformity"]) == "not measured: 2 of 6 points missing"


def test_metrics_with_daylight_and_vocabulary() -> None:
    """Daylight subtracted before the statistics; every id exists in luxcheck.vocabulary."""
    from luxcheck.vocabulary import METRICS

    room = make_classroom()
    board = grids.point_plan(room, "board", spacing_m=2.0)
    m = grids.grid_metrics(
        board_plan=board, board_lx=[700.0, 650.0], board_daylight_lx=[100.0, 150.0]
    )
    assert m["board_illuminance_mean_lx"] == 550.0
    assert m["board_uniformity"] == pytest.approx(500 / 550)
    assert all(key in METRICS for key in m)
    with pytest.raises(InputError, match="3 values for a 2-point plan"):
        grids.grid_metrics(board_plan=board, board_lx=[1.0, 2.0, 3.0])


def test_values_from_readings_refuses_duplicates_and_strays() -> None:
    """Two current readings for one point, or a point outside the plan: InputError."""
    plan = grids.point_plan(make_classroom(), "desk", spacing_m=3.2)
    with pytest.raises(InputError, match="two readings, A and B"):
        grids.values_from_readings(plan, [_reading("A", 1, 300.0), _reading("B", 1, 310.0)])
    with pytest.raises(InputError, match="outside the 6-point desk plan"):
        grids.values_from_readings(plan, [_reading("A", 6, 300.0)])


# ---------------------------------------------------------------------------- isolux
def test_isolux_reproduces_bilinear_field_and_leaves_holes() -> None:
    """Analytic: bilinear interpolation reproduces a bilinear field; NaN points stay holes."""
    plan = grids.point_plan(make_classroom(), "desk")
    field = 200.0 + 20 * plan.x_m + 5 * plan.y_m + 2 * plan.x_m * plan.y_m
    xs, ys, grid = grids.isolux_surface(plan, field, 0.1)
    assert xs[0] == pytest.approx(plan.x_m.min())
    assert xs[-1] == pytest.approx(plan.x_m.max())
    assert ys[0] == pytest.approx(plan.y_m.min())
    assert ys[-1] == pytest.approx(plan.y_m.max())
    assert grid.shape == (ys.size, xs.size)
    gx, gy = np.meshgrid(xs, ys)
    np.testing.assert_allclose(grid, 200.0 + 20 * gx + 5 * gy + 2 * gx * gy, rtol=1e-9)
    holed = field.copy()
    holed[10] = math.nan
    _, _, g2 = grids.isolux_surface(plan, holed, 0.1)
    assert np.isnan(g2).any()
    assert np.isfinite(g2).sum() > 0.8 * g2.size
    with pytest.raises(InputError, match="resolution_m"):
        grids.isolux_surface(plan, field, 0.0)
