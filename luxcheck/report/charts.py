"""The figures of the reports: static backgrounds drawn once and shared, with the measured
data overlaid as SVG, and figures written once under the hash of what they show."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from luxcheck.model import Classroom
from luxcheck.report import svg
from luxcheck.report.figures import (
    CHROMATICITY_LAYOUT,
    FIGURE_STYLE_VERSION,
    FLICKER_LAYOUT,
    AxesGeometry,
    BackgroundLayout,
    FigureRenderer,
)
from luxcheck.report.files import content_key, inside, write_atomic
from luxcheck.report.format import Formatter, as_number, translations
from luxcheck.report.model import (
    CampaignDashboardData,
    ClassroomReportData,
    CriData,
    PlanePoints,
    SpectrumData,
    UgrObserver,
    WaveformExcerpt,
)
from luxcheck.vocabulary import METRICS


@contextlib.contextmanager
def _drawing(lock: Path, key: str | None = None) -> Iterator[None]:
    """Hold an exclusive lock while the background ``key`` is looked for and drawn, so that
    worker processes (and the main process, which draws the shared backgrounds while the
    workers start) draw each one once, and wait only for a background they need that another
    is drawing: a POSIX record lock on one byte of the file ``lock`` chosen by the key (a
    collision of two keys only makes one wait for the other); ``key=None`` locks the whole
    file (every background). Without ``fcntl`` (Windows) each process may draw a background,
    the same bytes, and nothing waits."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    length, offset = lock_range(key)
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a+b") as handle:
        fcntl.lockf(handle, fcntl.LOCK_EX, length, offset)
        try:
            yield
        finally:
            fcntl.lockf(handle, fcntl.LOCK_UN, length, offset)


#: The bytes of the backgrounds' lock file that keys are locked on.
_LOCK_SLOTS = 1 << 20


def lock_range(key: str | None) -> tuple[int, int]:
    """The (length, offset) of the lock file that :func:`_drawing` locks for ``key``: one
    byte chosen by the key, or for None the whole file (length 0: to its end and beyond)."""
    if key is None:
        return 0, 0
    return 1, 1 + int(content_key(key)[:8], 16) % _LOCK_SLOTS


#: How near the blackboard wall [m] a UGR observer's label goes below its point.
_BOARD_WALL_M = 1.0


class ReportFigures:
    """The figures of one language in one output folder (a base of the page renderer).

    Held once per worker process; reuses its figure renderer and the backgrounds drawn.
    """

    def __init__(
        self,
        out_dir: Path,
        lang: str = "zh",
        *,
        figure_format: str = "png",
        backgrounds: Mapping[str, tuple[str, AxesGeometry]] | None = None,
    ) -> None:
        self.out_dir = out_dir
        self.lang = lang
        self.fmt = Formatter(lang)
        self._ = translations(lang).gettext
        self.figure_format = figure_format
        self.figures = FigureRenderer(self._, figure_format, lang)
        self.backgrounds = dict(backgrounds or {})
        #: Set in a render worker whose pages are HTML only: the main process draws the
        #: backgrounds of a fixed layout (:func:`luxcheck.report.render.render_campaign`), so
        #: the worker lays its pages out without waiting for their images.
        self.layouts_drawn_elsewhere = False

    def _figure(
        self, kind: str, key_obj: object, draw: Callable[[], bytes | None], ext: str | None = None
    ) -> str | None:
        """Write a figure once under figures/<kind>-<hash>.<ext>; return its file name (None
        when there is nothing to draw). An existing file of that content is reused."""
        ext = ext or self.figure_format
        key = content_key(key_obj, kind, self.lang, ext, FIGURE_STYLE_VERSION)
        name = f"{kind}-{key[:20]}.{ext}"
        path = inside(self.out_dir, "figures", name)
        if not path.exists():
            data = draw()
            if data is None:
                return None
            write_atomic(path, data)
        return name

    def background(
        self,
        key: str,
        draw: Callable[[], tuple[bytes, AxesGeometry]],
        layout: BackgroundLayout | None = None,
    ) -> tuple[str, AxesGeometry]:
        """A static background figure and its axes geometry: from memory, from the figures
        folder (image + JSON written by an earlier run or another worker), or drawn now; one
        of a fixed ``layout`` that another process draws: its geometry, without waiting."""
        cached = self.backgrounds.get(key)
        if cached is not None:
            return cached
        name = f"{key}-{self.lang}-{FIGURE_STYLE_VERSION}.{self.figure_format}"
        if layout is not None and self.layouts_drawn_elsewhere:
            self.backgrounds[key] = (name, layout.geometry())
            return self.backgrounds[key]
        image = inside(self.out_dir, "figures", name)
        meta = inside(self.out_dir, "figures", name + ".json")
        # one process draws it, the others wait and read it
        with _drawing(inside(self.out_dir, "figures", ".backgrounds.lock"), name):
            result = self._stored_or_drawn(image, meta, draw)
        self.backgrounds[key] = (name, result)
        return name, result

    @staticmethod
    def _stored_or_drawn(
        image: Path, meta: Path, draw: Callable[[], tuple[bytes, AxesGeometry]]
    ) -> AxesGeometry:
        if image.exists() and meta.exists():
            stored = json.loads(meta.read_text(encoding="utf-8"))
            geometry = AxesGeometry(
                float(stored["width_px"]),
                float(stored["height_px"]),
                float(stored["left_px"]),
                float(stored["right_px"]),
                float(stored["top_px"]),
                float(stored["bottom_px"]),
                (float(stored["xlim"][0]), float(stored["xlim"][1])),
                (float(stored["ylim"][0]), float(stored["ylim"][1])),
                bool(stored["xlog"]),
                bool(stored["ylog"]),
            )
        else:
            data, geometry = draw()
            write_atomic(image, data)
            write_atomic(meta, json.dumps(dataclasses.asdict(geometry)).encode())
        return geometry

    def share_backgrounds(self, other_out: Path) -> int:
        """Copy into this output's figures folder the backgrounds an output of the same
        language and figure format at ``other_out`` has drawn (image and geometry), so that
        they are read rather than drawn again (matplotlib: about 0.3 s a figure); return how
        many were copied. Backgrounds already here are kept."""
        suffix = f"-{self.lang}-{FIGURE_STYLE_VERSION}.{self.figure_format}"
        source = other_out / "figures"
        copied = 0
        with _drawing(inside(self.out_dir, "figures", ".backgrounds.lock")):
            for meta in sorted(source.glob(f"*{suffix}.json")):
                image = meta.with_suffix("")
                target = inside(self.out_dir, "figures", image.name)
                if not image.is_file() or target.exists():
                    continue
                write_atomic(target, image.read_bytes())
                write_atomic(target.with_name(meta.name), meta.read_bytes())
                copied += 1
        return copied

    def _room_background(self, room: Classroom) -> tuple[str, AxesGeometry]:
        """The plan frame for rooms of this size class (whole metres)."""
        width, length = math.ceil(room.width_m), math.ceil(room.length_m)
        xlim, ylim = (-0.4, width + 0.4), (length + 0.4, -0.9)
        return self.background(
            f"plan-{width}x{length}",
            functools.partial(
                self.figures.plan_background,
                xlim,
                ylim,
                self._("Across the room x [m]"),
                self._("From the blackboard wall y [m]"),
                3.8,
            ),
        )

    def _room_shapes(
        self, room: Classroom, g: AxesGeometry, luminaires: Sequence[tuple[float, float]]
    ) -> list[dict[str, Any] | None]:
        board_x = (room.width_m - room.board_width_m) / 2
        shapes = [
            svg.rect(g, 0.0, 0.0, room.width_m, room.length_m, fill="none", stroke="#000"),
            svg.rect(
                g,
                0.0,
                room.desk_front_m,
                room.width_m,
                room.desk_back_m,
                fill="none",
                stroke="#666",
                dash=True,
            ),
            svg.rect(
                g, board_x, -0.15, board_x + room.board_width_m, 0.0, fill="#2f4f3f", stroke="none"
            ),
            svg.text(g, room.width_m / 2, -0.3, self._("Blackboard"), anchor="middle"),
        ]
        for x, y in luminaires:
            shapes.append(
                svg.rect(g, x - 0.3, y - 0.6, x + 0.3, y + 0.6, fill="#ffffcc", stroke="#666")
            )
        return shapes

    def _classroom_figures(self, report: ClassroomReportData) -> list[dict[str, Any]]:
        f, _ = self.fmt, self._
        fig = report.figures
        room = report.classroom
        rel = "../../figures/"
        out: list[dict[str, Any]] = []

        def overlay(
            bg: tuple[str, AxesGeometry],
            title: str,
            shapes: Sequence[dict[str, Any] | None],
            caption: str,
            raster: str | None = None,
        ) -> None:
            name, g = bg
            layer = None
            if raster is not None:
                layer = {
                    "src": rel + raster,
                    "x": f"{g.left_px:g}",
                    "y": f"{g.top_px:g}",
                    "width": f"{g.right_px - g.left_px:g}",
                    "height": f"{g.bottom_px - g.top_px:g}",
                }
            out.append(
                {
                    "kind": "overlay",
                    "title": title,
                    "src": rel + name,
                    "caption": caption,
                    "overlay": {
                        "width": f"{g.width_px:g}",
                        "height": f"{g.height_px:g}",
                        "raster": layer,
                        "shapes": [s for s in shapes if s],
                    },
                }
            )

        def point_chart(
            bg: tuple[str, AxesGeometry],
            title: str,
            x: float,
            y: float,
            label: str,
            caption: str,
        ) -> None:
            """A static chart with one measured point (said in words if off the chart)."""
            pixel = bg[1].to_pixels(x, y)
            if pixel is None:
                caption += " " + _("The measured point lies outside the chart: {label}.").format(
                    label=label
                )
            overlay(bg, title, self._marker(bg[1], pixel, label), caption)

        if fig.desk is not None:
            desk, surface = fig.desk, fig.desk_surface
            bg = self._room_background(room)
            geometry = bg[1]
            raster = self._figure(
                "isolux",
                (desk, surface, geometry),
                functools.partial(self.figures.contour_raster, desk, surface, geometry),
                ext="png",
            )
            shapes = self._room_shapes(room, geometry, fig.luminaires_m)
            for x, y, e in zip(desk.x_m, desk.y_m, desk.value_lx, strict=True):
                shapes.append(svg.circle(geometry, float(x), float(y), 2.5, "#000"))
                shapes.append(
                    svg.text(geometry, float(x), float(y), f.number(float(e), 0), dx=3, dy=-3)
                )
            caption = _(
                "Isolux map of the desk plane with the measured points and their values [lx]."
            )
            caption += " " + _("Bands from {low} lx (dark) to {high} lx (light).").format(
                low=f.number(float(desk.value_lx.min()), 0),
                high=f.number(float(desk.value_lx.max()), 0),
            )
            caption += self._outside_plan(geometry, desk)
            overlay(bg, _("Desk grid"), shapes, caption, raster)
        if fig.board is not None:
            board = fig.board
            width = math.ceil(max(room.board_width_m, float(board.x_m.max())) * 2) / 2
            height = math.ceil(max(room.board_height_m, float(board.y_m.max())) * 2) / 2
            bg = self.background(
                f"board-{width:g}x{height:g}",
                functools.partial(
                    self.figures.plan_background,
                    (-0.2, width + 0.2),
                    (-0.2, height + 0.2),
                    _("Along the board [m]"),
                    _("Height [m]"),
                    4.6,
                ),
            )
            g = bg[1]
            shapes = [
                svg.rect(
                    g,
                    0.0,
                    0.0,
                    room.board_width_m,
                    room.board_height_m,
                    fill="#2f4f3f",
                    stroke="#000",
                )
            ]
            for x, y, e in zip(board.x_m, board.y_m, board.value_lx, strict=True):
                shapes.append(svg.circle(g, float(x), float(y), 3.5, "#ffd24d"))
                shapes.append(
                    svg.text(g, float(x), float(y), f.number(float(e), 0), dx=5, dy=-4, fill="#fff")
                )
            overlay(
                bg,
                _("Blackboard grid"),
                shapes,
                _("Measured points on the blackboard and their values [lx].")
                + self._outside_plan(g, board),
            )
        if fig.spectrum is not None:
            self._spectrum_chart(fig.spectrum, overlay)
        if fig.chromaticity is not None:
            c = fig.chromaticity
            label = f"x = {f.number(c.x, 4)}, y = {f.number(c.y, 4)}"
            if math.isfinite(c.cct_K):
                label += f", {f.number(c.cct_K, 0)} K"
            if math.isfinite(c.duv):
                label += f", Duv = {f.signed(c.duv, 4)}"
            bg = self.background(
                "chromaticity", self.figures.chromaticity_background, CHROMATICITY_LAYOUT
            )
            caption = _(
                "CIE 1931 2° chromaticity of the measured light on the diagram with the "
                "Planckian locus. Duv is positive above the locus."
            )
            point_chart(bg, _("Chromaticity"), c.x, c.y, label, caption)
        if fig.cri is not None:
            self._cri_chart(fig.cri, overlay)
        if fig.waveform is not None:
            self._waveform_chart(fig.waveform, overlay)
        if fig.flicker_point is not None and fig.flicker_limits:
            p = fig.flicker_point
            curves = fig.flicker_limits
            bg = self.background(
                "flicker-" + content_key(curves)[:20],
                functools.partial(self.figures.flicker_background, curves),
                FLICKER_LAYOUT,
            )
            label = (
                f"{f.with_unit(f.number(p.frequency_hz, 1), 'Hz')}, "
                f"{f.with_unit(f.number(p.percent, 2), '%')}"
            )
            caption = _(
                "Percent flicker against frequency with the limit curves of the "
                "standards packs and the measured point."
            )
            point_chart(bg, _("Flicker"), p.frequency_hz, p.percent, label, caption)
        if fig.ugr_observers:
            bg = self._room_background(room)
            g = bg[1]
            shapes = self._room_shapes(room, g, fig.luminaires_m)
            shapes += self._ugr_marks(g, fig.ugr_observers)
            overlay(bg, _("Glare (UGR)"), shapes, _("UGR observer positions and the UGR at each."))
        return out

    def _ugr_marks(
        self, g: AxesGeometry, observers: Sequence[UgrObserver]
    ) -> list[dict[str, Any] | None]:
        """Each UGR observer's point and its label "name: UGR value": above the point, but
        below it within a metre of the blackboard wall, where the background draws the
        blackboard and its caption above the room; observers at one spot (the teacher stands
        where the front-wall observer sits) get their labels one line apart."""
        marks: list[dict[str, Any] | None] = []
        stacked: dict[tuple[float, float], int] = {}
        for obs in observers:
            spot = (round(obs.x_m, 2), round(obs.y_m, 2))
            line = stacked.get(spot, 0)
            stacked[spot] = line + 1
            first = 13 if obs.y_m < _BOARD_WALL_M else -5
            label = f"{self.fmt.observer_name(obs.label)}: UGR {self.fmt.number(obs.ugr, 1)}"
            marks.append(svg.circle(g, obs.x_m, obs.y_m, 4.5, "#1f77b4"))
            marks.append(svg.text(g, obs.x_m, obs.y_m, label, dx=6, dy=first + 11 * line))
        return marks

    def _spectrum_chart(self, data: SpectrumData, overlay: Callable[..., None]) -> None:
        """Relative spectrum (peak = 1) as a polyline over a shared frame (10 nm classes)."""
        f, _ = self.fmt, self._
        peak = float(np.max(data.values))
        if not peak > 0:
            return
        lo = math.floor(float(data.wavelength_nm.min()) / 10) * 10
        hi = math.ceil(float(data.wavelength_nm.max()) / 10) * 10
        bg = self.background(
            f"spectrum-{lo}-{hi}",
            functools.partial(
                self.figures.chart_background,
                (lo, hi),
                (-0.05, 1.08),
                _("Wavelength [nm]"),
                _("Relative spectral distribution"),
            ),
        )
        px, py = bg[1].map_arrays(data.wavelength_nm, data.values / peak)
        at = float(data.wavelength_nm[int(np.argmax(data.values))])
        caption = _(
            "Spectral distribution as measured, relative to its peak ({peak} {unit} "
            "at {wavelength} nm)."
        ).format(peak=f.significant(peak), unit=data.unit, wavelength=f.number(at, 0))
        overlay(bg, _("Spectrum"), [svg.polyline(px, py, "#1f77b4")], caption)

    def _cri_chart(self, data: CriData, overlay: Callable[..., None]) -> None:
        """R1–R14 as bars over a shared frame (lower bound in steps of 25)."""
        f, _ = self.fmt, self._
        finite = data.ri[np.isfinite(data.ri)]
        low = min(0.0, math.floor((float(finite.min()) - 5) / 25) * 25) if finite.size else 0.0
        ticks = tuple((float(i), f"R{i}") for i in range(1, 15))
        bg = self.background(
            f"cri-{low:g}",
            functools.partial(
                self.figures.chart_background, (0.4, 14.6), (low, 105.0), "", _("Index"), ticks
            ),
        )
        g = bg[1]
        shapes: list[dict[str, Any] | None] = []
        for i, (value, colour) in enumerate(zip(data.ri, svg.TCS_COLOURS, strict=True), start=1):
            if math.isfinite(value):
                shapes.append(
                    svg.rect(g, i - 0.35, 0.0, i + 0.35, float(value), fill=colour, stroke="#444")
                )
                shapes.append(
                    svg.text(
                        g,
                        float(i),
                        float(max(value, 0.0)),
                        f.number(value, 0),
                        dy=-2,
                        anchor="middle",
                    )
                )
        caption = _("CIE 13.3 special colour rendering indices R1–R14; Ra = {ra}.").format(
            ra=f.number(data.ra, 1)
        )
        overlay(bg, _("Colour rendering"), shapes, caption)

    def _waveform_chart(self, data: WaveformExcerpt, overlay: Callable[..., None]) -> None:
        """The waveform excerpt relative to its mean, over a shared frame."""
        f, _ = self.fmt, self._
        mean = float(np.mean(data.samples))
        if not mean > 0:
            return
        relative = data.samples / mean
        t_ms = np.arange(data.samples.size) * (1000.0 / data.sample_rate_hz)
        span = math.ceil(float(t_ms[-1]) / 10) * 10 or 10
        top = math.ceil(float(relative.max()) * 4) / 4 + 0.25
        bg = self.background(
            f"waveform-{span}-{top:g}",
            functools.partial(
                self.figures.chart_background,
                (0.0, float(span)),
                (0.0, top),
                _("Time [ms]"),
                _("Relative to the mean"),
            ),
        )
        px, py = bg[1].map_arrays(t_ms, relative)
        caption = _(
            "An excerpt of the measured light waveform, relative to its mean ({mean} {unit})."
        ).format(mean=f.significant(mean), unit=data.unit)
        overlay(bg, _("Light waveform"), [svg.polyline(px, py, "#ff7f0e")], caption)

    def _outside_plan(self, g: AxesGeometry, points: PlanePoints) -> str:
        """A sentence naming the points that fall outside the drawn plan (never hidden)."""
        outside = [
            str(i + 1)
            for i, (x, y) in enumerate(zip(points.x_m, points.y_m, strict=True))
            if g.to_pixels(float(x), float(y)) is None
        ]
        if not outside:
            return ""
        return " " + self._("Points outside the drawn plan: {points}.").format(
            points=self._list(outside)
        )

    def _marker(
        self, g: AxesGeometry, pixel: tuple[float, float] | None, label: str
    ) -> list[dict[str, Any] | None]:
        if pixel is None:
            return []
        x_px, anchor = svg.label_position(g, pixel[0], 8.0, label, 10.0)
        return [
            svg.shape(
                "circle",
                {"cx": pixel[0], "cy": pixel[1], "r": 5.0, "fill": "#d62728", "stroke": "#000"},
            ),
            svg.shape(
                "text",
                {
                    "x": x_px,
                    "y": pixel[1] - 8 if anchor == "middle" else pixel[1] - 6,
                    "text_anchor": anchor,
                    "font_size": "10",
                    "font_family": svg.SVG_FONT,
                },
                label,
            ),
        ]

    def _list(self, items: Iterable[str]) -> str:
        return self.fmt.join(items)

    def _distributions(self, data: CampaignDashboardData) -> list[dict[str, str]]:
        f = self.fmt
        out = []
        for metric_id in (
            "desk_illuminance_mean_lx",
            "desk_uniformity",
            "ugr",
            "flicker_percent",
            "cct_K",
            "cri_ra",
        ):
            values = [as_number(c.metrics.get(metric_id)) for c in data.classrooms]
            marks = sorted(
                {
                    float(x)
                    for c in data.classrooms
                    for v in c.verdicts
                    if v.metric == metric_id
                    for x in (v.limit if isinstance(v.limit, tuple) else (v.limit,))
                    if isinstance(x, int | float)
                }
            )[:4]
            info = METRICS[metric_id]
            label = f.metric_name(metric_id)
            unit = f.unit(info.unit)
            xlabel = f"{label} [{unit}]" if unit else label
            name = self._figure(
                "hist",
                (metric_id, values, marks),
                functools.partial(self.figures.histogram, values, xlabel, marks),
            )
            assert name is not None  # a histogram always draws (empty axes when no values)
            out.append({"title": label, "src": "figures/" + name})
        return out
