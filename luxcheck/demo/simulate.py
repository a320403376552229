"""A physical model of a classroom's lighting, for the demo campaign and the meter emulators.

This is the "truth" that simulated inspectors measure through the emulated meters: luminaires
as point sources with a ``cos^m`` intensity distribution, an inter-reflected component by the
flux-transfer approximation, and asymmetric blackboard lamps in front of the board. It is a
model for producing realistic readings, not a lighting-design calculation, and nothing in the
analysis depends on it.

Geometry follows :class:`luxcheck.model.Classroom`: ``x`` across the room, ``y`` from the
blackboard wall (``y = 0``) towards the back, ``z`` up from the floor. The blackboard is on the
wall ``y = 0``, centred across the room.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from luxcheck.analysis.glare import luminaire_layout
from luxcheck.model import Classroom

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Lighting:
    """The installed lighting of one room, as the simulation sees it.

    Parameters
    ----------
    luminaire_flux_lm
        Rated luminous flux of one general luminaire [lm].
    distribution_exponent
        ``m`` of the ``I0·cos^m θ`` intensity distribution (1 = Lambertian; louvred
        classroom luminaires are about 1.5–3).
    light_output_ratio
        Downward light output ratio of the luminaires (0–1).
    board_lamp_flux_lm
        Flux of one blackboard lamp [lm].
    board_lamp_distance_m
        Horizontal distance of the board lamps from the board [m] (GB/T 36876: 0.7–1.0 m).
    board_lamp_above_top_m
        Height of the board lamps above the board's top edge [m] (GB/T 36876: 0.1–0.2 m).
    board_aim_deg
        Aiming angle of the board lamps' peak intensity below the horizontal [deg].
    board_beam_exponent
        ``k`` of the board lamps' ``cos^k`` beam around the aiming direction.
    reflectance
        Mean reflectance of the room surfaces for the inter-reflected component.
    luminous_area_m2
        Luminous area of one general luminaire seen from below [m²] (for luminance).
    flux_scatter
        Relative standard deviation of the luminaires' flux (manufacturing spread, ageing).
    """

    luminaire_flux_lm: float = 3600.0
    distribution_exponent: float = 2.5
    light_output_ratio: float = 0.82
    board_lamp_flux_lm: float = 3300.0
    board_lamp_distance_m: float = 0.9
    board_lamp_above_top_m: float = 0.15
    board_aim_deg: float = 56.0
    board_beam_exponent: float = 3.5
    reflectance: float = 0.5
    luminous_area_m2: float = 0.18
    flux_scatter: float = 0.04
    dead_luminaires: tuple[int, ...] = field(default=())


@lru_cache(maxsize=64)
def luminaire_positions(room: Classroom) -> FloatArray:
    """Positions (n, 3) [m] of the general luminaires: the even layout the glare analysis
    assumes (:func:`luxcheck.kernels.glare.luminaire_layout`), long axis perpendicular to the
    board. Computed once per room (every simulated reading asks; read-only)."""
    return _frozen(luminaire_layout(room))


def _frozen(array: FloatArray) -> FloatArray:
    array.flags.writeable = False
    return array


#: How far the row of blackboard lamps extends beyond each end of the board [m].
BOARD_LAMP_OVERHANG_M = 0.3


@lru_cache(maxsize=64)
def board_lamp_positions(room: Classroom, lighting: Lighting) -> FloatArray:
    """Positions (k, 3) [m] of the blackboard lamps: a row along the board, overhanging each
    end by :data:`BOARD_LAMP_OVERHANG_M` (as installers mount them for even end lighting).
    Computed once per room and lighting (read-only)."""
    k = room.board_luminaire_count
    left = (room.width_m - room.board_width_m) / 2 - BOARD_LAMP_OVERHANG_M
    row = room.board_width_m + 2 * BOARD_LAMP_OVERHANG_M
    xs = left + (np.arange(k) + 0.5) * row / max(k, 1)
    z = room.board_bottom_m + room.board_height_m + lighting.board_lamp_above_top_m
    return _frozen(
        np.column_stack(
            [xs, np.full(k, lighting.board_lamp_distance_m), np.full(k, min(z, room.height_m))]
        )
    )


def _fluxes(n: int, lighting: Lighting, rng: np.random.Generator | None) -> FloatArray:
    flux = np.full(n, lighting.luminaire_flux_lm)
    if rng is not None and lighting.flux_scatter > 0:
        flux = flux * rng.normal(1.0, lighting.flux_scatter, n).clip(0.5, 1.5)
    for dead in lighting.dead_luminaires:
        if 0 <= dead < n:
            flux[dead] = 0.0
    return flux


def indirect_illuminance_lx(room: Classroom, lighting: Lighting) -> float:
    """Inter-reflected illuminance [lx], uniform over the room (flux-transfer approximation)."""
    n = room.luminaire_count
    total = n * lighting.luminaire_flux_lm * lighting.light_output_ratio
    total += room.board_luminaire_count * lighting.board_lamp_flux_lm * 0.8
    area = 2 * (room.length_m * room.width_m) + 2 * room.height_m * (room.length_m + room.width_m)
    rho = lighting.reflectance
    return float(total * rho / (area * (1 - rho)))


def desk_illuminance_lx(
    room: Classroom,
    x_m: npt.ArrayLike,
    y_m: npt.ArrayLike,
    lighting: Lighting,
    rng: np.random.Generator | None = None,
) -> FloatArray:
    """Horizontal illuminance [lx] on the desk plane at points ``(x_m, y_m)``."""
    px = np.asarray(x_m, dtype=float)[..., None]
    py = np.asarray(y_m, dtype=float)[..., None]
    lum = luminaire_positions(room)
    flux = _fluxes(len(lum), lighting, rng)
    m = lighting.distribution_exponent
    i0 = flux * lighting.light_output_ratio * (m + 1) / (2 * np.pi)
    h = lum[:, 2] - room.desk_height_m
    r2 = (px - lum[:, 0]) ** 2 + (py - lum[:, 1]) ** 2 + h**2
    cos_t = h / np.sqrt(r2)
    direct = (i0 * cos_t**m * cos_t / r2).sum(axis=-1)
    # the board lamps spill a little light onto the front desks
    board = board_lamp_positions(room, lighting)
    if len(board):
        hb = board[:, 2] - room.desk_height_m
        rb2 = (px - board[:, 0]) ** 2 + (py - board[:, 1]) ** 2 + hb**2
        spill = 0.15 * lighting.board_lamp_flux_lm / (2 * np.pi) * (hb / np.sqrt(rb2)) / rb2
        direct = direct + spill.sum(axis=-1)
    return np.asarray(direct + indirect_illuminance_lx(room, lighting), dtype=np.float64)


def board_illuminance_lx(
    room: Classroom,
    u_m: npt.ArrayLike,
    v_m: npt.ArrayLike,
    lighting: Lighting,
    rng: np.random.Generator | None = None,
) -> FloatArray:
    """Vertical illuminance [lx] on the blackboard at board coordinates.

    ``u_m`` runs along the board from its left edge, ``v_m`` up from its bottom edge.
    """
    left = (room.width_m - room.board_width_m) / 2
    px = left + np.asarray(u_m, dtype=float)[..., None]
    pz = room.board_bottom_m + np.asarray(v_m, dtype=float)[..., None]
    lamps = board_lamp_positions(room, lighting)
    flux = np.full(len(lamps), lighting.board_lamp_flux_lm)
    if rng is not None and lighting.flux_scatter > 0:
        flux = flux * rng.normal(1.0, lighting.flux_scatter, len(lamps)).clip(0.5, 1.5)
    # Each lamp is a line source along x (length ~ its share of the board), sampled in segments;
    # its intensity in the y-z plane peaks at board_aim_deg below the horizontal, towards the
    # board (an asymmetric reflector), falling off as cos^k of the angle from the aim.
    segments = 12
    length = (room.board_width_m + 2 * BOARD_LAMP_OVERHANG_M) / max(len(lamps), 1)
    offsets = (np.arange(segments) + 0.5) / segments * length - length / 2
    sx = (lamps[:, 0][:, None] + offsets[None, :]).ravel()
    sy = np.repeat(lamps[:, 1], segments)
    sz = np.repeat(lamps[:, 2], segments)
    sflux = np.repeat(flux, segments) / segments
    dx, dy, dz = px - sx, 0.0 - sy, pz - sz
    r2 = dx**2 + dy**2 + dz**2
    r = np.sqrt(r2)
    aim = np.deg2rad(lighting.board_aim_deg)
    aim_vec = np.array([0.0, -np.cos(aim), -np.sin(aim)])
    cos_aim = (dy * aim_vec[1] + dz * aim_vec[2]) / r
    k = lighting.board_beam_exponent
    i0 = sflux * 0.8 * (k + 1) / (2 * np.pi)
    intensity = np.where(cos_aim > 0, i0 * np.clip(cos_aim, 0, None) ** k, 0.0)
    cos_inc = np.abs(dy) / r  # board normal is +y
    direct = (intensity * cos_inc / r2).sum(axis=-1)
    # general luminaires add vertical illuminance on the board
    lum = luminaire_positions(room)
    gflux = _fluxes(len(lum), lighting, None)
    m = lighting.distribution_exponent
    gi0 = gflux * lighting.light_output_ratio * (m + 1) / (2 * np.pi)
    gdx, gdy, gdz = px - lum[:, 0], 0.0 - lum[:, 1], pz - lum[:, 2]
    gr2 = gdx**2 + gdy**2 + gdz**2
    gr = np.sqrt(gr2)
    cos_t = np.clip(-gdz / gr, 0, None)
    general = (gi0 * cos_t**m * (np.abs(gdy) / gr) / gr2).sum(axis=-1)
    indirect = indirect_illuminance_lx(room, lighting)
    return np.asarray(direct + general + indirect, dtype=np.float64)


def luminaire_luminance_cd_m2(
    room: Classroom, lighting: Lighting, eye_xyz_m: npt.ArrayLike
) -> FloatArray:
    """Luminance [cd/m²] of each general luminaire's luminous opening seen from an eye position
    (shape (3,); or from several, shape (k, 3): one row of luminances each, shape (k, n)).

    For the ``I0·cos^m γ`` distribution and a flat opening of area A, the luminance toward the
    eye is ``I(γ) / (A·cos γ) = I0·cos^(m−1) γ / A``; luminaires at or above eye level give 0.
    """
    lum = luminaire_positions(room)
    eye = np.asarray(eye_xyz_m, dtype=float)
    d = lum - eye[..., None, :]
    r = np.sqrt((d**2).sum(axis=-1))
    cos_g = np.clip(d[..., 2] / r, 0.0, 1.0)
    m = lighting.distribution_exponent
    i0 = lighting.luminaire_flux_lm * lighting.light_output_ratio * (m + 1) / (2 * np.pi)
    with np.errstate(divide="ignore", invalid="ignore"):
        lum_cd = np.where(cos_g > 0, i0 * cos_g ** (m - 1) / lighting.luminous_area_m2, 0.0)
    for dead in lighting.dead_luminaires:
        if 0 <= dead < len(lum):
            lum_cd[..., dead] = 0.0
    return np.asarray(lum_cd, dtype=np.float64)


def installed_power_w(room: Classroom, lighting: Lighting, efficacy_lm_per_w: float) -> float:
    """Input power [W] of the general lighting for the room's luminaires at an efficacy."""
    return float(room.luminaire_count * lighting.luminaire_flux_lm / efficacy_lm_per_w)
