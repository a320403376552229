"""One language per guided session: a Chinese session says nothing in English, an English one
nothing in Chinese, through the real command line and emulated meters, faults included.

Sources: issue 19 ("Mixed languages in one message: 仪器未恢复连接;已保存… followed by English";
device messages name what to check, "keep the raw detail for --verbose") and issue 15 (one
translation mechanism, gettext, for everything a person reads).

Every line the session prints (prompts, acknowledgements, notices, the summary, the device
error on stderr) is checked word by word. What is not a word of a language is allowed, and listed
here: the campaign's ids (classroom, session, reading and step ids, point labels), the meter's
port, the inspector's wrong answers echoed back, units,
the command line's option names and one-letter commands, the program's name and one command it
names, and "PC" (the meter's PC mode as its panel shows it).
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from luxcheck.cli import main
from luxcheck.journal.store import CampaignStore
from luxcheck.model import Campaign, Instrument, School
from tests.support.builders import make_classroom
from tests.support.language import CJK, foreign_words

#: A lux meter that drops off the line on every third reading (it comes back when reopened).
UNPLUGGED = "emu://t-10a?lux=512&time_scale=0.01&fault=disconnect&fault_after=2"
#: A lux meter whose readings the model refuses (250 000 lx is over the 200 000 lx cap).
OVER = "emu://t-10a?lux=250000&time_scale=0.01"
#: A port with no meter behind it.
NO_PORT = "/dev/ttyLUXCHECK-NONE"


def _campaign(path: Path, ascii_names: bool) -> None:
    """A campaign with one classroom; for the English session its names are ASCII, because
    the names are the campaign's data, printed as typed in any language."""
    name = "Room R101" if ascii_names else "教室 R101"
    with CampaignStore.create(path, Campaign("C1", "Test" if ascii_names else "测试")) as store:
        store.add_school(School("S01", "School 1" if ascii_names else "第一中学"))
        store.add_classroom(make_classroom(name=name))
        store.add_instrument(Instrument("LUX-1", "T-10A", "1", dt.date(2026, 1, 1), 4.0))


def _run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    answers: str | None = None,
) -> tuple[int, list[str], str]:
    """Run ``luxcheck measure`` as a person (answers on stdin) or a script; the exit code,
    every line printed (stdout and stderr) and stderr alone."""
    if answers is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(answers))
    code = main(argv)
    out = capsys.readouterr()
    return code, (out.out + out.err).splitlines(), out.err


def _session_lines(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lang: str,
) -> list[str]:
    """Every line of a day in one classroom, in ``lang``: a refused reading, a session
    stopped by the script, a re-test with a person at the prompt whose meter is unplugged
    twice (plugged back once, then given up), typed-in values with wrong answers, a resumed
    session, a meter that cannot be opened."""
    path = tmp_path / "c.lux"
    _campaign(path, ascii_names=lang == "en")
    inspector = "Zhang" if lang == "en" else "张工"
    script = tmp_path / "answers.txt"

    def measure(session: str, *extra: str) -> list[str]:
        return [
            "measure", str(path), "--classroom", "R101", "--inspector", inspector,
            "--session", session, "--instrument", "lux=LUX-1", "--wait-scale", "0",
            "--lang", lang, *extra,
        ]  # fmt: skip

    lines: list[str] = []
    # a meter reading the model refuses: three refusals, the step skipped, then stopped
    script.write_text("r\nr\nr\nq\n", encoding="utf-8")
    code, said, _ = _run(
        monkeypatch,
        capsys,
        measure("R101-S0", "--roles", "lux", "--lux-meter", OVER, "--script", str(script)),
    )
    assert code == 0 and len(said) > 5
    lines += said
    # two readings, then stopped by the script
    script.write_text("r\nr\nq\n", encoding="utf-8")
    code, said, _ = _run(
        monkeypatch,
        capsys,
        measure("R101-S1", "--roles", "lux", "--lux-meter", UNPLUGGED, "--script", str(script)),
    )
    assert code == 0
    lines += said
    # a re-test with a person at the prompt: reason 2; the conditions (one answer no number);
    # read, undo, an unknown command, read (unplugged: plugged back), read, skip, read
    # (unplugged: the inspector gives up; the emulator drops every second reading after it is
    # opened). (A meter that does not come back by itself, with
    # nobody at the prompt: test_measure_cli.py's pulled pseudo-terminal, checked the same way.)
    answers = "2\n21.5\nabc\n\n\n\n\nr\nu\nx\nr\n\nr\ns\nr\nq\n"
    code, said, err = _run(
        monkeypatch, capsys, measure("R101-S2", "--roles", "lux", "--lux-meter", UNPLUGGED), answers
    )
    assert code == 3, said
    assert err.strip(), "the device error is told on stderr"
    lines += said
    # typed-in quantities: a power that is no number, then not finite, then a number; a skip
    answers = "1\n\n\n\n\n\nr\nabc\ninf\n72.5\nr\ns\nr\n3.1\nr\n3.0\n0.8\n"
    code, said, _ = _run(
        monkeypatch, capsys, measure("R101-S3", "--roles", "power,height"), answers
    )
    assert code == 0, said
    lines += said
    # resumed, nobody at the prompt: what is stored is told; typed-in steps have no answers
    code, said, _ = _run(
        monkeypatch, capsys, measure("R101-S3", "--roles", "power,height", "--resume", "--auto")
    )
    assert code == 0, said
    lines += said
    # a meter that cannot be opened
    code, said, err = _run(
        monkeypatch,
        capsys,
        measure("R101-S4", "--roles", "lux", "--lux-meter", NO_PORT, "--auto"),
    )
    assert code == 3 and err.strip()
    lines += said
    return lines


def _covered(lines: list[str], lang: str) -> None:
    """The run printed what it was meant to (so that the language check has lines to check)."""
    text = "\n".join(lines)
    expected = {
        "zh": ("已保存 R101-S1.desk-00.1 512.0 lx", "读数被拒", "仪器错误", "仪器已重新连接",
               "复测", "不是数值", "已撤销", "未知命令", "环境温度", "输入功率", "测量 R101-S3:"),
        "en": ("saved R101-S1.desk-00.1 512.0 lx", "reading refused", "meter error",
               "meter reconnected", "re-test", "not a number", "undone", "unknown command",
               "ambient temperature", "input power", "session R101-S3:"),
    }[lang]  # fmt: skip
    for phrase in expected:
        assert phrase in text, phrase


def test_a_chinese_session_says_nothing_in_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = _session_lines(tmp_path, monkeypatch, capsys, "zh")
    _covered(lines, "zh")
    ports = (UNPLUGGED, OVER, NO_PORT)
    english = {line: words for line in lines if (words := foreign_words(line, ports))}
    assert not english, english


def test_an_english_session_says_nothing_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = _session_lines(tmp_path, monkeypatch, capsys, "en")
    _covered(lines, "en")
    chinese = [line for line in lines if CJK.search(line)]
    assert not chinese, chinese


def test_the_driver_detail_only_with_verbose_in_a_chinese_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 19: the driver's protocol detail (English) is for --verbose; there it follows the
    Chinese advice in its own bracket, so the advice itself stays Chinese."""
    path = tmp_path / "c.lux"
    _campaign(path, ascii_names=False)
    argv = [
        "measure", str(path), "--classroom", "R101", "--inspector", "张工", "--roles", "lux",
        "--lux-meter", NO_PORT, "--auto",
    ]  # fmt: skip
    code, _, err = _run(monkeypatch, capsys, argv)
    assert code == 3 and "[详情" not in err and not foreign_words(err, (NO_PORT,))
    code, _, err = _run(monkeypatch, capsys, [*argv, "--verbose"])
    assert code == 3
    advice, bracket, detail = err.partition(" [详情 (driver): ")
    assert bracket and detail.strip().endswith("]")
    assert not foreign_words(advice, (NO_PORT,)), advice
    assert foreign_words(detail, (NO_PORT,)), "the driver's own words, as written"
