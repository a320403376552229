"""A classroom's illuminance grids: measuring-point plans, readings in plan order, grid metric
ids and isolux surfaces.

Point plans follow the GB/T 5700-2008 (照明测量方法) centre-point (中心布点法) and four-corner
(四角布点法) methods. The desk area runs from the front edge of the first desk row to the back
edge of the last row over the full room width (GB/T 5700 classroom practice); the blackboard
grid covers the writing area (board width × board height) on the vertical board face.

Grid spacing rule (GB/T 5700-2008 allows square grids of 0.5–10 m, about 1 m being usual in
rooms; recalled, check against the purchased standard): each side of the area is divided into
n = ⌈side / spacing⌉ equal cells, so cells are near-square and no side exceeds ``spacing_m``.
Defaults: 1.0 m on the desk plane, 0.5 m on the blackboard.

The statistics themselves are the kernel's (:func:`luxcheck.kernels.grids.illuminance_stats`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from luxcheck.errors import InputError
from luxcheck.kernels.grids import check_illuminance, daylight_subtract, illuminance_stats
from luxcheck.messages import Message, Word, _n, not_measured
from luxcheck.model import Classroom, IlluminanceReading

FloatArray = npt.NDArray[np.float64]
SurfaceName = Literal["desk", "board"]
Method = Literal["centre", "four-corner"]


#: Default grid spacing per surface [m] (GB/T 5700-2008 as recalled, see the module docstring).
DEFAULT_SPACING_M: dict[str, float] = {"desk": 1.0, "board": 0.5}


@dataclass(frozen=True)
class PlanPoint:
    """One measuring point: its index in the plan, coordinates and label.

    Desk points: ``x_m`` across the room, ``y_m`` from the blackboard wall. Board points:
    ``x_m`` along the board from its left edge, ``y_m`` above the board's bottom edge.
    Labels are ``D<row>-<col>`` (row 1 = front) and ``B<row>-<col>`` (row 1 = top).
    """

    index: int
    x_m: float
    y_m: float
    label: str
    row: int
    col: int


@dataclass(frozen=True, eq=False)
class PointPlan:
    """A measuring-point plan for one surface of one classroom.

    Attributes
    ----------
    surface, method
        What is measured and how.
    rows, cols
        Shape of the point lattice (rows along y, columns along x).
    cell_rows, cell_cols
        Number of grid cells along y and x.
    x_min_m, x_max_m, y_min_m, y_max_m
        The area's bounds [m].
    cell_x_m, cell_y_m
        Cell size [m].
    points
        The points in measuring order (row by row).
    weights
        Weight of each point in the mean, normalised to sum 1.
    """

    surface: SurfaceName
    method: Method
    rows: int
    cols: int
    cell_rows: int
    cell_cols: int
    x_min_m: float
    x_max_m: float
    y_min_m: float
    y_max_m: float
    cell_x_m: float
    cell_y_m: float
    points: tuple[PlanPoint, ...]
    weights: FloatArray

    @property
    def n_points(self) -> int:
        """Number of measuring points."""
        return len(self.points)

    @property
    def x_m(self) -> FloatArray:
        """x of every point [m]."""
        return np.array([p.x_m for p in self.points])

    @property
    def y_m(self) -> FloatArray:
        """y of every point [m]."""
        return np.array([p.y_m for p in self.points])

    @property
    def area_m2(self) -> float:
        """The area covered [m²]."""
        return (self.x_max_m - self.x_min_m) * (self.y_max_m - self.y_min_m)


def _cells(side_m: float, spacing_m: float) -> int:
    return max(1, math.ceil(side_m / spacing_m - 1e-9))


def point_plan(
    classroom: Classroom,
    surface: SurfaceName,
    method: Method = "centre",
    spacing_m: float | None = None,
    border_m: float = 0.0,
) -> PointPlan:
    """Lay out the measuring points on the desk plane or the blackboard.

    Parameters
    ----------
    classroom
        Room geometry (desk area, board size).
    surface
        ``"desk"``: the desk area from ``desk_front_m`` to ``desk_back_m``, full width.
        ``"board"``: ``board_width_m`` × ``board_height_m`` on the board face.
    method
        ``"centre"``: one point at the centre of each cell. ``"four-corner"``: points at the cell
        corners, weighted 1 (area corners), 2 (other edge points), 4 (interior).
    spacing_m
        Largest cell side [m]; default :data:`DEFAULT_SPACING_M`.
    border_m
        Distance of the measured area from the side walls (desk) or the board's side edges
        [m]; 0: the full width.

    Returns
    -------
    PointPlan

    Raises
    ------
    InputError
        Unknown surface or method, a spacing that is not a positive number, a border that
        leaves no area, or a plan that puts points on the walls (the four-corner method
        over the full room width: its outer points would lie in the side walls, where no
        desk is and no meter can be held; the same room read 0.36 that way, 0.70 on the
        centre grid).
    """
    if surface not in ("desk", "board"):
        raise InputError(f"{surface!r}: expected 'desk' or 'board'", column="surface")
    if method not in ("centre", "four-corner"):
        raise InputError(f"{method!r}: expected 'centre' or 'four-corner'", column="method")
    spacing = DEFAULT_SPACING_M[surface] if spacing_m is None else spacing_m
    if isinstance(spacing, bool) or not isinstance(spacing, int | float) or not spacing > 0:
        raise InputError(f"expected a spacing > 0 m, got {spacing_m!r}", column="spacing_m")
    if not math.isfinite(spacing):
        raise InputError("expected a finite spacing", column="spacing_m")
    width = classroom.width_m if surface == "desk" else classroom.board_width_m
    if not (math.isfinite(border_m) and 0.0 <= border_m < width / 2):
        raise InputError(
            f"expected a border from 0 to under half the width ({width / 2:g} m), got {border_m!r}",
            column="border_m",
        )
    if surface == "desk" and method == "four-corner" and border_m == 0.0:
        raise InputError(
            "the four-corner method over the full room width puts its outer points on the "
            "side walls; use the centre method or give a border distance from the walls",
            column="method",
        )
    x0, x1 = border_m, width - border_m
    if surface == "desk":
        y0, y1 = classroom.desk_front_m, classroom.desk_back_m
        prefix = "D"
    else:
        y0, y1 = 0.0, classroom.board_height_m
        prefix = "B"
    ncx, ncy = _cells(x1 - x0, spacing), _cells(y1 - y0, spacing)
    dx, dy = (x1 - x0) / ncx, (y1 - y0) / ncy
    if method == "centre":
        xs = x0 + (np.arange(ncx) + 0.5) * dx
        ys = y0 + (np.arange(ncy) + 0.5) * dy
        w2 = np.ones((ncy, ncx))
    else:
        xs = x0 + np.arange(ncx + 1) * dx
        ys = y0 + np.arange(ncy + 1) * dy
        wx = np.full(ncx + 1, 2.0)
        wx[[0, -1]] = 1.0
        wy = np.full(ncy + 1, 2.0)
        wy[[0, -1]] = 1.0
        w2 = np.outer(wy, wx)  # 1 corner, 2 edge, 4 interior
    # board rows are counted from the top, desk rows from the front
    row_order = range(len(ys) - 1, -1, -1) if surface == "board" else range(len(ys))
    points: list[PlanPoint] = []
    weights: list[float] = []
    for r_label, iy in enumerate(row_order, start=1):
        for c_label, ix in enumerate(range(len(xs)), start=1):
            points.append(
                PlanPoint(
                    index=len(points),
                    x_m=float(xs[ix]),
                    y_m=float(ys[iy]),
                    label=f"{prefix}{r_label}-{c_label}",
                    row=r_label,
                    col=c_label,
                )
            )
            weights.append(float(w2[iy, ix]))
    w = np.asarray(weights)
    return PointPlan(
        surface=surface,
        method=method,
        rows=len(ys),
        cols=len(xs),
        cell_rows=ncy,
        cell_cols=ncx,
        x_min_m=x0,
        x_max_m=x1,
        y_min_m=y0,
        y_max_m=y1,
        cell_x_m=dx,
        cell_y_m=dy,
        points=tuple(points),
        weights=w / w.sum(),
    )


def values_from_readings(
    plan: PointPlan,
    readings: Iterable[IlluminanceReading],
    *,
    lights_on: bool = True,
) -> FloatArray:
    """Arrange a plan's readings as an array in point order, NaN where a point has no reading.

    Only readings of the plan's surface with the given ``lights_on`` state and a ``point`` index
    are used. Readings must already be the current ones (superseded and voided readings resolved
    by the store).

    Raises
    ------
    InputError
        A point index outside the plan, or two readings for one point.
    """
    out = np.full(plan.n_points, np.nan)
    seen: dict[int, str] = {}
    for reading in readings:
        if reading.surface != plan.surface or reading.lights_on != lights_on:
            continue
        if reading.point is None:
            continue
        if reading.point >= plan.n_points:
            raise InputError(
                f"reading {reading.reading_id}: point {reading.point} is outside the "
                f"{plan.n_points}-point {plan.surface} plan",
                column="point",
            )
        if reading.point in seen:
            raise InputError(
                f"point {reading.point} ({plan.points[reading.point].label}) has two readings, "
                f"{seen[reading.point]} and {reading.reading_id}: void or supersede one",
                column="point",
            )
        seen[reading.point] = reading.reading_id
        out[reading.point] = reading.illuminance_lx
    return out


class GridMetrics(dict[str, float]):
    """Metric id → value, with ``reasons`` (metric id → why it is NaN) for the not-measured."""

    def __init__(self, values: dict[str, float], reasons: dict[str, Message]) -> None:
        super().__init__(values)
        self.reasons = reasons


_DESK_IDS = {
    "mean_lx": "desk_illuminance_mean_lx",
    "min_lx": "desk_illuminance_min_lx",
    "max_lx": "desk_illuminance_max_lx",
    "u0": "desk_uniformity",
    "u_min_max": "desk_uniformity_min_max",
}


_BOARD_IDS = {
    "mean_lx": "board_illuminance_mean_lx",
    "min_lx": "board_illuminance_min_lx",
    "u0": "board_uniformity",
}


def _surface_metrics(
    plan: PointPlan | None,
    values: npt.ArrayLike | None,
    daylight: npt.ArrayLike | None,
    ids: dict[str, str],
    name: str,
    out: dict[str, float],
    reasons: dict[str, Message],
) -> None:
    if plan is None or values is None:
        why = not_measured(Message(_n("no {word} grid"), word=Word(name)))
        for metric in ids.values():
            out[metric] = math.nan
            reasons[metric] = why
        return
    arr = np.asarray(values, dtype=float)
    if arr.shape != (plan.n_points,):
        raise InputError(
            f"{name}: {arr.size} values for a {plan.n_points}-point plan", column=f"{name}_lx"
        )
    if daylight is not None:
        arr = daylight_subtract(arr, daylight)
    stats = illuminance_stats(arr, plan.weights)
    reason = stats.reason.item()
    for field_name, metric in ids.items():
        out[metric] = float(getattr(stats, field_name))
        if not math.isfinite(out[metric]):
            reasons[metric] = not_measured(reason)


def grid_metrics(
    desk_plan: PointPlan | None = None,
    desk_lx: npt.ArrayLike | None = None,
    board_plan: PointPlan | None = None,
    board_lx: npt.ArrayLike | None = None,
    *,
    desk_daylight_lx: npt.ArrayLike | None = None,
    board_daylight_lx: npt.ArrayLike | None = None,
) -> GridMetrics:
    """Turn a classroom's grid readings into the metric ids (luxcheck.vocabulary).

    Parameters
    ----------
    desk_plan, desk_lx
        The desk plan and its point values in plan order [lx] (NaN = missing).
    board_plan, board_lx
        The same for the blackboard.
    desk_daylight_lx, board_daylight_lx
        Lights-off readings to subtract, if the room was measured with daylight.

    Returns
    -------
    GridMetrics
        ``desk_illuminance_mean_lx``, ``desk_illuminance_min_lx``, ``desk_illuminance_max_lx``,
        ``desk_uniformity``, ``desk_uniformity_min_max``, ``board_illuminance_mean_lx``,
        ``board_illuminance_min_lx``, ``board_uniformity``; NaN values have a reason in
        ``.reasons``.
    """
    out: dict[str, float] = {}
    reasons: dict[str, Message] = {}
    _surface_metrics(desk_plan, desk_lx, desk_daylight_lx, _DESK_IDS, _n("desk"), out, reasons)
    _surface_metrics(board_plan, board_lx, board_daylight_lx, _BOARD_IDS, _n("board"), out, reasons)
    return GridMetrics(out, reasons)


def isolux_surface(
    plan: PointPlan, values: npt.ArrayLike, resolution_m: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Interpolate a plan's readings onto a fine regular grid for an isolux figure.

    Bilinear interpolation on the measured point lattice, over the region the points span (no
    extrapolation to the area's edges, which were not measured). Missing points leave NaN
    holes around them. Reports draw the figure; this returns arrays only.

    Parameters
    ----------
    plan
        The point plan.
    values
        Point values in plan order [lx].
    resolution_m
        Spacing of the output grid [m], > 0.

    Returns
    -------
    (xs, ys, grid)
        xs (nx,), ys (ny,) in the plan's coordinates [m]; grid (ny, nx) [lx].
    """
    arr = np.asarray(values, dtype=float)
    if arr.shape != (plan.n_points,):
        raise InputError(f"{arr.size} values for a {plan.n_points}-point plan", column="values")
    if isinstance(resolution_m, bool) or not resolution_m > 0 or not math.isfinite(resolution_m):
        raise InputError(
            f"expected a resolution > 0 m, got {resolution_m!r}", column="resolution_m"
        )
    check_illuminance(arr, "values")
    px = np.unique(plan.x_m)
    py = np.unique(plan.y_m)
    lattice = np.full((py.size, px.size), np.nan)
    lattice[np.searchsorted(py, plan.y_m), np.searchsorted(px, plan.x_m)] = arr
    nx = max(2, int(np.rint((px[-1] - px[0]) / resolution_m)) + 1) if px.size > 1 else 1
    ny = max(2, int(np.rint((py[-1] - py[0]) / resolution_m)) + 1) if py.size > 1 else 1
    xs = np.linspace(px[0], px[-1], nx)
    ys = np.linspace(py[0], py[-1], ny)
    if px.size < 2 or py.size < 2:
        # a single row or column: interpolate along the line only
        line_axis, line_vals = (px, lattice[0]) if py.size == 1 else (py, lattice[:, 0])
        along = xs if py.size == 1 else ys
        vals = np.interp(along, line_axis, line_vals)
        grid = vals[None, :] if py.size == 1 else vals[:, None]
        return xs, ys, np.asarray(grid, dtype=float)
    from scipy.interpolate import RegularGridInterpolator  # lazily (CLI start-up time)

    interp = RegularGridInterpolator((py, px), lattice, method="linear")
    gy, gx = np.meshgrid(ys, xs, indexing="ij")
    grid = interp(np.stack([gy, gx], axis=-1))
    return xs, ys, np.asarray(grid, dtype=float)
