"""Generate the CIE reference tables shipped in ``luxcheck/data/`` (run once; output committed).

Usage (from the checkout, with the dev environment installed)::

    .venv/bin/python scripts/make_cie_tables.py

Sources
-------
- colour-science 0.4.7 (BSD-3-Clause), used as the data source for every table it ships:
  CIE 1931 2° and CIE 1964 10° colour-matching functions (360-830 nm, 1 nm), the CIE 13.3 test
  colour samples TCS01-TCS14 (360-830 nm, 5 nm), the CIE D-series basis functions S0, S1, S2
  (300-830 nm, 5 nm), the 99 colour evaluation samples of CIE 224:2017 / ANSI/IES TM-30-18
  (380-780 nm, 1 nm), Robertson's (1968) isotemperature lines and MacAdam's (1942) ellipses.
- IEC 62471:2006 Table 4.2 blue-light hazard function B(lambda), as the standard
  tabulates it (5 nm values 380-495 nm, 10^((450-lambda)/50) for
  500-600 nm, 0.001 for 600-700 nm). colour-science does not ship it.
- CIE S 026/E:2018 Table 2 melanopic action spectrum, from ``scripts/sources/`` (transcribed from
  the CIE Table 2 CSV; see that file's header). colour-science does not ship it.

Each output file starts with ``#`` lines naming its source; :mod:`luxcheck._tables` skips them.
"""

from __future__ import annotations

from pathlib import Path

import colour
import numpy as np
from colour.models.datasets.macadam_ellipses import DATA_MACADAM_1942_ELLIPSES
from colour.quality.cfi2017 import load_TCS_CIE2017
from colour.quality.datasets.tcs import SDS_TCS
from colour.temperature.robertson1968 import DATA_ISOTEMPERATURE_LINES_ROBERTSON1968

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "luxcheck" / "data"
SOURCES = ROOT / "scripts" / "sources"
CS = f"colour-science {colour.__version__}"

#: IEC 62471:2006 Table 4.2, B(lambda) at 5 nm from 380 to 495 nm.
B_TABLE_380_495 = [
    0.01, 0.013, 0.025, 0.05, 0.10, 0.20, 0.40, 0.80, 0.90, 0.95, 0.98, 1.00,
    1.00, 0.97, 0.94, 0.90, 0.80, 0.70, 0.62, 0.55, 0.45, 0.40, 0.22, 0.16,
]  # fmt: skip


def _write(name: str, header: list[str], columns: list[np.ndarray], source: list[str]) -> None:
    path = OUT / name
    data = np.column_stack(columns)
    lines = [f"# {line}" for line in source]
    lines.append(",".join(header))
    for row in data:
        lines.append(",".join(f"{v:.10g}" for v in row))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)} {data.shape}")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for key, name in (
        ("CIE 1931 2 Degree Standard Observer", "cie1931_2deg_cmf.csv"),
        ("CIE 1964 10 Degree Standard Observer", "cie1964_10deg_cmf.csv"),
    ):
        cmfs = colour.MSDS_CMFS[key]
        _write(
            name,
            ["wavelength_nm", "xbar", "ybar", "zbar"],
            [cmfs.wavelengths, *cmfs.values.T],
            [
                f"{key} colour-matching functions, {cmfs.shape.start:g}-{cmfs.shape.end:g} nm "
                f"at {cmfs.shape.interval:g} nm (CIE 015:2018).",
                f"Source: {CS}, colour.MSDS_CMFS[{key!r}].",
            ],
        )

    tcs = SDS_TCS["CIE 1995"]
    names = sorted(tcs)
    first = tcs[names[0]]
    _write(
        "cie133_tcs.csv",
        ["wavelength_nm", *names],
        [first.wavelengths, *[tcs[n].values for n in names]],
        [
            "CIE 13.3-1995 test colour samples TCS01-TCS14 (spectral radiance factors), "
            f"{first.shape.start:g}-{first.shape.end:g} nm at {first.shape.interval:g} nm.",
            f"Source: {CS}, colour.quality.datasets.tcs.SDS_TCS['CIE 1995'].",
        ],
    )

    basis = colour.colorimetry.SDS_BASIS_FUNCTIONS_CIE_ILLUMINANT_D_SERIES
    s0 = basis["S0"]
    _write(
        "cie_d_series_basis.csv",
        ["wavelength_nm", "S0", "S1", "S2"],
        [s0.wavelengths, s0.values, basis["S1"].values, basis["S2"].values],
        [
            "CIE daylight (D-series) basis functions S0, S1, S2 (CIE 015:2018 Table 6), "
            f"{s0.shape.start:g}-{s0.shape.end:g} nm at {s0.shape.interval:g} nm.",
            f"Source: {CS}, colour.colorimetry.SDS_BASIS_FUNCTIONS_CIE_ILLUMINANT_D_SERIES.",
        ],
    )

    ces = load_TCS_CIE2017(colour.SpectralShape(380, 780, 1))
    _write(
        "tm30_ces99_1nm.csv",
        ["wavelength_nm", *[f"CES{i + 1:02d}" for i in range(99)]],
        [ces.wavelengths, *ces.values.T],
        [
            "CIE 224:2017 / ANSI/IES TM-30-18 colour evaluation samples CES01-CES99 "
            "(spectral reflectance), 380-780 nm at 1 nm.",
            f"Source: {CS}, colour/quality/datasets/tcs_cfi2017_1_nm.csv.gz.",
        ],
    )

    rob = np.array(DATA_ISOTEMPERATURE_LINES_ROBERTSON1968)
    _write(
        "robertson1968_isotemperature.csv",
        ["mired", "u", "v", "slope"],
        list(rob.T),
        [
            "Robertson (1968) isotemperature lines in CIE 1960 UCS (Wyszecki & Stiles 2000, "
            "with Lindbloom's correction at 325 mired: u 0.24702 -> 0.24792).",
            f"Source: {CS}, DATA_ISOTEMPERATURE_LINES_ROBERTSON1968.",
        ],
    )

    mac = np.asarray(DATA_MACADAM_1942_ELLIPSES)
    _write(
        "macadam1942_ellipses.csv",
        ["x", "y", "a_1e3", "b_1e3", "theta_deg"],
        [mac[:, 0], mac[:, 1], mac[:, 5], mac[:, 6], mac[:, 7]],
        [
            "MacAdam (1942) colour-matching ellipses, observer PGN, 'calculated' columns of "
            "Wyszecki & Stiles (2000) Table 2(5.4.1): centre x, y; semi-axes a, b (x 1e-3, "
            "1 standard deviation of colour matching = 1 step); angle of a from the x axis.",
            f"Source: {CS}, colour.models.datasets.macadam_ellipses.DATA_MACADAM_1942_ELLIPSES.",
        ],
    )

    wl = np.arange(380, 781, 1.0)
    b_5nm_wl = np.arange(380, 496, 5.0)
    b = np.zeros_like(wl)
    low = (wl >= 380) & (wl <= 495)
    b[low] = np.interp(wl[low], b_5nm_wl, B_TABLE_380_495)
    # 496-499 nm: linear between the tabulated 495 nm value and the 500 nm formula value.
    mid = (wl > 495) & (wl < 500)
    b[mid] = np.interp(wl[mid], [495.0, 500.0], [0.16, 0.1])
    formula = (wl >= 500) & (wl <= 600)
    b[formula] = 10 ** ((450 - wl[formula]) / 50)
    b[(wl > 600) & (wl <= 700)] = 0.001
    # 300-379 nm: B = 0.01 (IEC 62471:2006 Table 4.2 row 300-380 nm, as ICNIRP tabulates it).
    uv = np.arange(300, 380, 1.0)
    wl_b = np.concatenate([uv, wl])
    b = np.concatenate([np.full(uv.size, 0.01), b])
    _write(
        "iec62471_blue_light_hazard.csv",
        ["wavelength_nm", "b"],
        [wl_b, b],
        [
            "IEC 62471:2006 (GB/T 20145-2006) Table 4.2 blue-light hazard weighting B(lambda), "
            "300-780 nm at 1 nm.",
            "380-495 nm: the 5 nm table values, linearly interpolated to 1 nm; 500-600 nm: "
            "10^((450-lambda)/50); 600-700 nm: 0.001; above 700 nm: 0 (not defined by the "
            "standard). Values of IEC 62471:2006 Table 4.2 (one source read: C1).",
            "300-379 nm: 0.01, the Table 4.2 row 300-380 nm (also in the ICNIRP guidelines); "
            "recalled, not read in a public copy (R, to be confirmed). Applied only where a "
            "spectrum covers it.",
        ],
    )

    text = (SOURCES / "cie_s026_2018_melanopic.csv").read_text(encoding="utf-8").splitlines()
    rows = [line for line in text if line and not line.startswith("#")][1:]
    mel = np.array([[float(v) for v in line.split(",")] for line in rows])
    mel = mel[np.argsort(mel[:, 0])]
    if not np.array_equal(mel[:, 0], wl):
        raise SystemExit("melanopic source must cover 380-780 nm at 1 nm")
    _write(
        "cie_s026_melanopic.csv",
        ["wavelength_nm", "s_mel"],
        [mel[:, 0], mel[:, 1]],
        [
            "CIE S 026/E:2018 Table 2 melanopic action spectrum s_mel(lambda), 380-780 nm at "
            "1 nm (peak 1 at 490 nm).",
            "Source: scripts/sources/cie_s026_2018_melanopic.csv (see its provenance header).",
        ],
    )


if __name__ == "__main__":
    main()
