"""The numpy isolux layer (luxcheck.report.raster) against its oracles: matplotlib's contourf
for the levels and band colours, Pillow's PNG decoder for the file, and the analytic case of
bilinear interpolation (a field a + b x + c y + d x y is reproduced exactly)."""

from __future__ import annotations

import io

import matplotlib
import numpy as np
import pytest
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from PIL import Image

from luxcheck.report import raster

matplotlib.use("Agg")


@pytest.mark.parametrize(("zmin", "zmax"), [(212.0, 498.0), (0.5, 0.9), (301.0, 302.5), (-3, 7)])
def test_levels_and_colours_are_those_contourf_draws(zmin: float, zmax: float) -> None:
    """Oracle: matplotlib's ContourSet of contourf(levels=8) on data spanning [zmin, zmax]."""
    z = np.linspace(zmin, zmax, 30).reshape(5, 6)
    norm = Normalize(zmin - 10.0, zmax + 5.0)
    ax = Figure().add_subplot()
    cs = ax.contourf(np.arange(6), np.arange(5), z, levels=8, cmap="YlOrRd_r", norm=norm)
    levels = raster.contour_levels(zmin, zmax)
    np.testing.assert_allclose(levels, cs.levels)
    colours = raster.band_colours(levels, zmin - 10.0, zmax + 5.0, "YlOrRd_r")
    expected = matplotlib.colormaps["YlOrRd_r"](norm(cs.layers))
    expected[:, 3] *= raster.BAND_ALPHA
    np.testing.assert_array_equal(colours, np.round(expected * 255).astype(np.uint8))


def test_bilinear_field_is_reproduced_and_nothing_is_extrapolated() -> None:
    """Analytic case: bilinear interpolation is exact for a + b x + c y + d x y; pixels outside
    the lattice and cells touching a NaN node are NaN (a hole stays a hole)."""
    x = np.linspace(0.5, 6.5, 13)
    y = np.linspace(7.0, 2.0, 11)  # descending, as a plan's y axis may be
    field = lambda xx, yy: 300 + 12 * xx - 7 * yy + 1.5 * xx * yy  # noqa: E731
    gy, gx = np.meshgrid(y, x, indexing="ij")
    px = np.linspace(0.0, 7.0, 71)
    py = np.linspace(8.0, 1.0, 57)
    out = raster.sample_surface(x, y, field(gx, gy), px, py)
    inside = ((py >= 2.0) & (py <= 7.0))[:, None] & ((px >= 0.5) & (px <= 6.5))[None, :]
    ey, ex = np.meshgrid(py, px, indexing="ij")
    np.testing.assert_allclose(out[inside], field(ex, ey)[inside], rtol=1e-12)
    assert np.isnan(out[~inside]).all()
    holed = field(gx, gy)
    holed[5, 6] = np.nan
    out = raster.sample_surface(x, y, holed, np.array([x[6], 0.5 * (x[0] + x[1])]), y[[5]])
    assert np.isnan(out[0, 0]) and np.isfinite(out[0, 1])


def test_triangulated_plane_is_reproduced_and_only_the_hull_is_filled() -> None:
    """Analytic case: linear interpolation on triangles is exact for a plane a + b x + c y;
    pixels outside the points' convex hull are NaN. Oracle for the values at scattered
    points: matplotlib's LinearTriInterpolator (what tricontourf interpolates)."""
    from matplotlib.tri import LinearTriInterpolator, Triangulation

    rng = np.random.default_rng(36876)
    x = np.concatenate([[0.7, 6.5, 0.7, 6.5], rng.uniform(0.7, 6.5, 12)])
    y = np.concatenate([[2.6, 2.6, 8.0, 8.0], rng.uniform(2.6, 8.0, 12)])
    plane = lambda xx, yy: 310 + 9 * xx - 4 * yy  # noqa: E731
    tri = Triangulation(x, y)
    px = np.linspace(0.0, 7.2, 61)
    py = np.linspace(9.0, 1.5, 47)  # descending: image rows from the top of an inverted axis
    out = raster.sample_triangles(x, y, plane(x, y), tri.triangles, px, py)
    ey, ex = np.meshgrid(py, px, indexing="ij")
    inside = (ex >= 0.7) & (ex <= 6.5) & (ey >= 2.6) & (ey <= 8.0)
    np.testing.assert_allclose(out[inside], plane(ex, ey)[inside], rtol=1e-12)
    assert np.isnan(out[~inside]).all()
    z = rng.uniform(250.0, 600.0, x.size)
    out = raster.sample_triangles(x, y, z, tri.triangles, px, py)
    expected = LinearTriInterpolator(tri, z)(ex, ey).filled(np.nan)
    np.testing.assert_allclose(out, expected, rtol=1e-9, equal_nan=True)


def test_bands_lines_and_holes_in_the_index_image() -> None:
    """Property of the quantisation: a pixel in band k gets 1 + k, a pixel whose right or
    lower neighbour lies in another band is an isoline (1 + n + k), NaN is transparent (0)
    and a NaN neighbour makes no line."""
    levels = np.array([0.0, 10.0, 20.0, 30.0])
    field = np.array([[1.0, 2.0, 15.0, 16.0], [3.0, 4.0, 25.0, np.nan], [5.0, 6.0, 26.0, 27.0]])
    index = raster.band_image(field, levels)
    n = 3
    expected = np.array([[1, 1 + n, 2 + n, 2], [1, 1 + n, 3, 0], [1, 1 + n, 3, 3]], dtype=np.uint8)
    np.testing.assert_array_equal(index, expected)


def test_indexed_png_decodes_to_the_palette_colours() -> None:
    """Oracle: Pillow's PNG decoder reads back every pixel's RGBA from PLTE and tRNS."""
    colours = raster.band_colours(np.array([0.0, 1.0, 2.0, 3.0]), 0.0, 3.0, "YlOrRd_r")
    rgba = raster.palette(colours)
    index = np.array([[0, 1, 2, 3, 4], [5, 6, 1, 0, 2]], dtype=np.uint8)
    decoded = np.asarray(Image.open(io.BytesIO(raster.png_indexed(index, rgba))).convert("RGBA"))
    np.testing.assert_array_equal(decoded, rgba[index])
    with pytest.raises(ValueError, match="palette"):
        raster.png_indexed(np.array([[7]], dtype=np.uint8), rgba)


def test_isoline_over_a_band_is_the_source_over_composite() -> None:
    """Porter-Duff "source over" (the line's grey over the band's colour): an opaque band under
    a line at alpha a gives a·grey + (1 − a)·band, opaque."""
    band = np.array([[200, 100, 50, 255]], dtype=np.uint8)
    over = raster.palette(band)[2].astype(float)
    a = raster.LINE_RGBA[3] / 255.0
    grey = raster.LINE_RGBA[0]
    np.testing.assert_allclose(over[:3], a * grey + (1 - a) * band[0, :3], atol=0.5)
    assert over[3] == 255
