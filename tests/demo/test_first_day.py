"""The first day with luxcheck: follow the README exactly and check every command it shows.

Source: issue 9 ("on a fresh venv, follow the README exactly (scripted) and check every
command it shows works"). The commands are read from README.md itself, so the README cannot
drift from the program: the "inspector's day" block is run line by line with the real meters'
ports replaced by emulators, answering the guided measurement's prompts as an inspector would.
(The fresh-venv part is scripts/wheel-check.sh, which installs the built wheel into a new venv
and runs luxcheck from outside the checkout.)
"""

from __future__ import annotations

import csv
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from luxcheck.acquire.session import classroom_steps
from luxcheck.cli import COMMAND_MODULES, build_parser
from luxcheck.resources import data_dir
from tests.support.builders import make_classroom

README = Path(__file__).resolve().parents[2] / "README.md"
PORTS = {
    "/dev/ttyUSB0": "emu://t-10a?time_scale=0.01",
    "/dev/ttyACM0": "emu://jeti-specbos?time_scale=0.01&lux=520",
    "/dev/ttyUSB1": "emu://waveform-stream?time_scale=0.01&rate=4000&percent=1.5",
}


def readme_block(heading: str) -> list[str]:
    """The commands of the first ``sh`` block after ``heading`` (continuations joined)."""
    text = README.read_text(encoding="utf-8")
    start = text.index(heading)
    block = text[text.index("```sh", start) + 5 : text.index("```", text.index("```sh", start) + 5)]
    commands, current = [], ""
    for raw in block.splitlines():
        line = raw.split("  #")[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line and not current:
            continue
        current += " " + line.strip()
        if current.endswith("\\"):
            current = current[:-1]
            continue
        if current.strip():
            commands.append(current.strip())
        current = ""
    return commands


def write_schools(folder: Path) -> None:
    """The inspector's own folder of schools, classrooms and instruments (README layout)."""
    folder.mkdir()
    room = make_classroom("S001-101", "S001")

    def write(name: str, header: list[str], rows: list[list[object]]) -> None:
        with (folder / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)

    write("campaign.csv", ["campaign_id", "name"], [["NJ2026", "南京市 2026 年教室照明改造验收"]])
    write("schools.csv", ["school_id", "name", "district"], [["S001", "南京市力学小学", "秦淮区"]])
    fields = [
        "classroom_id",
        "school_id",
        "name",
        "room_type",
        "length_m",
        "width_m",
        "height_m",
        "desk_rows",
        "desk_front_m",
        "desk_back_m",
        "luminaire_mounting_height_m",
    ]
    write("classrooms.csv", fields, [[getattr(room, f) for f in fields]])
    write(
        "instruments.csv",
        [
            "instrument_id",
            "model",
            "serial_number",
            "calibration_date",
            "expanded_uncertainty_percent",
            "kind",
            "name",
            "calibration_certificate",
            "calibration_due",
        ],
        [
            ["LUX-1", "Konica Minolta T-10A", "10011234", "2026-03-12", "4", "illuminance",
             "照度计", "JZ2026-0101", "2099-03-11"],
            ["SPEC-1", "JETI specbos 1211", "121100457", "2026-02-20", "3", "spectrum",
             "光谱辐射计", "JZ2026-0102", "2099-02-19"],
        ],
    )  # fmt: skip
    # the laboratory profile the README names (my-lab.toml, beside the campaign)
    lab = (data_dir() / "demo-lab.toml").read_text(encoding="utf-8")
    lab = lab.replace('id = "li.ming"', 'id = "wang.gong"')
    (folder.parent / "my-lab.toml").write_text(lab, encoding="utf-8")


def inspector_answers() -> str:
    """What the inspector types: Enter at every step, then the typed-in readings."""
    steps = classroom_steps(make_classroom("S001-101", "S001"), profile="cn-classroom")
    # the environmental conditions first: temperature, humidity, voltage, stray light, warm-up
    lines = ["22.5", "55", "", "0.4", "20"]
    for step in steps:
        lines.append("")
        if step.role == "power":
            lines.append("301.5" if step.circuit == "general" else "72.0")
        elif step.role == "height":
            lines += ["2.31", "0.92"] if step.luminaire.startswith("B") else ["2.85"]
        elif step.role == "luminance":
            lines.append("38" if step.target == "background" else "4200")
    return "\n".join(lines) + "\n"


@pytest.mark.slow
def test_inspectors_day_from_the_readme(tmp_path: Path) -> None:
    write_schools(tmp_path / "my-schools")
    commands = readme_block("## An inspector's day")
    assert len(commands) >= 10
    for command in commands:
        args = shlex.split(command)
        assert args[0] == "luxcheck", command
        args = [PORTS.get(a, a) for a in args[1:]]
        stdin = inspector_answers() if args[0] == "measure" and "--resume" not in args else ""
        done = subprocess.run(
            [sys.executable, "-m", "luxcheck", *args],
            cwd=tmp_path,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        if args[0] == "measure" and "--resume" not in args:
            # the session speaks Chinese (the default): "…,剩余 0 项" is "…, 0 remaining"
            assert ",剩余 0 项" in done.stdout, done.stdout[-500:]
    assert (tmp_path / "reports" / "index.html").is_file()
    assert list((tmp_path / "reports-en").rglob("*.pdf"))
    # issued: the three signatures, no draft mark; the conditions as typed, none invented
    html = (tmp_path / "reports" / "schools" / "S001" / "S001-101.html").read_text("utf-8")
    assert 'class="watermark"' not in html
    assert all(name in html for name in ("李明", "赵红", "陈军"))
    assert "22.5 °C" in html and "0.4 lx" in html and "未记录" in html


def test_campaign_files_block_runs(tmp_path: Path) -> None:
    """The "Campaign files" example: init, import (a folder exported from it), export."""
    commands = readme_block("## Campaign files")
    write_schools(tmp_path / "my-folder")
    for command in commands:
        args = shlex.split(command)[1:]
        done = subprocess.run(
            [sys.executable, "-m", "luxcheck", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, f"{command}\n{done.stderr}"
    assert (tmp_path / "exported" / "classrooms.csv").is_file()


def test_every_subcommand_has_help_and_is_in_the_readme() -> None:
    """Meta-test (sqlite-utils' test_docs habit): each command is documented."""
    parser = build_parser()
    text = README.read_text(encoding="utf-8")
    sub = next(a for a in parser._actions if a.dest == "command")
    names = sorted(sub.choices)  # type: ignore[union-attr]
    assert len(names) == len(COMMAND_MODULES)  # one command per module
    for name in names:
        assert re.search(rf"luxcheck {name}\b", text), f"README never shows `luxcheck {name}`"
        assert sub.choices[name].format_help()  # type: ignore[index]
