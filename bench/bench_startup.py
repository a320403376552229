"""Benchmark: start-up of the command line (issue 21: `luxcheck --version` and `luxcheck
meter read` in <= 0.3 s).

Measures wall time of fresh processes, best of 7: a bare interpreter (the reference: what no
Python command can go below), `luxcheck --version`, `luxcheck meter read --help` (the parser
and the drivers a reading needs, without the meter's own protocol waits) and `luxcheck --help`
(every subcommand registered). The meter's reply time is the meter's, not the command line's:
a CL-200A reading over emu:// also waits the times its protocol prescribes.

Usage: .venv/bin/python bench/bench_startup.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time

COMMANDS = (
    ("bare interpreter (reference)", [sys.executable, "-c", "pass"]),
    ("luxcheck --version", [sys.executable, "-m", "luxcheck", "--version"]),
    ("luxcheck meter read --help", [sys.executable, "-m", "luxcheck", "meter", "read", "--help"]),
    ("luxcheck --help (all commands)", [sys.executable, "-m", "luxcheck", "--help"]),
)


def best(command: list[str], repeat: int) -> tuple[float, float]:
    """Best wall time and best CPU time (user + system of the child) over ``repeat`` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        walls.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return min(walls), min(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    reference = best(COMMANDS[0][1], args.repeat)
    for label, command in COMMANDS:
        wall, cpu = reference if command is COMMANDS[0][1] else best(command, args.repeat)
        target = "" if label.startswith(("bare", "luxcheck --help")) else "  (target <= 0.3 s)"
        print(
            f"{label:32s} {wall:6.3f} s wall, {cpu:6.3f} s CPU, "
            f"{wall / reference[0]:5.1f}x the bare interpreter's wall{target}"
        )


if __name__ == "__main__":
    main()
