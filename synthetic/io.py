"""Writing CSV fast and deterministically (pyarrow tables copied out by DuckDB)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

_CON: duckdb.DuckDBPyConnection | None = None


def _con() -> duckdb.DuckDBPyConnection:
    global _CON
    if _CON is None:
        _CON = duckdb.connect()
        _CON.execute("set preserve_insertion_order = true")
        _CON.execute("set threads = 2")
    return _CON


def to_arrow(columns: dict[str, Any]) -> pa.Table:
    """Build a table of strings/integers; None and NaN become nulls."""
    arrays = {}
    n = next(
        len(v)
        for v in columns.values()
        if v is not None and not isinstance(v, str) and np.ndim(v) > 0
    )
    for name, values in columns.items():
        if (
            values is None
            or isinstance(values, str)
            or (not isinstance(values, pa.Array | pa.ChunkedArray) and np.ndim(values) == 0)
        ):
            values = np.full(n, values, dtype=object)
        if isinstance(values, pa.Array | pa.ChunkedArray):
            arrays[name] = values
            continue
        arr = np.asarray(values)
        if arr.dtype.kind in "iu":
            arrays[name] = pa.array(arr)
        elif arr.dtype.kind == "f":
            arrays[name] = pa.array(arr, from_pandas=True).cast(pa.string())
        elif arr.dtype.kind == "b":
            arrays[name] = pa.array(arr.astype(np.int8))
        else:
            try:
                arrays[name] = pa.array(arr, type=pa.string(), from_pandas=True)
            except (pa.ArrowTypeError, pa.ArrowInvalid):
                s = pd.Series(arr, dtype=object)
                s = s.where(s.isna(), s.astype(str))
                arrays[name] = pa.array(
                    s.where(s.notna(), None).to_numpy(), type=pa.string(), from_pandas=True
                )
    return pa.table(arrays)


def write_csv(columns: dict[str, object] | pa.Table, path: Path) -> int:
    """Write one CSV (header row, RFC 4180 quoting where needed); returns rows written."""
    table = columns if isinstance(columns, pa.Table) else to_arrow(columns)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # fast path: no value needs quoting (no comma, quote or line break anywhere)
        with path.open("wb") as handle:
            handle.write((",".join(table.column_names) + "\n").encode("utf-8"))
            pacsv.write_csv(
                table, handle, pacsv.WriteOptions(include_header=False, quoting_style="none")
            )
        return table.num_rows
    except pa.ArrowInvalid:
        pass
    con = _con()
    con.register("_out", table)
    try:
        con.execute(f"copy (select * from _out) to '{path}' (format csv, header true)")
    finally:
        con.unregister("_out")
    return table.num_rows
