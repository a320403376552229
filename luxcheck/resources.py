"""Where the shipped data lives: standards packs, report templates, CIE tables.

In a checkout the data sits in the top-level ``standards/`` and ``reports/`` folders; in a
wheel the same folders are installed as the data-only packages ``luxcheck._packs`` and
``luxcheck._reports``. Both resolve through :mod:`importlib.resources`, so code never needs to
know which case it is in.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def _package_path(package: str) -> Path:
    traversable = resources.files(package)
    # Namespace packages give a MultiplexedPath; regular installs a pathlib.Path. Either way the
    # data is on the local file system (we never ship zipped), so a Path is well defined.
    return Path(str(traversable))


def standards_dir() -> Path:
    """Get the folder of the bundled standards packs (``standards/*.toml``)."""
    return _package_path("luxcheck._packs")


def reports_dir() -> Path:
    """Get the folder of the bundled report templates, styles, fonts and catalogs."""
    return _package_path("luxcheck._reports")


def data_dir() -> Path:
    """Get the folder of the bundled reference tables (CIE functions and samples)."""
    return _package_path("luxcheck.data")
