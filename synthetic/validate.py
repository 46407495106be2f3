"""Check a landing root against the landing contract: layout, columns, codes, formats.

Usable on any landing root (`python -m synthetic.validate LANDING`), not only generated
ones. Each problem is reported as one line naming the file, column and what was expected.
CSV columns are matched exactly (the generator writes no extra columns); code columns
must hold a listed code or be blank where the contract allows blanks.
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pyarrow.csv as pacsv

from synthetic import codes

DMY = r"\d{2}/\d{2}/\d{4}"
ISO = r"\d{4}-\d{2}-\d{2}"
POSTCODE = r"[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}"
ETHNIC = {c for group in codes.ETHNIC_GROUPS.values() for c in group}
PLACE = {
    "A3",
    "A4",
    "A5",
    "A6",
    "H5",
    "K1",
    "K2",
    "P1",
    "P2",
    "P3",
    "R1",
    "R2",
    "R3",
    "R5",
    "S1",
    "T0",
    "T1",
    "T2",
    "T3",
    "T4",
    "U1",
    "U2",
    "U3",
    "U4",
    "U5",
    "U6",
    "Z1",
}
PLACE_2025 = (PLACE - {"H5", "P2"}) | {"K3"}
REC = {
    "X1",
    "E11",
    "E12",
    "E13",
    "E14",
    "E15",
    "E16",
    "E17",
    "E2",
    "E3",
    "E41",
    "E45",
    "E46",
    "E47",
    "E48",
    "E4A",
    "E4B",
    "E5",
    "E6",
    "E7",
    "E8",
    "E9",
}
LA_RE = r"E0[6-9]\d{6}"

# table -> {column: (rule, blank allowed)}; rule is a regex or a set of codes
Rule = tuple[str | set[str], bool]
SSDA903: dict[str, dict[str, Rule]] = {
    "header": {
        "CHILD": (r"\S+", False),
        "SEX": ({"1", "2", "M", "F", "U"}, False),
        "DOB": (DMY, False),
        "ETHNIC": (ETHNIC, False),
        "UPN": (r"[A-Z]\d{11}[0-9A-Z]|UN[1-7]", False),
        "MOTHER": ({"0", "1"}, True),
        "MC_DOB": (DMY, True),
    },
    "episodes": {
        "CHILD": (r"\S+", False),
        "DECOM": (DMY, False),
        "RNE": (set(codes.RNE), False),
        "LS": (set(codes.LEGAL_STATUS), False),
        "CIN": (set(codes.CIN_NEED), False),
        "PLACE": (PLACE | {"K3"}, False),
        "PLACE_PROVIDER": (set(codes.PLACE_PROVIDER), True),
        "DEC": (DMY, True),
        "REC": (REC, True),
        "REASON_PLACE_CHANGE": (set(codes.REASON_PLACE_CHANGE) | {"CUSTOD", "PLACE"}, True),
        "HOME_POST": (POSTCODE, True),
        "PL_POST": (POSTCODE, True),
        "URN": (r"SC\d{6}|XXXXXXX", True),
    },
    "reviews": {
        "CHILD": (r"\S+", False),
        "DOB": (DMY, False),
        "REVIEW": (DMY, False),
        "REVIEW_CODE": (r"PN[0-7]", False),
    },
    "uasc": {
        "CHILD": (r"\S+", False),
        "SEX": ({"1", "2", "M", "F", "U"}, False),
        "DOB": (DMY, False),
        "DUC": (DMY, True),
    },
    "oc2": {
        "CHILD": (r"\S+", False),
        "DOB": (DMY, False),
        "SDQ_SCORE": ({str(i) for i in range(41)}, True),
        "SDQ_REASON": ({"SDQ1", "SDQ2", "SDQ3", "SDQ4", "SDQ5"}, True),
        **{
            c: ({"0", "1"}, True)
            for c in (
                "CONVICTED",
                "HEALTH_CHECK",
                "IMMUNISATIONS",
                "TEETH_CHECK",
                "HEALTH_ASSESSMENT",
                "SUBSTANCE_MISUSE",
                "INTERVENTION_RECEIVED",
                "INTERVENTION_OFFERED",
            )
        },
    },
    "oc3": {
        "CHILD": (r"\S+", False),
        "DOB": (DMY, False),
        "IN_TOUCH": ({"YES", "NO", "DIED", "REFU", "NREQ", "RHOM"}, False),
        "ACTIV": ({"F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6", "0"}, True),
        "ACCOM": (r"[A-Z][12]|0", True),
    },
    "ad1": {
        "CHILD": (r"\S+", False),
        "DOB": (DMY, False),
        "DATE_INT": (DMY, True),
        "DATE_MATCH": (DMY, True),
        "FOSTER_CARE": ({"0", "1"}, True),
        "NB_ADOPTR": ({"1", "2"}, True),
        "SEX_ADOPTR": ({"M1", "F1", "MM", "FF", "MF"}, True),
        "LS_ADOPTR": ({"L0", "L11", "L12", "L2", "L3", "L4"}, True),
    },
    "placed_for_adoption": {
        "CHILD": (r"\S+", False),
        "DOB": (DMY, False),
        "DATE_PLACED": (DMY, False),
        "DATE_PLACED_CEASED": (DMY, True),
        "REASON_PLACED_CEASED": ({"RD1", "RD2", "RD3", "RD4"}, True),
    },
    "prev_perm": {
        "CHILD": (r"\S+", False),
        "DOB": (DMY, False),
        "PREV_PERM": ({"P1", "P2", "P3", "P4", "Z1"}, False),
        "LA_PERM": (r"\S+", True),
        "DATE_PERM": (DMY, True),
    },
    "missing": {
        "CHILD": (r"\S+", False),
        "DOB": (DMY, False),
        "MISSING": ({"M", "A"}, False),
        "MIS_START": (DMY, False),
        "MIS_END": (DMY, True),
    },
    "sw_episodes": {
        "CHILD": (r"\S+", False),
        "DOB": (DMY, False),
        "SW_ID": (r"\S+", False),
        "SW_DECOM": (DMY, False),
        "SW_DEC": (DMY, True),
        "SW_REASON": (
            {
                "MANAGE",
                "FCONTA",
                "LEFTRL",
                "ORGRST",
                "TSPROC",
                "ABSENC",
                "CHCHAN",
                "PCCHAN",
                "SWDIED",
                "OTHERS",
            },
            True,
        ),
    },
}
SCHOOL: dict[str, dict[str, Rule]] = {
    "pupilonroll": {
        "upn": (r"[A-Z]\d{11}[0-9A-Z]", False),
        "formerupn": (r"[A-Z]\d{11}[0-9A-Z]", True),
        "dob": (ISO, False),
        "gender": ({"M", "F"}, False),
        "ethnicity": (ETHNIC, True),
        "laestab": (r"\d{7}", False),
        "entrydate": (ISO, False),
        "enrolstatus": ({"C", "M", "S", "F", "O"}, False),
        "ncyearactual": (
            {"R", *[str(i) for i in range(1, 15)], "E1", "E2", "N1", "N2", "M", "X"},
            False,
        ),
        "senprovision": ({"N", "K", "E"}, False),
        "fsmeligible": ({"0", "1"}, False),
        "termlysessionspossible": (r"\d+", False),
        "termlysessionsauthorised": (r"\d+", False),
        "termlysessionsunauthorised": (r"\d+", False),
    },
    "termlyexclusions": {
        "upn": (r"[A-Z]\d{11}[0-9A-Z]", False),
        "laestab": (r"\d{7}", False),
        "startdate": (ISO, False),
        "sessions": (r"\d+", False),
        "category": ({"PERM", "FIXD", "LNCH"}, False),
        "reason": ({"PP", "PA", "VP", "VA", "BU", "RA", "SM", "DA", "DM", "TH", "DB", "OT"}, False),
    },
}
KS4: dict[str, Rule] = {
    "upn": (r"[A-Z]\d{11}[0-9A-Z]", False),
    "laestab": (r"\d{7}", False),
    "year": (r"20\d{2}", False),
    "att8": (r"\d{1,2}\.\d", False),
    "basics_94": ({"0", "1"}, False),
}
SNOMED = r"\d{6,18}"
ICD10 = r"[A-Z]\d{2}(\.?[0-9X])?"
GP: dict[str, dict[str, Rule]] = {
    "patients": {
        "patient_id": (r"\S+", False),
        "practice_code": (r"[A-Z]\d{5}", False),
        "registration_start": (ISO, False),
        "registration_end": (ISO, True),
        "year_of_birth": (r"\d{4}", False),
        "month_of_birth": (r"([1-9]|1[0-2])", False),
        "sex": ({"M", "F", "U"}, False),
        "lsoa_code": (r"E01\d{6}", True),
        "la_code": (LA_RE, True),
    },
    "events": {
        "patient_id": (r"\S+", False),
        "event_date": (ISO, False),
        "snomed_code": (SNOMED, False),
        "value": (r".*", True),
    },
}
SUS: dict[str, dict[str, Rule]] = {
    "apc": {
        "der_pseudo_nhs_number": (r"\S+", False),
        "epikey": (r"\d+", False),
        "admidate": (ISO, False),
        "disdate": (ISO, True),
        "epistart": (ISO, False),
        "epiend": (ISO, True),
        "epiorder": (r"\d{1,2}", False),
        "admimeth": (
            set(codes.ADMIMETH_EMERGENCY)
            | set(codes.ADMIMETH_ELECTIVE)
            | {"31", "32", "82", "83", "81"},
            False,
        ),
        "admisorc": (r"\d{2}", True),
        "disdest": (r"\d{2}", True),
        "startage": (r"\d{1,2}|700[1-7]", False),
        "sex": ({"1", "2", "9", "0"}, False),
        "procode": (r"[A-Z0-9]{3,5}", False),
        "tretspef": (r"\d{3}", True),
        **{f"diag_{k:02d}": (ICD10, k > 1) for k in range(1, 21)},
        "lsoa11": (r"E01\d{6}", True),
        "resladst_ons": (LA_RE, True),
    },
    "op": {
        "der_pseudo_nhs_number": (r"\S+", False),
        "attendkey": (r"\d+", False),
        "apptdate": (ISO, False),
        "atentype": (r"\d{1,2}", True),
        "attended": ({"0", "2", "3", "4", "5", "6", "7"}, False),
        "tretspef": (r"\d{3}", True),
        "mainspef": (r"\d{3}", True),
        "procode": (r"[A-Z0-9]{3,5}", False),
        "apptage": (r"\d{1,3}", True),
        "sex": ({"1", "2", "9", "0"}, False),
    },
    "ecds": {
        "der_pseudo_nhs_number": (r"\S+", False),
        "ec_ident": (r"\d+", False),
        "der_ec_arrival_date_time": (ISO + r"T\d{2}:\d{2}:\d{2}", False),
        "ec_department_type": ({"01", "02", "03", "04", "05"}, False),
        "ec_chief_complaint_snomed_ct": (SNOMED, True),
        "ec_diagnosis_01": (SNOMED, True),
        "ec_diagnosis_02": (SNOMED, True),
        "ec_diagnosis_03": (SNOMED, True),
        "ec_injury_intent_snomed_ct": (SNOMED, True),
        "discharge_destination_snomed_ct": (SNOMED, True),
        "der_provider_code": (r"[A-Z0-9]{3,5}", False),
        "der_age_at_cds_activity_date": (r"\d{1,3}", True),
    },
}
MHSDS: dict[str, dict[str, Rule]] = {
    "MHS101Referral": {
        "UniqMonthID": (r"\d{4}", False),
        "Person_ID": (r"\S+", False),
        "UniqServReqID": (r"\S+", False),
        "ReferralRequestReceivedDate": (ISO, False),
        "SourceOfReferralMH": (set(codes.MH_SOURCE_OF_REFERRAL), True),
        "PrimReasonReferralMH": (set(codes.MH_PRIMARY_REASON), True),
        "ServDischDate": (ISO, True),
        "OrgIDProv": (r"[A-Z0-9]{3,5}", False),
    },
    "MHS102ServiceTypeReferredTo": {
        "UniqMonthID": (r"\d{4}", False),
        "UniqServReqID": (r"\S+", False),
        "ServTeamTypeRefToMH": (set(codes.MH_TEAM_TYPE), False),
    },
    "MHS201CareContact": {
        "UniqMonthID": (r"\d{4}", False),
        "UniqServReqID": (r"\S+", False),
        "UniqCareContID": (r"\S+", False),
        "CareContDate": (ISO, False),
        "AttendOrDNACode": (set(codes.MH_ATTEND), False),
        "ConsMechanismMH": (set(codes.MH_CONS_MECHANISM), True),
    },
}
IDENTIFIERS: dict[str, Rule] = {
    "source_record_id": (r"\S+", False),
    "nhs_number": (r"\d{10}|\d{3} \d{3} \d{4}", True),
    "upn": (r"[A-Z]\d{11}[0-9A-Z]", True),
    "forename": (r".+", True),
    "surname": (r".+", True),
    "dob": (ISO + "|" + DMY, False),
    "sex": ({"M", "F", "U", "1", "2"}, True),
    "postcode": (r"(?i)[A-Z]{1,2}[0-9][0-9A-Z]? ?[0-9][A-Z]{2}", True),
    "record_date": (ISO, True),
}
POPULATION: dict[str, Rule] = {
    "la_code": (LA_RE, False),
    "year": (r"\d{4}", False),
    "age": ({str(i) for i in range(18)}, False),
    "sex": ({"M", "F"}, False),
    "population": (r"\d+", False),
}

# XML: element -> allowed children (leaves map to None)
CIN_TREE: dict[str, set[str] | None] = {
    "Message": {"Header", "Children"},
    "Header": {"CollectionDetails", "Source"},
    "CollectionDetails": {"Collection", "Year", "ReferenceDate"},
    "Source": {"SourceLevel", "LEA", "SoftwareCode", "Release", "SerialNo", "DateTime"},
    "Children": {"Child"},
    "Child": {"ChildIdentifiers", "ChildCharacteristics", "CINdetails"},
    "ChildIdentifiers": {
        "LAchildID",
        "UPN",
        "FormerUPN",
        "UPNunknown",
        "PersonBirthDate",
        "ExpectedPersonBirthDate",
        "GenderCurrent",
        "Sex",
        "PersonDeathDate",
    },
    "ChildCharacteristics": {"Ethnicity", "Disabilities"},
    "Disabilities": {"Disability"},
    "CINdetails": {
        "CINreferralDate",
        "ReferralSource",
        "PrimaryNeedCode",
        "CINclosureDate",
        "ReasonForClosure",
        "DateOfInitialCPC",
        "ReferralNFA",
        "Assessments",
        "CINPlanDates",
        "Section47",
        "ChildProtectionPlans",
    },
    "Assessments": {
        "AssessmentActualStartDate",
        "AssessmentInternalReviewDate",
        "AssessmentAuthorisationDate",
        "FactorsIdentifiedAtAssessment",
    },
    "FactorsIdentifiedAtAssessment": {"AssessmentFactors"},
    "CINPlanDates": {"CINPlanStartDate", "CINPlanEndDate"},
    "Section47": {"S47ActualStartDate", "InitialCPCtarget", "DateOfInitialCPC", "ICPCnotRequired"},
    "ChildProtectionPlans": {
        "CPPstartDate",
        "CPPendDate",
        "InitialCategoryOfAbuse",
        "LatestCategoryOfAbuse",
        "NumberOfPreviousCPP",
        "Reviews",
    },
    "Reviews": {"CPPreviewDate"},
}
CIN_LEAF_RULES: dict[str, str | set[str]] = {
    "PersonBirthDate": ISO,
    "CINreferralDate": ISO,
    "CINclosureDate": ISO,
    "DateOfInitialCPC": ISO,
    "AssessmentActualStartDate": ISO,
    "AssessmentAuthorisationDate": ISO,
    "CINPlanStartDate": ISO,
    "CINPlanEndDate": ISO,
    "S47ActualStartDate": ISO,
    "InitialCPCtarget": ISO,
    "CPPstartDate": ISO,
    "CPPendDate": ISO,
    "PersonDeathDate": ISO,
    "Sex": {"M", "F", "U"},
    "GenderCurrent": {"0", "1", "2", "9"},
    "Ethnicity": ETHNIC,
    "ReferralSource": set(codes.REFERRAL_SOURCE),
    "PrimaryNeedCode": {f"N{i}" for i in range(10)},
    "ReasonForClosure": {f"RC{i}" for i in range(1, 10)},
    "AssessmentFactors": set(codes.ASSESSMENT_FACTORS)
    | {
        "4C",
        "5A",
        "5C",
        "6A",
        "6C",
        "7A",
        "8B",
        "9A",
        "12A",
        "13A",
        "19B",
        "19C",
        "18B",
        "20",
        "22A",
        "23A",
        "1A",
        "1C",
        "2A",
        "2C",
        "3C",
    },
    "InitialCategoryOfAbuse": set(codes.ABUSE_CATEGORY),
    "LatestCategoryOfAbuse": set(codes.ABUSE_CATEGORY),
    "ReferralNFA": {"0", "1", "true", "false"},
    "ICPCnotRequired": {"0", "1", "true", "false"},
    "UPN": r"[A-Z]\d{11}[0-9A-Z]",
    "FormerUPN": r"[A-Z]\d{11}[0-9A-Z]",
    "UPNunknown": {f"UN{i}" for i in range(1, 8)},
}


def check_table(
    path: Path, spec: dict[str, Rule], extra: dict[str, Rule] | None = None
) -> list[str]:
    """Problems in one CSV: missing/extra columns, values breaking a rule."""
    problems: list[str] = []
    try:
        import pyarrow as pa

        table = pacsv.read_csv(
            path,
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in spec}, strings_can_be_null=False
            ),
        )
    except Exception as exc:
        return [f"{path}: unreadable ({exc})"]
    cols = table.column_names
    if set(cols) != set(spec):
        problems.append(f"{path}: columns {sorted(cols)} != contract {sorted(spec)}")
    for col, (rule, blank_ok) in {**spec, **(extra or {})}.items():
        if col not in cols:
            continue
        s = pd.Series(table.column(col).to_pylist(), dtype=object).fillna("")
        blank = s == ""
        if isinstance(rule, set):
            bad = ~s.isin(rule) & ~(blank & blank_ok)
        else:
            bad = ~s.str.fullmatch(rule) & ~(blank & blank_ok)
        if bad.any():
            first = int(bad.to_numpy().nonzero()[0][0])
            problems.append(
                f"{path}: column {col!r} row {first + 2}: {s.iloc[first]!r} "
                f"({int(bad.sum())} bad values)"
            )
    return problems


def check_cin_xml(path: Path) -> list[str]:
    """Element structure and leaf values of one CIN census XML file."""
    problems: list[str] = []
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        return [f"{path}: not well-formed XML ({exc})"]
    if root.tag != "Message":
        problems.append(f"{path}: root element {root.tag!r}, expected 'Message'")
    bad: dict[str, int] = {}
    for parent in root.iter():
        allowed = CIN_TREE.get(parent.tag)
        for child in parent:
            if allowed is None or child.tag not in allowed:
                bad[f"{parent.tag}>{child.tag}"] = bad.get(f"{parent.tag}>{child.tag}", 0) + 1
        rule = CIN_LEAF_RULES.get(parent.tag)
        if rule is not None:
            text = (parent.text or "").strip()
            ok = text in rule if isinstance(rule, set) else re.fullmatch(rule, text) is not None
            if not ok:
                bad[f"{parent.tag}={text!r}"] = bad.get(f"{parent.tag}={text!r}", 0) + 1
    for child in root.iter("Child"):
        ids = child.find("ChildIdentifiers")
        if ids is None or ids.find("LAchildID") is None:
            bad["Child without ChildIdentifiers/LAchildID"] = 1
    for det in root.iter("CINdetails"):
        if det.find("CINreferralDate") is None:
            bad["CINdetails without CINreferralDate"] = 1
    problems += [f"{path}: {k} ({v}x)" for k, v in sorted(bad.items())]
    return problems


def validate_landing(root: Path) -> list[str]:
    """Every problem found under a landing root (empty list = valid)."""
    root = Path(root)
    problems: list[str] = []
    seen = 0
    pop = root / "reference" / "population.csv"
    if pop.exists():
        problems += check_table(pop, POPULATION)
        seen += 1
    else:
        problems.append(f"{pop}: missing")
    for path in sorted(root.glob("ssda903/*/*/*.csv")):
        name = path.stem
        seen += 1
        if name not in SSDA903:
            problems.append(f"{path}: not a 903 table")
            continue
        year = int(path.parent.name)
        spec = dict(SSDA903[name])
        if name == "episodes":
            spec["PLACE"] = (PLACE_2025 if year >= 2025 else PLACE, False)
        if name in ("header", "uasc"):
            spec["SEX"] = ({"M", "F", "U"} if year >= 2025 else {"1", "2"}, False)
        problems += check_table(path, spec)
    for path in sorted(root.glob("cin_census/*/*/cin_census.xml")):
        seen += 1
        problems += check_cin_xml(path)
    for path in sorted(root.glob("school_census/*/*/*.csv")):
        seen += 1
        if not re.fullmatch(r"\d{4}-(autumn|spring|summer)", path.parent.name):
            problems.append(f"{path}: term folder must be <year>-<term>")
        problems += (
            check_table(path, SCHOOL[path.stem])
            if path.stem in SCHOOL
            else [f"{path}: not a school census table"]
        )
    for path in sorted(root.glob("attainment/*/*/ks4.csv")):
        seen += 1
        problems += check_table(path, KS4)
    for path in sorted(root.glob("gp/*/*.csv")):
        seen += 1
        problems += check_table(path, GP[path.stem])
    for kind in ("apc", "op", "ecds"):
        for path in sorted(root.glob(f"sus/{kind}/*/{kind}.csv")):
            seen += 1
            if not re.fullmatch(r"\d{4}-\d{2}", path.parent.name):
                problems.append(f"{path}: financial year folder must look like 2023-24")
            problems += check_table(path, SUS[kind])
    for path in sorted(root.glob("mhsds/*/*.csv")):
        seen += 1
        problems += (
            check_table(path, MHSDS[path.stem])
            if path.stem in MHSDS
            else [f"{path}: not an MHSDS table"]
        )
    for path in sorted(root.glob("identifiers/*/*/identifiers.csv")):
        seen += 1
        if path.parent.parent.name not in {"csc", "school_census", "gp", "sus", "mhsds"}:
            problems.append(f"{path}: unknown source system")
        problems += check_table(path, IDENTIFIERS)
    if seen == 0:
        problems.append(f"{root}: no landing files found")
    return problems


def main(argv: list[str] | None = None) -> int:
    """CLI: `python -m synthetic.validate LANDING`; exit 1 when any problem is found."""
    args = argv if argv is not None else sys.argv[1:]
    problems = validate_landing(Path(args[0] if args else "data/landing"))
    for line in problems:
        print(line)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
