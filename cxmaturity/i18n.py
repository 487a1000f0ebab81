"""The interface language: which one is in use, its gettext catalog, its direction and digits.

The language of the current page, report or command is a context variable, set once per
Streamlit run (ui.use_language), per report (report.board_report) or per command (--lang), and
read by every layer below: views write their sentences with ``_()``, the formatter writes digits
and dates for it. English is the source language of the catalogs (msgids); Persian, Turkish and
Russian translations live in ``cxmaturity/locale/<lang>/LC_MESSAGES/messages.po``, managed with
Babel (README: extract, update, compile). A compiled ``.mo`` is used when it is newer than its
``.po``; otherwise the ``.po`` is compiled in memory, so a fresh checkout works without a step.
"""

from __future__ import annotations

import contextvars
import gettext as _gettext
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"

SOURCE_LANGUAGE = "en"
# code -> the language's own name (what the language picker shows)
LANGUAGES: dict[str, str] = {"en": "English", "fa": "فارسی", "tr": "Türkçe", "ru": "Русский"}
RIGHT_TO_LEFT = frozenset({"fa"})
# Babel locale of each language (region where the calendar or digits depend on it)
BABEL_LOCALES = {"en": "en_GB", "fa": "fa_IR", "tr": "tr_TR", "ru": "ru_RU"}

_language: contextvars.ContextVar[str] = contextvars.ContextVar(
    "cxmaturity_language", default=SOURCE_LANGUAGE
)
_catalogs: dict[str, _gettext.NullTranslations] = {}
_catalogs_lock = threading.Lock()


def supported(code: str | None) -> str | None:
    """'fa', 'fa-IR', 'fa_IR', 'FA' -> 'fa'; an unsupported or empty code -> None."""
    if not code:
        return None
    base = str(code).replace("_", "-").split("-")[0].strip().lower()
    return base if base in LANGUAGES else None


def current() -> str:
    return _language.get()


def set_language(code: str | None) -> str:
    """Use this language from now on in this thread/context; unknown codes fall back to English."""
    lang = supported(code) or SOURCE_LANGUAGE
    _language.set(lang)
    return lang


@contextmanager
def language(code: str | None) -> Iterator[str]:
    """Use a language for a block (a report, a test) and restore the previous one after."""
    token = _language.set(supported(code) or SOURCE_LANGUAGE)
    try:
        yield _language.get()
    finally:
        _language.reset(token)


def is_rtl(code: str | None = None) -> bool:
    return (code or current()) in RIGHT_TO_LEFT


def direction(code: str | None = None) -> str:
    return "rtl" if is_rtl(code) else "ltr"


def babel_locale(code: str | None = None) -> str:
    return BABEL_LOCALES[code or current()]


def catalog(code: str) -> _gettext.NullTranslations:
    """The translations of one language (NullTranslations for English)."""
    with _catalogs_lock:
        if code not in _catalogs:
            _catalogs[code] = _load(code)
        return _catalogs[code]


def reload_catalogs() -> None:
    """Forget loaded catalogs (after the .po files change: tests, a long-running server)."""
    with _catalogs_lock:
        _catalogs.clear()


def _load(code: str) -> _gettext.NullTranslations:
    if code == SOURCE_LANGUAGE:
        return _gettext.NullTranslations()
    folder = LOCALE_DIR / code / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as fh:
            return _gettext.GNUTranslations(fh)
    if not po.exists():
        return _gettext.NullTranslations()
    # compile in memory: a fresh checkout has only the .po files (Babel is a run-time dependency)
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        messages = read_po(fh, locale=code)
    buffer = io.BytesIO()
    write_mo(buffer, messages, use_fuzzy=False)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def _(message: str) -> str:
    """The message in the current language (the English msgid when it has no translation)."""
    lang = _language.get()
    if lang == SOURCE_LANGUAGE or not message:
        return message
    return catalog(lang).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The plural form the current language's catalog picks for n (Russian has three)."""
    lang = _language.get()
    if lang == SOURCE_LANGUAGE:
        return singular if n == 1 else plural
    return catalog(lang).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a constant for extraction; translate it where it is shown, with ``_(value)``."""
    return message


gettext = _

# --- mixed-direction text -------------------------------------------------------------------

FSI, PDI = "\u2068", "\u2069"  # first-strong isolate ... pop directional isolate
LRI = "\u2066"  # left-to-right isolate


def isolate(text: object) -> str:
    """Text set inside a sentence of the other direction (an organisation's Latin name in a Persian
    sentence, a number with its sign), isolated so brackets and digits stay in place. Only in a
    right-to-left language: elsewhere the text is returned as it is."""
    value = str(text)
    if not is_rtl() or not value:
        return value
    return f"{FSI}{value}{PDI}"


def isolate_ltr(text: object) -> str:
    """A left-to-right run (a formula, '2.6 → 2.7', an e-mail) kept left to right in Persian."""
    value = str(text)
    if not is_rtl() or not value:
        return value
    return f"{LRI}{value}{PDI}"
