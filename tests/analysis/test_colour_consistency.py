"""Colour consistency between like luminaires (GB 55016-2021 §3.3.5, ≤ 5 SDCM; issue 20):
the spectra taken under general luminaires L1, L2, … of a classroom give each luminaire's
chromaticity; their spread about the mean in steps of the IEC 60081 ellipse of the nearest
nominal colour is ``colour_consistency_sdcm``, judged by gb55016.colour-consistency."""

from __future__ import annotations

import numpy as np
import pytest

from luxcheck.acquire.session import like_luminaire_sample
from luxcheck.analysis.campaign import analyse_campaign
from luxcheck.analysis.spectral import colour_consistency_needed, spectral_metric_ids
from luxcheck.compliance.engine import evaluate
from luxcheck.demo.synth_spectra import white_led_spd
from luxcheck.journal.store import CampaignStore
from luxcheck.kernels.sdcm import colour_consistency_sdcm
from luxcheck.messages import stored
from luxcheck.model import SpectrumReading
from tests.support.builders import T0, make_classroom
from tests.support.rooms import GOOD

WL = np.arange(380.0, 781.0)


def _spectrum(reading_id: str, luminaire: str, cct_K: float, duv: float = 0.0) -> SpectrumReading:
    return SpectrumReading(
        reading_id,
        "SE1",
        T0,
        wavelength_nm=WL,
        values=white_led_spd(WL, cct_K, duv=duv),
        luminaire=luminaire,
    )


def test_luminaire_spectra_give_the_group_sdcm(store: CampaignStore) -> None:
    """Three luminaires at 3950, 4000 and 4150 K (the last a different batch): the stored value
    equals the kernel on the chromaticities of the one spectrum → metrics function, the note
    names the luminaires and the F4000 ellipse; the general spectrum is not one of them."""
    readings = [
        _spectrum("SG", "general", 5000.0),
        _spectrum("S1", "L1", 3950.0),
        _spectrum("S2", "L5", 4000.0, duv=0.001),
        _spectrum("S3", "L9", 4150.0),
    ]
    store.add_readings(readings)
    analyse_campaign(store, jobs=1)
    values, reasons = store.metrics("R101")
    ids = spectral_metric_ids(WL, np.stack([r.values for r in readings[1:]])).values
    expected = colour_consistency_sdcm(
        [v["chromaticity_x"] for v in ids], [v["chromaticity_y"] for v in ids]
    )
    assert expected.nominal_cct_K == 4000.0
    assert values["colour_consistency_sdcm"] == pytest.approx(expected.sdcm, rel=1e-9)
    assert 1.0 < values["colour_consistency_sdcm"] < 10.0
    note = str(stored(reasons["colour_consistency_sdcm"]))
    assert "L1, L5, L9" in note and "F4000" in note and "to be confirmed" in note
    assert "like products" in note


def test_the_latest_spectrum_of_a_luminaire_counts_once(store: CampaignStore) -> None:
    """A luminaire measured twice counts once, with its latest spectrum: two luminaires with the
    same spectrum are 0 SDCM apart (property of the grouping rule)."""
    store.add_readings(
        [
            _spectrum("S1", "L1", 3000.0),
            _spectrum("S2", "L2", 4000.0),
            _spectrum("S3", "L1", 4000.0),
        ]
    )
    analyse_campaign(store, jobs=1)
    values, _ = store.metrics("R101")
    assert values["colour_consistency_sdcm"] == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("labels", [(), ("L1",), ("general", "board", "L1")])
def test_fewer_than_two_luminaires_is_not_measured(
    store: CampaignStore, labels: tuple[str, ...]
) -> None:
    """With fewer than two like-luminaire spectra the value is not measured, with the reason and
    the count (never a pass): the requirement is not measured."""
    store.add_readings([_spectrum(f"S{i}", label, 4000.0) for i, label in enumerate(labels)])
    analyse_campaign(store, jobs=1)
    values, reasons = store.metrics("R101")
    assert values["colour_consistency_sdcm"] is None
    why = str(stored(reasons["colour_consistency_sdcm"]))
    assert (
        why.startswith("not measured")
        and f"{sum(lb.startswith('L') for lb in labels)} taken" in why
    )
    verdicts = {v.requirement_id: v for v in evaluate(values, "cn-classroom", reasons=reasons)}
    assert verdicts["gb55016.colour-consistency"].status == "not-measured"


@pytest.mark.parametrize(("sdcm", "status"), [(5.0, "pass"), (5.01, "fail"), (2.0, "pass")])
def test_gb55016_colour_tolerance_is_judged(sdcm: float, status: str) -> None:
    """GB 55016-2021 §3.3.5: like products' colour tolerance ≤ 5 SDCM (5 complies), a shall in
    cn-classroom."""
    verdicts = {
        v.requirement_id: v
        for v in evaluate({**GOOD, "colour_consistency_sdcm": sdcm}, "cn-classroom")
    }
    verdict = verdicts["gb55016.colour-consistency"]
    assert verdict.status == status and verdict.obligation == "shall"
    assert verdict.clause.startswith("3.3.5")


@pytest.mark.parametrize(
    ("count", "sample"),
    [(1, ("L1",)), (2, ("L1", "L2")), (3, ("L1", "L2", "L3")), (4, ("L1", "L2", "L4")),
     (9, ("L1", "L5", "L9")), (12, ("L1", "L6", "L12"))],
)  # fmt: skip
def test_the_session_samples_first_middle_and_last_luminaire(
    count: int, sample: tuple[str, ...]
) -> None:
    """luxcheck's sampling rule (GB 55016 gives none): all luminaires up to three, else the
    first, the middle and the last; asked for only under a profile that limits colour
    consistency."""
    room = make_classroom(luminaire_count=count, luminaire_rows=1, luminaire_columns=count)
    assert like_luminaire_sample(room) == sample
    assert colour_consistency_needed("cn-classroom")
    assert not colour_consistency_needed("en-12464-1-2021")
