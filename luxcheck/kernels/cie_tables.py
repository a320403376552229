"""Load the CIE reference tables shipped in ``luxcheck/data/`` (private helper).

Every table is a CSV file whose first lines (``#``) name its source; the next line is the
column header. The files are generated once by ``scripts/make_cie_tables.py`` and checked
against colour-science by ``tests/kernels/test_colorimetry.py``. Arrays returned here are
read-only and cached, so callers never pay the file read twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

from luxcheck.resources import data_dir

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Table:
    """One shipped table: its column names, its values and its provenance lines."""

    name: str
    columns: tuple[str, ...]
    values: FloatArray
    source: tuple[str, ...]

    def column(self, name: str) -> FloatArray:
        """Get one column by name."""
        return self.values[:, self.columns.index(name)]


@cache
def load_table(name: str) -> Table:
    """Read ``luxcheck/data/<name>`` (a CSV with ``#`` provenance lines and a header)."""
    path = data_dir() / name
    lines = path.read_text(encoding="utf-8").splitlines()
    source = tuple(line[1:].strip() for line in lines if line.startswith("#"))
    body = [line for line in lines if line and not line.startswith("#")]
    columns = tuple(body[0].split(","))
    values = np.array([[float(v) for v in line.split(",")] for line in body[1:]], dtype=np.float64)
    values.setflags(write=False)
    return Table(name, columns, values, source)


CMF_1931 = "cie1931_2deg_cmf.csv"
CMF_1964 = "cie1964_10deg_cmf.csv"
TCS_CIE133 = "cie133_tcs.csv"
D_SERIES = "cie_d_series_basis.csv"
TM30_CES = "tm30_ces99_1nm.csv"
ROBERTSON = "robertson1968_isotemperature.csv"
MACADAM = "macadam1942_ellipses.csv"
IEC60081_ELLIPSES = "iec60081_sdcm_ellipses.csv"
BLUE_LIGHT_HAZARD = "iec62471_blue_light_hazard.csv"
MELANOPIC = "cie_s026_melanopic.csv"

#: Every shipped table file.
ALL_TABLES = (
    CMF_1931,
    CMF_1964,
    TCS_CIE133,
    D_SERIES,
    TM30_CES,
    ROBERTSON,
    MACADAM,
    IEC60081_ELLIPSES,
    BLUE_LIGHT_HAZARD,
    MELANOPIC,
)


def on_grid(
    name: str, wavelength_nm: FloatArray, columns: tuple[str, ...] | None = None
) -> FloatArray:
    """Get table columns at the 1 nm wavelengths ``wavelength_nm`` that the table tabulates.

    The table must hold every requested wavelength exactly (no interpolation here).
    """
    table = load_table(name)
    wl = table.values[:, 0]
    index = np.searchsorted(wl, wavelength_nm)
    if np.any(index >= wl.size) or not np.array_equal(
        wl[np.minimum(index, wl.size - 1)], wavelength_nm
    ):
        raise ValueError(f"table {name} does not tabulate every requested wavelength")
    cols = columns if columns is not None else table.columns[1:]
    picked = np.stack([table.column(c)[index] for c in cols], axis=-1)
    return np.ascontiguousarray(picked)
