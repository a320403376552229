"""What sets a model apart is declared on its driver class, and the command line derives from it.

Every registered driver declares the session roles it measures, its keyword options (matching
its constructor) and its receptor head numbers; ``meter read``, ``measure`` and ``emulate``
take their choices and help from these declarations, never from model slugs.
"""

from __future__ import annotations

import inspect
from typing import ClassVar

import pytest
from luxcheck.drivers import (
    DRIVER_ROLES,
    DRIVERS,
    DriverOption,
    Meter,
    PhotometricReading,
    models_for,
    open_meter,
)
from luxcheck.drivers.emulators import EMULATORS
from luxcheck.drivers.lutron16 import Lutron16

from luxcheck import drivers
from luxcheck.acquire.meters import DriverMeter
from luxcheck.acquire.session import Step
from luxcheck.cli import build_parser, main
from luxcheck.errors import InputError

from .helpers import emu_url

#: The keyword arguments every driver takes (MeterArgs), not a model's own options.
SHARED = {"timeout_s", "opener"}
#: The role a kind of reading serves.
ROLE_OF_KIND = {"photometric": "lux", "spectrum": "spectrum", "waveform": "flicker"}


def declared(cls: type[Meter], name: str) -> bool:
    """Whether ``cls`` or a driver base class below :class:`Meter` declares ``name``."""
    return any(name in vars(k) for k in cls.__mro__ if k is not Meter and k is not object)


@pytest.mark.parametrize("model", list(DRIVERS))
def test_every_model_declares_roles_options_and_heads(model: str) -> None:
    cls = DRIVERS[model]
    for name in ("model", "name", "kind", "line", "roles"):
        assert declared(cls, name), f"{cls.__name__} does not declare {name}"
    assert cls.model == model
    assert cls.roles, f"{model} measures no role"
    assert cls.roles <= DRIVER_ROLES
    assert ROLE_OF_KIND[cls.kind] in cls.roles
    assert all(isinstance(o, DriverOption) for o in cls.options)


@pytest.mark.parametrize("model", list(DRIVERS))
def test_declared_options_are_the_constructor_keywords(model: str) -> None:
    """A keyword added to a driver's constructor without declaring it (or the reverse) fails."""
    cls = DRIVERS[model]
    keywords = {
        p.name: p.default
        for p in inspect.signature(cls).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY and p.name not in SHARED
    }
    assert {o.name: o.default for o in cls.options} == keywords
    for option in cls.options:
        assert isinstance(option.default, option.type), option
        assert option.help
        assert cls.option(option.name) is option
    assert cls.option("no-such-option") is None


@pytest.mark.parametrize("model", list(DRIVERS))
def test_head_numbers_go_with_the_heads_option(model: str) -> None:
    cls = DRIVERS[model]
    heads = cls.option("heads")
    assert (cls.head_numbers is None) == (heads is None)
    if cls.head_numbers is not None and heads is not None:
        assert isinstance(heads.default, tuple)
        assert set(heads.default) <= set(cls.head_numbers)


def test_models_for_each_role() -> None:
    assert models_for("lux") == ("t-10a", "cl-200a", "lutron-16")
    assert models_for("spectrum") == ("jeti-specbos",)
    assert models_for("flicker") == ("waveform-stream",)
    assert {m for role in DRIVER_ROLES for m in models_for(role)} == set(DRIVERS)
    with pytest.raises(ValueError, match="power"):
        models_for("power")


def test_accepted_keeps_only_declared_options() -> None:
    offered = {"wait_scale": 0.5, "duration_s": 20.0}
    assert DRIVERS["t-10a"].accepted(offered) == {"wait_scale": 0.5}
    assert DRIVERS["lutron-16"].accepted(offered) == {}
    assert DRIVERS["waveform-stream"].accepted(offered) == {"duration_s": 20.0}
    assert DRIVERS["jeti-specbos"].accepted(offered) == {}


def test_open_meter_refuses_an_undeclared_option() -> None:
    with pytest.raises(InputError, match=r"lutron-16: heads \(its options: none\)"):
        open_meter(emu_url("lutron-16"), "lutron-16", heads=(0,))
    with pytest.raises(InputError, match="its options: duration_s"):
        open_meter(emu_url("waveform-stream"), "waveform-stream", wait_scale=0.0)


def test_driver_meter_refuses_a_role_its_class_does_not_measure() -> None:
    meter = DriverMeter(emu_url("lutron-16", lux="12"), "lutron-16", None, timeout_s=2.0)
    try:
        with pytest.raises(InputError, match="photometric meter cannot measure spectrum"):
            meter.read(Step("spectrum-general", "spectrum", "光谱", "spectrum"))
        assert meter.read(Step("desk-01", "lux", "桌面", "desk")) == {"illuminance_lx": 12.0}
    finally:
        meter.close()


# --------------------------------------------------------------------------- the command line
def _subparser(*path: str) -> object:
    parser: object = build_parser()
    for name in path:
        action = next(a for a in parser._actions if a.choices and name in a.choices)  # type: ignore[attr-defined]
        parser = action.choices[name]
    return parser


def _choices(parser: object, flag: str) -> tuple[str, ...]:
    action = next(a for a in parser._actions if flag in a.option_strings)  # type: ignore[attr-defined]
    return tuple(action.choices)


def test_cli_choices_come_from_the_classes() -> None:
    measure = _subparser("measure")
    assert _choices(measure, "--lux-model") == models_for("lux")
    assert _choices(measure, "--spectro-model") == models_for("spectrum")
    assert _choices(measure, "--flicker-model") == models_for("flicker")
    assert _choices(_subparser("meter", "read"), "--model") == tuple(DRIVERS)
    assert set(EMULATORS) == set(DRIVERS)


class _FourHeads(Lutron16):
    """A made-up lux meter with four heads, registered only for the next test."""

    model: ClassVar[str] = "four-heads"
    head_numbers: ClassVar[range | None] = range(4)
    options: ClassVar[tuple[DriverOption, ...]] = (
        DriverOption("heads", tuple, (0,), "receptor heads"),
    )

    def __init__(
        self, transport: drivers.Transport, *, heads: tuple[int, ...] = (0,), **kw: object
    ):
        super().__init__(transport, **kw)  # type: ignore[arg-type]
        self.heads = heads

    def read(self) -> PhotometricReading:
        assert self.heads == (3,)
        return super().read()


def test_a_new_driver_reaches_the_cli_through_its_declarations(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(DRIVERS, "four-heads", _FourHeads)
    monkeypatch.setattr(drivers, "MODELS", tuple(DRIVERS))
    assert "four-heads" in _choices(_subparser("measure"), "--lux-model")
    with pytest.raises(SystemExit):
        main(["meter", "read", "--help"])
    assert "four-heads: 0-3" in " ".join(capsys.readouterr().out.split())
    url = emu_url("lutron-16", lux="7")
    argv = ["meter", "read", "--model", "four-heads", "--port", url, "--json"]
    assert main([*argv, "--head", "4"]) == 2
    assert "expected a head 0-3, got 4" in capsys.readouterr().err
    assert main([*argv, "--head", "3"]) == 0
    assert '"illuminance_lx": 7.0' in capsys.readouterr().out


def test_emulate_help_lists_each_emulators_options_and_faults(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["emulate", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for model, cls in EMULATORS.items():
        assert f"{model} --set: {', '.join(sorted(cls.PARAMS))}" in out
        assert f"{model} --fault: {', '.join(sorted(cls.FAULTS))}" in out
