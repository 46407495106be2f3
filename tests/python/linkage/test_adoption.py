"""An adopted child's LA record stays with the identity in use when it was made.

At adoption the child gets a new NHS number and surname; the linkage deliberately keeps
the two identities apart (one person, one NHS number). The school's UPN can survive the
adoption, so a UPN chain may join the LA's pre-adoption record to the post-adoption
identity. A record dated before the new NHS number was ever recorded, while the old one
was in use, must stay with the old identity: that is where the child's health records
from the time in care are (issue 6: one such child carried 15 emergency admissions).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from linkage_fixtures import link_labelled_records

from linkage import cluster

OLD_NHS, NEW_NHS, UPN = "4015314557", "5423932645", "H207200813056"
RECORDS = {
    # (source, provider, record id): (identity, row)
    ("gp", "NWL", "GP-OLD"): (
        "old",
        {
            "nhs_number": OLD_NHS,
            "forename": "Leah",
            "surname": "Williams",
            "postcode": "W8 5ZX",
            "record_date": "2012-03-18",
        },
    ),
    ("sus", "NWL", "S-OLD"): (
        "old",
        {"nhs_number": OLD_NHS, "postcode": "W8 5ZX", "record_date": "2016-03-12"},
    ),
    # the school's record carries no NHS number and may join either identity: the rule
    # holds back LA records only (applied to every record it cost recall elsewhere)
    ("school_census", "E09000020", UPN): (
        "school",
        {
            "upn": UPN,
            "forename": "LEAH",
            "surname": "WILLIAMS",
            "postcode": "W8 5ZX",
            "record_date": "2013-09-03",
        },
    ),
    ("csc", "E09000020", "C-OLD"): (
        "old",
        {
            "upn": UPN,
            "forename": "Leah",
            "surname": "Williams",
            "postcode": "W8 5ZX",
            "record_date": "2015-08-08",
        },
    ),
    ("gp", "NWL", "GP-NEW"): (
        "new",
        {
            "nhs_number": NEW_NHS,
            "forename": "Leah",
            "surname": "Wright",
            "postcode": "W8 5ZX",
            "record_date": "2019-12-28",
        },
    ),
    ("sus", "NWL", "S-NEW"): (
        "new",
        {"nhs_number": NEW_NHS, "postcode": "W8 5ZX", "record_date": "2020-04-18"},
    ),
    # an LA that knew the child after the adoption, recording the school's UPN (kept
    # through the adoption) but no NHS number: the UPN chains it to the first LA's
    # record before either meets an NHS number
    ("csc", "E09000013", "C-NEW2"): (
        "new",
        {
            "upn": UPN,
            "forename": "Leah",
            "surname": "Wright",
            "postcode": "NW10 9AA",
            "record_date": "2021-03-02",
        },
    ),
    # another LA, after the adoption: new name and NHS number
    ("csc", "E09000005", "C-NEW"): (
        "new",
        {
            "nhs_number": NEW_NHS,
            "forename": "Leah",
            "surname": "Wright",
            "postcode": "NW10 9AA",
            "record_date": "2024-11-22",
        },
    ),
}


def _person_ids(tmp_path: Path, fast_params, key_file) -> dict[str, set[str]]:
    records = {
        key: (identity, {"dob": "2009-04-09", "sex": "F", **row})
        for key, (identity, row) in RECORDS.items()
    }
    return link_labelled_records(tmp_path, fast_params, key_file, records)


def test_records_before_adoption_stay_with_the_old_identity(tmp_path, fast_params, key_file):
    found = _person_ids(tmp_path, fast_params, key_file)
    assert len(found["old"]) == 1, "the pre-adoption records are split"
    assert len(found["new"]) == 1, "the post-adoption records are split"
    assert found["old"].isdisjoint(found["new"]), "the two identities were linked"


def test_without_the_rule_the_upn_pulls_the_la_record_to_the_new_identity(
    tmp_path, fast_params, key_file, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(cluster, "_eras", lambda ids: None)
    found = _person_ids(tmp_path, fast_params, key_file)
    assert len(found["old"]) == 2, "expected the LA record to leave the old identity"


def test_without_the_era_check_the_two_las_records_chain_together(
    tmp_path, fast_params, key_file, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(cluster._Eras, "straddles", lambda self, lo, hi, key: False)
    found = _person_ids(tmp_path, fast_params, key_file)
    assert len(found["old"]) == 2, "expected the first LA's record to follow the second's"
