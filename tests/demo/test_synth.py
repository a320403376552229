"""The demo's synthetic spectra, waveforms and luminances (:mod:`luxcheck.demo.synth_spectra`,
:mod:`luxcheck.demo.synth_waveforms`, :mod:`luxcheck.demo.simulate`): computed once, or for
several at once, where that cannot change them.

Source of every case: properties of the logic. A room's spectra of one LED share its bands,
computed once (the same arrays the computation gives afresh); the ripple of a DC driver is the
expression of its docstring, ``mean (1 + m sin(2π f t + φ))``, evaluated in place, bit for bit;
the luminaires' luminances seen from several eyes are those seen from each eye.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from luxcheck.analysis.glare import standard_observers
from luxcheck.demo import simulate, synth_spectra, synth_waveforms
from luxcheck.demo.plan import plan_campaign
from luxcheck.demo.scene import Scene
from luxcheck.demo.synth_spectra import white_led_spd

_SHAPE = {
    "red_peak_nm": 627.0,
    "red_fwhm_nm": 85.0,
    "green_peak_nm": 541.0,
    "green_fwhm_nm": 108.0,
}


def test_one_leds_spectra_from_shared_bands_equal_fresh_ones() -> None:
    """Spectra of one LED shape at several CCTs, Duvs and illuminances, on two wavelength
    grids, with the bands shared: each equals the spectrum computed with the shared bands
    cleared, bit for bit; the shared arrays cannot be written."""
    grids = (np.arange(380.0, 781.0, 1.0), np.arange(380.0, 781.0, 5.0))
    cases = [(grid, cct, duv) for grid in grids for cct, duv in ((4100.0, 0.001), (4800.0, 0.002))]
    shared = [
        white_led_spd(g, cct, duv=duv, illuminance_lx=450.0, **_SHAPE) for g, cct, duv in cases
    ]
    for (grid, cct, duv), spectrum in zip(cases, shared, strict=True):
        synth_spectra._one_led_bands.cache_clear()
        fresh = white_led_spd(grid, cct, duv=duv, illuminance_lx=450.0, **_SHAPE)
        assert spectrum.shape == (grid.size,)
        assert spectrum.tobytes() == fresh.tobytes()
    bands, xyz, at_wl = synth_spectra._one_led_bands(
        grids[0].tobytes(), grids[0].shape, 450.0, 20.0, 541.0, 108.0, 627.0, 85.0
    )
    for array in (*bands, xyz, *at_wl):
        with pytest.raises(ValueError, match="read-only"):
            array[...] = 0.0


@pytest.mark.parametrize(("mean", "phase_rad"), [(1.0, 0.0), (1.0, 0.4), (2.5, 0.0), (2.5, 0.4)])
def test_dc_ripple_is_its_expression(mean: float, phase_rad: float) -> None:
    """The ripple equals ``mean * (1 + m * sin(2π f t + φ))`` for every sample, with or without
    a phase and a unit mean (which add and scale by nothing)."""
    t = np.arange(8000, dtype=np.float64) / 4000.0
    expected = mean * (1.0 + 0.012 * np.sin(2.0 * np.pi * 100.0 * t + phase_rad))
    got = synth_waveforms.dc_ripple(
        2.0, 4000.0, mean=mean, percent_flicker=1.2, frequency_hz=100.0, phase_rad=phase_rad
    )
    assert got.tobytes() == expected.tobytes()


def test_luminances_from_several_eyes_are_those_from_each() -> None:
    """Every standard observer's eye of a few planned rooms, with and without dead luminaires
    (one index beyond the layout): the rows of one evaluation for all eyes equal each eye's
    own evaluation, bit for bit."""
    for plan in plan_campaign(6, 41, rooms_per_school=3.0):
        eyes = [[o.x_m, o.y_m, o.eye_height_m] for o in standard_observers(plan.classroom)]
        for lighting in (
            plan.lighting,
            dataclasses.replace(plan.lighting, dead_luminaires=(0, 99)),
        ):
            rows = simulate.luminaire_luminance_cd_m2(plan.classroom, lighting, eyes)
            assert rows.shape == (len(eyes), plan.classroom.luminaire_count)
            for eye, row in zip(eyes, rows, strict=True):
                alone = simulate.luminaire_luminance_cd_m2(plan.classroom, lighting, eye)
                assert alone.tobytes() == row.tobytes()
            if lighting.dead_luminaires:
                assert not rows[:, 0].any()


def test_glare_luminances_draw_their_noise_observer_by_observer() -> None:
    """A scene's glare luminances, drawn for all observers at once, equal the draws one
    observer after another from the room's generator: each luminaire's factor, then the
    background's (as the scene's readings were first made)."""
    for plan in plan_campaign(4, 43, rooms_per_school=2.0):
        room, lighting = plan.classroom, plan.lighting
        rng = np.random.default_rng(plan.seed)  # the scene's own, before any other reading
        background = simulate.indirect_illuminance_lx(room, lighting) / np.pi
        expected = {}
        for o in standard_observers(room):
            lum = simulate.luminaire_luminance_cd_m2(room, lighting, [o.x_m, o.y_m, o.eye_height_m])
            noise = rng.normal(1.0, 0.02, lum.shape)
            expected[o.name] = (
                [float(v) for v in lum * noise],
                background * float(rng.normal(1.0, 0.02)),
            )
        assert Scene(plan).glare_luminances() == expected
