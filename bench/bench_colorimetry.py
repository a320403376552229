"""Benchmark: luxcheck's vectorised colorimetry against colour-science's per-spectrum loop.

Run: ``.venv/bin/python bench/bench_colorimetry.py [--n 1000] [--ref 30] [--memory-n 100000]
[--repeat 15]``

Every time is CPU time of this process (``time.process_time``) with BLAS limited to one
thread (``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS`` and ``MKL_NUM_THREADS`` are set to 1
before numpy is imported, unless the caller set them): with one thread the process's CPU time
is the work done, which the load of other processes on the shared machine inflates far less
than wall time (through the shared caches only), and luxcheck, its floors and the other
libraries run under the same rule.

Prints, measured in this process:
- luxcheck: XYZ + CCT + Duv + Ra + R1-R14 (``tm30=False``) for N spectra at 1 nm, and all
  metrics with TM-30; best of ``--repeat`` runs;
- luxcheck's TM-30 kernel itself, ``colorimetry.tm30`` on the spectra on the working grid
  (its own CCT search, its reference illuminants, CAM02-UCS, Rf and Rg), timed directly,
  interleaved with its floors in the same loop (kernel, floor, floor with the elementwise
  work, ``--repeat`` times), the best of each; and, as a check on the load, the median over
  the runs of each run's own ratio of the kernel to the floor with the elementwise work;
- colour-science 0.4.7: the per-spectrum loop (``sd_to_XYZ`` + Ohno 2013 ``uv_to_CCT`` +
  ``colour_rendering_index``; ``colour_fidelity_index(method="ANSI/IES TM-30-18")``) on a
  subset of fresh spectra (colour-science caches results), extrapolated per spectrum to N;
- the floor of each kernel: the unavoidable array work, the products over wavelengths that no
  implementation of the metric can avoid, with tables of the kernel's shapes, and the kernel's
  ratio to it. CRI: N test and N reference spectra x (421 x 45: the 2-degree CMF and 14
  samples x 3). TM-30 (checked against the kernel, issue 21): N test spectra x (401 x 303: 99
  samples x 3 and the white under the 10-degree observer, and the 2-degree XYZ for the CCT),
  plus, for the spectra whose CIE 224 reference has a Planckian part (CCT <= 5000 K), that
  reference x (401 x 301). A D-series reference (above 5000 K) needs no product: it is a fixed
  combination of three basis spectra, so its samples are (1, M1, M2) @ a 3 x 301 table (the
  kernel does exactly that). The earlier floor of two full products per spectrum counted those
  avoidable products and so was too high by the share of spectra above 5000 K;
- the TM-30 floor with the elementwise work no TM-30 implementation avoids (the line the
  target applies to): the products above; CIECAM02's compression of every cone response of
  the 99 samples under the test and the reference illuminant (2 x N x 3 x 99 powers x^0.42);
  Planck's law for the Planckian references (an exponential a wavelength); and the hue-bin
  averaging Rg needs (the count and the sums of a', b' under test and reference in each of 16
  bins, one ``bincount`` each, the bins given). Each at its cheapest in numpy, so that the
  floor is no higher than it must be: x^0.42 as exp(0.42 ln x) (numpy's ``power`` is about
  1.4x dearer), Planck's exp(x) without the dearer ``expm1`` (and without the - 1 and the
  reciprocal), every operation in place into buffers allocated once outside the timing. The
  kernel pays for its allocations; the floor does not. Left out of the floor, although every
  implementation needs them too: the CIECAM02 powers of J and M (t^0.9, (A/A_w)^(cz)), the
  CAM02-UCS logarithm of M', the CCT search and the D-series part of the references;
- luxpy in the same process where it imports with the installed numpy; else, where
  ``bash bench/luxpy-venv.sh`` made a second interpreter with a numpy luxpy imports with
  (``.venv-luxpy``), luxpy and luxcheck's kernels both in one process of that interpreter
  (else why not);
- the ratio of the two, and the peak memory of ``spectral_metrics`` over 100 000 spectra
  (in a separate process, so its maximum RSS is the kernel's own).

The machine is shared: timings are the best of several runs; rerun when the load is high.

Targets (issue 4): 1000 spectra ≤ 0.1 s and ≥ 300× faster for CRI; TM-30 for 1000 ≤ 2 s;
memory < 1 GiB for 100 000 spectra. Issue 21: the TM-30 kernel within 2× of its floor with
the elementwise work.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
import warnings
from pathlib import Path

# one BLAS thread for every timing here (see above); before numpy is imported
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

from luxcheck.demo.synth_spectra import random_white_leds  # noqa: E402
from luxcheck.kernels import colorimetry  # noqa: E402

WL = np.arange(380.0, 781.0)


_clock = time.process_time  # CPU time of this process (one BLAS thread; see above)


def _best(fn: object, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = _clock()
        fn()  # type: ignore[operator]
        times.append(_clock() - t0)
    return min(times)


def _interleaved(fns: list[object], repeat: int) -> np.ndarray:
    """Times of each function (columns), run in turn ``repeat`` times (rows), so that a spell
    of load on the shared machine falls on all of them, not on one."""
    times = np.empty((repeat, len(fns)))
    for run in range(repeat):
        for i, fn in enumerate(fns):
            t0 = _clock()
            fn()  # type: ignore[operator]
            times[run, i] = _clock() - t0
    return times


def _colour_loop(spd: np.ndarray) -> tuple[float, float]:
    import colour

    warnings.filterwarnings("ignore")
    colour.utilities.filter_warnings(colour_runtime_warnings=True, colour_usage_warnings=True)
    sds = [colour.SpectralDistribution(s, WL) for s in spd]
    # Warm up on a different spectrum (table builds, imports) so the loop is steady state.
    warm = colour.SpectralDistribution(spd[0] * 1.01 + 1e-4, WL)
    colour.colour_rendering_index(warm, additional_data=True)
    colour.colour_fidelity_index(warm, additional_data=True, method="ANSI/IES TM-30-18")
    t0 = _clock()
    for sd in sds:
        xyz = colour.sd_to_XYZ(sd)
        colour.uv_to_CCT(colour.UCS_to_uv(colour.XYZ_to_UCS(xyz)), method="Ohno 2013")
        colour.colour_rendering_index(sd, additional_data=True)
    t_cri = (_clock() - t0) / len(sds)
    sds = [colour.SpectralDistribution(s * 1.001, WL) for s in spd]
    t0 = _clock()
    for sd in sds:
        colour.colour_fidelity_index(sd, additional_data=True, method="ANSI/IES TM-30-18")
    t_tm30 = (_clock() - t0) / len(sds)
    return t_cri, t_tm30


def _cri_floor(spd: np.ndarray, repeat: int) -> float:
    """Best time of the products no CRI kernel can avoid (see above)."""
    grid = np.concatenate([np.repeat(spd[:, :1], 20, axis=1), spd], axis=1)  # 360-780 nm
    w_cri = np.random.default_rng(5).random((421, 45))
    return _best(lambda: (grid @ w_cri, grid @ w_cri), repeat)


def _tm30_vs_floors(spd: np.ndarray, repeat: int) -> tuple[float, float, float, float]:
    """Best times of the TM-30 kernel, of its floor (array products) and of its floor with the
    elementwise work no TM-30 avoids (see above), interleaved; and the median over the runs of
    the kernel's time over the latter floor's in the same run."""
    rng = np.random.default_rng(5)
    grid = colorimetry.resample_spectra(WL, spd)  # the kernel's input: the working grid
    _rf, _rg, cct = colorimetry.tm30(grid)
    n = spd.shape[0]
    planckian = spd[cct <= 5000]  # stands in for the reference spectra (same shape)
    w_test, w_ref = rng.random((401, 303)), rng.random((401, 301))
    # buffers for the floor's outputs, allocated once: the floor pays for no allocation
    test_out, ref_out = np.empty((n, 303)), np.empty((planckian.shape[0], 301))
    # cone responses F_L R / 100 of the samples under test and reference, as in the kernel
    cones = rng.uniform(0.01, 2.0, (2, n, 3, 99))
    cones_out = np.empty_like(cones)
    exponent = rng.uniform(3.6, 40.0, planckian.shape)  # c2 / (λ T) at T <= 5000 K
    exponent_out = np.empty_like(exponent)
    # hue bins of the reference samples and the a', b' under test and reference to average
    cell = (np.arange(n)[:, None] * 16 + rng.integers(0, 16, (n, 99))).ravel()
    ab = rng.uniform(-40.0, 40.0, (4, n * 99))

    def products() -> None:
        np.matmul(spd, w_test, out=test_out)
        np.matmul(planckian, w_ref, out=ref_out)

    def with_elementwise() -> None:
        products()
        # CIECAM02 compression of every cone response, test and reference: x^0.42
        np.log(cones, out=cones_out)
        np.multiply(cones_out, 0.42, out=cones_out)
        np.exp(cones_out, out=cones_out)
        np.exp(exponent, out=exponent_out)  # Planck's law for the Planckian references
        np.bincount(cell, minlength=n * 16)  # hue-bin counts and sums of a', b'
        for values in ab:
            np.bincount(cell, weights=values, minlength=n * 16)

    times = _interleaved([lambda: colorimetry.tm30(grid), products, with_elementwise], repeat)
    kernel, floor, floor_elementwise = times.min(axis=0)
    paired = float(np.median(times[:, 0] / times[:, 2]))  # kernel / floor within each run
    return kernel, floor, floor_elementwise, paired


#: A second interpreter with a numpy luxpy imports with (``bash bench/luxpy-venv.sh`` makes
#: it), for when luxpy does not import with this one's numpy.
LUXPY_PYTHON = Path(
    os.environ.get(
        "LUXCHECK_LUXPY_PYTHON", Path(__file__).resolve().parent.parent / ".venv-luxpy/bin/python"
    )
)


def _luxpy_elsewhere(n: int, repeat: int) -> dict[str, object] | None:
    """luxpy against luxcheck in the second interpreter (both in its one process), or None
    when there is none."""
    if not LUXPY_PYTHON.is_file():
        return None
    cmd = [str(LUXPY_PYTHON), __file__, "--luxpy-only", "--n", str(n), "--repeat", str(repeat)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["no output"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _luxpy_only(n: int, repeat: int) -> None:
    """--luxpy-only: luxcheck's Ra path and TM-30 kernel and luxpy's Ra and Rf on the same
    spectra in this process, as one JSON line."""
    spd, _ = random_white_leds(WL, n, np.random.default_rng(2024))
    colorimetry.spectral_metrics(WL, spd[:8])
    grid = colorimetry.resample_spectra(WL, spd)  # the kernel's input, as _tm30_vs_floors
    t_cri = _best(lambda: colorimetry.spectral_metrics(WL, spd, tm30=False), repeat)
    t_tm30 = _best(lambda: colorimetry.tm30(grid), repeat)
    name, lx_cri, lx_tm30 = _luxpy(spd)
    out = {"name": name, "numpy": np.__version__, "t_cri": t_cri, "t_tm30": t_tm30}
    print(json.dumps({**out, "lx_cri": lx_cri, "lx_tm30": lx_tm30}))


def _luxpy(spd: np.ndarray) -> tuple[str, float, float]:
    """luxpy's CIE Ra and TM-30 Rf for the spectra (one call each), or why it cannot run."""
    try:
        import luxpy
    except Exception as exc:  # luxpy runs code at import that may fail on a newer numpy
        import importlib.metadata

        try:
            version = importlib.metadata.version("luxpy")
        except importlib.metadata.PackageNotFoundError:
            return "luxpy: not installed", float("nan"), float("nan")
        return (
            f"luxpy {version}: does not import with numpy {np.__version__} "
            f"({type(exc).__name__}: {exc})",
            float("nan"),
            float("nan"),
        )
    data = np.vstack([WL, spd])
    t_cri = _best(lambda: luxpy.cri.spd_to_ciera(data), repeat=1)
    t_tm30 = _best(lambda: luxpy.cri.spd_to_iesrf(data), repeat=1)
    return f"luxpy {luxpy.__version__}", t_cri, t_tm30


def _memory(n: int) -> tuple[float, float, float]:
    rng = np.random.default_rng(99)
    spd = np.empty((n, WL.size))
    for start in range(0, n, 5000):  # build the input in pieces: measure the kernel, not this
        stop = min(start + 5000, n)
        spd[start:stop] = random_white_leds(WL, stop - start, rng)[0]
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    t0 = _clock()
    colorimetry.spectral_metrics(WL, spd)
    elapsed = _clock() - t0
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return peak / 2**20, elapsed, spd.nbytes / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="spectra for the luxcheck timing")
    parser.add_argument("--ref", type=int, default=30, help="spectra for the colour-science loop")
    parser.add_argument("--memory-n", type=int, default=100_000, help="spectra for the memory run")
    parser.add_argument("--repeat", type=int, default=15, help="runs of each timing (best)")
    parser.add_argument("--memory-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--luxpy-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.luxpy_only:
        _luxpy_only(args.n, args.repeat)
        return
    if args.memory_only:
        peak_mib, elapsed, input_mib = _memory(args.memory_n)
        rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"memory, {args.memory_n} spectra, all metrics: kernel peak {peak_mib:.0f} MiB on top "
            f"of the {input_mib:.0f} MiB input ({elapsed:.1f} s); process max RSS "
            f"{rss_mib:.0f} MiB (target < 1024 MiB)"
        )
        return

    spd, _ = random_white_leds(WL, args.n, np.random.default_rng(2024))
    colorimetry.spectral_metrics(WL, spd[:8])  # build cached tables once
    t_cri = _best(lambda: colorimetry.spectral_metrics(WL, spd, tm30=False), args.repeat)
    t_all = _best(lambda: colorimetry.spectral_metrics(WL, spd, tm30=True), args.repeat)
    f_cri = _cri_floor(spd, args.repeat)
    t_tm30, f_tm30, f_tm30_elementwise, paired = _tm30_vs_floors(spd, args.repeat)
    lx_name, lx_cri, lx_tm30 = _luxpy(spd)
    ref_spd, _ = random_white_leds(WL, args.ref, np.random.default_rng(7))
    c_cri, c_tm30 = _colour_loop(ref_spd)

    n = args.n
    print(
        f"spectra: {n} synthetic white LEDs, 380-780 nm at 1 nm; CPU time, best of "
        f"{args.repeat}, OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}"
    )
    print(
        f"luxcheck XYZ+CCT+Duv+Ra+R1-R14 : {t_cri * 1e3:8.1f} ms for {n}"
        f"   (target <= 100 ms for 1000)"
    )
    print(
        f"colour-science loop (per spec.): {c_cri * 1e3:8.2f} ms -> {c_cri * n:7.2f} s for {n}"
        f"   (measured on {args.ref} fresh spectra)"
    )
    print(f"ratio CRI path                  : {c_cri * n / t_cri:8.0f}x   (target >= 300x)")
    print(
        f"luxcheck TM-30 Rf+Rg (kernel)   : {t_tm30 * 1e3:8.1f} ms for {n}"
        f"   (all metrics {t_all * 1e3:.1f} ms; target <= 2 s)"
    )
    print(
        f"colour-science TM-30 (per spec.): {c_tm30 * 1e3:8.2f} ms -> {c_tm30 * n:7.2f} s for {n}"
    )
    print(f"ratio TM-30                     : {c_tm30 * n / t_tm30:8.0f}x")
    print(
        f"floor (array products), CRI path: {f_cri * 1e3:8.1f} ms -> luxcheck / floor "
        f"{t_cri / f_cri:5.1f}x"
    )
    print(
        f"floor (array products), TM-30   : {f_tm30 * 1e3:8.1f} ms -> luxcheck / floor "
        f"{t_tm30 / f_tm30:5.1f}x"
    )
    print(
        f"floor + CIECAM02 powers, Planck, hue bins: {f_tm30_elementwise * 1e3:6.1f} ms -> "
        f"luxcheck / floor {t_tm30 / f_tm30_elementwise:5.2f}x   (target <= 2x: products and the "
        f"elementwise work no TM-30 avoids; median of the runs' own ratios {paired:.2f}x)"
    )
    if lx_cri == lx_cri:
        print(f"{lx_name} Ra: {lx_cri * 1e3:8.1f} ms -> ratio {lx_cri / t_cri:6.1f}x")
        print(f"{lx_name} TM-30 Rf: {lx_tm30 * 1e3:8.1f} ms -> ratio {lx_tm30 / t_tm30:6.1f}x")
    else:
        print(lx_name)
        elsewhere = _luxpy_elsewhere(n, args.repeat)
        if elsewhere is None:
            print(f"no second interpreter for luxpy ({LUXPY_PYTHON}: bash bench/luxpy-venv.sh)")
        elif "error" in elsewhere:
            print(f"luxpy in {LUXPY_PYTHON}: failed ({elsewhere['error']})")
        else:
            e = {k: v for k, v in elsewhere.items() if isinstance(v, float)}
            print(
                f"{elsewhere['name']} in a second interpreter with numpy {elsewhere['numpy']} "
                f"(.venv-luxpy), against luxcheck in that same process:"
            )
            print(
                f"  Ra, {n} spectra: luxpy {e['lx_cri'] * 1e3:8.1f} ms, luxcheck "
                f"{e['t_cri'] * 1e3:6.1f} ms -> ratio {e['lx_cri'] / e['t_cri']:6.1f}x"
            )
            print(
                f"  TM-30 Rf, {n} spectra: luxpy {e['lx_tm30'] * 1e3:8.1f} ms, luxcheck "
                f"{e['t_tm30'] * 1e3:6.1f} ms -> ratio {e['lx_tm30'] / e['t_tm30']:6.1f}x"
            )
    if args.memory_n:  # in a fresh process, so its max RSS is the kernel's own
        cmd = [sys.executable, __file__, "--memory-only", "--memory-n", str(args.memory_n)]
        print(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
