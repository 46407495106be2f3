"""The indicator-vs-truth comparison judges each row by its indicator's tolerance."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from cyplink.errors import CyplinkError
from cyplink.indicator_truth import (
    ComparedRow,
    agreement_table,
    compare_with_truth,
    main,
    summarise,
)

TRUTH_CSV = """indicator_id,area_code,period,breakdown,breakdown_value,numerator,denominator,value
cla_31mar_count,E09000005,2024,all,all,400,,400
cla_31mar_count,E09000009,2024,all,all,400,,400
cla_3plus_placements_pct,E09000005,2024,all,all,40,400,10.0
cla_same_placement_2yrs_pct,E09000005,2016,all,all,10,20,50.0
oc2_sdq_mean,E09000005,2024,all,all,1400,100,14.0
cla_31mar_count,E09000005,2024,sex,male,200,,200
"""


@pytest.fixture()
def warehouse_and_truth(tmp_path: Path) -> tuple[Path, Path]:
    truth = tmp_path / "truth"
    truth.mkdir()
    (truth / "expected_indicators.csv").write_text(TRUTH_CSV)
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema marts")
        con.execute(
            """
            create table marts.indicator_values as
            select * from (values
                ('cla_31mar_count', 'E09000005', 2024, 'all', 'all', 404, null, 404.0),
                ('cla_31mar_count', 'E09000009', 2024, 'all', 'all', 405, null, 405.0),
                ('cla_3plus_placements_pct', 'E09000005', 2024, 'all', 'all', 45, 400, 11.25),
                ('cla_same_placement_2yrs_pct', 'E09000005', 2016, 'all', 'all', 2, 20, 10.0),
                ('oc2_sdq_mean', 'E09000005', 2024, 'all', 'all', 1405, 100, 14.05)
            ) as t(indicator_id, area_code, period, breakdown, breakdown_value,
                   numerator, denominator, value)
            """
        )
    return warehouse, truth


def test_rows_are_judged_by_their_tolerance(warehouse_and_truth) -> None:
    rows = {
        (row.indicator_id, row.area_code, row.period): row
        for row in compare_with_truth(*warehouse_and_truth)
    }
    assert len(rows) == 5, "only headline rows are compared"
    assert rows["cla_31mar_count", "E09000005", 2024].agrees()  # 1.0% off
    assert not rows["cla_31mar_count", "E09000009", 2024].agrees()  # 1.25% off
    pct = rows["cla_3plus_placements_pct", "E09000005", 2024]
    assert pct.gap == pytest.approx(1.25)
    assert not pct.agrees()
    assert rows["oc2_sdq_mean", "E09000005", 2024].agrees()


def test_small_number_allowance_accepts_counts_within_one_child() -> None:
    row = ComparedRow("oc2_immunisations_pct", "E09000005", 2024, 9, 10, 90.0, 10, 10, 100.0)
    assert not row.agrees()
    assert row.agrees(small_number_allowance=True)


def test_summary_skips_left_censored_rows_and_reports_the_worst(warehouse_and_truth) -> None:
    summaries = {
        summary.indicator_id: summary
        for summary in summarise(compare_with_truth(*warehouse_and_truth))
    }
    assert "cla_same_placement_2yrs_pct" not in summaries
    counts = summaries["cla_31mar_count"]
    assert (counts.rows, counts.rows_outside_tolerance) == (2, 1)
    assert counts.worst_row is not None and counts.worst_row.area_code == "E09000009"
    assert counts.pooled_gap == pytest.approx(100 * 9 / 800)
    table = agreement_table(list(summaries.values()))
    assert "| `cla_31mar_count` | 1% | 2 | 1 | +1.25% (E09000009, 2024: 405 vs 400) |" in table


def test_a_missing_truth_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CyplinkError, match="no truth file"):
        compare_with_truth(tmp_path / "warehouse.duckdb", tmp_path)
    assert main([str(tmp_path / "warehouse.duckdb"), str(tmp_path)]) == 2
