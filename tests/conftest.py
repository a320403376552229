"""Pytest hooks and fixtures: headless plotting, a hardware option, a small campaign store.

Builders that tests import live in :mod:`tests.support`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

from luxcheck.journal.store import CampaignStore
from luxcheck.model import Campaign, Instrument, MeasurementSession, School
from tests.support.builders import T0, make_classroom


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--meter-url",
        action="store",
        default=None,
        help="URL of a real meter (e.g. /dev/ttyUSB0) for the hardware tests",
    )
    parser.addoption(
        "--meter-model", action="store", default=None, help="model of the meter at --meter-url"
    )


@pytest.fixture
def meter_url(request: pytest.FixtureRequest) -> str:
    url = request.config.getoption("--meter-url")
    if not url:
        pytest.skip("hardware test: give --meter-url to run it against a real meter")
    return str(url)


@pytest.fixture
def store(tmp_path: Path) -> CampaignStore:
    """A campaign with one school, one classroom, one instrument and one session ``SE1``."""
    s = CampaignStore.create(tmp_path / "c.lux", Campaign("C1", "测试活动"))
    s.add_school(School("S01", "第一中学", "玄武区"))
    s.add_classroom(make_classroom())
    s.add_instrument(
        Instrument("T10A-1", "Konica Minolta T-10A", "20311045", dt.date(2026, 3, 1), 4.0)
    )
    s.add_session(MeasurementSession("SE1", "R101", "张工", T0, ("T10A-1",)))
    yield s
    s.close()
