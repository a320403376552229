"""The Jinja2 templates: the environment of a language and the fingerprint of everything a
rendered page depends on."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from luxcheck import __version__
from luxcheck.compliance import items
from luxcheck.report.figures import FIGURE_STYLE_VERSION
from luxcheck.report.format import translations
from luxcheck.resources import reports_dir

if TYPE_CHECKING:  # jinja2 is imported where a page is rendered (start-up time of the CLI)
    import jinja2


#: What ``getattr`` finds on a dict (its methods and the object's attributes): a template's
#: ``row.items`` is the method, as Jinja2 reads it; any other name is the dict's key.
_DICT_ATTRIBUTES = frozenset(dir(dict))


@cache
def _environment_class() -> type[jinja2.Environment]:
    import jinja2

    class ReportEnvironment(jinja2.Environment):
        """Jinja2 reading ``view.key`` of the views' dicts without raising and catching an
        AttributeError first (what ``Environment.getattr`` does for a dict key: some thousand
        times a page); the same value or undefined, in the same cases."""

        def getattr(self, obj: Any, attribute: str) -> Any:
            if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
                try:
                    return obj[attribute]
                except KeyError:
                    return self.undefined(obj=obj, name=attribute)
            return super().getattr(obj, attribute)

    return ReportEnvironment


@cache
def environment(lang: str) -> jinja2.Environment:
    """The Jinja2 environment of ``lang``: autoescape, StrictUndefined, gettext installed."""
    import jinja2

    env = _environment_class()(
        loader=jinja2.FileSystemLoader(str(reports_dir() / "templates")),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env


@cache
def templates_fingerprint() -> str:
    """Hash of the templates, static files, catalogs and the rendering code (with the
    single-item rule of :mod:`luxcheck.compliance.items`): part of every
    content key, so a change to any of them re-renders (no stale report survives)."""
    h = hashlib.sha256(__version__.encode() + FIGURE_STYLE_VERSION.encode())
    here = Path(__file__).resolve().parent
    # every module of the report stage, and the grouping of verdicts into the rows it prints
    for module in (*sorted(here.glob("*.py")), Path(items.__file__).resolve()):
        h.update(module.name.encode())
        h.update(module.read_bytes())
    root = reports_dir()
    for sub in ("templates", "static", "locale"):
        for path in sorted((root / sub).rglob("*")):
            if path.is_file():
                h.update(str(path.relative_to(root)).encode())
                h.update(path.read_bytes())
    return h.hexdigest()
