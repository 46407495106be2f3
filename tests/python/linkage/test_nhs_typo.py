"""A mistyped NHS number still links (issue 6).

Modulus 11 catches every single mistyped digit, so standardisation rejects such a number;
but nine of its ten digits are right. On a nameless SUS record with no postcode, the
number as typed, the date of birth and sex are all there is: at scale 1.0 a looked-after
child's hospital record like this was the only one holding their emergency admission.
"""

from __future__ import annotations

import dataclasses

from linkage_fixtures import append_identifier_rows, make_people, read_person_key, write_landing

from linkage.pipeline import run_link
from linkage.standardise import check_nhs_numbers


def _mistype(nhs: str) -> str:
    """`nhs` with the first digit change (from the fourth) that fails the check."""
    for position in range(3, 10):
        for step in range(1, 10):
            digit = (int(nhs[position]) + step) % 10
            typed = f"{nhs[:position]}{digit}{nhs[position + 1 :]}"
            if check_nhs_numbers([typed])[0][1] is not None:
                return typed
    raise AssertionError(nhs)


def _linked(tmp_path, params, key_file) -> int:
    landing = tmp_path / "landing"
    people = make_people(150, seed=9, twins=5)
    truth = write_landing(people, landing)
    rows, expected = [], {}
    for i, person in enumerate(people[:30]):
        record_id = f"TYPO{i:02d}"
        rows.append(
            {
                "source_record_id": record_id,
                "nhs_number": _mistype(person.nhs),
                "dob": person.dob.isoformat(),
                "sex": person.sex,
                "record_date": "2022-06-01",
            }
        )
        gp = next(k for k, pid in truth.items() if pid == person.pid and k[0] == "gp")
        expected[record_id] = gp
    append_identifier_rows(landing, "sus", "NWL", rows)
    warehouse = tmp_path / "wh.duckdb"
    run_link(landing, warehouse, key_file, params=params, show_progress=False)
    ids = read_person_key(warehouse)
    return sum(ids[("sus", "NWL", r)] == ids[gp] for r, gp in expected.items())


def test_a_nameless_record_with_one_mistyped_digit_links(tmp_path, fast_params, key_file):
    assert _linked(tmp_path, fast_params, key_file) >= 27


def test_without_the_nhs_blocking_rules_it_is_never_compared(tmp_path, fast_params, key_file):
    without = dataclasses.replace(
        fast_params,
        blocking_rules=tuple(r for r in fast_params.blocking_rules if "nhs_digits" not in r),
    )
    assert len(without.blocking_rules) == len(fast_params.blocking_rules) - 2
    assert _linked(tmp_path, without, key_file) <= 3
