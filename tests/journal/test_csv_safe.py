"""Every CSV the project writes is safe in a spreadsheet program (issue 17), and the campaign
export still round-trips.

Sources: OWASP "CSV Injection" (cells beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage
return are run as formulas by spreadsheet programs; a leading apostrophe makes them text);
issue 2's round-trip rule (import → export → import changes no value), as hypothesis
properties and on a campaign with hostile names and negative numbers.
"""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from luxcheck.journal.csv_safe import DANGEROUS, neutralise, restore, safe_row
from luxcheck.journal.exchange import export_folder, import_folder
from luxcheck.journal.store import CampaignStore
from luxcheck.model import School, WaveformReading
from tests.journal.test_exchange import snapshot
from tests.support.builders import T0, make_classroom

HOSTILE = (
    '=HYPERLINK("http://x.invalid","点此")',
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "+1+1",
    "-2+3",
)

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_STARTS = st.sampled_from(["", "'", "''", *DANGEROUS])


@given(st.tuples(_STARTS, _STARTS, _TEXT).map("".join))
def test_restore_undoes_neutralise(cell: str) -> None:
    """restore(neutralise(x)) == x for every text, quotes and formula starts included."""
    assert restore(neutralise(cell)) == cell


@given(st.tuples(_STARTS, _TEXT).map("".join))
def test_no_written_text_cell_starts_a_formula(cell: str) -> None:
    """A written cell never begins with a formula character unless it is a plain number."""
    written = neutralise(cell)
    if written and written[0] in DANGEROUS:
        assert written == cell
        float(written)  # a plain number, kept so numeric columns stay numeric


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_are_left_as_numbers(value: float) -> None:
    """repr of any finite float (negative, exponent) is written as it is and reads back."""
    assert neutralise(repr(value)) == repr(value)
    assert float(restore(neutralise(repr(value)))) == value


def test_hostile_cells_are_neutralised() -> None:
    """The issue's examples get the apostrophe; safe_row turns None into an empty cell."""
    assert safe_row([*HOSTILE, None, "-0.5", "\tx", "\rx"]) == [
        *("'" + h for h in HOSTILE),
        "",
        "-0.5",
        "'\tx",
        "'\rx",
    ]


def test_campaign_export_is_safe_and_round_trips(store: CampaignStore, tmp_path: Path) -> None:
    """campaign export writes no cell that starts a formula (names, notes), keeps negative
    numbers as numbers, and importing the export gives back every value exactly."""
    store.add_school(School("S09", HOSTILE[0], HOSTILE[2]))
    store.add_classroom(dataclasses.replace(make_classroom("R901", "S09"), notes=HOSTILE[1]))
    store.add_reading(
        WaveformReading(
            "W9",
            "SE1",
            T0,
            samples=np.array([-3, 5], dtype=np.int16),
            sample_rate_hz=1000.0,
            dark_level=-0.5,
        )
    )
    export_folder(store, tmp_path / "x")
    for path in sorted((tmp_path / "x").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    if cell and cell[0] in DANGEROUS:
                        float(cell)  # only numbers may start so
    schools = (tmp_path / "x" / "schools.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in schools
    assert "-0.5" in (tmp_path / "x" / "waveforms.csv").read_text(encoding="utf-8")
    with CampaignStore.create(tmp_path / "b.lux", store.campaign) as b:
        import_folder(b, tmp_path / "x")
        assert snapshot(b) == snapshot(store)
