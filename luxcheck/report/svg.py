"""SVG overlay shapes (drawn by the browser over a static background figure) in axes
coordinates: rectangles, circles, text labels, polylines."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
from markupsafe import Markup, escape

from luxcheck.report.figures import AxesGeometry

SVG_FONT = "LuxcheckSansSC, sans-serif"
#: The font size of the overlays' labels (in the figure's pixels).
_TEXT_SIZE = "8"
_TEXT_PX = float(_TEXT_SIZE)


@functools.lru_cache(maxsize=4096)
def _escaped(text: str) -> str:
    """``text`` escaped as the template's autoescape would (markupsafe); the colours, fonts,
    anchors and value labels of the shapes recur on every page, so each is escaped once."""
    return str(escape(text))


@functools.lru_cache(maxsize=256)
def _attribute_name(name: str) -> str:
    return name.replace("_", "-")


def shape(tag: str, attrs: Mapping[str, float | str], content: str = "") -> dict[str, Any]:
    """An SVG element for an overlay: tag, text content, and ``markup``, the element with its
    attributes (numbers to 0.1 px) escaped once here (as the template's autoescape would) so
    that the template prints a classroom's few hundred shapes without a loop per attribute."""
    escaped = "".join(
        f' {_attribute_name(name)}="{value:.1f}"'
        if isinstance(value, float)
        else f' {_attribute_name(name)}="{_escaped(str(value))}"'
        for name, value in attrs.items()
    )
    # (a Markup content is printed as it is, as autoescape would: never from the cache)
    inner = _escaped(content) if type(content) is str else escape(content)
    markup = Markup(f"<{tag}{escaped}>{inner}</{tag}>")
    return {"tag": tag, "text": content, "markup": markup}


#: Advance of a character in em of the report font (LuxcheckSansSC): CJK and full-width
#: characters one em, others at most 0.6 em (Latin letters, digits and signs of Source Han
#: Sans / Noto Sans CJK average about 0.55 em), so that a label is never estimated narrower
#: than it prints.
_NARROW_EM, _WIDE_EM = 0.6, 1.0


def text_width(text: str, font_px: float) -> float:
    """An upper estimate of the width (px) of ``text`` set at ``font_px``."""
    wide = sum(1 for c in text if ord(c) >= 0x2E80)
    return font_px * (_NARROW_EM * (len(text) - wide) + _WIDE_EM * wide)


def label_position(
    g: AxesGeometry, x_px: float, gap_px: float, text: str, font_px: float
) -> tuple[float, str]:
    """Where a label of the point at ``x_px`` goes, and its anchor: right of the point
    (``gap_px`` away) where it fits in the figure, else left of it, else centred on the point
    as far as the figure allows, so that no label runs off the figure's edge."""
    width = text_width(text, font_px)
    if x_px + gap_px + width <= g.width_px:
        return x_px + gap_px, "start"
    if x_px - gap_px - width >= 0.0:
        return x_px - gap_px, "end"
    return min(max(x_px, width / 2), max(g.width_px - width / 2, width / 2)), "middle"


def rect(
    g: AxesGeometry,
    x0: float,
    y0: float,
    x1: float,
    y1: float,
    *,
    fill: str,
    stroke: str,
    dash: bool = False,
) -> dict[str, Any] | None:
    a, b = g.to_pixels(x0, y0), g.to_pixels(x1, y1)
    if a is None or b is None:
        return None
    attrs: dict[str, float | str] = {
        "x": min(a[0], b[0]),
        "y": min(a[1], b[1]),
        "width": abs(b[0] - a[0]),
        "height": abs(b[1] - a[1]),
        "fill": fill,
        "stroke": stroke,
        "stroke_width": "0.8",
    }
    if dash:
        attrs["stroke_dasharray"] = "4 3"
    return shape("rect", attrs)


def circle(g: AxesGeometry, x: float, y: float, r: float, fill: str) -> dict[str, Any] | None:
    pixel = g.to_pixels(x, y)
    if pixel is None:
        return None
    return shape(
        "circle",
        {
            "cx": pixel[0],
            "cy": pixel[1],
            "r": r,
            "fill": fill,
            "stroke": "#fff",
            "stroke_width": "0.6",
        },
    )


def text(
    g: AxesGeometry,
    x: float,
    y: float,
    text: str,
    *,
    dx: float = 0.0,
    dy: float = 0.0,
    anchor: str = "start",
    fill: str = "#000",
) -> dict[str, Any] | None:
    pixel = g.to_pixels(x, y)
    if pixel is None:
        return None
    x_px = pixel[0] + dx
    if anchor == "start" and dx > 0:  # a label beside its point: kept inside the figure
        x_px, anchor = label_position(g, pixel[0], dx, text, _TEXT_PX)
    return shape(
        "text",
        {
            "x": x_px,
            "y": pixel[1] + dy,
            "fill": fill,
            "text_anchor": anchor,
            "font_size": _TEXT_SIZE,
            "font_family": SVG_FONT,
        },
        text,
    )


def polyline(
    px: npt.NDArray[np.float64], py: npt.NDArray[np.float64], colour: str
) -> dict[str, Any]:
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in zip(px.tolist(), py.tolist(), strict=True))
    return shape(
        "polyline", {"points": points, "fill": "none", "stroke": colour, "stroke_width": "1"}
    )


# Approximate colours of the CIE 13.3 test colour samples TCS01–TCS14 (bar colours only).
TCS_COLOURS = (
    "#b88a8a",
    "#a99a5a",
    "#8a9a4a",
    "#6aa06a",
    "#6a9aa8",
    "#6a7ab8",
    "#9a7ab0",
    "#b07aa0",
    "#d01010",
    "#e8d020",
    "#208040",
    "#1030a0",
    "#e8c0a0",
    "#506030",
)
