"""Name errors seen at scale 1.0 (issue 6): swapped forename and surname, and a nickname
typed with an error. The records must link to the right child, and twins stay apart."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from linkage_fixtures import (
    append_identifier_rows,
    make_people,
    read_person_key,
    write_landing,
)

from linkage.pipeline import run_link

SWAP_RULE = (
    "l.forename1 = r.surname_compact and l.surname_compact = r.forename1 "
    "and l.dob_year = r.dob_year"
)


def _swap_landing(landing: Path) -> dict[str, str]:
    """A population plus, for 40 children, a csc record with forename and surname swapped.

    Twenty keep their postcode (EM sees swaps in the date of birth + postcode session);
    the other twenty carry only the swapped names, date of birth and sex, so nothing but
    the swapped-name blocking rule makes them a candidate pair. Returns those twenty
    record ids, each with the id of the same child's GP record.
    """
    people = [person for person in make_people(300, seed=5, twins=5) if person.surname]
    write_landing(people, landing)
    rows, targets = [], {}
    for i, person in enumerate(people[:40]):
        record_id = f"SWAP{i:02d}"
        rows.append(
            {
                "source_record_id": record_id,
                "forename": person.surname.upper(),
                "surname": person.forename.title(),
                "dob": person.dob.strftime("%d/%m/%Y"),
                "sex": "1" if person.sex == "M" else "2",
                "postcode": person.postcode if i < 20 else "",
                "record_date": "2022-03-31",
            }
        )
        if i >= 20:
            targets[record_id] = f"GP{person.pid}"
    append_identifier_rows(landing, "csc", "E09000009", rows)
    return targets


def test_swapped_names_link_through_their_own_blocking_rule(tmp_path, fast_params, key_file):
    landing = tmp_path / "landing"
    targets = _swap_landing(landing)
    without_rule = dataclasses.replace(
        fast_params,
        blocking_rules=tuple(rule for rule in fast_params.blocking_rules if rule != SWAP_RULE),
    )
    assert len(without_rule.blocking_rules) == len(fast_params.blocking_rules) - 1

    linked: dict[str, int] = {}
    for name, params in (("with", fast_params), ("without", without_rule)):
        warehouse = tmp_path / f"{name}.duckdb"
        run_link(landing, warehouse, key_file, params=params, show_progress=False)
        ids = read_person_key(warehouse)
        linked[name] = sum(
            ids[("csc", "E09000009", record_id)] == ids[("gp", "NWL", gp_record_id)]
            for record_id, gp_record_id in targets.items()
        )
    assert linked["with"] >= 18, f"only {linked['with']} of 20 swapped-name records linked"
    assert linked["without"] <= 2, "the swapped-name records link without the rule"


def test_nickname_typo_joins_the_right_twin(tmp_path, fast_params, key_file):
    """Twins Jakub and Szymon share surname, date of birth, sex and postcode. An LA record
    with neither NHS number nor UPN names the child `Kua` (Kuba, a nickname of Jakub,
    with a letter missing): it belongs with Jakub, and the twins stay apart."""
    landing = tmp_path / "landing"
    write_landing(make_people(150, seed=9, twins=5), landing)
    common = {
        "surname": "Nowak",
        "dob": "2013-04-21",
        "sex": "M",
        "postcode": "HA0 2QT",
        "record_date": "2022-03-31",
    }
    twins = {
        "A": {"nhs_number": "4010232137", "forename": "Jakub"},
        "B": {"nhs_number": "4000000020", "forename": "Szymon"},
    }
    nameless = {key: value for key, value in common.items() if key != "surname"}
    append_identifier_rows(
        landing,
        "gp",
        "NWL",
        [{"source_record_id": f"GP-{t}", **common, **row} for t, row in twins.items()],
    )
    append_identifier_rows(
        landing,
        "sus",
        "NWL",
        [
            {"source_record_id": f"S-{t}", **nameless, "nhs_number": row["nhs_number"]}
            for t, row in twins.items()
        ],
    )
    append_identifier_rows(
        landing, "csc", "E09000009", [{"source_record_id": "C-KUA", **common, "forename": "Kua"}]
    )
    warehouse = tmp_path / "wh.duckdb"
    run_link(landing, warehouse, key_file, params=fast_params, show_progress=False)
    ids = read_person_key(warehouse)
    twin_a = {ids[("gp", "NWL", "GP-A")], ids[("sus", "NWL", "S-A")]}
    twin_b = {ids[("gp", "NWL", "GP-B")], ids[("sus", "NWL", "S-B")]}
    assert len(twin_a) == 1 and len(twin_b) == 1, "a twin's records are split"
    assert twin_a.isdisjoint(twin_b), "twins were linked together"
    assert ids[("csc", "E09000009", "C-KUA")] in twin_a, "the LA record did not join Jakub"
