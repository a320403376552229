"""``luxcheck meter read``: take one reading from a meter (or an emulator) and print it."""

from __future__ import annotations

import argparse
import json
import math
from typing import Any

from luxcheck.cli.arguments import decimal, whole
from luxcheck.errors import EXIT_OK

_PHOTOMETRIC_ORDER = (
    "illuminance_lx",
    "x",
    "y",
    "u_prime",
    "v_prime",
    "cct_K",
    "duv",
    "X",
    "Y",
    "Z",
    "delta_lx",
    "ratio_percent",
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``meter`` command."""
    from luxcheck.drivers import DRIVERS, MODELS

    parser = sub.add_parser("meter", help="talk to a meter: take one reading")
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    read = actions.add_parser("read", help="take one reading and print it")
    read.add_argument("--model", required=True, choices=MODELS, help="meter model")
    read.add_argument(
        "--port",
        required=True,
        help="device path or pyserial URL (/dev/ttyUSB0, COM3, socket://h:p, emu://cl-200a)",
    )
    read.add_argument("--json", action="store_true", help="print the reading as JSON")
    read.add_argument("--raw", action="store_true", help="include the raw frames (hex) in JSON")
    multi_head = [cls for cls in DRIVERS.values() if cls.head_numbers is not None]
    read.add_argument(
        "--head",
        type=whole,
        default=0,
        help="receptor head ("
        + "; ".join(f"{cls.model}: {_span(cls.head_numbers)}" for cls in multi_head)
        + ")",
    )
    read.add_argument("--timeout", type=decimal, default=2.0, help="reply timeout [s]")
    read.add_argument(
        "--verbose", action="store_true", help="add the driver's detail to a device error"
    )
    read.set_defaults(func=_read)


def _span(numbers: range | None) -> str:
    """Get a range of head numbers as text: ``0-29``."""
    return "none" if not numbers else f"{numbers[0]}-{numbers[-1]}"


def _read(args: argparse.Namespace) -> int:
    from luxcheck.acquire.advice import device_message
    from luxcheck.drivers import driver_class, open_meter
    from luxcheck.errors import DeviceError, InputError

    options: dict[str, Any] = {}
    heads = driver_class(args.model).head_numbers
    if heads is not None:
        if args.head not in heads:
            raise InputError(f"expected a head {_span(heads)}, got {args.head}", column="--head")
        options["heads"] = (args.head,)
    if not (math.isfinite(args.timeout) and args.timeout > 0):
        raise InputError(f"expected a timeout > 0 s, got {args.timeout}", column="--timeout")
    try:
        with open_meter(args.port, args.model, timeout_s=args.timeout, **options) as meter:
            reading = meter.read()
    except DeviceError as exc:  # what to check, in plain words (the detail with --verbose)
        raise DeviceError(device_message(exc, "en", verbose=args.verbose)) from exc
    data = reading.to_json()
    if not args.raw:
        data.pop("raw_hex", None)
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
        return EXIT_OK
    print(f"{args.model} on {args.port} at {data['taken_at']}")
    if reading.kind == "photometric":
        for key in _PHOTOMETRIC_ORDER:
            if data.get(key) is not None:
                print(f"  {key:15s} {data[key]:g}")
    elif reading.kind == "spectrum":
        wl, values = data["wavelength_nm"], data["values"]
        print(f"  spectrum        {len(wl)} values, {wl[0]:g}-{wl[-1]:g} nm [{data['unit']}]")
        print(f"  peak            {max(values):.4g} at {wl[values.index(max(values))]:g} nm")
    else:
        samples = data["samples"]
        print(f"  sample_rate_hz  {data['sample_rate_hz']:g}")
        print(f"  samples         {len(samples)} (min {min(samples)}, max {max(samples)} counts)")
    if data["flags"]:
        print(f"  flags           {', '.join(data['flags'])}")
    return EXIT_OK
