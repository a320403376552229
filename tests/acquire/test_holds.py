"""Sessions as the guided measurement starts them (issue 18): no empty session from an aborted
start, two sessions at once on one classroom refused naming who holds the other, a stale hold
of a dead process taken over, --resume telling what it found stored, session states and voids.

Source: issue 18 ("A meter that disconnects mid-session leaves an empty third session behind";
"Two sessions at once on one classroom ... are refused or warned at start with who holds the
other one"; "--resume tells the inspector which readings it found already stored"). The meter
is the scripted fake of tests/acquire/test_session.py.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import subprocess
import sys

import pytest

from luxcheck.acquire.holds import (
    release_classroom,
    retest_reason,
    session_rows,
    stored_steps,
    take_classroom,
    void_session,
)
from luxcheck.acquire.session import ScriptedConsole, plan_steps, run_session
from luxcheck.errors import InputError
from luxcheck.i18n import gettext_for
from luxcheck.journal.session_records import SessionHold
from luxcheck.journal.store import CampaignStore
from luxcheck.model import RETEST_REASONS
from tests.acquire.test_session import BOARD, DESK, FakeLux, session
from tests.support.builders import T0, make_classroom


def _dead_pid() -> int:
    """The id of a process that has exited (and was reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_aborted_start_leaves_no_session(store: CampaignStore) -> None:
    """Quit at the first prompt, or a meter gone before the first reading: no session row."""
    steps = plan_steps(make_classroom(), DESK, BOARD, roles=("lux",))
    out = run_session(store, session(), steps, {"lux": FakeLux()}, ScriptedConsole(["q"]))
    assert out.stopped and store.session("SE2") is None
    gone = FakeLux(fail_at=(1,), reconnect_fails=99)
    out = run_session(
        store,
        session(),
        steps,
        {"lux": gone},
        ScriptedConsole(out=lambda _: None),
        reconnect_attempts=2,
        reconnect_wait_s=0.0,
    )
    assert out.device_error and store.session("SE2") is None
    assert store.open_holds("R101") == []  # released on the way out
    # the first reading brings the session with it
    run_session(store, session(), steps, {"lux": FakeLux()}, ScriptedConsole(["r", "q"]))
    assert store.session("SE2") == session()


def test_second_session_at_once_is_refused_naming_the_holder(store: CampaignStore) -> None:
    """A live hold (this very process) refuses a second session of the classroom, naming user,
    host and process; --take-over proceeds with a notice."""
    first = take_classroom(store, session())
    other = session().__class__("SE3", "R101", "王工", T0)
    with pytest.raises(InputError) as refused:
        take_classroom(store, other)
    text = str(refused.value)
    assert "classroom R101" in text and "session SE2" in text
    assert f"@{socket.gethostname()}" in text and f"process {os.getpid()}" in text
    assert "--take-over" in text
    taken = take_classroom(store, other, take_over=True)
    assert any("taken over (--take-over)" in str(n) for n in taken.notices)
    # told in the session's language (issue 19): only the session id, the holder's user and
    # host, the option and the time zone stay as they are
    said = [n.render(gettext_for("zh")) for n in taken.notices]
    assert any("测量记录 SE2" in line and "已接管(--take-over)" in line for line in said), said
    for line in said:
        for name in ("SE2", socket.gethostname(), first.hold.user, "--take-over", "UTC"):
            line = line.replace(name, "")
        assert not re.findall(r"[A-Za-z]{2,}", line), line
    release_classroom(store, first.hold)
    release_classroom(store, taken.hold)
    assert store.open_holds("R101") == []


def test_hold_of_a_dead_process_on_this_host_is_taken_over(store: CampaignStore) -> None:
    """A crashed session (kill -9) leaves its hold open; on the same host its process is known
    to be gone, so the next start takes it over and says so."""
    pid = _dead_pid()
    store.add_session_hold(
        SessionHold(
            "SE1.hold.x", "R101", "SE1", "take", socket.gethostname(), "li", pid,
            dt.datetime.now(dt.UTC),
        )
    )  # fmt: skip
    lines: list[str] = []
    steps = plan_steps(make_classroom(), DESK, BOARD, roles=("lux",))
    run_session(
        store, session(), steps, {"lux": FakeLux()}, ScriptedConsole(out=lines.append), lang="en"
    )
    assert any("process is gone" in line and "session SE1" in line for line in lines)
    rows = {r.session.session_id: r for r in session_rows(store, "R101")}
    assert rows["SE2"].state == "ended" and rows["SE2"].readings == 6


def test_resume_tells_what_it_found_stored(store: CampaignStore) -> None:
    """Issue 18: --resume tells the readings already stored (also those whose 'saved' line
    never printed) — here three desk points, with the last one's value."""
    steps = plan_steps(make_classroom(), DESK, BOARD, roles=("lux",))
    run_session(store, session(), steps, {"lux": FakeLux()}, ScriptedConsole(["r", "r", "r", "q"]))
    lines: list[str] = []
    run_session(
        store, session(), steps, {"lux": FakeLux()}, ScriptedConsole(out=lines.append), lang="en"
    )
    told = next(line for line in lines if "already stored" in line)
    assert "3 readings already stored (desk-00…desk-02 (3))" in told
    assert "SE2.desk-02.1 402.0 lx" in told


def test_stored_steps_tells_runs_by_their_ends() -> None:
    """Property of the wording: runs of numbered keys are told by their ends and count."""
    keys = ["desk-00", "desk-01", "desk-02", "board-00", "spectrum-general", "glare-A-L1"]
    assert stored_steps(keys) == ("desk-00…desk-02 (3), board-00, spectrum-general, glare-A-L1")


def test_retest_reason_by_number_or_text() -> None:
    """The prompt's numbers pick the listed reasons; anything else is kept as typed."""
    assert retest_reason("1") == RETEST_REASONS[0]
    assert retest_reason(" 3 ") == RETEST_REASONS[2]
    assert retest_reason("9") == "9"
    assert retest_reason("q") == ""  # the console's answer at the end of the input
    assert retest_reason("灯具重新调整后") == "灯具重新调整后"


def test_void_session_and_its_undo_show_in_the_rows(store: CampaignStore) -> None:
    """Issue 18: a void keeps reason, who and when; an undo brings the session back."""
    with pytest.raises(InputError, match="not void; nothing to undo"):
        void_session(store, "SE1", reason="r", by="b", undo=True)
    with pytest.raises(InputError, match="give the reason"):
        void_session(store, "SE1", reason=" ", by="b")
    with pytest.raises(InputError, match="no session 'NOPE'"):
        void_session(store, "NOPE", reason="r", by="b")
    record = void_session(store, "SE1", reason="wrong meter", by="王工")
    (row,) = session_rows(store, "R101")
    assert row.state == "void" and row.void == record
    undo = void_session(store, "SE1", reason="meter was right", by="王工", undo=True)
    assert undo.undoes == record.void_id
    (row,) = session_rows(store, "R101")
    assert row.state == "ended" and row.void is None
