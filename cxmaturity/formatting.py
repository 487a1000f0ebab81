"""The one formatter: how numbers, p-values and dates read everywhere (pages, charts, benchmark
sentences, CLI, report), in the current interface language (cxmaturity.i18n): Babel's decimal and percent symbols for the locale,
Persian digits and Solar Hijri dates (jdatetime) in Persian with the Gregorian date beside them in
the long form. English output is exactly what it was before the languages came."""

from __future__ import annotations

import datetime as dt
import math

from cxmaturity import i18n, rules
from cxmaturity.i18n import _

MISSING = "–"
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def digits(text: object) -> str:
    """Digits as the language writes them: Persian digits in Persian, unchanged elsewhere."""
    value = str(text)
    return value.translate(PERSIAN_DIGITS) if i18n.current() == "fa" else value


def number(
    value: float | None, digits_after: int = 2, signed: bool = False, digits: int | None = None
) -> str:
    """2.78 ('2,78' in Turkish and Russian, '۲٫۷۸' in Persian); '+0.21' when signed; '–' when missing."""
    if digits is not None:
        digits_after = digits
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    lang = i18n.current()
    if lang == i18n.SOURCE_LANGUAGE:
        return f"{value:+.{digits_after}f}" if signed else f"{value:.{digits_after}f}"
    pattern = "0." + "0" * digits_after if digits_after else "0"
    if signed:
        pattern = f"+{pattern};-{pattern}"
    from babel.numbers import (
        format_decimal,  # Babel's locale data: only languages other than English load it
    )

    text = format_decimal(
        value, format=pattern, locale=i18n.babel_locale(lang), numbering_system="default"
    )
    return _digits_for(lang, text)


def integer(value: int | None) -> str:
    """A count: 1,234 / 1.234 / ۱٬۲۳۴."""
    if value is None:
        return MISSING
    lang = i18n.current()
    if lang == i18n.SOURCE_LANGUAGE:
        return str(value)
    from babel.numbers import format_decimal  # only languages other than English load Babel

    return _digits_for(
        lang, format_decimal(value, locale=i18n.babel_locale(lang), numbering_system="default")
    )


def grouped(value: int) -> str:
    """A count with its thousands grouped in every language: 120,000 / 120.000 / ۱۲۰٬۰۰۰ (limits and
    sizes in messages, where English has always grouped them)."""
    if i18n.current() == i18n.SOURCE_LANGUAGE:
        return f"{value:,}"
    return integer(value)


def percent(share: float | None, digits_after: int = 0, compact: bool = False) -> str:
    """0.1 -> '10%' ('%10' in Turkish, '10 %' in Russian, '۱۰٪' in Persian). ``compact``: as many
    decimals as the value needs and no float noise (0.045 -> '4.5%', 0.04 + 0.01 -> '5%')."""
    if share is None:
        return MISSING
    lang = i18n.current()
    if compact:
        plain = f"{round(share * 100, 6):g}"
        if lang == i18n.SOURCE_LANGUAGE:
            return f"{plain}%"
        digits_after = len(plain.split(".", 1)[1]) if "." in plain and "e" not in plain else 0
        share = round(share, 8)
    if lang == i18n.SOURCE_LANGUAGE:
        return f"{share * 100:.{digits_after}f}%"
    from babel import Locale  # only languages other than English load Babel
    from babel.numbers import format_percent

    locale = Locale.parse(i18n.babel_locale(lang))
    pattern = locale.percent_formats[None].pattern  # where the sign goes: '%10', '10 %', '10%'
    if digits_after:
        pattern = pattern.replace("0", "0." + "0" * digits_after, 1)
    return _digits_for(
        lang, format_percent(share, format=pattern, locale=locale, numbering_system="default")
    )


def p_value(p: float | None) -> str:
    """p as people read it: '< 0.001' rather than a row of zeros; '–' when there is no test."""
    if p is None:
        return MISSING
    return f"< {number(0.001, 3)}" if p < 0.001 else number(p, 3)


def _digits_for(lang: str, text: str) -> str:
    if lang == "fa":
        text = text.translate(PERSIAN_DIGITS).replace("%", "٪")
    return text


def _jalali(value: dt.date):
    import jdatetime  # Persian only: the other languages never load it

    return jdatetime.date.fromgregorian(date=value, locale="fa_IR")


def _babel(value: dt.date, pattern: str) -> str:
    # Babel's locale data costs ~40 ms of import; English (every command-line run) never needs it
    from babel.dates import format_date

    return format_date(value, pattern, locale=i18n.babel_locale())


def day(value: dt.date) -> str:
    """'16 February 2026'; Persian: '۲۷ بهمن ۱۴۰۴ (۱۶ فوریه ۲۰۲۶)' (Solar Hijri, then Gregorian)."""
    lang = i18n.current()
    if lang == i18n.SOURCE_LANGUAGE:
        return f"{value.day} {value:%B %Y}"
    if lang == "fa":
        return digits(f"{_jalali(value).strftime('%-d %B %Y')} ({_babel(value, 'd MMMM y')})")
    return _babel(value, "d MMMM y")


def short_day(value: dt.date) -> str:
    """'16 Feb 2026'; Persian: '۲۷ بهمن ۱۴۰۴' (the Gregorian date is in the long form)."""
    lang = i18n.current()
    if lang == i18n.SOURCE_LANGUAGE:
        return f"{value:%d %b %Y}"
    if lang == "fa":
        return digits(_jalali(value).strftime("%-d %B %Y"))
    return _babel(value, "d MMM y")


def month(value: dt.date) -> str:
    """'Feb 2026'."""
    lang = i18n.current()
    if lang == i18n.SOURCE_LANGUAGE:
        return f"{value:%b %Y}"
    if lang == "fa":
        return digits(_jalali(value).strftime("%B %Y"))
    return _babel(value, "LLL y")


def month_long(value: dt.date) -> str:
    """'November 2025', as it reads inside a sentence ('since November 2025'): Russian takes the
    genitive there ('с ноября 2025'), which is Babel's format form (MMMM), not the standalone (LLLL)."""
    lang = i18n.current()
    if lang == i18n.SOURCE_LANGUAGE:
        return f"{value:%B %Y}"
    if lang == "fa":
        return digits(_jalali(value).strftime("%B %Y"))
    return _babel(value, "MMMM y")


def sep() -> str:
    """The separator between parts of a line: ' · ', and ' | ' in Persian, where a middle dot
    reads as the digit zero (۰)."""
    return " | " if i18n.current() == "fa" else " · "


def assessment_label(date: dt.date, label: str | None) -> str:
    """How an assessment is named in pickers: '16 Feb 2026 · Wave 3'."""
    return f"{short_day(date)}{sep()}{label}" if label else short_day(date)


def and_list(names: list[str]) -> str:
    """'Metrics, Processes and Governance' in the language's own list style."""
    if not names:
        return ""
    if i18n.current() == i18n.SOURCE_LANGUAGE:
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    from babel.lists import format_list  # only languages other than English load Babel

    return format_list([str(n) for n in names], locale=i18n.babel_locale())


def verdict(value: str | None) -> str:
    """Rule 9's verdict (a machine value in rules) in words of the current language."""
    words = {
        rules.IMPROVED: _("improved"),
        rules.DECLINED: _("declined"),
        rules.NO_CLEAR_CHANGE: _("no clear change"),
    }
    return words.get(value, value or MISSING)
