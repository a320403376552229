"""Tests of luxcheck.analysis.flicker: a waveform's flicker metrics as metric ids, and its
IEEE 1789-2015 class with the curves of the standards data (IEEE 1789-2015 §8.1.1)."""

from __future__ import annotations

import numpy as np
import pytest

from luxcheck.analysis.flicker import flicker_metric_dict
from luxcheck.compliance.curves import ieee1789_curves
from luxcheck.kernels import flicker as fl

FS = 20000.0


def sine(m: float, f: float, duration: float = 1.0, fs: float = FS, phase: float = 0.0):
    t = np.arange(round(duration * fs)) / fs
    return 1.0 + m * np.sin(2 * np.pi * f * t + phase)


@pytest.mark.parametrize(
    ("f", "pf", "expected"),
    [
        (100.0, 3.0, "no-effect"),  # NOEL 3.33 % at 100 Hz (IEEE 1789-2015)
        (100.0, 5.0, "low-risk"),  # low-risk 8 % at 100 Hz
        (100.0, 9.0, "high-risk"),
        (50.0, 1.0, "low-risk"),  # below 90 Hz: NOEL 0.5 %, low-risk 1.25 %
        (50.0, 2.0, "high-risk"),  # yeutterg/beautiful-flicker classes this low-risk (bug)
        (90.0, 2.9, "no-effect"),  # at 90 Hz the band starting there applies (step_side right)
        (1500.0, 100.0, "low-risk"),  # no low-risk limit above 1250 Hz; NOEL 49.95 %
        (3500.0, 100.0, "no-effect"),  # no limit above 3000 Hz
    ],
)
def test_ieee1789_class_from_pack(f: float, pf: float, expected: str) -> None:
    """IEEE 1789-2015 curves read from standards/ieee-1789-2015.toml (IEEE 1789-2015 clause 8.1.1,
    Figure 20; R)."""
    low, noel = ieee1789_curves()
    assert fl.ieee1789_class(f, pf, low, noel) == expected


def test_metric_dict_and_board_prefix() -> None:
    """luxcheck.vocabulary metric ids: a row maps to flicker_* ids with reasons for the missing
    ones; prefix 'board_' gives only the blackboard-lamp ids of the vocabulary."""
    r = fl.flicker_metrics(np.stack([sine(0.02, 100.0), sine(0.5, 100.0)]), FS, pst=False)
    values, reasons = flicker_metric_dict(r, 1)
    assert set(values) == {
        "flicker_frequency_hz",
        "flicker_dominant_frequency_hz",
        "flicker_noise_floor_percent",
        "flicker_percent",
        "flicker_index",
        "flicker_svm",
        "flicker_pst_lm",
        "flicker_ieee1789_class",
    }
    assert values["flicker_percent"] == pytest.approx(50.0)
    assert values["flicker_ieee1789_class"] == "high-risk"
    assert {k: str(v) for k, v in reasons.items()} == {"flicker_pst_lm": "not requested"}
    board, _ = flicker_metric_dict(r, 0, prefix="board_")
    assert set(board) == {
        "board_flicker_frequency_hz",
        "board_flicker_dominant_frequency_hz",
        "board_flicker_noise_floor_percent",
        "board_flicker_percent",
    }
    assert board["board_flicker_percent"] == pytest.approx(2.0)
