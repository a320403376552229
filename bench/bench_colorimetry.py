"""Benchmark: luxcheck's vectorised colorimetry against colour-science's per-spectrum loop.

Run: ``.venv/bin/python bench/bench_colorimetry.py [--n 1000] [--ref 30] [--memory-n 100000]``

Prints, measured in this process:
- luxcheck: XYZ + CCT + Duv + Ra + R1-R14 (``tm30=False``) for N spectra at 1 nm, and the same
  with TM-30 Rf/Rg; best of 5 runs;
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
  avoidable products and so was too high by the share of spectra above 5000 K. The floor leaves
  out the elementwise work CIECAM02 adds (a power for each cone response of 2 x 99 samples, the
  Planck exponentials, the CAM02-UCS logarithms): a second line prints the floor with that
  work, for the record;
- luxpy in the same process where it imports with the installed numpy (else why not);
- the ratio of the two, and the peak memory of ``spectral_metrics`` over 100 000 spectra
  (in a separate process, so its maximum RSS is the kernel's own).

The machine is shared: timings are the best of several runs; rerun when the load is high.

Targets (issue 4): 1000 spectra ≤ 0.1 s and ≥ 300× faster for CRI; TM-30 for 1000 ≤ 2 s;
memory < 1 GiB for 100 000 spectra.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
import tracemalloc
import warnings

import numpy as np

from luxcheck.demo.synth_spectra import random_white_leds
from luxcheck.kernels import colorimetry

WL = np.arange(380.0, 781.0)


def _best(fn: object, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return min(times)


def _colour_loop(spd: np.ndarray) -> tuple[float, float]:
    import colour

    warnings.filterwarnings("ignore")
    colour.utilities.filter_warnings(colour_runtime_warnings=True, colour_usage_warnings=True)
    sds = [colour.SpectralDistribution(s, WL) for s in spd]
    # Warm up on a different spectrum (table builds, imports) so the loop is steady state.
    warm = colour.SpectralDistribution(spd[0] * 1.01 + 1e-4, WL)
    colour.colour_rendering_index(warm, additional_data=True)
    colour.colour_fidelity_index(warm, additional_data=True, method="ANSI/IES TM-30-18")
    t0 = time.perf_counter()
    for sd in sds:
        xyz = colour.sd_to_XYZ(sd)
        colour.uv_to_CCT(colour.UCS_to_uv(colour.XYZ_to_UCS(xyz)), method="Ohno 2013")
        colour.colour_rendering_index(sd, additional_data=True)
    t_cri = (time.perf_counter() - t0) / len(sds)
    sds = [colour.SpectralDistribution(s * 1.001, WL) for s in spd]
    t0 = time.perf_counter()
    for sd in sds:
        colour.colour_fidelity_index(sd, additional_data=True, method="ANSI/IES TM-30-18")
    t_tm30 = (time.perf_counter() - t0) / len(sds)
    return t_cri, t_tm30


def _floors(spd: np.ndarray) -> tuple[float, float, float]:
    """Best time of the products no kernel of these metrics can avoid (see above), and of the
    TM-30 floor with its unavoidable elementwise work."""
    rng = np.random.default_rng(5)
    grid = np.concatenate([np.repeat(spd[:, :1], 20, axis=1), spd], axis=1)  # 360-780 nm
    _rf, _rg, cct = colorimetry.tm30(colorimetry.resample_spectra(WL, spd))
    planckian = spd[cct <= 5000]  # stands in for the reference spectra (same shape)
    w_cri, w_test, w_ref = rng.random((421, 45)), rng.random((401, 303)), rng.random((401, 301))
    t_cri = _best(lambda: (grid @ w_cri, grid @ w_cri))
    t_tm30 = _best(lambda: (spd @ w_test, planckian @ w_ref))
    cones = rng.uniform(1.0, 100.0, (2, spd.shape[0], 3, 99))
    exponent = rng.uniform(0.5, 5.0, planckian.shape)

    def with_elementwise() -> None:
        spd @ w_test, planckian @ w_ref
        cones**0.42  # CIECAM02 compression of every cone response, test and reference
        np.expm1(exponent)  # Planck's law for the Planckian references

    return t_cri, t_tm30, _best(with_elementwise)


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
    t0 = time.perf_counter()
    colorimetry.spectral_metrics(WL, spd)
    elapsed = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return peak / 2**20, elapsed, spd.nbytes / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="spectra for the luxcheck timing")
    parser.add_argument("--ref", type=int, default=30, help="spectra for the colour-science loop")
    parser.add_argument("--memory-n", type=int, default=100_000, help="spectra for the memory run")
    parser.add_argument("--memory-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
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
    t_cri = _best(lambda: colorimetry.spectral_metrics(WL, spd, tm30=False))
    t_all = _best(lambda: colorimetry.spectral_metrics(WL, spd, tm30=True), repeat=3)
    t_tm30 = t_all - t_cri

    f_cri, f_tm30, f_tm30_elementwise = _floors(spd)
    lx_name, lx_cri, lx_tm30 = _luxpy(spd)
    ref_spd, _ = random_white_leds(WL, args.ref, np.random.default_rng(7))
    c_cri, c_tm30 = _colour_loop(ref_spd)

    n = args.n
    print(f"spectra: {n} synthetic white LEDs, 380-780 nm at 1 nm")
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
        f"luxcheck TM-30 Rf+Rg            : {t_tm30 * 1e3:8.1f} ms for {n}"
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
        f"{t_tm30 / f_tm30:5.1f}x   (target <= 2x)"
    )
    print(
        f"floor + CIECAM02 powers, Planck : {f_tm30_elementwise * 1e3:8.1f} ms -> luxcheck / "
        f"floor {t_tm30 / f_tm30_elementwise:5.1f}x   (products and the elementwise work no "
        "TM-30 avoids)"
    )
    if lx_cri == lx_cri:
        print(f"{lx_name} Ra: {lx_cri * 1e3:8.1f} ms -> ratio {lx_cri / t_cri:6.1f}x")
        print(f"{lx_name} TM-30 Rf: {lx_tm30 * 1e3:8.1f} ms -> ratio {lx_tm30 / t_tm30:6.1f}x")
    else:
        print(lx_name)
    if args.memory_n:  # in a fresh process, so its max RSS is the kernel's own
        cmd = [sys.executable, __file__, "--memory-only", "--memory-n", str(args.memory_n)]
        print(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
