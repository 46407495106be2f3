"""Altair charts of the report, returned as Vega-Lite specs (dicts) to embed in a page.

Only published values reach a chart: rows that are suppressed or not applicable are
left out of the chart data (the caption under each chart names them), so a chart can
never reveal a suppressed number, not even in a tooltip.

Building a spec with Altair costs tens of milliseconds, and a report has hundreds of
charts that differ only in data, titles and the highlighted LA. So each chart *shape*
is built with Altair once (`_template_*`, cached), with named data sets and
placeholder tokens, and each chart is that template with its data and titles filled in
(`_fill`); the highlighted LA is set last by `personalise`.

The JavaScript that draws the specs (Vega, Vega-Lite, vega-embed) comes from
`vl_convert.javascript_bundle()` and travels with the pages, so the report works
without a network connection.
"""

from __future__ import annotations

import functools
import json
import os
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from cyplink.report.data import PUBLISHED
from cyplink.report.formatting import format_number, period_label
from cyplink.report.funnel import (
    Family,
    control_limits,
    curve_denominators,
    pooled_target,
    position,
)
from cyplink.report.indicators import IndicatorMeta

Spec = dict[str, Any]

HIGHLIGHT = "#1d70b8"
OTHERS = "#8a9096"
CLA_COLOUR = "#1d70b8"
ALL_COLOUR = "#f47738"
LIMIT_95 = "#505a5f"
LIMIT_998 = "#0b0c0c"
TARGET_COLOUR = "#d4351c"
FONT = "Helvetica Neue, Helvetica, Arial, sans-serif"
TREND = {"width": 400, "height": 180}
FUNNEL = {"width": 430, "height": 280}
BARS_WIDTH = 320
CURVES = ["95% limits", "99.8% limits"]
GROUPS = ["Looked-after children", "All children"]

# Placeholders: the highlighted LA (set per page by `personalise`) ...
CODE_TOKEN = "__HIGHLIGHT_CODE__"
NAME_TOKEN = "__HIGHLIGHT_NAME__"
ROLE = f"datum.area_code == {CODE_TOKEN} ? 'this' : 'other'"
# ... and a chart's own titles and lists (set per chart by `_fill`).
X_TITLE, Y_TITLE, TIP_TITLE, TITLE = "@x_title@", "@y_title@", "@tip_title@", "@title@"
Y_LOW, Y_HIGH, ORDER = "@y_low@", "@y_high@", "@order@"


def _config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (
        chart.configure(font=FONT)
        .configure_view(stroke=None)
        .configure_axis(
            labelFontSize=11, titleFontSize=11, titleFontWeight="normal", gridColor="#eceeef"
        )
        .configure_legend(labelFontSize=11, titleFontSize=11, orient="bottom")
    )


def _spec(chart: alt.TopLevelMixin) -> Spec:
    return _config(chart).to_dict(validate=False)


def _plain(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(f"{float(value):.6g}")
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Plain JSON-ready records (NaN / NA become null, floats keep 6 significant digits)."""
    clean = frame.astype(object).where(frame.notna(), None)
    return [{k: _plain(v) for k, v in row.items()} for row in clean.to_dict("records")]


def _fill(template: Spec, values: dict[str, Any], datasets: dict[str, Any], **top: Any) -> Spec:
    """A copy of a template with tokens replaced, data sets attached and top-level sizes set.

    A string equal to a token becomes the token's value (of any JSON type); a string
    containing a string-valued token has it substituted.
    """

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        if isinstance(node, str) and "@" in node:
            if node in values:
                return values[node]
            for token, value in values.items():
                if isinstance(value, str):
                    node = node.replace(token, value)
        return node

    spec = walk(template)
    spec["datasets"] = dict(datasets)
    spec.update(top)
    return spec


def personalise(spec: Spec, code: str, name: str) -> Spec:
    """A copy of a highlight spec with the LA placeholders set to one LA (data shared)."""
    code_literal, name_literal = json.dumps(code), json.dumps(name)

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: v if k == "datasets" else walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        if isinstance(node, str) and "__HIGHLIGHT_" in node:
            return node.replace(CODE_TOKEN, code_literal).replace(NAME_TOKEN, name_literal)
        return node

    return walk(spec)


def _points(name: str, highlight: bool) -> alt.Chart:
    chart = alt.Chart(alt.Data(name=name))
    return chart.transform_calculate(role=ROLE) if highlight else chart


def _axis_title(meta: IndicatorMeta) -> str:
    if meta.kind == "proportion":
        return "%"
    if meta.kind == "rate":
        return f"per {meta.multiplier:,.0f}"
    if meta.kind == "mean":
        return "mean"
    return "children"


Record = dict[str, Any]


def _published(rows: list[Record]) -> list[Record]:
    return [r for r in rows if r["status"] == PUBLISHED and r["value"] is not None]


def _with_labels(rows: list[Record], meta: IndicatorMeta, **extra: Any) -> list[Record]:
    """Chart records: the published fields plus a year label and the formatted value."""
    keep = ("area_code", "area_name", "period", "numerator", "denominator", "value")
    out = []
    for row in rows:
        record = {k: _plain(row[k]) for k in (*keep, "lower_ci", "upper_ci")}
        record["year"] = period_label(int(row["period"]))
        record["shown"] = format_number(float(row["value"]), meta)
        record.update(extra)
        out.append(record)
    return out


# --- trends ---------------------------------------------------------------------------


@functools.cache
def _template_trend(highlight: bool, band: bool) -> Spec:
    base = _points("points", highlight).encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0, labelOverlap=True)),
        y=alt.Y("value:Q", title=Y_TITLE, scale=alt.Scale(zero=False)),
        tooltip=[
            alt.Tooltip("area_name:N", title="Area"),
            alt.Tooltip("year:O", title="Year"),
            alt.Tooltip("shown:N", title=TIP_TITLE),
        ],
    )
    if not highlight:
        chart = base.mark_line(point=True, strokeWidth=1.5).encode(
            color=alt.Color("area_name:N", title=None, legend=alt.Legend(columns=2))
        )
    else:
        others = (
            base.transform_filter("datum.role == 'other'")
            .mark_line(color=OTHERS, strokeWidth=1, opacity=0.55)
            .encode(detail="area_name:N")
        )
        this = base.transform_filter("datum.role == 'this'")
        line = this.mark_line(
            color=HIGHLIGHT, strokeWidth=2.5, point=alt.OverlayMarkDef(color=HIGHLIGHT, size=30)
        )
        layers = [others, line]
        if band:
            area = this.mark_area(color=HIGHLIGHT, opacity=0.15).encode(
                y="lower_ci:Q", y2="upper_ci:Q"
            )
            layers.insert(1, area)
        chart = alt.layer(*layers)
    return _spec(chart)


def trend_chart(rows: list[Record], meta: IndicatorMeta, highlight: bool) -> Spec | None:
    """Value over the years: the LA in colour with its 95% CI, the others in grey.

    Without `highlight` (the whole-area page) every LA gets its own colour. None when
    nothing is published.
    """
    data = _with_labels(_published(rows), meta)
    if not data:
        return None
    band = any(r["lower_ci"] is not None for r in data)
    return _fill(
        _template_trend(highlight, band),
        {Y_TITLE: _axis_title(meta), TIP_TITLE: meta.name[:40]},
        {"points": data},
        **TREND,
    )


# --- funnel plots ---------------------------------------------------------------------


@functools.cache
def _template_funnel(highlight: bool) -> Spec:
    x = alt.X("denominator:Q", title=X_TITLE, scale=alt.Scale(zero=False, nice=True))
    y_scale = alt.Scale(domain=[Y_LOW, Y_HIGH], nice=True, zero=False)
    limits = (
        alt.Chart(alt.Data(name="limits"))
        .transform_fold(["lo95", "hi95", "lo998", "hi998"], as_=["side", "limit"])
        .transform_filter("isValid(datum.limit)")
        .transform_calculate(
            curve="indexof(datum.side, '998') >= 0 ? '99.8% limits' : '95% limits'"
        )
        .mark_line(strokeWidth=1.2, clip=True)
        .encode(
            x=x,
            y=alt.Y("limit:Q", title=Y_TITLE, scale=y_scale),
            detail="side:N",
            strokeDash=alt.StrokeDash(
                "curve:N", title=None, scale=alt.Scale(domain=CURVES, range=[[5, 3], [1, 0]])
            ),
            color=alt.Color(
                "curve:N", title=None, scale=alt.Scale(domain=CURVES, range=[LIMIT_95, LIMIT_998])
            ),
        )
    )
    target = (
        alt.Chart(alt.Data(name="target"))
        .mark_rule(color=TARGET_COLOUR, strokeWidth=1.2)
        .encode(y=alt.Y("target:Q", scale=y_scale))
    )
    tooltip = [
        alt.Tooltip("area_name:N", title="Area"),
        alt.Tooltip("shown:N", title="Value"),
        alt.Tooltip("numerator:Q", title="Numerator", format=",.0f"),
        alt.Tooltip("denominator:Q", title="Denominator", format=",.0f"),
        alt.Tooltip("verdict:N", title="Funnel plot"),
    ]
    base = _points("points", highlight).encode(
        x=x, y=alt.Y("value:Q", title=Y_TITLE, scale=y_scale), tooltip=tooltip
    )
    if not highlight:
        layers = [
            limits,
            target,
            base.mark_circle(size=70, color=HIGHLIGHT, opacity=0.85),
            base.mark_text(align="left", dx=7, fontSize=10, color="#0b0c0c").encode(
                text="area_name:N"
            ),
        ]
    else:
        this = base.transform_filter("datum.role == 'this'")
        layers = [
            limits,
            target,
            base.transform_filter("datum.role == 'other'").mark_circle(
                size=55, color=OTHERS, opacity=0.8
            ),
            this.mark_circle(size=140, color=HIGHLIGHT, stroke="white", strokeWidth=1.5),
            this.mark_text(
                align="left", dx=9, fontSize=11, fontWeight="bold", color=HIGHLIGHT
            ).encode(text="area_name:N"),
        ]
    title = alt.TitleParams(
        TITLE, fontSize=11, fontWeight="normal", color="#505a5f", anchor="start"
    )
    return _spec(alt.layer(*layers).properties(title=title))


def _funnel_domain(points: list[Record], limits: pd.DataFrame) -> list[float]:
    """Y range: every point and the 99.8% limits at the smallest observed denominator."""
    smallest = min(float(p["denominator"]) for p in points)
    at_smallest = limits[limits["denominator"] >= smallest].head(1)
    values = [
        *(float(p["value"]) for p in points),
        *at_smallest["lo998"].astype(float),
        *at_smallest["hi998"].astype(float),
    ]
    values = [v for v in values if np.isfinite(v)]
    low, high = min(values), max(values)
    pad = (high - low) * 0.08 or abs(high) * 0.1 or 1.0
    return [_plain(max(low - pad, 0.0)), _plain(high + pad)]


def _verdict(record: Record, target: float, family: Family, meta: IndicatorMeta) -> str:
    """`within the 95% limits`, `above the 99.8% limit`, ... for a tooltip."""
    return position(
        float(record["value"]),
        float(record["denominator"]),
        target,
        family=family,
        multiplier=meta.multiplier,
    ).label


def funnel_chart(
    rows: list[Record], meta: IndicatorMeta, highlight: bool, area_word: str
) -> Spec | None:
    """Value against denominator with the pooled target and 95% / 99.8% limits.

    None when fewer than two LAs have a published value with its denominator.
    """
    points = [
        r
        for r in _published(rows)
        if r["numerator"] is not None and r["denominator"] is not None and r["denominator"] > 0
    ]
    if len(points) < 2 or not meta.has_funnel:
        return None
    family: Family = "binomial" if meta.kind == "proportion" else "poisson"
    denominators = np.array([r["denominator"] for r in points], dtype=float)
    target = pooled_target(np.array([r["numerator"] for r in points], dtype=float), denominators)
    grid = curve_denominators(denominators)
    lo95, hi95 = control_limits(grid, target, family=family, multiplier=meta.multiplier)
    lo998, hi998 = control_limits(
        grid, target, family=family, level="99.8", multiplier=meta.multiplier
    )
    limits = pd.DataFrame(
        {"denominator": grid, "lo95": lo95, "hi95": hi95, "lo998": lo998, "hi998": hi998}
    )
    x_title = f"Denominator: {meta.denominator}" if meta.denominator else "Denominator"
    overall = format_number(target * meta.multiplier, meta)
    return _fill(
        _template_funnel(highlight),
        {
            X_TITLE: x_title[:70],
            Y_TITLE: _axis_title(meta),
            TITLE: f"Red line: all {area_word} together ({overall})",
            **dict(zip((Y_LOW, Y_HIGH), _funnel_domain(points, limits), strict=True)),
        },
        {
            "limits": _records(limits),
            "target": [{"target": _plain(target * meta.multiplier)}],
            "points": [
                {**record, "verdict": _verdict(record, target, family, meta)}
                for record in _with_labels(points, meta)
            ],
        },
        **FUNNEL,
    )


# --- comparisons of counts and means --------------------------------------------------


@functools.cache
def _template_comparison(highlight: bool, bars: bool, intervals: bool) -> Spec:
    y = alt.Y("area_name:N", title=None, sort=ORDER)
    colour: Any = alt.value(HIGHLIGHT)
    if highlight:
        colour = alt.condition("datum.role == 'this'", alt.value(HIGHLIGHT), alt.value(OTHERS))
    tooltip = [alt.Tooltip("area_name:N", title="Area"), alt.Tooltip("shown:N", title="Value")]
    base = _points("points", highlight).encode(y=y, tooltip=tooltip)
    if bars:
        chart = base.mark_bar(height=14).encode(x=alt.X("value:Q", title=X_TITLE), color=colour)
    else:
        x = alt.X("value:Q", title=X_TITLE, scale=alt.Scale(zero=False))
        layers = [base.mark_circle(size=80, opacity=1).encode(x=x, color=colour)]
        if intervals:
            layers.insert(0, base.mark_rule(color=OTHERS).encode(x="lower_ci:Q", x2="upper_ci:Q"))
        chart = alt.layer(*layers)
    return _spec(chart)


def comparison_chart(rows: list[Record], meta: IndicatorMeta, highlight: bool) -> Spec | None:
    """One bar (counts) or dot with 95% CI (means, or anything else) per LA, sorted."""
    data = _with_labels(_published(rows), meta)
    if not data:
        return None
    intervals = any(r["lower_ci"] is not None for r in data)
    template = _template_comparison(highlight, meta.kind == "count", intervals)
    order = [r["area_name"] for r in sorted(data, key=lambda r: -float(r["value"]))]
    return _fill(
        template,
        {X_TITLE: _axis_title(meta), ORDER: order},
        {"points": data},
        width=BARS_WIDTH,
        height=22 * len(data),
    )


# --- looked-after children against all children ---------------------------------------


@functools.cache
def _template_cla_vs_all(highlight: bool) -> Spec:
    weight: Any = "normal"
    if highlight:
        weight = alt.expr(f"datum.value == {NAME_TOKEN} ? 'bold' : 'normal'")
    y = alt.Y("area_name:N", title=None, sort=ORDER, axis=alt.Axis(labelFontWeight=weight))
    base = _points("points", highlight).encode(y=y)
    link = base.mark_rule(color="#b1b4b6", strokeWidth=2).encode(
        x="min(value):Q", x2="max(value):Q"
    )
    dots = base.mark_circle(size=90, opacity=1).encode(
        x=alt.X("value:Q", title=X_TITLE),
        color=alt.Color(
            "group:N", title=None, scale=alt.Scale(domain=GROUPS, range=[CLA_COLOUR, ALL_COLOUR])
        ),
        tooltip=[
            alt.Tooltip("area_name:N", title="Area"),
            alt.Tooltip("group:N", title="Children"),
            alt.Tooltip("shown:N", title="Value"),
        ],
    )
    return _spec(alt.layer(link, dots))


def cla_vs_all_chart(
    cla_rows: list[Record],
    all_rows: list[Record],
    cla_meta: IndicatorMeta,
    highlight: bool,
) -> Spec | None:
    """Dumbbell per LA: looked-after children against all children in the same LA."""
    data = [
        *_with_labels(_published(cla_rows), cla_meta, group=GROUPS[0]),
        *_with_labels(_published(all_rows), cla_meta, group=GROUPS[1]),
    ]
    if not data:
        return None
    highest: dict[str, float] = {}
    for record in data:
        highest[record["area_name"]] = max(highest.get(record["area_name"], 0.0), record["value"])
    order = sorted(highest, key=lambda name: -highest[name])
    return _fill(
        _template_cla_vs_all(highlight),
        {X_TITLE: _axis_title(cla_meta), ORDER: order},
        {"points": data},
        width=FUNNEL["width"],
        height=24 * len(order),
    )


@functools.cache
def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one classic script defining `window.vegaEmbed`.

    Built by vl-convert for the Vega-Lite version Altair writes, so the report needs
    no network connection. Building takes seconds, so the result is cached for the
    process and in the temporary folder, keyed by the vl-convert and Vega-Lite versions.
    """
    import tempfile
    from pathlib import Path

    import vl_convert

    wanted = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]
    version = wanted if wanted in vl_convert.get_vegalite_versions() else None
    cache = Path(tempfile.gettempdir()) / (
        f"cyplink-vega-bundle-{getattr(vl_convert, '__version__', 'x')}-{version or 'default'}.js"
    )
    if cache.is_file() and cache.stat().st_size > 100_000:
        return cache.read_text(encoding="utf-8")
    bundle = vl_convert.javascript_bundle(vl_version=version)  # type: ignore[call-arg]
    partial = cache.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(bundle, encoding="utf-8")
    partial.replace(cache)
    return bundle
