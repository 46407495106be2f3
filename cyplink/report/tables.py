"""Tables of the report: cells for every value, with suppression shown as a symbol.

Every number goes through `formatting.value_cell` / `count_cell`, which print the
status symbol (c, z, x) instead of a number for any row that is not published.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from cyplink.report.data import PUBLISHED, Area, ReportData
from cyplink.report.formatting import (
    SYMBOLS,
    Cell,
    count_cell,
    interval_text,
    period_label,
    value_cell,
)
from cyplink.report.indicators import IndicatorMeta

QUALITY_ROW_LIMIT = 60

Record = dict[str, Any]
MISSING = Cell("x", "symbol", SYMBOLS["missing"][1])


def hidden_caption(rows: list[Record], *, by_year: bool) -> str:
    """`Not shown: Westminster 2016-17 (c), ...` for rows that are not published."""
    parts = []
    for row in rows:
        if row["status"] == PUBLISHED:
            continue
        symbol = SYMBOLS.get(str(row["status"]), SYMBOLS["missing"])[0]
        where = str(row["area_name"])
        if by_year:
            where += f" {period_label(int(row['period']))}"
        parts.append(f"{where} ({symbol})")
    return "Not shown: " + ", ".join(parts) + "." if parts else ""


def by_area(rows: list[Record]) -> dict[str, Record]:
    return {r["area_code"]: r for r in rows}


def indicator_years(
    data: ReportData, area: Area, ids: list[str]
) -> tuple[list[int], list[tuple[IndicatorMeta, list[Cell]]]]:
    """Values of one LA: a row per indicator, a column per year."""
    periods = data.periods
    out = []
    for ident in ids:
        meta = data.meta(ident)
        own = {r["period"]: r for r in data.records(ident) if r["area_code"] == area.code}
        cells = [
            value_cell(own[p]["status"], own[p]["value"], meta, compact=True)
            if p in own
            else MISSING
            for p in periods
        ]
        out.append((meta, cells))
    return periods, out


def latest_detail(data: ReportData, area: Area, ids: list[str], period: int) -> list[dict]:
    """Latest year of one LA with numerator, denominator, value and interval."""
    out = []
    for ident in ids:
        meta = data.meta(ident)
        row = by_area(data.records(ident, period)).get(area.code)
        if row is None:
            out.append({"meta": meta, "num": MISSING, "den": MISSING, "value": MISSING, "ci": ""})
            continue
        status = str(row["status"])
        published = status == PUBLISHED
        out.append(
            {
                "meta": meta,
                "num": count_cell(status, row["numerator"]),
                "den": count_cell(status, row["denominator"]),
                "value": value_cell(status, row["value"], meta),
                "ci": interval_text(row["lower_ci"], row["upper_ci"], meta) if published else "",
            }
        )
    return out


def summary_table(data: ReportData, ids: list[str], period: int) -> list[dict]:
    """The whole-area table: a row per LA, a column per indicator, latest year."""
    by_id = {ident: by_area(data.records(ident, period)) for ident in ids}
    out = []
    for area in data.areas:
        cells = []
        for ident in ids:
            row = by_id[ident].get(area.code)
            cells.append(
                value_cell(row["status"], row["value"], data.meta(ident), compact=True)
                if row
                else MISSING
            )
        out.append({"area": area, "cells": cells})
    return out


BREAKDOWN_ORDER = {
    "sex": ("male", "female", "unknown"),
    "age_group": ("under_1", "1_to_4", "5_to_9", "10_to_15", "16_and_over", "unknown"),
}


def _label(code: str) -> str:
    """`16_and_over` -> `16 and over`, `age_group` -> `Age group`."""
    text = code.replace("_", " ")
    return text[:1].upper() + text[1:]


def breakdown_tables(data: ReportData, area: Area, ids: list[str], period: int) -> list[dict]:
    """Latest year by sex, age group, ...: a table per breakdown, a row per indicator."""
    frame = data.indicators
    rows = frame[
        (frame["area_code"] == area.code)
        & (frame["period"] == period)
        & (frame["breakdown"] != "all")
    ]
    if rows.empty:
        return []
    records = rows.astype(object).where(rows.notna(), None).to_dict("records")
    tables = []
    for breakdown in sorted({r["breakdown"] for r in records}, key=lambda b: (b != "sex", b)):
        mine = [r for r in records if r["breakdown"] == breakdown]
        present = {r["breakdown_value"] for r in mine}
        known = BREAKDOWN_ORDER.get(breakdown, ())
        values = [v for v in known if v in present] + sorted(present - set(known))
        cells = {(r["indicator_id"], r["breakdown_value"]): r for r in mine}
        table_rows = []
        for ident in ids:
            if not any((ident, v) in cells for v in values):
                continue
            meta = data.meta(ident)
            table_rows.append(
                (
                    meta,
                    [
                        value_cell(
                            cells[(ident, v)]["status"],
                            cells[(ident, v)]["value"],
                            meta,
                            compact=True,
                        )
                        if (ident, v) in cells
                        else MISSING
                        for v in values
                    ],
                )
            )
        tables.append(
            {"name": _label(breakdown), "values": [_label(v) for v in values], "rows": table_rows}
        )
    return tables


def _quality_cell(value: object, column: str, status: str) -> Cell:
    if column == "status":
        return Cell(str(value), "text")
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    if status != PUBLISHED and (numeric or value is None or value is pd.NA):
        return Cell(SYMBOLS.get(status, SYMBOLS["missing"])[0], "symbol")
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return Cell("x", "symbol", SYMBOLS["missing"][1])
    if numeric:
        number = float(value)  # type: ignore[arg-type]
        if number.is_integer() and not column.endswith(("pct", "percent", "rate", "ratio")):
            return Cell(f"{number:,.0f}")
        return Cell(f"{number:,.1f}" if abs(number) >= 1 else f"{number:.3f}")
    return Cell(str(value), "text")


# publication.linkage_quality_summary: when few records are unlinked the exact rate is
# withheld and a lower bound published (models/docs/disclosure.md, "Linkage quality").
RATE_BOUND = "link_rate_at_least_pct"
WITHHELD = Cell("c", "symbol", "withheld: fewer than 10 records are unlinked (see the lower bound)")
BOUND_NOTE = (
    "≥ n: at least n% of records link to a health record. Fewer than 10 records are "
    "unlinked, so the linked count and exact rate are withheld (c) to protect confidentiality."
)


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def _quality_row(record: Record, columns: list[str]) -> tuple[list[Cell], bool]:
    """Cells of one linkage quality row, and whether it shows a lower bound."""
    status = str(record.get("status", PUBLISHED) or PUBLISHED).strip().lower()
    bound = record.get(RATE_BOUND)
    bounded = (
        status == PUBLISHED and not _missing(bound) and _missing(record.get("link_rate_pct", bound))
    )
    cells = []
    for column in columns:
        if bounded and column == "link_rate_pct":
            cells.append(Cell(f"≥ {float(bound):.0f}", "num", BOUND_NOTE))  # type: ignore[arg-type]
        elif bounded and _missing(record[column]):
            cells.append(WITHHELD)
        else:
            cells.append(_quality_cell(record[column], column, status))
    return cells, bounded


def quality_tables(data: ReportData, area: Area | None) -> list[dict[str, Any]]:
    """Linkage quality tables as header + formatted rows (an LA's own rows on its page)."""
    tables = []
    for name, frame in data.linkage_quality.items():
        shown = frame
        if area is not None and "area_code" in frame.columns:
            shown = frame[frame["area_code"].astype(str) == area.code]
        # Stable, readable order whatever order the warehouse returns rows in.
        order = [c for c in ("area_name", "area_code", "source_system") if c in shown.columns]
        if order:
            shown = shown.sort_values(order, kind="stable")
        shown = shown.head(QUALITY_ROW_LIMIT)
        columns = [c for c in shown.columns if c not in ("area_code", RATE_BOUND)]
        numeric = [pd.api.types.is_numeric_dtype(shown[c]) for c in columns]
        rows = []
        any_bounded = False
        for record in shown.to_dict("records"):
            cells, bounded = _quality_row(record, columns)
            rows.append(cells)
            any_bounded = any_bounded or bounded
        tables.append(
            {
                "name": name,
                "columns": [
                    (c.replace("_", " "), "num" if n else "text")
                    for c, n in zip(columns, numeric, strict=True)
                ],
                "rows": rows,
                "truncated": len(frame) > QUALITY_ROW_LIMIT and area is None,
                "note": BOUND_NOTE if any_bounded else "",
            }
        )
    return tables
