"""The CIN census XML ingest: flattening, lineage, unknown elements, bad files."""

from __future__ import annotations

from pathlib import Path

import duckdb

from cyplink.ingest.cin_xml import TABLES, ingest_cin

GOOD = """<?xml version="1.0" encoding="utf-8"?>
<Message xmlns="http://www.dfe.gov.uk/CIN">
  <Header><CollectionDetails><Collection>CIN</Collection><Year>2024</Year></CollectionDetails></Header>
  <Children>
    <Child>
      <ChildIdentifiers><LAchildID>C1</LAchildID><PersonBirthDate>2015-01-01</PersonBirthDate>
        <GenderCurrent>1</GenderCurrent></ChildIdentifiers>
      <ChildCharacteristics><Ethnicity>WBRI</Ethnicity>
        <Disabilities><Disability>MOB</Disability><Disability>HAND</Disability></Disabilities>
      </ChildCharacteristics>
      <CINdetails>
        <CINreferralDate>2023-05-01</CINreferralDate><ReferralSource>3A</ReferralSource>
        <Assessments><AssessmentActualStartDate>2023-05-02</AssessmentActualStartDate>
          <FactorsIdentifiedAtAssessment><AssessmentFactors>4A</AssessmentFactors>
            <AssessmentFactors>15A</AssessmentFactors></FactorsIdentifiedAtAssessment>
        </Assessments>
        <ChildProtectionPlans><CPPstartDate>2023-06-10</CPPstartDate>
          <Reviews><CPPreviewDate>2023-09-01</CPPreviewDate></Reviews></ChildProtectionPlans>
        <NewElement>x</NewElement>
      </CINdetails>
      <CINdetails><CINreferralDate>2024-01-01</CINreferralDate></CINdetails>
    </Child>
    <Child><ChildIdentifiers><LAchildID>C2</LAchildID></ChildIdentifiers></Child>
  </Children>
</Message>
"""


def _write(root: Path, la: str, year: str, text: str) -> Path:
    path = root / "cin_census" / la / year / "cin_census.xml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _rows(out: Path, table: str) -> list[tuple]:
    return duckdb.sql(f"select * from '{out / 'cin' / table}.parquet'").fetchall()


def test_flattens_every_entity_with_lineage(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    _write(landing, "E09000005", "2024", GOOD)
    report = ingest_cin(landing, tmp_path / "ingest")

    assert report.rejected == []
    counts = report.files[0].rows
    assert counts["child"] == 2
    assert counts["disabilities"] == 2
    assert counts["cin_details"] == 2
    assert counts["assessments"] == 1
    assert counts["assessment_factors"] == 2
    assert counts["cp_plans"] == 1
    assert counts["cp_reviews"] == 1

    referrals = duckdb.sql(
        f"select la_code, collection_year, child_seq, cin_seq, source_row_number, LAchildID, "
        f"CINreferralDate from '{tmp_path / 'ingest' / 'cin' / 'cin_details.parquet'}' "
        "order by source_row_number"
    ).fetchall()
    assert referrals == [
        ("E09000005", "2024", 1, 1, 1, "C1", "2023-05-01"),
        ("E09000005", "2024", 1, 2, 2, "C1", "2024-01-01"),
    ]
    factors = [row[-1] for row in _rows(tmp_path / "ingest", "assessment_factors")]
    assert factors == ["4A", "15A"]


def test_unknown_elements_are_reported_not_fatal(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    _write(landing, "E09000005", "2024", GOOD)
    report = ingest_cin(landing, tmp_path / "ingest")
    assert report.files[0].status == "loaded"
    assert "NewElement" in (report.files[0].message or "")
    unknown = _rows(tmp_path / "ingest", "unknown_elements")
    assert [(r[1], r[2]) for r in unknown] == [("Message/Children/Child/CINdetails/NewElement", 1)]


def test_malformed_file_is_rejected_and_others_still_load(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    _write(landing, "E09000005", "2024", GOOD)
    _write(landing, "E09000009", "2024", "<Message><Children><Child>")
    report = ingest_cin(landing, tmp_path / "ingest")

    statuses = {f.la_code: f.status for f in report.files}
    assert statuses == {"E09000005": "loaded", "E09000009": "rejected"}
    rejected = report.rejected[0]
    assert "not well-formed XML" in (rejected.message or "")
    children = _rows(tmp_path / "ingest", "child")
    assert {row[3] for row in children} == {"2024"}
    assert len(children) == 2  # nothing from the malformed file
    files = _rows(tmp_path / "ingest", "files")
    assert sorted(row[3] for row in files) == ["loaded", "rejected"]


def test_every_table_is_written_even_without_xml(tmp_path: Path) -> None:
    report = ingest_cin(tmp_path / "landing", tmp_path / "ingest")
    assert report.files == []
    for table in (*TABLES, "files", "row_counts", "unknown_elements"):
        path = tmp_path / "ingest" / "cin" / f"{table}.parquet"
        assert path.exists(), table
        assert duckdb.sql(f"select count(*) from '{path}'").fetchall() == [(0,)]
