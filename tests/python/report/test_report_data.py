"""Reading the publication models: required table, catalogue choice, blanking suppressed rows."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from report_fixtures import LEAK_ROW, LEAK_VALUES

from cyplink.errors import CyplinkError
from cyplink.report.data import (
    NUMERIC_COLUMNS,
    load_report_data,
    sanitise_by_status,
    sanitise_indicators,
)
from cyplink.report.sample import sample_catalogue, sample_indicators, write_sample_warehouse


def test_suppressed_rows_lose_their_numbers_on_reading(sample_warehouse: Path) -> None:
    data = load_report_data(sample_warehouse)
    row = data.indicators[
        (data.indicators["indicator_id"] == LEAK_ROW["indicator_id"])
        & (data.indicators["area_code"] == LEAK_ROW["area_code"])
        & (data.indicators["period"] == LEAK_ROW["period"])
        & (data.indicators["breakdown"] == "all")
    ].iloc[0]
    assert row["status"] == "suppressed"
    for column in LEAK_VALUES:
        assert pd.isna(row[column]), column
    hidden = data.indicators[data.indicators["status"] != "published"]
    assert not hidden.empty
    assert hidden[list(NUMERIC_COLUMNS)].isna().all().all()


def test_status_is_normalised_and_period_is_a_year() -> None:
    frame = sample_indicators().head(3).copy()
    frame["status"] = [" Published", "SUPPRESSED", None]
    frame["period"] = frame["period"].astype(str)
    out = sanitise_indicators(frame)
    assert list(out["status"]) == ["published", "suppressed", "published"]
    assert str(out["period"].dtype) == "Int64"


def test_missing_columns_are_named() -> None:
    with pytest.raises(CyplinkError, match="lower_ci"):
        sanitise_indicators(sample_indicators().drop(columns=["lower_ci"]))


def test_missing_warehouse_or_table_gives_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CyplinkError, match="does not exist"):
        load_report_data(tmp_path / "nope.duckdb")
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(CyplinkError, match=r"publication\.indicators"):
        load_report_data(empty)


def test_reads_the_published_catalogue_and_linkage_quality(sample_warehouse: Path) -> None:
    data = load_report_data(sample_warehouse)
    assert data.catalogue_source == "publication.indicator_catalogue"
    mh = data.meta("cla_mh_service_contact_pct")
    assert mh.name == "Looked-after children in contact with mental health services"
    assert (mh.kind, mh.multiplier) == ("proportion", 100.0)
    assert data.meta("cla_31mar_rate_per_10k").multiplier == 10_000
    assert data.meta("cla_ae_attendance_rate_per_1000").multiplier == 1_000
    assert data.meta("oc2_sdq_mean").kind == "mean"
    assert data.meta("cla_started").kind == "count"
    assert set(data.linkage_quality) == {"linkage_quality_summary"}
    assert data.notes == []


def test_falls_back_to_the_reference_seed_and_notes_absences(tmp_path: Path) -> None:
    path = write_sample_warehouse(
        tmp_path / "w.duckdb", with_catalogue=False, with_linkage_quality=False
    )
    with duckdb.connect(str(path)) as con:
        con.register("catalogue", sample_catalogue())
        con.execute("create schema reference")
        con.execute("create table reference.indicator_catalogue as select * from catalogue")
    data = load_report_data(path)
    assert data.catalogue_source == "reference.indicator_catalogue"
    assert data.linkage_quality == {}

    bare = write_sample_warehouse(
        tmp_path / "bare.duckdb", with_catalogue=False, with_linkage_quality=False
    )
    data = load_report_data(bare)
    assert data.catalogue_source is None
    assert any("No indicator catalogue" in note for note in data.notes)
    assert data.meta("cla_31mar_count").name  # a readable stand-in


def test_areas_are_local_authorities_only(tmp_path: Path) -> None:
    frame = sample_indicators()
    region = frame[frame["area_code"] == "E09000005"].head(5).copy()
    region["area_code"], region["area_name"] = "E12000007", "London"
    path = write_sample_warehouse(tmp_path / "w.duckdb", indicators=pd.concat([frame, region]))
    data = load_report_data(path)
    codes = [a.code for a in data.areas]
    assert "E12000007" not in codes
    assert len(codes) == 8 and codes[0] == "E09000005"  # sorted by name: Brent first
    assert "E12000007" not in set(data.rows("cla_31mar_count")["area_code"])


def test_proportions_held_as_fractions_are_shown_as_percentages(tmp_path: Path) -> None:
    frame = sample_indicators()
    pct = frame["indicator_id"] == "cla_3plus_placements_pct"
    for column in ("value", "lower_ci", "upper_ci"):
        frame.loc[pct, column] = frame.loc[pct, column] / 100
    data = load_report_data(write_sample_warehouse(tmp_path / "w.duckdb", indicators=frame))
    rows = data.rows("cla_3plus_placements_pct").dropna(subset=["value"])
    assert data.meta("cla_3plus_placements_pct").multiplier == 100
    assert rows["value"].between(1, 100).all()


def test_other_tables_are_blanked_by_status_too() -> None:
    frame = pd.DataFrame({"records": [100, 5], "status": ["published", "suppressed"]})
    out = sanitise_by_status(frame)
    assert out.loc[0, "records"] == 100 and pd.isna(out.loc[1, "records"])
