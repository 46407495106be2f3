"""Twins (same surname, date of birth and postcode, different forenames) stay apart."""

from __future__ import annotations

from pathlib import Path

from linkage_fixtures import append_identifier_rows, make_people, read_person_key, write_landing

from linkage.pipeline import run_link

TWINS = {
    # source, provider, record id, twin, row
    ("gp", "NWL", "GP-TA"): ("A", {"nhs_number": "4010232137", "forename": "Amara"}),
    ("gp", "NWL", "GP-TB"): ("B", {"nhs_number": "4000000020", "forename": "Adaeze"}),
    ("sus", "NWL", "S-TA"): ("A", {"nhs_number": "4010232137"}),
    ("sus", "NWL", "S-TB"): ("B", {"nhs_number": "4000000020"}),
    ("school_census", "E09000009", "TWIN-UPN-A"): (
        "A",
        {"upn": "B801200005001", "forename": "Amara"},
    ),
    ("school_census", "E09000009", "TWIN-UPN-B"): (
        "B",
        {"upn": "Q801200005002", "forename": "Adaeze"},
    ),
    # a csc record with neither NHS number nor UPN: only the forename tells them apart
    ("csc", "E09000009", "C-TA"): ("A", {"forename": "AMARA"}),
}
COMMON = {
    "surname": "Okafor",
    "dob": "2014-06-09",
    "sex": "F",
    "postcode": "UB1 3AB",
    "record_date": "2022-03-31",
}


def _append_twins(landing: Path) -> None:
    for (source, provider, record_id), (_twin, row) in TWINS.items():
        values = {**COMMON, **row}
        if source in ("sus", "mhsds"):
            values.pop("surname")
        append_identifier_rows(
            landing, source, provider, [{"source_record_id": record_id, **values}]
        )


def test_twins_stay_apart(tmp_path, fast_params, key_file):
    landing = tmp_path / "landing"
    write_landing(make_people(120, twins=5), landing)
    _append_twins(landing)
    warehouse = tmp_path / "wh.duckdb"
    run_link(landing, warehouse, key_file, params=fast_params, show_progress=False)
    ids = read_person_key(warehouse)
    twin_ids = {"A": set(), "B": set()}
    for key, (twin, _row) in TWINS.items():
        twin_ids[twin].add(ids[key])
    assert len(twin_ids["A"]) == 1, "twin A's records are split"
    assert len(twin_ids["B"]) == 1, "twin B's records are split"
    assert twin_ids["A"].isdisjoint(twin_ids["B"]), "twins were linked together"
