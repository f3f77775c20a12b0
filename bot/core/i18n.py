"""gettext catalogs (domain `chihoi`) chosen per turn; Vietnamese first."""

from __future__ import annotations

import datetime as dt
import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.dates import format_date as _babel_format_date
from babel.numbers import format_decimal, format_percent

from bot.domain.calendar import HalfYear, Quarter

LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"
DOMAIN = "chihoi"
LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"

_current: ContextVar[str] = ContextVar("chihoi_locale", default=DEFAULT_LANGUAGE)


@cache
def translations(lang: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, LOCALES_DIR, languages=[lang], fallback=True)


def switch_language(lang: str) -> None:
    """From here to the end of the enclosing `language()` block (the turn), speak `lang`.

    For the language setting itself: its confirmation and the menu after it are in the
    language just chosen; the engine's block restores the previous one when the turn ends.
    """
    _current.set(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)


@contextmanager
def language(lang: str) -> Iterator[None]:
    """Translate everything inside this block into `lang` (one turn, one message)."""
    token = _current.set(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _current.reset(token)


def current_language() -> str:
    """The language of the current turn (for files built in it, e.g. a Word template)."""
    return _current.get()


def _(msgid: str) -> str:
    """Translate now, into the language of the current turn."""
    return translations(_current.get()).gettext(msgid)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(_current.get()).ngettext(singular, plural, n)


class Msg(str):
    """A msgid marked at import time and translated when shown (see `N_`)."""

    __slots__ = ()

    def __str__(self) -> str:
        return _(str.__str__(self))


def N_(msgid: str) -> Msg:
    return Msg(msgid)


def tr(text: str) -> str:
    """Translate a deferred `Msg`; leave already-translated text alone."""
    return _(str.__str__(text)) if isinstance(text, Msg) else text


# Babel locales for formatting: English as used in Vietnam writes day before month (en_GB),
# never the US 11/22/26 that a reader here would take for the 11th of the 22nd month.
FORMAT_LOCALES = {"vi": "vi", "en": "en_GB"}


def format_date(day: dt.date, fmt: str = "short") -> str:
    """ "05/03/2026" in both languages; "medium"/"long" give "5 thg 3, 2026" / "5 Mar 2026"."""
    if fmt == "short":
        return day.strftime("%d/%m/%Y")
    return _babel_format_date(day, format=fmt, locale=FORMAT_LOCALES[_current.get()])


def format_number(n: int | float) -> str:
    return format_decimal(n, locale=FORMAT_LOCALES[_current.get()])


def format_pct(ratio: float) -> str:
    return format_percent(ratio, format="#,##0.#%", locale=FORMAT_LOCALES[_current.get()])


def period_label(period: Quarter | HalfYear) -> str:
    """A period in the turn's language, e.g. "Quý 1/2026", "6 tháng đầu năm 2026"."""
    if isinstance(period, Quarter):
        return _("Q{number}/{year}").format(number=period.number, year=period.year)
    if period.number == 1:
        return _("first half of {year}").format(year=period.year)
    return _("second half of {year}").format(year=period.year)
