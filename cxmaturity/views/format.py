"""The one formatter: how numbers, p-values and dates read everywhere (pages, CLI, report)."""

from __future__ import annotations

import datetime as dt
import math

MISSING = "–"


def number(value: float | None, digits: int = 2, signed: bool = False) -> str:
    """2.78; '+0.21' when signed; '–' for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def p_value(p: float | None) -> str:
    """p as people read it: '< 0.001' rather than a row of zeros; '–' when there is no test."""
    if p is None:
        return MISSING
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def day(value: dt.date) -> str:
    """'16 February 2026'."""
    return f"{value.day} {value:%B %Y}"


def short_day(value: dt.date) -> str:
    """'16 Feb 2026'."""
    return f"{value:%d %b %Y}"


def month(value: dt.date) -> str:
    """'Feb 2026'."""
    return f"{value:%b %Y}"


def month_long(value: dt.date) -> str:
    """'November 2025'."""
    return f"{value:%B %Y}"


def assessment_label(date: dt.date, label: str | None) -> str:
    """How an assessment is named in pickers: '16 Feb 2026 · Wave 3'."""
    return f"{short_day(date)} · {label}" if label else short_day(date)
