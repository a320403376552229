"""The guided field session engine (issue 7): journal before the next prompt, undo, skip, resume,
disconnects. Source: issue 7's reliability requirements and issue 2's store rules; the meter here is
a scripted fake so that each behaviour is exercised exactly (the driver-backed path is tested in
tests/acquire/test_measure_cli.py)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from luxcheck.acquire.session import ScriptedConsole, Step, plan_steps, run_session
from luxcheck.errors import DeviceError
from luxcheck.journal.store import CampaignStore
from luxcheck.model import IlluminanceReading, MeasurementSession
from tests.support.builders import T0, make_classroom

DESK = [(i, 1.0 + i, 3.0, f"D{i + 1}") for i in range(4)]
BOARD = [(i, 0.5 + i, 0.6, f"B{i + 1}") for i in range(2)]


class FakeLux:
    """Returns 400, 401, 402 … lx; raises DeviceError at the calls listed in ``fail_at``."""

    instrument_id = "T10A-1"

    def __init__(self, fail_at: tuple[int, ...] = (), reconnect_fails: int = 0) -> None:
        self.calls = 0
        self.value = 400.0
        self.fail_at = fail_at
        self.reconnect_fails = reconnect_fails
        self.reconnects = 0

    def read(self, step: Step) -> Mapping[str, Any]:
        self.calls += 1
        if self.calls in self.fail_at:
            raise DeviceError("meter on /dev/ttyUSB0 disconnected")
        value = self.value
        self.value += 1.0
        return {"illuminance_lx": value}

    def reconnect(self) -> None:
        self.reconnects += 1
        if self.reconnects <= self.reconnect_fails:
            raise DeviceError("no device at /dev/ttyUSB0")


def session() -> MeasurementSession:
    return MeasurementSession("SE2", "R101", "李工", T0, ("T10A-1",))


def lux_values(store: CampaignStore) -> dict[str, float]:
    return {
        r.reading_id: r.illuminance_lx
        for r in store.readings(session_id="SE2")
        if isinstance(r, IlluminanceReading)
    }


def test_plan_steps_order_and_roles() -> None:
    room = make_classroom()
    steps = plan_steps(room, DESK, BOARD)
    keys = [s.key for s in steps]
    assert keys[:6] == ["desk-00", "desk-01", "desk-02", "desk-03", "board-00", "board-01"]
    assert keys[6:] == [
        "spectrum-general",
        "spectrum-board",
        "flicker-general",
        "flicker-board",
        "power-general",
        "power-board",
        "height-L1",
        "height-B1",
        "luminance-B1",
    ]
    assert [s.key for s in plan_steps(room, DESK, BOARD, roles=("power",))] == [
        "power-general",
        "power-board",
    ]


def test_every_reading_journalled_in_order(store: CampaignStore) -> None:
    lines: list[str] = []
    steps = plan_steps(make_classroom(), DESK, BOARD, roles=("lux",))
    out = run_session(
        store, session(), steps, {"lux": FakeLux()}, ScriptedConsole(out=lines.append)
    )
    assert out.complete and not out.stopped
    assert lux_values(store) == {f"SE2.{s.key}.1": 400.0 + i for i, s in enumerate(steps)}
    saved = [line for line in lines if line.startswith("已保存")]  # a Chinese session (default)
    assert len(saved) == len(steps)


def test_undo_supersedes_and_retakes(store: CampaignStore) -> None:
    steps = plan_steps(make_classroom(), DESK, BOARD, roles=("lux",))
    console = ScriptedConsole(["r", "r", "u", "r"], out=lambda _: None)
    run_session(store, session(), steps, {"lux": FakeLux()}, console)
    values = lux_values(store)
    assert values["SE2.desk-00.1"] == 400.0
    assert "SE2.desk-01.1" not in values  # withdrawn
    assert values["SE2.desk-01.2"] == 402.0  # retaken, new attempt id
    everything = {r.reading_id for r in store.readings(session_id="SE2", include_superseded=True)}
    assert {"SE2.desk-01.1", "SE2.desk-01.1.void"} <= everything  # nothing deleted


def test_quit_then_resume_continues_where_the_store_says(store: CampaignStore) -> None:
    steps = plan_steps(make_classroom(), DESK, BOARD, roles=("lux",))
    first = run_session(
        store,
        session(),
        steps,
        {"lux": FakeLux()},
        ScriptedConsole(["r", "r", "r", "q"], out=lambda _: None),
    )
    assert first.stopped and first.remaining == ["desk-03", "board-00", "board-01"]
    meter = FakeLux()
    meter.value = 900.0
    second = run_session(
        store, session(), steps, {"lux": meter}, ScriptedConsole(out=lambda _: None)
    )
    assert second.complete and meter.calls == 3
    values = lux_values(store)
    assert (
        len(values) == 6 and values["SE2.desk-02.1"] == 402.0 and values["SE2.desk-03.1"] == 900.0
    )


def test_skip_leaves_step_unmeasured(store: CampaignStore) -> None:
    steps = plan_steps(make_classroom(), DESK, BOARD, roles=("lux",))
    out = run_session(
        store, session(), steps, {"lux": FakeLux()}, ScriptedConsole(["r", "s"], out=lambda _: None)
    )
    assert out.skipped == ["desk-01"]
    assert "SE2.desk-01.1" not in lux_values(store)


def test_disconnect_waits_and_reconnects(store: CampaignStore) -> None:
    lines: list[str] = []
    steps = plan_steps(make_classroom(), DESK, BOARD, roles=("lux",))
    meter = FakeLux(fail_at=(3,), reconnect_fails=2)
    out = run_session(
        store,
        session(),
        steps,
        {"lux": meter},
        ScriptedConsole(out=lines.append),
        reconnect_wait_s=0.0,
        lang="en",  # (a Chinese session tells device errors in Chinese: test_advice.py)
    )
    assert out.complete and meter.reconnects == 3
    assert any("disconnected" in line for line in lines)
    assert len(lux_values(store)) == 6  # nothing lost, nothing doubled


def test_meter_that_never_returns_stops_resumably(store: CampaignStore) -> None:
    steps = plan_steps(make_classroom(), DESK, BOARD, roles=("lux",))
    meter = FakeLux(fail_at=(2,), reconnect_fails=99)
    out = run_session(
        store,
        session(),
        steps,
        {"lux": meter},
        ScriptedConsole(out=lambda _: None),
        reconnect_attempts=3,
        reconnect_wait_s=0.0,
    )
    assert out.stopped and out.remaining[0] == "desk-01"
    assert list(lux_values(store)) == ["SE2.desk-00.1"]


def test_session_id_with_dot_refused(store: CampaignStore) -> None:
    from luxcheck.errors import InputError

    with pytest.raises(InputError, match="must not contain"):
        run_session(
            store,
            MeasurementSession("S.1", "R101", "x", T0),
            [],
            {},
            ScriptedConsole(out=lambda _: None),
        )


def test_stored_session_of_another_classroom_refused(store: CampaignStore) -> None:
    """A session object whose id is stored under another classroom: refused, nothing written."""
    from luxcheck.errors import InputError

    store.add_classroom(make_classroom("R102"))
    steps = plan_steps(make_classroom("R102"), DESK, BOARD, roles=("lux",))
    with pytest.raises(InputError, match="belongs to classroom 'R101', not 'R102'"):
        run_session(
            store,
            MeasurementSession("SE1", "R102", "x", T0),
            steps,
            {"lux": FakeLux()},
            ScriptedConsole(out=lambda _: None),
        )
    assert store.readings(include_superseded=True) == []


class TooBright(FakeLux):
    """A reading the model refuses: 250 000 lx is over the 200 000 lx cap."""

    def read(self, step: Step) -> Mapping[str, Any]:
        self.calls += 1
        return {"illuminance_lx": 250_000.0}


def test_refused_reading_skips_the_step_after_max_refusals(store: CampaignStore) -> None:
    lines: list[str] = []
    steps = plan_steps(make_classroom(), DESK, BOARD, roles=("lux",))
    meter = TooBright()
    out = run_session(
        store, session(), steps, {"lux": meter}, ScriptedConsole(out=lines.append), lang="en"
    )
    assert not out.stopped and out.skipped == [s.key for s in steps]
    assert meter.calls == 3 * len(steps)
    assert sum("refused 3 times; step skipped" in line for line in lines) == len(steps)
    assert lux_values(store) == {}


def test_refused_reading_asked_again_without_a_bound(store: CampaignStore) -> None:
    """With a person at the prompt (``max_refusals=None``) a refusal is simply asked again."""
    steps = plan_steps(make_classroom(), DESK, BOARD, roles=("lux",))
    meter = TooBright()
    console = ScriptedConsole(["r"] * 7 + ["s"], auto=False, out=lambda _: None)
    out = run_session(store, session(), steps, {"lux": meter}, console, max_refusals=None)
    assert meter.calls == 7
    assert out.skipped == ["desk-00"] and out.stopped and out.remaining[0] == "desk-01"
