"""Meta-tests over the driver set (pymeasure's test_all_instruments habit)."""

from __future__ import annotations

import inspect
import sys
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
#: The public document each protocol follows, as its driver module's docstring names it.
SOURCES = {
    "t-10a": "Konica Minolta T-10A Communication Specifications",
    "cl-200a": "Konica Minolta CL-200A Communication Specifications",
    "lutron-16": "Lutron LX-1108 operation manual",
    "jeti-specbos": "specbos 1211 firmware command reference",
    "waveform-stream": "TU Liberec open-hardware flickermeter",
}
VERBS = ("Get", "Set", "Measure", "Control")


def test_model_slugs_are_the_design_names() -> None:
    """README, Supported meters and file formats: the model slugs."""
    assert set(DRIVERS) == {"t-10a", "cl-200a", "lutron-16", "jeti-specbos", "waveform-stream"}


@pytest.mark.parametrize("model", sorted(DRIVERS))
def test_every_driver_has_an_emulator_and_a_protocol_test(model: str) -> None:
    """Each driver has an emulator with the same line settings and a protocol test file that
    names the maker's document (or open design) the driver module cites as its source."""
    assert model in EMULATORS
    assert EMULATORS[model].line == DRIVERS[model].line
    test_file = HERE / PROTOCOL_TESTS[model]
    assert test_file.exists()
    text = test_file.read_text(encoding="utf-8")
    assert DRIVERS[model].__name__ in text
    source = SOURCES[model]
    module_doc = " ".join((sys.modules[DRIVERS[model].__module__].__doc__ or "").split())
    assert source in module_doc
    assert source in " ".join(text.split())


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
