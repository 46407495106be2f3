"""Small hand-made identifier populations for linkage tests (no synthetic generator).

`make_population` writes identifier extracts for a few hundred children across all
five sources with realistic noise (nicknames, typos, transposed dates, moves,
missing NHS numbers), including pairs of twins, and returns the truth map.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from linkage.model_settings import LinkageParameters
from linkage.reader import ALL_COLUMNS

FORENAMES_M = [
    "oliver",
    "muhammad",
    "george",
    "noah",
    "arthur",
    "leo",
    "harry",
    "oscar",
    "jack",
    "archie",
    "henry",
    "theodore",
    "freddie",
    "alfie",
    "charlie",
    "thomas",
    "william",
    "isaac",
    "joshua",
    "daniel",
    "yusuf",
    "ibrahim",
    "adam",
    "omar",
    "ali",
    "arjun",
]
FORENAMES_F = [
    "olivia",
    "amelia",
    "isla",
    "ava",
    "ivy",
    "freya",
    "lily",
    "florence",
    "mia",
    "willow",
    "rosie",
    "sophia",
    "isabella",
    "grace",
    "daisy",
    "sienna",
    "poppy",
    "elsie",
    "emily",
    "aisha",
    "maryam",
    "fatima",
    "zainab",
    "hannah",
    "priya",
    "layla",
]
SURNAMES = [
    "smith",
    "jones",
    "williams",
    "taylor",
    "brown",
    "davies",
    "evans",
    "wilson",
    "thomas",
    "johnson",
    "roberts",
    "khan",
    "ali",
    "ahmed",
    "patel",
    "singh",
    "hussain",
    "begum",
    "shah",
    "ibrahim",
    "mohamed",
    "osei",
    "mensah",
    "nowak",
    "kowalski",
    "silva",
    "santos",
    "o'brien",
    "murphy",
    "kelly",
    "walsh",
    "smith-jones",
    "clarke",
    "lewis",
    "walker",
    "hall",
    "wright",
    "green",
    "baker",
    "hill",
    "okafor",
    "adeyemi",
    "rahman",
    "miah",
]
NICKNAMES = {
    "william": "bill",
    "thomas": "tom",
    "daniel": "danny",
    "muhammad": "mohammed",
    "isabella": "bella",
    "joshua": "josh",
    "charlie": "charles",
    "hannah": "anna",
}
DISTRICTS = ["UB1", "UB2", "UB3", "W3", "W5", "W7", "W13", "HA0", "HA9", "NW10", "TW3", "TW5"]
LAS = ["E09000009", "E09000017"]
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"

# the columns of an identifier extract (landing contract, identifiers/<source>/<provider>),
# as the reader under test declares them
IDENTIFIER_COLUMNS = list(ALL_COLUMNS)


def nhs_check_digit(nine: str) -> int | None:
    """Modulus 11 check digit for 9 digits (None when the check would be 10)."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(nine))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def make_nhs(rng: random.Random) -> str:
    while True:
        nine = str(rng.randint(400000000, 799999999))
        check = nhs_check_digit(nine)
        if check is not None:
            return nine + str(check)


def upn_check_letter(twelve: str) -> str:
    """DfE check letter for the 12 characters after it."""
    total = 0
    for position, char in enumerate(twelve, start=2):
        value = int(char) if char.isdigit() else UPN_LETTERS.index(char)
        total += value * position
    return UPN_LETTERS[total % 23]


def make_upn(rng: random.Random) -> str:
    la, estab, year = rng.choice([307, 312]), rng.randint(1000, 9999), rng.randint(10, 24)
    twelve = f"{la}{estab}{year}{rng.randint(0, 999):03d}"
    return upn_check_letter(twelve) + twelve


@dataclass
class Person:
    pid: str
    forename: str
    surname: str
    dob: date
    sex: str
    postcode: str
    nhs: str
    upn: str
    la: str
    moved_postcode: str = ""
    first_year: int = 0
    records: list[tuple[str, str, str]] = field(default_factory=list)


def _postcode(rng: random.Random) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"{rng.choice(DISTRICTS)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def make_people(n: int, seed: int = 7, twins: int = 10) -> list[Person]:
    rng = random.Random(seed)
    people: list[Person] = []
    i = 0
    while len(people) < n:
        sex = rng.choice("MF")
        dob = date(2006, 1, 1) + timedelta(days=rng.randint(0, 365 * 16))
        forename = rng.choice(FORENAMES_M if sex == "M" else FORENAMES_F)
        person = Person(
            f"P{i:05d}",
            forename,
            rng.choice(SURNAMES),
            dob,
            sex,
            _postcode(rng),
            make_nhs(rng),
            make_upn(rng),
            rng.choice(LAS),
        )
        person.moved_postcode = _postcode(rng)
        people.append(person)
        i += 1
        if twins > 0:
            twins -= 1
            sex2 = rng.choice("MF")
            names = FORENAMES_M if sex2 == "M" else FORENAMES_F
            forename2 = rng.choice([f for f in names if f != forename])
            twin = Person(
                f"P{i:05d}",
                forename2,
                person.surname,
                dob,
                sex2,
                person.postcode,
                make_nhs(rng),
                make_upn(rng),
                person.la,
                person.moved_postcode,
            )
            people.append(twin)
            i += 1
    return people


def _noisy_forename(rng: random.Random, name: str) -> str:
    roll = rng.random()
    if roll < 0.05 and name in NICKNAMES:
        return NICKNAMES[name]
    if roll < 0.08 and len(name) > 4:
        k = rng.randint(1, len(name) - 2)
        return name[:k] + name[k + 1] + name[k] + name[k + 2 :]
    if roll < 0.12:
        return name.upper()
    return name.title()


def _dob_text(rng: random.Random, dob: date, fmt: str) -> str:
    roll = rng.random()
    if roll < 0.01 and dob.day <= 12 and dob.day != dob.month:
        dob = date(dob.year, dob.day, dob.month)
    return dob.strftime(fmt)


def write_landing(
    people: list[Person], landing: Path, years: tuple[int, ...] = (2022,), seed: int = 11
) -> dict[tuple[str, str, str], str]:
    """Write identifier extracts for `people` over `years`; return truth by record key."""
    rows: dict[tuple[str, str], list[dict[str, str]]] = {}
    truth: dict[tuple[str, str, str], str] = {}

    def add(source: str, provider: str, record_id: str, person: Person, row: dict[str, str]):
        rows.setdefault((source, provider), []).append({"source_record_id": record_id, **row})
        truth[(source, provider, record_id)] = person.pid

    for p in people:
        prng = random.Random(f"{seed}-{p.pid}")
        in_sus = prng.random() < 0.5
        in_mhsds = prng.random() < 0.15
        in_csc = prng.random() < 0.25
        in_school = p.dob.year <= 2019 and prng.random() < 0.85
        for year in years:
            if year < p.first_year:
                continue
            rng = random.Random(f"{seed}-{p.pid}-{year}")
            postcode = p.postcode if year <= 2022 or rng.random() < 0.7 else p.moved_postcode
            record_date = f"{year}-03-31"
            add(
                "gp",
                "NWL",
                f"GP{p.pid}",
                p,
                {
                    "nhs_number": p.nhs if rng.random() > 0.01 else "",
                    "forename": _noisy_forename(rng, p.forename),
                    "surname": p.surname.upper() if rng.random() < 0.5 else p.surname.title(),
                    "dob": _dob_text(rng, p.dob, "%Y-%m-%d"),
                    "sex": p.sex,
                    "postcode": postcode.replace(" ", "") if rng.random() < 0.2 else postcode,
                    "record_date": record_date,
                },
            )
            if in_sus:
                add(
                    "sus",
                    "NWL",
                    f"S{p.pid}",
                    p,
                    {
                        "nhs_number": p.nhs if rng.random() > 0.03 else "",
                        "dob": _dob_text(rng, p.dob, "%Y-%m-%d"),
                        "sex": "1" if p.sex == "M" else "2",
                        "postcode": postcode,
                        "record_date": record_date,
                    },
                )
            if in_mhsds:
                add(
                    "mhsds",
                    "NWL",
                    f"MH{p.pid}",
                    p,
                    {
                        "nhs_number": f"{p.nhs[:3]} {p.nhs[3:6]} {p.nhs[6:]}",
                        "dob": _dob_text(rng, p.dob, "%Y-%m-%d"),
                        "sex": p.sex,
                        "postcode": postcode,
                        "record_date": record_date,
                    },
                )
            if in_csc:
                add(
                    "csc",
                    p.la,
                    f"C{p.pid}",
                    p,
                    {
                        "nhs_number": p.nhs if rng.random() < 0.5 else "",
                        "upn": p.upn if rng.random() < 0.7 else "",
                        "forename": _noisy_forename(rng, p.forename),
                        "surname": p.surname.title(),
                        "dob": _dob_text(rng, p.dob, "%d/%m/%Y"),
                        "sex": "1" if p.sex == "M" else "2",
                        "postcode": postcode,
                        "record_date": record_date,
                    },
                )
            if in_school:
                add(
                    "school_census",
                    p.la,
                    p.upn,
                    p,
                    {
                        "upn": p.upn,
                        "forename": _noisy_forename(rng, p.forename),
                        "surname": p.surname.title(),
                        "dob": _dob_text(rng, p.dob, "%Y-%m-%d"),
                        "sex": p.sex,
                        "postcode": postcode,
                        "record_date": record_date,
                    },
                )
    columns = IDENTIFIER_COLUMNS
    for (source, provider), records in rows.items():
        folder = landing / "identifiers" / source / provider
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / "identifiers.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, restval="")
            writer.writeheader()
            writer.writerows(records)
    return truth


def write_truth(truth: dict[tuple[str, str, str], str], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "person_map.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["source_system", "provider_code", "source_record_id", "true_person_id"])
        for (source, provider, record), pid in sorted(truth.items()):
            writer.writerow([source, provider, record, pid])


def append_identifier_rows(
    landing: Path, source: str, provider: str, rows: list[dict[str, str]]
) -> None:
    """Append rows to one identifier extract under `landing` (a new file gets its header)."""
    path = landing / "identifiers" / source / provider / "identifiers.csv"
    new_file = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=IDENTIFIER_COLUMNS, restval="")
        if new_file:
            writer.writeheader()
        writer.writerows(rows)


def read_person_key(warehouse: Path) -> dict[tuple[str, str, str], str]:
    """person_id by record key (source_system, provider_code, source_record_id)."""
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(
            "select source_system, provider_code, source_record_id, person_id "
            "from linkage.person_key"
        ).fetchall()
    finally:
        con.close()
    return {(row[0], row[1], row[2]): row[3] for row in rows}


def link_labelled_records(
    tmp_path: Path,
    params: LinkageParameters,
    key_file: Path,
    records: dict[tuple[str, str, str], tuple[str, dict[str, str]]],
) -> dict[str, set[str]]:
    """Link a 120-person population (5 twin pairs) plus `records`, each a record key
    mapped to (label, identifier row); return the person_ids each label's records got."""
    from linkage.pipeline import run_link

    landing = tmp_path / "landing"
    write_landing(make_people(120, twins=5), landing)
    for (source, provider, record_id), (_label, row) in records.items():
        append_identifier_rows(landing, source, provider, [{"source_record_id": record_id, **row}])
    warehouse = tmp_path / "wh.duckdb"
    run_link(landing, warehouse, key_file, params=params, show_progress=False)
    ids = read_person_key(warehouse)
    found: dict[str, set[str]] = {}
    for key, (label, _row) in records.items():
        found.setdefault(label, set()).add(ids[key])
    return found
