"""``luxcheck analyse spectra FILE [--json]``: colorimetry of the spectra in a file.

Reads a generic CSV of spectra or a UPRtek / Sekonic / Asensetek / Hopoocolor HP330 export
(:mod:`luxcheck.readers.spectra`), computes chromaticity, CCT, Duv, CIE 13.3 Ra and R1-R14,
TM-30 Rf/Rg, K_B,v and melanopic DER/EDI (:func:`luxcheck.analysis.spectral.spectral_metric_ids`,
the same function as the campaign analysis) and prints a table, or JSON keyed by the metric
vocabulary with ``--json``. Values that cannot be computed are printed as "n/a" (``null`` in
JSON) with the reason. ``--luminaire board`` says the spectra were taken under the blackboard
lamps: the metrics are keyed by the blackboard-lamp ids (``board_cct_K``, ``board_duv``,
``board_cri_ra``, ``board_cri_r9``, ``board_blue_light_kbv_w_per_lm``), as the campaign stores
them.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

import numpy as np

from luxcheck.analysis.spectral import as_board_ids, spectral_metric_ids
from luxcheck.readers import spectra as spectra_io

_K_M = 683.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``analyse spectra``."""
    parser.add_argument(
        "file", help="spectra file: CSV (wavelength + one column per spectrum) or a meter export"
    )
    parser.add_argument("--json", action="store_true", help="print JSON keyed by metric ids")
    parser.add_argument(
        "--format",
        choices=("auto", *spectra_io.FORMATS),
        default="auto",
        help="input format (default: detect from the content)",
    )
    parser.add_argument(
        "--csv-unit",
        choices=("W/m2/nm", "mW/m2/nm", "uW/cm2/nm"),
        default=None,
        help="unit of a generic CSV's values (default: its '# unit:' comment, else relative)",
    )
    parser.add_argument("--no-tm30", action="store_true", help="skip TM-30 Rf/Rg (faster)")
    parser.add_argument(
        "--luminaire",
        choices=("general", "board"),
        default="general",
        help="the light measured: general luminaires (default) or the blackboard lamps "
        "(metrics keyed board_cct_K, board_cri_ra, board_cri_r9, ...)",
    )


def _clean(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def analyse_file(
    path: str,
    *,
    file_format: str = "auto",
    tm30: bool = True,
    csv_unit: str | None = None,
    luminaire: str = "general",
) -> dict[str, Any]:
    """Read a spectra file and compute every spectral metric (the data behind the command).

    Returns
    -------
    dict
        ``{"file", "format", "unit", "wavelength_range_nm", "spectra": [...]}``; each spectrum has
        ``name``, ``metrics`` (metric-vocabulary ids → value or None), ``chromaticity``,
        ``illuminance_lx`` (None for relative spectra), ``reasons`` and ``meter`` (the meter's own
        values). With ``luminaire="board"`` the metrics are the blackboard lamp's ids
        (:func:`luxcheck.analysis.spectral.as_board_ids`).
    """
    data = spectra_io.read_spectra(
        path, format=None if file_format == "auto" else file_format, csv_unit=csv_unit
    )
    absolute = data.unit == spectra_io.UNIT_W
    ids = spectral_metric_ids(
        data.wavelength_nm,
        data.spd,
        tm30=tm30 and luminaire == "general",
        spectral_irradiance=absolute,
        source=data.path,
    )
    res, mel = ids.colour, ids.mel
    spectra = []
    for i, name in enumerate(data.names):
        values = ids.values[i] if luminaire == "general" else as_board_ids(ids.values[i])
        metrics: dict[str, float | None] = {k: _clean(v) for k, v in values.items()}
        reasons = {}
        # reasons in English (the message's English rendering)
        if res.reason[i] is not None:
            reasons["cct_K, duv, cri" if math.isnan(res.cct_K[i]) else "cri"] = str(res.reason[i])
        if res.tm30_reason[i] is not None:
            reasons["tm30"] = str(res.tm30_reason[i])
        if mel.reason[i] is not None:
            reasons["melanopic_edi_lx"] = str(mel.reason[i])
        spectra.append(
            {
                "name": name,
                "metrics": metrics,
                "chromaticity": {
                    "x": _clean(float(res.x[i])),
                    "y": _clean(float(res.y[i])),
                    "u_prime": _clean(float(res.u_prime[i])),
                    "v_prime": _clean(float(res.v_prime[i])),
                },
                "illuminance_lx": _clean(_K_M * float(res.Y[i])) if absolute else None,
                "reasons": reasons,
                "meter": data.meter_values[i] if i < len(data.meter_values) else {},
            }
        )
    return {
        "file": data.path,
        "format": data.format,
        "unit": data.unit,
        "luminaire": luminaire,
        "wavelength_range_nm": [float(data.wavelength_nm[0]), float(data.wavelength_nm[-1])],
        "conventions": (
            "CIE 1931 2° for XYZ/CCT/Duv/CRI, CIE 1964 10° for TM-30; Ohno 2013 CCT over "
            "1000-25000 K; Duv positive above the Planckian locus; CIE 13.3 gate |Duv| <= 5.4e-3"
        ),
        "spectra": spectra,
    }


#: The metric ids the table prints (``board_``-prefixed for a blackboard lamp's spectra; the
#: general-lighting-only ones are then "n/a").
_TABLE_IDS = (
    "cct_K",
    "duv",
    "cri_ra",
    "cri_r9",
    "tm30_rf",
    "tm30_rg",
    "blue_light_kbv_w_per_lm",
    "melanopic_der",
)


def _fmt(value: float | None, digits: int) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _table(report: dict[str, Any]) -> str:
    lines = [
        f"{report['file']}  ({report['format']}, {report['unit']}, "
        f"{report['wavelength_range_nm'][0]:g}-{report['wavelength_range_nm'][1]:g} nm)",
        "Duv is positive above the Planckian locus; Ra/Ri need |Duv| <= 0.0054 (CIE 13.3).",
        "",
    ]
    header = (
        f"{'spectrum':<24} {'E (lx)':>8} {'CCT (K)':>8} {'Duv':>8} {'Ra':>6} {'R9':>7} "
        f"{'Rf':>6} {'Rg':>6} {'K_B,v (W/lm)':>12} {'mel-DER':>7}"
    )
    lines += [header, "-" * len(header)]
    notes = []
    prefix = "board_" if report["luminaire"] == "board" else ""
    for s in report["spectra"]:
        m = {k: s["metrics"].get(prefix + k) for k in _TABLE_IDS}
        name = str(s["name"])
        lines.append(
            f"{name[:24]:<24} {_fmt(s['illuminance_lx'], 1):>8} {_fmt(m['cct_K'], 0):>8} "
            f"{_fmt(m['duv'], 4):>8} {_fmt(m['cri_ra'], 1):>6} {_fmt(m['cri_r9'], 1):>7} "
            f"{_fmt(m['tm30_rf'], 1):>6} {_fmt(m['tm30_rg'], 1):>6} "
            f"{_fmt(m['blue_light_kbv_w_per_lm'], 6):>12} {_fmt(m['melanopic_der'], 3):>7}"
        )
        for key, why in s["reasons"].items():
            if key != "melanopic_edi_lx":
                notes.append(f"  {name}: {key} not given: {why}")
    if notes:
        lines += ["", "Notes:", *notes]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Run ``analyse spectra``; return 0 (errors raise :class:`luxcheck.errors.InputError`)."""
    report = analyse_file(
        args.file,
        file_format=args.format,
        tm30=not args.no_tm30,
        csv_unit=args.csv_unit,
        luminaire=args.luminaire,
    )
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2, default=_json_default)
        sys.stdout.write("\n")
    else:
        print(_table(report))
    return 0


def _json_default(obj: object) -> object:
    if isinstance(obj, np.generic):
        return obj.item()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")
