"""Limit data the kernels take as arguments, read from the standards packs.

The kernels hold no limits (:mod:`luxcheck.kernels`): the IEEE 1789-2015 risk curves for
:func:`luxcheck.kernels.flicker.ieee1789_class` and the IEC 62471:2006 blue-light radiance
limits of the risk groups for :func:`luxcheck.kernels.photobiology.risk_group` come from the
packs (``standards/ieee-1789-2015.toml``, ``standards/iec-62471-2006.toml``) through
:func:`luxcheck.compliance.packs.get_limit`.
"""

from __future__ import annotations

from pathlib import Path

from luxcheck.compliance.packs import get_limit
from luxcheck.errors import InputError
from luxcheck.kernels.piecewise import PiecewiseLinear

#: Pack limits giving the upper weighted radiance of RG0, RG1, RG2 [W·m⁻²·sr⁻¹].
RISK_GROUP_LIMIT_IDS = {
    "RG0": "iec62471.rg0.blue-light-radiance",
    "RG1": "iec62471.rg1.blue-light-radiance",
    "RG2": "iec62471.rg2.blue-light-radiance",
}


def ieee1789_curves(
    standards_dir: str | Path | None = None,
) -> tuple[PiecewiseLinear, PiecewiseLinear]:
    """Get the IEEE 1789-2015 low-risk and no-effect curves from the standards data.

    Parameters
    ----------
    standards_dir
        Folder of user packs added to the bundled ones
        (:func:`luxcheck.compliance.packs.get_limit`).

    Returns
    -------
    ``(low_risk, no_effect)``: limits ``ieee1789.low-risk`` and ``ieee1789.no-effect``.

    Raises
    ------
    InputError
        A curve that is not a ``<`` limit on ``flicker_percent`` as a function of
        ``flicker_frequency_hz``.
    """
    folder = None if standards_dir is None else Path(standards_dir)
    curves = []
    for limit_id in ("ieee1789.low-risk", "ieee1789.no-effect"):
        limit = get_limit(limit_id, folder)
        function = limit.function
        if (
            limit.metric != "flicker_percent"
            or limit.comparator != "<"
            or function is None
            or function.of != "flicker_frequency_hz"
        ):
            raise InputError(
                f"limit {limit_id}: expected '<' on flicker_percent as a function of "
                "flicker_frequency_hz",
                column="function.of",
            )
        curves.append(function)
    return curves[0], curves[1]


def risk_group_limits() -> dict[str, float]:
    """The IEC 62471 radiance limits of RG0–RG2 from the standards data [W·m⁻²·sr⁻¹]."""
    out = {}
    for group, limit_id in RISK_GROUP_LIMIT_IDS.items():
        limit = get_limit(limit_id)
        if limit.value is None:
            raise ValueError(f"limit {limit_id} has no constant value")
        out[group] = float(limit.value)
    return out
