"""Benchmark of luxcheck.kernels.flicker against a plain per-waveform loop in the same run.

Targets (issue 5):
- 1000 waveforms of 1 s at 20 kHz → frequency, percent flicker, flicker index, SVM in ≤ 2 s;
- PstLM for 100 records of 30 s at 4 kHz in ≤ 10 s.

The reference is the same kernel called once per waveform in a Python loop (what a caller
without batching would write). Run: ``.venv/bin/python bench/bench_flicker.py``.
"""

from __future__ import annotations

import time

import numpy as np

from luxcheck.demo import synth_waveforms as sw
from luxcheck.kernels import flicker as fl


def _waveforms(n: int, duration_s: float, fs: float, seed: int) -> np.ndarray:
    """A realistic mix: DC with ripple, rectified mains, PWM dimming; all with sensor noise."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        kind = i % 3
        if kind == 0:
            x = sw.dc_ripple(
                duration_s,
                fs,
                mean=300.0,
                percent_flicker=float(rng.uniform(0.5, 5)),
                frequency_hz=100.0,
                phase_rad=float(rng.uniform(0, 6)),
            )
        elif kind == 1:
            x = sw.rectified_mains(
                duration_s, fs, mean=300.0, percent_flicker=float(rng.uniform(2, 40))
            )
        else:
            x = sw.pwm(
                duration_s,
                fs,
                frequency_hz=float(rng.choice([500.0, 1000.0, 2000.0])),
                duty=float(rng.uniform(0.2, 0.9)),
                high=500.0,
                low=20.0,
            )
        rows.append(sw.add_noise(x, 0.5, seed=rng))
    return np.asarray(rows)


def _time(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return float(best)


def main() -> None:
    fs = 20000.0
    x = _waveforms(1000, 1.0, fs, seed=1)
    t_batch = _time(lambda: fl.flicker_metrics(x, fs, pst=False))
    t_loop = _time(lambda: [fl.flicker_metrics(row, fs, pst=False) for row in x], repeat=1)
    print(
        f"frequency/percent/index/SVM, 1000 x 1 s @ 20 kHz: batched {t_batch:.3f} s, "
        f"per-waveform loop {t_loop:.3f} s, ratio {t_loop / t_batch:.1f}x "
        f"(target <= 2 s: {'met' if t_batch <= 2.0 else 'MISSED'})"
    )

    fs = 4000.0
    y = _waveforms(100, 30.0, fs, seed=2)
    t_batch = _time(lambda: fl.flicker_metrics(y, fs), repeat=2)
    t_loop = _time(lambda: [fl.flicker_metrics(row, fs) for row in y], repeat=1)
    print(
        f"all metrics incl. PstLM, 100 x 30 s @ 4 kHz: batched {t_batch:.3f} s, "
        f"per-waveform loop {t_loop:.3f} s, ratio {t_loop / t_batch:.1f}x "
        f"(target <= 10 s: {'met' if t_batch <= 10.0 else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
