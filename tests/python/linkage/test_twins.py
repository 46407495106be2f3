"""Twins (same surname, date of birth and postcode, different forenames) stay apart."""

from __future__ import annotations

from linkage_fixtures import link_labelled_records

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


def _twin_rows() -> dict[tuple[str, str, str], tuple[str, dict[str, str]]]:
    rows = {}
    for key, (twin, row) in TWINS.items():
        values = {**COMMON, **row}
        if key[0] in ("sus", "mhsds"):
            values.pop("surname")
        rows[key] = (twin, values)
    return rows


def test_twins_stay_apart(tmp_path, fast_params, key_file):
    twin_ids = link_labelled_records(tmp_path, fast_params, key_file, _twin_rows())
    assert len(twin_ids["A"]) == 1, "twin A's records are split"
    assert len(twin_ids["B"]) == 1, "twin B's records are split"
    assert twin_ids["A"].isdisjoint(twin_ids["B"]), "twins were linked together"
