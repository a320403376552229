"""Campaign import/export (issue 2): the CSV folder layout, exact round trips, all-or-nothing.

Sources: issue 2 ("import → export → import changes no value; a malformed file is rejected whole
with file, line, column and the expected form, exit code 2, and the store unchanged") and
hypothesis properties of the round trip.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from luxcheck.cli import main
from luxcheck.errors import InputError
from luxcheck.journal.exchange import LAYOUT, export_folder, import_folder, read_folder
from luxcheck.journal.store import CampaignStore
from luxcheck.model import (
    Campaign,
    EnvironmentRecord,
    HeightReading,
    IlluminanceReading,
    Instrument,
    LuminanceReading,
    PowerReading,
    School,
    SpectrumReading,
    VoidReading,
    WaveformReading,
)
from tests.support.builders import T0


def fill(store: CampaignStore) -> None:
    wl = np.arange(380.0, 781.0, 5.0)
    store.add_readings(
        [
            IlluminanceReading(
                "I1", "SE1", T0, surface="desk", x_m=0.9, y_m=2.64, illuminance_lx=412.3, point=0
            ),
            IlluminanceReading(
                "I2",
                "SE1",
                T0,
                surface="desk",
                x_m=2.7,
                y_m=2.64,
                illuminance_lx=0.1 + 0.2,
                point=1,
                lights_on=False,
            ),
            IlluminanceReading(
                "I1b",
                "SE1",
                T0,
                surface="desk",
                x_m=0.9,
                y_m=2.64,
                illuminance_lx=415.0,
                point=0,
                supersedes="I1",
                note="重测",
            ),
            SpectrumReading(
                "S1",
                "SE1",
                T0,
                wavelength_nm=wl,
                values=np.linspace(1e-4, 3e-3, wl.size).astype(np.float32),
            ),
            WaveformReading(
                "W1",
                "SE1",
                T0,
                samples=np.array([100, 200, -3], dtype=np.int16),
                sample_rate_hz=20000.0,
                full_scale=4095.0,
                luminaire="board",
            ),
            LuminanceReading(
                "L1", "SE1", T0, luminance_cd_m2=3500.5, observer="P1", solid_angle_sr=0.0123
            ),
            PowerReading("P1", "SE1", T0, circuit="general", power_w=297.25),
            HeightReading("H1", "SE1", T0, luminaire="L3", height_m=2.851),
            HeightReading(
                "H2", "SE1", T0, luminaire="B1", height_m=2.25, horizontal_distance_m=0.85
            ),
            VoidReading("V1", "SE1", T0, supersedes="L1"),
        ]
    )


def snapshot(store: CampaignStore) -> dict[str, object]:
    return {
        "campaign": store.campaign,
        "schools": store.schools(),
        "classrooms": store.classrooms(),
        "instruments": store.instruments(),
        "sessions": store.sessions(),
        "readings": sorted(
            ((r.reading_id, r) for r in store.readings(include_superseded=True)),
            key=lambda p: p[0],
        ),
    }


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def edited_export(store: CampaignStore, folder: Path, file: str, old: str, new: str) -> None:
    """Fill the store, export it to ``folder`` and replace ``old`` by ``new`` once in ``file``."""
    fill(store)
    export_folder(store, folder)
    target = folder / file
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_round_trip_changes_no_value(store: CampaignStore, tmp_path: Path) -> None:
    fill(store)
    export_folder(store, tmp_path / "x1")
    assert (
        main(["campaign", "import", str(tmp_path / "x1"), "--into", str(tmp_path / "b.lux")]) == 0
    )
    with CampaignStore.open(tmp_path / "b.lux") as b:
        assert snapshot(b) == snapshot(store)
        export_folder(b, tmp_path / "x2")
    for spec in LAYOUT.values():
        assert (tmp_path / "x1" / spec.name).read_bytes() == (
            tmp_path / "x2" / spec.name
        ).read_bytes()


def test_reimport_is_idempotent_and_conflicts_refused(store: CampaignStore, tmp_path: Path) -> None:
    fill(store)
    export_folder(store, tmp_path / "x")
    before = snapshot(store)
    import_folder(store, tmp_path / "x")  # everything identical: nothing added
    assert snapshot(store) == before
    path = tmp_path / "x" / "power.csv"
    path.write_text(path.read_text().replace("297.25", "300.0"))
    with pytest.raises(InputError, match="already in the campaign with other values"):
        import_folder(store, tmp_path / "x")
    assert snapshot(store) == before


@pytest.mark.parametrize(
    ("file", "old", "new", "line", "column", "expected"),
    [
        ("illuminance.csv", "412.3", "4l2.3", 2, "illuminance_lx", "expected a number"),
        ("illuminance.csv", "412.3", "-5", 2, "illuminance_lx", "≥ 0"),
        ("illuminance.csv", ",desk,", ",wall,", 2, "surface", "desk, board, other"),
        ("sessions.csv", "+00:00", "", 2, "started_at", "time zone"),
        ("instruments.csv", "2026-03-01", "01/03/2026", 2, "calibration_date", "YYYY-MM-DD"),
        ("classrooms.csv", ",ordinary,", ",gym,", 2, "room_type", "ordinary, art"),
        ("waveform_samples.csv", "W1,1,200", "W1,1,2e2x", 3, "value", "expected a number"),
        # a given value is the model's to judge, never replaced by a default (k = 0 was 2.0)
        ("instruments.csv", ",2.0,illuminance", ",0,illuminance", 2, "coverage_factor", "≥ 1"),
        ("instruments.csv", ",2.0,illuminance", ",0.0,illuminance", 2, "coverage_factor", "≥ 1"),
        # spectrum/waveform metadata errors are located in the metadata file, not the values
        ("spectra.csv", ",W/(m2 nm),", ",W/m2,", 2, "unit", "W/(m2 nm), mW/(m2 nm)"),
        ("waveforms.csv", ",20000.0,", ",0,", 2, "sample_rate_hz", "> 0"),
        ("waveforms.csv", ",relative,0.0,", ",relative,nan,", 2, "dark_level", "finite"),
        # … and errors in the arrays in the values file, at the reading's first row
        ("spectrum_values.csv", "S1,380.0,", "S1,100.0,", 2, "wavelength_nm", "200–1100 nm"),
        # numbers are ASCII decimal and nothing else: Python's float() and int() read all of
        # these as 450 (or 4)
        ("illuminance.csv", ",412.3,", ",4_50,", 2, "illuminance_lx", "'4_50'"),
        ("illuminance.csv", ",412.3,", ",４５０,", 2, "illuminance_lx", "'４５０'"),
        ("illuminance.csv", ",412.3,", ",٤٥٠,", 2, "illuminance_lx", "'٤٥٠'"),
        ("illuminance.csv", ",on,0,", ",on,٤,", 2, "point", "expected a whole number, got '٤'"),
        ("power.csv", ",297.25", ",2_97.25", 2, "power_w", "expected a number like 12.5"),
        ("power.csv", ",297.25", ",inf", 2, "power_w", "expected a finite number"),
        ("waveform_samples.csv", "W1,1,200", "W1,1,２００", 3, "value", "got '２００'"),
        ("waveform_samples.csv", "W1,1,200", "W1,1,2_00", 3, "value", "got '2_00'"),
        ("waveform_samples.csv", "W1,1,200", "W1,1,nan", 3, "value", "a finite number"),
        ("waveform_samples.csv", "W1,1,200", "W1,١,200", 3, "index", "got '١'"),
        ("spectrum_values.csv", "S1,385.0,", "S1,３85.0,", 3, "wavelength_nm", "got '３85.0'"),
        ("spectrum_values.csv", "S1,385.0,", "S1,385.0,٠", 3, "value", "expected a number"),
    ],
)
def test_malformed_file_rejected_whole(
    store: CampaignStore,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    file: str,
    old: str,
    new: str,
    line: int,
    column: str,
    expected: str,
) -> None:
    """Each error names file, line and column and the expected form; exit 2; store unchanged
    (the campaign file byte for byte)."""
    edited_export(store, tmp_path / "x", file, old, new)
    # into a new file: no file is left behind
    code = main(["campaign", "import", str(tmp_path / "x"), "--into", str(tmp_path / "n.lux")])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{file}, line {line}, column {column}" in err
    assert expected in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.lux", "c.lux-shm", "c.lux-wal", "x"]
    # into an existing campaign: unchanged
    other = tmp_path / "o.lux"
    with sqlite3.connect(other) as copy:
        store._db.backup(copy)
    with CampaignStore.open(other) as o:
        before = snapshot(o)
    digest = _digest(other)
    assert main(["campaign", "import", str(tmp_path / "x"), "--into", str(other)]) == 2
    assert "Traceback" not in capsys.readouterr().err
    assert _digest(other) == digest
    with CampaignStore.open(other) as o:
        assert snapshot(o) == before


def test_unknown_and_missing_columns(tmp_path: Path) -> None:
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "campaign.csv").write_text("campaign_id,name,colour\nC1,x,red\n")
    with pytest.raises(InputError, match=r"line 1, column 3: unknown column 'colour'"):
        read_folder(folder)
    (folder / "campaign.csv").write_text("campaign_id\nC1\n")
    with pytest.raises(InputError, match="missing required column"):
        read_folder(folder)
    (folder / "campaign.csv").write_text("campaign_id,name\nC1,x\n")
    (folder / "schools.csv").write_text("school_id,name\nS1,a,extra\n")
    with pytest.raises(InputError, match=r"schools.csv, line 2: 3 cells, expected 2"):
        read_folder(folder)


def test_dangling_supersedes_refused(store: CampaignStore, tmp_path: Path) -> None:
    fill(store)
    export_folder(store, tmp_path / "x")
    path = tmp_path / "x" / "voids.csv"
    path.write_text(path.read_text().replace(",L1", ",NOPE"))
    with (
        pytest.raises(InputError, match="supersedes 'NOPE'"),
        CampaignStore.create(tmp_path / "n.lux", store.campaign) as n,
    ):
        import_folder(n, tmp_path / "x")


def test_export_refuses_to_overwrite(store: CampaignStore, tmp_path: Path) -> None:
    export_folder(store, tmp_path / "x")
    with pytest.raises(InputError, match="already holds"):
        export_folder(store, tmp_path / "x")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    values=st.lists(
        st.floats(0.0, 1e5, allow_nan=False, allow_subnormal=True), min_size=1, max_size=20
    ),
    rate=st.floats(1.0, 1e6),
)
def test_round_trip_property(
    tmp_path_factory: pytest.TempPathFactory, values: list[float], rate: float
) -> None:
    """Property: any finite illuminance values and waveform floats survive export/import."""
    tmp = tmp_path_factory.mktemp("rt")
    from luxcheck.model import Campaign, MeasurementSession, School
    from tests.support.builders import make_classroom

    with CampaignStore.create(tmp / "a.lux", Campaign("C1", "x")) as a:
        a.add_school(School("S01", "s"))
        a.add_classroom(make_classroom())
        a.add_session(MeasurementSession("SE1", "R101", "i", T0))
        a.add_readings(
            [
                IlluminanceReading(f"I{i}", "SE1", T0 + dt.timedelta(seconds=i), illuminance_lx=v)
                for i, v in enumerate(values)
            ]
            + [WaveformReading("W", "SE1", T0, samples=np.array(values), sample_rate_hz=rate)]
        )
        export_folder(a, tmp / "x")
        with CampaignStore.create(tmp / "b.lux", a.campaign) as b:
            import_folder(b, tmp / "x")
            assert snapshot(b) == snapshot(a)


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_import_never_leaves_a_partial_campaign(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    """Property (issue 2): whatever single cell of a valid folder is replaced by whatever
    text, the import either succeeds completely or fails with a located error and leaves the
    campaign exactly as it was."""
    from luxcheck.errors import LuxcheckError
    from luxcheck.model import Campaign, Instrument, MeasurementSession, School
    from tests.support.builders import make_classroom

    tmp = tmp_path_factory.mktemp("partial")
    with CampaignStore.create(tmp / "a.lux", Campaign("C1", "x")) as a:
        a.add_school(School("S01", "s"))
        a.add_classroom(make_classroom())
        a.add_instrument(Instrument("T10A-1", "T-10A", "1", dt.date(2026, 1, 1), 4.0))
        a.add_session(MeasurementSession("SE1", "R101", "i", T0, ("T10A-1",)))
        fill(a)
        export_folder(a, tmp / "x")
    files = sorted(p for p in (tmp / "x").iterdir() if p.name != "campaign.csv")
    target = data.draw(st.sampled_from(files))
    lines = target.read_text(encoding="utf-8").splitlines()
    if len(lines) < 2:
        return
    row = data.draw(st.integers(1, len(lines) - 1))
    cells = lines[row].split(",")
    col = data.draw(st.integers(0, len(cells) - 1))
    cells[col] = data.draw(st.text(alphabet="0123456789.-eabx ", max_size=6))
    lines[row] = ",".join(cells)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with CampaignStore.create(tmp / "b.lux", Campaign("C1", "x")) as b:
        b.add_school(School("S00", "already here"))
        before = snapshot(b)
        message = ""
        try:
            plan = import_folder(b, tmp / "x")
        except LuxcheckError as exc:
            message = str(exc)
        if message:
            assert str(tmp) in message  # the error names the file (or store) at fault
            assert snapshot(b) == before
        else:
            after = snapshot(b)
            added = len(plan.readings) + len(plan.waveforms.ids)
            assert len(after["readings"]) == added  # type: ignore[arg-type]


BIG = "99999999999999999999"  # 20 digits: over SQLite's 64-bit INTEGER


@pytest.mark.parametrize(
    ("file", "old", "new", "column", "expected"),
    [
        ("classrooms.csv", ",3.4,7,", f",3.4,{BIG},", "desk_rows", "≤ 50, got " + BIG),
        ("illuminance.csv", ",on,0,", f",on,{BIG},", "point", "≤ 10000, got " + BIG),
        # 10^9 × 1 luminaires passed before and ran out of memory when planning the session
        ("classrooms.csv", ",9,3,3,", ",1000000000,1000000000,1,", "luminaire_count", "≤ 500"),
        ("classrooms.csv", ",9,3,3,", f",9,{BIG},3,", "luminaire_rows", "≤ 50"),
        ("classrooms.csv", ",3,3,2,", f",3,3,{BIG},", "board_luminaire_count", "≤ 20"),
    ],
)
def test_huge_whole_numbers_refused_at_import(
    store: CampaignStore,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    file: str,
    old: str,
    new: str,
    column: str,
    expected: str,
) -> None:
    """A whole number over its field's bound is a located error (exit 2), not an
    OverflowError traceback from SQLite or a MemoryError later; no file is left behind."""
    edited_export(store, tmp_path / "x", file, old, new)
    code = main(["campaign", "import", str(tmp_path / "x"), "--into", str(tmp_path / "n.lux")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"{file}, line 2, column {column}" in err
    assert expected in err
    assert "Traceback" not in err
    assert not (tmp_path / "n.lux").exists()


def test_cell_over_the_csv_field_limit_is_located(
    store: CampaignStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A cell over the csv module's limit (131 072 characters) gives file and line, exit 2,
    not a _csv.Error traceback; an existing campaign is left unchanged."""
    fill(store)
    export_folder(store, tmp_path / "x")
    target = tmp_path / "x" / "illuminance.csv"
    lines = target.read_text().splitlines(keepends=True)
    assert lines[2].startswith("I2,") and lines[2].endswith(",,,\n")
    lines[2] = lines[2][: -len(",\n")] + "," + "x" * 140_000 + "\n"  # the note of line 3
    target.write_text("".join(lines))
    before = snapshot(store)
    code = main(["campaign", "import", str(tmp_path / "x"), "--into", str(store.path)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "illuminance.csv, line 3: a cell is longer than 131072 characters" in err
    assert "Traceback" not in err
    assert snapshot(store) == before


def test_empty_optional_cells_take_the_models_defaults(
    store: CampaignStore, tmp_path: Path
) -> None:
    """Empty profile, coverage_factor, kind, unit and dark_level cells: the model's defaults."""
    fill(store)
    export_folder(store, tmp_path / "x")
    for file, old, new in [
        ("campaign.csv", ",cn-classroom,", ",,"),
        ("instruments.csv", ",2.0,illuminance", ",,"),
        ("waveforms.csv", ",relative,0.0,", ",,,"),
    ]:
        path = tmp_path / "x" / file
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new, 1))
    plan = read_folder(tmp_path / "x")
    assert plan.campaign == store.campaign
    assert plan.instruments == store.instruments()
    (waveform,) = plan.waveforms.held()
    assert isinstance(waveform, WaveformReading)
    assert (waveform.unit, waveform.dark_level) == ("relative", 0.0)


@pytest.mark.parametrize(
    ("old", "new", "column"),
    [
        (",cn-classroom,", ",jiangsu-2021,", "profile"),
        ("C1,测试活动,", "C1,另一个活动,", "name"),
        # (an empty stored client is filled from the folder: see
        # test_readme_sequence_init_then_import_fills_the_client, which checks that a different
        # non-empty client is still refused)
    ],
)
def test_changed_campaign_under_the_same_id_refused(
    store: CampaignStore,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    old: str,
    new: str,
    column: str,
) -> None:
    """README: "a different value under a known id is refused" — the campaign row too."""
    fill(store)
    export_folder(store, tmp_path / "x")
    target = tmp_path / "x" / "campaign.csv"
    text = target.read_text()
    assert old in text
    target.write_text(text.replace(old, new, 1))
    before = snapshot(store)
    code = main(["campaign", "import", str(tmp_path / "x"), "--into", str(store.path)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"campaign.csv, line 2, column {column}" in err
    assert "a different value under a known id is refused" in err
    assert snapshot(store) == before
    assert store.campaign.profile == "cn-classroom"


def _campaign_with_waveforms(path: Path, waveforms: dict[str, np.ndarray]) -> CampaignStore:
    from luxcheck.model import Campaign, MeasurementSession, School
    from tests.support.builders import make_classroom

    store = CampaignStore.create(path, Campaign("C1", "x"))
    store.add_school(School("S01", "s"))
    store.add_classroom(make_classroom())
    store.add_session(MeasurementSession("SE1", "R101", "i", T0))
    store.add_readings(
        [
            WaveformReading(rid, "SE1", T0, samples=samples, sample_rate_hz=1000.0)
            for rid, samples in waveforms.items()
        ]
    )
    return store


def test_chunked_and_row_readers_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The samples file is read in chunks (pandas) when it is plain and row by row otherwise
    (blank lines, quoted cells): the same values either way, interleaved readings and readings
    spanning chunk borders included."""
    from luxcheck.journal import csv_read

    rng = np.random.default_rng(7)
    waveforms = {
        "W-u16": rng.integers(0, 65535, 1000).astype(np.uint16),
        "W-f64": rng.normal(100.0, 30.0, 777),
        "W-f32": rng.normal(0.0, 1e-3, 555).astype(np.float32),
        "W-i16": rng.integers(-3000, 3000, 10).astype(np.int16),
    }
    with _campaign_with_waveforms(tmp_path / "a.lux", waveforms) as a:
        export_folder(a, tmp_path / "x")
        want = snapshot(a)
    monkeypatch.setattr(csv_read, "CHUNK_ROWS", 97)
    samples = tmp_path / "x" / "waveform_samples.csv"
    header, *rows = samples.read_text().splitlines()
    variants = {
        "plain": rows,
        "blank lines": [r if i % 300 else r + "\n" for i, r in enumerate(rows)],
        "quoted": [r.replace("W-f64,", '"W-f64",') for r in rows],
        "interleaved": sorted(rows, key=lambda r: (int(r.split(",")[1]), r.split(",")[0])),
        "crlf": [r + "\r" for r in rows],
    }
    by_row: list[str] = []
    row_reader = csv_read._long_arrays_by_row

    def spy(path: Path, *args: object, **kwargs: object) -> object:
        by_row.append(path.name)
        return row_reader(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(csv_read, "_long_arrays_by_row", spy)
    for name, lines in variants.items():
        samples.write_text("\n".join([header, *lines]) + "\n")
        by_row.clear()
        with CampaignStore.create(tmp_path / f"{name}.lux", Campaign("C1", "x")) as b:
            import_folder(b, tmp_path / "x")
            assert snapshot(b) == want, name
        chunked = name in ("plain", "crlf", "interleaved")
        assert ("waveform_samples.csv" not in by_row) == chunked, name
    for rid, samples_in in waveforms.items():
        (back,) = [r for r in want["readings"] if r[0] == rid]  # type: ignore[attr-defined]
        assert back[1].samples.dtype == samples_in.dtype


def test_value_not_fitting_its_dtype_located_at_the_readings_first_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sample that does not fit the declared dtype (found by the chunked reader) is reported
    as before: at the reading's first row, with the sample's position."""
    from luxcheck.journal import csv_read

    monkeypatch.setattr(csv_read, "CHUNK_ROWS", 7)
    waveforms = {"W1": np.arange(20, dtype=np.uint16), "W2": np.arange(30, dtype=np.uint16)}
    with _campaign_with_waveforms(tmp_path / "a.lux", waveforms):
        pass
    with CampaignStore.open(tmp_path / "a.lux") as a:
        export_folder(a, tmp_path / "x")
    samples = tmp_path / "x" / "waveform_samples.csv"
    samples.write_text(samples.read_text().replace("W2,25,25\n", "W2,25,70000\n"))
    code = main(["campaign", "import", str(tmp_path / "x"), "--into", str(tmp_path / "n.lux")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "waveform_samples.csv, line 22, column value: reading 'W2', value #25" in err
    assert "fits dtype uint16" in err


def test_samples_are_handed_over_one_waveform_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 21 (import ≤ 500 MB): a waveform is handed over as soon as the chunk holding its
    last row is read (the next chunk at most, which shows where it ends), so an import never
    holds a campaign's samples; the same arrays as the reader that holds the whole file. A
    reading whose rows resume after another's is refused to the whole-file reader."""
    from luxcheck.journal import csv_read

    monkeypatch.setattr(csv_read, "CHUNK_ROWS", 13)
    rng = np.random.default_rng(21)
    sizes = {"W1": 5, "W2": 40, "W3": 13, "W4": 1, "W5": 27}
    waveforms = {rid: rng.integers(0, 4096, n).astype(np.uint16) for rid, n in sizes.items()}
    with _campaign_with_waveforms(tmp_path / "a.lux", waveforms) as a:
        export_folder(a, tmp_path / "x")
    path = tmp_path / "x" / "waveform_samples.csv"
    spec = LAYOUT["waveform_samples"]
    dtypes = dict.fromkeys(waveforms, "uint16")
    chunks_read = []
    take = csv_read._take_chunk

    def counting(*args: object) -> list[str]:
        chunks_read.append(1)
        return take(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(csv_read, "_take_chunk", counting)
    streamed = []
    for long in csv_read.stream_long_arrays(path, spec, "index", sequential=True, dtypes=dtypes):
        rid = long.first.cells["reading_id"]
        last_row = sum(n for r, n in sizes.items() if r <= rid) - 1  # 0-based data row
        assert len(chunks_read) <= last_row // 13 + 2, rid
        streamed.append((rid, long.y_values()))
    held = csv_read.long_arrays(path, spec, "index", sequential=True, dtypes=dtypes)
    assert [rid for rid, _ in streamed] == list(held) == list(waveforms)
    for rid, values in streamed:
        np.testing.assert_array_equal(values, held[rid].y_values())
        np.testing.assert_array_equal(values, waveforms[rid])
    header, *rows = path.read_text().splitlines()
    w1 = [r for r in rows if r.startswith("W1,")]
    rest = [r for r in rows if not r.startswith("W1,")]
    path.write_text("\n".join([header, *w1[:2], *rest, *w1[2:]]) + "\n")  # W1 resumes at the end
    with pytest.raises(csv_read.NotStreamableError):
        list(csv_read.stream_long_arrays(path, spec, "index", sequential=True, dtypes=dtypes))
    assert set(csv_read.long_arrays(path, spec, "index", sequential=True, dtypes=dtypes)) == set(
        waveforms
    )


def test_fault_after_streamed_waveforms_leaves_the_campaign_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 2 (all or nothing) with streamed samples: waveforms written before a fault in a
    later one's samples are rolled back; the fault is located by the row reader as before."""
    from luxcheck.journal import csv_read

    monkeypatch.setattr(csv_read, "CHUNK_ROWS", 7)
    waveforms = {f"W{i}": np.arange(20, dtype=np.uint16) + i for i in range(1, 5)}
    with _campaign_with_waveforms(tmp_path / "a.lux", waveforms) as a:
        export_folder(a, tmp_path / "x")
    samples = tmp_path / "x" / "waveform_samples.csv"
    samples.write_text(samples.read_text().replace("W4,17,21\n", "W4,17,2l\n"))
    with CampaignStore.create(tmp_path / "b.lux", Campaign("C1", "x")) as b:
        b.add_school(School("S01", "s"))
        before = snapshot(b)
        with pytest.raises(InputError) as info:
            import_folder(b, tmp_path / "x")
        assert snapshot(b) == before
    assert (info.value.line, info.value.column) == (2 + 3 * 20 + 17, "value")
    code = main(["campaign", "import", str(tmp_path / "x"), "--into", str(tmp_path / "n.lux")])
    assert code == 2
    assert (
        "waveform_samples.csv, line 79, column value: expected a number" in capsys.readouterr().err
    )
    assert not (tmp_path / "n.lux").exists()


def test_readings_are_written_after_the_reading_they_supersede(tmp_path: Path) -> None:
    """A waveform that supersedes one later in the folder, and a void of a waveform, wait for
    the reading they supersede (the store refuses a dangling supersedes); a caller's open
    transaction imports too (the samples then read whole)."""
    from luxcheck.model import MeasurementSession
    from tests.support.builders import make_classroom

    with CampaignStore.create(tmp_path / "a.lux", Campaign("C1", "x")) as a:
        a.add_school(School("S01", "s"))
        a.add_classroom(make_classroom())
        a.add_session(MeasurementSession("SE1", "R101", "i", T0))
        a.add_readings(
            [
                WaveformReading("W0", "SE1", T0, samples=np.arange(9.0), sample_rate_hz=1e3),
                WaveformReading(
                    "W1", "SE1", T0, samples=np.arange(5.0), sample_rate_hz=1e3, supersedes="W0"
                ),
                VoidReading("V1", "SE1", T0, supersedes="W1"),
            ]
        )
        export_folder(a, tmp_path / "x")
        want = snapshot(a)
    for file in ("waveforms.csv", "waveform_samples.csv"):
        path = tmp_path / "x" / file
        header, *rows = path.read_text().splitlines()
        path.write_text(
            "\n".join([header, *sorted(rows, key=lambda r: r[:2], reverse=True)]) + "\n"
        )  # W1 first
    with CampaignStore.create(tmp_path / "b.lux", Campaign("C1", "x")) as b:
        import_folder(b, tmp_path / "x")
        assert snapshot(b) == want
    with CampaignStore.create(tmp_path / "c.lux", Campaign("C1", "x")) as c:
        with c.transaction():
            import_folder(c, tmp_path / "x")
        assert snapshot(c) == want


# --------------------------------------------------------------------------- robustness issue
def test_readme_sequence_init_then_import_fills_the_client(
    store: CampaignStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """README: `campaign init X --id … --name …` then `campaign import FOLDER --into X` whose
    campaign.csv names a client: the empty stored client is filled, not refused."""
    fill(store)
    export_folder(store, tmp_path / "x")
    target = tmp_path / "x" / "campaign.csv"
    target.write_text("campaign_id,name,profile,client\nC1,测试活动,cn-classroom,南京市教育局\n")
    lux = tmp_path / "n.lux"
    assert main(["campaign", "init", str(lux), "--id", "C1", "--name", "测试活动"]) == 0
    capsys.readouterr()
    assert main(["campaign", "import", str(tmp_path / "x"), "--into", str(lux)]) == 0
    assert "; campaign client (was empty) set to '南京市教育局'" in capsys.readouterr().out
    with CampaignStore.open(lux) as b:
        assert b.campaign.client == "南京市教育局"
    # a different non-empty value is still refused
    target.write_text("campaign_id,name,profile,client\nC1,测试活动,cn-classroom,苏州市教育局\n")
    assert main(["campaign", "import", str(tmp_path / "x"), "--into", str(lux)]) == 2
    assert "campaign.csv, line 2, column client" in capsys.readouterr().err


def test_reimport_says_what_was_new(
    store: CampaignStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(store)
    export_folder(store, tmp_path / "x")
    lux = tmp_path / "b.lux"
    assert main(["campaign", "import", str(tmp_path / "x"), "--into", str(lux)]) == 0
    first = capsys.readouterr().out
    assert "already stored" not in first
    assert "3 illuminance readings" in first
    assert main(["campaign", "import", str(tmp_path / "x"), "--into", str(lux)]) == 0
    again = capsys.readouterr().out
    assert again.startswith(f"imported into {lux}: nothing new; already stored (unchanged): ")
    assert "3 illuminance readings" in again


def test_session_naming_an_unknown_classroom_is_located(
    store: CampaignStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was "FOREIGN KEY constraint failed" with no file, line or field."""
    fill(store)
    export_folder(store, tmp_path / "x")
    sessions = tmp_path / "x" / "sessions.csv"
    header, row = sessions.read_text(encoding="utf-8").splitlines()[:2]
    sessions.write_text(f"{header}\n{row}\n{row.replace('SE1,R101', 'SE9,R999')}\n")
    code = main(["campaign", "import", str(tmp_path / "x"), "--into", str(tmp_path / "n.lux")])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{sessions}, line 3, column classroom_id: session 'SE9' names classroom 'R999'" in err
    assert not (tmp_path / "n.lux").exists()


def test_non_utf8_byte_is_reported_on_its_line(store: CampaignStore, tmp_path: Path) -> None:
    """A latin-1 byte on line 7 was reported as line 2 (the text is decoded in blocks)."""
    fill(store)
    export_folder(store, tmp_path / "x")
    schools = tmp_path / "x" / "schools.csv"
    lines = ["school_id,name,district,address"] + [
        f"S{i:02d},第{i}中学,玄武区," for i in range(2, 8)
    ]
    lines[6] = "S07,Ecole \xe9,玄武区,"
    schools.write_bytes("\n".join(lines).encode("utf-8").replace("\xe9".encode(), b"\xe9") + b"\n")
    with pytest.raises(InputError) as info:
        read_folder(tmp_path / "x")
    assert info.value.line == 7
    assert str(info.value).startswith(f"{schools}, line 7: not UTF-8 text (byte 0xe9")


def test_duplicate_ids_name_the_file_and_both_lines(store: CampaignStore, tmp_path: Path) -> None:
    fill(store)
    export_folder(store, tmp_path / "x")
    power = tmp_path / "x" / "power.csv"
    header, *rows = power.read_text(encoding="utf-8").splitlines()
    power.write_text("\n".join([header, rows[0], rows[0]]) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_folder(tmp_path / "x")
    assert (
        str(info.value)
        == f"{power}, line 3: id '{rows[0].split(',')[0]}' appears twice: on lines 2 and 3"
    )
    illuminance = tmp_path / "x" / "illuminance.csv"
    power.write_text("\n".join([header, rows[0]]) + "\n", encoding="utf-8")
    first = illuminance.read_text(encoding="utf-8").splitlines()[1].split(",")[0]
    power.write_text(
        "\n".join([header, rows[0].replace(rows[0].split(",")[0], first, 1)]) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(
        InputError,
        match=rf"reading id '{first}' appears twice: illuminance.csv line 2 and power.csv line 2",
    ):
        read_folder(tmp_path / "x")


@pytest.mark.parametrize(
    ("file", "old", "new", "column", "message"),
    [
        ("classrooms.csv", ",S01,", ",S99,", "school_id", "classroom 'R101' names school 'S99'"),
        ("sessions.csv", ",T10A-1,", ",T99,", "instrument_ids", "names instrument 'T99'"),
        ("power.csv", ",SE1,", ",SE9,", "session_id", "names session 'SE9'"),
        ("power.csv", ",297.25,,", ",297.25,T99,", "instrument_id", "names instrument 'T99'"),
    ],
)
def test_unknown_references_are_located(
    store: CampaignStore,
    tmp_path: Path,
    file: str,
    old: str,
    new: str,
    column: str,
    message: str,
) -> None:
    """The database's "FOREIGN KEY constraint failed" named no file, line or field."""
    edited_export(store, tmp_path / "x", file, old, new)
    target = CampaignStore.create(tmp_path / "n.lux", store.campaign)
    with pytest.raises(InputError) as info, target:
        import_folder(target, tmp_path / "x")
    assert (info.value.source, info.value.line, info.value.column) == (
        str(tmp_path / "x" / file),
        2,
        column,
    )
    assert message in info.value.message
    assert "which is neither in" in info.value.message


def test_spectrum_finer_than_the_model_allows_is_refused_at_import(
    store: CampaignStore, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A spectrum of 40 001 wavelengths (0.01 nm steps over 380–780 nm) in a campaign folder is
    refused like one given to ``analyse spectra`` (the model's MAX_WAVELENGTHS, whose
    resampling matrix would need > 20 GB): exit 2 at the reading's first row, no file left."""
    folder = tmp_path / "x"
    fill(store)
    export_folder(store, folder)
    values = folder / "spectrum_values.csv"
    lines = values.read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if not line.startswith("S1,")]
    fine = [f"S1,{380 + i * 0.01:.2f},0.5" for i in range(40_001)]  # 0.5: exact in float32
    values.write_text("\n".join(kept + fine) + "\n", encoding="utf-8")
    code = main(["campaign", "import", str(folder), "--into", str(tmp_path / "n.lux")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"spectrum_values.csv, line {len(kept) + 1}, column wavelength_nm" in err
    assert "more than 2001" in err
    assert not (tmp_path / "n.lux").exists()


def test_round_trip_carries_calibration_and_environment(
    store: CampaignStore, tmp_path: Path
) -> None:
    """Issue 16: instruments.csv carries name, certificate number and calibration due date, and
    environment.csv the conditions of each session (an empty cell stays not recorded, None);
    import → export → import changes no value, and a bad cell is located."""
    fill(store)
    store.add_instrument(
        Instrument(
            "LS-1", "Konica Minolta LS-150", "60023311", dt.date(2026, 1, 15), 3.0,
            kind="luminance", name="亮度计", calibration_certificate="JZ2026-0004",
            calibration_due=dt.date(2027, 1, 14),
        )
    )  # fmt: skip
    store.add_environment(
        EnvironmentRecord(
            "SE1.env.1", "SE1", T0, temperature_C=21.5, relative_humidity_percent=55.0,
            stray_light_lx=0.4, warmup_min=20.0, note="门窗关闭",
        )
    )  # fmt: skip
    export_folder(store, tmp_path / "x1")
    text = (tmp_path / "x1" / "environment.csv").read_text(encoding="utf-8")
    assert text.splitlines()[1].count(",,") == 1  # supply voltage not recorded: empty
    assert (
        main(["campaign", "import", str(tmp_path / "x1"), "--into", str(tmp_path / "b.lux")]) == 0
    )
    with CampaignStore.open(tmp_path / "b.lux") as b:
        assert b.instruments() == store.instruments()
        assert b.environments() == store.environments()
        assert b.environments()[0].supply_voltage_V is None
    path = tmp_path / "x1" / "environment.csv"
    path.write_text(text.replace(",55.0,", ",155.0,"), encoding="utf-8")
    with pytest.raises(InputError, match="≤ 100") as caught:
        read_folder(tmp_path / "x1")
    assert caught.value.line == 2 and caught.value.column == "relative_humidity_percent"
