"""Start-up of the command line: the heavy libraries are imported where they are used.

Issue 21 asks `luxcheck --version` and `luxcheck meter read` to start in 0.3 s; the property
that makes it so, tested here without a clock, is which modules a fresh interpreter holds after
building the parser. scipy, matplotlib, pandas, jinja2, WeasyPrint and openpyxl each take
0.05-0.3 s to import, so none may be imported by merely registering the subcommands.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from luxcheck.cli import COMMAND_MODULES, _modules_for

HEAVY = ("scipy", "matplotlib", "pandas", "jinja2", "weasyprint", "openpyxl")


def _loaded_after(code: str) -> set[str]:
    """Top-level package names a fresh interpreter holds after running ``code``."""
    names = "sorted({m.split('.')[0] for m in sys.modules})"
    probe = f"{code}\nimport json, sys\nprint(json.dumps({names}))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_building_every_subcommand_imports_no_heavy_library() -> None:
    """Property of the import graph: registering all subcommands (what `luxcheck --help`
    does) loads numpy at most, none of the heavy libraries."""
    loaded = _loaded_after("import luxcheck.cli as c\nc.build_parser()")
    assert "luxcheck" in loaded  # the probe ran
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


@pytest.mark.parametrize(
    ("argv", "modules"),
    [
        (["--version"], ()),
        (["meter", "read", "--help"], ("luxcheck.cli.meter",)),
        (["report", "x.lux"], ("luxcheck.cli.report",)),
        (["--help"], COMMAND_MODULES),
        (["nosuchcommand"], COMMAND_MODULES),  # the usage error lists every command
        ([], COMMAND_MODULES),
    ],
)
def test_a_command_line_registers_only_its_command(
    argv: list[str], modules: tuple[str, ...]
) -> None:
    """Property of the dispatch: a named command loads its module only; anything else loads
    every command so help and usage errors stay complete."""
    assert _modules_for(argv) == modules


def test_version_and_meter_read_load_neither_the_report_nor_the_analysis() -> None:
    """`luxcheck --version` and the `meter read` parser load no report or analysis stage, and
    not even numpy (about 0.13 s: the drivers import it where a spectrum or a waveform is
    decoded, the number grammar where whole columns are parsed)."""
    for argv in (["--version"], ["meter", "read", "--help"]):
        code = (
            "import contextlib, io\nfrom luxcheck.cli import main\n"
            f"with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
            f"    main({argv!r})\n"
            "import sys\n"
            "assert not [m for m in sys.modules if m.startswith(('luxcheck.report', "
            "'luxcheck.analysis', 'luxcheck.compliance'))], sorted(sys.modules)\n"
        )
        loaded = _loaded_after(code)
        assert not loaded & {*HEAVY, "numpy"}, (argv, sorted(loaded & {*HEAVY, "numpy"}))
