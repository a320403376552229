"""Colour rendering outside the CIE 13.3 Duv tolerance is judged, with the caveat (issue 20 item 5).

CIE 13.3-1995 calls the colour rendering index less meaningful for sources farther than
DC = 5.4×10⁻³ from the Planckian locus, but no Chinese clause gates Ra or R9 on Duv: GB 40070-2021
(Ra ≥ 80, LED R9 > 0), GB 55016-2021 §3.3 (Ra ≥ 80, R9 ≥ 0) and GB/T 50034-2024 judge the value.
Sources: the packs; colour-science 0.4.7 as the oracle of Ra and R9; the engine's rule that a
note on a measured value is printed in its verdict.
"""

from __future__ import annotations

import colour
import numpy as np
import pytest

from luxcheck.analysis.spectral import spectral_metric_ids
from luxcheck.compliance import engine as C
from luxcheck.demo.synth_spectra import white_led_spd
from luxcheck.messages import Message
from tests.support.rooms import GOOD


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    C.clear_cache()


def test_duv_0_01_light_gets_ra_and_r9_judged_with_the_note() -> None:
    """A white LED 0.01 above the locus: Ra and R9 equal colour-science's (oracle, which applies
    no Duv gate) to 0.02 / 0.05, every Ra/R9 requirement of cn-classroom is judged (pass or
    fail, never not-measured), and each verdict carries the CIE 13.3 note."""
    wl = np.arange(380.0, 781.0, 5.0)
    spd = white_led_spd(wl, 4000.0, duv=0.01)
    ids = spectral_metric_ids(wl, spd[None, :], tm30=False)
    values, notes = ids.values[0], ids.notes[0]
    cri = colour.colour_rendering_index(colour.SpectralDistribution(spd, wl), additional_data=True)
    assert values["cri_ra"] == pytest.approx(cri.Q_a, abs=0.02)
    assert values["cri_r9"] == pytest.approx(cri.Q_as[9].Q_a, abs=0.05)
    assert set(notes) == {"cri_ra", *[f"cri_r{i}" for i in range(1, 15)]}
    room = {**GOOD, "cri_ra": values["cri_ra"], "cri_r9": values["cri_r9"]}
    reasons: dict[str, Message | str] = dict(notes)
    verdicts = [v for v in C.evaluate(room, "cn-classroom", reasons=reasons) if v.metric in notes]
    assert {v.requirement_id for v in verdicts} >= {
        "gb40070.cri-ra",
        "gb40070.cri-r9",
        "gb55016.cri-ra",
        "gb55016.cri-r9",
    }
    for v in verdicts:
        assert v.status in ("pass", "fail"), v
        assert "CIE 13.3-1995" in str(v.reason), v
        expected = values[v.metric] >= 80.0 if v.metric == "cri_ra" else None
        if expected is not None:
            assert (v.status == "pass") == expected


def test_note_on_a_measured_value_survives_the_stored_form() -> None:
    """The campaign file keeps a note as serialised text in the metric's reason column; the
    engine prints it in the verdict of the measured value (never turning it not-measured)."""
    note = Message(
        "|Duv| {duv:.4f} > {tol}: outside the CIE 13.3-1995 tolerance", duv=0.01, tol=0.0054
    )
    verdicts = C.evaluate(
        {**GOOD, "cri_ra": 85.0}, "cn-classroom", reasons={"cri_ra": note.to_json()}
    )
    v = next(v for v in verdicts if v.requirement_id == "gb40070.cri-ra")
    assert v.status == "pass"
    assert str(v.reason) == "cri_ra: |Duv| 0.0100 > 0.0054: outside the CIE 13.3-1995 tolerance"
