"""Luminaire photometric files: EULUMDAT (``.ldt``) and IES LM-63 (``.ies``).

Both readers return a :class:`Photometry`: the luminous intensity distribution in absolute
candela (for the lamp flux stated in the file), the luminous-area dimensions and the symmetry the
file declares. Parsing is strict: a missing, malformed or out-of-range field raises
:class:`~luxcheck.errors.InputError` naming the file, the 1-based line and the field, and what was
expected. Nothing is guessed; the one tolerated variant is the decimal comma that some EULUMDAT
writers use ("64,97"), which is read as a decimal point.

Coordinate conventions (C–γ system, CIE 121)
--------------------------------------------
γ is measured from the nadir (0°) to the zenith (180°); C is the azimuth around the luminaire's
vertical axis. EULUMDAT puts the luminaire *length* along the C90–C270 axis (the C0 plane is
perpendicular to the length, as in eulumdat-luminance and CIE 190 "crosswise" viewing in C0).
IES LM-63 Type C puts the 0° horizontal angle parallel to the luminaire length (LM-63-1991 as
documented by Autodesk). :attr:`Photometry.length_axis_c_deg` records which.

References
----------
EULUMDAT: I. Ashdown, "Thinking Photometrically II" (LightShow '95), the format description used
by DIALux/Relux and eulumdat-py. IES LM-63-2002 / LM-63-1991, "IES Standard File Format for the
Electronic Transfer of Photometric Data".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

from luxcheck.errors import InputError
from luxcheck.numbers import NumberSyntaxError, to_float

FloatArray = npt.NDArray[np.float64]
Symmetry = Literal["none", "rotational", "c0-c180", "c90-c270", "quadrant"]

_FOOT_M = 0.3048


@dataclass(frozen=True, eq=False)
class Photometry:
    """A luminaire's intensity distribution with its luminous-area geometry.

    Attributes
    ----------
    source
        The file it came from (for messages and reports).
    name
        The luminaire name or catalogue number in the file.
    symmetry
        Which part of the C range is stored; other C planes follow by mirror symmetry.
    c_angles_deg
        The stored C planes, ascending [°].
    gamma_angles_deg
        The γ angles, ascending, within 0–180 [°].
    intensity_cd
        Absolute luminous intensity, shape (n_c, n_gamma) [cd].
    luminous_length_m, luminous_width_m
        Luminous-area dimensions [m]; ``luminous_width_m == 0`` with a positive length means a
        circular area of diameter ``luminous_length_m``. Both 0: no luminous area given.
    luminous_heights_m
        Heights of the luminous side faces whose outward normals point to C0, C90, C180, C270 [m].
    length_axis_c_deg
        C angle of the axis the length runs along (90 for EULUMDAT, 0 for IES) [°].
    lamp_flux_lm
        Total lamp flux the intensities refer to [lm] (``None`` for IES absolute photometry).
    input_power_w
        Input power of the luminaire stated in the file [W], if any.
    """

    source: str
    name: str
    symmetry: Symmetry
    c_angles_deg: FloatArray
    gamma_angles_deg: FloatArray
    intensity_cd: FloatArray
    luminous_length_m: float
    luminous_width_m: float
    luminous_heights_m: tuple[float, float, float, float]
    length_axis_c_deg: float
    lamp_flux_lm: float | None
    input_power_w: float | None

    # ------------------------------------------------------------------ intensity
    def _fold_c(self, c_deg: FloatArray) -> FloatArray:
        c = np.mod(c_deg, 360.0)
        if self.symmetry == "c0-c180":
            return np.where(c > 180.0, 360.0 - c, c)
        if self.symmetry == "c90-c270":
            return np.where((c >= 90.0) & (c <= 270.0), c, np.mod(180.0 - c, 360.0))
        if self.symmetry == "quadrant":
            c = np.mod(c, 180.0)
            return np.where(c > 90.0, 180.0 - c, c)
        return c

    def intensity_at(
        self, c_deg: npt.ArrayLike, gamma_deg: npt.ArrayLike
    ) -> npt.NDArray[np.float64]:
        """Get the intensity toward (C, γ) by bilinear interpolation [cd].

        Vectorised over any broadcastable shapes. Directions outside the measured γ range get
        0 cd: LM-63 and EULUMDAT store a half-space only when the other half emits nothing.
        """
        c = np.asarray(c_deg, dtype=float)
        g = np.asarray(gamma_deg, dtype=float)
        c, g = np.broadcast_arrays(c, g)
        gam = self.gamma_angles_deg
        table = self.intensity_cd
        if self.symmetry == "rotational":
            cf = np.zeros_like(c)
            c_axis = np.array([0.0])
        else:
            cf = self._fold_c(c)
            c_axis = self.c_angles_deg
            if self.symmetry == "none":
                # periodic: close the circle with the first plane at +360
                c_axis = np.append(c_axis, c_axis[0] + 360.0)
                table = np.vstack([table, table[:1]])
                cf = np.where(cf < c_axis[0], cf + 360.0, cf)
        inside = (g >= gam[0]) & (g <= gam[-1])
        gi = np.clip(np.searchsorted(gam, g, side="right") - 1, 0, max(gam.size - 2, 0))
        if gam.size > 1:
            g0, g1 = gam[gi], gam[gi + 1]
            tg = np.clip((g - g0) / (g1 - g0), 0.0, 1.0)
        else:
            tg = np.zeros_like(g)
        if c_axis.size > 1:
            ci = np.clip(np.searchsorted(c_axis, cf, side="right") - 1, 0, c_axis.size - 2)
            c0, c1 = c_axis[ci], c_axis[ci + 1]
            tc = np.clip((cf - c0) / (c1 - c0), 0.0, 1.0)
        else:
            ci = np.zeros(c.shape, dtype=int)
            tc = np.zeros_like(c)
        g_up = np.minimum(gi + 1, gam.size - 1)
        c_up = np.minimum(ci + 1, c_axis.size - 1)
        low = table[ci, gi] * (1 - tg) + table[ci, g_up] * tg
        high = table[c_up, gi] * (1 - tg) + table[c_up, g_up] * tg
        value = low * (1 - tc) + high * tc
        return np.where(inside, value, 0.0)

    # ------------------------------------------------------------------ geometry
    @property
    def luminous_area_m2(self) -> float:
        """Area of the luminous opening seen from below (γ = 0) [m²]."""
        if self.luminous_width_m == 0.0:
            return math.pi * (self.luminous_length_m / 2.0) ** 2
        return self.luminous_length_m * self.luminous_width_m

    def projected_area_m2(
        self, c_deg: npt.ArrayLike, gamma_deg: npt.ArrayLike
    ) -> npt.NDArray[np.float64]:
        """Get the luminous area projected toward (C, γ) [m²].

        A = A_bottom·cos γ + Σ_faces (face width · face height · max(0, cos(C − C_face)))·sin γ,
        the box model of eulumdat-luminance / CIE 190 (faces normal to C0, C90, C180, C270).
        A circular opening uses its C0 height all round.
        """
        c = np.radians(np.asarray(c_deg, dtype=float))
        g = np.radians(np.asarray(gamma_deg, dtype=float))
        cos_g = np.cos(g)
        sin_g = np.sin(g)
        if self.luminous_width_m == 0.0:
            d = self.luminous_length_m
            return np.asarray(
                math.pi * (d / 2) ** 2 * cos_g + d * self.luminous_heights_m[0] * sin_g,
                dtype=float,
            )
        if self.length_axis_c_deg % 180 == 90:
            dim_c90, dim_c0 = self.luminous_length_m, self.luminous_width_m
        else:
            dim_c0, dim_c90 = self.luminous_length_m, self.luminous_width_m
        side = np.zeros(np.broadcast(c, g).shape)
        # a face normal to C0/C180 spans the C90 dimension, and vice versa
        for face_c, width, height in (
            (0.0, dim_c90, self.luminous_heights_m[0]),
            (90.0, dim_c0, self.luminous_heights_m[1]),
            (180.0, dim_c90, self.luminous_heights_m[2]),
            (270.0, dim_c0, self.luminous_heights_m[3]),
        ):
            if height > 0.0:
                side = side + width * height * np.maximum(0.0, np.cos(c - np.radians(face_c)))
        return np.asarray(self.luminous_area_m2 * cos_g + side * sin_g, dtype=float)

    def zonal_flux_lm(self, zone_width_deg: float = 10.0) -> FloatArray:
        """Get the flux in γ zones of equal width, by the zone-midpoint rule (CIE 190 §4.2) [lm].

        Zone i spans [i·Δγ, (i+1)·Δγ]; its flux is Ī(γ_mid)·2π·sin γ_mid·Δγ with Ī the mean
        intensity over C at the midpoint (C sampled every 5°).
        """
        n = round(180.0 / zone_width_deg)
        mid = (np.arange(n) + 0.5) * zone_width_deg
        c = np.arange(0.0, 360.0, 5.0)
        mean_i = self.intensity_at(c[:, None], mid[None, :]).mean(axis=0)
        return np.asarray(
            mean_i * 2 * np.pi * np.sin(np.radians(mid)) * np.radians(zone_width_deg), dtype=float
        )


# ---------------------------------------------------------------------------- helpers
def _decode(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _number(text: str, *, source: str, line: int, field: str) -> float:
    token = text.strip()
    if re.fullmatch(r"[+-]?[0-9]+,[0-9]*", token):  # the EULUMDAT decimal comma
        token = token.replace(",", ".")
    try:
        return to_float(token)
    except NumberSyntaxError as exc:
        if exc.non_finite:
            raise InputError(
                f"{field}: expected a finite number", source=source, line=line
            ) from None
        raise InputError(
            f"{field}: expected a number, got {text.strip()!r}", source=source, line=line
        ) from None


def _integer(text: str, *, source: str, line: int, field: str) -> int:
    value = _number(text, source=source, line=line, field=field)
    if value != int(value):
        raise InputError(
            f"{field}: expected a whole number, got {text.strip()!r}", source=source, line=line
        )
    return int(value)


def _check_angles(
    angles: FloatArray, *, low: float, high: float, field: str, source: str, line: int
) -> None:
    if angles.size > 1 and not np.all(np.diff(angles) > 0):
        raise InputError(f"{field}: angles must increase strictly", source=source, line=line)
    if angles.size and (angles[0] < low or angles[-1] > high):
        raise InputError(
            f"{field}: angles must lie within {low:g}–{high:g}°, got {angles[0]:g}–{angles[-1]:g}",
            source=source,
            line=line,
        )


# ---------------------------------------------------------------------------- EULUMDAT
_LDT_SYMMETRY: dict[int, Symmetry] = {
    0: "none",
    1: "rotational",
    2: "c0-c180",
    3: "c90-c270",
    4: "quadrant",
}


def read_ldt(path: str | Path) -> Photometry:
    """Read an EULUMDAT (``.ldt``) file.

    Parameters
    ----------
    path
        The file. Text encodings UTF-8, GB 18030 and Latin-1 are tried in that order.

    Returns
    -------
    Photometry
        Intensities in candela for the first lamp set's total flux (× the file's conversion
        factor); luminous length along C90–C270.

    Raises
    ------
    InputError
        A field is missing, not a number, out of range, or the intensity block has the wrong
        number of values for the declared symmetry.
    """
    p = Path(path)
    src = str(p)
    lines = _decode(p).splitlines()

    def field(index: int, name: str) -> str:
        if index >= len(lines):
            raise InputError(
                f"{name}: the file ends early (expected it on this line)",
                source=src,
                line=index + 1,
            )
        return lines[index]

    def num(index: int, name: str) -> float:
        return _number(field(index, name), source=src, line=index + 1, field=name)

    def whole(index: int, name: str, low: int, high: int) -> int:
        value = _integer(field(index, name), source=src, line=index + 1, field=name)
        if not low <= value <= high:
            raise InputError(
                f"{name}: expected {low}–{high}, got {value}", source=src, line=index + 1
            )
        return value

    name = field(8, "luminaire name").strip()
    whole(1, "type indicator Ityp", 0, 3)
    isym = whole(2, "symmetry indicator Isym", 0, 4)
    mc = whole(3, "number of C planes Mc", 0, 3600)
    ng = whole(5, "number of gamma angles Ng", 1, 3600)
    dims_mm = []
    for index, label in (
        (15, "length/diameter of luminous area"),
        (16, "width of luminous area"),
        (17, "height of luminous area C0"),
        (18, "height of luminous area C90"),
        (19, "height of luminous area C180"),
        (20, "height of luminous area C270"),
    ):
        value = num(index, label)
        if value < 0:
            raise InputError(f"{label}: expected ≥ 0 mm, got {value:g}", source=src, line=index + 1)
        dims_mm.append(value / 1000.0)
    conversion = num(23, "conversion factor CFLI")
    if conversion <= 0:
        raise InputError("conversion factor CFLI: expected > 0", source=src, line=24)
    n_sets = whole(25, "number of lamp sets", 1, 20)
    base = 26
    n_lamps_line = base
    flux_line = base + 2 * n_sets
    power_line = base + 5 * n_sets
    _integer(
        field(n_lamps_line, "number of lamps"),
        source=src,
        line=n_lamps_line + 1,
        field="number of lamps",
    )
    flux = num(flux_line, "total luminous flux of lamps")
    if flux <= 0:
        raise InputError(
            f"total luminous flux of lamps: expected > 0 lm, got {flux:g}",
            source=src,
            line=flux_line + 1,
        )
    power = num(power_line, "wattage including ballast")
    dr_line = base + 6 * n_sets
    c_line = dr_line + 10
    c_all = np.array([num(c_line + i, f"C angle {i + 1}") for i in range(mc)], dtype=float)
    g_line = c_line + mc
    gamma = np.array([num(g_line + i, f"gamma angle {i + 1}") for i in range(ng)], dtype=float)
    _check_angles(c_all, low=0.0, high=360.0, field="C angles", source=src, line=c_line + 1)
    _check_angles(gamma, low=0.0, high=180.0, field="gamma angles", source=src, line=g_line + 1)
    symmetry = _LDT_SYMMETRY[isym]
    if symmetry == "rotational":
        stored = np.array([0.0])
    elif mc == 0:
        raise InputError(
            f"number of C planes Mc: Isym {isym} needs C planes, got 0", source=src, line=4
        )
    elif symmetry == "none":
        stored = c_all
    elif symmetry == "c0-c180":
        stored = c_all[c_all <= 180.0]
    elif symmetry == "c90-c270":
        stored = c_all[(c_all >= 90.0) & (c_all <= 270.0)]
    else:
        stored = c_all[c_all <= 90.0]
    expected_first = {"c0-c180": 0.0, "c90-c270": 90.0, "quadrant": 0.0}
    expected_last = {"c0-c180": 180.0, "c90-c270": 270.0, "quadrant": 90.0}
    if symmetry in expected_first and (
        stored.size < 2
        or stored[0] != expected_first[symmetry]
        or stored[-1] != expected_last[symmetry]
    ):
        raise InputError(
            f"C angles: symmetry Isym {isym} needs planes from {expected_first[symmetry]:g}° "
            f"to {expected_last[symmetry]:g}°",
            source=src,
            line=c_line + 1,
        )
    i_line = g_line + ng
    count = stored.size * ng
    values = np.array(
        [num(i_line + k, f"intensity {k + 1} of {count}") for k in range(count)], dtype=float
    )
    if np.any(values < 0):
        bad = int(np.argmax(values < 0))
        raise InputError(
            f"intensity {bad + 1} of {count}: expected ≥ 0 cd/klm, got {values[bad]:g}",
            source=src,
            line=i_line + bad + 1,
        )
    extra = [k for k in range(i_line + count, len(lines)) if lines[k].strip()]
    if extra:
        raise InputError(
            f"unexpected data after the {count} intensities that Isym {isym}, Mc {mc}, Ng {ng} "
            "declare",
            source=src,
            line=extra[0] + 1,
        )
    intensity = values.reshape(stored.size, ng) * flux / 1000.0 * conversion
    return Photometry(
        source=src,
        name=name,
        symmetry=symmetry,
        c_angles_deg=stored,
        gamma_angles_deg=gamma,
        intensity_cd=intensity,
        luminous_length_m=dims_mm[0],
        luminous_width_m=dims_mm[1],
        luminous_heights_m=(dims_mm[2], dims_mm[3], dims_mm[4], dims_mm[5]),
        length_axis_c_deg=90.0,
        lamp_flux_lm=flux,
        input_power_w=power if power > 0 else None,
    )


# ---------------------------------------------------------------------------- IES LM-63
def read_ies(path: str | Path) -> Photometry:
    """Read an IES LM-63 (``.ies``) file with Type C photometry.

    Supports LM-63-1986/1991/1995/2002/2019 headers, ``TILT=NONE`` and ``TILT=INCLUDE`` (the
    tilt table is read and skipped: luxcheck assumes the luminaire is mounted as measured).
    Candela values are multiplied by the candela multiplier and the ballast factor (LM-63).

    Raises
    ------
    InputError
        Missing ``TILT=`` line, ``TILT=<file>``, photometric type B or A, a token that is not a
        number, a count that does not match, or angles out of order or range.
    """
    p = Path(path)
    src = str(p)
    lines = _decode(p).splitlines()
    tilt_index = next(
        (i for i, line in enumerate(lines) if line.strip().upper().startswith("TILT")), None
    )
    if tilt_index is None:
        raise InputError("no 'TILT=' line: not an IES LM-63 file", source=src, line=1)
    name = ""
    for line in lines[:tilt_index]:
        match = re.match(r"\s*\[(LUMCAT|LUMINAIRE)\]\s*(.*)", line, re.IGNORECASE)
        if match and not name:
            name = match.group(2).strip()
    tilt = lines[tilt_index].split("=", 1)[1].strip().upper() if "=" in lines[tilt_index] else ""
    tokens: list[tuple[str, int]] = []
    for number, line in enumerate(lines[tilt_index + 1 :], start=tilt_index + 2):
        tokens.extend((tok, number) for tok in re.split(r"[\s,]+", line.strip()) if tok)
    position = 0

    def take(label: str) -> float:
        nonlocal position
        if position >= len(tokens):
            last = tokens[-1][1] if tokens else tilt_index + 1
            raise InputError(f"{label}: the file ends early", source=src, line=last)
        text, line_no = tokens[position]
        position += 1
        return _number(text, source=src, line=line_no, field=label)

    def take_int(label: str, low: int, high: int) -> int:
        line_no = tokens[position][1] if position < len(tokens) else tilt_index + 1
        value = take(label)
        if value != int(value) or not low <= value <= high:
            raise InputError(
                f"{label}: expected a whole number {low}–{high}, got {value:g}",
                source=src,
                line=line_no,
            )
        return int(value)

    if tilt == "INCLUDE":
        take("lamp-to-luminaire geometry")
        n_tilt = take_int("number of tilt angles", 0, 10000)
        for i in range(2 * n_tilt):
            take(f"tilt value {i + 1}")
    elif tilt != "NONE":
        raise InputError(
            f"TILT={tilt or '?'}: tilt data in a separate file is not supported; expected "
            "TILT=NONE or TILT=INCLUDE",
            source=src,
            line=tilt_index + 1,
        )
    n_lamps = take_int("number of lamps", 1, 1000)
    lumens_per_lamp = take("lumens per lamp")
    multiplier = take("candela multiplier")
    if multiplier <= 0:
        raise InputError(
            "candela multiplier: expected > 0", source=src, line=tokens[position - 1][1]
        )
    n_vert = take_int("number of vertical angles", 1, 10000)
    n_horiz = take_int("number of horizontal angles", 1, 10000)
    phot_line = tokens[position][1] if position < len(tokens) else tilt_index + 1
    phot_type = take_int("photometric type", 1, 3)
    if phot_type != 1:
        raise InputError(
            f"photometric type {phot_type} (type {'B' if phot_type == 2 else 'A'}): only Type C "
            "(1) is supported",
            source=src,
            line=phot_line,
        )
    units = take_int("units type", 1, 2)
    scale = _FOOT_M if units == 1 else 1.0
    width = take("luminous width") * scale
    length = take("luminous length") * scale
    height = take("luminous height") * scale
    ballast = take("ballast factor")
    take("ballast-lamp photometric factor / file generation type")
    watts = take("input watts")
    if ballast <= 0:
        raise InputError("ballast factor: expected > 0", source=src, line=tokens[position - 3][1])
    v_line = tokens[position][1] if position < len(tokens) else tilt_index + 1
    vert = np.array([take(f"vertical angle {i + 1}") for i in range(n_vert)], dtype=float)
    h_line = tokens[position][1] if position < len(tokens) else tilt_index + 1
    horiz = np.array([take(f"horizontal angle {i + 1}") for i in range(n_horiz)], dtype=float)
    _check_angles(vert, low=0.0, high=180.0, field="vertical angles", source=src, line=v_line)
    _check_angles(horiz, low=0.0, high=360.0, field="horizontal angles", source=src, line=h_line)
    candela = np.array(
        [take(f"candela value {k + 1} of {n_vert * n_horiz}") for k in range(n_vert * n_horiz)],
        dtype=float,
    ).reshape(n_horiz, n_vert)
    if position < len(tokens):
        raise InputError(
            f"unexpected data after the {n_vert * n_horiz} candela values",
            source=src,
            line=tokens[position][1],
        )
    if np.any(candela < 0):
        raise InputError("candela values must be ≥ 0", source=src, line=h_line)
    symmetry: Symmetry
    if n_horiz == 1:
        symmetry = "rotational"
    elif horiz[0] == 0.0 and horiz[-1] == 90.0:
        symmetry = "quadrant"
    elif horiz[0] == 0.0 and horiz[-1] == 180.0:
        symmetry = "c0-c180"
    elif horiz[0] == 90.0 and horiz[-1] == 270.0:
        symmetry = "c90-c270"
    elif horiz[0] == 0.0 and horiz[-1] == 360.0:
        symmetry = "none"
        horiz, candela = horiz[:-1], candela[:-1]
    elif horiz[0] == 0.0 and horiz[-1] < 360.0 and horiz[-1] > 180.0:
        symmetry = "none"
    else:
        raise InputError(
            f"horizontal angles {horiz[0]:g}–{horiz[-1]:g}°: expected 0, 0–90, 0–180, 90–270 "
            "or 0–360 (LM-63)",
            source=src,
            line=h_line,
        )
    if width < 0 or length < 0:
        # LM-63-2002: negative width = circular opening of that diameter
        diameter = abs(width) if width < 0 else abs(length)
        length_m, width_m = diameter, 0.0
    else:
        length_m, width_m = length, width
        if length_m == 0.0 and width_m > 0.0:
            length_m, width_m = width_m, length_m
    h = abs(height)
    return Photometry(
        source=src,
        name=name,
        symmetry=symmetry,
        c_angles_deg=horiz if symmetry != "rotational" else np.array([0.0]),
        gamma_angles_deg=vert,
        intensity_cd=candela * multiplier * ballast,
        luminous_length_m=length_m,
        luminous_width_m=width_m,
        luminous_heights_m=(h, h, h, h),
        length_axis_c_deg=0.0,
        lamp_flux_lm=n_lamps * lumens_per_lamp if lumens_per_lamp > 0 else None,
        input_power_w=watts if watts > 0 else None,
    )


def read_photometry(path: str | Path) -> Photometry:
    """Read a ``.ldt`` or ``.ies`` file, chosen by its suffix."""
    suffix = Path(path).suffix.lower()
    if suffix == ".ldt":
        return read_ldt(path)
    if suffix == ".ies":
        return read_ies(path)
    raise InputError(
        f"unknown photometric file type {suffix!r}: expected .ldt (EULUMDAT) or .ies (IES LM-63)",
        source=str(path),
    )
