"""Altair charts of the report, returned as Vega-Lite specs (dicts) to embed in a page.

Only published values reach a chart: rows that are suppressed or not applicable are
left out of the chart data (the caption under each chart names them), so a chart can
never reveal a suppressed number, not even in a tooltip.

The JavaScript that draws the specs (Vega, Vega-Lite, vega-embed) comes from
`vl_convert.javascript_bundle()` and is written beside the pages, so the report works
without a network connection.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from cyplink.report.data import PUBLISHED
from cyplink.report.formatting import format_number, period_label
from cyplink.report.funnel import control_limits, curve_denominators, pooled_target
from cyplink.report.indicators import IndicatorMeta

Spec = dict[str, Any]

HIGHLIGHT = "#1d70b8"
OTHERS = "#8a9096"
CLA_COLOUR = "#1d70b8"
ALL_COLOUR = "#f47738"
LIMIT_95 = "#505a5f"
LIMIT_998 = "#0b0c0c"
FONT = "Helvetica Neue, Helvetica, Arial, sans-serif"
SMALL = {"width": 400, "height": 180}
BARS_WIDTH = 320
# A chart for "this LA" is built once per indicator with these placeholders in its
# expressions and personalised per LA by `personalise` (Altair is slow to build specs).
CODE_TOKEN = "__HIGHLIGHT_CODE__"
NAME_TOKEN = "__HIGHLIGHT_NAME__"
ROLE = f"datum.area_code == {CODE_TOKEN} ? 'this' : 'other'"
FUNNEL = {"width": 430, "height": 280}


def _config(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (
        chart.configure(font=FONT)
        .configure_view(stroke=None)
        .configure_axis(
            labelFontSize=11, titleFontSize=11, titleFontWeight="normal", gridColor="#eceeef"
        )
        .configure_legend(labelFontSize=11, titleFontSize=11, orient="bottom")
    )


class Datasets:
    """Chart data kept out of Altair (which deep-copies inline values) and added at the end."""

    def __init__(self) -> None:
        self.values: dict[str, list[dict[str, Any]]] = {}

    def add(self, frame: pd.DataFrame | list[dict[str, Any]]) -> alt.Data:
        """Register records under a fresh name; returns the named data reference."""
        name = f"d{len(self.values)}"
        self.values[name] = frame if isinstance(frame, list) else _records(frame)
        return alt.Data(name=name)

    def spec(self, chart: alt.TopLevelMixin) -> Spec:
        """The chart's Vega-Lite dict with the data sets attached."""
        out = _config(chart).to_dict(validate=False)
        out["datasets"] = {**out.get("datasets", {}), **self.values}
        return out


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Plain JSON-ready records (NaN / NA become null)."""
    clean = frame.astype(object).where(frame.notna(), None)
    return [{k: _plain(v) for k, v in row.items()} for row in clean.to_dict("records")]


def _plain(value: Any) -> Any:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(f"{float(value):.6g}")
    return value


def _axis_title(meta: IndicatorMeta) -> str:
    if meta.kind == "proportion":
        return "%"
    if meta.kind == "rate":
        return f"per {meta.multiplier:,.0f}"
    if meta.kind == "mean":
        return "mean"
    return "children"


def _published(rows: pd.DataFrame) -> pd.DataFrame:
    return rows[(rows["status"] == PUBLISHED) & rows["value"].notna()]


def _with_labels(rows: pd.DataFrame, meta: IndicatorMeta) -> pd.DataFrame:
    out = rows[["area_code", "area_name", "period", "numerator", "denominator", "value"]].copy()
    out["year"] = [period_label(int(p)) for p in out["period"]]
    out["shown"] = [format_number(float(v), meta) for v in out["value"]]
    out["lower_ci"] = rows["lower_ci"]
    out["upper_ci"] = rows["upper_ci"]
    return out


def _chart(ds: Datasets, data: pd.DataFrame | list[dict[str, Any]], highlight: bool) -> alt.Chart:
    chart = alt.Chart(ds.add(data))
    return chart.transform_calculate(role=ROLE) if highlight else chart


def personalise(spec: Spec, code: str, name: str) -> Spec:
    """A copy of a highlight spec with the placeholders set to one LA."""
    code_literal, name_literal = json.dumps(code), json.dumps(name)

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        if isinstance(node, str) and "__HIGHLIGHT_" in node:
            return node.replace(CODE_TOKEN, code_literal).replace(NAME_TOKEN, name_literal)
        return node

    return walk(spec)


def trend_chart(rows: pd.DataFrame, meta: IndicatorMeta, highlight: bool) -> Spec:
    """Value over the years: the LA in colour with its 95% CI, the others in grey.

    Without `highlight` (the whole-area page) every LA gets its own colour.
    """
    ds = Datasets()
    data = _with_labels(_published(rows), meta)
    base = _chart(ds, data, highlight).encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0, labelOverlap=True)),
        y=alt.Y("value:Q", title=_axis_title(meta), scale=alt.Scale(zero=False)),
        tooltip=[
            alt.Tooltip("area_name:N", title="Area"),
            alt.Tooltip("year:O", title="Year"),
            alt.Tooltip("shown:N", title=meta.name[:40]),
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
        band = this.mark_area(color=HIGHLIGHT, opacity=0.15).encode(y="lower_ci:Q", y2="upper_ci:Q")
        line = this.mark_line(
            color=HIGHLIGHT, strokeWidth=2.5, point=alt.OverlayMarkDef(color=HIGHLIGHT, size=30)
        )
        layers = [others, band, line] if data["lower_ci"].notna().any() else [others, line]
        chart = alt.layer(*layers)
    return ds.spec(chart.properties(**SMALL))


def _funnel_domain(points: pd.DataFrame, limits: pd.DataFrame) -> list[float]:
    """Y range: every point and the 99.8% limits at the smallest observed denominator."""
    at_smallest = limits[limits["denominator"] >= points["denominator"].min()].head(1)
    values = [
        *points["value"].astype(float),
        *at_smallest["lo998"].astype(float),
        *at_smallest["hi998"].astype(float),
    ]
    low, high = min(values), max(values)
    pad = (high - low) * 0.08 or abs(high) * 0.1 or 1.0
    return [max(low - pad, 0.0), high + pad]


def funnel_chart(
    rows: pd.DataFrame, meta: IndicatorMeta, highlight: bool, area_word: str
) -> Spec | None:
    """Value against denominator with the pooled target and 95% / 99.8% limits.

    None when fewer than two LAs have a published value with its denominator.
    """
    points = _published(rows)
    points = points[points["denominator"].notna() & (points["denominator"] > 0)]
    if len(points) < 2 or not meta.has_funnel:
        return None
    ds = Datasets()
    family = "binomial" if meta.kind == "proportion" else "poisson"
    target = pooled_target(
        points["numerator"].to_numpy(float), points["denominator"].to_numpy(float)
    )
    grid = curve_denominators(points["denominator"].to_numpy(float))
    lo95, hi95 = control_limits(grid, target, family=family, multiplier=meta.multiplier)
    lo998, hi998 = control_limits(
        grid, target, family=family, level="99.8", multiplier=meta.multiplier
    )
    limits = pd.DataFrame(
        {"denominator": grid, "lo95": lo95, "hi95": hi95, "lo998": lo998, "hi998": hi998}
    )
    data = _with_labels(points, meta)
    y_scale = alt.Scale(domain=_funnel_domain(points, limits), nice=True, zero=False)
    x_title = f"Denominator: {meta.denominator}" if meta.denominator else "Denominator"
    x = alt.X("denominator:Q", title=x_title[:70], scale=alt.Scale(zero=False, nice=True))
    y_title = _axis_title(meta)
    curves = ["95% limits", "99.8% limits"]
    limit_layer = (
        alt.Chart(ds.add(limits))
        .transform_fold(["lo95", "hi95", "lo998", "hi998"], as_=["side", "limit"])
        .transform_filter("isValid(datum.limit)")
        .transform_calculate(
            curve="indexof(datum.side, '998') >= 0 ? '99.8% limits' : '95% limits'"
        )
        .mark_line(strokeWidth=1.2, clip=True)
        .encode(
            x=x,
            y=alt.Y("limit:Q", title=y_title, scale=y_scale),
            detail="side:N",
            strokeDash=alt.StrokeDash(
                "curve:N", title=None, scale=alt.Scale(domain=curves, range=[[5, 3], [1, 0]])
            ),
            color=alt.Color(
                "curve:N", title=None, scale=alt.Scale(domain=curves, range=[LIMIT_95, LIMIT_998])
            ),
        )
    )
    target_layer = (
        alt.Chart(ds.add([{"target": target * meta.multiplier}]))
        .mark_rule(color="#d4351c", strokeWidth=1.2)
        .encode(y=alt.Y("target:Q", scale=y_scale))
    )
    tooltip = [
        alt.Tooltip("area_name:N", title="Area"),
        alt.Tooltip("shown:N", title="Value"),
        alt.Tooltip("numerator:Q", title="Numerator", format=",.0f"),
        alt.Tooltip("denominator:Q", title="Denominator", format=",.0f"),
    ]
    point_base = _chart(ds, data, highlight).encode(
        x=x, y=alt.Y("value:Q", title=y_title, scale=y_scale), tooltip=tooltip
    )
    if not highlight:
        dots = point_base.mark_circle(size=70, color=HIGHLIGHT, opacity=0.85)
        labels = point_base.mark_text(align="left", dx=7, fontSize=10, color="#0b0c0c").encode(
            text="area_name:N"
        )
        layers = [limit_layer, target_layer, dots, labels]
    else:
        others = point_base.transform_filter("datum.role == 'other'").mark_circle(
            size=55, color=OTHERS, opacity=0.8
        )
        this = point_base.transform_filter("datum.role == 'this'")
        layers = [
            limit_layer,
            target_layer,
            others,
            this.mark_circle(size=140, color=HIGHLIGHT, stroke="white", strokeWidth=1.5),
            this.mark_text(
                align="left", dx=9, fontSize=11, fontWeight="bold", color=HIGHLIGHT
            ).encode(text="area_name:N"),
        ]
    chart = alt.layer(*layers).properties(
        **FUNNEL,
        title=alt.TitleParams(
            f"Red line: all {area_word} together ({format_number(target * meta.multiplier, meta)})",
            fontSize=11,
            fontWeight="normal",
            color="#505a5f",
            anchor="start",
        ),
    )
    return ds.spec(chart)


def comparison_chart(rows: pd.DataFrame, meta: IndicatorMeta, highlight: bool) -> Spec | None:
    """One bar (counts) or dot with 95% CI (means, or anything else) per LA, sorted."""
    ds = Datasets()
    data = _with_labels(_published(rows), meta)
    if data.empty:
        return None
    y = alt.Y("area_name:N", title=None, sort="-x")
    colour = alt.condition("datum.role == 'this'", alt.value(HIGHLIGHT), alt.value(OTHERS))
    if not highlight:
        colour = alt.value(HIGHLIGHT)
    tooltip = [alt.Tooltip("area_name:N", title="Area"), alt.Tooltip("shown:N", title="Value")]
    base = _chart(ds, data, highlight).encode(y=y, tooltip=tooltip)
    if meta.kind == "count":
        chart = base.mark_bar(height=14).encode(
            x=alt.X("value:Q", title=_axis_title(meta)), color=colour
        )
    else:
        x = alt.X("value:Q", title=_axis_title(meta), scale=alt.Scale(zero=False))
        dots = base.mark_circle(size=80, opacity=1).encode(x=x, color=colour)
        layers: list[alt.Chart] = [dots]
        if data["lower_ci"].notna().any():
            layers.insert(0, base.mark_rule(color=OTHERS).encode(x="lower_ci:Q", x2="upper_ci:Q"))
        chart = alt.layer(*layers)
    return ds.spec(chart.properties(width=BARS_WIDTH, height=22 * len(data)))


def cla_vs_all_chart(
    cla_rows: pd.DataFrame,
    all_rows: pd.DataFrame,
    cla_meta: IndicatorMeta,
    highlight: bool,
) -> Spec | None:
    """Dumbbell per LA: looked-after children against all children in the same LA."""
    ds = Datasets()
    frames = []
    for rows, group in ((cla_rows, "Looked-after children"), (all_rows, "All children")):
        part = _with_labels(_published(rows), cla_meta)
        part["group"] = group
        frames.append(part)
    data = pd.concat(frames, ignore_index=True)
    if data.empty:
        return None
    weight = alt.expr(f"datum.value == {NAME_TOKEN} ? 'bold' : 'normal'") if highlight else "normal"
    order = list(data.groupby("area_name")["value"].max().sort_values(ascending=False).index)
    y = alt.Y(
        "area_name:N",
        title=None,
        sort=order,
        axis=alt.Axis(labelFontWeight=weight),
    )
    x = alt.X("value:Q", title=_axis_title(cla_meta))
    base = _chart(ds, data, highlight).encode(y=y)
    link = base.mark_rule(color="#b1b4b6", strokeWidth=2).encode(
        x="min(value):Q", x2="max(value):Q"
    )
    dots = base.mark_circle(size=90, opacity=1).encode(
        x=x,
        color=alt.Color(
            "group:N",
            title=None,
            scale=alt.Scale(
                domain=["Looked-after children", "All children"], range=[CLA_COLOUR, ALL_COLOUR]
            ),
        ),
        tooltip=[
            alt.Tooltip("area_name:N", title="Area"),
            alt.Tooltip("group:N", title="Children"),
            alt.Tooltip("shown:N", title="Value"),
        ],
    )
    chart = alt.layer(link, dots).properties(
        width=FUNNEL["width"], height=24 * data["area_name"].nunique()
    )
    return ds.spec(chart)


@functools.cache
def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one classic script defining `window.vegaEmbed`.

    Built by vl-convert for the Vega-Lite version Altair writes, so the report needs
    no network connection. Takes a few seconds; cached for the process.
    """
    import vl_convert

    wanted = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]
    available = vl_convert.get_vegalite_versions()
    version = wanted if wanted in available else None
    return vl_convert.javascript_bundle(vl_version=version)
