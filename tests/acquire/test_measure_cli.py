"""``luxcheck measure`` against emulated meters (issue 7's reliability proof).

Sources: issue 7 — "kill -9 the measuring process at random points of a scripted session
against an emulator → every reading acknowledged before the kill is in the store exactly once
and the session resumes; pull the emulator's pty mid-read → clean error, store intact"; and
issue 2 (one transaction per reading, committed before the next prompt).
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from luxcheck.journal.store import CampaignStore
from luxcheck.model import Campaign, IlluminanceReading, Instrument, School
from tests.support.builders import make_classroom
from tests.support.language import foreign_words

EMU = "emu://t-10a?lux=512&time_scale=0.01"
SAVED = re.compile(r"^(?:saved|已保存) (\S+) ")  # the session speaks Chinese by default


def _campaign(tmp_path: Path) -> Path:
    import datetime as dt

    path = tmp_path / "c.lux"
    with CampaignStore.create(path, Campaign("C1", "测试")) as store:
        store.add_school(School("S01", "第一中学"))
        store.add_classroom(make_classroom())
        store.add_instrument(Instrument("LUX-1", "T-10A", "1", dt.date(2026, 1, 1), 4.0))
    return path


def _measure(path: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "luxcheck",
        "measure",
        str(path),
        "--classroom",
        "R101",
        "--inspector",
        "张工",
        "--session",
        "R101-V1",
        "--roles",
        "lux",
        "--auto",
        "--wait-scale",
        "0",
        "--instrument",
        "lux=LUX-1",
        *extra,
    ]


def _current_lux(path: Path) -> list[IlluminanceReading]:
    with CampaignStore.open(path) as store:
        return [r for r in store.readings("R101") if isinstance(r, IlluminanceReading)]


def test_kill_9_at_random_points_loses_and_doubles_nothing(tmp_path: Path) -> None:
    path = _campaign(tmp_path)
    rng = random.Random(20261129)
    acknowledged: list[str] = []
    for _ in range(4):
        proc = subprocess.Popen(
            _measure(path, "--lux-meter", EMU),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert proc.stdout is not None
        stop_after = rng.randint(1, 12)
        seen = 0
        for line in proc.stdout:
            match = SAVED.match(line)
            if match:
                acknowledged.append(match.group(1))
                seen += 1
                if seen >= stop_after:
                    break
        os.kill(proc.pid, signal.SIGKILL)  # no clean-up code of ours runs
        proc.wait()
    # everything acknowledged before a kill is in the store, exactly once
    ids = [r.reading_id for r in _current_lux(path)]
    assert set(acknowledged) <= set(ids)
    assert len(ids) == len(set(ids))
    # the session resumes and completes: one current reading per plan point
    done = subprocess.run(
        _measure(path, "--lux-meter", EMU), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    readings = _current_lux(path)
    per_point = Counter((r.surface, r.point) for r in readings)
    assert len(per_point) == 56 + 24  # the default desk and board plans of the room
    assert set(per_point.values()) == {1}
    assert set(acknowledged) <= {r.reading_id for r in readings}


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="pseudo-terminals need a POSIX system")
def test_pull_the_pty_mid_session_then_resume(tmp_path: Path) -> None:
    path = _campaign(tmp_path)

    def start_emulator(time_scale: float) -> tuple[subprocess.Popen[str], str]:
        emu = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "luxcheck",
                "emulate",
                "t-10a",
                "--set",
                "lux=498.5",
                "--set",
                f"time_scale={time_scale:g}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert emu.stdout is not None
        line = emu.stdout.readline()
        match = re.search(r"(/dev/\S+)", line)
        assert match, line
        return emu, match.group(1)

    # slow enough (≈ 0.1 s a reading) that the session cannot finish its 80 points between
    # the 5th acknowledgement and the kill, even on a busy machine; the resume runs fast
    emu, port = start_emulator(0.2)
    proc = subprocess.Popen(
        _measure(path, "--lux-meter", port, "--timeout", "1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    acknowledged = []
    said: list[str] = []
    for line in proc.stdout:
        said.append(line)
        match = SAVED.match(line)
        if match:
            acknowledged.append(match.group(1))
            if len(acknowledged) == 5:
                emu.kill()  # the meter's port disappears mid-session
                emu.wait()
                break
    rest = proc.stdout.read()
    acknowledged += [m.group(1) for m in map(SAVED.match, rest.splitlines()) if m]
    err = proc.stderr.read() if proc.stderr else ""
    assert proc.wait(timeout=120) == 3, err  # device error, reported in plain words
    assert "resume" in err
    # issue 19: the (default) Chinese session says it all in Chinese, the meter that did not
    # come back included ("仪器未恢复连接;已保存…" was followed by English)
    said += [*rest.splitlines(), *err.splitlines()]
    assert any(line.startswith("仪器未恢复连接") for line in said), said
    english = {line: words for line in said if (words := foreign_words(line, (port,)))}
    assert not english, english
    stored = [r.reading_id for r in _current_lux(path)]
    assert stored == acknowledged  # nothing lost, nothing half-written
    emu, port = start_emulator(0.01)
    try:
        done = subprocess.run(
            _measure(path, "--lux-meter", port, "--resume"),
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        emu.terminate()
        emu.wait()
    assert done.returncode == 0, done.stderr
    assert len(_current_lux(path)) == 80


def test_typed_in_quantities_skip_and_stop(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Manual entry (power, heights): a number is journalled, 's' at the value prompt skips the
    step (not measured), 'q' stops the session resumably; a non-number is asked again."""
    from luxcheck.cli import main
    from luxcheck.model import PowerReading

    path = _campaign(tmp_path)
    script = tmp_path / "answers.txt"
    script.write_text("r\ns\nr\nabc\n72.5\nr\nq\n", encoding="utf-8")
    code = main(
        [
            "measure",
            str(path),
            "--classroom",
            "R101",
            "--inspector",
            "张工",
            "--session",
            "R101-V2",
            "--roles",
            "power,height",
            "--script",
            str(script),
            "--lang",
            "en",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "not a number: 'abc'" in out
    assert "stopped; resume with --resume" in out
    with CampaignStore.open(path) as store:
        readings = store.readings("R101")
    assert [
        (type(r), getattr(r, "circuit", None), getattr(r, "power_w", None)) for r in readings
    ] == [(PowerReading, "board", 72.5)]


def test_session_of_another_classroom_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--session`` naming a stored session of another classroom: exit 2 naming both rooms,
    before anything is written (the readings would be filed under the other classroom)."""
    import datetime as dt

    from luxcheck.cli import main
    from luxcheck.model import MeasurementSession

    path = _campaign(tmp_path)
    with CampaignStore.open(path) as store:
        store.add_classroom(make_classroom("R102"))
        store.add_session(
            MeasurementSession("SE1", "R101", "张工", dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC))
        )
    command = _measure(path, "--lux-meter", EMU)[3:]  # without "python -m luxcheck"
    command[command.index("--classroom") + 1] = "R102"
    command[command.index("--session") + 1] = "SE1"
    assert main(command) == 2
    err = capsys.readouterr().err
    assert "argument --session" in err
    assert "'R101'" in err and "'R102'" in err
    with CampaignStore.open(path) as store:
        assert store.readings(include_superseded=True) == []
        assert [s.session_id for s in store.sessions()] == ["SE1"]


def _run_measure(command: list[str]) -> subprocess.CompletedProcess[str]:
    """Run ``measure``; a session that loops forever fails the test by its timeout."""
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_auto_without_script_skips_typed_in_quantities(tmp_path: Path) -> None:
    """``--auto`` has no one to type power, heights or luminances: those steps are skipped
    (not measured) instead of being asked forever; the meter's steps are all taken."""
    path = _campaign(tmp_path)
    command = _measure(path, "--lux-meter", EMU, "--lang", "en")
    command[command.index("--roles") + 1] = "lux,power,height,luminance"
    done = _run_measure(command)
    assert done.returncode == 0, done.stderr
    assert "no meter for power, height, luminance" in done.stdout
    assert "not a number" not in done.stdout
    with CampaignStore.open(path) as store:
        kinds = Counter(r.kind for r in store.readings("R101"))
    assert kinds == {"illuminance": 80}


def test_auto_skips_a_step_whose_reading_is_refused(tmp_path: Path) -> None:
    """A meter reading the model refuses (250 000 lx > the 200 000 lx cap) is taken again a few
    times, then the step is skipped with a plain message: the run ends, nothing is stored."""
    path = _campaign(tmp_path)
    command = _measure(path, "--lux-meter", "emu://t-10a?lux=250000&time_scale=0.01")
    done = _run_measure([*command, "--lang", "en"])
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("reading refused") == 3 * 80
    assert "desk point D1-1: refused 3 times; step skipped (not measured" in done.stdout
    assert "0/80 steps measured, 80 skipped" in done.stdout
    assert _current_lux(path) == []


def test_script_that_runs_out_on_a_typed_in_value_skips_it(tmp_path: Path) -> None:
    """``--auto --script``: once the script is used up the prompts get "read", which is no
    number; after three such answers the typed-in step is skipped, the run ends."""
    path = _campaign(tmp_path)
    script = tmp_path / "answers.txt"
    script.write_text("r\n300\n", encoding="utf-8")
    command = _measure(path, "--script", str(script), "--lang", "en")
    command[command.index("--roles") + 1] = "power"
    done = _run_measure(command)
    assert done.returncode == 0, done.stderr
    assert "no number after 3 answers: step skipped (not measured)" in done.stdout
    assert "1/2 steps measured, 1 skipped" in done.stdout
    with CampaignStore.open(path) as store:
        assert [(r.kind, r.power_w) for r in store.readings("R101")] == [("power", 300.0)]  # type: ignore[union-attr]


def test_resume_takes_the_latest_session_across_utc_offsets(tmp_path: Path) -> None:
    """``--resume`` reopens the session that started last in time, whatever the time zones
    of the stored time stamps (08:30+08:00 is before 01:00+00:00)."""
    import datetime as dt

    from luxcheck.model import MeasurementSession

    path = _campaign(tmp_path)
    beijing = dt.timezone(dt.timedelta(hours=8))
    with CampaignStore.open(path) as store:
        store.add_session(
            MeasurementSession("R101-A", "R101", "张工", dt.datetime(2026, 11, 2, 1, tzinfo=dt.UTC))
        )
        store.add_session(
            MeasurementSession(
                "R101-B", "R101", "张工", dt.datetime(2026, 11, 2, 8, 30, tzinfo=beijing)
            )
        )
    done = _run_measure(_measure(path, "--lux-meter", EMU, "--resume"))
    assert done.returncode == 0, done.stderr
    assert {r.session_id for r in _current_lux(path)} == {"R101-A"}
