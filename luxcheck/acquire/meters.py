"""Meter adapters of the guided session: a meter with a driver, and a value typed in.

Both satisfy :class:`luxcheck.acquire.session.FieldMeter`: ``read(step)`` returns the fields of
the reading the step stores, ``reconnect()`` re-opens the link after a fault.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import numpy as np

from luxcheck.acquire.session import Console, Step, StepCommand
from luxcheck.errors import DeviceError, InputError
from luxcheck.i18n import gettext_for
from luxcheck.messages import _n


class DriverMeter:
    """A meter with a luxcheck driver, as the guided session uses it.

    ``options`` go to :func:`luxcheck.drivers.open_meter`: ``timeout_s`` and the options the
    model's driver class declares. The class's ``roles`` say which steps the meter can take.
    """

    def __init__(self, url: str, model: str, instrument_id: str | None, **options: Any) -> None:
        from luxcheck.drivers import open_meter

        self.meter = open_meter(url, model, **options)
        self.instrument_id = instrument_id

    def read(self, step: Step) -> Mapping[str, Any]:
        from luxcheck.drivers import PhotometricReading, SampledWaveform, SpectralReading

        if step.role not in self.meter.roles:
            raise InputError(f"a {self.meter.kind} meter cannot measure {step.role}")
        reading = self.meter.read()
        if step.role == "lux" and isinstance(reading, PhotometricReading):
            if reading.illuminance_lx is None:
                raise DeviceError(f"{self.meter.port}: the meter gave no illuminance")
            return {"illuminance_lx": float(reading.illuminance_lx)}
        if step.role == "spectrum" and isinstance(reading, SpectralReading):
            return {
                "wavelength_nm": np.asarray(reading.wavelength_nm, dtype=np.float64),
                "values": np.asarray(reading.spectral_values, dtype=np.float64),
                "unit": reading.unit,
            }
        if step.role == "flicker" and isinstance(reading, SampledWaveform):
            return {
                "samples": np.asarray(reading.samples, dtype=np.uint16),
                "sample_rate_hz": float(reading.sample_rate_hz),
                "dark_level": float(reading.dark_level),
                "full_scale": float(reading.full_scale),
                "unit": reading.unit,
            }
        raise InputError(f"a {self.meter.kind} meter cannot measure {step.role}")

    def reconnect(self) -> None:
        self.meter.reconnect()

    def close(self) -> None:
        self.meter.close()


class ManualMeter:
    """A quantity the inspector reads off an instrument without a driver and types in."""

    #: Per role: the field the value goes to, and what the prompt asks (an English msgid).
    _ASK: ClassVar[dict[str, tuple[str, str]]] = {
        "power": ("power_w", _n("input power [W]")),
        "height": ("height_m", _n("height above the floor [m]")),
        "luminance": ("luminance_cd_m2", _n("luminance [cd/m²]")),
    }

    def __init__(
        self, console: Console, instrument_id: str | None, lang: str, max_tries: int | None = None
    ) -> None:
        self.console = console
        self.instrument_id = instrument_id
        self.lang = lang
        self._ = gettext_for(lang)
        self.max_tries = max_tries  # None: ask until a number, s or q comes (a person types)

    def _number(self, what: str) -> float:
        """A number typed in for ``what`` (a msgid)."""
        _ = self._
        tries = 0
        while True:
            prompt = _("{what} (s = skip, q = stop)").format(what=_(what))
            answer = self.console.ask(prompt).strip()
            if answer.lower() in ("s", "q"):
                raise StepCommand(answer.lower())  # type: ignore[arg-type]
            try:
                value = float(answer)
            except ValueError:
                self.console.say(_("not a number: {answer!r}").format(answer=answer))
            else:
                if value == value and value not in (float("inf"), float("-inf")):
                    return value
                self.console.say(_("not a finite number: {answer!r}").format(answer=answer))
            tries += 1
            if self.max_tries is not None and tries >= self.max_tries:
                # a script that gives no number would be asked forever
                self.console.say(
                    _("no number after {tries} answers: step skipped (not measured)").format(
                        tries=tries
                    )
                )
                raise StepCommand("s")

    def read(self, step: Step) -> Mapping[str, Any]:
        key, what = self._ASK[step.role]
        fields: dict[str, Any] = {key: self._number(what)}
        if step.role == "height" and step.luminaire.startswith("B"):
            fields["horizontal_distance_m"] = self._number(_n("distance from the board [m]"))
        return fields

    def reconnect(self) -> None:
        """Nothing to reconnect: the inspector types the value."""
