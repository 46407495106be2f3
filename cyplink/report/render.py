"""Turn ReportData into static HTML pages: `index.html` for the whole area, one per LA.

Pages are rendered with Jinja2 templates (`templates/`), autoescaped. Each page carries
its chart specs as JSON and draws them with vega-embed from a script that is either
inlined into every page (default: any one page works on its own, e.g. when emailed) or
written once as `assets/vega-bundle.js` beside the pages. Neither needs a network.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd
from markupsafe import Markup

from cyplink.errors import CyplinkError
from cyplink.report import charts
from cyplink.report.data import PUBLISHED, Area, ReportData
from cyplink.report.formatting import (
    SYMBOLS,
    Cell,
    count_cell,
    interval_text,
    period_label,
    period_long,
    unit_label,
    value_cell,
)
from cyplink.report.indicators import IndicatorMeta, comparison_pairs, section_order
from cyplink.report.narrative import area_statements, area_summary, area_word

TEMPLATES = Path(__file__).parent / "templates"
BUNDLE_FILE = "assets/vega-bundle.js"
QUALITY_ROW_LIMIT = 60
# Figures on each LA's card on the index page.
CARD_IDS = {
    "cla_31mar_count": "Looked after on 31 March",
    "cla_mh_service_contact_pct": "In contact with mental health services",
}
# Statements repeated at the top of an LA page, in this order, when present.
BRIEF_IDS = (
    "cla_31mar_count",
    "cla_mh_service_contact_pct",
    "cla_emergency_admission_rate_per_1000",
)


@dataclass
class ChartSet:
    """Chart specs of one page, keyed by the id of the element that shows them."""

    specs: dict[str, charts.Spec] = field(default_factory=dict)

    def add(self, spec: charts.Spec | None, prefix: str) -> str | None:
        """Register a spec; returns its element id (None when there is no chart)."""
        if spec is None:
            return None
        chart_id = f"chart-{prefix}-{len(self.specs)}"
        self.specs[chart_id] = spec
        return chart_id

    def json(self) -> Markup:
        """The specs as JSON safe inside a <script> element."""
        text = json.dumps(self.specs, separators=(",", ":"), allow_nan=False)
        return Markup(text.replace("</", "<\\/"))


@dataclass(frozen=True)
class ChartCard:
    """A chart with its heading and a caption naming what it leaves out."""

    meta: IndicatorMeta
    chart_id: str | None
    caption: str = ""


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["period_label"] = period_label
    env.filters["period_long"] = period_long
    env.filters["unit"] = unit_label
    return env


Record = dict[str, Any]
MISSING = Cell("x", "symbol", SYMBOLS["missing"][1])


def _hidden_caption(rows: list[Record], *, by_year: bool) -> str:
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


def _by_area(rows: list[Record]) -> dict[str, Record]:
    return {r["area_code"]: r for r in rows}


def _table(
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


def _latest_detail(data: ReportData, area: Area, ids: list[str], period: int) -> list[dict]:
    """Latest year of one LA with numerator, denominator, value and interval."""
    out = []
    for ident in ids:
        meta = data.meta(ident)
        row = _by_area(data.records(ident, period)).get(area.code)
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


def _summary_table(data: ReportData, ids: list[str], period: int) -> list[dict]:
    """The whole-area table: a row per LA, a column per indicator, latest year."""
    by_id = {ident: _by_area(data.records(ident, period)) for ident in ids}
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


def _breakdown_tables(data: ReportData, area: Area, ids: list[str], period: int) -> list[dict]:
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


def _quality_tables(data: ReportData, area: Area | None) -> list[dict[str, Any]]:
    """Linkage quality tables as header + formatted rows (an LA's own rows on its page)."""
    tables = []
    for name, frame in data.linkage_quality.items():
        shown = frame
        if area is not None and "area_code" in frame.columns:
            shown = frame[frame["area_code"].astype(str) == area.code]
        shown = shown.head(QUALITY_ROW_LIMIT)
        columns = [c for c in shown.columns if c != "area_code"]
        numeric = [pd.api.types.is_numeric_dtype(shown[c]) for c in columns]
        rows = []
        for record in shown.to_dict("records"):
            status = str(record.get("status", PUBLISHED) or PUBLISHED).strip().lower()
            rows.append([_quality_cell(record[c], c, status) for c in columns])
        tables.append(
            {
                "name": name,
                "columns": [
                    (c.replace("_", " "), "num" if n else "text")
                    for c, n in zip(columns, numeric, strict=True)
                ],
                "rows": rows,
                "truncated": len(frame) > QUALITY_ROW_LIMIT and area is None,
            }
        )
    return tables


@dataclass
class PagePlan:
    """What every page shares: sections, latest year, pairs, and the whole-area charts."""

    sections: list[tuple[str, list[str]]]
    headline_ids: list[str]
    latest: int
    pairs: list[tuple[str, str]]
    word: str


def _plan(data: ReportData) -> PagePlan:
    ids = sorted(set(data.headline["indicator_id"].dropna()))
    return PagePlan(
        sections=section_order(ids),
        headline_ids=[i for _, group in section_order(ids) for i in group],
        latest=max(data.periods),
        pairs=comparison_pairs(ids),
        word=area_word(data.areas),
    )


def _rows(data: ReportData, ident: str, period: int | None = None) -> list[Record]:
    return data.records(ident, period)


class ChartTemplates:
    """Highlight chart specs built once per indicator, personalised per LA."""

    def __init__(self, data: ReportData, plan: PagePlan) -> None:
        self.trend: dict[str, charts.Spec | None] = {}
        self.compare: dict[str, charts.Spec | None] = {}
        self.pair: dict[str, charts.Spec | None] = {}
        for ident in plan.headline_ids:
            meta = data.meta(ident)
            self.trend[ident] = charts.trend_chart(_rows(data, ident), meta, True)
            latest = _rows(data, ident, plan.latest)
            self.compare[ident] = (
                charts.funnel_chart(latest, meta, True, plan.word)
                if meta.has_funnel
                else charts.comparison_chart(latest, meta, True)
            )
        for cla_id, all_id in plan.pairs:
            self.pair[cla_id] = charts.cla_vs_all_chart(
                _rows(data, cla_id, plan.latest),
                _rows(data, all_id, plan.latest),
                data.meta(cla_id),
                True,
            )

    @staticmethod
    def for_area(spec: charts.Spec | None, area: Area) -> charts.Spec | None:
        """The spec with this LA highlighted."""
        return None if spec is None else charts.personalise(spec, area.code, area.name)


def _area_context(
    data: ReportData, plan: PagePlan, area: Area, templates: ChartTemplates
) -> dict[str, Any]:
    chart_set = ChartSet()
    statements = {
        s.indicator_id: s for s in area_statements(data, area, plan.latest, plan.headline_ids)
    }
    key_facts = [
        (title, [(data.meta(i), statements[i]) for i in ids]) for title, ids in plan.sections
    ]
    pairs = [
        {
            "cla": data.meta(cla_id),
            "all": data.meta(all_id),
            "statement": statements[cla_id],
            "chart_id": chart_set.add(templates.for_area(templates.pair[cla_id], area), "pair"),
        }
        for cla_id, all_id in plan.pairs
    ]
    trends = [
        (
            title,
            [
                ChartCard(
                    data.meta(i),
                    chart_set.add(templates.for_area(templates.trend[i], area), "trend"),
                    _hidden_caption(
                        [r for r in _rows(data, i) if r["area_code"] == area.code], by_year=True
                    ),
                )
                for i in ids
            ],
        )
        for title, ids in plan.sections
    ]
    comparisons = [
        ChartCard(
            data.meta(i),
            chart_set.add(templates.for_area(templates.compare[i], area), "compare"),
            _hidden_caption(_rows(data, i, plan.latest), by_year=False),
        )
        for i in plan.headline_ids
    ]
    periods, table = _table(data, area, plan.headline_ids)
    brief = [statements[i] for i in BRIEF_IDS if i in statements] or [
        statements[i] for i in plan.headline_ids[:3]
    ]
    return {
        "area": area,
        "brief": brief,
        "chart_set": chart_set,
        "key_facts": key_facts,
        "pairs": pairs,
        "trends": trends,
        "comparisons": comparisons,
        "periods": periods,
        "table": table,
        "detail": _latest_detail(data, area, plan.headline_ids, plan.latest),
        "breakdowns": _breakdown_tables(data, area, plan.headline_ids, plan.latest),
        "quality": _quality_tables(data, area),
    }


def _index_context(data: ReportData, plan: PagePlan) -> dict[str, Any]:
    chart_set = ChartSet()
    summaries = [
        (title, [(data.meta(i), area_summary(data, plan.latest, i)) for i in ids])
        for title, ids in plan.sections
    ]
    comparisons = []
    for ident in plan.headline_ids:
        meta = data.meta(ident)
        latest = _rows(data, ident, plan.latest)
        spec = (
            charts.funnel_chart(latest, meta, False, plan.word)
            if meta.has_funnel
            else charts.comparison_chart(latest, meta, False)
        )
        comparisons.append(
            ChartCard(meta, chart_set.add(spec, "compare"), _hidden_caption(latest, by_year=False))
        )
    pairs = [
        {
            "cla": data.meta(cla_id),
            "all": data.meta(all_id),
            "chart_id": chart_set.add(
                charts.cla_vs_all_chart(
                    _rows(data, cla_id, plan.latest),
                    _rows(data, all_id, plan.latest),
                    data.meta(cla_id),
                    False,
                ),
                "pair",
            ),
        }
        for cla_id, all_id in plan.pairs
    ]
    trends = [
        (
            title,
            [
                ChartCard(
                    data.meta(i),
                    chart_set.add(charts.trend_chart(_rows(data, i), data.meta(i), False), "trend"),
                    _hidden_caption(_rows(data, i), by_year=True),
                )
                for i in ids
            ],
        )
        for title, ids in plan.sections
    ]
    summary_tables = [
        (title, [data.meta(i) for i in ids], _summary_table(data, ids, plan.latest))
        for title, ids in plan.sections
    ]
    card_ids = [i for i in CARD_IDS if i in plan.headline_ids]
    latest_by_id = {i: _by_area(_rows(data, i, plan.latest)) for i in card_ids}
    cards = []
    for area in data.areas:
        stats = []
        for ident in card_ids:
            row = latest_by_id[ident].get(area.code)
            if row is not None:
                cell = value_cell(row["status"], row["value"], data.meta(ident))
                stats.append((CARD_IDS[ident], cell))
        cards.append({"area": area, "stats": stats})
    return {
        "chart_set": chart_set,
        "summaries": summaries,
        "comparisons": comparisons,
        "pairs": pairs,
        "trends": trends,
        "summary_tables": summary_tables,
        "cards": cards,
        "quality": _quality_tables(data, None),
    }


def build_report(
    data: ReportData,
    out: Path,
    *,
    inline_js: bool = True,
    only: Sequence[str] | None = None,
) -> list[Path]:
    """Write index.html and one page per LA into `out`; returns the pages written.

    `only` limits the LA pages to those area codes (the index still covers every LA).
    """
    known = {a.code for a in data.areas}
    unknown = sorted(set(only or ()) - known)
    if unknown:
        raise CyplinkError(
            f"no such area in publication.indicators: {', '.join(unknown)} "
            f"(known: {', '.join(sorted(known))})"
        )
    out.mkdir(parents=True, exist_ok=True)
    env = _environment()
    plan = _plan(data)
    bundle = charts.vega_bundle()
    script: dict[str, Any] = {"inline": Markup(bundle.replace("</script", "<\\/script"))}
    if not inline_js:
        (out / BUNDLE_FILE).parent.mkdir(parents=True, exist_ok=True)
        (out / BUNDLE_FILE).write_text(bundle, encoding="utf-8")
        script = {"src": BUNDLE_FILE}
    common = {
        "data": data,
        "plan": plan,
        "areas": data.areas,
        "latest": plan.latest,
        "first": min(data.periods),
        "symbols": SYMBOLS,
        "script": script,
        "word": plan.word,
    }
    written = []
    index = env.get_template("index.html.j2").render(
        **common, **_index_context(data, plan), page="index"
    )
    written.append(_write(out / "index.html", index))
    templates = ChartTemplates(data, plan)
    page = env.get_template("area.html.j2")
    for area in data.areas:
        if only and area.code not in only:
            continue
        html = page.render(**common, **_area_context(data, plan, area, templates), page=area.code)
        written.append(_write(out / area.slug, html))
    return written


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
