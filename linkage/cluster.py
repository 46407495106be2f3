"""Cluster record keys into people without chaining twins and siblings together.

Decisions:

- Nodes are record keys (`source_system, provider_code, source_record_id`): the
  rows of one key are one record by definition, so the person key holds each key
  exactly once.
- Edges are (a) deterministic: the two records share a valid NHS number or UPN
  and their dates of birth agree, allowing a day/month transposition or one typed
  digit; (b) probabilistic: Splink match probability at or above the threshold.
- Connected components are computed set-based (scipy sparse graph).
- Then constraints: a person holds at most one valid NHS number and at most one
  permanent UPN, and no two of their records carry incompatible forenames (not
  equal, not variants, not a prefix or middle name of the other, not swapped with
  the surname, Jaro-Winkler below 0.55, more than one edit apart, and not one edit
  from a variant of the other or from the other's surname). The last two cover a
  nickname typed with an error (`kua` for Kuba, a variant of Jakub; `tundee` for
  Tunde, of Babatunde) and a swapped name with a typo: at scale 1.0 such a garbled
  GP forename was the only thing keeping some looked-after children's LA records
  apart from all their health records (issue 6). Twins share
  surname, address and date of birth, and a record without names or numbers (an
  SUS or MHSDS record with a missing NHS number, say) can score highly against
  both twins and bridge them.
  Components that break a constraint (a small minority) are re-clustered by
  adding their edges strongest first (deterministic before probabilistic), and
  skipping any edge that would join two groups holding different NHS numbers,
  different permanent UPNs, or incompatible forenames. The weaker bridging edge
  is the one dropped.
- A consequence, intended: an adopted child's records before and after adoption
  (new NHS number and surname) are not linked; in England the new NHS number is
  issued precisely to separate the two identities.
- Adoption rule, in the same re-clustering: a group of records without an NHS
  number, holding an LA (csc) record, whose latest LA record predates every record
  of the other group's NHS number, while another NHS number of the component was
  already in use and was last recorded before that one began (replaced by it, not
  beside it as a twin's is), is not joined to that group; nor is any group formed
  whose LA records lie on both sides of such a replacement (a UPN kept through the
  adoption chains the LA that knew the child before to the LA that knew the child
  after, before either meets an NHS number). The new NHS number is issued at the
  adoption order, so a record made before it belongs to the identity in use then;
  without the rule a UPN kept through the adoption pulled the LA's pre-adoption
  record to the new identity, away from the health records of the child's time in
  care (issue 6).
- Each record's `match_probability` is its strongest edge inside its final
  cluster, and `link_method` is that edge's kind: `deterministic_nhs`,
  `deterministic_upn`, `probabilistic`, or `unlinked` for a cluster of one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

DOB_COMPATIBLE_SQL = """(
    l.dob = r.dob or l.dob is null or r.dob is null
    or (year(l.dob) = year(r.dob) and month(l.dob) = day(r.dob) and day(l.dob) = month(r.dob))
    or levenshtein(l.dob_str, r.dob_str) <= 1
)"""

METHOD_PRIORITY = {"deterministic_nhs": 1, "deterministic_upn": 2, "probabilistic": 3}

EDGES_SQL = f"""
create or replace table edges as
with deterministic_nhs as (
    select distinct l.key_id as key_a, r.key_id as key_b, 1.0::double as p,
        'deterministic_nhs' as method
    from link_rows as l
    inner join link_rows as r on l.nhs_number = r.nhs_number and l.key_id < r.key_id
    where {DOB_COMPATIBLE_SQL}
),
deterministic_upn as (
    select distinct l.key_id as key_a, r.key_id as key_b, 1.0::double as p,
        'deterministic_upn' as method
    from link_rows as l
    inner join link_rows as r on l.upn = r.upn and l.key_id < r.key_id
    where {DOB_COMPATIBLE_SQL}
),
probabilistic as (
    select least(key_id_l, key_id_r) as key_a, greatest(key_id_l, key_id_r) as key_b,
        match_probability as p, 'probabilistic' as method
    from scored_pairs
    where match_probability >= $threshold and key_id_l != key_id_r
),
stacked as (
    select * from deterministic_nhs
    union all select * from deterministic_upn
    union all select * from probabilistic
),
final as (
    select key_a, key_b, max(p) as p,
        arg_min(method, case method when 'deterministic_nhs' then 1
            when 'deterministic_upn' then 2 else 3 end) as method
    from stacked
    group by key_a, key_b
)
select * from final
"""

FORENAMES_COMPATIBLE_SQL = """(
    l.forename1 = r.forename1 or list_has_any(l.forename1_groups, r.forename1_groups)
    or jaro_winkler_similarity(l.forename1, r.forename1) >= {jw}
    or damerau_levenshtein(l.forename1, r.forename1) <= 1
    or starts_with(l.forename1, r.forename1) or starts_with(r.forename1, l.forename1)
    or list_contains(r.forename_parts, l.forename1) or list_contains(l.forename_parts, r.forename1)
    or list_contains(r.surname_parts, l.forename1) or list_contains(l.surname_parts, r.forename1)
    or damerau_levenshtein(l.forename1, r.surname_compact) <= 1
    or damerau_levenshtein(r.forename1, l.surname_compact) <= 1
    or list_bool_or(list_transform(l.forename1_variant_names,
        lambda variant: damerau_levenshtein(variant, r.forename1) <= 1))
    or list_bool_or(list_transform(r.forename1_variant_names,
        lambda variant: damerau_levenshtein(variant, l.forename1) <= 1))
)"""

FORENAME_VARIANT_NAMES_SQL = """
create or replace table forename_variant_names as
-- every name sharing a variant group with a name (jakub: jakub, kuba, kub, ...),
-- for the one-edit-from-a-variant rule of the forename constraint
select names.variant as forename1, list(distinct others.variant) as variant_names
from name_variants as names
inner join name_variants as others on list_has_any(names.groups, others.groups)
group by names.variant
"""

INCOMPATIBLE_SQL_TEMPLATE = """
create or replace table incompatible_keys as
with named_all as (
    select components.comp, link_rows.*,
        coalesce(forename_variant_names.variant_names, []) as forename1_variant_names
    from link_rows inner join components on components.key_id = link_rows.key_id
    left join forename_variant_names
        on forename_variant_names.forename1 = link_rows.forename1
    where link_rows.forename1 is not null
),
varied as (
    -- only components whose records carry more than one forename need checking
    select comp from named_all group by comp having count(distinct forename1) > 1
),
named as (
    select named_all.* from named_all inner join varied on varied.comp = named_all.comp
),
row_pairs as (
    select l.comp, l.key_id as key_a, r.key_id as key_b,
        {compatible} as compatible
    from named as l
    inner join named as r on l.comp = r.comp and l.key_id < r.key_id
)
select comp, key_a, key_b from row_pairs
group by comp, key_a, key_b
having not bool_or(coalesce(compatible, false))
"""

KEY_IDENTIFIERS_SQL = """
select link_rows.key_id, conflict_keys.comp,
    coalesce(list(distinct nhs_number) filter (where nhs_number is not null), []) as nhs,
    coalesce(list(distinct upn) filter (where upn is not null and not upn_is_temporary), [])
        as upn,
    any_value(record_keys.first_record_date) as first_date,
    any_value(record_keys.last_record_date) as last_date,
    any_value(record_keys.source_system) as source_system
from link_rows
inner join conflict_keys on conflict_keys.key_id = link_rows.key_id
inner join record_keys on record_keys.key_id = link_rows.key_id
group by link_rows.key_id, conflict_keys.comp
"""


@dataclass
class ClusterStats:
    """Counts for the run log."""

    edges: int = 0
    components: int = 0
    conflicted_components: int = 0
    rejected_edges: int = 0
    clusters: int = 0


@dataclass(frozen=True)
class _Eras:
    """When each NHS number of a conflicted component was first and last recorded, and
    when each LA (csc) record was last recorded: what the adoption rule of `_Groups`
    needs. Only LA records are held back: the rule is for the record of the LA that
    looked after the child, which the `cla_` indicators join to the child's health
    records; applied to every record it also split school and GP records from the
    identity they share with the truth (recall 0.9948 to 0.9925 at scale 1.0)."""

    comp: dict[int, int]
    last_date: dict[int, Any]
    first_seen: dict[int, dict[str, Any]]
    last_seen: dict[int, dict[str, Any]]
    replaced_on: dict[int, list[Any]]
    """Per component, the days on which an NHS number replaced another (an adoption):
    the first record of a number that began after another one ended."""

    def predates(self, numbers: frozenset[str], last: Any, key: int) -> bool:
        """True when records last seen on `last` come before every record of `numbers`,
        and another NHS number of the component was in use then and ended where
        `numbers` began.

        That is the signature of adoption: the new NHS number is issued at the adoption
        order and replaces the old one, so no record from before it can carry it, and
        the child's earlier records belong to the identity in use then. Twins' numbers
        are in use side by side, so the rule leaves them alone."""
        if last is None or not numbers:
            return False
        comp = self.comp.get(key, -1)
        first_seen, last_seen = self.first_seen.get(comp, {}), self.last_seen.get(comp, {})
        if any(first_seen.get(n) is None or first_seen[n] <= last for n in numbers):
            return False
        began = min(first_seen[n] for n in numbers)
        return any(
            first <= last and last_seen[n] <= began
            for n, first in first_seen.items()
            if n not in numbers
        )

    def straddles(self, lo: Any, hi: Any, key: int) -> bool:
        """True when LA records last seen between `lo` and `hi` lie on both sides of an
        adoption: the LA that knew the child before and the one that knew the child after
        hold two identities, which one group cannot."""
        if lo is None or hi is None or lo == hi:
            return False
        replaced_on = self.replaced_on.get(self.comp.get(key, -1), [])
        return any(lo < began <= hi for began in replaced_on)


class _Groups:
    """Union-find whose roots carry the NHS numbers and UPNs of their members."""

    def __init__(
        self,
        nhs: dict[int, frozenset[str]],
        upn: dict[int, frozenset[str]],
        incompatible: dict[int, frozenset[int]],
        eras: _Eras | None = None,
    ) -> None:
        self.parent: dict[int, int] = {}
        self.nhs = dict(nhs)
        self.upn = dict(upn)
        self.members: dict[int, frozenset[int]] = {}
        self.forbidden = dict(incompatible)
        self.eras = eras
        # earliest and latest last-record dates of each group's LA records
        self.first: dict[int, Any] = dict(eras.last_date) if eras else {}
        self.last: dict[int, Any] = dict(eras.last_date) if eras else {}

    def find(self, node: int) -> int:
        parent = self.parent.setdefault(node, node)
        if parent == node:
            return node
        root = self.find(parent)
        self.parent[node] = root
        return root

    def try_union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        nhs_a, nhs_b = self.nhs.get(ra, frozenset()), self.nhs.get(rb, frozenset())
        upn_a, upn_b = self.upn.get(ra, frozenset()), self.upn.get(rb, frozenset())
        if nhs_a and nhs_b and nhs_a.isdisjoint(nhs_b):
            return False
        if upn_a and upn_b and upn_a.isdisjoint(upn_b):
            return False
        members_a = self.members.get(ra, frozenset((ra,)))
        members_b = self.members.get(rb, frozenset((rb,)))
        forbidden_a = self.forbidden.get(ra, frozenset())
        forbidden_b = self.forbidden.get(rb, frozenset())
        if not forbidden_a.isdisjoint(members_b) or not forbidden_b.isdisjoint(members_a):
            return False
        last_a, last_b = self.last.get(ra), self.last.get(rb)
        firsts = [d for d in (self.first.get(ra), self.first.get(rb)) if d is not None]
        lasts = [d for d in (last_a, last_b) if d is not None]
        first, last = (min(firsts), max(lasts)) if lasts else (None, None)
        if self.eras is not None and (
            (not nhs_b and self.eras.predates(nhs_a, last_b, a))
            or (not nhs_a and self.eras.predates(nhs_b, last_a, a))
            or self.eras.straddles(first, last, a)
        ):
            return False
        root, child = (ra, rb) if ra < rb else (rb, ra)
        self.parent[child] = root
        self.nhs[root] = nhs_a | nhs_b
        self.upn[root] = upn_a | upn_b
        self.members[root] = members_a | members_b
        self.forbidden[root] = forbidden_a | forbidden_b
        self.first[root], self.last[root] = first, last
        return True


def _resolve_conflicts(
    edges: pd.DataFrame, ids: pd.DataFrame, incompatible: pd.DataFrame
) -> tuple[dict[int, int], int]:
    """Constrained greedy clustering of the conflicted components' edges."""
    nhs = {int(k): frozenset(v) for k, v in zip(ids.key_id, ids.nhs, strict=True) if len(v)}
    upn = {int(k): frozenset(v) for k, v in zip(ids.key_id, ids.upn, strict=True) if len(v)}
    partners: dict[int, set[int]] = {}
    for a, b in zip(incompatible.key_a.to_numpy(), incompatible.key_b.to_numpy(), strict=True):
        partners.setdefault(int(a), set()).add(int(b))
        partners.setdefault(int(b), set()).add(int(a))
    groups = _Groups(nhs, upn, {k: frozenset(v) for k, v in partners.items()}, _eras(ids))
    rejected = 0
    for a, b in zip(edges.key_a.to_numpy(), edges.key_b.to_numpy(), strict=True):
        if not groups.try_union(int(a), int(b)):
            rejected += 1
    return {int(k): groups.find(int(k)) for k in ids.key_id}, rejected


def _eras(ids: pd.DataFrame) -> _Eras:
    """First and last record dates of each NHS number per conflicted component, and the
    last record date of each LA key (`ids`: KEY_IDENTIFIERS_SQL)."""
    first_seen: dict[int, dict[str, Any]] = {}
    last_seen: dict[int, dict[str, Any]] = {}
    for comp, numbers, first, last in zip(
        ids.comp, ids.nhs, ids.first_date, ids.last_date, strict=True
    ):
        if first is None or pd.isna(first) or last is None or pd.isna(last):
            continue
        firsts = first_seen.setdefault(int(comp), {})
        lasts = last_seen.setdefault(int(comp), {})
        for number in numbers:
            firsts[number] = min(firsts.get(number, first), first)
            lasts[number] = max(lasts.get(number, last), last)
    return _Eras(
        comp={int(k): int(c) for k, c in zip(ids.key_id, ids.comp, strict=True)},
        last_date={
            int(k): d
            for k, d, source in zip(ids.key_id, ids.last_date, ids.source_system, strict=True)
            if source == "csc" and d is not None and not pd.isna(d)
        },
        first_seen=first_seen,
        last_seen=last_seen,
        replaced_on={
            comp: _replacement_days(firsts, last_seen[comp]) for comp, firsts in first_seen.items()
        },
    )


def _replacement_days(first_seen: dict[str, Any], last_seen: dict[str, Any]) -> list[Any]:
    """First record days of the NHS numbers that began after another number ended."""
    return [
        began
        for number, began in first_seen.items()
        if any(
            other != number and first < began and last_seen[other] <= began
            for other, first in first_seen.items()
        )
    ]


def _variant_names(con: duckdb.DuckDBPyConnection) -> None:
    """`forename_variant_names` from the `name_variants` table that standardisation
    installs (empty when a caller clusters rows it standardised another way)."""
    installed = con.execute(
        "select count(*) from duckdb_tables() "
        "where table_name = 'name_variants' and database_name = current_database()"
    ).fetchall()[0][0]
    if installed:
        con.execute(FORENAME_VARIANT_NAMES_SQL)
    else:
        con.execute(
            "create or replace table forename_variant_names "
            "(forename1 varchar, variant_names varchar[])"
        )


FORENAME_JW_COMPATIBLE = 0.55
"""Forenames at least this Jaro-Winkler-similar are compatible (a typo of one name)."""


def cluster(
    con: duckdb.DuckDBPyConnection,
    threshold: float,
    forename_jw: float | None = FORENAME_JW_COMPATIBLE,
) -> ClusterStats:
    """Build `clusters(key_id, cluster_id)` and `key_links(key_id, match_probability,
    link_method)` from `link_rows`, `scored_pairs` and `record_keys`."""
    stats = ClusterStats()
    con.execute(EDGES_SQL, {"threshold": threshold})
    n_keys = int(con.execute("select max(key_id) from record_keys").fetchall()[0][0] or 0)
    edge_arrays = con.execute("select key_a, key_b from edges").fetchnumpy()
    key_a = np.asarray(edge_arrays["key_a"], dtype=np.int64)
    key_b = np.asarray(edge_arrays["key_b"], dtype=np.int64)
    stats.edges = len(key_a)
    graph = coo_matrix(
        (np.ones(len(key_a), dtype=np.int8), (key_a, key_b)), shape=(n_keys + 1, n_keys + 1)
    )
    stats.components, labels = connected_components(graph, directed=False)
    components = pd.DataFrame({"key_id": np.arange(1, n_keys + 1), "comp": labels[1:]})
    con.register("_components", components)
    con.execute("create or replace table components as select * from _components")
    con.unregister("_components")

    compatible = (
        FORENAMES_COMPATIBLE_SQL.format(jw=forename_jw) if forename_jw is not None else "true"
    )
    _variant_names(con)
    con.execute(INCOMPATIBLE_SQL_TEMPLATE.format(compatible=compatible))
    con.execute(
        """
        create or replace table conflict_keys as
        with ids as (
            select components.comp, link_rows.nhs_number,
                case when not link_rows.upn_is_temporary then link_rows.upn end as upn
            from link_rows inner join components on components.key_id = link_rows.key_id
        ),
        bad as (
            select comp from ids group by comp
            having count(distinct nhs_number) > 1 or count(distinct upn) > 1
            union
            select comp from incompatible_keys
        )
        select components.key_id, components.comp
        from components inner join bad on bad.comp = components.comp
        """
    )
    stats.conflicted_components = int(
        con.execute("select count(distinct comp) from conflict_keys").fetchall()[0][0]
    )
    con.execute(
        "create or replace table clusters as select key_id, comp as cluster_id from components"
    )
    if stats.conflicted_components:
        conflict_edges = con.execute(
            """
            select edges.key_a, edges.key_b from edges
            inner join conflict_keys on conflict_keys.key_id = edges.key_a
            order by edges.p desc,
                case edges.method when 'deterministic_nhs' then 1
                    when 'deterministic_upn' then 2 else 3 end,
                edges.key_a, edges.key_b
            """
        ).fetchdf()
        ids = con.execute(KEY_IDENTIFIERS_SQL).fetchdf()
        incompatible = con.execute("select key_a, key_b from incompatible_keys").fetchdf()
        roots, stats.rejected_edges = _resolve_conflicts(conflict_edges, ids, incompatible)
        offset = int(labels.max()) + 1
        relabel = pd.DataFrame(
            {"key_id": list(roots), "cluster_id": [offset + root for root in roots.values()]}
        )
        con.register("_relabel", relabel)
        con.execute(
            "update clusters set cluster_id = _relabel.cluster_id from _relabel "
            "where clusters.key_id = _relabel.key_id"
        )
        con.unregister("_relabel")
    stats.clusters = int(
        con.execute("select count(distinct cluster_id) from clusters").fetchall()[0][0]
    )
    con.execute(
        """
        create or replace table key_links as
        with kept as (
            select edges.* from edges
            inner join clusters as ca on ca.key_id = edges.key_a
            inner join clusters as cb on cb.key_id = edges.key_b
            where ca.cluster_id = cb.cluster_id
        ),
        ends as (
            select key_a as key_id, p, method from kept
            union all select key_b, p, method from kept
        ),
        best as (
            select key_id, max(p) as match_probability,
                arg_max(method, (p, case method when 'deterministic_nhs' then 3
                    when 'deterministic_upn' then 2 else 1 end)) as link_method
            from ends group by key_id
        )
        select clusters.key_id, best.match_probability,
            coalesce(best.link_method, 'unlinked') as link_method
        from clusters left join best on best.key_id = clusters.key_id
        """
    )
    return stats
