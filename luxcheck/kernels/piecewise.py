"""Piecewise-linear limit functions (a limit that depends on another metric).

The GB 40070 波动深度 limit and the IEEE 1789 curves are functions of the flicker frequency; a
pack writes them as points (``standards/README.md``) and this module evaluates them, vectorised.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from luxcheck.errors import InputError


@dataclass(frozen=True)
class PiecewiseLinear:
    """A limit as a piecewise-linear function of another metric.

    Parameters
    ----------
    of
        The metric id of the argument (e.g. ``flicker_frequency_hz``).
    x, y
        Break points; ``x`` non-decreasing. A repeated ``x`` is a step.
    step_side
        At a step, which value applies at exactly that ``x``: ``"left"`` (the band ending
        there) or ``"right"`` (the band starting there).
    beyond
        Above the last ``x``: ``"no-limit"`` (NaN is returned: nothing to comply with) or
        ``"hold"`` (the last value).
    """

    of: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    step_side: Literal["left", "right"] = "left"
    beyond: Literal["no-limit", "hold"] = "no-limit"

    def __post_init__(self) -> None:
        if len(self.x) != len(self.y) or len(self.x) < 2:
            raise InputError("a piecewise limit needs at least two [x, y] points", column="points")
        xs = np.asarray(self.x, dtype=float)
        if not np.all(np.isfinite(xs)) or not np.all(np.isfinite(self.y)):
            raise InputError("points must be finite numbers", column="points")
        if np.any(np.diff(xs) < 0):
            raise InputError("x of the points must not decrease", column="points")
        if np.any((xs[2:] == xs[1:-1]) & (xs[1:-1] == xs[:-2])):
            raise InputError("an x may repeat once (a step), not more", column="points")
        if self.step_side not in ("left", "right"):
            raise InputError(
                f"step_side {self.step_side!r}: expected left or right", column="step_side"
            )
        if self.beyond not in ("no-limit", "hold"):
            raise InputError(f"beyond {self.beyond!r}: expected no-limit or hold", column="beyond")

    def __call__(self, x: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Evaluate at ``x`` (any shape). NaN where there is no limit (above the last point
        with ``beyond='no-limit'``, or NaN input). Below the first point: the first value."""
        xq = np.asarray(x, dtype=float)
        xs = np.asarray(self.x, dtype=float)
        ys = np.asarray(self.y, dtype=float)
        n = xs.size
        if self.step_side == "right":
            # segment start: the last point with x_i <= xq (at a step, the point after it)
            start = np.searchsorted(xs, xq, side="right") - 1
        else:
            # segment end: the first point with x_i >= xq (at a step, the point before it)
            start = np.searchsorted(xs, xq, side="left") - 1
        start = np.clip(start, 0, n - 2)
        x0, x1 = xs[start], xs[start + 1]
        y0, y1 = ys[start], ys[start + 1]
        width = x1 - x0
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.where(width > 0, (xq - x0) / np.where(width > 0, width, 1.0), 1.0)
        out = y0 + np.clip(t, 0.0, 1.0) * (y1 - y0)
        out = np.where(np.isnan(xq), np.nan, out)
        if self.beyond == "no-limit":
            out = np.where(xq > xs[-1], np.nan, out)
        return np.asarray(out, dtype=np.float64)
