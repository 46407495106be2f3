"""Numbers and symbols as the report prints them.

Symbols follow the DfE official statistics convention: `c` = suppressed to protect
confidentiality, `z` = not applicable, `x` = not available. The status decides first:
a row that is not `published` prints its symbol and never a number, whatever the
numeric columns hold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from cyplink.report.indicators import IndicatorMeta

SYMBOLS: dict[str, tuple[str, str]] = {
    "suppressed": ("c", "suppressed to protect confidentiality (a count below the threshold)"),
    "not applicable": ("z", "not applicable"),
    "missing": ("x", "not available"),
}


@dataclass(frozen=True)
class Cell:
    """A formatted table cell: its text, a CSS class and a tooltip."""

    text: str
    css: str = "num"
    title: str = ""


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return bool(math.isnan(float(value)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def status_symbol(status: str | None) -> Cell | None:
    """The symbol cell for a non-published status, None for published."""
    key = (status or "").strip().lower()
    if key == "published":
        return None
    code, meaning = SYMBOLS.get(key, SYMBOLS["missing"])
    return Cell(code, "symbol", meaning)


def format_number(value: float, meta: IndicatorMeta) -> str:
    """A published value with its unit: `12.3%`, `41 per 10,000`, `1,234`, `14.2`."""
    if meta.kind == "proportion":
        return f"{value:.1f}%"
    if meta.kind == "rate":
        per = f"{meta.multiplier:,.0f}"
        digits = 0 if abs(value) >= 100 or meta.multiplier >= 10_000 else 1
        return f"{value:,.{digits}f} per {per}"
    if meta.kind == "mean":
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def format_plain(value: float, meta: IndicatorMeta) -> str:
    """A published value without its unit (for tables that state the unit once)."""
    if meta.kind == "count":
        return f"{value:,.0f}"
    if meta.kind == "rate" and (abs(value) >= 100 or meta.multiplier >= 10_000):
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def unit_label(meta: IndicatorMeta) -> str:
    """The unit as a table states it: `%`, `per 1,000`, `mean`, `number`."""
    if meta.kind == "proportion":
        return "%"
    if meta.kind == "rate":
        return f"per {meta.multiplier:,.0f}"
    if meta.kind == "mean":
        return "mean"
    return "number"


def format_count(value: object) -> str:
    """A whole count with thousands separators (`x` if missing)."""
    return "x" if _missing(value) else f"{float(value):,.0f}"  # type: ignore[arg-type]


def value_cell(
    status: str | None, value: object, meta: IndicatorMeta, *, compact: bool = False
) -> Cell:
    """The cell for an indicator value: symbol unless published, `x` if missing.

    `compact` leaves the unit out (the table states it once per row).
    """
    symbol = status_symbol(status)
    if symbol is not None:
        return symbol
    if _missing(value):
        code, meaning = SYMBOLS["missing"]
        return Cell(code, "symbol", meaning)
    number = float(value)  # type: ignore[arg-type]
    return Cell(format_plain(number, meta) if compact else format_number(number, meta))


def count_cell(status: str | None, value: object) -> Cell:
    """The cell for a numerator or denominator, with the same status rule."""
    symbol = status_symbol(status)
    if symbol is not None:
        return symbol
    if _missing(value):
        code, meaning = SYMBOLS["missing"]
        return Cell(code, "symbol", meaning)
    return Cell(format_count(value))


def interval_text(lower: object, upper: object, meta: IndicatorMeta) -> str:
    """`95% CI 9.1% to 14.0%`, or empty when either end is missing."""
    if _missing(lower) or _missing(upper):
        return ""
    low = format_number(float(lower), meta)  # type: ignore[arg-type]
    high = format_number(float(upper), meta)  # type: ignore[arg-type]
    return f"95% CI {low} to {high}"


def period_label(period: int) -> str:
    """`2025` -> `2024-25` (the collection year ending 31 March 2025)."""
    return f"{period - 1}-{str(period)[-2:]}"


def period_long(period: int) -> str:
    """`2025` -> `the year to 31 March 2025`."""
    return f"the year to 31 March {period}"
