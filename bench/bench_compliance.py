"""Benchmark the compliance engine over a province-sized campaign.

Run: ``.venv/bin/python bench/bench_compliance.py [--rooms N]``

Prints the time to judge N classrooms against ``cn-classroom`` (cached packs) and two ratios
measured in the same run:

- against a plain per-item Python loop over the same limits that only compares numbers (the
  floor: what any engine must at least do), and
- against judging each room with packs re-read from disk (what the cache saves).
"""

from __future__ import annotations

import argparse
import random
import time

from luxcheck.compliance import engine as compliance
from luxcheck.compliance import packs as standards

BASE = {
    "desk_illuminance_mean_lx": 420.0,
    "desk_uniformity": 0.75,
    "board_illuminance_mean_lx": 650.0,
    "board_uniformity": 0.85,
    "ugr": 16.0,
    "cri_ra": 85.0,
    "cri_r9": 12.0,
    "cct_K": 5000.0,
    "luminaire_height_above_desk_m": 1.9,
    "lpd_w_per_m2": 8.0,
    "board_luminaire_distance_min_m": 0.8,
    "board_luminaire_distance_max_m": 0.9,
    "board_luminaire_height_above_board_min_m": 0.15,
    "board_luminaire_height_above_board_max_m": 0.16,
    "flicker_frequency_hz": 100.0,
    "flicker_percent": 2.0,
    "board_flicker_frequency_hz": 100.0,
    "board_flicker_percent": 2.0,
    "flicker_pst_lm": 0.3,
    "flicker_svm": 0.4,
    "blue_light_risk_group": "RG0",
    "board_blue_light_risk_group": "RG1",
}


def rooms(n: int) -> list[dict[str, float | str | None]]:
    rng = random.Random(1)
    out = []
    for _ in range(n):
        m: dict[str, float | str | None] = {
            k: (v * rng.uniform(0.85, 1.1) if isinstance(v, float) else v) for k, v in BASE.items()
        }
        m["desk_uniformity"] = min(1.0, float(BASE["desk_uniformity"]) * rng.uniform(0.85, 1.1))
        m["board_uniformity"] = min(1.0, float(BASE["board_uniformity"]) * rng.uniform(0.85, 1.1))
        out.append(m)
    return out


def plain_loop(data: list[dict[str, float | str | None]]) -> int:
    """The reference: compare each room's numbers with the same limits, nothing else."""
    limits = [
        lim for lim in standards.profile_limits("cn-classroom") if lim.applies_to_room("ordinary")
    ]
    failed = 0
    for m in data:
        for lim in limits:
            x = m.get(lim.metric)
            if x is None:
                continue
            if lim.comparator == "in":
                ok = x in lim.allowed
            elif lim.comparator == "range":
                ok = lim.min <= x <= lim.max  # type: ignore[operator]
            else:
                t = lim.threshold(m.get(lim.function.of) if lim.function else None)  # type: ignore[arg-type]
                if t is None:
                    continue
                ok = {">=": x >= t, ">": x > t, "<=": x <= t, "<": x < t}[lim.comparator]  # type: ignore[operator]
            failed += not ok
    return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=2000)
    args = parser.parse_args()
    data = rooms(args.rooms)

    standards.clear_cache()
    t0 = time.perf_counter()
    standards.load_registry()
    t_load = time.perf_counter() - t0

    t0 = time.perf_counter()
    results = [compliance.room_result(compliance.evaluate(m, "cn-classroom")) for m in data]
    t_engine = time.perf_counter() - t0

    t0 = time.perf_counter()
    plain_loop(data)
    t_plain = time.perf_counter() - t0

    n_uncached = max(1, args.rooms // 100)
    t0 = time.perf_counter()
    for m in data[:n_uncached]:
        standards.clear_cache()
        compliance.evaluate(m, "cn-classroom")
    t_uncached = (time.perf_counter() - t0) / n_uncached * args.rooms

    t0 = time.perf_counter()
    compliance.campaign_rollup((f"S{i % 50}", f"R{i}", r) for i, r in enumerate(results))
    t_roll = time.perf_counter() - t0

    n_verdicts = sum(len(r.verdicts) for r in results)
    print(f"rooms: {args.rooms}, verdicts: {n_verdicts}")
    print(f"load all packs (cold):           {t_load * 1e3:8.1f} ms")
    print(
        f"evaluate + room_result (cached): {t_engine * 1e3:8.1f} ms "
        f"({t_engine / args.rooms * 1e6:.0f} µs/room)"
    )
    print(f"campaign_rollup:                 {t_roll * 1e3:8.1f} ms")
    print(
        f"reference plain loop:            {t_plain * 1e3:8.1f} ms "
        f"-> engine/plain ratio {t_engine / t_plain:.1f}"
    )
    print(
        f"reference re-reading packs:      {t_uncached * 1e3:8.1f} ms (extrapolated from "
        f"{n_uncached} rooms) -> speed-up of the cache {t_uncached / t_engine:.0f}x"
    )


if __name__ == "__main__":
    main()
