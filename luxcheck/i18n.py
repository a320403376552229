"""One translation mechanism for everything a person reads: the gettext catalogs.

Text is written in English as a message id, marked for extraction (``_n`` from
:mod:`luxcheck.messages`, ``_`` in templates) and translated at the moment it is shown, in the
reader's language, through the catalogs under ``reports/locale`` (``scripts/update_catalogs.py``
extracts, merges and compiles them). The reports, the guided session, the compliance engine's
sentences and the command line all translate here.
"""

from __future__ import annotations

import gettext as gettext_module
from functools import cache

from luxcheck.errors import InputError
from luxcheck.messages import Translate
from luxcheck.resources import reports_dir

__all__ = ["DOMAIN", "LANGUAGES", "gettext_for", "translations"]

#: The languages of the reports and the command line → their catalog folders.
LANGUAGES: dict[str, str] = {"zh": "zh_CN", "en": "en"}
#: The gettext domain of every catalog.
DOMAIN = "luxcheck"


@cache
def translations(lang: str) -> gettext_module.GNUTranslations:
    """The compiled gettext catalog of ``lang`` ('zh' or 'en')."""
    if lang not in LANGUAGES:
        raise InputError(
            f"language {lang!r}: expected one of {', '.join(LANGUAGES)}", source="argument --lang"
        )
    path = reports_dir() / "locale" / LANGUAGES[lang] / "LC_MESSAGES" / f"{DOMAIN}.mo"
    with path.open("rb") as handle:
        return gettext_module.GNUTranslations(handle)


def gettext_for(lang: str) -> Translate:
    """The gettext function of ``lang``: msgid → text in that language."""
    return translations(lang).gettext
