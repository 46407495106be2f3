"""The report in headless Chromium: charts draw offline, no console errors, screenshots.

Builds a sample warehouse in the DESIGN.md shape (with a suppressed row), runs the
report with the real Vega bundle inlined, opens the index and one LA page from disk
and checks that every chart produced an SVG. Screenshots go to test-artifacts/.
The project's dbt docs site (built without data, `cyplink docs --without-warehouse`) is
opened too: the overview, a model page and a source page must render their text.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from helpers import DBT_DOCS_KNOWN_NOISE, open_and_check

from cyplink.report.sample import sample_indicators, write_sample_warehouse

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The report of a sample warehouse with Brent's latest mental health figure suppressed."""
    from cyplink.report.data import load_report_data
    from cyplink.report.render import build_report

    frame = sample_indicators()
    hit = (
        (frame["indicator_id"] == "cla_3plus_placements_pct")
        & (frame["area_code"] == "E09000005")
        & (frame["period"] == 2025)
    )
    frame.loc[hit, "status"] = "suppressed"
    frame.loc[hit, ["numerator", "denominator", "value", "lower_ci", "upper_ci"]] = pd.NA
    root = tmp_path_factory.mktemp("browser")
    warehouse = write_sample_warehouse(root / "warehouse.duckdb", indicators=frame)
    out = root / "report"
    build_report(load_report_data(warehouse), out, only=["E09000005"])
    return out


def _all_charts_drawn(driver: object) -> tuple[int, int]:
    from selenium.webdriver.common.by import By

    charts = driver.find_elements(By.CSS_SELECTOR, ".chart[id]")  # type: ignore[attr-defined]
    drawn = driver.find_elements(  # type: ignore[attr-defined]
        By.CSS_SELECTOR, ".chart[data-rendered='true'] svg.marks"
    )
    return len(charts), len(drawn)


def test_index_page_renders_every_chart(report: Path, browser: object, artifacts: Path) -> None:
    check = open_and_check(
        report / "index.html",
        {
            "#areas a[data-area]": 8,
            "#key-facts .fact": 10,
            ".chart svg.marks": 20,
            "#symbol-legend": 1,
            "#linkage table.data": 1,
        },
        artifacts / "report-index.png",
        driver=browser,
    )
    charts, drawn = _all_charts_drawn(browser)
    assert charts == drawn == check.chart_count, (charts, drawn)
    assert check.screenshot and check.screenshot.stat().st_size > 50_000


def test_la_page_renders_and_leads_with_the_answer(
    report: Path, browser: object, artifacts: Path
) -> None:
    from selenium.webdriver.common.by import By

    check = open_and_check(
        report / "E09000005.html",
        {
            "#in-brief li": 2,
            "#health .pair": 3,
            "#compare .chart svg.marks": 10,
            "#trends .chart svg.marks": 10,
            "#trend-table td.symbol": 1,
        },
        artifacts / "report-la-brent.png",
        driver=browser,
    )
    charts, drawn = _all_charts_drawn(browser)
    assert charts == drawn == check.chart_count
    first = browser.find_element(By.CSS_SELECTOR, "#in-brief li[data-indicator]")  # type: ignore[attr-defined]
    assert "Brent looked after" in first.text
    mh = browser.find_element(  # type: ignore[attr-defined]
        By.CSS_SELECTOR, "#in-brief li[data-indicator='cla_mh_service_contact_pct']"
    )
    assert "were in contact with NHS mental health services" in mh.text
    assert "boroughs with a published figure" in mh.text
    suppressed = browser.find_element(  # type: ignore[attr-defined]
        By.CSS_SELECTOR, "#latest-table tr[data-indicator='cla_3plus_placements_pct']"
    )
    cells = [c.text for c in suppressed.find_elements(By.CSS_SELECTOR, "td")]
    assert cells[:3] == ["c", "c", "c"], cells


DOCS_PAGES = {
    # route of the dbt docs app -> text that must render there
    "overview": (
        "",
        [
            "cyplink: linked data on children",
            "Where to start",
            "Source freshness",
            "How good the linkage is",
            "Disclosure control",
        ],
    ),
    "model-indicators": (
        "#!/model/model.cyplink.indicators",
        [
            "indicators",
            "indicator table a BI tool or the report reads",
            "Statistical disclosure control (SDC) policy",
            "indicator_id",
            "lower_ci",
        ],
    ),
    "source-mhsds": (
        "#!/source/source.cyplink.mhsds.care_contacts",
        ["care_contacts", "MHS201CareContact", "UniqMonthID", "AttendOrDNACode"],
    ),
}


@pytest.mark.parametrize("page", list(DOCS_PAGES))
def test_dbt_docs_site_renders(
    docs_site: Path, browser: object, artifacts: Path, page: str
) -> None:
    fragment, expected_text = DOCS_PAGES[page]
    selectors = {".app-title": 1, "[ui-view]": 1}
    if not fragment:
        selectors["a[href*='#!/overview']"] = 1
    open_and_check(
        docs_site,
        selectors,
        artifacts / f"dbt-docs-{page}.png",
        driver=browser,
        settle=3.0,
        fragment=fragment,
        expected_text=expected_text,
        ignore=DBT_DOCS_KNOWN_NOISE,
    )
