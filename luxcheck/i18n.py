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

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "SOURCE_LANGUAGE",
    "authored",
    "gettext_for",
    "language_tag",
    "shows_source_text",
    "translations",
]

#: The languages of the reports and the command line → their catalog folders.
LANGUAGES: dict[str, str] = {"zh": "zh_CN", "en": "en"}
#: The gettext domain of every catalog.
DOMAIN = "luxcheck"
#: The language the msgids are written in, and the drivers' and the model's own words (a
#: device's protocol detail, why a value was refused), which no catalog translates.
SOURCE_LANGUAGE = "en"


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


def shows_source_text(lang: str) -> bool:
    """Whether a text that is not translated (a driver's protocol detail, the model's reason for
    refusing a value: written in :data:`SOURCE_LANGUAGE`) can be shown to a reader of ``lang``
    without mixing languages in one message. Elsewhere it is shown only on request
    (``--verbose``)."""
    return lang == SOURCE_LANGUAGE


def language_tag(lang: str) -> str:
    """The BCP 47 tag of ``lang`` (an HTML page's ``lang`` attribute): ``zh-CN``, ``en``."""
    return LANGUAGES[lang].replace("_", "-")


def authored(lang: str, zh: str, en: str) -> str:
    """Text that is data, written in both languages by its author, not a message: a standard's
    own Chinese title and clause in its pack (``title_zh``, ``clause_zh``), the laboratory's
    Chinese name and its English one in the lab profile. The reader's language's text, or the
    other one when the author gave none in that language."""
    first, other = (zh, en) if lang == "zh" else (en, zh)
    return first or other
