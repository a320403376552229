"""The shortcuts of the flicker kernel's periodogram and flickermeter (issue 21, performance)
give exactly what the plain computations give.

Sources: numpy's own ``np.median`` as the oracle of the noise floor's median; properties of the
logic — a bin's component test and lobe energy read only its ±2 neighbours, so the components
up to a lower bin are the leading columns of the search's; PstLM inside
:func:`~luxcheck.kernels.flicker.flicker_metrics` is :func:`~luxcheck.kernels.flicker.pst_lm`
of the dark-subtracted rows that have light, no rail and no negative sample.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from luxcheck.kernels import flicker as fl
from luxcheck.kernels import periodogram as pg


@settings(max_examples=200, deadline=None)
@given(
    rows=st.integers(1, 4),
    m=st.integers(1, 300),
    seed=st.integers(0, 2**32 - 1),
    ties=st.booleans(),
    nan_row=st.booleans(),
)
def test_median_rows_is_numpy_median(
    rows: int, m: int, seed: int, ties: bool, nan_row: bool
) -> None:
    """Oracle ``np.median`` along the last axis: odd and even lengths, tied values, and a row
    holding NaN (NaN, as numpy gives it), bit for bit."""
    rng = np.random.default_rng(seed)
    x = rng.exponential(size=(rows, m)) * 10.0 ** float(rng.integers(-8, 8))
    if ties:
        x[:, ::3] = x[:, :1]
    if nan_row:
        x[rows - 1, int(rng.integers(m))] = np.nan
    with np.errstate(invalid="ignore"):
        expected = np.median(x, axis=-1)
    assert np.array_equal(pg._median_rows(x), expected, equal_nan=True)


def _noisy_tones(rows: int, n: int, fs: float, seed: int) -> np.ndarray:
    """Mean-normalised rows (DC removed): a few tones each with white noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / fs
    out = rng.normal(0.0, 0.01, size=(rows, n))
    for i in range(rows):
        for _ in range(3):
            f = float(rng.uniform(1.0, fs / 2.0 - 10.0))
            out[i] += float(rng.uniform(0.0, 0.3)) * np.cos(2.0 * np.pi * f * t)
    return out


def test_components_upto_is_a_search_to_the_lower_bin() -> None:
    """Property of the logic: the components (bins, peak mask, amplitudes, power) up to any
    lower bin, cut from the frequency search's, equal those searched up to that bin."""
    spec, window = pg.spectrum(_noisy_tones(3, 4000, 4000.0, seed=1))
    found = pg.search_components(spec, window)
    for kmax in (0, 2, 3, 4, 5, 17, 500, 1996, int(found.k[-1])):
        cut = found.upto(kmax)
        direct = pg.find_components(spec, window, kmax)
        assert np.array_equal(cut.k, direct.k)
        assert np.array_equal(cut.is_peak, direct.is_peak)
        assert np.array_equal(cut.amplitude, direct.amplitude)
        assert np.array_equal(cut.power, direct.power)


def test_frequencies_from_given_components_equal_their_own_search() -> None:
    """Property of the logic: :func:`frequencies` with the spectrum's components passed in
    gives what it finds by itself, field for field."""
    spec, window = pg.spectrum(_noisy_tones(4, 2000, 2000.0, seed=2))
    own = pg.frequencies(spec, window, 2000.0)
    given_ = pg.frequencies(spec, window, 2000.0, pg.search_components(spec, window))
    for name in ("fundamental_hz", "dominant_hz", "floor_amplitude", "detected", "noise_power"):
        assert np.array_equal(getattr(own, name), getattr(given_, name), equal_nan=True)


def test_pst_inside_flicker_metrics_is_pst_lm_of_the_usable_rows() -> None:
    """Property of the logic: in a batch that mixes usable rows with a clipped, a constant, a
    dark and a negative one, the PstLM of each usable row is :func:`pst_lm` of its
    dark-subtracted samples exactly; the constant row's is 0; the others have none."""
    fs, n, dark = 2000.0, 44000, 40.0
    rng = np.random.default_rng(3)
    t = np.arange(n) / fs
    usable = [
        dark + 500.0 * (1.0 + 0.02 * np.sin(2.0 * np.pi * f * t)) + rng.normal(0.0, 0.5, n)
        for f in (8.8, 3.0, 20.0)
    ]
    clipped = usable[0].copy()
    clipped[100] = 4095.0
    constant = np.full(n, dark + 300.0)
    no_light = np.full(n, dark - 1.0)
    negative = usable[1].copy()
    negative[5] = dark - 10.0
    rows = np.array([usable[0], clipped, constant, usable[1], no_light, negative, usable[2]])
    result = fl.flicker_metrics(rows, fs, dark_level=dark, full_scale=4095.0)
    expected = fl.pst_lm(np.array(usable) - dark, fs)
    assert np.array_equal(result.pst_lm[[0, 3, 6]], expected)
    assert result.pst_lm[2] == 0.0
    assert np.all(np.isnan(result.pst_lm[[1, 4, 5]]))
