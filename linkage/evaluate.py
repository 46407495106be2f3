"""Pairwise precision, recall and F1 of `linkage.person_key` against synthetic truth.

A pair is two record keys. Predicted pairs share a `person_id`; true pairs share a
`true_person_id` (`truth/person_map.csv`). Counting is set-based: for groups of
size n there are n(n-1)/2 pairs, so

- predicted = sum over person_id of C(n, 2), true = sum over true_person_id of
  C(n, 2), true positives = sum over (person_id, true_person_id) of C(n, 2);
- per source pair (a, b), a group with n_a records of a and n_b of b holds
  n_a * n_b pairs (C(n_a, 2) when a = b).

Rows `scope = 'la_to_health'` pool the pairs of csc or school_census records with
any health record (gp, sus, mhsds), the target "recall of LA records to their
health records". Only keys present in both tables are evaluated; the counts of
keys missing from either side are reported with the results.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from cyplink.errors import CyplinkError
from linkage import HEALTH_SOURCES, LA_SOURCES


@dataclass
class Evaluation:
    """Metrics table and key coverage."""

    metrics: pd.DataFrame
    keys_only_in_person_key: int
    keys_only_in_truth: int

    def overall(self) -> pd.Series:
        return self.metrics[self.metrics.scope == "overall"].iloc[0]

    def row(self, scope: str, source_a: str, source_b: str) -> pd.Series:
        frame = self.metrics
        match = frame[
            (frame.scope == scope) & (frame.source_a == source_a) & (frame.source_b == source_b)
        ]
        return match.iloc[0]


PAIR_SQL = """
with joined as (
    select person_key.person_id, truth.true_person_id, person_key.source_system
    from wh.linkage.person_key as person_key
    inner join truth
        on truth.source_system = person_key.source_system
        and truth.provider_code = person_key.provider_code
        and truth.source_record_id = person_key.source_record_id
),
by_pred as (select person_id as g, source_system, count(*) as n from joined group by all),
by_true as (select true_person_id as g, source_system, count(*) as n from joined group by all),
by_both as (
    select person_id || '|' || true_person_id as g, source_system, count(*) as n
    from joined group by all
),
pairs as (
    select 'pred' as kind, a.source_system as source_a, b.source_system as source_b,
        sum(case when a.source_system = b.source_system then a.n * (a.n - 1) / 2
            else a.n * b.n end) as n_pairs
    from by_pred as a inner join by_pred as b
        on a.g = b.g and a.source_system <= b.source_system
    group by all
    union all
    select 'true', a.source_system, b.source_system,
        sum(case when a.source_system = b.source_system then a.n * (a.n - 1) / 2
            else a.n * b.n end)
    from by_true as a inner join by_true as b
        on a.g = b.g and a.source_system <= b.source_system
    group by all
    union all
    select 'tp', a.source_system, b.source_system,
        sum(case when a.source_system = b.source_system then a.n * (a.n - 1) / 2
            else a.n * b.n end)
    from by_both as a inner join by_both as b
        on a.g = b.g and a.source_system <= b.source_system
    group by all
)
pivot pairs on kind using sum(n_pairs) group by source_a, source_b
"""


def _metrics(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for col in ("pred", "true", "tp"):
        if col not in frame:
            frame[col] = 0
        frame[col] = frame[col].fillna(0).astype("int64")
    frame = frame.rename(
        columns={"pred": "predicted_pairs", "true": "true_pairs", "tp": "true_positives"}
    )
    frame["false_positives"] = frame.predicted_pairs - frame.true_positives
    frame["false_negatives"] = frame.true_pairs - frame.true_positives
    pred = frame.predicted_pairs.where(frame.predicted_pairs > 0)
    true = frame.true_pairs.where(frame.true_pairs > 0)
    frame["precision"] = (frame.true_positives / pred).fillna(1.0)
    frame["recall"] = (frame.true_positives / true).fillna(1.0)
    denom = frame.precision + frame.recall
    frame["f1"] = (2 * frame.precision * frame.recall / denom.where(denom > 0)).fillna(0.0)
    return frame


def compute(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Metrics by scope from `wh.linkage.person_key` and a `truth` table on `con`."""
    by_pair = con.execute(PAIR_SQL).fetchdf()
    for col in ("pred", "true", "tp"):
        if col not in by_pair:
            by_pair[col] = 0
    by_pair[["pred", "true", "tp"]] = by_pair[["pred", "true", "tp"]].fillna(0)
    overall = by_pair[["pred", "true", "tp"]].sum().to_frame().T
    overall["scope"], overall["source_a"], overall["source_b"] = "overall", "all", "all"
    pooled = []
    for la_source in LA_SOURCES:
        rows = by_pair[
            ((by_pair.source_a == la_source) & by_pair.source_b.isin(HEALTH_SOURCES))
            | ((by_pair.source_b == la_source) & by_pair.source_a.isin(HEALTH_SOURCES))
        ]
        total = rows[["pred", "true", "tp"]].sum().to_frame().T
        total["scope"], total["source_a"], total["source_b"] = (
            "la_to_health",
            la_source,
            "+".join(HEALTH_SOURCES),
        )
        pooled.append(total)
    by_pair["scope"] = "source_pair"
    by_pair = by_pair.sort_values(["source_a", "source_b"])
    frame = pd.concat([overall, *pooled, by_pair], ignore_index=True)
    frame = _metrics(frame)
    columns = [
        "scope",
        "source_a",
        "source_b",
        "true_pairs",
        "predicted_pairs",
        "true_positives",
        "false_positives",
        "false_negatives",
        "precision",
        "recall",
        "f1",
    ]
    return frame[columns]


def evaluate_warehouse(warehouse: Path, truth: Path, write: bool = True) -> Evaluation:
    """Evaluate the person key in `warehouse` against `truth/person_map.csv`."""
    person_map = Path(truth) / "person_map.csv"
    if not person_map.is_file():
        raise CyplinkError(f"truth file {person_map} not found")
    if not Path(warehouse).is_file():
        raise CyplinkError(f"warehouse {warehouse} not found: run `cyplink link` first")
    con = duckdb.connect()
    try:
        con.execute("attach ? as wh", [str(warehouse)])
        tables = con.execute(
            "select table_name from duckdb_tables() where database_name = 'wh' "
            "and schema_name = 'linkage' and table_name = 'person_key'"
        ).fetchall()
        if not tables:
            raise CyplinkError(f"{warehouse} has no linkage.person_key: run `cyplink link` first")
        con.execute(
            "create table truth as select source_system, provider_code, source_record_id, "
            "true_person_id from read_csv(?, header=true, all_varchar=true)",
            [str(person_map)],
        )
        only_pk = con.execute(
            "select count(*) from wh.linkage.person_key as pk anti join truth using "
            "(source_system, provider_code, source_record_id)"
        ).fetchall()[0][0]
        only_truth = con.execute(
            "select count(*) from truth anti join wh.linkage.person_key as pk using "
            "(source_system, provider_code, source_record_id)"
        ).fetchall()[0][0]
        metrics = compute(con)
        if write:
            con.register("_metrics", metrics)
            con.execute(
                "create or replace table wh.linkage.quality_evaluation as "
                "select *, current_timestamp::timestamp as evaluated_at from _metrics"
            )
    finally:
        con.close()
    return Evaluation(metrics, int(only_pk), int(only_truth))
