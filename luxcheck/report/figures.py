"""Report figures with matplotlib's object-oriented API (Agg; PNG or SVG bytes).

Speed: the isolux layer is rasterised in numpy (:mod:`luxcheck.report.raster`); no pyplot, no
``bbox_inches="tight"``; the figures whose artists only change data (spectrum, CRI bars,
waveform) are built once per renderer and updated in place; the CIE 1931 diagram and the
flicker limit chart are drawn once as *backgrounds* whose axes geometry is returned, so that the
measured point is overlaid in the HTML (an inline SVG marker) without redrawing anything.

Figures never hold thresholds: the flicker limit curves and the histogram marks come from the
caller (the standards packs via the verdicts). Labels go through the ``gettext`` function the
renderer is given, so that a figure speaks the report's language.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from luxcheck.report import raster
from luxcheck.report.model import (
    GridSurface,
    LimitCurve,
    PlanePoints,
)
from luxcheck.resources import reports_dir

if TYPE_CHECKING:  # matplotlib is imported where a figure is drawn (start-up time of the CLI)
    from matplotlib.figure import Figure

#: Bumped whenever a figure's look changes, so cached figure files are redrawn.
FIGURE_STYLE_VERSION = "2"
FONT_FILE = "LuxcheckSansSC-Regular.otf"
FONT_FAMILY = "LuxcheckSansSC"
DPI = 100
_CMAP = "YlOrRd_r"
_PNG_OPTIONS: dict[str, Any] = {"compress_level": 3}

# Planck's radiation constants [W m², m K] (CODATA 2018 exact values, c2 = h c / k).
_C1 = 3.741771852e-16
_C2 = 1.438776877e-2
_LOCUS_TICKS_K = (2000.0, 3000.0, 4000.0, 6500.0, 10000.0)

Gettext = Callable[[str], str]


def _n(message: str) -> str:
    """Mark a message for translation (extracted by scripts/update_catalogs.py)."""
    return message


@cache
def _register_font() -> str:
    from matplotlib import font_manager

    path = reports_dir() / "fonts" / FONT_FILE
    font_manager.fontManager.addfont(str(path))
    return FONT_FAMILY


def _rc_context() -> Any:
    """matplotlib's rc context with the report style (imports matplotlib on first use)."""
    import matplotlib

    return matplotlib.rc_context(_rc())


def _rc() -> Any:
    return {
        "font.family": [_register_font()],
        "font.size": 8.0,
        "axes.titlesize": 9.0,
        "axes.labelsize": 8.0,
        "svg.fonttype": "path",
        "svg.hashsalt": "luxcheck",
        "axes.unicode_minus": True,
    }


@dataclass(frozen=True)
class AxesGeometry:
    """Where a background figure's axes sit, to overlay a data point in the HTML.

    Pixel coordinates have the origin at the top-left of the image.
    """

    width_px: float
    height_px: float
    left_px: float
    right_px: float
    top_px: float
    bottom_px: float
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    xlog: bool
    ylog: bool

    def to_pixels(self, x: float, y: float) -> tuple[float, float] | None:
        """Image pixel position of a data point; None if it is off the axes (or not finite)."""
        fx = self._fraction(x, self.xlim, self.xlog)
        fy = self._fraction(y, self.ylim, self.ylog)
        if fx is None or fy is None:
            return None
        px = self.left_px + fx * (self.right_px - self.left_px)
        py = self.bottom_px - fy * (self.bottom_px - self.top_px)
        return px, py

    def map_arrays(
        self, x: npt.ArrayLike, y: npt.ArrayLike
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Pixel positions of many points on linear axes (not clipped to the axes)."""
        x0, x1 = self.xlim
        y0, y1 = self.ylim
        xs = np.asarray(x, dtype=float)
        ys = np.asarray(y, dtype=float)
        px = self.left_px + (xs - x0) / (x1 - x0) * (self.right_px - self.left_px)
        py = self.bottom_px - (ys - y0) / (y1 - y0) * (self.bottom_px - self.top_px)
        return px, py

    @staticmethod
    def _fraction(value: float, lim: tuple[float, float], log: bool) -> float | None:
        if not math.isfinite(value):
            return None
        lo, hi = lim
        if log:
            if value <= 0:
                return None
            value, lo, hi = math.log10(value), math.log10(lo), math.log10(hi)
        fraction = (value - lo) / (hi - lo)
        return fraction if 0.0 <= fraction <= 1.0 else None


@dataclass(frozen=True)
class BackgroundLayout:
    """A background's figure size, axes rectangle (figure fractions: left, bottom, width,
    height) and axes limits, fixed before it is drawn: where its axes sit is known without
    drawing it (a page can be laid out while another process draws the image)."""

    size_in: tuple[float, float]
    rect: tuple[float, float, float, float]
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    xlog: bool = False
    ylog: bool = False

    def geometry(self) -> AxesGeometry:
        """The geometry :func:`_geometry` reads off the drawn figure."""
        width, height = round(self.size_in[0] * DPI), round(self.size_in[1] * DPI)
        left, bottom, w, h = self.rect
        return AxesGeometry(
            float(width),
            float(height),
            left * width,
            (left + w) * width,
            height - (bottom + h) * height,
            height - bottom * height,
            self.xlim,
            self.ylim,
            self.xlog,
            self.ylog,
        )

    def axes(self) -> tuple[Figure, Any]:
        """A new figure and its axes, on this layout's scales (limits: set them last)."""
        fig = _new_figure(*self.size_in)
        ax = fig.add_axes(self.rect)
        if self.xlog:
            ax.set_xscale("log")
        if self.ylog:
            ax.set_yscale("log")
        return fig, ax


#: The CIE 1931 chromaticity diagram's background.
CHROMATICITY_LAYOUT = BackgroundLayout((4.0, 4.0), (0.14, 0.11, 0.82, 0.84), (0.0, 0.8), (0.0, 0.9))
#: The flicker limit chart's background (log-log).
FLICKER_LAYOUT = BackgroundLayout(
    (5.0, 3.2), (0.12, 0.14, 0.62, 0.76), (1.0, 1e5), (0.01, 100.0), xlog=True, ylog=True
)


def _geometry(fig: Figure, ax: Any) -> AxesGeometry:
    fig.canvas.draw()
    width, height = fig.canvas.get_width_height()
    bbox = ax.get_window_extent()
    return AxesGeometry(
        float(width),
        float(height),
        float(bbox.x0),
        float(bbox.x1),
        float(height - bbox.y1),
        float(height - bbox.y0),
        tuple(float(v) for v in ax.get_xlim()),  # type: ignore[arg-type]
        tuple(float(v) for v in ax.get_ylim()),  # type: ignore[arg-type]
        ax.get_xscale() == "log",
        ax.get_yscale() == "log",
    )


def _save(fig: Figure, fmt: str) -> bytes:
    buffer = io.BytesIO()
    if fmt == "png":
        fig.savefig(buffer, format="png", dpi=DPI, pil_kwargs=_PNG_OPTIONS)
    else:
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _new_figure(width_in: float, height_in: float) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_in, height_in), dpi=DPI, layout=None)
    FigureCanvasAgg(fig)
    return fig


# --------------------------------------------------------------------------- colorimetry data
@cache
def _cmfs() -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    # luxcheck.data is a namespace package; resources.files on the parent package gives a
    # plain path in a checkout and in a wheel alike.
    source = resources.files("luxcheck").joinpath("data", "cie1931_locus_for_figures.csv")
    with source.open("r", encoding="utf-8") as handle:
        table = np.loadtxt(handle, delimiter=",", comments="#", skiprows=5)
    return table[:, 0], table[:, 1:4]


def spectral_locus_xy() -> npt.NDArray[np.float64]:
    """CIE 1931 spectral locus (x, y) from 360 to 830 nm at 5 nm, shape (n, 2)."""
    _, cmf = _cmfs()
    total = cmf.sum(axis=1, keepdims=True)
    return np.asarray(cmf[:, :2] / total, dtype=np.float64)


def planckian_xy(cct_K: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """CIE 1931 (x, y) of a blackbody at ``cct_K`` [K] (shape (..., 2)), by summing Planck's
    law against the 5 nm CMF table — for drawing the locus, not for colorimetry."""
    wl_nm, cmf = _cmfs()
    t = np.asarray(cct_K, dtype=float)[..., np.newaxis]
    wl_m = wl_nm * 1e-9
    with np.errstate(over="ignore"):
        spd = _C1 / wl_m**5 / np.expm1(_C2 / (wl_m * t))
    xyz = spd @ cmf
    return np.asarray(xyz[..., :2] / xyz.sum(axis=-1, keepdims=True), dtype=np.float64)


def _horseshoe_rgb(grid: int = 220) -> npt.NDArray[np.float64]:
    """An RGBA image of the chromaticity gamut (approximate sRGB, for orientation only)."""
    from matplotlib.path import Path as MplPath

    xs = np.linspace(0.0, 0.8, grid)
    ys = np.linspace(0.0, 0.9, grid)
    xx, yy = np.meshgrid(xs, ys)
    inside = (
        MplPath(spectral_locus_xy())
        .contains_points(np.column_stack([xx.ravel(), yy.ravel()]))
        .reshape(xx.shape)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        X = np.where(yy > 0, xx / yy, 0.0)
        Z = np.where(yy > 0, (1 - xx - yy) / yy, 0.0)
    xyz = np.stack([X, np.ones_like(X), Z], axis=-1)
    m = np.array([[3.2406, -1.5372, -0.4986], [-0.9689, 1.8758, 0.0415], [0.0557, -0.2040, 1.0570]])
    rgb = np.clip(xyz @ m.T, 0.0, None)
    rgb = rgb / np.maximum(rgb.max(axis=-1, keepdims=True), 1e-9)
    rgb = np.where(rgb <= 0.0031308, 12.92 * rgb, 1.055 * rgb ** (1 / 2.4) - 0.055)
    alpha = np.where(inside, 0.55, 0.0)
    return np.concatenate([np.clip(rgb, 0, 1), alpha[..., np.newaxis]], axis=-1)


# --------------------------------------------------------------------------- renderer
class FigureRenderer:
    """Draws a report's figures; one per worker process, reused for every classroom.

    Parameters
    ----------
    gettext
        Translation function for labels (the report's language).
    lang
        ``"zh"`` or ``"en"``: the language of the limit curves' labels.
    fmt
        ``"png"`` (default; fastest in WeasyPrint) or ``"svg"``.
    """

    def __init__(self, gettext: Gettext, fmt: str = "png", lang: str = "zh") -> None:
        if fmt not in ("png", "svg"):
            raise ValueError(f"figure format {fmt!r}: expected png or svg")
        self._ = gettext
        self.fmt = fmt
        self.lang = lang

    # ----------------------------------------------------------------- static backgrounds
    def chromaticity_background(self) -> tuple[bytes, AxesGeometry]:
        """CIE 1931 (x, y) diagram with the spectral and the Planckian locus, drawn once."""
        _ = self._
        with _rc_context():
            fig, ax = CHROMATICITY_LAYOUT.axes()
            ax.imshow(_horseshoe_rgb(), origin="lower", extent=(0.0, 0.8, 0.0, 0.9), aspect="auto")
            locus = spectral_locus_xy()
            closed = np.vstack([locus, locus[:1]])
            ax.plot(closed[:, 0], closed[:, 1], color="0.2", lw=0.8)
            for wl in (460, 480, 500, 520, 540, 560, 580, 600, 620):
                i = int((wl - 360) / 5)
                ax.annotate(
                    f"{wl}",
                    locus[i],
                    fontsize=6,
                    color="0.3",
                    textcoords="offset points",
                    xytext=(4, 0) if wl > 500 else (-14, -2),
                )
            temps = np.geomspace(1000.0, 25000.0, 200)
            planck = planckian_xy(temps)
            ax.plot(planck[:, 0], planck[:, 1], color="k", lw=1.0, label=_("Planckian locus"))
            ticks = planckian_xy(np.array(_LOCUS_TICKS_K))
            ax.plot(ticks[:, 0], ticks[:, 1], "k|", ms=6)
            for t, (px, py) in zip(_LOCUS_TICKS_K, ticks, strict=True):
                ax.annotate(
                    f"{t:.0f} K",
                    (px, py),
                    fontsize=5.5,
                    xytext=(-4, -9),
                    textcoords="offset points",
                    rotation=-35,
                )
            ax.set_xlim(*CHROMATICITY_LAYOUT.xlim)
            ax.set_ylim(*CHROMATICITY_LAYOUT.ylim)
            ax.set_xlabel("x")
            ax.set_ylabel("y")
            ax.set_title(_("CIE 1931 chromaticity diagram"))
            ax.legend(loc="upper right", fontsize=6, frameon=False)
            geometry = _geometry(fig, ax)
            return _save(fig, self.fmt), geometry

    def flicker_background(self, curves: Sequence[LimitCurve]) -> tuple[bytes, AxesGeometry]:
        """Percent flicker against frequency (log-log) with the caller's limit curves."""
        _ = self._
        with _rc_context():
            fig, ax = FLICKER_LAYOUT.axes()
            styles = ["-", "--", ":", "-."]
            for i, curve in enumerate(curves):
                keep = (curve.frequency_hz > 0) & (curve.percent > 0)
                label = curve.label(self.lang)
                ax.plot(
                    curve.frequency_hz[keep],
                    curve.percent[keep],
                    styles[i % len(styles)],
                    color="0.45" if curve.advisory else "C3",
                    lw=1.2,
                    label=label,
                )
            ax.set_xlim(*FLICKER_LAYOUT.xlim)
            ax.set_ylim(*FLICKER_LAYOUT.ylim)
            ax.grid(True, which="major", lw=0.3, color="0.8")
            ax.set_xlabel(_("Frequency [Hz]"))
            ax.set_ylabel(_("Percent flicker [%]"))
            ax.set_title(_("Flicker limits and the measured point"))
            if curves:
                ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=6, frameon=False)
            geometry = _geometry(fig, ax)
            return _save(fig, self.fmt), geometry

    # ----------------------------------------------------------------- per-classroom figures
    def plan_background(
        self,
        xlim: tuple[float, float],
        ylim: tuple[float, float],
        xlabel: str,
        ylabel: str,
        width_in: float,
    ) -> tuple[bytes, AxesGeometry]:
        """Empty axes [m] with equal aspect: the static frame of a room or blackboard plan.

        The room, the points and their values are overlaid in the HTML; the frame depends only
        on the (rounded) extent, so rooms of a size class share one image.
        """
        with _rc_context():
            span_x = abs(xlim[1] - xlim[0])
            span_y = abs(ylim[1] - ylim[0])
            fig = _new_figure(width_in, 0.75 + (width_in - 0.9) * span_y / span_x)
            ax = fig.add_axes((0.14, 0.1, 0.82, 0.86))
            ax.set_xlim(*xlim)
            ax.set_ylim(*ylim)
            ax.set_aspect("equal", adjustable="box")
            ax.set_xlabel(xlabel)
            ax.set_ylabel(ylabel)
            ax.grid(True, lw=0.3, color="0.9")
            geometry = _geometry(fig, ax)
            return _save(fig, self.fmt), geometry

    def contour_raster(
        self,
        points: PlanePoints,
        surface: GridSurface | None,
        geometry: AxesGeometry,
    ) -> bytes | None:
        """Filled isolux bands and isolines over a plan's axes area (transparent PNG, no axes),
        to lay over :meth:`plan_background`; None when the points span no area.

        The layer is rasterised in numpy (:mod:`luxcheck.report.raster`, the bands
        ``contourf(levels=8)`` would draw): the stored surface sampled bilinearly, or, with no
        surface stored, the points' Delaunay triangulation interpolated linearly in each
        triangle (what ``tricontourf`` draws)."""
        if surface is None and (points.x_m.size < 3 or not _triangulable(points)):
            return None
        width_px = geometry.right_px - geometry.left_px
        height_px = geometry.bottom_px - geometry.top_px
        return _raster(points, surface, geometry, width_px, height_px)

    def chart_background(
        self,
        xlim: tuple[float, float],
        ylim: tuple[float, float],
        xlabel: str,
        ylabel: str,
        xticks: Sequence[tuple[float, str]] = (),
    ) -> tuple[bytes, AxesGeometry]:
        """An empty chart frame (grid, ticks, labels, a zero line) for data overlaid in the
        HTML: spectra, waveforms and the R1–R14 bars share frames of the same ranges."""
        with _rc_context():
            fig = _new_figure(4.6, 2.5)
            ax = fig.add_axes((0.12, 0.17, 0.84, 0.78))
            ax.set_xlim(*xlim)
            ax.set_ylim(*ylim)
            if xticks:
                ax.set_xticks([t for t, _label in xticks], [label for _t, label in xticks])
            ax.grid(True, lw=0.3, color="0.88")
            if ylim[0] < 0 < ylim[1]:
                ax.axhline(0.0, color="k", lw=0.6)
            ax.set_xlabel(xlabel)
            ax.set_ylabel(ylabel)
            geometry = _geometry(fig, ax)
            return _save(fig, self.fmt), geometry

    def histogram(self, values: Sequence[float], xlabel: str, marks: Sequence[float] = ()) -> bytes:
        """Distribution of one metric over the campaign; ``marks`` are limit values taken from
        the verdicts (drawn as dashed lines)."""
        _ = self._
        with _rc_context():
            fig = _new_figure(3.6, 2.3)
            ax = fig.add_axes((0.15, 0.2, 0.8, 0.7))
            data = np.asarray([v for v in values if math.isfinite(v)], dtype=float)
            if data.size:
                ax.hist(data, bins=min(30, max(5, int(math.sqrt(data.size)))), color="C0")
            for mark in marks:
                ax.axvline(mark, color="C3", ls="--", lw=1.0)
            ax.set_xlabel(xlabel)
            ax.set_ylabel(_("Classrooms"))
            ax.set_title(_("n = {n}").format(n=int(data.size)), fontsize=7)
            return _save(fig, self.fmt)


def _raster(
    points: PlanePoints,
    surface: GridSurface | None,
    geometry: AxesGeometry,
    width_px: float,
    height_px: float,
) -> bytes | None:
    """The isolux layer at the axes' pixel size: a stored surface, or the points' own
    triangulation (bands of the points' range, as ``tricontourf(levels=8)``)."""
    cols, rows = max(1, int(width_px)), max(1, int(height_px))  # as Agg sizes its canvas
    (x0, x1), (y0, y1) = geometry.xlim, geometry.ylim
    centres_x = x0 + (np.arange(cols) + 0.5) / cols * (x1 - x0)
    centres_y = y1 - (np.arange(rows) + 0.5) / rows * (y1 - y0)  # image rows from the top
    vmin, vmax = float(points.value_lx.min()), float(points.value_lx.max())
    if surface is not None:
        finite = surface.value_lx[np.isfinite(surface.value_lx)]
        if not finite.size:
            return None
        zmin, zmax = float(finite.min()), float(finite.max())
        vmin, vmax = min(vmin, zmin), max(vmax, zmax)
        field = raster.sample_surface(
            surface.x_m, surface.y_m, surface.value_lx, centres_x, centres_y
        )
    else:
        from matplotlib.tri import Triangulation

        zmin, zmax = vmin, vmax
        tri = Triangulation(points.x_m, points.y_m)
        field = raster.sample_triangles(
            points.x_m, points.y_m, points.value_lx, tri.triangles, centres_x, centres_y
        )
    levels = raster.contour_levels(zmin, zmax)
    colours = raster.band_colours(levels, vmin, vmax if vmax > vmin else vmin + 1.0, _CMAP)
    return raster.png_indexed(raster.band_image(field, levels), raster.palette(colours))


def _triangulable(points: PlanePoints) -> bool:
    """Whether the points span an area (not all on one line)."""
    xy = np.column_stack([points.x_m, points.y_m])
    centred = xy - xy.mean(axis=0)
    return bool(np.linalg.matrix_rank(centred, tol=1e-9) == 2)
