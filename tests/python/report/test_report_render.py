"""The HTML report: one page per LA, suppressed values never shown, the lead sentences."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest
from report_fixtures import LEAK_ROW, LEAK_VALUES

from cyplink.report.data import Area
from cyplink.report.formatting import Cell, count_cell, format_number, value_cell
from cyplink.report.indicators import IndicatorMeta
from cyplink.report.sample import BOROUGHS

PCT = IndicatorMeta(id="x_pct", name="X", kind="proportion", multiplier=100)
RATE = IndicatorMeta(id="x_rate_per_1000", name="X", kind="rate", multiplier=1000)


def _text(html: str) -> str:
    """Visible-ish text: tags and scripts removed."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _specs(html: str) -> dict:
    found = re.search(
        r'<script type="application/json" id="chart-specs">(.*?)</script>', html, re.S
    )
    assert found
    return json.loads(found.group(1).replace("<\\/", "</"))


def test_one_page_per_la_and_an_index_linking_to_each(report_dir: Path) -> None:
    pages = sorted(p.name for p in report_dir.glob("*.html"))
    assert pages == sorted(["index.html", *(f"{code}.html" for code, _, _ in BOROUGHS)])
    index = (report_dir / "index.html").read_text()
    for code, name, _ in BOROUGHS:
        assert f'href="{code}.html"' in index
        page = (report_dir / f"{code}.html").read_text()
        assert f"<h1>{unescape(name)}</h1>" in unescape(page)
        assert 'href="index.html"' in page


@pytest.mark.parametrize(
    ("cell", "symbol"),
    [
        (value_cell("suppressed", 12.5, PCT), "c"),
        (value_cell("suppressed", None, PCT), "c"),
        (value_cell("not applicable", 3.0, PCT), "z"),
        (value_cell("published", None, PCT), "x"),
        (value_cell("something odd", 7.0, PCT), "x"),
        (count_cell("suppressed", 7), "c"),
    ],
)
def test_a_cell_that_is_not_published_never_shows_a_number(cell: Cell, symbol: str) -> None:
    assert cell.text == symbol
    assert not re.search(r"\d", cell.text)
    assert cell.css == "symbol" and cell.title


def test_published_values_carry_their_unit() -> None:
    assert value_cell("published", 28.63, PCT).text == "28.6%"
    assert value_cell("published", 28.63, PCT, compact=True).text == "28.6"
    assert format_number(483.2, RATE) == "483 per 1,000"
    assert format_number(50.71, RATE) == "50.7 per 1,000"
    assert count_cell("published", 12345).text == "12,345"


def test_suppressed_numbers_reach_no_page_chart_or_tooltip(report_dir: Path) -> None:
    # Full-precision forms (chart data keeps 6 significant digits) and formatted counts;
    # shorter forms such as "88.6" could be another area's value by chance.
    leaked = {f"{value:g}" for value in LEAK_VALUES.values()}
    leaked |= {f"{LEAK_VALUES[c]:,.0f}" for c in ("numerator", "denominator")}
    for page in report_dir.glob("*.html"):
        html = page.read_text()
        for text in leaked:
            assert text not in html, f"{text} (a suppressed value) appears in {page.name}"


def test_the_suppressed_fact_says_so_in_words_and_symbol(report_dir: Path) -> None:
    html = (report_dir / f"{LEAK_ROW['area_code']}.html").read_text()
    ident = LEAK_ROW["indicator_id"]
    fact = re.search(
        rf'<article class="fact[^"]*" data-indicator="{ident}"[^>]*>(.*?)</article>', html, re.S
    )
    assert fact
    assert 'data-status="suppressed"' in fact.group(0)
    lead = re.search(r'<p class="lead">(.*?)</p>', fact.group(1), re.S).group(1)
    assert "suppressed" in lead and "<strong>c</strong>" in lead
    assert "%" not in lead
    row = re.search(rf'<tr data-indicator="{LEAK_ROW["indicator_id"]}">(.*?)</tr>', html, re.S)
    assert row and '<td class="symbol"' in row.group(1)
    assert "Not shown: Brent (c)" in html  # captions of the charts that leave it out


def test_la_page_leads_with_a_sentence_answering_the_question(report_dir: Path) -> None:
    # Ealing's looked-after children and mental health services, last year, against the others.
    html = (report_dir / "E09000009.html").read_text()
    brief = _text(re.search(r'<section id="in-brief">(.*?)</section>', html, re.S).group(1))
    assert re.search(
        r"\d[\d,]* looked-after children in Ealing were in contact with NHS mental health "
        r"services in the year to 31 March 2025: \d+\.\d% of the [\d,]+ children looked after",
        brief,
    ), brief
    assert re.search(r"of the \d+ boroughs with a published figure", brief)
    assert "for all boroughs together it is" in brief
    assert "For all children in Ealing it is" in brief
    # The in-brief section comes before every chart.
    assert html.index('id="in-brief"') < html.index('class="chart"')


def test_every_chart_has_a_spec_and_highlights_its_own_la(report_dir: Path) -> None:
    html = (report_dir / "E09000013.html").read_text()
    specs = _specs(html)
    ids = set(re.findall(r'<div class="chart" id="([^"]+)"', html))
    assert ids == set(specs) and len(ids) > 20
    text = json.dumps(specs)
    assert "__HIGHLIGHT_" not in text
    assert '"E09000013"' in text  # the LA's code in the highlight expression


def test_funnel_plots_carry_both_control_limits(report_dir: Path) -> None:
    specs = _specs((report_dir / "index.html").read_text())
    funnels = [s for s in specs.values() if "99.8% limits" in json.dumps(s)]
    assert len(funnels) >= 10
    assert all("95% limits" in json.dumps(s) for s in funnels)


def test_linkage_quality_is_shown_or_its_absence_explained(
    report_dir: Path, tmp_path: Path, stub_bundle: None
) -> None:
    from cyplink.report.data import load_report_data
    from cyplink.report.render import build_report
    from cyplink.report.sample import write_sample_warehouse

    html = (report_dir / "E09000005.html").read_text()
    assert "Linkage quality summary" in html and "school_census" in html
    assert 'id="no-linkage-quality"' not in html

    bare = write_sample_warehouse(tmp_path / "bare.duckdb", with_linkage_quality=False)
    build_report(load_report_data(bare), tmp_path / "out")
    html = (tmp_path / "out" / "index.html").read_text()
    assert 'id="no-linkage-quality"' in html


def test_symbol_legend_and_offline_script(report_dir: Path) -> None:
    html = (report_dir / "index.html").read_text()
    assert 'id="symbol-legend"' in html
    assert "<dt>c</dt>" in html and "<dt>z</dt>" in html
    assert not re.search(r'<script[^>]+src="https?:', html), "no script may come from the network"
    assert "window.vegaEmbed" in html  # the (stubbed) bundle is inlined


def test_a_suppressed_la_still_gets_the_other_las_for_context(report_dir: Path) -> None:
    html = (report_dir / f"{LEAK_ROW['area_code']}.html").read_text()
    ident = LEAK_ROW["indicator_id"]
    fact = re.search(
        rf'data-indicator="{ident}" data-status="suppressed">(.*?)</article>', html, re.S
    )
    compare = _text(re.search(r'<p class="compare">(.*?)</p>', fact.group(1), re.S).group(1))
    assert compare.startswith("Published for 7 boroughs")
    assert "For all children in Brent it is" in compare


def test_unknown_area_is_refused(sample_warehouse: Path, tmp_path: Path, stub_bundle: None) -> None:
    from cyplink.errors import CyplinkError
    from cyplink.report.data import load_report_data
    from cyplink.report.render import build_report

    with pytest.raises(CyplinkError, match="E09999999"):
        build_report(load_report_data(sample_warehouse), tmp_path, only=["E09999999"])


def test_breakdowns_of_the_latest_year_are_tabulated(report_dir: Path) -> None:
    html = (report_dir / "E09000005.html").read_text()
    table = re.search(
        r'<table class="data breakdown" data-breakdown="Sex">(.*?)</table>', html, re.S
    )
    assert table, "the sample has a sex breakdown of cla_31mar_count"
    header = _text(re.search(r"<thead>(.*?)</thead>", table.group(1), re.S).group(1))
    assert "Male" in header and "Female" in header
    assert 'data-indicator="cla_31mar_count"' in table.group(1)


def test_the_report_is_deterministic(
    sample_warehouse: Path, report_dir: Path, tmp_path: Path, stub_bundle: None
) -> None:
    from cyplink.report.data import load_report_data
    from cyplink.report.render import build_report

    build_report(load_report_data(sample_warehouse), tmp_path, only=["E09000015"])
    for name in ("index.html", "E09000015.html"):
        assert (tmp_path / name).read_bytes() == (report_dir / name).read_bytes(), name


def test_linkage_quality_shows_a_withheld_rate_as_its_lower_bound(report_dir: Path) -> None:
    from cyplink.report.sample import sample_linkage_quality

    quality = sample_linkage_quality()
    bounded = quality[quality["link_rate_pct"].isna()].iloc[0]
    exact = quality[quality["link_rate_pct"].notna()].iloc[0]
    page = _text((report_dir / f"{bounded['area_code']}.html").read_text())
    linkage = page[page.index("Linkage quality summary — ") :]
    bound = f"≥ {bounded['link_rate_at_least_pct']:.0f}"
    assert bound in linkage
    assert "Fewer than 10 records are unlinked" in linkage
    # the withheld linked count never appears; the published counts do
    assert f"{bounded['records']:,}" in linkage
    exact_page = _text((report_dir / f"{exact['area_code']}.html").read_text())
    assert (
        f"{exact['link_rate_pct']:.1f}"
        in exact_page[exact_page.index("Linkage quality summary — ") :]
    )


def _rows(values: dict[str, float | None]) -> list[dict]:
    names = {code: name for code, name, _ in BOROUGHS}
    return [
        {
            "area_code": code,
            "area_name": names[code],
            "status": "published" if value is not None else "suppressed",
            "value": value,
            "numerator": value,
            "denominator": 100.0 if value is not None else None,
        }
        for code, value in values.items()
    ]


def test_comparison_sentence_handles_ties_zeros_and_nothing_published() -> None:
    from cyplink.report.narrative import comparison_sentence

    areas = [Area(code, name) for code, name, _ in BOROUGHS]
    brent, ealing, hf = areas[0], areas[1], areas[2]
    codes = [a.code for a in areas[:3]]
    # all zero: no ranking, and no funnel verdict (the limits collapse at a target of 0)
    zeros = comparison_sentence(_rows(dict.fromkeys(codes, 0.0)), RATE, brent, areas)
    assert "Every one of the 3 boroughs with a published figure has the same value" in zeros
    assert "highest" not in zeros and "funnel" not in zeros
    # a tie at the top is joint, the one below is 3rd
    tied = {codes[0]: 5.0, codes[1]: 5.0, codes[2]: 2.0}
    assert "joint highest of the 3 boroughs" in comparison_sentence(
        _rows(tied), RATE, ealing, areas
    )
    assert "the lowest of the 3 boroughs" in comparison_sentence(_rows(tied), RATE, hf, areas)
    # own figure suppressed and nobody else published: say so, do not stay silent
    none = comparison_sentence(_rows(dict.fromkeys(codes)), RATE, brent, areas)
    assert none == "Not published for any other boroughs either."


def test_count_of_uses_the_singular_for_one_area() -> None:
    from cyplink.report.narrative import count_of

    assert count_of(1, "other boroughs") == "1 other borough"
    assert count_of(2, "other boroughs") == "2 other boroughs"
    assert count_of(1, "local authorities") == "1 local authority"
    assert count_of(5, "local authorities") == "5 local authorities"
