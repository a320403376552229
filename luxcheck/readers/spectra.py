"""Read spectra from files: a generic CSV and the exports of handheld spectrometers.

Formats (the makers' export files, see ``docs/meters.md``), detected by :func:`detect_format`:

``csv``
    A wavelength column followed by one column per spectrum; comma, semicolon or tab separated;
    an optional header row (the first cell not a number), ``#`` comment lines allowed. A comment
    ``# unit: W/m2/nm`` (or ``mW/m2/nm``, ``uW/cm2/nm``) declares absolute spectral irradiance;
    without it the values are relative ("as in file").
``uprtek``
    UPRtek (CV600, MK350 …) "pseudo-XLS": tab-separated ``key<TAB>value`` text, spectrum as
    ``380nm<TAB>v`` … in mW·m⁻²·nm⁻¹. Parsed by key, never by row; if a second spectral block
    restarts at the first wavelength, the last block is kept (as colour-science does).
``sekonic``
    Sekonic C-7000 / C-800 CSV: ``key,value``; ``Spectral Data 380[nm],v`` blocks in 5 nm and
    then 1 nm steps in W·m⁻²·nm⁻¹; the finest block is used. ``---`` marks a missing value.
``asensetek``
    Asensetek Lighting Passport ``.txt`` (JSON): ``data_points[].spectrumPoints`` is a list of
    one-key objects ``{"380": v}`` of a *relative* spectrum; each spectrum is scaled so that its
    photopic integral equals the point's ``lux`` (the only reliable absolute scale).
``hopoocolor-hp330``
    Hopoocolor HP330 ``.csv``: NUL-padded fixed records, first line ``HP330,<serial>,…``,
    metric lines ``<id>,<name>(unit),<value>``, spectrum lines ``380(mW/m2/nm),v``.

Every reader returns a :class:`SpectraFile` with absolute spectra in W·m⁻²·nm⁻¹ where the
format defines the unit (``unit`` says which). Malformed input raises
:class:`luxcheck.errors.InputError` naming the file and line.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from luxcheck.errors import InputError
from luxcheck.kernels import colorimetry
from luxcheck.model import MAX_WAVELENGTHS
from luxcheck.numbers import NumberSyntaxError, is_number, to_float

FloatArray = npt.NDArray[np.float64]
MeterValue = float | str

__all__ = ["FORMATS", "SpectraFile", "detect_format", "read_spectra"]

#: Format names accepted by :func:`read_spectra`.
FORMATS = ("csv", "uprtek", "sekonic", "asensetek", "hopoocolor-hp330")

UNIT_W = "W/m2/nm"
_UNIT_SCALE = {
    "mw/m2/nm": 1e-3,
    "w/m2/nm": 1.0,
    "uw/cm2/nm": 1e-2,
    "mw/m²/nm": 1e-3,
    "w/m²/nm": 1.0,
}


@dataclass(frozen=True)
class SpectraFile:
    """Spectra read from one file.

    Attributes
    ----------
    path
        The file read.
    format
        One of :data:`FORMATS`.
    wavelength_nm
        Wavelengths, shape (n,) [nm].
    spd
        Spectra, shape (m, n), in ``unit``.
    names
        One name per spectrum (column header, title or measurement index).
    unit
        ``"W/m2/nm"`` for absolute spectral irradiance, or ``"as in file"`` for a generic CSV
        without a declared unit (relative).
    meter_values
        Per spectrum, the values the meter itself reported (e.g. ``{"LUX": 695.15, "CCT":
        5198.0}``), for comparison; keys as in the file.
    """

    path: str
    format: str
    wavelength_nm: FloatArray
    spd: FloatArray
    names: tuple[str, ...]
    unit: str
    meter_values: tuple[dict[str, MeterValue], ...] = field(default_factory=tuple)


def _read_text(path: Path, *, strip_nul: bool = False) -> str:
    raw = path.read_bytes()
    if strip_nul:
        raw = raw.replace(b"\x00", b"")
    for encoding in ("utf-8-sig", "gb18030", "latin-1"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("cannot decode the file as text", source=str(path))  # pragma: no cover


def _number(text: str, source: str, line: int, column: str | int) -> float:
    """A finite ASCII decimal number (:mod:`luxcheck.numbers`), or a located error."""
    value = text.strip()
    try:
        return to_float(value)
    except NumberSyntaxError:
        raise InputError(
            f"expected a number, got {value!r}",
            source=source,
            line=line,
            column=column,
        ) from None


def _meter_value(text: str) -> MeterValue:
    value = text.strip()
    try:
        return to_float(value)
    except NumberSyntaxError:
        return value


def detect_format(path: str | Path) -> str:
    """Guess the format of a spectra file from its content (not its name).

    Returns
    -------
    str
        One of :data:`FORMATS`; ``"csv"`` when nothing more specific matches.
    """
    p = Path(path)
    try:
        head = p.read_bytes()[:4096]
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror})", source=str(p)) from exc
    text = head.replace(b"\x00", b"").decode("latin-1")
    stripped = text.lstrip("\ufeff\xef\xbb\xbf \r\n\t")
    if stripped.startswith("HP330"):
        return "hopoocolor-hp330"
    if stripped.startswith("{"):
        return "asensetek"
    if re.search(r"^[0-9]+(\.[0-9]+)?nm\t", text, re.MULTILINE) or re.search(
        r"^Model Name\t", text, re.MULTILINE
    ):
        return "uprtek"
    if "Spectral Data " in text or re.search(r"^Date Saved,", text, re.MULTILINE):
        return "sekonic"
    return "csv"


def read_spectra(
    path: str | Path, *, format: str | None = None, csv_unit: str | None = None
) -> SpectraFile:
    """Read a spectra file of any supported format.

    Parameters
    ----------
    path
        The file.
    format
        One of :data:`FORMATS`; detected from the content when None.
    csv_unit
        Unit of a generic CSV's values (``"W/m2/nm"``, ``"mW/m2/nm"``, ``"uW/cm2/nm"``),
        overriding a ``# unit:`` comment; ignored for meter exports, whose unit is known.

    Returns
    -------
    SpectraFile
        The spectra, their wavelengths, unit, names and the meter's own values.

    Raises
    ------
    luxcheck.errors.InputError
        Unreadable or malformed file (the message names the file and the line).
    """
    p = Path(path)
    fmt = format if format is not None else detect_format(p)
    readers = {
        "csv": _read_csv,
        "uprtek": _read_uprtek,
        "sekonic": _read_sekonic,
        "asensetek": _read_asensetek,
        "hopoocolor-hp330": _read_hp330,
    }
    if fmt not in readers:
        raise InputError(f"unknown spectra format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if csv_unit is not None and csv_unit.lower() not in _UNIT_SCALE:
        raise InputError(
            f"unknown unit {csv_unit!r}; expected W/m2/nm, mW/m2/nm or uW/cm2/nm", source=str(p)
        )
    try:
        if fmt == "csv":
            return _read_csv(p, csv_unit)
        return readers[fmt](p)
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror})", source=str(p)) from exc


def _too_many(source: str, line: int | None) -> InputError:
    return InputError(
        f"more than {MAX_WAVELENGTHS} wavelengths, the most luxcheck analyses (0.2 nm steps over "
        "380–780 nm); export the spectrum at 1 nm steps (every spectrum is resampled to 1 nm)",
        source=source,
        line=line,
    )


def _check_grid(wl: list[float], source: str, lines: list[int] | None) -> None:
    if len(wl) > MAX_WAVELENGTHS:
        raise _too_many(source, lines[MAX_WAVELENGTHS] if lines is not None else None)
    for i in range(1, len(wl)):
        if wl[i] <= wl[i - 1]:
            what = "duplicate" if wl[i] == wl[i - 1] else "decreasing"
            raise InputError(
                f"{what} wavelength {wl[i]:g} nm after {wl[i - 1]:g} nm; "
                "expected increasing wavelengths",
                source=source,
                line=lines[i] if lines is not None else None,
            )
    if len(wl) < 6:
        raise InputError(f"found {len(wl)} spectral values; expected a spectrum", source=source)


_UNIT_COMMENT = re.compile(r"^\s*#\s*unit\s*:\s*(\S+)\s*$", re.IGNORECASE)


def _read_csv(path: Path, unit: str | None = None) -> SpectraFile:
    source = str(path)
    text = _read_text(path)
    rows: list[tuple[int, list[str]]] = []
    delimiter: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        declared = _UNIT_COMMENT.match(line)
        if declared and unit is None:
            unit = declared.group(1)
            if unit.lower() not in _UNIT_SCALE:
                raise InputError(
                    f"unknown unit {unit!r}; expected W/m2/nm, mW/m2/nm or uW/cm2/nm",
                    source=source,
                    line=number,
                )
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if delimiter is None:
            delimiter = max((",", ";", "\t"), key=line.count)
            if line.count(delimiter) == 0:
                raise InputError(
                    "expected a wavelength column and at least one spectrum column "
                    "separated by ',', ';' or tab",
                    source=source,
                    line=number,
                )
        rows.append((number, [cell.strip() for cell in line.split(delimiter)]))
        if len(rows) > MAX_WAVELENGTHS + 1:  # (+ 1: a header row) stop before reading more
            raise _too_many(source, number)
    if not rows:
        raise InputError("the file holds no data", source=source)
    first_line, first = rows[0]
    if is_number(first[0]):
        names = tuple(f"spectrum {i}" for i in range(1, len(first)))
        data_rows = rows
    else:
        names = tuple(first[1:])
        data_rows = rows[1:]
    width = len(names) + 1
    wl: list[float] = []
    values: list[list[float]] = []
    lines: list[int] = []
    for number, cells in data_rows:
        if len(cells) != width:
            raise InputError(
                f"found {len(cells)} columns; expected {width} (wavelength + {width - 1} spectra)",
                source=source,
                line=number,
            )
        wl.append(_number(cells[0], source, number, 1))
        values.append([_number(c, source, number, j + 2) for j, c in enumerate(cells[1:])])
        lines.append(number)
    _check_grid(wl, source, lines)
    del first_line
    spd = np.array(values).T.copy()
    if unit is not None:
        spd *= _UNIT_SCALE[unit.lower()]
    return SpectraFile(
        source,
        "csv",
        np.array(wl),
        spd,
        names,
        UNIT_W if unit is not None else "as in file",
        tuple({} for _ in names),
    )


def _read_uprtek(path: Path) -> SpectraFile:
    source = str(path)
    meta: dict[str, MeterValue] = {}
    wl: list[float] = []
    val: list[float] = []
    lines: list[int] = []
    spectral = re.compile(r"^(\d+(?:\.\d+)?)nm$")
    for number, line in enumerate(_read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        key, _, value = line.partition("\t")
        key = key.strip()
        match = spectral.match(key)
        if match:
            w = _number(match.group(1), source, number, 1)
            if wl and w == wl[0]:  # a later block restarts: keep the last block
                wl, val, lines = [], [], []
            wl.append(w)
            val.append(_number(value, source, number, 2))
            lines.append(number)
        else:
            meta[key] = _meter_value(value)
    if not wl:
        raise InputError(
            "no spectral lines ('380nm<TAB>value') found; not a UPRtek export?", source=source
        )
    _check_grid(wl, source, lines)
    spd = np.array(val)[None, :] * 1e-3  # mW/m²/nm → W/m²/nm
    name = str(meta.get("Time", path.stem))
    return SpectraFile(source, "uprtek", np.array(wl), spd, (name,), UNIT_W, (meta,))


def _read_sekonic(path: Path) -> SpectraFile:
    source = str(path)
    meta: dict[str, MeterValue] = {}
    blocks: list[tuple[list[float], list[float], list[int]]] = []
    spectral = re.compile(r"^Spectral Data (\d+(?:\.\d+)?)\[nm\]$")
    current: tuple[list[float], list[float], list[int]] | None = None
    for number, line in enumerate(_read_text(path).splitlines(), start=1):
        if not line.strip():
            current = None
            continue
        cells = line.split(",")
        key = cells[0].strip()
        match = spectral.match(key)
        if match:
            if len(cells) < 2:
                raise InputError("spectral line without a value", source=source, line=number)
            if current is None:
                current = ([], [], [])
                blocks.append(current)
            current[0].append(_number(match.group(1), source, number, 1))
            current[1].append(_number(cells[1], source, number, 2))
            current[2].append(number)
        elif len(cells) >= 2 and current is None:
            meta[key] = _meter_value(cells[1])
    if not blocks:
        raise InputError(
            "no 'Spectral Data <nm>[nm]' lines found; not a Sekonic export?", source=source
        )
    for wl, _, lines in blocks:
        _check_grid(wl, source, lines)
    finest = min(blocks, key=lambda b: float(np.min(np.diff(b[0]))) if len(b[0]) > 1 else np.inf)
    name = str(meta.get("Title", path.stem))
    return SpectraFile(
        source,
        "sekonic",
        np.array(finest[0]),
        np.array(finest[1])[None, :],
        (name,),
        UNIT_W,
        (meta,),
    )


def _photopic_sum(wl: FloatArray, spd: FloatArray, source: str) -> float:
    """683 Σ S V Δλ on the 1 nm working grid, as :mod:`luxcheck.kernels.colorimetry` computes it."""
    resampled = colorimetry.resample_spectra(wl, spd, source=source)
    return 683.0 * float(colorimetry.xyz(resampled)[..., 1])


def _json_number(value: object) -> float:
    """A JSON number, or a string holding an ASCII decimal one; finite either way."""
    if isinstance(value, str):
        return to_float(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"not a number: {value!r}")
    number = float(value)
    if not np.isfinite(number):
        raise ValueError(f"not finite: {value!r}")
    return number


def _read_asensetek(path: Path) -> SpectraFile:
    source = str(path)
    text = _read_text(path)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON ({exc.msg})", source=source, line=exc.lineno, column=exc.colno
        ) from exc
    points = doc.get("data_points") if isinstance(doc, dict) else None
    if not isinstance(points, list) or not points:
        raise InputError(
            "expected a 'data_points' list (Asensetek Lighting Passport export)", source=source
        )
    grid: FloatArray | None = None
    spectra: list[FloatArray] = []
    metas: list[dict[str, MeterValue]] = []
    names: list[str] = []
    for k, point in enumerate(points, start=1):
        where = f"data_points[{k - 1}]"
        sp = point.get("spectrumPoints") if isinstance(point, dict) else None
        if not isinstance(sp, list) or not sp:
            raise InputError(f"{where}: missing 'spectrumPoints'", source=source, column=where)
        wl: list[float] = []
        val: list[float] = []
        for entry in sp:
            if not isinstance(entry, dict) or len(entry) != 1:
                raise InputError(
                    f'{where}: spectrum entries must be {{"<nm>": value}}', source=source
                )
            ((key, value),) = entry.items()
            try:
                wl.append(to_float(key))
                val.append(_json_number(value))
            except (TypeError, ValueError) as exc:
                raise InputError(
                    f"{where}: non-numeric spectrum entry {key!r}: {value!r}",
                    source=source,
                    column=where,
                ) from exc
        _check_grid(wl, source, None)
        wl_arr = np.array(wl)
        if grid is not None and not np.array_equal(grid, wl_arr):
            raise InputError(
                f"{where}: wavelengths differ from the first data point", source=source
            )
        grid = wl_arr
        lux = point.get("lux")
        if not isinstance(lux, int | float) or not np.isfinite(lux) or lux < 0:
            raise InputError(
                f"{where}: 'lux' must be a non-negative number, got {lux!r}", source=source
            )
        rel = np.array(val)
        photopic = _photopic_sum(wl_arr, rel, source)
        if photopic <= 0:
            raise InputError(f"{where}: spectrum has no visible light", source=source)
        spectra.append(rel * (float(lux) / photopic))
        meta = {
            k2: _meter_value(str(v)) for k2, v in point.items() if isinstance(v, int | float | str)
        }
        metas.append(meta)
        names.append(f"{doc.get('device_name', path.stem)} #{k}")
    assert grid is not None
    return SpectraFile(
        source, "asensetek", grid, np.stack(spectra), tuple(names), UNIT_W, tuple(metas)
    )


def _read_hp330(path: Path) -> SpectraFile:
    source = str(path)
    text = _read_text(path, strip_nul=True)
    meta: dict[str, MeterValue] = {}
    wl: list[float] = []
    val: list[float] = []
    lines: list[int] = []
    spectral = re.compile(r"^(\d+(?:\.\d+)?)\(([^)]*/nm)\)$", re.IGNORECASE)
    scale: float | None = None
    content = [line for line in text.splitlines() if line.strip()]
    if not content or not content[0].startswith("HP330"):
        raise InputError("expected a first line 'HP330,<serial>,…'", source=source, line=1)
    for number, line in enumerate(content, start=1):
        cells = [c.strip() for c in line.split(",")]
        match = spectral.match(cells[0])
        if match:
            unit = match.group(2).lower().replace(" ", "")
            if unit not in _UNIT_SCALE:
                raise InputError(
                    f"unknown spectral unit {match.group(2)!r}", source=source, line=number
                )
            scale = _UNIT_SCALE[unit]
            if len(cells) != 2:
                raise InputError("expected '<nm>(<unit>),<value>'", source=source, line=number)
            wl.append(_number(match.group(1), source, number, 1))
            val.append(_number(cells[1], source, number, 2))
            lines.append(number)
        elif number == 1:
            meta["serial"] = cells[1] if len(cells) > 1 else ""
        elif len(cells) == 3:
            meta[cells[1]] = _meter_value(cells[2])
        elif len(cells) == 2:
            meta[cells[0]] = _meter_value(cells[1])
    if not wl or scale is None:
        raise InputError("no spectrum lines ('380(mW/m2/nm),value') found", source=source)
    _check_grid(wl, source, lines)
    spd = np.array(val)[None, :] * scale
    name = f"HP330 {meta.get('serial', '')} {meta.get('Date', '')} {meta.get('Time', '')}".strip()
    return SpectraFile(source, "hopoocolor-hp330", np.array(wl), spd, (name,), UNIT_W, (meta,))
