"""Benchmark: decoding a 20 s flicker capture (400 000 waveform records at 20 kHz).

Run: .venv/bin/python bench/bench_drivers.py
Prints the time of the vectorised decoder (parse_records + check_sequence, as the driver uses)
and of a plain per-record Python loop (parse_record on each 12-byte record, then the index
check), and the RATIO loop / vectorised, measured in the same process. A third line times a
full capture of the same length through the driver and its in-process emulator (emu://).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from luxcheck.drivers import open_meter
from luxcheck.drivers.waveform_stream import (
    check_sequence,
    encode_record,
    parse_record,
    parse_records,
)

RATE_HZ = 20_000
SECONDS = 20
N = RATE_HZ * SECONDS


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    data = b"".join(encode_record(i, (i * 37) % 65536) for i in range(N))

    def vectorised() -> None:
        check_sequence(parse_records(data), data)

    def loop() -> None:
        previous = None
        for k in range(N):
            rec = parse_record(data[k * 12 : (k + 1) * 12])
            if previous is not None and rec.index != (previous + 1) % 2**32:
                raise AssertionError("gap")
            previous = rec.index

    t_vec = best_of(vectorised)
    t_loop = best_of(loop, repeat=1)
    print(
        f"decode {N} records: vectorised {t_vec * 1e3:.1f} ms, per-record loop "
        f"{t_loop * 1e3:.1f} ms, RATIO loop/vectorised = {t_loop / t_vec:.1f}"
    )

    url = f"emu://waveform-stream?rate={RATE_HZ}&time_scale=0"
    with open_meter(url, "waveform-stream", duration_s=SECONDS) as meter:
        meter.connect()
        t_cap = best_of(meter.read, repeat=1)
    print(
        f"capture {SECONDS} s at {RATE_HZ} Hz through the driver and emu:// emulator: "
        f"{t_cap:.2f} s (emulator record generation included)"
    )


if __name__ == "__main__":
    main()
