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
from markupsafe import Markup

from cyplink.errors import CyplinkError
from cyplink.report import charts, tables
from cyplink.report.data import Area, ReportData
from cyplink.report.formatting import (
    SYMBOLS,
    period_label,
    period_long,
    unit_label,
    value_cell,
)
from cyplink.report.indicators import IndicatorMeta, comparison_pairs, section_order
from cyplink.report.narrative import area_statements, area_summary, area_word
from cyplink.report.tables import Record

TEMPLATES = Path(__file__).parent / "templates"
BUNDLE_FILE = "assets/vega-bundle.js"
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
                    tables.hidden_caption(
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
            tables.hidden_caption(_rows(data, i, plan.latest), by_year=False),
        )
        for i in plan.headline_ids
    ]
    periods, table = tables.indicator_years(data, area, plan.headline_ids)
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
        "detail": tables.latest_detail(data, area, plan.headline_ids, plan.latest),
        "breakdowns": tables.breakdown_tables(data, area, plan.headline_ids, plan.latest),
        "quality": tables.quality_tables(data, area),
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
            ChartCard(
                meta, chart_set.add(spec, "compare"), tables.hidden_caption(latest, by_year=False)
            )
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
                    tables.hidden_caption(_rows(data, i), by_year=True),
                )
                for i in ids
            ],
        )
        for title, ids in plan.sections
    ]
    summary_tables = [
        (title, [data.meta(i) for i in ids], tables.summary_table(data, ids, plan.latest))
        for title, ids in plan.sections
    ]
    card_ids = [i for i in CARD_IDS if i in plan.headline_ids]
    latest_by_id = {i: tables.by_area(_rows(data, i, plan.latest)) for i in card_ids}
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
        "quality": tables.quality_tables(data, None),
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
