"""Flatten DfE CIN census XML returns into Parquet tables that dbt staging reads.

DuckDB cannot read XML, so this step turns every
`<landing>/cin_census/<la_code>/<year>/cin_census.xml` into one Parquet file per
entity under `<ingest_root>/cin/`. Values stay text exactly as the XML holds them:
typing, validation and quarantine happen in dbt (`base_cin__*`, `stg_quarantine`),
the same way as for the CSV landing tables.

Every row carries its lineage: `source_file`, `la_code` and `collection_year` (from
the path), `source_row_number` (element order of that entity within the file,
1-based) and the sequence numbers of its parents (`child_seq`, `cin_seq`,
`assessment_seq`, `cpp_seq`), so rows of one return can be joined back together.

Elements the contract does not list are counted in `unknown_elements` and never
stop the run. A file that is not well-formed XML is recorded in `files` with
status `rejected` and a message naming the line, and contributes no rows, so a
partly read return can never look complete.

Parsing is streamed (`iterparse`, each `Child` cleared after use) and columns are
accumulated as Python lists and written with Arrow in one go per table.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

LINEAGE = ("source_file", "source_row_number", "la_code", "collection_year")

CHILD_IDENTIFIERS = (
    "LAchildID",
    "UPN",
    "FormerUPN",
    "UPNunknown",
    "PersonBirthDate",
    "ExpectedPersonBirthDate",
    "Sex",
    "GenderCurrent",
    "PersonDeathDate",
)
CIN_DETAILS = (
    "CINreferralDate",
    "ReferralSource",
    "PrimaryNeedCode",
    "CINclosureDate",
    "ReasonForClosure",
    "DateOfInitialCPC",
    "ReferralNFA",
)
ASSESSMENT = (
    "AssessmentActualStartDate",
    "AssessmentInternalReviewDate",
    "AssessmentAuthorisationDate",
)
CIN_PLAN = ("CINPlanStartDate", "CINPlanEndDate")
SECTION47 = ("S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired")
CP_PLAN = (
    "CPPstartDate",
    "CPPendDate",
    "InitialCategoryOfAbuse",
    "LatestCategoryOfAbuse",
    "NumberOfPreviousCPP",
)

# Output tables: name -> (parent keys, value columns). Every table also has LINEAGE.
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "child": (("child_seq",), (*CHILD_IDENTIFIERS, "Ethnicity")),
    "disabilities": (("child_seq",), ("LAchildID", "Disability")),
    "cin_details": (("child_seq", "cin_seq"), ("LAchildID", *CIN_DETAILS)),
    "assessments": (("child_seq", "cin_seq", "assessment_seq"), ("LAchildID", *ASSESSMENT)),
    "assessment_factors": (
        ("child_seq", "cin_seq", "assessment_seq"),
        ("LAchildID", "AssessmentFactors"),
    ),
    "cin_plans": (("child_seq", "cin_seq", "plan_seq"), ("LAchildID", *CIN_PLAN)),
    "section47": (("child_seq", "cin_seq", "s47_seq"), ("LAchildID", *SECTION47)),
    "cp_plans": (("child_seq", "cin_seq", "cpp_seq"), ("LAchildID", *CP_PLAN)),
    "cp_reviews": (("child_seq", "cin_seq", "cpp_seq"), ("LAchildID", "CPPreviewDate")),
}

# Every element path the contract knows, relative to the document root.
_CHILD = "Message/Children/Child"
_CIN = f"{_CHILD}/CINdetails"
KNOWN_PATHS: frozenset[str] = frozenset(
    {
        "Message",
        "Message/Header",
        "Message/Header/CollectionDetails",
        *(f"Message/Header/CollectionDetails/{t}" for t in ("Collection", "Year", "ReferenceDate")),
        "Message/Header/Source",
        *(
            f"Message/Header/Source/{t}"
            for t in ("SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime")
        ),
        "Message/Children",
        _CHILD,
        f"{_CHILD}/ChildIdentifiers",
        *(f"{_CHILD}/ChildIdentifiers/{t}" for t in CHILD_IDENTIFIERS),
        f"{_CHILD}/ChildCharacteristics",
        f"{_CHILD}/ChildCharacteristics/Ethnicity",
        f"{_CHILD}/ChildCharacteristics/Disabilities",
        f"{_CHILD}/ChildCharacteristics/Disabilities/Disability",
        _CIN,
        *(f"{_CIN}/{t}" for t in CIN_DETAILS),
        f"{_CIN}/Assessments",
        *(f"{_CIN}/Assessments/{t}" for t in ASSESSMENT),
        f"{_CIN}/Assessments/FactorsIdentifiedAtAssessment",
        f"{_CIN}/Assessments/FactorsIdentifiedAtAssessment/AssessmentFactors",
        f"{_CIN}/CINPlanDates",
        *(f"{_CIN}/CINPlanDates/{t}" for t in CIN_PLAN),
        f"{_CIN}/Section47",
        *(f"{_CIN}/Section47/{t}" for t in SECTION47),
        f"{_CIN}/ChildProtectionPlans",
        *(f"{_CIN}/ChildProtectionPlans/{t}" for t in CP_PLAN),
        f"{_CIN}/ChildProtectionPlans/Reviews",
        f"{_CIN}/ChildProtectionPlans/Reviews/CPPreviewDate",
    }
)

PATH_PATTERN = re.compile(r"cin_census/(?P<la_code>[^/]+)/(?P<year>[0-9]{4})/cin_census\.xml$")


@dataclass
class FileResult:
    """What happened to one XML file (one row of the `files` table)."""

    source_file: str
    la_code: str | None
    collection_year: str | None
    status: str = "loaded"
    message: str | None = None
    children: int = 0
    rows: Counter[str] = field(default_factory=Counter)


@dataclass
class IngestReport:
    """Outcome of one ingest run: files seen, rows per table, unknown elements."""

    files: list[FileResult]
    out_dir: Path
    unknown_elements: Counter[tuple[str, str]]

    @property
    def rejected(self) -> list[FileResult]:
        """Files that could not be read."""
        return [f for f in self.files if f.status != "loaded"]

    def summary(self) -> str:
        """One line for the run log."""
        rows = sum(sum(f.rows.values()) for f in self.files)
        return (
            f"CIN census: {len(self.files)} file(s), {len(self.rejected)} rejected, "
            f"{rows} row(s) flattened, {sum(self.unknown_elements.values())} unknown element(s)"
        )


def _local(tag: str) -> str:
    """Tag without an XML namespace."""
    return tag.rsplit("}", 1)[-1]


def _text(element: ET.Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    value = element.text.strip()
    return value or None


def _child_values(element: ET.Element, names: tuple[str, ...]) -> dict[str, str | None]:
    found: dict[str, str | None] = dict.fromkeys(names)
    for sub in element:
        name = _local(sub.tag)
        if name in found and found[name] is None:
            found[name] = _text(sub)
    return found


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [sub for sub in element if _local(sub.tag) == name]


class _Buffer:
    """Column buffers for every table, for one file (committed only if the file parses)."""

    def __init__(self) -> None:
        self.columns: dict[str, dict[str, list[object]]] = {
            table: {col: [] for col in (*LINEAGE, *keys, *values)}
            for table, (keys, values) in TABLES.items()
        }
        self.counts: Counter[str] = Counter()

    def add(self, table: str, lineage: Mapping[str, object], row: Mapping[str, object]) -> None:
        self.counts[table] += 1
        target = self.columns[table]
        values = {**lineage, **row, "source_row_number": self.counts[table]}
        for col in target:
            target[col].append(values.get(col))

    def extend_into(self, other: dict[str, dict[str, list[object]]]) -> None:
        for table, cols in self.columns.items():
            for col, values in cols.items():
                other[table][col].extend(values)


def _flatten_child(child: ET.Element, seq: int, lineage: dict[str, object], buf: _Buffer) -> None:
    ids_el = next(iter(_children(child, "ChildIdentifiers")), None)
    chars_el = next(iter(_children(child, "ChildCharacteristics")), None)
    ids = _child_values(ids_el, CHILD_IDENTIFIERS) if ids_el is not None else {}
    chars = _child_values(chars_el, ("Ethnicity",)) if chars_el is not None else {}
    la_child_id = ids.get("LAchildID")
    buf.add("child", lineage, {"child_seq": seq, **ids, **chars})
    if chars_el is not None:
        for group in _children(chars_el, "Disabilities"):
            for disability in _children(group, "Disability"):
                row = {"child_seq": seq, "LAchildID": la_child_id, "Disability": _text(disability)}
                buf.add("disabilities", lineage, row)
    for cin_seq, cin in enumerate(_children(child, "CINdetails"), start=1):
        keys = {"child_seq": seq, "cin_seq": cin_seq, "LAchildID": la_child_id}
        buf.add("cin_details", lineage, {**keys, **_child_values(cin, CIN_DETAILS)})
        for a_seq, assessment in enumerate(_children(cin, "Assessments"), start=1):
            a_keys = {**keys, "assessment_seq": a_seq}
            buf.add("assessments", lineage, {**a_keys, **_child_values(assessment, ASSESSMENT)})
            for factors in _children(assessment, "FactorsIdentifiedAtAssessment"):
                for factor in _children(factors, "AssessmentFactors"):
                    buf.add(
                        "assessment_factors",
                        lineage,
                        {**a_keys, "AssessmentFactors": _text(factor)},
                    )
        for p_seq, plan in enumerate(_children(cin, "CINPlanDates"), start=1):
            buf.add(
                "cin_plans", lineage, {**keys, "plan_seq": p_seq, **_child_values(plan, CIN_PLAN)}
            )
        for s_seq, s47 in enumerate(_children(cin, "Section47"), start=1):
            buf.add(
                "section47", lineage, {**keys, "s47_seq": s_seq, **_child_values(s47, SECTION47)}
            )
        for c_seq, cpp in enumerate(_children(cin, "ChildProtectionPlans"), start=1):
            c_keys = {**keys, "cpp_seq": c_seq}
            buf.add("cp_plans", lineage, {**c_keys, **_child_values(cpp, CP_PLAN)})
            for reviews in _children(cpp, "Reviews"):
                for review in _children(reviews, "CPPreviewDate"):
                    buf.add("cp_reviews", lineage, {**c_keys, "CPPreviewDate": _text(review)})


def _parse_file(
    path: Path, landing: Path, unknown: Counter[tuple[str, str]]
) -> tuple[FileResult, _Buffer]:
    source_file = path.as_posix()
    match = PATH_PATTERN.search(
        path.relative_to(landing).as_posix() if path.is_relative_to(landing) else source_file
    )
    la_code = match.group("la_code") if match else None
    year = match.group("year") if match else None
    result = FileResult(source_file=source_file, la_code=la_code, collection_year=year)
    lineage = {"source_file": source_file, "la_code": la_code, "collection_year": year}
    buf = _Buffer()
    file_unknown: Counter[tuple[str, str]] = Counter()
    stack: list[str] = []
    child_seq = 0
    try:
        for event, element in ET.iterparse(path, events=("start", "end")):
            if event == "start":
                stack.append(_local(element.tag))
                element_path = "/".join(stack)
                if element_path not in KNOWN_PATHS:
                    file_unknown[(source_file, element_path)] += 1
                continue
            if stack and stack[-1] == "Child" and len(stack) == 3:
                child_seq += 1
                _flatten_child(element, child_seq, lineage, buf)
                element.clear()
            stack.pop()
    except ET.ParseError as exc:
        result.status = "rejected"
        result.message = f"not well-formed XML ({exc}): file skipped"
        return result, _Buffer()
    except OSError as exc:
        result.status = "rejected"
        result.message = f"cannot read file ({exc}): file skipped"
        return result, _Buffer()
    unknown.update(file_unknown)
    result.children = child_seq
    result.rows = buf.counts
    if file_unknown:
        names = sorted({p.rsplit("/", 1)[-1] for _, p in file_unknown})
        result.message = "unknown element(s) ignored: " + ", ".join(names)
    return result, buf


def _schema(table: str) -> pa.Schema:
    keys, values = TABLES[table]
    fields = [pa.field("source_file", pa.string()), pa.field("source_row_number", pa.int64())]
    fields += [pa.field("la_code", pa.string()), pa.field("collection_year", pa.string())]
    fields += [pa.field(k, pa.int64()) for k in keys]
    fields += [pa.field(v, pa.string()) for v in values]
    return pa.schema(fields)


def _write(table: pa.Table, path: Path) -> None:
    tmp = path.with_suffix(".parquet.tmp")
    pq.write_table(table, tmp)
    tmp.replace(path)


def ingest_cin(landing: Path, ingest_root: Path) -> IngestReport:
    """Flatten every CIN census XML under `landing` into `<ingest_root>/cin/*.parquet`.

    Always writes every table (empty ones too), plus `files`, `row_counts` and
    `unknown_elements`, so dbt sources never point at a missing file.
    """
    out_dir = ingest_root / "cin"
    out_dir.mkdir(parents=True, exist_ok=True)
    columns: dict[str, dict[str, list[object]]] = {
        table: {col: [] for col in (*LINEAGE, *keys, *values)}
        for table, (keys, values) in TABLES.items()
    }
    unknown: Counter[tuple[str, str]] = Counter()
    results: list[FileResult] = []
    for path in sorted(landing.glob("cin_census/*/*/cin_census.xml")):
        result, buf = _parse_file(path, landing, unknown)
        buf.extend_into(columns)
        results.append(result)
    for table, cols in columns.items():
        _write(pa.Table.from_pydict(cols, schema=_schema(table)), out_dir / f"{table}.parquet")
    files = {
        "source_file": [r.source_file for r in results],
        "la_code": [r.la_code for r in results],
        "collection_year": [r.collection_year for r in results],
        "file_status": [r.status for r in results],
        "message": [r.message for r in results],
        "children": [r.children for r in results],
    }
    files_schema = pa.schema(
        [
            ("source_file", pa.string()),
            ("la_code", pa.string()),
            ("collection_year", pa.string()),
            ("file_status", pa.string()),
            ("message", pa.string()),
            ("children", pa.int64()),
        ]
    )
    _write(pa.Table.from_pydict(files, schema=files_schema), out_dir / "files.parquet")
    counts = [(r.source_file, table, r.rows.get(table, 0)) for r in results for table in TABLES]
    _write(
        pa.Table.from_pydict(
            {
                "source_file": [c[0] for c in counts],
                "cin_table": [c[1] for c in counts],
                "rows_written": [c[2] for c in counts],
            },
            schema=pa.schema(
                [
                    ("source_file", pa.string()),
                    ("cin_table", pa.string()),
                    ("rows_written", pa.int64()),
                ]
            ),
        ),
        out_dir / "row_counts.parquet",
    )
    _write(
        pa.Table.from_pydict(
            {
                "source_file": [k[0] for k in unknown],
                "element_path": [k[1] for k in unknown],
                "occurrences": [v for v in unknown.values()],
            },
            schema=pa.schema(
                [
                    ("source_file", pa.string()),
                    ("element_path", pa.string()),
                    ("occurrences", pa.int64()),
                ]
            ),
        ),
        out_dir / "unknown_elements.parquet",
    )
    return IngestReport(files=results, out_dir=out_dir, unknown_elements=unknown)
