"""``luxcheck analyse waveform FILE [--json] [--sample-rate HZ]``: flicker metrics of a file.

Reads a waveform CSV (:func:`luxcheck.readers.waveform.read_waveform_csv`), computes every flicker
metric (:func:`luxcheck.kernels.flicker.flicker_metrics`, named and classified by
:func:`luxcheck.analysis.flicker.flicker_metric_dict`) and prints a table, or JSON keyed by metric
id. The sampling rate and record length are always printed, and a metric that cannot be
computed is shown with the reason.
"""

from __future__ import annotations

import argparse
import json
import math

from luxcheck.analysis.flicker import flicker_metric_dict
from luxcheck.cli.arguments import decimal, positive
from luxcheck.errors import EXIT_OK
from luxcheck.kernels.flicker import flicker_metrics
from luxcheck.readers.waveform import read_waveform_csv
from luxcheck.vocabulary import METRICS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``analyse waveform``."""
    parser.add_argument("file", help="waveform CSV: 'time,value' or 'value' lines")
    parser.add_argument("--json", action="store_true", help="print JSON keyed by metric id")
    parser.add_argument(
        "--sample-rate",
        type=decimal,
        default=None,
        metavar="HZ",
        help="sampling rate [Hz] (required for value-only files)",
    )
    parser.add_argument(
        "--dark-level", type=decimal, default=0.0, help="sensor reading in darkness, subtracted"
    )
    parser.add_argument(
        "--full-scale",
        type=decimal,
        default=None,
        help="sensor full-scale reading; samples at or above it are reported as clipping",
    )


def _format(value: float | str, unit: str) -> str:
    if isinstance(value, str):
        return value or "not measured"
    if math.isnan(value):
        return "not measured"
    text = f"{value:.4g}"
    return f"{text} {unit}" if unit and unit != "1" else text


def run(args: argparse.Namespace) -> int:
    """Analyse one waveform file; print the result; return the exit code."""
    if args.sample_rate is not None:
        positive(args.sample_rate, "--sample-rate", "Hz")
    if args.full_scale is not None:
        positive(args.full_scale, "--full-scale")
    wave = read_waveform_csv(args.file, sample_rate_hz=args.sample_rate)
    result = flicker_metrics(
        wave.samples,
        wave.sample_rate_hz,
        dark_level=args.dark_level,
        full_scale=args.full_scale,
    )
    values, reasons = flicker_metric_dict(result, ())
    clipped = bool(result.clipped)
    if args.json:
        doc = {
            "file": wave.source,
            "sample_rate_hz": wave.sample_rate_hz,
            "record_length_s": wave.duration_s,
            "n_samples": int(wave.samples.size),
            "clipped": clipped,
            "metrics": {
                k: (None if isinstance(v, float) and math.isnan(v) else v)
                for k, v in values.items()
            },
            "reasons": {k: str(why) for k, why in reasons.items()},  # in English
        }
        print(json.dumps(doc, ensure_ascii=False, indent=2))
        return EXIT_OK
    print(f"file            {wave.source}")
    print(f"sample rate     {wave.sample_rate_hz:.6g} Hz")
    print(f"record length   {wave.duration_s:.6g} s ({wave.samples.size} samples)")
    print(f"clipped         {'yes' if clipped else 'no'}")
    width = max(len(METRICS[k].name_en) for k in values)
    for key, value in values.items():
        info = METRICS[key]
        line = f"{info.name_en:<{width}}  {_format(value, info.unit)}"
        if key in reasons:
            line += f"  ({reasons[key]})"
        print(line)
    return EXIT_OK
