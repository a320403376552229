"""The environmental conditions of a guided session (issue 16): asked at the start when a
person is at the prompt, taken from the command line in scripted (--auto) runs without ever
blocking, recorded append-only, never invented.

Sources: ISO/IEC 17025:2017 §7.8.3.1 a) (a test report states the environmental conditions that
bear on the results); the issue's rule that a condition not given is printed "not recorded";
the ranges of ``luxcheck.model.ENVIRONMENT_FIELDS`` (a relative humidity above 100 % is no
reading).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from luxcheck.acquire.environment import ask_environment, record_environment
from luxcheck.acquire.session import ScriptedConsole
from luxcheck.cli import main
from luxcheck.journal.store import CampaignStore
from luxcheck.model import MeasurementSession
from tests.acquire.test_measure_cli import _campaign
from tests.support.builders import T0

EMU = "emu://t-10a?lux=512&time_scale=0.01"


def test_answers_are_checked_and_blank_is_not_recorded() -> None:
    """Temperature 22; humidity 'abc' and 150 % refused, then 55; voltage left blank; stray
    light skipped with 's'; warm-up 15 min. Nothing is filled in that was not typed."""
    lines: list[str] = []
    console = ScriptedConsole(["22", "abc", "150", "55", "", "s", "15"], out=lines.append)
    values = ask_environment(console, "en", {}, ask=True)
    assert values == {
        "temperature_C": 22.0,
        "relative_humidity_percent": 55.0,
        "supply_voltage_V": None,
        "stray_light_lx": None,
        "warmup_min": 15.0,
    }
    assert sum("expected a number from 0 to 100" in line for line in lines) == 2


def test_without_a_person_nothing_is_asked() -> None:
    """A scripted run is never prompted: the given values are kept, the rest not recorded."""
    lines: list[str] = []
    console = ScriptedConsole([], out=lines.append)
    values = ask_environment(console, "zh", {"temperature_C": 19.0}, ask=False)
    assert lines == []
    assert values["temperature_C"] == 19.0
    assert all(v is None for k, v in values.items() if k != "temperature_C")


def test_nothing_given_writes_no_record(store: CampaignStore) -> None:
    """An all-empty record would say nothing: none is written (the report says not recorded)."""
    assert record_environment(store, store.sessions()[0], {}) is None
    assert store.environments() == []


@pytest.mark.parametrize("resume", [False, True])
def test_auto_measure_takes_conditions_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], resume: bool
) -> None:
    """``luxcheck measure --auto --temperature 21.5 --humidity 48 --warm-up 20`` records them
    for the session without a prompt; voltage and stray light stay not recorded; resuming the
    session records nothing again."""
    path = _campaign(tmp_path)
    argv = [
        "measure", str(path), "--classroom", "R101", "--inspector", "张工",
        "--session", "R101-V1", "--roles", "lux", "--auto", "--wait-scale", "0",
        "--instrument", "lux=LUX-1", "--lux-meter", EMU,
        "--temperature", "21.5", "--humidity", "48", "--warm-up", "20",
    ]  # fmt: skip
    assert main(argv) == 0
    if resume:
        assert main([*argv[:6], "--resume", *argv[8:]]) == 0
    capsys.readouterr()
    with CampaignStore.open(path) as store:
        (record,) = store.environments("R101")
    assert record.session_id == "R101-V1"
    assert (record.temperature_C, record.relative_humidity_percent, record.warmup_min) == (
        21.5,
        48.0,
        20.0,
    )
    assert record.supply_voltage_V is None and record.stray_light_lx is None


def test_environment_records_are_append_only(store: CampaignStore) -> None:
    """Like readings, a recorded condition is never edited in place (SQLite trigger)."""
    import sqlite3

    session = MeasurementSession("SE9", "R101", "张工", T0)
    store.add_session(session)
    record_environment(store, session, {"temperature_C": 20.0})
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store._db.execute("UPDATE environment SET temperature_C = 25")
    assert store.environments()[0].temperature_C == 20.0
