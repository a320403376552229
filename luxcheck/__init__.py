"""luxcheck: classroom-lighting acceptance testing, from meter to verdict to report.

Inspectors take readings with serial meters (``luxcheck.drivers``), the readings are journalled
into a campaign store (:mod:`luxcheck.journal.store`), numpy kernels compute the metrics
(:mod:`luxcheck.kernels.colorimetry`, :mod:`luxcheck.kernels.flicker`,
:mod:`luxcheck.kernels.grids`,
:mod:`luxcheck.kernels.glare`), the standards packs (``standards/*.toml``) judge them
(:mod:`luxcheck.compliance.engine`) and reports are rendered from templates (``reports/``).
"""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    """``__version__``, read from the installed package's metadata on first use (PEP 562):
    importlib.metadata costs about 50 ms, which commands that never print the version (e.g.
    ``luxcheck meter read``) do not pay."""
    if name != "__version__":
        raise AttributeError(f"module 'luxcheck' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("luxcheck")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        found = "0+unknown"
    globals()["__version__"] = found
    return found
