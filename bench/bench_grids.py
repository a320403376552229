"""Benchmark: grid statistics and path (b) UGR for 1000 classrooms, batched vs a per-room loop.

Run: .venv/bin/python bench/bench_grids.py
Prints the time of each variant and the RATIO loop / batched, measured in the same process.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from luxcheck.analysis import glare, grids
from luxcheck.kernels.grids import illuminance_stats
from luxcheck.model import Classroom
from luxcheck.readers.photometry import read_ldt

ROOT = Path(__file__).resolve().parent.parent
N_ROOMS = 1000
REFLECTANCES = (0.8, 0.6, 0.2)


def classrooms(n: int, seed: int = 7) -> list[Classroom]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        length = float(rng.uniform(8.4, 10.8))
        out.append(
            Classroom(
                classroom_id=f"R{i:04d}",
                school_id="S01",
                name=f"room {i}",
                room_type="ordinary",
                length_m=length,
                width_m=float(rng.uniform(6.6, 8.4)),
                height_m=3.4,
                desk_rows=7,
                desk_front_m=2.2,
                desk_back_m=length - 0.6,
                luminaire_mounting_height_m=float(rng.uniform(2.7, 3.0)),
            )
        )
    return out


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    rooms = classrooms(N_ROOMS)
    photometry = read_ldt(ROOT / "tests" / "data" / "photometry" / "cie190_example.ldt")
    rng = np.random.default_rng(1)

    # --- grid statistics: one 7 x 8 desk grid per room (same plan shape for the batch)
    plan = grids.point_plan(rooms[0], "desk")
    values = rng.uniform(250, 600, (N_ROOMS, plan.n_points))
    t_batch = best_of(lambda: illuminance_stats(values, plan.weights))
    t_loop = best_of(lambda: [illuminance_stats(v, plan.weights) for v in values])
    print(
        f"grid stats, {N_ROOMS} rooms x {plan.n_points} points: batched {t_batch * 1e3:.2f} ms, "
        f"loop {t_loop * 1e3:.1f} ms, ratio {t_loop / t_batch:.0f}x"
    )
    t_plans = best_of(lambda: [grids.point_plan(r, "desk") for r in rooms], repeat=1)
    print(
        f"point plans, {N_ROOMS} rooms: {t_plans * 1e3:.1f} ms "
        f"({t_plans / N_ROOMS * 1e6:.0f} us/room)"
    )

    # --- UGR path (b): 6 observers x 9 luminaires per room
    obs = [glare.standard_observers(r) for r in rooms]
    lum = np.stack([glare.luminaire_layout(r) for r in rooms])
    eye = np.array([[[o.x_m, o.y_m, o.eye_height_m] for o in ob] for ob in obs])
    view = np.array([[o.view_deg for o in ob] for ob in obs])
    width = np.array([r.width_m for r in rooms])
    length = np.array([r.length_m for r in rooms])

    def batched() -> np.ndarray:
        return glare.ugr_photometric_batch(
            photometry, width, length, lum, eye, view, REFLECTANCES
        ).ugr

    refl = glare.Reflectances(*REFLECTANCES)

    def looped() -> list[float]:
        return [glare.room_ugr(r, photometry, reflectances=refl).worst_ugr for r in rooms]

    t_batch = best_of(batched)
    t_loop = best_of(looped, repeat=1)
    worst_batch = np.nanmax(batched(), axis=-1)
    assert np.allclose(worst_batch, looped(), rtol=1e-12)
    print(
        f"UGR path b, {N_ROOMS} rooms x 6 observers x 9 luminaires: batched "
        f"{t_batch * 1e3:.1f} ms, loop (room_ugr) {t_loop * 1e3:.0f} ms, "
        f"ratio {t_loop / t_batch:.1f}x"
    )


if __name__ == "__main__":
    main()
