"""The isolux layer of a plan without a plotting library: the stored surface sampled at each
pixel, quantised into matplotlib's contour bands, coloured from the colour map and written as
an indexed-colour PNG with zlib (PNG specification, ISO/IEC 15948: colour type 3 with PLTE and
tRNS chunks, filter type 0).

The analysis stores the desk-plane surface on a regular lattice (``GridSurface``), so the
layer is a bilinear lookup per pixel and one table lookup per band: about a millisecond where
``contourf`` + ``savefig`` took some 40 ms a classroom. The bands are those ``contourf(...,
levels=8)`` draws (``MaxNLocator(9)`` on the data range, trimmed as ``ContourSet._autolev``
trims them; each band coloured at its mid level through the same normalisation), and the
isolines are the pixel edges where the band changes.
"""

from __future__ import annotations

import struct
import zlib
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

#: Opacity of the bands (as ``contourf(alpha=0.8)``) and the isolines: "0.3" grey at the
#: coverage of a 0.4 pt line on a one-pixel edge at 100 dpi (0.4 / 72 * 100 = 0.56).
BAND_ALPHA = 0.8
LINE_RGBA = (77, 77, 77, 142)
PNG_COMPRESS_LEVEL = 3


def contour_levels(zmin: float, zmax: float, bands: int = 8) -> npt.NDArray[np.float64]:
    """The levels ``contourf(levels=bands)`` chooses for data in ``[zmin, zmax]``."""
    from matplotlib.ticker import MaxNLocator

    lev = np.asarray(MaxNLocator(bands + 1).tick_values(zmin, zmax), dtype=float)
    under = np.flatnonzero(lev < zmin)
    over = np.flatnonzero(lev > zmax)
    i0 = int(under[-1]) if under.size else 0
    i1 = int(over[0]) + 1 if over.size else lev.size
    if i1 - i0 < 3:
        i0, i1 = 0, lev.size
    return lev[i0:i1]


@cache
def _colour_map(name: str) -> Any:
    import matplotlib

    return matplotlib.colormaps[name]


def band_colours(
    levels: npt.NDArray[np.float64], vmin: float, vmax: float, cmap: str
) -> npt.NDArray[np.uint8]:
    """RGBA (uint8) of each band between ``levels``: the colour map at the band's mid level,
    normalised to ``[vmin, vmax]``, with the bands' opacity."""
    mid = 0.5 * (levels[:-1] + levels[1:])
    span = vmax - vmin if vmax > vmin else 1.0
    rgba = np.asarray(_colour_map(cmap)((mid - vmin) / span), dtype=float)
    rgba[:, 3] *= BAND_ALPHA
    return np.asarray(np.round(rgba * 255.0), dtype=np.uint8)


def sample_surface(
    x_m: npt.NDArray[np.float64],
    y_m: npt.NDArray[np.float64],
    value: npt.NDArray[np.float64],
    px_x: npt.NDArray[np.float64],
    px_y: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """Bilinear value of the lattice ``value[iy, ix]`` at the pixel centres ``px_x`` (columns)
    × ``px_y`` (rows); NaN outside the lattice or where a corner is NaN (no extrapolation).

    Separable: along x for every lattice row first, then along y for every pixel row."""
    grid = np.asarray(value, dtype=float)
    if x_m[-1] < x_m[0]:
        x_m, grid = x_m[::-1], grid[:, ::-1]
    if y_m[-1] < y_m[0]:
        y_m, grid = y_m[::-1], grid[::-1, :]
    ix, tx, in_x = _weights(x_m, px_x)
    iy, ty, in_y = _weights(y_m, px_y)
    jx, jy = np.minimum(ix + 1, x_m.size - 1), np.minimum(iy + 1, y_m.size - 1)
    along_x = grid[:, ix] * (1.0 - tx) + grid[:, jx] * tx  # (lattice rows, cols)
    along_x[:, ~in_x] = np.nan
    out = along_x[iy] * (1.0 - ty)[:, None] + along_x[jy] * ty[:, None]
    out[~in_y] = np.nan
    return out


def sample_triangles(
    x_m: npt.NDArray[np.float64],
    y_m: npt.NDArray[np.float64],
    value: npt.NDArray[np.float64],
    triangles: npt.NDArray[np.intp],
    px_x: npt.NDArray[np.float64],
    px_y: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """Linear value of scattered points on a triangulation (``triangles``: (n, 3) point
    indices) at the pixel centres ``px_x`` (columns) × ``px_y`` (rows), each monotonic; NaN
    outside every triangle (no extrapolation). What ``tricontourf`` interpolates: the plane
    through each triangle's corners, evaluated from barycentric coordinates over the block of
    pixels that bounds the triangle."""
    flip_x, flip_y = px_x.size > 1 and px_x[0] > px_x[-1], px_y.size > 1 and px_y[0] > px_y[-1]
    cx = px_x[::-1] if flip_x else px_x
    cy = px_y[::-1] if flip_y else px_y
    out = np.full((cy.size, cx.size), np.nan)
    tol = 1e-9
    for a, b, c in np.asarray(triangles, dtype=np.intp):
        xa, xb, xc = float(x_m[a]), float(x_m[b]), float(x_m[c])
        ya, yb, yc = float(y_m[a]), float(y_m[b]), float(y_m[c])
        det = (yb - yc) * (xa - xc) + (xc - xb) * (ya - yc)
        if det == 0.0:
            continue  # a degenerate triangle covers no area
        c0 = int(np.searchsorted(cx, min(xa, xb, xc), "left"))
        c1 = int(np.searchsorted(cx, max(xa, xb, xc), "right"))
        r0 = int(np.searchsorted(cy, min(ya, yb, yc), "left"))
        r1 = int(np.searchsorted(cy, max(ya, yb, yc), "right"))
        if c1 <= c0 or r1 <= r0:
            continue
        dx = cx[c0:c1] - xc
        dy = (cy[r0:r1] - yc)[:, None]
        wa = ((yb - yc) / det) * dx + ((xc - xb) / det) * dy
        wb = ((yc - ya) / det) * dx + ((xa - xc) / det) * dy
        wc = 1.0 - wa - wb
        inside = (wa >= -tol) & (wb >= -tol) & (wc >= -tol)
        za, zb, zc = float(value[a]), float(value[b]), float(value[c])
        block = out[r0:r1, c0:c1]
        block[inside] = (zc + wa * (za - zc) + wb * (zb - zc))[inside]
    if flip_x:
        out = out[:, ::-1]
    if flip_y:
        out = out[::-1, :]
    return out


def _weights(
    nodes: npt.NDArray[np.float64], at: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Left node index, fraction towards the next node, and whether inside, for each point."""
    inside = (at >= nodes[0]) & (at <= nodes[-1])
    if nodes.size < 2:
        return np.zeros(at.size, dtype=np.intp), np.zeros(at.size), inside
    i = np.clip(np.searchsorted(nodes, at, side="right") - 1, 0, nodes.size - 2)
    return i, (at - nodes[i]) / (nodes[i + 1] - nodes[i]), inside


def band_image(
    field: npt.NDArray[np.float64], levels: npt.NDArray[np.float64]
) -> npt.NDArray[np.uint8]:
    """Palette indices (rows, cols) of a sampled field for :func:`palette`: 0 transparent (NaN
    or outside the levels), ``1 + k`` band ``k`` (between ``levels[k]`` and ``levels[k + 1]``),
    ``1 + n + k`` an isoline over band ``k`` (``n`` bands) where the band of a pixel differs
    from that of its right or lower neighbour."""
    bands = levels.size - 1
    valid = (field >= levels[0]) & (field <= levels[-1])  # False for NaN
    band = np.searchsorted(levels[1:-1], field, side="right").astype(np.uint8)
    edge = np.zeros(field.shape, dtype=bool)
    edge[:, :-1] = valid[:, :-1] & valid[:, 1:] & (band[:, :-1] != band[:, 1:])
    edge[:-1, :] |= valid[:-1, :] & valid[1:, :] & (band[:-1, :] != band[1:, :])
    index = band + np.where(edge, 1 + bands, 1).astype(np.uint8)
    index[~valid] = 0
    return index


def palette(colours: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """The RGBA palette of :func:`band_image`: transparent, the bands, then the isoline over
    each band (the line's grey composited over the band, "source over")."""
    band = colours.astype(float) / 255.0
    line = np.asarray(LINE_RGBA, dtype=float) / 255.0
    alpha = line[3] + band[:, 3] * (1.0 - line[3])
    rgb = (line[:3] * line[3] + band[:, :3] * band[:, 3:] * (1.0 - line[3])) / alpha[:, None]
    over = np.round(np.column_stack([rgb, alpha]) * 255.0).astype(np.uint8)
    return np.vstack([np.zeros((1, 4), np.uint8), colours, over])


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def png_indexed(index: npt.NDArray[np.uint8], rgba: npt.NDArray[np.uint8]) -> bytes:
    """An 8-bit indexed-colour PNG (colour type 3, PLTE + tRNS) of palette indices ``index``
    (rows, cols) with the palette ``rgba`` (n ≤ 256, 4); every scan line with filter type 0."""
    rows, cols = index.shape
    if not 0 < rgba.shape[0] <= 256 or int(index.max(initial=0)) >= rgba.shape[0]:
        raise ValueError("palette indices outside the palette")
    lines = np.zeros((rows, 1 + cols), dtype=np.uint8)
    lines[:, 1:] = index
    header = struct.pack(">IIBBBBB", cols, rows, 8, 3, 0, 0, 0)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", header),
            _chunk(b"PLTE", np.ascontiguousarray(rgba[:, :3]).tobytes()),
            _chunk(b"tRNS", np.ascontiguousarray(rgba[:, 3]).tobytes()),
            _chunk(b"IDAT", zlib.compress(lines.tobytes(), PNG_COMPRESS_LEVEL)),
            _chunk(b"IEND", b""),
        )
    )
