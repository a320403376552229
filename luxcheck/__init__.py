"""luxcheck: classroom-lighting acceptance testing, from meter to verdict to report.

Inspectors take readings with serial meters (``luxcheck.drivers``), the readings are journalled
into a campaign store (:mod:`luxcheck.journal.store`), numpy kernels compute the metrics
(:mod:`luxcheck.kernels.colorimetry`, :mod:`luxcheck.kernels.flicker`,
:mod:`luxcheck.kernels.grids`,
:mod:`luxcheck.kernels.glare`), the standards packs (``standards/*.toml``) judge them
(:mod:`luxcheck.compliance.engine`) and reports are rendered from templates (``reports/``).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("luxcheck")
except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0+unknown"

__all__ = ["__version__"]
