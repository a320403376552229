"""``luxcheck analyse``: analyse a campaign, or a file of spectra or waveforms.

- ``luxcheck analyse CAMPAIGN``: compute every metric of every classroom and store them.
- ``luxcheck analyse spectra FILE [--json]``: colorimetry of the spectra in a file
  (implemented in :mod:`luxcheck.cli.analyse_spectra`).
- ``luxcheck analyse waveform FILE [--json]``: flicker metrics of a waveform file
  (implemented in :mod:`luxcheck.cli.analyse_waveform`).
"""

from __future__ import annotations

import argparse
import importlib

from luxcheck.errors import InputError

#: Second word → module with ``add_arguments(parser)`` and ``run(args) -> int``.
FILE_MODES = {
    "spectra": "luxcheck.cli.analyse_spectra",
    "waveform": "luxcheck.cli.analyse_waveform",
    "campaign": "luxcheck.cli.analyse_campaign",
}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``analyse`` command."""
    parser = sub.add_parser(
        "analyse",
        help="compute metrics: of a campaign, or of a spectra / waveform file",
        description="luxcheck analyse CAMPAIGN | analyse spectra FILE | analyse waveform FILE",
    )
    parser.add_argument("target", help="a campaign file, or 'spectra' / 'waveform'")
    parser.add_argument("rest", nargs=argparse.REMAINDER, help="the file and options")
    parser.set_defaults(func=_dispatch)


def _dispatch(args: argparse.Namespace) -> int:
    mode = args.target if args.target in FILE_MODES else "campaign"
    rest = (
        list(args.rest)
        if mode != "campaign" or args.target == "campaign"
        else [args.target, *args.rest]
    )
    try:
        module = importlib.import_module(FILE_MODES[mode])
    except ModuleNotFoundError as exc:
        raise InputError(f"'analyse {mode}' is not available in this build ({exc})") from exc
    parser = argparse.ArgumentParser(prog=f"luxcheck analyse {mode}")
    module.add_arguments(parser)
    sub_args = parser.parse_args(rest)
    return int(module.run(sub_args))
