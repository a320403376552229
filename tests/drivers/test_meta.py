"""Meta-tests over the driver set (pymeasure's test_all_instruments habit, style.md §4c)."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest
from luxcheck.drivers import DRIVERS, Meter
from luxcheck.drivers.base import MeterError
from luxcheck.drivers.emulators import EMULATORS

from luxcheck.errors import DeviceError

HERE = Path(__file__).parent
PROTOCOL_TESTS = {
    "t-10a": "test_t10a.py",
    "cl-200a": "test_cl200a.py",
    "lutron-16": "test_lutron16.py",
    "jeti-specbos": "test_jeti_specbos.py",
    "waveform-stream": "test_waveform_stream.py",
}
VERBS = ("Get", "Set", "Measure", "Control")


def test_model_slugs_are_the_design_names() -> None:
    """DESIGN §5: meter models t-10a, cl-200a, lutron-16, jeti-specbos, waveform-stream."""
    assert set(DRIVERS) == {"t-10a", "cl-200a", "lutron-16", "jeti-specbos", "waveform-stream"}


@pytest.mark.parametrize("model", sorted(DRIVERS))
def test_every_driver_has_an_emulator_and_a_protocol_test(model: str) -> None:
    """Each driver has an emulator with the same line settings and a protocol test file."""
    assert model in EMULATORS
    assert EMULATORS[model].line == DRIVERS[model].line
    test_file = HERE / PROTOCOL_TESTS[model]
    assert test_file.exists()
    text = test_file.read_text(encoding="utf-8")
    assert DRIVERS[model].__name__ in text
    assert "meters.md" in text


@pytest.mark.parametrize("model", sorted(DRIVERS))
def test_public_methods_have_get_set_measure_docstrings(model: str) -> None:
    """pymeasure docstring rule: public members start with Get / Set / Measure / Control."""
    cls = DRIVERS[model]
    for name, member in inspect.getmembers(cls):
        if name.startswith("_") or not (callable(member) or isinstance(member, property)):
            continue
        if inspect.isclass(member):
            continue
        doc = inspect.getdoc(member) or ""
        assert doc.split(" ", 1)[0].rstrip(":") in VERBS, f"{cls.__name__}.{name}: {doc[:40]!r}"


@pytest.mark.parametrize("model", sorted(DRIVERS))
def test_driver_classes_declare_model_line_and_kind(model: str) -> None:
    """Each class names its model slug, a human name, its reading kind and line settings."""
    cls = DRIVERS[model]
    assert issubclass(cls, Meter)
    assert cls.model == model
    assert cls.name
    assert cls.kind in ("photometric", "spectrum", "waveform")
    assert cls.line.baudrate > 0


def test_meter_errors_are_device_errors_exit_3() -> None:
    """The CLI maps DeviceError to exit 3 (luxcheck.errors)."""
    assert issubclass(MeterError, DeviceError)
    assert MeterError("x").exit_code == 3
