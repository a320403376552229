"""What the meters see in a simulated classroom: the value source of the emulators and the demo.

A :class:`Scene` wraps one planned room (:class:`luxcheck.demo.plan.RoomPlan`) and answers, for
each step of the guided session (:class:`luxcheck.acquire.session.Step`), what an ideal instrument
placed there would read: illuminance at a plan point, the spectral irradiance under the
luminaires, the light waveform, luminances towards the observer positions, circuit powers,
luminaire positions. Meter behaviour (display resolution, ADC counts, noise, faults) is added
by the emulators; the fast in-process path of the demo applies the same resolution rules
(:data:`RESOLUTION`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from luxcheck.acquire.session import Step
from luxcheck.analysis import glare
from luxcheck.demo import simulate
from luxcheck.demo.plan import LightSource, RoomPlan
from luxcheck.demo.synth_spectra import white_led_spd
from luxcheck.demo.synth_waveforms import luminaire as luminaire_waveform
from luxcheck.demo.synth_waveforms import to_adc

#: Wavelength grid of the simulated spectroradiometer (JETI specbos: 380–780 nm, 1 nm) [nm].
SPECTRUM_WL_NM = np.arange(380.0, 781.0, 1.0)

#: Record settings of the simulated flicker sensor: the general luminaire record is long enough
#: for PstLM (20 s) and fast enough for SVM (≥ 4 kHz); the blackboard lamp's is judged on
#: percent flicker only.
GENERAL_WAVEFORM = {"duration_s": 20.0, "sample_rate_hz": 4000.0}
BOARD_WAVEFORM = {"duration_s": 1.0, "sample_rate_hz": 20000.0}
ADC_BITS = 12
ADC_DARK_COUNTS = 40.0

#: Display resolution of the simulated instruments.
RESOLUTION = {"illuminance_lx": 0.1, "luminance_cd_m2": 1.0, "power_w": 0.1, "height_m": 0.001}


def quantise(value: float, step: float) -> float:
    """Round to the display resolution ``step`` (what a meter shows)."""
    return round(round(value / step) * step, 6)


def _spd_parameters(source: LightSource) -> dict[str, float]:
    """Band parameters of the white-LED model for a colour quality 0…1 (see demo_plan)."""
    q = source.colour_quality
    return {
        "red_peak_nm": 600.0 + 45.0 * q,
        "red_fwhm_nm": 45.0 + 65.0 * q,
        "green_peak_nm": 548.0 - 12.0 * q,
        "green_fwhm_nm": 95.0 + 25.0 * q,
    }


@dataclass
class Scene:
    """The simulated room behind the meters, for one planned classroom."""

    plan: RoomPlan
    rng: np.random.Generator = field(init=False)

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(self.plan.seed)

    # ----------------------------------------------------------------- what each step sees
    def value(self, step: Step) -> Mapping[str, Any]:
        """The reading fields an ideal instrument gives for ``step`` (before meter effects)."""
        if step.role == "lux":
            return {"illuminance_lx": self.illuminances([step])[0]}
        if step.role == "spectrum":
            return self.spectrum(step.luminaire)
        if step.role == "flicker":
            return self.waveform(step.luminaire)
        if step.role == "power":
            return {"power_w": self.power_w(step.circuit)}
        if step.role == "height":
            return self.position(step.luminaire)
        raise ValueError(f"no scene value for role {step.role!r}")

    def illuminances(self, steps: Sequence[Step]) -> list[float]:
        """The illuminances [lx] of consecutive ``lux`` steps: each surface's points in one
        model evaluation, then the meter's repeatability and placement noise drawn in step
        order (one draw per step, the same values as one :meth:`value` call after another)."""
        room, lighting = self.plan.classroom, self.plan.lighting
        on_board = [step.surface == "board" for step in steps]
        ideal = np.empty(len(steps))
        for board, model in (
            (True, simulate.board_illuminance_lx),
            (False, simulate.desk_illuminance_lx),
        ):
            at = [i for i, b in enumerate(on_board) if b == board]
            if at:
                xs = [steps[i].x_m for i in at]
                ys = [steps[i].y_m for i in at]
                ideal[at] = model(room, xs, ys, lighting)
        noise = self.rng.normal(1.0, 0.005, len(steps))  # meter repeatability and placement
        return [float(e) * float(n) for e, n in zip(ideal, noise, strict=True)]

    @functools.cached_property
    def centre_desk_lx(self) -> float:
        """Illuminance [lx] on the desk plane at the centre of the desk area, where the
        spectroradiometer stands (no noise: the same for every spectrum of the room)."""
        room = self.plan.classroom
        return float(
            simulate.desk_illuminance_lx(
                room,
                room.width_m / 2,
                (room.desk_front_m + room.desk_back_m) / 2,
                self.plan.lighting,
            )
        )

    def spectrum(self, which: str) -> dict[str, Any]:
        """Spectral irradiance [W/(m² nm)] at desk height under the ``general`` luminaires, under
        one general luminaire ``L<n>`` (its own production spread: CCT within about ±1 %), or
        on the board under a ``board`` lamp."""
        if which.startswith("L") and which[1:].isdigit():
            return self._luminaire_spectrum(int(which[1:]))
        source = self.plan.board_source if which == "board" else self.plan.source
        room, lighting = self.plan.classroom, self.plan.lighting
        if which == "board":
            lux = float(
                simulate.board_illuminance_lx(
                    room, room.board_width_m / 2, room.board_height_m / 2, lighting
                )
            )
        else:
            lux = self.centre_desk_lx
        duv = float(self.rng.normal(0.0015, 0.0008))
        spd = white_led_spd(
            SPECTRUM_WL_NM, source.cct_K, duv=duv, illuminance_lx=lux, **_spd_parameters(source)
        )
        noise = self.rng.normal(0.0, 2e-4 * float(spd.max()), spd.shape)
        return {
            "wavelength_nm": SPECTRUM_WL_NM.copy(),
            "values": np.abs(spd + noise),
            "unit": "W/(m2 nm)",
        }

    def _luminaire_spectrum(self, index: int) -> dict[str, Any]:
        """One general luminaire's spectrum at the desk under it: the room's source with that
        luminaire's own CCT and Duv (a generator of its own, so the room's other readings do
        not change with the number of luminaire spectra taken)."""
        rng = np.random.default_rng([self.plan.seed, index])
        source, lux = self.plan.source, self.centre_desk_lx
        cct = source.cct_K * float(1.0 + rng.normal(0.0, 0.005))
        duv = float(rng.normal(0.0015, 0.0005))
        spd = white_led_spd(
            SPECTRUM_WL_NM, cct, duv=duv, illuminance_lx=lux, **_spd_parameters(source)
        )
        noise = rng.normal(0.0, 2e-4 * float(spd.max()), spd.shape)
        return {
            "wavelength_nm": SPECTRUM_WL_NM.copy(),
            "values": np.abs(spd + noise),
            "unit": "W/(m2 nm)",
        }

    def waveform(self, which: str) -> dict[str, Any]:
        """ADC counts of the flicker sensor under the ``general`` luminaires or a ``board``
        lamp (12-bit, dark offset, quantised)."""
        source = self.plan.board_source if which == "board" else self.plan.source
        settings = BOARD_WAVEFORM if which == "board" else GENERAL_WAVEFORM
        if source.flicker_frequency_hz == 0.0:
            kind, percent = "dc", max(source.flicker_percent * 0.2, 0.05)
        else:
            kind, percent = "dc", source.flicker_percent
        light = luminaire_waveform(
            settings["duration_s"],
            settings["sample_rate_hz"],
            kind=kind,  # type: ignore[arg-type]
            mean=1.0,
            percent_flicker=percent,
            mains_hz=50.0,
            noise_rms=0.0008,
            seed=int(self.rng.integers(2**31)),
        )
        counts = to_adc(light, counts_per_unit=2400.0, dark_counts=ADC_DARK_COUNTS, bits=ADC_BITS)
        return {
            "samples": counts.astype(np.int16),
            "sample_rate_hz": settings["sample_rate_hz"],
            "unit": "counts",
            "dark_level": ADC_DARK_COUNTS,
            "full_scale": float(2**ADC_BITS - 1),
        }

    def power_w(self, circuit: str) -> float:
        """Input power of a lighting circuit [W] (drivers' losses included in the efficacy)."""
        room, lighting, source = self.plan.classroom, self.plan.lighting, self.plan.source
        if circuit == "board":
            p = room.board_luminaire_count * lighting.board_lamp_flux_lm / source.efficacy_lm_per_w
        else:
            p = simulate.installed_power_w(room, lighting, source.efficacy_lm_per_w)
        return float(p * self.rng.normal(1.0, 0.01))

    def position(self, which: str) -> dict[str, Any]:
        """Mounting height above the floor [m] of a general luminaire (``L…``) or a blackboard
        lamp (``B…``, with its horizontal distance from the board)."""
        room, lighting = self.plan.classroom, self.plan.lighting
        if which.startswith("B"):
            lamps = simulate.board_lamp_positions(room, lighting)
            return {
                "height_m": float(lamps[0, 2]) + float(self.rng.normal(0, 0.003)),
                "horizontal_distance_m": float(lamps[0, 1]) + float(self.rng.normal(0, 0.003)),
            }
        lum = simulate.luminaire_positions(room)
        return {"height_m": float(lum[0, 2]) + float(self.rng.normal(0, 0.003))}

    def glare_luminances(self) -> dict[str, tuple[list[float], float]]:
        """Per standard observer: each general luminaire's luminance towards the eye [cd/m²]
        and the background luminance ``E_ind / π`` [cd/m²]."""
        room, lighting = self.plan.classroom, self.plan.lighting
        background = simulate.indirect_illuminance_lx(room, lighting) / math.pi
        observers = glare.standard_observers(room)
        eyes = [[o.x_m, o.y_m, o.eye_height_m] for o in observers]
        lums = simulate.luminaire_luminance_cd_m2(room, lighting, eyes)
        # per observer, in observer order: the luminaires' noise, then the background's
        noise = self.rng.normal(1.0, 0.02, (len(observers), lums.shape[-1] + 1))
        return {
            observer.name: ((lum * factors[:-1]).tolist(), background * float(factors[-1]))
            for observer, lum, factors in zip(observers, lums, noise, strict=True)
        }

    def board_lamp_luminance(self) -> float:
        """Peak luminance of a blackboard lamp's opening [cd/m²] (asymmetric reflector)."""
        lighting = self.plan.lighting
        return float(lighting.board_lamp_flux_lm * 0.8 * 2.0 / (2 * math.pi) / 0.06)
