"""A classroom's discomfort glare: the CIE 117 unified glare rating (UGR) of the room.

The kernel (:mod:`luxcheck.kernels.glare`) rates sources given as arrays; this module derives
those arrays from the room: the observers, the luminaire layout, the luminances and solid angles
either measured (path a) or from a photometric file (path b), and the background luminance.

Two ways into a room's UGR (:func:`room_ugr`):

(a) measured luminances — the inspector's luminance-meter readings of each luminaire from each
    observer position, the luminous-area dimensions, and the indirect vertical illuminance at the
    eye (measured with the luminaires shaded): L_b = E_ind / π.
(b) a photometric file (:mod:`luxcheck.readers.photometry`) with the room geometry and reflectances.
    L = I(C, γ) / A_p(C, γ) and ω = A_p / r² from the file's intensity table and luminous box.
    L_b follows CIE 190:2010 §4.2 (:func:`luxcheck.kernels.glare.cie190_background_luminance`)
    with the luminaire's cumulative zonal fluxes (:func:`flux_fractions`).

Sources outside the position-index table are left out by default, as the CIE 117 / CIE 190
tabular method does (:func:`luxcheck.kernels.glare.position_index_flagged`).

Observers (GB/T 50034-2024 A.0.2): eyes at 1.2 m seated and 1.5 m standing, at the midpoints of
the transverse and longitudinal walls, looking horizontally into the room; luxcheck adds the
teacher (standing at the blackboard, looking at the class) and a pupil in the back row looking at
the board. The room value is the worst (highest) UGR.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from luxcheck.errors import InputError
from luxcheck.kernels.glare import (
    EYE_HEIGHT_SEATED_M,
    EYE_HEIGHT_STANDING_M,
    LUMINOUS_CEILING_AREA_M2,
    SMALL_SOURCE_AREA_M2,
    FluxFractions,
    background_luminance,
    cie190_background_luminance,
    position_index_flagged,
    ugr,
    ugr_from_sum,
)
from luxcheck.messages import Message, _n, joined, not_measured
from luxcheck.model import Classroom, LuminanceReading
from luxcheck.readers.photometry import Photometry

FloatArray = npt.NDArray[np.float64]

#: The 19 standard rooms of CIE 190 (X across, Y along the line of sight, in multiples of H).
CIE190_ROOMS: tuple[tuple[int, int], ...] = (
    (2, 2), (2, 3), (2, 4), (2, 6), (2, 8), (2, 12), (4, 2), (4, 3), (4, 4), (4, 6), (4, 8),
    (4, 12), (8, 4), (8, 6), (8, 8), (8, 12), (12, 4), (12, 6), (12, 8),
)  # fmt: skip
#: The five reflectance sets (ceiling, walls, floor cavity) of the CIE 190 table columns.
CIE190_REFLECTANCES: tuple[tuple[float, float, float], ...] = (
    (0.7, 0.5, 0.2), (0.7, 0.3, 0.2), (0.5, 0.5, 0.2), (0.5, 0.3, 0.2), (0.3, 0.3, 0.2),
)  # fmt: skip


def flux_fractions(photometry: Photometry) -> FluxFractions:
    """Get a luminaire's cumulative zonal fluxes Φ_zL1..4, downward and upward flux (CIE 190 §4.2).

    Φ_zL1 = Φ(0–40°) + 0.130·Φ(40–50°); Φ_zL2 = Φ(0–60°); Φ_zL3 = Φ(0–70°) + 0.547·Φ(70–80°);
    Φ_zL4 = Φ(0–90°), from 10° zones by the midpoint rule.
    """
    zones = photometry.zonal_flux_lm(10.0)
    down = zones[:9]
    return FluxFractions(
        cumulative_lm=(
            float(down[:4].sum() + 0.130 * down[4]),
            float(down[:6].sum()),
            float(down[:7].sum() + 0.547 * down[7]),
            float(down.sum()),
        ),
        downward_lm=float(down.sum()),
        upward_lm=float(zones[9:].sum()),
    )


@dataclass(frozen=True)
class Observer:
    """An observer: eye position in room coordinates and horizontal viewing direction.

    ``view_deg`` is the azimuth of the line of sight from the +x axis toward +y (0 = across the
    room toward x = width; 90 = toward the back wall; 270 = toward the blackboard).
    """

    name: str
    x_m: float
    y_m: float
    eye_height_m: float
    view_deg: float
    posture: Literal["seated", "standing", "unknown"]


def standard_observers(classroom: Classroom) -> tuple[Observer, ...]:
    """Get the observer positions luxcheck evaluates in a classroom.

    GB/T 50034-2024 A.0.2: midpoints of the transverse (front, back) and longitudinal (side) walls,
    looking horizontally into the room, seated eye 1.2 m. Added: the teacher standing at the
    blackboard wall (eye 1.5 m) looking at the class, and a pupil seated in the back row
    (at ``desk_back_m``, eye 1.2 m) looking at the board.
    """
    w, length = classroom.width_m, classroom.length_m
    s, st = EYE_HEIGHT_SEATED_M, EYE_HEIGHT_STANDING_M
    return (
        Observer("back-wall-mid", w / 2, length, s, 270.0, "seated"),
        Observer("front-wall-mid", w / 2, 0.0, s, 90.0, "seated"),
        Observer("left-wall-mid", 0.0, length / 2, s, 0.0, "seated"),
        Observer("right-wall-mid", w, length / 2, s, 180.0, "seated"),
        Observer("teacher", w / 2, 0.0, st, 90.0, "standing"),
        Observer("rear-row", w / 2, classroom.desk_back_m, s, 270.0, "seated"),
    )


def luminaire_layout(classroom: Classroom) -> FloatArray:
    """Get the general-lighting luminaire centres (n, 3) [m], evenly laid out.

    ``luminaire_rows`` rows parallel to the blackboard (distinct y) × ``luminaire_columns``
    columns (distinct x), each luminaire at the centre of its cell (GB 7793 "evenly laid out");
    z = ``luminaire_mounting_height_m`` above the floor. Pass measured positions to
    :func:`room_ugr` when the layout is not even.

    Raises
    ------
    InputError
        The mounting height is not given, or there are no luminaires.
    """
    if classroom.luminaire_mounting_height_m is None:
        raise InputError(
            "luminaire mounting height is not given: needed for the glare geometry",
            column="luminaire_mounting_height_m",
        )
    if classroom.luminaire_count == 0:
        raise InputError(
            "the classroom has no general-lighting luminaires", column="luminaire_count"
        )
    rows, cols = classroom.luminaire_rows, classroom.luminaire_columns
    ys = (np.arange(rows) + 0.5) * classroom.length_m / rows
    xs = (np.arange(cols) + 0.5) * classroom.width_m / cols
    gx, gy = np.meshgrid(xs, ys)
    z = np.full(gx.size, float(classroom.luminaire_mounting_height_m))
    return np.stack([gx.ravel(), gy.ravel(), z], axis=-1)


def _observer_frame(
    luminaires_xyz: FloatArray, eye_xyz: FloatArray, view_deg: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """R (forward), T (lateral), H (up) and the room azimuth of luminaire→eye [rad]."""
    d = luminaires_xyz - eye_xyz[..., None, :]
    v = np.radians(view_deg)[..., None]
    forward = d[..., 0] * np.cos(v) + d[..., 1] * np.sin(v)
    lateral = -d[..., 0] * np.sin(v) + d[..., 1] * np.cos(v)
    up = d[..., 2]
    azimuth_to_eye = np.arctan2(-d[..., 1], -d[..., 0])
    return forward, lateral, up, azimuth_to_eye


@dataclass(frozen=True)
class _Terms:
    total: FloatArray  # Σ L²ω/p² per observer
    n_sources: npt.NDArray[np.int_]
    n_formula: npt.NDArray[np.int_]
    n_excluded: npt.NDArray[np.int_]


def _photometric_terms(
    photometry: Photometry,
    luminaires_xyz: FloatArray,
    eye_xyz: FloatArray,
    view_deg: FloatArray,
    length_azimuth_deg: float,
    *,
    beyond_table: Literal["formula", "exclude"],
    max_gamma_deg: float,
) -> _Terms:
    r_fwd, t_lat, h_up, az = _observer_frame(luminaires_xyz, eye_xyz, view_deg)
    dist2 = r_fwd**2 + t_lat**2 + h_up**2
    horizontal = np.sqrt(r_fwd**2 + t_lat**2)
    gamma = np.degrees(np.arctan2(horizontal, h_up))
    c0_azimuth = math.radians(length_azimuth_deg - photometry.length_axis_c_deg)
    c_deg = np.degrees(az - c0_azimuth) % 360.0
    in_front = (r_fwd > 1e-9) & (h_up > 0)
    safe_r = np.where(in_front, r_fwd, 1.0)
    p, from_formula = position_index_flagged(t_lat / safe_r, np.where(in_front, h_up, 0) / safe_r)
    visible = in_front & (gamma <= max_gamma_deg)
    if beyond_table == "exclude":
        excluded = visible & from_formula
        visible = visible & ~from_formula
    else:
        excluded = np.zeros_like(visible)
    intensity = photometry.intensity_at(c_deg, gamma)
    if photometry.luminous_area_m2 < SMALL_SOURCE_AREA_M2:
        term = 200.0 * intensity**2 / (dist2 * p * p)
    else:
        area = photometry.projected_area_m2(c_deg, gamma)
        with np.errstate(divide="ignore", invalid="ignore"):
            term = intensity**2 / (np.where(area > 0, area, np.inf) * dist2 * p * p)
    term = np.where(visible, term, 0.0)
    return _Terms(
        total=np.asarray(term.sum(axis=-1), dtype=float),
        n_sources=np.sum(visible, axis=-1),
        n_formula=np.sum(visible & from_formula, axis=-1),
        n_excluded=np.sum(excluded | (in_front & (gamma > max_gamma_deg)), axis=-1),
    )


@dataclass(frozen=True)
class PhotometricUgr:
    """Batched path (b) result: UGR and background per (room, observer), with source counts."""

    ugr: FloatArray
    background_luminance_cd_m2: FloatArray
    terms: _Terms


def ugr_photometric_batch(
    photometry: Photometry,
    width_m: npt.ArrayLike,
    length_m: npt.ArrayLike,
    luminaires_xyz: npt.ArrayLike,
    eye_xyz: npt.ArrayLike,
    view_deg: npt.ArrayLike,
    reflectances: tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike],
    *,
    length_azimuth_deg: float = 90.0,
    beyond_table: Literal["formula", "exclude"] = "exclude",
    max_gamma_deg: float = 85.0,
) -> PhotometricUgr:
    """Compute path (b) UGR for many rooms and observers at once (one luminaire type).

    Parameters
    ----------
    photometry
        The luminaire.
    width_m, length_m
        Room width and length, shape (...,) or broadcastable to the observer shape [m].
    luminaires_xyz
        Luminaire centres, shape (..., n, 3) [m]; the rooms' luminaire planes are at their
        mean z.
    eye_xyz
        Observer eyes, shape (..., 3) [m], with ``...`` the (room, observer) shape.
    view_deg
        Line-of-sight azimuths, shape (...) [°].
    reflectances
        (ceiling, walls, floor cavity), each broadcastable to (...) [1].
    length_azimuth_deg, beyond_table, max_gamma_deg
        As in :func:`room_ugr`.

    Returns
    -------
    PhotometricUgr
        ``ugr`` of shape (...); NaN where the room index is outside CIE 190 Table 4 or no
        source is in view.
    """
    lum = np.asarray(luminaires_xyz, dtype=float)
    eye = np.asarray(eye_xyz, dtype=float)
    view = np.asarray(view_deg, dtype=float)
    if lum.shape[-1] != 3 or eye.shape[-1] != 3:
        raise InputError("expected coordinates with 3 components (x, y, z)", column="xyz")
    if lum.ndim == eye.ndim:
        # one layout shared by all observers of a room: (..., n, 3) with eye (..., obs, 3)
        lum = lum[..., None, :, :]
    terms = _photometric_terms(
        photometry,
        lum,
        eye,
        view,
        length_azimuth_deg,
        beyond_table=beyond_table,
        max_gamma_deg=max_gamma_deg,
    )
    h = lum[..., 2].mean(axis=-1) - eye[..., 2]
    width = np.asarray(width_m, dtype=float)
    length = np.asarray(length_m, dtype=float)
    if width.ndim and width.ndim < h.ndim:
        width = width.reshape(width.shape + (1,) * (h.ndim - width.ndim))
        length = length.reshape(length.shape + (1,) * (h.ndim - length.ndim))
    rho = [np.asarray(r, dtype=float) for r in reflectances]
    rho = [
        r.reshape(r.shape + (1,) * (h.ndim - r.ndim)) if r.ndim and r.ndim < h.ndim else r
        for r in rho
    ]
    lb = cie190_background_luminance(
        flux_fractions(photometry), lum.shape[-2], width, length, h, rho[0], rho[1], rho[2]
    )
    values = ugr_from_sum(terms.total, np.where(np.isfinite(lb) & (lb > 0), lb, np.nan))
    return PhotometricUgr(values, lb, terms)


@dataclass(frozen=True)
class Reflectances:
    """Room reflectances [1] for the CIE 190 background.

    ``ceiling`` is the luminaire plane, ``walls`` the walls between it and the eye plane,
    ``floor`` the floor cavity below the eye plane.
    """

    ceiling: float
    walls: float
    floor: float

    def __post_init__(self) -> None:
        for name in ("ceiling", "walls", "floor"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1:
                raise InputError(f"expected a reflectance 0 ≤ ρ < 1, got {value!r}", column=name)


@dataclass(frozen=True)
class MeasuredGlare:
    """Path (a): measured luminaire luminances per observer.

    Attributes
    ----------
    luminance_cd_m2
        Observer name → luminance of each luminaire toward that observer, in the order of the
        luminaire positions [cd/m²] (NaN: not measured; the observer's UGR is then not measured).
    indirect_illuminance_lx
        Observer name → vertical illuminance at the eye with the luminaires shaded [lx].
    luminous_length_m, luminous_width_m
        The flat luminous opening; ω = A·cos γ / r².
    """

    luminance_cd_m2: Mapping[str, Sequence[float]]
    indirect_illuminance_lx: Mapping[str, float]
    luminous_length_m: float
    luminous_width_m: float


@dataclass(frozen=True)
class ObserverUgr:
    """UGR at one observer position, with what went into it."""

    observer: Observer
    ugr: float
    background_luminance_cd_m2: float
    n_sources: int
    n_formula_position_index: int
    n_excluded: int
    reason: Message | None = None


@dataclass(frozen=True)
class RoomUgr:
    """The room's UGR: the worst observer, every observer, and the method used."""

    worst_ugr: float
    worst_observer: str
    per_observer: tuple[ObserverUgr, ...]
    method: str
    reason: Message | None = None
    notes: tuple[Message, ...] = field(default_factory=tuple)


def room_ugr(
    classroom: Classroom,
    source: Photometry | MeasuredGlare,
    *,
    reflectances: Reflectances | None = None,
    observers: Sequence[Observer] | None = None,
    luminaires_xyz: npt.ArrayLike | None = None,
    length_azimuth_deg: float = 90.0,
    beyond_table: Literal["formula", "exclude"] = "exclude",
    max_gamma_deg: float = 85.0,
) -> RoomUgr:
    """Compute a classroom's UGR at every observer and report the worst.

    Parameters
    ----------
    classroom
        Geometry: width, length, luminaire count and mounting height.
    source
        A :class:`~luxcheck.readers.photometry.Photometry` (path b) or :class:`MeasuredGlare`
        (path a).
    reflectances
        Path (b) only, required: ceiling, walls and floor-cavity reflectances.
    observers
        Defaults to :func:`standard_observers`.
    luminaires_xyz
        Luminaire centres (n, 3) [m]; defaults to :func:`luminaire_layout`.
    length_azimuth_deg
        Azimuth of the luminaires' long axis in the room (90: perpendicular to the blackboard,
        GB 7793 / GB/T 36876) [°].
    beyond_table
        Sources outside the position-index table (T/R > 3, H/R > 1.9, "-" cells): ``"exclude"``
        (default, the CIE 117 / CIE 190 tabular practice: with it the published CIE 190 table is
        reproduced within 0.14 UGR, with the closed form within 1.0 UGR only) or ``"formula"``
        (closed form, counted in ``n_formula_position_index``). Excluded sources are counted in
        ``n_excluded``.
    max_gamma_deg
        Luminaires seen at γ above this (grazing view of the opening) are left out
        (CIE 117:1995 §4.5 as applied by the eulumdat-ugr tool; recalled) [°].

    Returns
    -------
    RoomUgr
        ``worst_ugr`` is NaN (with ``reason``) if any observer could not be evaluated.
    """
    obs = tuple(observers) if observers is not None else standard_observers(classroom)
    lum = (
        np.asarray(luminaires_xyz, dtype=float)
        if luminaires_xyz is not None
        else luminaire_layout(classroom)
    )
    if lum.ndim != 2 or lum.shape[1] != 3:
        raise InputError(
            f"expected luminaire positions of shape (n, 3), got {lum.shape}",
            column="luminaires_xyz",
        )
    eye = np.array([[o.x_m, o.y_m, o.eye_height_m] for o in obs])
    view = np.array([o.view_deg for o in obs])
    results: list[ObserverUgr] = []
    if isinstance(source, Photometry):
        if reflectances is None:
            raise InputError("path (b) needs the room reflectances", column="reflectances")
        if source.luminous_area_m2 >= LUMINOUS_CEILING_AREA_M2:
            reason: Message | None = Message(
                _n(
                    "luminous area {area:.2f} m² ≥ 1.5 m²: GB/T 50034-2024 A.0.1-3 limits "
                    "luminance and illuminance by Table A.0.1-2 instead of UGR"
                ),
                area=float(source.luminous_area_m2),
            )
            return RoomUgr(math.nan, "", (), "path b: photometric file " + source.source, reason)
        batch = ugr_photometric_batch(
            source,
            classroom.width_m,
            classroom.length_m,
            lum,
            eye,
            view,
            (reflectances.ceiling, reflectances.walls, reflectances.floor),
            length_azimuth_deg=length_azimuth_deg,
            beyond_table=beyond_table,
            max_gamma_deg=max_gamma_deg,
        )
        values, lb, terms = batch.ugr, batch.background_luminance_cd_m2, batch.terms
        h = float(np.mean(lum[:, 2])) - eye[:, 2]
        k = classroom.width_m * classroom.length_m / (h * (classroom.width_m + classroom.length_m))
        for i, o in enumerate(obs):
            reason = None
            if h[i] <= 0:
                reason = Message(_n("the luminaires are not above the observer's eye"))
            elif not np.isfinite(lb[i]):
                reason = Message(
                    _n(
                        "room index k = {k:.2f} outside the CIE 190 Table 4 range 1.0–4.8: "
                        "background luminance not determined"
                    ),
                    k=float(k[i]),
                )
            elif terms.n_sources[i] == 0:
                reason = Message(_n("no luminaire in the field of view"))
            results.append(
                ObserverUgr(
                    o,
                    float(values[i]),
                    float(lb[i]),
                    int(terms.n_sources[i]),
                    int(terms.n_formula[i]),
                    int(terms.n_excluded[i]),
                    reason,
                )
            )
        method = (
            "path b: photometric file " + source.source + "; L = I/A_p, ω = A_p/r²; "
            "L_b by CIE 190:2010 §4.2 with F_T by three-surface flux transfer"
        )
    else:
        results = _measured(source, lum, obs, eye, view, beyond_table, max_gamma_deg)
        method = "path a: measured luminances; L_b = E_ind/π"
    return _summarise(results, method)


def _measured(
    source: MeasuredGlare,
    lum: FloatArray,
    obs: tuple[Observer, ...],
    eye: FloatArray,
    view: FloatArray,
    beyond_table: Literal["formula", "exclude"],
    max_gamma_deg: float,
) -> list[ObserverUgr]:
    for name in ("luminous_length_m", "luminous_width_m"):
        size = getattr(source, name)
        if not (math.isfinite(size) and size > 0):
            raise InputError(f"expected a finite size > 0 m, got {size}", column=name)
    area = source.luminous_length_m * source.luminous_width_m
    r_fwd, t_lat, h_up, _ = _observer_frame(lum, eye, view)
    in_front = (r_fwd > 1e-9) & (h_up > 0)
    safe_r = np.where(in_front, r_fwd, 1.0)
    p, flag = position_index_flagged(t_lat / safe_r, np.where(in_front, h_up, 0) / safe_r)
    dist2 = r_fwd**2 + t_lat**2 + h_up**2
    cos_g = np.where(in_front, h_up / np.sqrt(dist2), 0.0)
    gamma = np.degrees(np.arccos(np.clip(cos_g, -1, 1)))
    visible = in_front & (gamma <= max_gamma_deg)
    if beyond_table == "exclude":
        visible &= ~flag
    omega = area * cos_g / dist2
    out: list[ObserverUgr] = []
    for i, o in enumerate(obs):
        if o.name not in source.luminance_cd_m2 or o.name not in source.indirect_illuminance_lx:
            out.append(
                ObserverUgr(
                    o,
                    math.nan,
                    math.nan,
                    0,
                    0,
                    0,
                    not_measured(
                        Message(_n("no luminance readings for observer {name!r}"), name=o.name)
                    ),
                )
            )
            continue
        lvec = np.asarray(source.luminance_cd_m2[o.name], dtype=float)
        if lvec.shape != (lum.shape[0],):
            raise InputError(
                f"observer {o.name!r}: {lvec.size} luminances for {lum.shape[0]} luminaires",
                column="luminance_cd_m2",
            )
        lb = float(background_luminance(source.indirect_illuminance_lx[o.name]))
        used = visible[i]
        missing = int(np.sum(np.isnan(lvec[used])))
        if missing:
            out.append(
                ObserverUgr(
                    o,
                    math.nan,
                    lb,
                    int(used.sum()),
                    0,
                    0,
                    Message(
                        _n("{k} of {n} luminaire luminances missing"),
                        k=missing,
                        n=int(used.sum()),
                    ),
                )
            )
            continue
        value = float(ugr(lvec[used], omega[i][used], p[i][used], lb))
        out.append(
            ObserverUgr(
                o,
                value,
                lb,
                int(used.sum()),
                int(np.sum(flag[i] & used)),
                int(np.sum(in_front[i]) - used.sum()),
            )
        )
    return out


def _summarise(results: list[ObserverUgr], method: str) -> RoomUgr:
    bad = [r for r in results if not math.isfinite(r.ugr)]
    notes = tuple(
        _labelled(
            r.observer.name,
            Message(
                _n("{n} source(s) beyond the position-index table (closed form used)"),
                n=r.n_formula_position_index,
            ),
        )
        for r in results
        if r.n_formula_position_index
    ) + tuple(
        _labelled(
            r.observer.name,
            Message(
                _n(
                    "{n} source(s) left out (beyond the position-index table or seen at a "
                    "grazing angle)"
                ),
                n=r.n_excluded,
            ),
        )
        for r in results
        if r.n_excluded
    )
    if bad:
        reason = joined(
            _labelled(r.observer.name, r.reason or Message(_n("not computed"))) for r in bad
        )
        return RoomUgr(math.nan, "", tuple(results), method, reason, notes)
    worst = max(results, key=lambda r: r.ugr)
    return RoomUgr(worst.ugr, worst.observer.name, tuple(results), method, None, notes)


def _labelled(label: str, why: Message) -> Message:
    """An observer's message: "O1: …"."""
    return Message(_n("{label}: {why}"), label=label, why=why)


def cie190_table(
    photometry: Photometry,
    *,
    spacing_to_height: float = 1.0,
    mounting_height_m: float = 2.0,
    beyond_table: Literal["formula", "exclude"] = "exclude",
    max_gamma_deg: float = 85.0,
) -> FloatArray:
    """Compute the standard-condition UGR table of a luminaire (CIE 190:2010), shape (19, 10).

    Rows follow :data:`CIE190_ROOMS`; columns 0–4 crosswise (length across the line of sight),
    5–9 endwise, each in :data:`CIE190_REFLECTANCES` order. Observer at the middle of the
    Y = 0 wall looking along +Y; luminaires on a square grid of spacing S = ratio·H filling the
    room. Same kernels as :func:`room_ugr`, used to validate path (b).
    """
    h = mounting_height_m
    s = spacing_to_height * h
    out = np.full((len(CIE190_ROOMS), 10), np.nan)
    fractions = flux_fractions(photometry)
    eye = np.array([[0.0, 0.0, 0.0]])
    for row, (x_h, y_h) in enumerate(CIE190_ROOMS):
        x, y = x_h * h, y_h * h
        nx, ny = round(x / s), round(y / s)
        xs = (np.arange(nx) + 0.5) * s - x / 2
        ys = (np.arange(ny) + 0.5) * s
        gx, gy = np.meshgrid(xs, ys)
        lum = np.stack([gx.ravel(), gy.ravel(), np.full(gx.size, h)], axis=-1)
        refl = np.array(CIE190_REFLECTANCES)
        lb = cie190_background_luminance(
            fractions, lum.shape[0], x, y, h, refl[:, 0], refl[:, 1], refl[:, 2]
        )
        for col0, length_azimuth in ((0, 0.0), (5, 90.0)):
            terms = _photometric_terms(
                photometry,
                lum,
                eye,
                np.array([90.0]),
                length_azimuth,
                beyond_table=beyond_table,
                max_gamma_deg=max_gamma_deg,
            )
            out[row, col0 : col0 + 5] = ugr_from_sum(np.repeat(terms.total, 5), lb)
    return out


def ugr_from_readings(readings: Iterable[LuminanceReading]) -> RoomUgr:
    """Compute path (a) UGR from luminance readings that carry their own geometry.

    Per observer (``reading.observer``): every ``target="luminaire"`` reading gives L with the
    inspector's ``solid_angle_sr`` and ``position_index``; one ``target="background"`` reading
    gives L_b (= E_ind / π, measured or derived by the inspector). Readings must already be the
    current ones. An observer with a luminaire reading lacking ω or p, or without a background
    reading, is not measured (NaN with the reason); use :func:`room_ugr` with
    :class:`MeasuredGlare` to derive ω and p from the room geometry instead.

    Raises
    ------
    InputError
        A luminaire or background reading without an observer, or two background readings for
        one observer.
    """
    by_observer: dict[str, list[LuminanceReading]] = {}
    backgrounds: dict[str, LuminanceReading] = {}
    for reading in readings:
        if reading.target not in ("luminaire", "background"):
            continue
        if not reading.observer:
            raise InputError(
                f"reading {reading.reading_id}: a glare reading must name its observer position",
                column="observer",
            )
        if reading.target == "background":
            if reading.observer in backgrounds:
                raise InputError(
                    f"observer {reading.observer!r} has two background readings, "
                    f"{backgrounds[reading.observer].reading_id} and {reading.reading_id}",
                    column="observer",
                )
            backgrounds[reading.observer] = reading
        else:
            by_observer.setdefault(reading.observer, []).append(reading)
    results: list[ObserverUgr] = []
    for name in sorted(set(by_observer) | set(backgrounds)):
        observer = Observer(name, math.nan, math.nan, math.nan, math.nan, "unknown")
        sources = by_observer.get(name, [])
        background = backgrounds.get(name)
        incomplete = [
            r.reading_id for r in sources if r.solid_angle_sr is None or r.position_index is None
        ]
        if background is None or background.luminance_cd_m2 <= 0:
            reason = not_measured(Message(_n("no background luminance reading > 0")))
        elif not sources:
            reason = not_measured(Message(_n("no luminaire luminance readings")))
        elif incomplete:
            reason = not_measured(
                Message(
                    _n("reading(s) {names} lack the solid angle or position index"),
                    names=", ".join(incomplete),
                )
            )
        else:
            value = ugr(
                [r.luminance_cd_m2 for r in sources],
                [float(r.solid_angle_sr or math.nan) for r in sources],
                [float(r.position_index or math.nan) for r in sources],
                background.luminance_cd_m2,
            )
            results.append(
                ObserverUgr(observer, float(value), background.luminance_cd_m2, len(sources), 0, 0)
            )
            continue
        lb = background.luminance_cd_m2 if background is not None else math.nan
        results.append(ObserverUgr(observer, math.nan, lb, len(sources), 0, 0, reason))
    if not results:
        return RoomUgr(
            math.nan,
            "",
            (),
            "path a: luminance readings",
            not_measured(Message(_n("no glare readings"))),
        )
    return _summarise(results, "path a: luminance readings with recorded ω and p; L_b measured")


def glare_metrics(result: RoomUgr) -> tuple[dict[str, float], dict[str, Message]]:
    """Map a room's UGR result to the metric id ``ugr`` (worst observer), with its reason."""
    if math.isfinite(result.worst_ugr):
        return {"ugr": result.worst_ugr}, {}
    return {"ugr": math.nan}, {"ugr": result.reason or not_measured()}
