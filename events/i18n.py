"""Languages: which ones exist, which one a request gets, translated strings and the fallback for content.

The interface strings live in gettext catalogues (``events/locale/<code>/LC_MESSAGES/messages.po``), compiled
in memory at start-up so a catalogue can never be stale. Content (event titles, city names) is stored per
language and read through ``pick``, the single fallback rule of the platform.
"""

from __future__ import annotations

import gettext
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TypeVar

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from events.paths import LOCALE_DIR


@dataclass(frozen=True)
class Language:
    code: str  # what URLs, cookies, the API and the database use
    html_lang: str  # BCP 47 tag for <html lang> and lang attributes
    babel_locale: str  # the locale Babel formats dates with
    name: str  # the language's own name, as the switcher shows it


LANGUAGES: dict[str, Language] = {
    "nl": Language("nl", "nl", "nl_NL", "Nederlands"),
    # British English: a 24-hour clock and day-month order, as both offices write dates.
    "en": Language("en", "en", "en_GB", "English"),
    "zh": Language("zh", "zh-Hans", "zh_Hans_CN", "中文"),
}
LANGUAGE_CODES = tuple(LANGUAGES)
# Content missing in the asked language is shown in English, then in the other languages in this order.
FALLBACK_ORDER = ("en", "nl", "zh")


def fallback_chain(language: str) -> tuple[str, ...]:
    """The order in which content languages are tried for a reader of ``language``."""
    return (language, *(code for code in FALLBACK_ORDER if code != language))


T = TypeVar("T")


def pick(values: Mapping[str, T], language: str) -> tuple[str, T] | None:
    """The best available value for a reader of ``language``, and the language it is in."""
    for code in fallback_chain(language):
        value = values.get(code)
        if value:
            return code, value
    for code, value in values.items():
        if value:
            return code, value
    return None


def pick_text(values: Mapping[str, str] | None, language: str) -> str:
    chosen = pick(values or {}, language)
    return chosen[1] if chosen else ""


def negotiate(accept_language: str | None) -> str | None:
    """The first language of an ``Accept-Language`` header that the platform speaks, honouring q-values."""
    if not accept_language:
        return None
    weighted = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and quality > 0:
            weighted.append((-quality, position, tag.strip().lower()))
    for _, _, tag in sorted(weighted):
        code = tag.split("-")[0]
        if code in LANGUAGES:
            return code
    return None


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled gettext catalogue of one language."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def gettext_for(language: str, message: str, **variables: object) -> str:
    text = translations(language).gettext(message)
    return text % variables if variables else text


def ngettext_for(language: str, singular: str, plural: str, count: int, **variables: object) -> str:
    text = translations(language).ngettext(singular, plural, count)
    return text % {"num": count, **variables}


@cache
def babel_locale(language: str) -> Locale:
    return Locale.parse(LANGUAGES[language].babel_locale)


def language_names(codes: Iterable[str] = LANGUAGE_CODES) -> dict[str, str]:
    return {code: LANGUAGES[code].name for code in codes}


def N_(message: str) -> str:
    """Mark a string for translation where it is defined; it is translated where it is shown."""
    return message
